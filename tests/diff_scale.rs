//! `rollplan diff` on large generated plans: the diff stays correct at 10,000 phases, and the
//! generator writes the plans that `docs/pr-review.md` times (`ROLLPLAN_SCALE_DIR=DIR cargo
//! test --test it diff_scale:: -- --ignored` writes `old.roll` and `new.roll` there).

use std::fmt::Write as _;

use rollplan::diff::{ChangeKind, Risk, Side, diff};
use rollplan::source::SourceMap;

/// A plan of `n` phases over five flags, each phase flipping one; `changed` shortens every 100th phase, loosens every
/// 250th phase's gate and renames the 500th phase.
fn generate(n: usize, changed: bool) -> String {
    let mut s = String::from("plan scale {\n  start 2027-01-04\n}\n");
    for f in 0..5 {
        let _ = writeln!(s, "flag f{f}: bool = false");
    }
    s.push_str("invariant chain: f1 -> f0\nmetric error_rate: percent\n");
    s.push_str("on_fail extend 1d max 2 then rollback previous\n");
    for i in 0..n {
        let id = if changed && i == 500 {
            "renamed_500".to_owned()
        } else {
            format!("p{i}")
        };
        let days = if changed && i % 100 == 99 { 1 } else { 2 };
        let threshold = if changed && i % 250 == 249 {
            "0.5"
        } else {
            "0.1"
        };
        // Each phase flips one of f2..f4, so every phase changes a flag.
        let on = (i / 3) % 2 == 0;
        let _ = write!(
            s,
            "phase {id} \"Phase {i}\" {{\n  duration {days}d\n  set f0 = true\n  set f1 = true\n  set f{} = {on}\n  gate error_rate < {threshold}% \"errors\"\n}}\n",
            2 + i % 3
        );
    }
    s
}

fn side(name: &str, text: String) -> Side {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    Side::compile(&sources, file).expect("generated plan resolves")
}

#[test]
fn ten_thousand_phases_diff_by_id_and_content() {
    let n = 10_000;
    let d = diff(
        &side("old", generate(n, false)),
        &side("new", generate(n, true)),
    );
    let count = |k: ChangeKind| d.changes.iter().filter(|c| c.kind == k).count();
    assert_eq!(count(ChangeKind::Duration), n / 100);
    assert_eq!(count(ChangeKind::GateLoosened), n / 250);
    // The renamed phase has other content than any removed one, but the same title.
    assert_eq!(count(ChangeKind::PhaseRenamed), 1);
    assert_eq!(
        count(ChangeKind::PhaseAdded) + count(ChangeKind::PhaseRemoved),
        0
    );
    assert_eq!(count(ChangeKind::PhaseMoved), 0);
    assert!(
        d.risks()
            .all(|c| matches!(c.risk, Some(Risk::ShorterPhase | Risk::LoosenedGate)))
    );
    // Every phase after the first shortened one starts earlier.
    assert_eq!(count(ChangeKind::StartShift), n - 100);
}

#[test]
#[ignore = "writes the timing fixtures; run with ROLLPLAN_SCALE_DIR set"]
fn write_scale_fixtures() {
    let dir = std::env::var("ROLLPLAN_SCALE_DIR").expect("ROLLPLAN_SCALE_DIR names a folder");
    std::fs::write(format!("{dir}/old.roll"), generate(10_000, false)).unwrap();
    std::fs::write(format!("{dir}/new.roll"), generate(10_000, true)).unwrap();
}
