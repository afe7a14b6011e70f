//! The language server's work on a 5,000-line plan (`examples/synth.rs`, 165 phases, 100
//! flags, seed 1): what it does between an edit and publishing diagnostics (compile through the
//! one pipeline, index names, convert diagnostics), and a hover and a completion on the
//! compiled document. In process, without the JSON-RPC framing, which adds well under a
//! millisecond for these messages.
//!
//! ```text
//! cargo bench --bench lsp
//! ```
//!
//! Targets (issue 12): diagnostics within 50 ms of an edit, hover and completion within 10 ms.
//! Figures: `docs/performance.md`.

use std::sync::OnceLock;

use lsp_types::Position;
use rollplan::lsp;

#[path = "../examples/synth.rs"]
#[expect(
    dead_code,
    reason = "the bench uses the generator; the command line is the example's"
)]
mod synth;

fn main() {
    divan::main();
}

const URI: &str = "file:///bench/synth.roll";

/// The plan, about 5,000 lines.
fn plan() -> &'static str {
    static PLAN: OnceLock<String> = OnceLock::new();
    PLAN.get_or_init(|| synth::render_roll(&synth::generate(165, 100, 1), 1))
}

/// The plan as edited: the last `duration` line changed, so the whole plan compiles again.
fn edited() -> String {
    let text = plan();
    let at = text.rfind("  duration ").expect("a duration");
    let end = at + text[at..].find('\n').expect("a line end");
    format!("{}  duration 3d{}", &text[..at], &text[end..])
}

/// The position of the first character of `needle` at or after byte `from`, plus `delta`.
fn position(text: &str, from: usize, needle: &str, delta: usize) -> Position {
    let at = from + text[from..].find(needle).expect("needle") + delta;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    Position::new(
        u32::try_from(line).expect("fits"),
        u32::try_from(column).expect("fits"),
    )
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn edit_to_diagnostics(bencher: divan::Bencher) {
    let lines = plan().lines().count();
    assert!((4_500..5_500).contains(&lines), "{lines} lines");
    bencher.with_inputs(edited).bench_values(|text| {
        let doc = lsp::open(URI, text).expect("a URI");
        divan::black_box(lsp::diagnostics_of(&doc).len())
    });
}

#[divan::bench(sample_count = 50)]
fn hover_on_a_flag(bencher: divan::Bencher) {
    let text = plan();
    let doc = lsp::open(URI, text.to_owned()).expect("a URI");
    // A flag in one of the last phases: its hover lists its value in all 165.
    let at = position(text, text.len() * 9 / 10, "  set ", 7);
    assert!(lsp::hover_at(&doc, at).is_some(), "a hover at {at:?}");
    bencher.bench(|| divan::black_box(lsp::hover_at(&doc, at)));
}

#[divan::bench(sample_count = 50)]
fn completion_of_a_flag_name(bencher: divan::Bencher) {
    let text = plan();
    // A `set ` being typed in the middle of the plan: that phase no longer parses.
    let at = text[text.len() / 2..].find("  set ").expect("a set") + text.len() / 2;
    let line_end = at + text[at..].find('\n').expect("line end");
    let typed = format!("{}  set {}", &text[..at], &text[line_end..]);
    let doc = lsp::open(URI, typed.clone()).expect("a URI");
    let cursor = position(&typed, at, "  set ", 6);
    assert!(
        lsp::complete_at(&doc, cursor).len() >= 100,
        "every flag is offered"
    );
    bencher.bench(|| divan::black_box(lsp::complete_at(&doc, cursor)));
}
