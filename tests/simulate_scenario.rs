//! Scenario files: every kind of bad input is a diagnostic pointing into the scenario (rendered
//! snapshots), arbitrary bytes never panic (proptest), and inconclusive gates follow the
//! plan's `on_inconclusive` rule.

use proptest::prelude::*;
use rollplan::diagnostic::{Code, render};
use rollplan::model::{DAY_MINUTES, Moment, parse_date};
use rollplan::simulate::clock::Clock;
use rollplan::simulate::engine::Event;
use rollplan::simulate::engine::Verdict::{Failed, Passed};
use rollplan::simulate::prepared::Prepared;
use rollplan::simulate::whatif::{self, PieceKind};
use rollplan::simulate::{Calendar, Scenario, parse_scenario};
use rollplan::source::SourceMap;

fn entity_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll")).unwrap()
}

/// Parses `scenario` against `plan`; on failure returns the rendered diagnostics and codes.
fn parse(plan: &str, scenario: &str) -> Result<Scenario, (String, Vec<Code>)> {
    let mut sources = SourceMap::new();
    let file = sources.add("plan.roll", plan.to_owned());
    let compiled = rollplan::compile(&sources, file).expect("plan compiles");
    let s = sources.add("scenario.yaml", scenario.to_owned());
    parse_scenario(&compiled.plan, s, scenario).map_err(|e| {
        let codes = e.as_slice().iter().map(|d| d.code).collect();
        (render::human(e.as_slice(), &sources, false), codes)
    })
}

fn bad(name: &str, scenario: &str, code: Code, underlined: &str) {
    let (rendered, codes) = parse(&entity_text(), scenario).expect_err(name);
    assert_eq!(codes, [code], "{name}: {rendered}");
    // The primary label sits on the offending text.
    let mut sources = SourceMap::new();
    let file = sources.add("plan.roll", entity_text());
    let compiled = rollplan::compile(&sources, file).unwrap();
    let s = sources.add("scenario.yaml", scenario.to_owned());
    let errors = parse_scenario(&compiled.plan, s, scenario).unwrap_err();
    let span = errors.as_slice()[0].primary.span;
    assert_eq!(sources.get(s).slice(span), underlined, "{name}");
    insta::assert_snapshot!(name, rendered);
}

#[test]
fn an_unknown_phase_gets_a_suggestion() {
    bad(
        "unknown_phase",
        "full_prodution:\n  - error_rate: 0.3%\n",
        Code::ScenarioUnknownPhase,
        "full_prodution",
    );
}

#[test]
fn a_metric_the_phase_does_not_gate_is_unknown_there() {
    bad(
        "metric_not_gated",
        "read_only:\n  - prod_errors: 0\n    error_rate: 0.3%\n",
        Code::ScenarioUnknownGate,
        "error_rate",
    );
}

#[test]
fn an_unknown_gate_gets_a_suggestion() {
    bad(
        "unknown_gate",
        "full_production:\n  - {error_rate: 0.05%}\n  - {consistency_preservd: passed}\n",
        Code::ScenarioUnknownGate,
        "consistency_preservd",
    );
}

#[test]
fn a_value_in_the_wrong_unit_is_refused() {
    bad(
        "wrong_unit",
        "full_production:\n  - error_rate: 0.3\n",
        Code::ScenarioUnitMismatch,
        "0.3",
    );
    bad(
        "fractional_count",
        "read_only:\n  - prod_errors: 1.5\n",
        Code::ScenarioUnitMismatch,
        "1.5",
    );
    bad(
        "unknown_unit",
        "full_production:\n  - error_rate: 0.3 pct\n",
        Code::ScenarioUnitMismatch,
        "0.3 pct",
    );
    bad(
        "ms_for_percent",
        "full_production:\n  - latency_delta: 12ms\n",
        Code::ScenarioUnitMismatch,
        "12ms",
    );
}

#[test]
fn a_manual_gate_takes_a_result_word() {
    bad(
        "manual_gate_number",
        "full_production:\n  - consistency_preserved: maybe\n",
        Code::ScenarioInvalidValue,
        "maybe",
    );
}

