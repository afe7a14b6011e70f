//! Phases shorter than a day, and a start with a time: `plans/examples/api-canary.roll` (30m,
//! 2h and `1d..3d likely 36h` phases from `2027-03-01T09:00:00+01:00`) through `check`, `fmt`,
//! every `simulate` format, the forecast, and `emit` (checklist and ics); and the rules for a
//! sub-day phase against freeze windows and the business calendar.

use std::fmt::Write as _;
use std::path::Path;

use rollplan::model::{DAY_MINUTES, Moment};
use rollplan::simulate::clock::Clock;
use rollplan::simulate::engine::Event;
use rollplan::simulate::prepared::Prepared;
use rollplan::simulate::whatif;
use rollplan::simulate::{Calendar, planned};
use rollplan::source::{FileId, SourceFile, SourceMap};

use crate::common::cli;

const PLAN: &str = "plans/examples/api-canary.roll";

fn compile(text: &str) -> rollplan::Compiled {
    let mut sources = SourceMap::new();
    let file = sources.add("test.roll", text.to_owned());
    rollplan::compile(&sources, file).expect("test plan compiles")
}

fn canary() -> rollplan::Compiled {
    compile(&std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(PLAN)).unwrap())
}

fn at(text: &str) -> Moment {
    Moment::parse(text).unwrap()
}

#[test]
fn the_plan_checks_clean_and_fmt_leaves_it_as_written() {
    let out = cli::rollplan_at_root(&["check", PLAN], 0);
    assert!(out.contains("checks clean"), "{out}");
    // Already in canonical layout: `fmt --check` finds nothing to change, so the date-time
    // with its offset and the minute durations are kept as written.
    cli::rollplan_at_root(&["fmt", "--check", PLAN], 0);
    let c = canary();
    assert_eq!(
        c.plan.start.map(|s| s.to_string()).as_deref(),
        Some("2027-03-01T08:00:00Z")
    );
    let durations: Vec<String> = c
        .plan
        .phases
        .iter()
        .map(|p| p.duration.to_string())
        .collect();
    assert_eq!(durations, ["30m", "2h", "1d..3d likely 36h", "indefinite"]);
}

#[test]
fn fmt_keeps_minutes_and_date_times_and_is_idempotent() {
    let messy = "plan p {\n start   2027-03-01T09:00:00+02:00 }\nflag f: bool = false\n\
                 on_fail extend 15m\nphase a \"A\" {\n duration   90m\n  set f = true\n  gate g \"ok\" inconclusive wait 5m\n}\n";
    let format = |text: &str| {
        rollplan::fmt::format(&SourceFile::new(FileId(0), "p.roll", text)).expect("formats")
    };
    let once = format(messy);
    assert!(once.contains("start 2027-03-01T09:00:00+02:00"), "{once}");
    assert!(once.contains("duration 90m"), "{once}");
    assert!(once.contains("on_fail extend 15m"), "{once}");
    assert!(once.contains("inconclusive wait 5m"), "{once}");
    assert_eq!(format(&once), once);
}

#[test]
fn the_planned_timeline_runs_to_the_minute() {
    let c = canary();
    let timeline = planned(&c.plan, c.plan.start.unwrap(), Calendar::Calendar);
    assert!(timeline.timed);
    let windows: Vec<(String, Option<String>)> = timeline
        .phases
        .iter()
        .map(|w| (w.start.to_string(), w.end.map(|e| e.to_string())))
        .collect();
    assert_eq!(
        windows,
        [
            (
                "2027-03-01T08:00:00Z".into(),
                Some("2027-03-01T08:30:00Z".into())
            ),
            (
                "2027-03-01T08:30:00Z".into(),
                Some("2027-03-01T10:30:00Z".into())
            ),
            (
                "2027-03-01T10:30:00Z".into(),
                Some("2027-03-02T22:30:00Z".into())
            ),
            ("2027-03-02T22:30:00Z".into(), None),
        ]
    );
}

