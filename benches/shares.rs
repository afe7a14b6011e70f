//! `check` of a plan rolled out by percentages against the same plan with fixed values
//! (issue 9: at most 2×). 50 flags in 10 cohorts of 5; in each cohort every flag needs the one
//! before it (`f1 -> f0`, …: 40 invariants); five phases, every one setting all 50 flags, and
//! `on_fail rollback previous`, so every advance and every rollback changes all 50 flags.
//!
//! - `percent`: phase k ramps flag j of each cohort to `true for P/(j+1)% of cohort else
//!   false`, P = 1, 5, 25, 50, 100: shares that nest, so the plan checks clean;
//! - `fixed`: phase k sets every flag to `true` (k even) or `false` (k odd): as many flag
//!   changes per phase, each rollback and advance ordered dependents-first or last.
//!
//! ```text
//! cargo bench --bench shares
//! ```
//!
//! Figures: `docs/performance.md`.

use std::fmt::Write as _;

use rollplan::source::SourceMap;

fn main() {
    divan::main();
}

const COHORTS: usize = 10;
const PER_COHORT: usize = 5;
/// Each phase's share of the first flag of a cohort, in thousandths of a percent.
const RAMP: [u32; 5] = [1_000, 5_000, 25_000, 50_000, 100_000];

/// `12.5%`, `33.333%`: thousandths written out without trailing zeros.
fn percent(thousandths: u32) -> String {
    let (whole, fraction) = (thousandths / 1000, thousandths % 1000);
    if fraction == 0 {
        format!("{whole}%")
    } else {
        format!(
            "{whole}.{}%",
            format!("{fraction:03}").trim_end_matches('0')
        )
    }
}

/// The plan, with each phase's value of flag `j` of cohort `c` in phase `k` from `value`.
fn plan(value: impl Fn(usize, usize, usize) -> String) -> String {
    let mut text = String::from("plan shares { title \"Shares\" }\nattribute user.id: string\n");
    for c in 0..COHORTS {
        let _ = writeln!(text, "cohort c{c} by user.id");
    }
    for c in 0..COHORTS {
        for j in 0..PER_COHORT {
            let _ = writeln!(text, "flag c{c}.f{j}: bool = false");
        }
    }
    for c in 0..COHORTS {
        for j in 1..PER_COHORT {
            let _ = writeln!(text, "invariant c{c}_f{j}: c{c}.f{j} -> c{c}.f{}", j - 1);
        }
    }
    text.push_str("on_fail rollback previous\n");
    for k in 0..RAMP.len() {
        let _ = writeln!(text, "phase p{k} \"Phase {k}\" {{\n  duration 1d");
        for c in 0..COHORTS {
            for j in 0..PER_COHORT {
                let _ = writeln!(text, "  set c{c}.f{j} = {}", value(k, c, j));
            }
        }
        text.push_str("}\n");
    }
    text
}

fn percent_plan() -> String {
    plan(|k, c, j| {
        let share = (RAMP[k] / u32::try_from(j + 1).expect("small")).max(1);
        format!("true for {} of c{c} else false", percent(share))
    })
}

fn fixed_plan() -> String {
    plan(|k, _, _| (k % 2 == 0).to_string())
}

fn check(text: &str) -> usize {
    let mut sources = SourceMap::new();
    let file = sources.add("shares.roll", text);
    let compiled = rollplan::compile(&sources, file).expect("checks clean");
    compiled.analysis.transitions.len()
}

#[divan::bench(sample_count = 20)]
fn percent_shares(bencher: divan::Bencher) {
    let text = percent_plan();
    assert_eq!(check(&text), 2 * RAMP.len(), "every advance and rollback");
    bencher.bench(|| divan::black_box(check(&text)));
}

#[divan::bench(sample_count = 20)]
fn fixed(bencher: divan::Bencher) {
    let text = fixed_plan();
    assert_eq!(check(&text), 2 * RAMP.len(), "every advance and rollback");
    bencher.bench(|| divan::black_box(check(&text)));
}