#[test]
fn malformed_yaml_points_at_the_error() {
    bad(
        "malformed_yaml",
        "full_production:\n  - error_rate: [0.3%\n",
        Code::ScenarioSyntax,
        "%",
    );
    bad(
        "not_a_list",
        "full_production: {error_rate: 0.3%}\n",
        Code::ScenarioSyntax,
        "full_production",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let (_, codes) = parse(
        &entity_text(),
        "nope: []\nfull_production:\n  - error_rate: 3\n    bogus: passed\n",
    )
    .unwrap_err();
    assert_eq!(
        codes,
        [
            Code::ScenarioUnknownPhase,
            Code::ScenarioUnitMismatch,
            Code::ScenarioUnknownGate
        ]
    );
}

#[test]
fn observed_values_are_judged_against_the_thresholds() {
    let s = parse(
        &entity_text(),
        "full_production:\n  - {error_rate: 0.1%, latency_delta: 10%}\n  - {error_rate: '0.09%'}\n",
    )
    .unwrap();
    let v = |attempt, gate| s.evaluation(2, attempt, gate).map(|e| e.verdict);
    assert_eq!(v(1, 0), Some(Failed), "0.1% is not < 0.1%");
    assert_eq!(v(1, 1), Some(Passed), "10% <= 10%");
    assert_eq!(v(1, 2), None);
    assert_eq!(v(2, 0), Some(Passed));
    assert_eq!(v(3, 0), None);
    assert_eq!(s.evaluation(2, 1, 0).unwrap().observed, Some(0.1));
}

fn policy_plan(rule: &str) -> String {
    format!(
        r#"plan p {{ start 2026-12-01 }}
flag f: bool = false
on_fail extend 3d max 1 then rollback start
on_inconclusive {rule}
phase a "A" {{
  duration 1w
  set f = true
  gate ready "ready"
}}
phase b "B" {{
  duration indefinite
  set f = true
}}
"#
    )
}

/// Runs plan `rule` with `a`'s gate inconclusive at the first `n` evaluations.
fn inconclusive_run(rule: &str, n: usize) -> whatif::Run {
    let plan = policy_plan(rule);
    let scenario = format!("a:\n{}", "  - ready: inconclusive\n".repeat(n));
    let s = parse(&plan, &scenario).unwrap();
    let mut sources = SourceMap::new();
    let file = sources.add("p.roll", plan);
    let c = rollplan::compile(&sources, file).unwrap();
    let clock = Clock::new(
        &c.plan,
        Moment::midnight(parse_date("2026-12-01").unwrap()),
        Calendar::Calendar,
    );
    whatif::run(&Prepared::new(&c.plan), &clock, &[], Some(&s))
}

#[test]
fn inconclusive_wait_re_evaluates_later_without_using_an_extension() {
    let run = inconclusive_run("wait 2d", 3);
    assert_eq!(run.end.reached_last, Some((7 + 3 * 2) * DAY_MINUTES));
    assert_eq!(run.visits[0].extensions, 0);
    let kinds: Vec<PieceKind> = run.visits[0].pieces.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            PieceKind::Planned,
            PieceKind::Wait,
            PieceKind::Wait,
            PieceKind::Wait
        ]
    );
}

#[test]
fn inconclusive_extend_extends_without_counting_against_max() {
    // Three inconclusive evaluations extend three times although `max` is 1: no rollback.
    let run = inconclusive_run("extend", 3);
    assert_eq!(run.end.reached_last, Some((7 + 3 * 3) * DAY_MINUTES));
    assert_eq!(run.visits.len(), 2);
    assert!(
        run.records
            .iter()
            .all(|r| !matches!(r.event, Event::RolledBack { .. }))
    );
}

#[test]
fn inconclusive_fail_follows_the_failure_policy() {
    // Extension 1 of 1, then a rollback to the start, then `a` runs again and passes.
    let run = inconclusive_run("fail", 2);
    assert_eq!(run.visits.len(), 3);
    assert_eq!(run.visits[0].extensions, 1);
    assert_eq!(run.end.reached_last, Some((7 + 3 + 7) * DAY_MINUTES));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&entity_text(), &text);
    }

    #[test]
    fn scenario_shaped_text_never_panics(
        phase in prop::sample::select(vec!["full_production", "read_only", "x", "", "1"]),
        key in prop::sample::select(vec!["error_rate", "prod_errors", "consistency_preserved", "y", "'q'", "[a]"]),
        value in prop::sample::select(vec!["0.3%", "1", "-1", "1e400", "nan", "passed", "~", "{a: 1}", "[1,", "12ms", "0x10", "\"0.2%\"", "*a", "&a 1"]),
        repeat in 0usize..3,
    ) {
        let text = format!("{phase}:\n{}", format!("  - {key}: {value}\n").repeat(repeat));
        let _ = parse(&entity_text(), &text);
        let flow = format!("{{{phase}: [{{{key}: {value}}}]}}");
        let _ = parse(&entity_text(), &flow);
    }
}

/// Nesting is bounded before the YAML parser sees the text, whose cost grows with its square:
/// 100 KB of `[` took 51 s and 500 KB of `{a: ` 148 s.
#[test]
fn deep_nesting_is_refused_before_parsing() {
    for (name, text) in [
        ("brackets", "[".repeat(100_000)),
        ("maps", "{a: ".repeat(125_000)),
        (
            "block entries",
            format!("full_production:\n{}", "- ".repeat(50_000)),
        ),
    ] {
        let started = std::time::Instant::now();
        let (rendered, codes) = parse(&entity_text(), &text).expect_err(name);
        assert_eq!(codes, [Code::ScenarioSyntax], "{name}");
        assert!(
            rendered.contains("the scenario nests deeper than 64 levels"),
            "{name}: {rendered}"
        );
        // Linear: a generous bound that the quadratic parser missed by minutes.
        assert!(
            started.elapsed().as_secs() < 10,
            "{name}: {:?}",
            started.elapsed()
        );
    }
}