#[test]
fn a_30_minute_phase_is_judged_at_minute_30() {
    let c = canary();
    let clock = Clock::new(&c.plan, c.plan.start.unwrap(), Calendar::Calendar);
    let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
    let first_gate = run
        .records
        .iter()
        .find(|r| matches!(r.event, Event::Gate { .. }))
        .unwrap();
    assert_eq!((first_gate.phase, first_gate.at), (0, 30));
    assert_eq!(clock.moment(first_gate.at), at("2027-03-01T08:30:00Z"));
    assert_eq!(run.visits[1].start, 30);
    // 30m + 2h + 36h to the last phase.
    assert_eq!(run.end.reached_last, Some(30 + 120 + 36 * 60));
}

#[test]
fn human_output_shows_times_for_phases_shorter_than_a_day() {
    let out = cli::rollplan_at_root(&["simulate", PLAN], 0);
    assert!(
        out.contains("  canary  2027-03-01 08:00  2027-03-01 08:30         30m"),
        "{out}"
    );
    assert!(
        out.contains(
            "reaches the last phase `full` on 2027-03-02 22:30, 1d 14h 30m after the start"
        )
    );
    insta::assert_snapshot!("minutes_planned_human", out);
}

#[test]
fn what_if_extensions_and_rollbacks_count_minutes() {
    let out = cli::rollplan_at_root(&["simulate", PLAN, "--fail", "canary:3"], 0);
    assert!(out.contains("2027-03-01 08:30  canary  extended by 30m (extension 1 of 2)"));
    assert!(out.contains("2027-03-01 09:30  canary  rolled back to `start`"));
    insta::assert_snapshot!("minutes_fail_canary_3", out);
}

#[test]
fn json_gives_utc_date_times_and_minutes() {
    let out = cli::rollplan_at_root(&["simulate", PLAN, "--format", "json"], 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["start"], "2027-03-01T08:00:00Z");
    assert_eq!(v["timed"], true);
    let canary = &v["phases"][0];
    assert_eq!(canary["start"], "2027-03-01T08:00:00Z");
    assert_eq!(canary["end"], "2027-03-01T08:30:00Z");
    assert_eq!(canary["gates_due"], "2027-03-01T08:30:00Z");
    assert_eq!(
        (canary["minutes"].as_i64(), canary["days"].as_i64()),
        (Some(30), Some(0))
    );
    assert_eq!(v["phases"][2]["minutes"], 36 * 60);
    assert_eq!(v["last_phase"]["minutes_from_start"], 30 + 120 + 36 * 60);
    insta::assert_snapshot!("minutes_planned_json", out);
}

#[test]
fn mermaid_and_svg_chart_the_minutes() {
    let mermaid = cli::rollplan_at_root(&["simulate", PLAN, "--format", "mermaid"], 0);
    assert!(mermaid.contains("dateFormat YYYY-MM-DD HH:mm"));
    assert!(mermaid.contains("1% for 30 minutes :t1, 2027-03-01 08:00, 30m"));
    insta::assert_snapshot!("minutes_planned_mermaid", mermaid);
    let svg = cli::rollplan_at_root(&["simulate", PLAN, "--format", "svg"], 0);
    assert!(
        svg.contains("canary: planned, 2027-03-01 08:00 to 2027-03-01 08:30"),
        "{svg}"
    );
    insta::assert_snapshot!("minutes_planned_svg", svg);
}

#[test]
fn the_forecast_is_given_in_hours_and_minutes() {
    let out = cli::rollplan_at_root(
        &[
            "simulate",
            PLAN,
            "--runs",
            "20000",
            "--seed",
            "3",
            "--deadline",
            "2027-03-03",
        ],
        0,
    );
    assert!(out.contains("mean "), "{out}");
    assert!(out.contains(" hours"), "{out}");
    assert!(out.contains("time to the last phase (runs)"), "{out}");
    insta::assert_snapshot!("minutes_forecast", out);
    let json = cli::rollplan_at_root(
        &[
            "simulate", PLAN, "--runs", "20000", "--seed", "3", "--format", "json",
        ],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let p50 = &v["days_to_last_phase"]["p50"];
    // Every run takes 30m + 2h + a 1d..3d sample in whole hours: a whole number of 30 minutes.
    let minutes = p50["minutes"].as_i64().unwrap();
    assert_eq!(minutes % 30, 0, "{p50}");
    assert!(
        (150 + 24 * 60..=150 + 72 * 60 + 3 * 30).contains(&minutes),
        "{p50}"
    );
}

#[test]
fn simulate_start_takes_a_date_time_and_refuses_a_bad_one() {
    let out = cli::rollplan_at_root(
        &["simulate", PLAN, "--start", "2027-04-01T22:00:00-02:00"],
        0,
    );
    assert!(out.contains("from 2027-04-02 00:00 UTC"), "{out}");
    assert!(
        out.contains("  canary  2027-04-02 00:00  2027-04-02 00:30"),
        "{out}"
    );
    let bad = cli::rollplan_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["simulate", PLAN, "--start", "2027-04-01T22:00:00"],
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("`--start 2027-04-01T22:00:00` has no time zone offset"),
        "{err}"
    );
}

