//! `--target unleash`: the client features document Unleash SDKs bootstrap from
//! (`{"version": 2, "features": [...]}`). A boolean flag is a toggle that is enabled where one
//! of its strategies matches; any other flag is an enabled toggle whose matching strategy
//! carries the value as its variant's payload. A scoped value becomes strategies with
//! constraints: the plan's first matching rule wins, so each strategy also carries the negation
//! of every earlier rule's condition, which makes the result independent of strategy order.
//! JSON has no comments, so the header is a `_meta` object, which the clients ignore.

use serde_json::{Value as Json, json};

use super::setting::pretty;
use super::{Config, DO_NOT_EDIT, Input};
use crate::model::{Condition, ConditionTest, Plan, Setting, Value};

/// A value as Unleash constraints and payloads hold it: a string.
fn text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::String(s) => s.clone(),
    }
}

/// A constraint for a condition (`holds`) or for its negation.
fn constraint(plan: &Plan, c: &Condition, holds: bool) -> Json {
    let negated = matches!(c.test, ConditionTest::Equals { negated: true, .. });
    let operator = if negated == holds { "NOT_IN" } else { "IN" };
    json!({
        "contextName": plan.attribute(c.attribute).name,
        "operator": operator,
        "values": c.values().iter().map(text).collect::<Vec<_>>(),
        "inverted": false,
        "caseInsensitive": false,
    })
}

/// The (constraints, value) cases of a setting: each rule where no earlier one holds, then
/// the default where none holds.
fn cases<'s>(plan: &Plan, setting: &'s Setting) -> Vec<(Vec<Json>, &'s Value)> {
    match setting {
        Setting::Fixed(v) => vec![(Vec::new(), v)],
        Setting::Scoped { rules, default } => {
            let mut out = Vec::new();
            let mut earlier: Vec<Json> = Vec::new();
            for r in rules {
                let mut constraints = earlier.clone();
                constraints.push(constraint(plan, &r.condition, true));
                out.push((constraints, &r.value));
                earlier.push(constraint(plan, &r.condition, false));
            }
            out.push((earlier, default));
            out
        }
    }
}

fn strategy(name: &str, constraints: &[Json], variant: Option<&Value>) -> Json {
    let variants: Vec<Json> = variant
        .map(|v| {
            json!({
                "name": text(v),
                "weight": 1000,
                "weightType": "variable",
                "stickiness": "default",
                "payload": {
                    "type": if matches!(v, Value::Int(_)) { "number" } else { "string" },
                    "value": text(v),
                },
            })
        })
        .into_iter()
        .collect();
    json!({
        "name": "default",
        "parameters": {"groupId": name},
        "constraints": constraints,
        "segments": [],
        "variants": variants,
    })
}

fn feature(plan: &Plan, name: &str, setting: &Setting) -> Json {
    let boolean = matches!(setting.default_value(), Value::Bool(_));
    let strategies: Vec<Json> = cases(plan, setting)
        .into_iter()
        .filter(|(_, v)| !boolean || **v == Value::Bool(true))
        .map(|(constraints, v)| strategy(name, &constraints, (!boolean).then_some(v)))
        .collect();
    json!({
        "name": name,
        "type": "release",
        "project": "default",
        "enabled": !strategies.is_empty(),
        "stale": false,
        "impressionData": false,
        "strategies": strategies,
        "variants": [],
    })
}

/// The Unleash document of one configuration.
pub(super) fn value(input: &Input<'_>, config: &Config<'_>) -> Json {
    let plan = input.plan();
    let features: Vec<Json> = plan
        .flags
        .iter()
        .zip(&config.state.0)
        .map(|(f, s)| feature(plan, &f.name, s))
        .collect();
    json!({
        "version": 2,
        "_meta": {
            "source": input.source,
            "configuration": config.describe(plan),
            "generatedBy": DO_NOT_EDIT,
        },
        "features": features,
        "segments": [],
    })
}

pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> String {
    pretty(&value(input, config))
}
