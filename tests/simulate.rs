//! `rollplan simulate`: the planned timeline of `plans/entity.roll` against the seed's dates,
//! what-if event logs (snapshots), calendars and freeze windows, and the Mermaid and SVG forms.

use std::path::Path;

use rollplan::model::{DAY_MINUTES, Date, Moment, parse_date};
use rollplan::simulate::clock::Clock;
use rollplan::simulate::prepared::Prepared;
use rollplan::simulate::whatif::{self, ForcedFailure, Outcome};
use rollplan::simulate::{Calendar, planned};
use rollplan::source::SourceMap;

use crate::common::cli;

fn compile(text: &str) -> rollplan::Compiled {
    let mut sources = SourceMap::new();
    let file = sources.add("test.roll", text.to_owned());
    rollplan::compile(&sources, file).expect("test plan compiles")
}

fn entity() -> rollplan::Compiled {
    compile(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll"))
            .unwrap(),
    )
}

/// `rollplan simulate plans/entity.roll --start 2026-12-01 EXTRA…`, as [`rollplan`] runs it.
fn simulate_entity(extra: &[&str], code: i32) -> String {
    let mut args = vec!["simulate", "plans/entity.roll", "--start", "2026-12-01"];
    args.extend_from_slice(extra);
    cli::rollplan_at_root(&args, code)
}

fn date(s: &str) -> Date {
    parse_date(s).unwrap()
}

/// 00:00 UTC of a day: a plan's start given as a date.
fn midnight(s: &str) -> Moment {
    Moment::midnight(date(s))
}

/// The day a time of the clock (minutes from the start) falls on.
fn day_of(clock: &Clock, at: i64) -> Date {
    clock.moment(at).date()
}

const SEED_STARTS: [(&str, &str); 5] = [
    ("development", "2026-12-01"),
    ("read_only", "2026-12-15"),
    ("full_production", "2026-12-22"),
    ("entity_repository", "2027-01-05"),
    ("completion", "2027-01-12"),
];

#[test]
fn human_output_prints_the_seed_dates_and_a_gantt_chart() {
    let out = cli::rollplan_at_root(
        &["simulate", "plans/entity.roll", "--start", "2026-12-01"],
        0,
    );
    for (phase, start) in SEED_STARTS {
        let row = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(phase))
            .unwrap_or_else(|| panic!("no row for {phase}:\n{out}"));
        assert_eq!(row.split_whitespace().nth(1), Some(start), "{row}");
    }
    assert!(
        out.contains("reaches the last phase `completion` on 2027-01-12, 42 days after the start")
    );
    assert!(out.contains("█"), "no Gantt bars:\n{out}");
    insta::assert_snapshot!("planned_human", out);
}

