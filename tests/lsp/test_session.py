"""`rollplan lsp` driven by a real client (pytest-lsp) through one editing session: open,
diagnostics, hover, definition, references, completion, edits with a syntax error, rename,
formatting, code actions and the outline.

Run from the repository root after `cargo build`:
    python3 -m pytest tests/lsp
ROLLPLAN names the binary (default: target/debug/rollplan).
"""

import os
import pathlib
import signal

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLLPLAN = os.environ.get("ROLLPLAN", str(ROOT / "target" / "debug" / "rollplan"))
PLAN = (pathlib.Path(__file__).parent / "demo.roll").read_text(encoding="utf-8")
URI = (pathlib.Path(__file__).parent / "demo.roll").as_uri()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[ROLLPLAN, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim"),
            root_uri=ROOT.as_uri(),
        )
    )
    server = lsp_client._server
    pid = server.pid
    yield
    # Stop the server by the protocol, and make sure that its own process is gone.
    try:
        await lsp_client.shutdown_session()
        assert server.returncode == 0, f"server exited with {server.returncode}"
    finally:
        if server.returncode is None:
            os.kill(pid, signal.SIGKILL)


def where(text: str, needle: str, occurrence: int = 1, delta: int = 0) -> types.Position:
    """The LSP position (UTF-16 columns) of the `occurrence`th `needle`, plus `delta` characters."""
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    line_start = text.rfind("\n", 0, at) + 1
    column = len(text[line_start:at].encode("utf-16-le")) // 2
    return types.Position(line=line, character=column)


async def open_plan(client: LanguageClient, text: str = PLAN):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="rollplan", version=1, text=text
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def change(client: LanguageClient, text: str, version: int = 2):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


def doc_position(text: str, needle: str, occurrence: int = 1, delta: int = 0):
    return types.TextDocumentPositionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=where(text, needle, occurrence, delta),
    )


async def hover(client: LanguageClient, text: str, needle: str, occurrence: int = 1) -> str:
    p = doc_position(text, needle, occurrence, delta=1)
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=p.text_document, position=p.position)
    )
    assert result is not None, f"no hover on {needle!r}"
    return result.contents.value


async def completion_labels(client: LanguageClient, text: str, needle: str) -> list[str]:
    """Labels offered right after `needle` (its first occurrence)."""
    p = doc_position(text, needle, delta=len(needle))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=p.text_document, position=p.position)
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    return [i.label for i in items]


async def test_a_clean_plan_has_no_diagnostics(client: LanguageClient):
    await open_plan(client)
    assert list(client.diagnostics[URI]) == []


async def test_hover_shows_values_dates_and_gates(client: LanguageClient):
    await open_plan(client)
    flag = await hover(client, PLAN, "checkout.v2", occurrence=2)
    assert "flag checkout.v2: bool = false" in flag
    assert "| before the rollout | `false` |" in flag
    assert '| canary | `true when region == "eu" else false` (set here) |' in flag
    assert "| full | `true` (set here) |" in flag
    phase = await hover(client, PLAN, "canary", occurrence=2)
    assert "duration: `1w`" in phase
    assert "planned: 2026-03-02 to 2026-03-09" in phase
    assert "- `error_rate < 1%`" in phase
    # After an emoji (two UTF-16 units) on the same line as the name.
    metric = await hover(client, PLAN, "error_rate", occurrence=2)
    assert "metric error_rate: percent" in metric
    assert "- canary: `error_rate < 1%`" in metric and "- full: `error_rate < 0.5%`" in metric


async def test_hover_after_a_non_bmp_character(client: LanguageClient):
    text = PLAN.replace('monitor "📈 Errors" {\n  watch error_rate\n}', 'monitor "📈" { watch error_rate }')
    await open_plan(client, text)
    assert list(client.diagnostics[URI]) == []
    p = where(text, "error_rate }", delta=3)
    assert p.character == len('monitor "📈" { watch err') + 1, "the emoji counts two units"
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI), position=p)
    )
    assert result is not None and "metric error_rate" in result.contents.value
    assert result.range.start.character == len('monitor "📈" { watch ') + 1


