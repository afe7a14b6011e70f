//! `rollplan diff` on percentage rollouts: a raised share, a unit added to a scoped rule, and a
//! flag moved between cohorts or to its own `by` bucketing are risky and say the share before
//! and after; a lowered share is a reduction. The three formats are snapshots.

use std::path::Path;

use rollplan::diff::{Risk, Side, diff};
use rollplan::source::SourceMap;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const OLD: &str = "tests/fixtures/diff/shares-old.roll";
const NEW: &str = "tests/fixtures/diff/shares-new.roll";

fn side(path: &str) -> Side {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).expect("fixture");
    let mut sources = SourceMap::new();
    let file = sources.add(path, text);
    Side::compile(&sources, file).expect("resolves")
}

/// `(phase, flag, risk)` for every flag change of the fixture pair.
fn risks() -> Vec<(String, String, Option<Risk>)> {
    diff(&side(OLD), &side(NEW))
        .changes
        .iter()
        .filter_map(|c| match &c.scope {
            rollplan::diff::Scope::Phase(p) => Some((p.clone(), c.subject.clone(), c.risk)),
            rollplan::diff::Scope::Plan => None,
        })
        .collect()
}

/// Moving a flag to another bucketing reshuffles its units even when its share shrinks: the
/// units of the new buckets that were not in the old ones get the value (before the fix this
/// was a reduction).
#[test]
fn a_flag_moved_to_another_bucketing_is_risky_whatever_its_share() {
    let found = risks();
    let ledger_wide = found
        .iter()
        .find(|(p, f, _)| p == "wide" && f == "flag `ledger`")
        .expect("a change to `ledger` in `wide`");
    assert_eq!(ledger_wide.2, Some(Risk::FlagEnabled), "{found:?}");
}
