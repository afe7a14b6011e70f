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

/// Whether a condition (`holds`) or its negation is Unleash's `NOT_IN` (else `IN`).
fn not_in(c: &Condition, holds: bool) -> bool {
    let negated = matches!(c.test, ConditionTest::Equals { negated: true, .. });
    negated == holds
}

/// A constraint for a condition (`holds`) or for its negation.
fn constraint(plan: &Plan, (c, holds): (&Condition, bool)) -> Json {
    let operator = if not_in(c, holds) { "NOT_IN" } else { "IN" };
    json!({
        "contextName": plan.attribute(c.attribute).name,
        "operator": operator,
        "values": c.values().iter().map(text).collect::<Vec<_>>(),
        "inverted": false,
        "caseInsensitive": false,
    })
}

/// A conjunction of conditions, each to hold (`true`) or to fail (`false`).
type Constraints<'s> = Vec<(&'s Condition, bool)>;

/// The (constraints, value) cases of a setting: each rule where no earlier one holds, then
/// the default where none holds. The cases exclude each other.
fn cases(setting: &Setting) -> Vec<(Constraints<'_>, &Value)> {
    match setting {
        Setting::Fixed(v) => vec![(Vec::new(), v)],
        Setting::Scoped { rules, default } => {
            let mut out = Vec::new();
            let mut earlier: Constraints<'_> = Vec::new();
            // Every rule has a condition here: `emit` refuses rollouts before it gets this far.
            for (r, c) in rules
                .iter()
                .filter_map(|r| Some((r, r.condition.as_ref()?)))
            {
                let mut constraints = earlier.clone();
                constraints.push((c, true));
                out.push((constraints, &r.value));
                earlier.push((c, false));
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

/// The strategies of a flag's setting in one environment (none: the environment is off). Also
/// what `rollplan apply` writes to a live server and `status` compares it with.
pub(crate) fn strategies(plan: &Plan, name: &str, setting: &Setting) -> Vec<Json> {
    let boolean = matches!(setting.default_value(), Value::Bool(_));
    cases(setting)
        .into_iter()
        .filter(|(_, v)| !boolean || **v == Value::Bool(true))
        .map(|(constraints, v)| {
            let constraints: Vec<Json> = constraints
                .into_iter()
                .map(|c| constraint(plan, c))
                .collect();
            strategy(name, &constraints, (!boolean).then_some(v))
        })
        .collect()
}

fn feature(plan: &Plan, name: &str, setting: &Setting) -> Json {
    let strategies = strategies(plan, name, setting);
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
        .zip(config.state.iter())
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::emit::setting::tests::{context_value, settings};

    /// Unleash's reading of one constraint: `IN` needs the value present and listed; `NOT_IN`
    /// holds when it is absent or not listed.
    fn unleash_holds(c: &Condition, holds: bool, context: &[Option<Value>]) -> bool {
        let value = context[c.attribute.0].as_ref();
        let listed = value.is_some_and(|v| c.values().contains(v));
        if not_in(c, holds) { !listed } else { listed }
    }

    proptest! {
        /// Exactly one case matches in every context, and it gives the plan's value.
        #[test]
        fn strategies_give_the_plans_value_in_every_context(
            setting in settings(),
            context in proptest::collection::vec(context_value(), 2),
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| 0);
            let matching: Vec<&Value> = cases(&setting)
                .into_iter()
                .filter(|(cs, _)| cs.iter().all(|(c, h)| unleash_holds(c, *h, &context)))
                .map(|(_, v)| v)
                .collect();
            prop_assert_eq!(matching, vec![&want]);
        }
    }
}