/// A plan of `phases` (`(id, duration)`) with a freeze window, from a date-time.
fn sub_day_plan(start: &str, freeze: &str, phases: &[(&str, &str)]) -> rollplan::Compiled {
    let mut text = format!("plan p {{ start {start} }}\nflag f: int = 0\n{freeze}\n");
    for (i, (id, duration)) in phases.iter().enumerate() {
        let _ = writeln!(
            text,
            "phase {id} \"{id}\" {{\n  duration {duration}\n  set f = {}\n  gate ok \"fine\"\n}}",
            i + 1
        );
    }
    compile(&text)
}

#[test]
fn a_sub_day_phase_ending_in_a_freeze_is_judged_then_and_the_next_waits_for_the_freeze_to_end() {
    // `b` runs 2h from 23:00 on the 21st: it ends at 01:00 on the 22nd, a frozen day. Its gates
    // are evaluated then (a freeze blocks starts, not evaluations); `c` starts at 00:00 on the
    // day after the freeze.
    let c = sub_day_plan(
        "2026-12-21T22:00:00Z",
        "freeze 2026-12-22..2026-12-23 \"freeze\"",
        &[("a", "1h"), ("b", "2h"), ("c", "30m")],
    );
    let clock = Clock::new(&c.plan, c.plan.start.unwrap(), Calendar::Calendar);
    let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
    let b_gate = run
        .records
        .iter()
        .find(|r| r.phase == 1 && matches!(r.event, Event::Gate { .. }))
        .unwrap();
    assert_eq!(clock.moment(b_gate.at), at("2026-12-22T01:00:00Z"));
    assert_eq!(
        clock.moment(run.visits[2].start),
        at("2026-12-24T00:00:00Z")
    );
    assert_eq!(run.visits[2].waited, 23 * 60 + DAY_MINUTES);
    let timeline = planned(&c.plan, c.plan.start.unwrap(), Calendar::Calendar);
    assert_eq!(timeline.phases[2].start, at("2026-12-24T00:00:00Z"));
    assert_eq!(timeline.phases[2].end, Some(at("2026-12-24T00:30:00Z")));
}

#[test]
fn business_hours_of_a_sub_day_phase_skip_the_weekend() {
    // 2027-03-05 is a Friday: a 2h phase from 23:00 counts one hour on Friday and goes on at
    // 00:00 on Monday; on the calendar it ends on Saturday at 01:00.
    let c = sub_day_plan("2027-03-05T23:00:00Z", "", &[("a", "2h"), ("b", "1d")]);
    for (calendar, end) in [
        (Calendar::Business, "2027-03-08T01:00:00Z"),
        (Calendar::Calendar, "2027-03-06T01:00:00Z"),
    ] {
        let clock = Clock::new(&c.plan, c.plan.start.unwrap(), calendar);
        let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
        assert_eq!(
            run.visits[0].end.map(|e| clock.moment(e)),
            Some(at(end)),
            "{calendar:?}"
        );
        let timeline = planned(&c.plan, c.plan.start.unwrap(), calendar);
        assert_eq!(timeline.phases[0].end, Some(at(end)), "{calendar:?}");
    }
    // On the business calendar `b` (1d) starts when `a` ends, Monday 01:00, and runs 24
    // working hours, to Tuesday 01:00.
    let clock = Clock::new(&c.plan, c.plan.start.unwrap(), Calendar::Business);
    let run = whatif::run(&Prepared::new(&c.plan), &clock, &[], None);
    assert_eq!(
        run.visits[1].end.map(|e| clock.moment(e)),
        Some(at("2027-03-09T01:00:00Z"))
    );
}

