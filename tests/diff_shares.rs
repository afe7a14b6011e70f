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

/// Every flag change's note says how its share moved.
#[test]
fn the_notes_say_each_share_before_and_after() {
    let d = diff(&side(OLD), &side(NEW));
    let notes: Vec<(String, String, Option<String>, Option<&str>)> = d
        .changes
        .iter()
        .filter_map(|c| match &c.scope {
            rollplan::diff::Scope::Phase(p) => Some((
                p.clone(),
                c.subject.clone(),
                c.note.clone(),
                c.risk.map(Risk::name),
            )),
            rollplan::diff::Scope::Plan => None,
        })
        .collect();
    let expected = [
        (
            "canary",
            "v2",
            Some("raised: 5% → 25% of early"),
            Some("flag_enabled"),
        ),
        (
            "canary",
            "ledger",
            Some("raised: 0% → 10% of early when region == \"us\""),
            Some("flag_enabled"),
        ),
        (
            "canary",
            "banner",
            Some("reduction: 30% → 10% of late"),
            None,
        ),
        (
            "canary",
            "tier",
            Some("raised: \"plus\" 10% → 20% of early"),
            Some("value_widened"),
        ),
        (
            "wide",
            "v2",
            Some("reshuffled: 50% of early → 50% of late"),
            Some("flag_enabled"),
        ),
        (
            "wide",
            "ledger",
            Some("reshuffled: 10% of early → 5% by user.id when region == \"eu\""),
            Some("flag_enabled"),
        ),
        ("wide", "banner", Some("inherited"), None),
        ("wide", "tier", Some("inherited"), None),
    ]
    .map(|(p, f, note, risk)| {
        (
            p.to_owned(),
            format!("flag `{f}`"),
            note.map(str::to_owned),
            risk,
        )
    });
    assert_eq!(notes, expected);
}

fn rollplan(format: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .current_dir(ROOT)
        .args(["diff", OLD, NEW, "--format", format])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "a risky diff exits 1");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn shares_diff_human() {
    insta::assert_snapshot!("shares_human", rollplan("human"));
}

#[test]
fn shares_diff_markdown() {
    insta::assert_snapshot!("shares_markdown", rollplan("markdown"));
}

#[test]
fn shares_diff_json() {
    let out = rollplan("json");
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let tier = value["changes"]
        .as_array()
        .and_then(|changes| changes.iter().find(|c| c["subject"] == "flag `tier`"))
        .expect("a change to `tier`");
    assert_eq!(
        tier["note"],
        serde_json::json!("raised: \"plus\" 10% → 20% of early")
    );
    insta::assert_snapshot!("shares_json", out);
}
