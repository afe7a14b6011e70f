//! Bad input never crashes rollplan: whatever the bytes, `compile` returns a plan or
//! diagnostics whose every span has a line and column inside the text, never a panic, a stack
//! overflow or a hang. Most cases go through the library (`cli::input::from_bytes` then
//! `compile`), as the CLI does; a few go through the real binary and check its exit code (0 or 1,
//! never 101, the code of a panic).
//!
//! The 100 MB plan takes minutes in a debug build, so it is ignored here; CI runs it in release:
//! `cargo test --release --test robustness -- --ignored`.

use std::path::PathBuf;
use std::process::Command;

use proptest::prelude::*;
use rollplan::diagnostic::{Code, Diagnostic};

const ENTITY: &str = include_str!("../plans/entity.roll");

/// What compiling some bytes gave: `Ok` with the warnings' codes, or the diagnostics' codes.
/// Panics (failing the test) if a diagnostic's span lies outside the text or off a character
/// boundary, if a failure carries no error, or if a line or column is not one-based.
fn compile_bytes(bytes: &[u8]) -> Result<Vec<Code>, Vec<Code>> {
    let loaded = rollplan::cli::input::from_bytes("input.roll".to_owned(), bytes);
    let (failed, diagnostics): (bool, Vec<Diagnostic>) = match loaded.unreadable {
        Some(d) => (true, vec![d]),
        None => match rollplan::compile(&loaded.sources, loaded.file) {
            Ok(c) => (false, c.warnings),
            Err(e) => (true, e.into_vec()),
        },
    };
    let source = loaded.sources.get(loaded.file);
    for d in &diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.related) {
            let range = label.span.range();
            assert!(
                range.start <= range.end && range.end <= source.text.len(),
                "span {range:?} outside the text of {} bytes: {d:?}",
                source.text.len()
            );
            assert!(
                source.text.is_char_boundary(range.start)
                    && source.text.is_char_boundary(range.end),
                "span {range:?} splits a character: {d:?}"
            );
            let (line, column) = source.line_col(range.start);
            assert!(line >= 1 && column >= 1);
        }
        assert!(!d.message.is_empty() && !d.help.is_empty(), "{d:?}");
    }
    let codes = diagnostics.iter().map(|d| d.code).collect();
    if !failed {
        return Ok(codes);
    }
    assert!(
        diagnostics.iter().any(Diagnostic::is_error),
        "a failure without an error: {diagnostics:?}"
    );
    Err(codes)
}

fn errors_of(bytes: &[u8]) -> Vec<Code> {
    match compile_bytes(bytes) {
        Ok(warnings) => panic!("expected errors, got a plan (warnings {warnings:?})"),
        Err(codes) => codes,
    }
}

/// An invariant over `formula` added to the entity plan.
fn entity_with_invariant(formula: &str) -> String {
    format!("{ENTITY}\ninvariant deep: {formula}\n")
}

#[test]
fn hundred_thousand_nested_parentheses_are_refused_not_recursed() {
    let n = 100_000;
    let formula = format!("{}entity.enabled{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(
        errors_of(entity_with_invariant(&formula).as_bytes()),
        [Code::NestingTooDeep]
    );
}

#[test]
fn hundred_thousand_negations_are_refused_not_recursed() {
    let formula = format!("{}entity.enabled", "!".repeat(100_000));
    assert_eq!(
        errors_of(entity_with_invariant(&formula).as_bytes()),
        [Code::NestingTooDeep]
    );
}

#[test]
fn unbalanced_parentheses_in_bulk_are_syntax_errors() {
    let formula = format!("{}entity.enabled", "(".repeat(100_000));
    let codes = errors_of(entity_with_invariant(&formula).as_bytes());
    assert!(!codes.is_empty());
    let formula = format!("entity.enabled{}", ")".repeat(100_000));
    assert!(errors_of(entity_with_invariant(&formula).as_bytes()).contains(&Code::SyntaxError));
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    let mut bytes = ENTITY.as_bytes().to_vec();
    let at = ENTITY.find("Entity relationship rollout").expect("title");
    bytes[at] = 0xFF;
    let loaded = rollplan::cli::input::from_bytes("bad.roll".to_owned(), &bytes);
    let d = loaded.unreadable.expect("invalid UTF-8 is reported");
    assert_eq!(d.code, Code::InvalidUtf8);
    assert_eq!(d.primary.span.range().start, at);
    assert_eq!(loaded.sources.get(loaded.file).line_col(at), (5, 10));
    assert_eq!(errors_of(&bytes), [Code::InvalidUtf8]);
    // A truncated multi-byte character at the very end.
    assert_eq!(errors_of(b"plan x {\n\xE2\x82"), [Code::InvalidUtf8]);
}