#[test]
fn the_checklist_and_calendar_carry_times() {
    let checklist = cli::rollplan_at_root(&["emit", "--target", "checklist", PLAN], 0);
    assert!(checklist.contains(
        "| 1 | 1% for 30 minutes (`canary`) | 2027-03-01 08:00 UTC | 2027-03-01 08:30 UTC |"
    ));
    assert!(checklist.contains(
        "Runs 2027-03-01 08:00 UTC to 2027-03-01 08:30 UTC (30m); the gates are evaluated at 2027-03-01 08:30 UTC."
    ));
    insta::assert_snapshot!("minutes_checklist", checklist);
    let ics = cli::rollplan_at_root(&["emit", "--target", "ics", PLAN], 0);
    assert!(ics.contains("DTSTART:20270301T080000Z\r\nDTEND:20270301T083000Z\r\n"));
    assert!(!ics.contains("VALUE=DATE"));
    insta::assert_snapshot!("minutes_ics", ics);
}

#[test]
fn diff_reports_a_change_of_minutes() {
    let dir = std::env::temp_dir().join(format!("rollplan-minutes-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(PLAN)).unwrap();
    let new = old.replace("duration 30m", "duration 45m");
    std::fs::write(dir.join("old.roll"), &old).unwrap();
    std::fs::write(dir.join("new.roll"), &new).unwrap();
    let out = cli::rollplan_in(&dir, &["diff", "old.roll", "new.roll"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("30m"), "{text}");
    assert!(text.contains("45m"), "{text}");
    assert!(text.contains("15m longer"), "{text}");
    assert!(text.contains("15m later"), "{text}");
}

#[test]
fn the_json_contract_dates_a_plan_with_times_to_the_minute() {
    let out = cli::rollplan_at_root(&["emit", "--target", "json", PLAN], 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let windows: Vec<(&str, &str)> = v["phases"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|p| (p["start"].as_str().unwrap(), p["end"].as_str().unwrap()))
        .collect();
    assert_eq!(
        windows,
        [
            ("2027-03-01T08:00:00Z", "2027-03-01T08:30:00Z"),
            ("2027-03-01T08:30:00Z", "2027-03-01T10:30:00Z"),
            ("2027-03-01T10:30:00Z", "2027-03-02T22:30:00Z"),
        ]
    );
    // A start given as a date moves a plan with times to that day's 00:00 UTC.
    let out = cli::rollplan_at_root(
        &["emit", "--target", "json", "--start", "2027-05-01", PLAN],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["phases"][1]["start"], "2027-05-01T00:30:00Z");
}

/// A forecast counted in minutes keeps its histogram bounded: a plan that needs minutes (a `7m`
/// phase) but runs 1000 weeks would need 10 million one-minute buckets per chunk; past
/// `MAX_BUCKETS` the tick doubles instead, the same way whatever the number of threads.
#[test]
fn a_long_plan_in_minutes_keeps_its_histogram_bounded() {
    use rollplan::simulate::forecast::{MAX_BUCKETS, declared_pass_rates, forecast};
    let c = sub_day_plan(
        "2027-01-04",
        "",
        &[("a", "1000w"), ("b", "7m"), ("c", "1d")],
    );
    let clock = Clock::new(&c.plan, c.plan.start.unwrap(), Calendar::Calendar);
    let prepared = Prepared::new(&c.plan);
    let rates = declared_pass_rates(&c.plan);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| forecast(&prepared, &clock, &rates, 5_000, 1))
    };
    let t = run(1);
    assert!(t.days.len() <= MAX_BUCKETS, "{} buckets", t.days.len());
    assert_eq!(t.tick, 16);
    // Every run reaches `c` after 1000 weeks and 7 minutes: the bucket that holds it.
    let exact = 1000 * 7 * DAY_MINUTES + 7;
    assert_eq!(t.min(), Some(exact - exact % 16));
    assert_eq!(t, run(2));
}