async def test_definition_and_references(client: LanguageClient):
    await open_plan(client)
    p = doc_position(PLAN, "rollback canary", delta=len("rollback c"))
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=p.text_document, position=p.position)
    )
    assert result.range.start == where(PLAN, "canary")
    p = doc_position(PLAN, "checkout.v2", delta=2)
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=p.text_document,
            position=p.position,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    starts = sorted((r.range.start.line, r.range.start.character) for r in refs)
    expected = sorted(
        (where(PLAN, "checkout.v2", n).line, where(PLAN, "checkout.v2", n).character)
        for n in range(1, 5)
    )
    assert starts == expected


async def test_completion_in_place(client: LanguageClient):
    await open_plan(client)
    text = PLAN.replace("  set mode = modern\n", "  set mode = \n")
    await change(client, text)
    assert await completion_labels(client, text, "set mode = ") == ["legacy", "modern"]
    assert await completion_labels(client, text, "when region == ") == ["eu", "us"]
    assert "gate" in await completion_labels(client, text, "  duration 2w\n  ")


async def test_a_syntax_error_keeps_the_rest_working(client: LanguageClient):
    await open_plan(client)
    text = PLAN.replace("flag mode:", "flag broken: = \nflag mode:").replace(
        "set mode = modern", "set mode = 3"
    )
    await change(client, text)
    codes = sorted(d.code for d in client.diagnostics[URI])
    assert codes == ["rollplan::syntax_error", "rollplan::type_mismatch"]
    mismatch = next(d for d in client.diagnostics[URI] if d.code == "rollplan::type_mismatch")
    assert "help:" in mismatch.message
    assert mismatch.related_information, "the declaration is a related location"
    assert "flag checkout.v2: bool" in await hover(client, text, "checkout.v2", occurrence=2)
    assert await completion_labels(client, text, "gate ") == ["error_rate"]


async def test_rename_a_metric_everywhere(client: LanguageClient):
    await open_plan(client)
    p = doc_position(PLAN, "error_rate", occurrence=3, delta=1)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=p.text_document, position=p.position)
    )
    assert prepared.placeholder == "error_rate"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=p.text_document, position=p.position, new_name="failure_rate")
    )
    edits = edit.changes[URI]
    assert len(edits) == 4 and all(e.new_text == "failure_rate" for e in edits)
    with pytest.raises(Exception, match="already declared|not a valid"):
        await client.text_document_rename_async(
            types.RenameParams(text_document=p.text_document, position=p.position, new_name="2x")
        )


async def test_formatting_goes_through_fmt(client: LanguageClient):
    await open_plan(client)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert len(edits) == 1 and edits[0].new_text.startswith("plan demo {\n  title \"Demo\"\n")
    await change(client, PLAN + "phase broken {\n")
    with pytest.raises(Exception, match="fmt refused"):
        await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                options=types.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )


async def test_code_action_fixes_a_misspelt_flag(client: LanguageClient):
    await open_plan(client)
    text = PLAN.replace("  set checkout.v2 = true\n", "  set chekout.v2 = true\n")
    await change(client, text)
    [d] = client.diagnostics[URI]
    assert d.code == "rollplan::undefined_flag" and "did you mean `checkout.v2`?" in d.message
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    [action] = actions
    assert action.title == "Replace with `checkout.v2`"
    [fix] = action.edit.changes[URI]
    assert fix.range == d.range and fix.new_text == "checkout.v2"


async def test_outline(client: LanguageClient):
    await open_plan(client)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert [s.name for s in symbols] == [
        "demo", "region", "checkout.v2", "mode", "error_rate",
        "modern_needs_checkout", "canary", "full",
    ]
    full = symbols[-1]
    assert full.kind == types.SymbolKind.Function
    assert full.range.end.line == PLAN.count("\n") - 1


async def test_code_action_declares_an_undefined_flag(client: LanguageClient):
    await open_plan(client)
    text = PLAN.replace("  set mode = modern\n", "  set mode = modern\n  set brand_new = true\n")
    await change(client, text)
    [d] = client.diagnostics[URI]
    assert d.code == "rollplan::undefined_flag"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    [action] = actions
    assert action.title == "Declare `brand_new`"
    [edit] = action.edit.changes[URI]
    # Inserted before the first phase, as the help line writes it.
    assert edit.range.start == where(text, "phase canary")
    assert edit.new_text == 'flag brand_new: bool = false "what it controls"\n'
    fixed = text.replace("phase canary", edit.new_text + "phase canary", 1)
    await change(client, fixed, version=3)
    assert [x.code for x in client.diagnostics[URI]] == [], "the fix leaves the plan clean"
