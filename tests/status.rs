//! `rollplan status`: the decision as a pure function (no server), and the command against a
//! real Prometheus loaded with the data of `tests/common/prometheus.rs`: the entity plan's
//! Phase 3 (`full_production`: 2w, `on_fail extend 1w max 2 then rollback previous`,
//! `on_inconclusive wait 2d`) advances, extends and rolls back at the right times.

use std::path::Path;

use rollplan::model::{Minutes, PhaseId, RollbackTarget};
use rollplan::simulate::engine::Verdict;
use rollplan::source::SourceMap;
use rollplan::status::{Action, GateInput, Keep, Position, decide};

use crate::common::prometheus;

use prometheus::{Server, at, rfc3339, rollplan};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const WEEK: i64 = 7 * 86_400;

fn entity() -> rollplan::Compiled {
    let text = std::fs::read_to_string(Path::new(ROOT).join("plans/entity.roll")).expect("plan");
    let mut sources = SourceMap::new();
    let file = sources.add("plans/entity.roll", text);
    rollplan::compile(&sources, file).expect("compiles")
}

// ---- the decision, without a server -------------------------------------------------------

const PASS: GateInput = GateInput::Judged(Verdict::Passed);
const FAIL: GateInput = GateInput::Judged(Verdict::Failed);
const INCONCLUSIVE: GateInput = GateInput::Judged(Verdict::Inconclusive);
const CONFIRMED: GateInput = GateInput::Manual { confirmed: true };
const UNCONFIRMED: GateInput = GateInput::Manual { confirmed: false };

/// Phase 3 started at 0, judged at `at` seconds, with its three gates (two metric, one manual).
fn phase3(at: i64, extensions: u32, gates: [GateInput; 3]) -> Action {
    let c = entity();
    let position = Position {
        phase: c.plan.phase_named("full_production").expect("phase"),
        started: 0,
        extensions,
    };
    decide(&c, &position, at, &gates).action
}

#[test]
fn before_the_gates_are_due_the_phase_keeps_running() {
    let due = 2 * WEEK;
    assert_eq!(
        phase3(due - 1, 0, [FAIL, FAIL, UNCONFIRMED]),
        Action::KeepRunning(Keep::NotDue)
    );
    // An extension moves the due time a week on.
    assert_eq!(
        phase3(due + 1, 1, [FAIL, FAIL, UNCONFIRMED]),
        Action::KeepRunning(Keep::NotDue)
    );
}

#[test]
fn passing_gates_advance_with_the_next_phases_changes_in_order() {
    let Action::Advance { next, changes } = phase3(2 * WEEK, 0, [PASS, PASS, CONFIRMED]) else {
        panic!("advances");
    };
    let c = entity();
    assert_eq!(next, c.plan.phase_named("entity_repository"));
    let flips: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|f| {
            (
                c.plan.flag(f.flag).name.as_str(),
                f.from.as_str(),
                f.to.as_str(),
            )
        })
        .collect();
    assert_eq!(
        flips,
        [("entity.based_repository_enabled", "false", "true")]
    );
}

#[test]
fn an_unconfirmed_manual_gate_or_an_unevaluated_metric_gate_keeps_the_phase() {
    assert_eq!(
        phase3(2 * WEEK, 0, [PASS, PASS, UNCONFIRMED]),
        Action::KeepRunning(Keep::Unconfirmed(vec![2]))
    );
    assert_eq!(
        phase3(2 * WEEK, 0, [GateInput::NotEvaluated, PASS, CONFIRMED]),
        Action::KeepRunning(Keep::NotEvaluated(vec![0]))
    );
}

#[test]
fn failures_extend_twice_then_roll_back_to_the_previous_phase() {
    let extend = |number| Action::Extend {
        number,
        max: Some(2),
        by: Minutes::WEEK,
        counted: true,
    };
    assert_eq!(phase3(2 * WEEK, 0, [FAIL, PASS, CONFIRMED]), extend(1));
    assert_eq!(phase3(3 * WEEK, 1, [PASS, FAIL, UNCONFIRMED]), extend(2));
    let Action::Rollback { to, changes } = phase3(4 * WEEK, 2, [FAIL, PASS, CONFIRMED]) else {
        panic!("rolls back");
    };
    assert_eq!(to, RollbackTarget::Phase(PhaseId(1)));
    let c = entity();
    assert_eq!(changes.len(), 1);
    assert_eq!(c.plan.flag(changes[0].flag).name, "entity.handler_enabled");
    assert_eq!(changes[0].to, "true when http.method == \"GET\" else false");
}

#[test]
fn an_inconclusive_gate_waits_by_the_plans_rule_and_a_failure_beats_it() {
    assert_eq!(
        phase3(2 * WEEK, 0, [INCONCLUSIVE, PASS, CONFIRMED]),
        Action::Wait(Minutes(48 * 60))
    );
    assert!(matches!(
        phase3(2 * WEEK, 0, [INCONCLUSIVE, FAIL, CONFIRMED]),
        Action::Extend { number: 1, .. }
    ));
}

