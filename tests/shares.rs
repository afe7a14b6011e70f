//! Percentage rollouts through `check`: exact shares of the units that break an invariant, the
//! order a rollback ramps flags down in, and shares with `optional` and scoped rules.

use std::path::{Path, PathBuf};

use crate::common::cli;

use cli::rollplan_in as rollplan;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes `plan` to a fresh file and returns its folder and name.
fn plan_file(name: &str, plan: &str) -> (PathBuf, &'static str) {
    let dir = std::env::temp_dir().join(format!("rollplan-shares-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("plan.roll"), plan).expect("write plan");
    (dir, "plan.roll")
}

fn check_json(dir: &Path, file: &str) -> (Option<i32>, serde_json::Value) {
    let out = rollplan(dir, &["check", "--format", "json", file]);
    let json = serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    (out.status.code(), json)
}

const HEADER: &str = "plan shares { title \"Shares\" }\nattribute user.id: string\nattribute region: enum(eu, us)\ncohort early by user.id\ncohort late by user.id\n";

/// The messages of the `invariant_violated` diagnostics.
fn violations(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .expect("a diagnostics list")
        .iter()
        .filter(|d| d["code"] == "rollplan::invariant_violated")
        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn independent_bucketings_break_an_invariant_for_an_exact_share() {
    // `a` at 50% and `b` at 25%, each bucketed on its own: `b` without `a` is 25% × 50%.
    let plan = format!(
        "{HEADER}flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
         phase one \"One\" {{\n  duration 1d\n  set a = true for 50% by user.id else false\n  \
         set b = true for 25% by user.id else false\n}}\n"
    );
    let (dir, file) = plan_file("independent", &plan);
    let (code, json) = check_json(&dir, file);
    assert_eq!(code, Some(1));
    assert_eq!(
        violations(&json),
        ["invariant `b_needs_a` is broken in phase `one` for 12.5% of units"]
    );
}

#[test]
fn one_cohort_nests_and_two_cohorts_do_not() {
    let nested = format!(
        "{HEADER}flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
         phase one \"One\" {{\n  duration 1d\n  set a = true for 50% of early else false\n  \
         set b = true for 25% of early else false\n}}\n"
    );
    let (dir, file) = plan_file("nested", &nested);
    let (code, json) = check_json(&dir, file);
    assert_eq!(code, Some(0), "{json}");

    // The same shares in two cohorts are independent: 0.5 × 0.25 again.
    let apart = nested.replace("25% of early", "25% of late");
    let (dir, file) = plan_file("apart", &apart);
    let (code, json) = check_json(&dir, file);
    assert_eq!(code, Some(1));
    assert_eq!(
        violations(&json),
        ["invariant `b_needs_a` is broken in phase `one` for 12.5% of units"]
    );

    // In one cohort, a dependent flag with the larger share breaks it for the difference.
    let larger = nested.replace("25% of early", "60% of early");
    let (dir, file) = plan_file("larger", &larger);
    let (_, json) = check_json(&dir, file);
    assert_eq!(
        violations(&json),
        ["invariant `b_needs_a` is broken in phase `one` for 10% of units"]
    );
}

#[test]
fn a_scoped_share_is_judged_per_context() {
    // In the EU `a` reaches 25% and `b` 10% of one cohort: fine. Elsewhere `a` is at 5%, so
    // 5% of the units outside the EU have `b` without `a`.
    let plan = format!(
        "{HEADER}flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
         phase one \"One\" {{\n  duration 1d\n  \
         set a = true when region == eu for 25% of early, true for 5% of early else false\n  \
         set b = true for 10% of early else false\n}}\n"
    );
    let (dir, file) = plan_file("scoped", &plan);
    let (code, json) = check_json(&dir, file);
    assert_eq!(code, Some(1));
    assert_eq!(
        violations(&json),
        ["invariant `b_needs_a` is broken in phase `one` for 5% of units when region != \"eu\""]
    );
}

#[test]
fn an_optional_share_is_checked_with_and_without_it() {
    // `b` at 20% is safe only while `a` is at 50%: the variant that leaves `a`'s raise out
    // keeps `a` at 10%, and breaks the invariant for 10% of units.
    let plan = format!(
        "{HEADER}flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
         phase one \"One\" {{\n  duration 1d\n  set a = true for 10% of early else false\n}}\n\
         phase two \"Two\" {{\n  duration 1d\n  set a = true for 50% of early else false optional\n  \
         set b = true for 20% of early else false\n}}\n"
    );
    let (dir, file) = plan_file("optional", &plan);
    let (code, json) = check_json(&dir, file);
    assert_eq!(code, Some(1));
    let messages = violations(&json);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("for 10% of units"), "{messages:?}");
}

#[test]
fn a_rollback_ramps_the_dependent_flag_down_first() {
    let plan = format!(
        "{HEADER}flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
         phase one \"One\" {{\n  duration 1d\n  set a = true for 10% of early\n}}\n\
         phase two \"Two\" {{\n  duration 1d\n  set a = true for 50% of early\n  \
         set b = true for 20% of early\n  on_fail rollback one\n}}\n"
    );
    let (dir, file) = plan_file("rollback", &plan);
    let out = rollplan(&dir, &["check", "-v", file]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("advance one -> two: a, then b"), "{stdout}");
    assert!(
        stdout.contains("rollback two -> one: b, then a"),
        "{stdout}"
    );
}

#[test]
fn a_change_that_ramps_both_flags_at_once_is_unsafe_in_one_order() {
    // From `a` 50%/`b` 20% straight back to nothing: `a` must go last.
    let plan = format!(
        "{HEADER}flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
         phase two \"Two\" {{\n  duration 1d\n  set a = true for 50% of early\n  \
         set b = true for 20% of early\n  on_fail rollback start\n}}\n"
    );
    let (dir, file) = plan_file("to-start", &plan);
    let out = rollplan(&dir, &["check", "-v", file]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("rollback two -> start: b, then a"),
        "{stdout}"
    );
}
