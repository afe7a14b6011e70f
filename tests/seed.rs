//! `plans/entity.roll` against the seed document's own numbers: its five configuration tables,
//! its durations, and its planned dates.

use rollplan::model::{Date, FlagState, Plan, Setting, Value};
use rollplan::source::SourceMap;

fn entity() -> rollplan::Compiled {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll")).unwrap();
    let mut sources = SourceMap::new();
    let file = sources.add("plans/entity.roll", text);
    rollplan::compile(&sources, file).expect("plans/entity.roll compiles")
}

/// The seed's "Configuration" lists, phase by phase, flag by flag (`None`: scoped).
const TABLES: [(&str, [bool; 5]); 5] = [
    // enabled, relationships_enabled, dual_write_enabled, handler_enabled, based_repository_enabled
    ("development", [true, true, true, false, false]),
    ("read_only", [true, true, true, true, false]),
    ("full_production", [true, true, true, true, false]),
    ("entity_repository", [true, true, true, true, true]),
    ("completion", [true, true, false, true, true]),
];
const FLAGS: [&str; 5] = [
    "entity.enabled",
    "entity.relationships_enabled",
    "entity.dual_write_enabled",
    "entity.handler_enabled",
    "entity.based_repository_enabled",
];

fn value(plan: &Plan, state: &FlagState, flag: &str) -> Setting {
    state.get(plan.flag_named(flag).unwrap()).clone()
}

#[test]
fn phases_carry_the_seed_configuration_tables() {
    let c = entity();
    let ids: Vec<&str> = c.plan.phases.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, TABLES.map(|(id, _)| id));
    for (phase, (id, values)) in c.plan.phases.iter().zip(TABLES) {
        for (flag, expected) in FLAGS.iter().zip(values) {
            let got = value(&c.plan, &phase.planned, flag);
            let expected = Setting::Fixed(Value::Bool(expected));
            if *flag == "entity.handler_enabled" && id == "read_only" {
                // "true (but only for GET endpoints)".
                let Setting::Scoped { rules, default } = &got else {
                    panic!("read_only handler is not scoped: {got:?}")
                };
                assert_eq!(default, &Value::Bool(false));
                assert_eq!(rules.len(), 1);
                assert_eq!(rules[0].value, Value::Bool(true));
                let condition = rules[0].condition.as_ref().expect("scoped to GET");
                assert_eq!(condition.tests().len(), 1, "one test: the HTTP method");
                assert_eq!(
                    condition.tests()[0].1.values(),
                    &[Value::String("GET".into())]
                );
                continue;
            }
            assert_eq!(got, expected, "phase `{id}`, flag `{flag}`");
        }
    }
}

#[test]
fn completion_may_keep_dual_write_on() {
    // "entity.dual_write_enabled = false (optional, based on stability)": both states exist.
    let c = entity();
    let completion = c.plan.phases.last().unwrap();
    let dual_write: Vec<Setting> = completion
        .variants
        .iter()
        .map(|v| value(&c.plan, &v.state, "entity.dual_write_enabled"))
        .collect();
    assert_eq!(
        dual_write,
        [
            Setting::Fixed(Value::Bool(false)),
            Setting::Fixed(Value::Bool(true))
        ]
    );
    let a = completion
        .assignment_of(c.plan.flag_named("entity.dual_write_enabled").unwrap())
        .unwrap();
    assert_eq!(a.optional, Some(Some("based on stability".to_owned())));
}

#[test]
fn durations_and_planned_dates_match_the_seed() {
    let c = entity();
    let durations: Vec<String> = c
        .plan
        .phases
        .iter()
        .map(|p| p.duration.to_string())
        .collect();
    assert_eq!(durations, ["2w", "1w", "2w", "1w", "indefinite"]);
    let start = Date::new(2026, 12, 1).unwrap();
    let timeline =
        rollplan::simulate::planned(&c.plan, start, rollplan::simulate::Calendar::Calendar);
    let starts: Vec<String> = timeline
        .phases
        .iter()
        .map(|w| w.start.to_string())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-12-01",
            "2026-12-15",
            "2026-12-22",
            "2027-01-05",
            "2027-01-12"
        ]
    );
    assert_eq!(timeline.days_to_last_phase(), 42);
    assert_eq!(timeline.phases.last().unwrap().end, None);
}

#[test]
fn seed_text_lists_are_all_in_the_plan() {
    let c = entity();
    let p = &c.plan;
    assert_eq!(p.rollback_steps.len(), 4);
    assert_eq!(p.contingency.len(), 4);
    assert_eq!(p.validation.len(), 5);
    assert_eq!(p.notify_before.len(), 3);
    assert_eq!(p.notify_after.len(), 3);
    let monitors: Vec<(&str, usize)> = p
        .monitors
        .iter()
        .map(|m| (m.title.as_str(), m.items.len()))
        .collect();
    assert_eq!(
        monitors,
        [
            ("Error Rates", 3),
            ("Performance Metrics", 3),
            ("Data Consistency", 2),
            ("Usage Metrics", 2)
        ]
    );
    let activities: Vec<usize> = p.phases.iter().map(|ph| ph.activities.len()).collect();
    assert_eq!(activities, [5, 5, 5, 4, 3]);
    let gates: Vec<usize> = p.phases.iter().map(|ph| ph.gates.len()).collect();
    assert_eq!(gates, [3, 3, 3, 3, 3]);
}

#[test]
fn numeric_success_criteria_are_metric_gates() {
    use rollplan::model::Criterion;
    let c = entity();
    let phase = &c.plan.phases[c.plan.phase_named("full_production").unwrap().0];
    let thresholds: Vec<String> = phase
        .gates
        .iter()
        .filter_map(|g| match &g.criterion {
            Criterion::Metric {
                op,
                threshold,
                metric,
            } => Some(format!(
                "{} {} {threshold}",
                c.plan.metric(*metric).name,
                op.symbol()
            )),
            Criterion::Manual => None,
        })
        .collect();
    assert_eq!(thresholds, ["error_rate < 0.1%", "latency_delta <= 10%"]);
}