/// The plan's shape as `check` reports it: phases, states, transitions.
fn shape(text: &[u8]) -> (usize, usize, usize) {
    let loaded = rollplan::cli::input::from_bytes("shape.roll".to_owned(), text);
    assert!(loaded.unreadable.is_none());
    let c = rollplan::compile(&loaded.sources, loaded.file).expect("compiles");
    let states = c.plan.phases.iter().map(|p| p.variants.len()).sum();
    (c.plan.phases.len(), states, c.analysis.safe_transitions())
}

#[test]
fn bom_and_crlf_are_accepted_and_change_nothing() {
    let expected = shape(ENTITY.as_bytes());
    let crlf = ENTITY.replace('\n', "\r\n");
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(crlf.as_bytes());
    assert_eq!(shape(crlf.as_bytes()), expected);
    assert_eq!(shape(&with_bom), expected);
    assert_eq!(compile_bytes(&with_bom), Ok(vec![]));
}

#[test]
fn crlf_diagnostics_keep_line_and_column() {
    let broken = ENTITY
        .replace(
            "duration 1w\n  set entity.enabled",
            "duration 1x\n  set entity.enabled",
        )
        .replace('\n', "\r\n");
    let loaded = rollplan::cli::input::from_bytes("crlf.roll".to_owned(), broken.as_bytes());
    let errors = rollplan::compile(&loaded.sources, loaded.file).expect_err("bad duration");
    let d = &errors.as_slice()[0];
    let source = loaded.sources.get(loaded.file);
    // The prefix ends inside the line of `duration`, so its line count is that line's number.
    let expected_line = ENTITY[..ENTITY.find("duration 1w\n  set entity.enabled").unwrap()]
        .lines()
        .count();
    assert_eq!(
        source.line_col(d.primary.span.range().start),
        (expected_line, "  duration 1".len()),
        "{d:?}"
    );
}

#[test]
fn truncation_at_every_byte_offset_reports_or_compiles() {
    let bytes = ENTITY.as_bytes();
    let mut failed = 0;
    for end in 0..bytes.len() {
        if compile_bytes(&bytes[..end]).is_err() {
            failed += 1;
        }
    }
    // Almost every cut breaks the plan; the cuts that leave whole items (at line ends) may not.
    assert!(failed > bytes.len() * 9 / 10, "{failed} of {}", bytes.len());
}

#[test]
fn every_deleted_line_reports_or_compiles() {
    let lines: Vec<&str> = ENTITY.split_inclusive('\n').collect();
    let mut failed = 0;
    for skip in 0..lines.len() {
        let text: String = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect();
        if compile_bytes(text.as_bytes()).is_err() {
            failed += 1;
        }
    }
    // Deleting the line `phase development … {` or a closing `}` must break the plan.
    assert!(failed >= lines.iter().filter(|l| l.trim() == "}").count());
}

#[test]
fn swapping_adjacent_tokens_reports_or_compiles() {
    // Tokens: runs of non-whitespace, each with its byte range.
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in ENTITY.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                tokens.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    let mut failed = 0;
    for pair in tokens.windows(2) {
        let ((a0, a1), (b0, b1)) = (pair[0], pair[1]);
        if ENTITY[a0..a1] == ENTITY[b0..b1] {
            continue;
        }
        let swapped = format!(
            "{}{}{}{}{}",
            &ENTITY[..a0],
            &ENTITY[b0..b1],
            &ENTITY[a1..b0],
            &ENTITY[a0..a1],
            &ENTITY[b1..]
        );
        if compile_bytes(swapped.as_bytes()).is_err() {
            failed += 1;
        }
    }
    assert!(failed > tokens.len() / 2, "{failed} of {}", tokens.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = compile_bytes(&bytes);
    }

    #[test]
    fn random_byte_edits_of_the_real_plan_never_panic(
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = ENTITY.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = compile_bytes(&bytes);
    }

    #[test]
    fn random_token_soup_never_panics(
        words in proptest::collection::vec(proptest::sample::select(vec![
            "plan", "flag", "phase", "set", "invariant", "gate", "duration", "on_fail",
            "rollback", "extend", "when", "else", "optional", "{", "}", "(", ")", "!", "&&",
            "||", "->", "==", "!=", "=", ":", ",", "..", "bool", "int", "enum", "1w", "2d",
            "0.1%", "entity.enabled", "x", "\"t\"", "true", "false", "in", "[", "]", "\n",
        ]), 0..200)
    ) {
        let text = words.join(" ");
        let _ = compile_bytes(text.as_bytes());
    }
}