#[test]
fn json_output_carries_the_same_dates() {
    let out = simulate_entity(&["--format", "json"], 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let starts: Vec<(&str, &str)> = v["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["phase"].as_str().unwrap(), p["start"].as_str().unwrap()))
        .collect();
    assert_eq!(starts, SEED_STARTS);
    assert_eq!(v["last_phase"]["days_from_start"], 42);
    assert_eq!(v["last_phase"]["start"], "2027-01-12");
    assert_eq!(v["phases"][4]["end"], serde_json::Value::Null);
    // Announcements are due on the phase's start (before) and end (after).
    assert_eq!(v["phases"][1]["notify_before"][0]["due"], "2026-12-15");
    assert_eq!(v["phases"][1]["notify_after"][0]["due"], "2026-12-22");
    assert_eq!(v["phases"][2]["gates_due"], "2027-01-05");
}

#[test]
fn the_engine_agrees_with_the_planned_timeline() {
    let plans = [entity(), compile(FREEZE_PLAN)];
    for c in &plans {
        for calendar in [Calendar::Calendar, Calendar::Business] {
            for start in ["2026-12-01", "2026-12-19", "2027-03-06"] {
                let start = midnight(start);
                let timeline = planned(&c.plan, start, calendar);
                let clock = Clock::new(&c.plan, start, calendar);
                let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
                let got: Vec<(usize, Moment, Option<Moment>, i64)> = run
                    .visits
                    .iter()
                    .map(|v| {
                        (
                            v.phase,
                            clock.moment(v.start),
                            v.end.map(|d| clock.moment(d)),
                            v.waited,
                        )
                    })
                    .collect();
                let want: Vec<(usize, Moment, Option<Moment>, i64)> = timeline
                    .phases
                    .iter()
                    .map(|w| (w.phase.0, w.start, w.end, w.waited))
                    .collect();
                assert_eq!(got, want, "{calendar:?} from {start}");
                assert_eq!(
                    run.end.reached_last,
                    Some(timeline.last_phase_start().minutes_since(start))
                );
            }
        }
    }
}

const FREEZE_PLAN: &str = r#"
plan frozen { start 2026-12-01 }
flag f: enum(off, some, all) = off
freeze 2026-12-21..2027-01-04 "holiday freeze"
holiday 2026-12-08 "local holiday"
phase one "One" {
  duration 2w
  set f = some
  gate ok "fine"
}
phase two "Two" {
  duration 3d
  set f = all
}
phase three "Three" {
  duration indefinite
  set f = off
}
"#;

#[test]
fn a_phase_never_starts_inside_a_freeze_window() {
    let c = compile(FREEZE_PLAN);
    let clock = Clock::new(&c.plan, midnight("2026-12-08"), Calendar::Calendar);
    let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
    // `one` ends on 2026-12-22, inside the freeze: `two` waits until 2027-01-05.
    assert_eq!(day_of(&clock, run.visits[1].start), date("2027-01-05"));
    assert_eq!(run.visits[1].waited, 14 * DAY_MINUTES);
    assert!(
        clock
            .frozen(clock.day(run.visits[0].end.unwrap()))
            .is_some()
    );
}

#[test]
fn the_chart_shows_the_wait_for_a_freeze() {
    let dir = std::env::temp_dir().join(format!("rollplan-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("frozen.roll");
    std::fs::write(&path, FREEZE_PLAN).unwrap();
    let out = cli::rollplan_at_root(
        &[
            "simulate",
            path.to_str().unwrap(),
            "--start",
            "2026-12-08",
            "--log",
        ],
        0,
    );
    let out = out.replace(path.to_str().unwrap(), "frozen.roll");
    assert!(out.contains("started, after waiting 14 days for a freeze until 2027-01-04"));
    assert!(out.contains("··············███"), "{out}");
    insta::assert_snapshot!("freeze_wait", out);
}

#[test]
fn business_days_skip_weekends_and_holidays() {
    let c = compile(FREEZE_PLAN);
    // 2026-12-01 is a Tuesday; `one` runs 2w = 14 working days: Dec 1-4, 7, 9-11 (the 8th is
    // a holiday), 14-18 and 21, and hands over on the 22nd.
    let clock = Clock::new(&c.plan, midnight("2026-12-01"), Calendar::Business);
    let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
    assert_eq!(
        run.visits[0].end.map(|d| day_of(&clock, d)),
        Some(date("2026-12-22"))
    );
    // `two` waits for the freeze (to 2027-01-04), then runs Tue 5, Wed 6 and Thu 7.
    assert_eq!(day_of(&clock, run.visits[1].start), date("2027-01-05"));
    assert_eq!(
        run.visits[1].end.map(|d| day_of(&clock, d)),
        Some(date("2027-01-08"))
    );
    // On the calendar, the same plan counts weekends and the holiday.
    let calendar = Clock::new(&c.plan, midnight("2026-12-01"), Calendar::Calendar);
    let run = whatif::run(&Prepared::new(&c.plan), &calendar, &[], None);
    assert_eq!(
        run.visits[0].end.map(|d| day_of(&calendar, d)),
        Some(date("2026-12-15"))
    );
}

#[test]
fn one_failure_extends_the_phase_once() {
    let out = simulate_entity(&["--fail", "full_production"], 0);
    assert!(out.contains("extended by 7 days (extension 1 of 2)"));
    assert!(!out.contains("rolled back to `"));
    insta::assert_snapshot!("fail_full_production", out);
}

#[test]
fn three_failures_exhaust_the_extensions_and_roll_back() {
    let out = simulate_entity(&["--fail", "full_production:3"], 0);
    assert!(out.contains("extended by 7 days (extension 2 of 2)"));
    assert!(out.contains("rolled back to `read_only`"));
    assert!(out.contains(
        "1. entity.handler_enabled: true -> true when http.method == \"GET\" else false"
    ));
    insta::assert_snapshot!("fail_full_production_3", out);
}

#[test]
fn the_failure_policy_drives_the_shifted_timeline() {
    let c = entity();
    let clock = Clock::new(&c.plan, midnight("2026-12-01"), Calendar::Calendar);
    let full = c.plan.phase_named("full_production").unwrap().0;
    let prepared = Prepared::new(&c.plan);
    for (times, extensions, rollbacks, last_day) in [
        (0, 0, 0, 42),
        (1, 1, 0, 49),
        (2, 2, 0, 56),
        // Extend twice (2w + 1w + 1w), roll back to read_only (1w), run full_production again (2w).
        (3, 2, 1, 42 + 14 + 7 + 14),
        // The second visit starts with no extensions used: the 4th failure extends again.
        (4, 3, 1, 42 + 14 + 7 + 14 + 7),
    ] {
        let failures = [ForcedFailure { phase: full, times }];
        let run = whatif::run(
            &prepared,
            &clock,
            if times == 0 { &[] } else { &failures },
            None,
        );
        let ext: u32 = run.visits.iter().map(|v| v.extensions).sum();
        let rb = run
            .visits
            .iter()
            .filter(|v| matches!(v.outcome, Outcome::RolledBack(_)))
            .count();
        assert_eq!(
            (ext, rb),
            (extensions, rollbacks),
            "--fail full_production:{times}"
        );
        assert_eq!(
            run.end.reached_last,
            Some(last_day * DAY_MINUTES),
            "--fail full_production:{times}"
        );
    }
}

#[test]
fn a_scenario_file_drives_extensions_waits_and_rollbacks() {
    let out = simulate_entity(&["--scenario", "examples/scenarios/entity-trouble.yaml"], 0);
    assert!(out.contains(
        "gate `error_rate` failed (evaluation 1): observed 0.3%, needs error_rate < 0.1%"
    ));
    assert!(out.contains("waiting 2 days for inconclusive gates"));
    assert!(out.contains("rolled back to `full_production`"));
    insta::assert_snapshot!("scenario_entity_trouble", out);
}

#[test]
fn json_rollback_events_list_the_flag_changes_in_order() {
    let out = cli::rollplan_at_root(
        &[
            "simulate",
            "plans/entity.roll",
            "--fail",
            "full_production:3",
            "--format",
            "json",
        ],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rollback = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "rolled_back")
        .unwrap();
    assert_eq!(rollback["to"], "read_only");
    assert_eq!(rollback["date"], "2027-01-19");
    assert_eq!(
        rollback["flag_changes"][0]["flag"],
        "entity.handler_enabled"
    );
    assert_eq!(v["last_phase"]["days_from_start"], 77);
}

#[test]
fn mermaid_output_is_a_gantt_block() {
    let out = cli::rollplan_at_root(
        &[
            "simulate",
            "plans/entity.roll",
            "--fail",
            "full_production:3",
            "--format",
            "mermaid",
        ],
        0,
    );
    assert!(out.starts_with("```mermaid\ngantt\n"));
    assert!(out.contains(":crit, milestone,"));
    insta::assert_snapshot!("fail_full_production_3_mermaid", out);
}

#[test]
fn svg_output_is_well_formed_xml_and_deterministic() {
    let args = [
        "simulate",
        "plans/entity.roll",
        "--fail",
        "full_production:3",
        "--format",
        "svg",
    ];
    let out = cli::rollplan_at_root(&args, 0);
    assert_eq!(out, cli::rollplan_at_root(&args, 0));
    let doc = roxmltree::Document::parse(&out).expect("the SVG parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let texts: Vec<&str> = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for phase in ["development", "full_production #2", "completion"] {
        assert!(texts.contains(&phase), "no label {phase}");
    }
    // Each phase stretch is a rectangle: 7 visits, 2 extensions.
    let bars = root
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("height") == Some("18"))
        .count();
    assert_eq!(bars, 9);
    assert!(
        root.descendants().any(|n| n.has_tag_name("path")),
        "no rollback mark"
    );
}

#[test]
fn unknown_phases_and_bad_arguments_are_usage_errors() {
    let out = cli::rollplan_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["simulate", "plans/entity.roll", "--fail", "full_prodution"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `full_production`?"), "{err}");
    cli::rollplan_at_root(
        &["simulate", "plans/entity.roll", "--start", "2026-02-30"],
        2,
    );
    cli::rollplan_at_root(
        &["simulate", "plans/entity.roll", "--fail", "development:0"],
        2,
    );
    cli::rollplan_at_root(
        &[
            "simulate",
            "plans/entity.roll",
            "--runs",
            "10",
            "--pass-rate",
            "nope=0.5",
        ],
        2,
    );
    cli::rollplan_at_root(
        &[
            "simulate",
            "plans/entity.roll",
            "--runs",
            "10",
            "--pass-rate",
            "error_rate=1.5",
        ],
        2,
    );
    cli::rollplan_at_root(
        &[
            "simulate",
            "plans/entity.roll",
            "--runs",
            "10",
            "--format",
            "svg",
        ],
        2,
    );
}

proptest::proptest! {
    /// Under the seed's policy (`extend 1w max 2 then rollback previous`) `k` failures in a row
    /// of a middle phase give `k / 3` rollbacks and `k - k / 3` extensions. A rollback costs the
    /// two extensions (14 days), the previous phase again and the phase itself again: 35 days
    /// for every middle phase of the seed plan; the other failures cost 7 days each.
    #[test]
    fn failures_in_a_row_follow_the_policy(
        phase in proptest::sample::select(vec!["read_only", "full_production", "entity_repository"]),
        k in 0u32..12,
    ) {
        let c = entity();
        let clock = Clock::new(&c.plan, midnight("2026-12-01"), Calendar::Calendar);
        let failures = [ForcedFailure { phase: c.plan.phase_named(phase).unwrap().0, times: k }];
        let run = whatif::run(&Prepared::new(&c.plan), &clock, &failures, None);
        let rollbacks = run.visits.iter().filter(|v| matches!(v.outcome, Outcome::RolledBack(_))).count();
        let extensions: u32 = run.visits.iter().map(|v| v.extensions).sum();
        proptest::prop_assert_eq!(rollbacks, (k / 3) as usize);
        proptest::prop_assert_eq!(extensions, k - k / 3);
        proptest::prop_assert_eq!(run.end.reached_last, Some((42 + 35 * i64::from(k / 3) + 7 * i64::from(k % 3)) * DAY_MINUTES));
        proptest::prop_assert!(run.end.finished);
    }
}

#[test]
fn a_bad_scenario_file_is_a_diagnostic_with_exit_code_1() {
    let dir = std::env::temp_dir().join(format!("rollplan-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.yaml");
    std::fs::write(&path, "full_production:\n  - error_rate: 0.3\n").unwrap();
    let args = [
        "simulate",
        "plans/entity.roll",
        "--scenario",
        path.to_str().unwrap(),
    ];
    let out = cli::rollplan_in(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rollplan::scenario_unit_mismatch"), "{err}");
    assert!(err.contains("bad.yaml:2:17"), "{err}");
    let json = cli::rollplan_at_root(&[&args[..], &["--format", "json"]].concat(), 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["diagnostics"][0]["code"],
        "rollplan::scenario_unit_mismatch"
    );
    assert_eq!(v["diagnostics"][0]["line"], 2);
    std::fs::write(&path, b"full_production:\n  - error_rate: \xff\n").unwrap();
    let out = cli::rollplan_in(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rollplan::invalid_utf8"));
}

/// A timeline past 9999-12-31 is refused, never clamped to the last day ("9999-12-31 →
/// 9999-12-31, 7 days"): from `--start` at run time, and from the plan's own `start` at
/// resolution.
#[test]
fn dates_past_the_calendar_are_refused_not_clamped() {
    let out = cli::rollplan_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["simulate", "plans/entity.roll", "--start", "9999-12-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "error[rollplan::date_out_of_range]: starting on 9999-12-01, the rollout runs 42 days, past 9999-12-31"
        ),
        "{stderr}"
    );
    // The same plan from 9999-11-19 ends on 9999-12-31 and is fine.
    cli::rollplan_at_root(
        &["simulate", "plans/entity.roll", "--start", "9999-11-19"],
        0,
    );
    let mut sources = SourceMap::new();
    let file = sources.add(
        "late.roll",
        "plan p { start 9999-12-27 }\nflag f: bool = false\nphase a \"A\" {\n  duration 1w\n  set f = true\n}\n",
    );
    let errors = rollplan::compile(&sources, file).expect_err("ends past the calendar");
    assert_eq!(
        errors.as_slice()[0].code,
        rollplan::diagnostic::Code::InvalidDate
    );
}

/// Day 36,524 is the last day that counts: gates evaluated on it finish the run, and on day
/// 36,525 the run stops as unfinished. An unfinished visit has no `end` in the JSON.
#[test]
fn the_horizon_ends_after_day_36524_and_an_unfinished_visit_has_no_end() {
    let plan = |days: u32| {
        compile(&format!(
            "plan h {{ start 2027-01-04 }}\nflag f: bool = false\n\
             phase a \"A\" {{\n  duration {days}d\n  set f = true\n}}\n\
             phase b \"B\" {{\n  duration indefinite\n  set f = false\n}}\n"
        ))
    };
    for (days, finished) in [(36_524, true), (36_525, false)] {
        let c = plan(days);
        let clock = Clock::new(&c.plan, midnight("2027-01-04"), Calendar::Calendar);
        let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
        assert_eq!(run.end.finished, finished, "{days} days");
    }
    let dir = std::env::temp_dir().join(format!("rollplan-horizon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("h.roll"),
        "plan h { start 2027-01-04 }\nflag f: bool = false\nmetric error_rate: percent\n\
         phase a \"A\" {\n  duration 1w\n  set f = true\n  gate error_rate < 1%\n  on_fail extend 1w\n}\n\
         phase b \"B\" {\n  duration indefinite\n  set f = false\n}\n",
    )
    .unwrap();
    let out = cli::rollplan_in(
        &dir,
        &["simulate", "h.roll", "--fail", "a:5000", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let visit = &value["phases"][0];
    assert_eq!(visit["outcome"], "unfinished");
    assert_eq!(
        (&visit["end"], &visit["end_day"], &visit["days"]),
        (
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::Value::Null
        )
    );
    assert_eq!(value["finished"], false);
}
