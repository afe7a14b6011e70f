//! The one-flag-at-a-time order search at its worst (issue 14.10): 20 flags joined by
//! invariants, 6 of them optional (64 variants of the phase), turned on and off again.
//!
//! - `wide`: every intermediate state keeps the invariant, so greedy orders settle every
//!   transition (the exact search used to explore 2^20 states for each: 106 s for `check`);
//! - `trap`: the greedy order is stuck after its first flip while a safe order exists, so the
//!   exact search runs for every transition until the analysis's budget is spent.
//!
//! ```text
//! cargo bench --bench search
//! ```
//!
//! Figures: `docs/performance.md`.

use std::fmt::Write as _;

use rollplan::source::SourceMap;

fn main() {
    divan::main();
}

/// Flags `names`, the invariants, then a phase turning every flag on (the last 6 optional) and
/// one turning them off.
fn plan(names: &[String], invariants: &str) -> String {
    let mut text = String::from("plan worst {}\n");
    for n in names {
        let _ = writeln!(text, "flag {n}: bool = false");
    }
    text.push_str(invariants);
    for (id, value) in [("on", "true"), ("off", "false")] {
        let _ = writeln!(text, "phase {id} \"P\" {{\n  duration 1w");
        for (i, n) in names.iter().enumerate() {
            let optional = if value == "true" && i + 6 >= names.len() {
                " optional"
            } else {
                ""
            };
            let _ = writeln!(text, "  set {n} = {value}{optional}");
        }
        text.push_str("}\n");
    }
    text
}

fn wide() -> String {
    let names: Vec<String> = (0..20).map(|i| format!("g{i:02}")).collect();
    let invariant = format!(
        "invariant wide: g00 || !g00 || {}\n",
        names[1..].join(" || ")
    );
    plan(&names, &invariant)
}

fn trap() -> String {
    let names: Vec<String> = ["x", "y", "z"]
        .into_iter()
        .map(str::to_owned)
        .chain((0..17).map(|i| format!("f{i:02}")))
        .collect();
    let invariants = format!(
        "invariant xy_need_z: x && y -> z\ninvariant z_needs_y: z -> y\n\
         invariant fillers: x || !x || {}\n",
        names[3..].join(" || ")
    );
    plan(&names, &invariants)
}

fn check(text: &str) -> usize {
    let mut sources = SourceMap::new();
    let file = sources.add("worst.roll", text);
    match rollplan::compile(&sources, file) {
        Ok(c) => c.analysis.transitions.len(),
        Err(e) => e.as_slice().len(),
    }
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn check_wide_20_flags_64_variants(bencher: divan::Bencher) {
    let text = wide();
    bencher.bench(|| divan::black_box(check(&text)));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn check_trap_20_flags_64_variants(bencher: divan::Bencher) {
    let text = trap();
    bencher.bench(|| divan::black_box(check(&text)));
}