#[test]
fn an_indefinite_phase_is_never_due() {
    let c = entity();
    let position = Position {
        phase: c.plan.phase_named("completion").expect("phase"),
        started: 0,
        extensions: 0,
    };
    let s = decide(
        &c,
        &position,
        100 * WEEK,
        &[CONFIRMED, CONFIRMED, CONFIRMED],
    );
    assert_eq!(s.due, None);
    assert_eq!(s.action, Action::KeepRunning(Keep::Indefinite));
}

#[test]
fn status_and_simulate_follow_one_rule() {
    // The simulator's what-if run of the same failures extends twice and then rolls back
    // to `read_only`, as `status` does above.
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("s.yaml");
    std::fs::write(
        &scenario,
        "full_production:\n  - {error_rate: fail}\n  - {latency_delta: fail}\n  - {error_rate: fail}\n",
    )
    .expect("write");
    let out = rollplan(
        &[
            "simulate",
            "plans/entity.roll",
            "--scenario",
            scenario.to_str().expect("UTF-8"),
            "--format",
            "json",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let events: Vec<String> = doc["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["phase"] == "full_production")
        .filter_map(|e| e["event"].as_str().map(str::to_owned))
        .filter(|e| e == "extended" || e == "rolled_back")
        .collect();
    assert_eq!(
        events[..3],
        ["extended", "extended", "rolled_back"],
        "{doc:#}"
    );
}

// ---- the command against a real server ----------------------------------------------------

/// `status --format json` of Phase 3, started `weeks` before `HH:MM`, judged then.
fn status(
    server: &Server,
    time: &str,
    weeks: i64,
    extensions: u32,
    confirm: bool,
) -> serde_json::Value {
    let now = at(time);
    let started = format!("full_production@{}", rfc3339(now - weeks * WEEK));
    let when = rfc3339(now);
    let extensions = extensions.to_string();
    let mut args = vec![
        "status",
        "plans/entity.roll",
        "--started",
        &started,
        "--extensions",
        &extensions,
        "--at",
        &when,
        "--prometheus",
        &server.url,
        "--format",
        "json",
    ];
    if confirm {
        args.extend(["--confirm", "consistency_preserved"]);
    }
    let out = rollplan(&args, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn phase_3_advances_extends_and_rolls_back_at_the_right_times() {
    let server = Server::start();
    // Healthy at 05:00, two weeks in: advance, with the next phase's flag change.
    let doc = status(&server, "05:00", 2, 0, true);
    assert_eq!(doc["action"], "advance", "{doc:#}");
    assert_eq!(doc["next"]["phase"], "entity_repository");
    assert_eq!(
        doc["changes"],
        serde_json::json!([{"flag": "entity.based_repository_enabled", "from": "false", "to": "true"}])
    );
    // The same without the person's confirmation: keep running, naming the gate.
    let doc = status(&server, "05:00", 2, 0, false);
    assert_eq!(doc["action"], "keep_running");
    assert_eq!(
        doc["waiting_for"],
        serde_json::json!(["consistency_preserved"])
    );
    // The breach at 06:30: extension 1 of 2, then 2 of 2 a week later...
    let doc = status(&server, "06:30", 2, 0, true);
    assert_eq!(doc["action"], "extend", "{doc:#}");
    assert_eq!(doc["extension"]["number"], 1);
    assert_eq!(doc["extension"]["max"], 2);
    assert_eq!(doc["extension"]["by"], "1w");
    // Started two weeks before 06:30, due then; the extended gates are due a week later.
    assert_eq!(
        doc["extension"]["gates_due"],
        rfc3339(at("06:30") + WEEK).as_str()
    );
    let doc = status(&server, "06:30", 3, 1, true);
    assert_eq!(doc["extension"]["number"], 2, "{doc:#}");
    // ...and with both used, roll back to `read_only` in the proven order.
    let doc = status(&server, "06:30", 4, 2, true);
    assert_eq!(doc["action"], "rollback", "{doc:#}");
    assert_eq!(doc["rollback_to"], "read_only");
    assert_eq!(doc["changes"][0]["flag"], "entity.handler_enabled");
    // Slow responses (latency_delta fails) extend too.
    let doc = status(&server, "11:30", 2, 0, true);
    assert_eq!(doc["action"], "extend", "{doc:#}");
    assert_eq!(doc["gates"][1]["state"], "fail");
    // The gap: inconclusive, so wait 2d as `on_inconclusive wait 2d` says.
    let doc = status(&server, "09:45", 2, 0, true);
    assert_eq!(doc["action"], "wait", "{doc:#}");
    assert_eq!(doc["wait"]["for"], "2d");
    assert_eq!(
        doc["wait"]["until"],
        rfc3339(at("09:45") + 2 * 86_400).as_str()
    );
    // Not due yet (one week in): keep running, and the server is not asked.
    let doc = status(&server, "06:30", 1, 0, true);
    assert_eq!(doc["action"], "keep_running");
    assert_eq!(doc["gates"][0]["state"], "not_evaluated");
    assert_eq!(doc["gates_due"], false);
}

#[test]
fn human_status_of_a_rollback() {
    let server = Server::start();
    let now = at("06:30");
    let started = format!("full_production@{}", rfc3339(now - 4 * WEEK));
    let out = rollplan(
        &[
            "status",
            "plans/entity.roll",
            "--started",
            &started,
            "--extensions",
            "2",
            "--at",
            &rfc3339(now),
            "--prometheus",
            &server.url,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(
        "status_human_rollback",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_stopped_server_gives_exit_2_and_the_token_is_never_printed() {
    let token = "status-token-1234";
    let mut server = Server::start();
    let url = server.url.clone();
    let now = at("05:00");
    let started = format!("full_production@{}", rfc3339(now - 2 * WEEK));
    let when = rfc3339(now);
    let args = [
        "status",
        "plans/entity.roll",
        "--started",
        &started,
        "--at",
        &when,
        "--prometheus",
        &url,
        "--confirm",
        "consistency_preserved",
        "--format",
        "json",
    ];
    let out = rollplan(&args, Some(token));
    assert_eq!(out.status.code(), Some(0));
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(all.contains("\"advance\""), "{all}");
    assert!(!all.contains(token), "{all}");
    server.stop();
    let out = rollplan(&args, Some(token));
    assert_eq!(out.status.code(), Some(2));
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(all.contains("rollplan::prometheus_unreachable"), "{all}");
    assert!(!all.contains("\"action\""), "{all}");
    assert!(!all.contains(token), "{all}");
}

#[test]
fn usage_errors_exit_2() {
    for (args, code) in [
        (vec!["--started", "full_production"], "invalid_argument"),
        (
            vec!["--started", "nope@2026-01-01T00:00:00Z"],
            "unknown_phase",
        ),
        (
            vec!["--started", "full_production@yesterday"],
            "invalid_argument",
        ),
        (
            vec![
                "--started",
                "full_production@2026-01-02T00:00:00Z",
                "--at",
                "2026-01-01T00:00:00Z",
            ],
            "invalid_argument",
        ),
        (
            vec![
                "--started",
                "full_production@2026-01-01T00:00:00Z",
                "--confirm",
                "error_rate",
            ],
            "invalid_argument",
        ),
    ] {
        let mut all = vec!["status", "plans/entity.roll"];
        all.extend(args.iter().copied());
        let out = rollplan(&all, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("rollplan::{code}")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_metric_without_a_query_is_not_evaluated_and_holds_the_phase() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("noquery.roll");
    std::fs::write(
        &plan,
        r#"plan noquery { title "No query" }
flag f.on: bool = false
metric error_rate: percent
phase one "One" {
  duration 1d
  set f.on = true
  gate error_rate < 1% "Errors below 1%"
}
phase two "Two" {
  duration 1d
  set f.on = false
}
"#,
    )
    .expect("write plan");
    // No request is made for a metric without a query, so no server is needed.
    let out = rollplan(
        &[
            "status",
            plan.to_str().expect("UTF-8"),
            "--started",
            "one@2026-01-01T00:00:00Z",
            "--at",
            "2026-01-03T00:00:00Z",
            "--prometheus",
            "http://127.0.0.1:1",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["action"], "keep_running", "{doc:#}");
    assert_eq!(doc["waiting_for"], serde_json::json!(["error_rate"]));
    assert_eq!(doc["gates"][0]["state"], "not_evaluated");
    assert_eq!(
        doc["reason"],
        "the metric gates `error_rate` were not evaluated (their metrics have no `query`: check them by hand)"
    );
}

/// `plans/examples/api-canary.roll`'s first phase lasts `30m` under `on_fail extend 30m max 2`:
/// its gate is due at minute 30 to the second, not a day later, and an extension moves it on by
/// 30 minutes.
#[test]
fn a_30_minute_phase_is_advanced_at_minute_30() {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("plans/examples/api-canary.roll")).unwrap();
    let mut sources = SourceMap::new();
    let file = sources.add("api-canary.roll", text);
    let c = rollplan::compile(&sources, file).expect("compiles");
    let canary = c.plan.phase_named("canary").expect("phase");
    let started = 1_803_888_000; // 2027-03-01T08:00:00Z
    let at = |extensions, seconds, gate| {
        let position = Position {
            phase: canary,
            started,
            extensions,
        };
        decide(&c, &position, started + seconds, &[gate])
    };
    let early = at(0, 30 * 60 - 1, PASS);
    assert_eq!(early.due, Some(started + 30 * 60));
    assert_eq!(early.action, Action::KeepRunning(Keep::NotDue));
    let Action::Advance { next, .. } = at(0, 30 * 60, PASS).action else {
        panic!("advances at minute 30");
    };
    assert_eq!(next, c.plan.phase_named("ramp"));
    assert_eq!(
        at(0, 30 * 60, FAIL).action,
        Action::Extend {
            number: 1,
            max: Some(2),
            by: Minutes(30),
            counted: true,
        }
    );
    // After one extension the gate is due at minute 60.
    assert_eq!(
        at(1, 60 * 60 - 1, FAIL).action,
        Action::KeepRunning(Keep::NotDue)
    );
    assert_eq!(at(1, 60 * 60, PASS).due, Some(started + 60 * 60));
}
