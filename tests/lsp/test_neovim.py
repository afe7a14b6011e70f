"""Neovim from the distribution, headless, configured by the editor note
editors/neovim/rollplan.lua (tests/lsp/nvim_check.lua): its built-in LSP client, attached to
`rollplan lsp`, receives the diagnostics and a hover."""

import json
import os
import pathlib
import shutil
import signal
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLLPLAN = os.environ.get("ROLLPLAN", str(ROOT / "target" / "debug" / "rollplan"))
SCRIPT = pathlib.Path(__file__).parent / "nvim_check.lua"
PLUGIN = ROOT / "editors" / "neovim" / "rollplan.lua"


def test_neovim_receives_diagnostics_and_hover(tmp_path):
    nvim = shutil.which("nvim")
    assert nvim, "Neovim is not installed (.ci/run installs the `neovim` package)"
    plan = tmp_path / "plan.roll"
    text = (pathlib.Path(__file__).parent / "demo.roll").read_text(encoding="utf-8")
    plan.write_text(text.replace("set mode = modern", "set mdoe = modern"), encoding="utf-8")
    out = tmp_path / "out.json"
    env = dict(os.environ, OUT=str(out), ROLLPLAN=ROLLPLAN, PLUGIN=str(PLUGIN), HOME=str(tmp_path))
    subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(SCRIPT), str(plan)],
        cwd=tmp_path, env=env, timeout=60, check=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    result = json.loads(out.read_text())
    pid = result.get("pid")
    try:
        assert "error" not in result, result
        assert result["filetype"] == "rollplan"
        [d] = result["diagnostics"]
        assert d["code"] == "rollplan::undefined_flag"
        assert "help: declare it: `flag mdoe: bool = false" in d["message"]
        lines = plan.read_text(encoding="utf-8").split("\n")
        row = next(i for i, line in enumerate(lines) if "set mdoe" in line)
        assert (d["lnum"], d["col"]) == (row, lines[row].index("mdoe"))
        assert "flag checkout.v2: bool = false" in result["hover"]
    finally:
        # The server is stopped through the protocol; if its process is still there, end it.
        if pid:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                pass
            else:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"the server (pid {pid}) was still running after Neovim quit")
