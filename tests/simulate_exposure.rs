//! Exposure in `rollplan simulate`: a plan with shares (`tests/fixtures/payments-ramp.roll`)
//! shows each flag's share of units on a new value per phase in the timeline, the terminal
//! Gantt chart, JSON, Mermaid and SVG; a plan without shares shows none (its snapshots in
//! `tests/simulate.rs` are unchanged).

use std::path::Path;

use crate::common::cli;

const PLAN: &str = "tests/fixtures/payments-ramp.roll";

/// Runs the binary from the crate root; returns stdout, and asserts exit code 0.
fn simulate(extra: &[&str]) -> String {
    let mut args = vec!["simulate", PLAN];
    args.extend_from_slice(extra);
    let out = cli::rollplan_in(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn the_timeline_lists_each_flags_exposure_per_phase() {
    let out = simulate(&[]);
    assert!(
        out.contains("    eu_first  payments.v2         25% when region == eu, 5% elsewhere\n")
    );
    assert!(out.contains("              payments.ledger_v2  1%\n"));
    insta::assert_snapshot!("ramp_planned_human", out);
}

#[test]
fn a_rollback_shows_the_exposure_of_each_visit() {
    // Two failures of eu_first: one extension, then a rollback to canary_5, which runs again.
    let out = simulate(&["--fail", "eu_first:2"]);
    assert!(out.contains("rolled back to `canary_5`"));
    assert!(out.contains("    canary_5 #2  payments.v2         5%\n"));
    insta::assert_snapshot!("ramp_fail_eu_first_2_human", out);
}

#[test]
fn json_gives_exposure_per_class_in_thousandths() {
    let out = simulate(&["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let phases = doc["phases"].as_array().expect("phases");
    let eu_first = phases
        .iter()
        .find(|p| p["phase"] == "eu_first")
        .expect("eu_first");
    let v2 = &eu_first["exposure"][0];
    assert_eq!(v2["flag"], "payments.v2");
    assert_eq!(v2["text"], "25% when region == eu, 5% elsewhere");
    assert_eq!(v2["classes"][0]["when"], "region == eu");
    assert_eq!(v2["classes"][0]["thousandths"], 25_000);
    assert_eq!(v2["classes"][1]["when"], serde_json::Value::Null);
    assert_eq!(v2["classes"][1]["thousandths"], 5_000);
    // Every visit lists the same flags, in declaration order.
    for p in phases {
        let flags: Vec<&str> = p["exposure"]
            .as_array()
            .expect("exposure")
            .iter()
            .filter_map(|e| e["flag"].as_str())
            .collect();
        assert_eq!(
            flags,
            ["payments.v2", "payments.ledger_v2", "payments.banner"]
        );
    }
    insta::assert_snapshot!("ramp_planned_json", out);
}

#[test]
fn a_plan_without_shares_has_no_exposure() {
    let out = cli::rollplan_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "simulate",
            "plans/entity.roll",
            "--start",
            "2026-12-01",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for p in doc["phases"].as_array().expect("phases") {
        assert!(p.get("exposure").is_none(), "{p}");
    }
}

#[test]
fn mermaid_names_who_is_exposed_in_each_planned_task() {
    let out = simulate(&["--format", "mermaid"]);
    assert!(out.contains(
        "    5%, ledger at 1% · payments.v2 5% · payments.ledger_v2 1% :t2, 2027-03-02, 2d\n"
    ));
    insta::assert_snapshot!("ramp_planned_mermaid", out);
}

#[test]
fn svg_writes_who_is_exposed_after_each_row_inside_the_picture() {
    let out = simulate(&["--format", "svg"]);
    let doc = roxmltree::Document::parse(&out).expect("the SVG parses as XML");
    let root = doc.root_element();
    let width: i64 = root
        .attribute("width")
        .and_then(|w| w.parse().ok())
        .expect("width");
    let labels: Vec<(i64, &str)> = root
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("fill") == Some("#333333"))
        .filter_map(|n| Some((n.attribute("x")?.parse().ok()?, n.text()?)))
        .collect();
    assert_eq!(labels.len(), 5, "one label per visit: {labels:?}");
    assert_eq!(labels[0].1, "payments.v2 1%");
    for (x, text) in &labels {
        // About 7 pixels a character at font-size 11 stay inside the picture.
        let end = x + 7 * i64::try_from(text.chars().count()).expect("length");
        assert!(end <= width, "{text:?} ends at {end}, past {width}");
    }
    insta::assert_snapshot!("ramp_planned_svg", out);
}

#[test]
fn hidden_characters_in_a_condition_show_in_visible_form() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plan = dir.path().join("hidden.roll");
    std::fs::write(
        &plan,
        "plan p {\n  start 2027-03-01\n}\n\
         attribute user.id: string\n\
         attribute tier: string\n\
         cohort early by user.id\n\
         flag a: bool = false\n\
         phase one \"one\" {\n  duration 1d\n  \
         set a = true when tier == \"gold\u{202e}\u{1b}[2J\" for 5% of early else false\n}\n",
    )
    .expect("plan written");
    let out = cli::rollplan_in(dir.path(), &["simulate", "hidden.roll"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{1b}'),
        "{text}"
    );
    assert!(text.contains("5% when tier == "), "{text}");
}