/// About 100 MB of plan: the entity plan's header and declarations, then phases like its own,
/// each with its own id, until the size is reached.
fn hundred_megabyte_plan() -> String {
    let first_phase = ENTITY.find("phase development").expect("a phase");
    let (head, phases) = ENTITY.split_at(first_phase);
    let body = phases.replace("indefinite", "1w");
    let mut text = String::with_capacity(101 << 20);
    text.push_str(head);
    let mut copy = 0;
    while text.len() < 100 << 20 {
        text.push_str(&body.replace("phase ", &format!("phase c{copy}_")));
        copy += 1;
    }
    text
}

#[test]
#[ignore = "minutes in a debug build; CI runs it with `cargo test --release --test robustness -- --ignored`"]
fn hundred_megabyte_plan_compiles() {
    let text = hundred_megabyte_plan();
    assert!(text.len() >= 100 << 20);
    // The copies roll back to `previous`, which exists: the plan is valid, only large.
    assert_eq!(compile_bytes(text.as_bytes()), Ok(vec![]));
}

/// A file in this test's scratch folder.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

fn exit_code(path: &PathBuf) -> i32 {
    let output = Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .arg("check")
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rollplan");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
        .status
        .code()
        .expect("exited, not killed by a signal")
}

#[test]
fn the_binary_exits_with_one_or_zero_never_a_panic() {
    let n = 100_000;
    let deep = entity_with_invariant(&format!("{}entity.enabled{}", "(".repeat(n), ")".repeat(n)));
    assert_eq!(exit_code(&scratch("deep.roll", deep.as_bytes())), 1);
    let nots = entity_with_invariant(&"!".repeat(n));
    assert_eq!(exit_code(&scratch("nots.roll", nots.as_bytes())), 1);
    let cut = &ENTITY.as_bytes()[..ENTITY.len() / 2];
    assert_eq!(exit_code(&scratch("cut.roll", cut)), 1);
    assert_eq!(exit_code(&scratch("utf8.roll", b"plan \xFF {}")), 1);
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| u8::try_from(i.wrapping_mul(2_654_435_761) >> 24).unwrap_or(0))
        .collect();
    assert_eq!(exit_code(&scratch("noise.roll", &noise)), 1);
    let mut bom_crlf = b"\xEF\xBB\xBF".to_vec();
    bom_crlf.extend_from_slice(ENTITY.replace('\n', "\r\n").as_bytes());
    assert_eq!(exit_code(&scratch("bom_crlf.roll", &bom_crlf)), 0);
}

/// Found by the `scenario` fuzz target: a scenario that is not a mapping is underlined up to
/// its 80th byte, which here fell inside a two-byte character.
#[test]
fn a_scenario_that_is_not_a_mapping_is_underlined_on_character_boundaries() {
    let text = format!("{}\u{068d}tail\n", "y".repeat(79));
    let mut sources = rollplan::source::SourceMap::new();
    let plan = sources.add("entity.roll", ENTITY);
    let plan = rollplan::compile(&sources, plan)
        .expect("the entity plan compiles")
        .plan;
    let file = sources.add("s.yaml", text.as_str());
    let errors = rollplan::simulate::parse_scenario(&plan, file, &text)
        .expect_err("a scalar is not a scenario")
        .into_vec();
    let codes: Vec<Code> = errors.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::ScenarioSyntax]);
    let range = errors[0].primary.span.range();
    assert_eq!(
        range,
        0..79,
        "the span stops before the character it would split"
    );
    assert_eq!(&text[range], "y".repeat(79));
}
