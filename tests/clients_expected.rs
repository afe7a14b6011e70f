//! rollplan's own value of every flag of `tests/clients/plans/conditions.roll` (compound
//! conditions and int comparisons), in every phase, for a grid of contexts:
//! `tests/clients/conditions.expected.json`, which `tests/clients/test_clients.py` hands to the
//! real flagd, `LaunchDarkly` and Unleash clients. The file is checked in and must match the
//! model; `ROLLPLAN_BLESS=1 cargo test --test it clients_expected::` rewrites it.

use rollplan::model::{AttributeId, Value};
use rollplan::source::SourceMap;
use serde_json::{Map, Value as Json, json};

const PLAN: &str = "tests/clients/plans/conditions.roll";
const EXPECTED: &str = "tests/clients/conditions.expected.json";

/// Each attribute's values in the grid (`None`: absent): every enum variant, ints on both
/// sides of each constant the plan compares with, a named and an unnamed string.
fn grid() -> Vec<(&'static str, Vec<Option<Value>>)> {
    let text = |s: &str| Some(Value::String(s.to_owned()));
    let ints = [-1, 0, 1, 7, 8, 29, 30, 31, 90, 91, 365, 366];
    vec![
        ("region", vec![None, text("eu"), text("us"), text("apac")]),
        (
            "age",
            std::iter::once(None)
                .chain(ints.map(|n| Some(Value::Int(n))))
                .collect(),
        ),
        (
            "tier",
            vec![None, text("gold"), text("free"), text("silver")],
        ),
    ]
}

fn contexts() -> Vec<Vec<(&'static str, Value)>> {
    let mut out: Vec<Vec<(&'static str, Value)>> = vec![Vec::new()];
    for (name, values) in grid() {
        out = out
            .into_iter()
            .flat_map(|ctx| {
                values.iter().map(move |v| {
                    let mut c = ctx.clone();
                    if let Some(v) = v {
                        c.push((name, v.clone()));
                    }
                    c
                })
            })
            .collect();
    }
    out
}

fn expected() -> Json {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/{PLAN}")).expect("fixture readable");
    let mut sources = SourceMap::new();
    let file = sources.add(PLAN, text);
    let compiled = rollplan::compile(&sources, file).expect("the fixture checks clean");
    let plan = &compiled.plan;
    let contexts = contexts();
    let mut phases = Map::new();
    for (n, phase) in plan.phases.iter().enumerate() {
        let mut flags = Map::new();
        for (i, flag) in plan.flags.iter().enumerate() {
            let setting = phase.planned.get(rollplan::model::FlagId(i));
            let values: Vec<Json> = contexts
                .iter()
                .map(|ctx| {
                    let at = |a: AttributeId| {
                        let name = plan.attribute(a).name.as_str();
                        ctx.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
                    };
                    setting.value_for(&at, &|_| 0).to_json()
                })
                .collect();
            flags.insert(flag.name.clone(), Json::Array(values));
        }
        phases.insert(format!("{:02}-{}", n + 1, phase.id), Json::Object(flags));
    }
    let contexts: Vec<Json> = contexts
        .iter()
        .map(|ctx| {
            Json::Object(
                ctx.iter()
                    .map(|(n, v)| ((*n).to_owned(), v.to_json()))
                    .collect(),
            )
        })
        .collect();
    json!({"plan": PLAN, "contexts": contexts, "phases": phases})
}

#[test]
fn expected_values_match_the_model() {
    let path = format!("{}/{EXPECTED}", env!("CARGO_MANIFEST_DIR"));
    let want = serde_json::to_string_pretty(&expected()).expect("serialisable") + "\n";
    if std::env::var_os("ROLLPLAN_BLESS").is_some() {
        std::fs::write(&path, &want).expect("writable");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{EXPECTED} is stale: run `ROLLPLAN_BLESS=1 cargo test --test it clients_expected::` and review the change"
    );
    // The grid reaches every value each flag takes somewhere, not one value everywhere.
    let doc: Json = serde_json::from_str(&have).expect("JSON");
    for (phase, flags) in doc["phases"].as_object().expect("phases") {
        for (flag, values) in flags.as_object().expect("flags") {
            let values = values.as_array().expect("values");
            let distinct: std::collections::BTreeSet<String> =
                values.iter().map(ToString::to_string).collect();
            let fixed = phase == "03-done" && flag != "checkout.limit";
            assert!(
                fixed || distinct.len() > 1,
                "{phase} {flag} is the same in every context"
            );
        }
    }
}
