//! `--target unleash`: the client features document Unleash SDKs bootstrap from
//! (`{"version": 2, "features": [...]}`). A boolean flag is a toggle that is enabled where one
//! of its strategies matches; any other flag is an enabled toggle whose matching strategy
//! carries the value as its variant's payload. A scoped value becomes strategies with
//! constraints: the plan's first matching rule wins, so each rule's case is its condition and
//! the negation of every earlier rule's condition, which makes the result independent of
//! strategy order. Constraints are and-ed and strategies or-ed, so a case is put in normal form
//! ([`super::logic`]) and each of its terms is a strategy; past the bound, `emit` refuses the
//! flag. A test that must fail is `NOT_IN` for `==`/`in`, and `inverted` for the numeric
//! operators: both hold when the attribute is absent, as the plan says.
//! JSON has no comments, so the header is a `_meta` object, which the clients ignore.

use serde_json::{Value as Json, json};

use super::logic::{self, Dnf, Literal, MAX_TERMS, Term, TooLarge};
use super::setting::pretty;
use super::{Config, DO_NOT_EDIT, EmitError, Input};
use crate::model::{ConditionTest, FlagId, FlagState, Plan, Setting, Value};
use crate::syntax::ast::CmpOp;

/// A value as Unleash constraints and payloads hold it: a string.
fn text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::String(s) => s.clone(),
    }
}

/// The constraint of a literal.
fn constraint(plan: &Plan, literal: &Literal) -> Json {
    let name = &plan.attribute(literal.atom.attribute).name;
    let numeric = |op: &str, value: &Value| {
        json!({
            "contextName": name,
            "operator": op,
            "value": text(value),
            "inverted": !literal.holds,
            "caseInsensitive": false,
        })
    };
    let listed = |values: &[Value]| {
        json!({
            "contextName": name,
            "operator": if literal.holds { "IN" } else { "NOT_IN" },
            "values": values.iter().map(text).collect::<Vec<_>>(),
            "inverted": false,
            "caseInsensitive": false,
        })
    };
    match &literal.atom.test {
        ConditionTest::In(values) => listed(values),
        ConditionTest::Compare { op, value } => match op {
            CmpOp::Lt => numeric("NUM_LT", value),
            CmpOp::Le => numeric("NUM_LTE", value),
            CmpOp::Gt => numeric("NUM_GT", value),
            CmpOp::Ge => numeric("NUM_GTE", value),
            CmpOp::Eq | CmpOp::Ne => listed(std::slice::from_ref(value)),
        },
    }
}

/// The (constraints, value) cases of a setting: each rule where no earlier one holds, then
/// the default where none holds, each as the terms of its normal form. Terms of different
/// cases exclude each other.
fn cases(setting: &Setting) -> Result<Vec<(Term, &Value)>, TooLarge> {
    match setting {
        Setting::Fixed(v) => Ok(vec![(Vec::new(), v)]),
        Setting::Scoped { rules, default } => {
            let mut out = Vec::new();
            let mut earlier: Vec<Dnf> = Vec::new();
            // Every rule has a condition here: `emit` refuses rollouts before it gets this far.
            for (r, c) in rules
                .iter()
                .filter_map(|r| Some((r, r.condition.as_ref()?)))
            {
                let mut parts = earlier.clone();
                parts.push(logic::dnf(c, true)?);
                out.extend(logic::all(&parts)?.into_iter().map(|t| (t, &r.value)));
                earlier.push(logic::dnf(c, false)?);
                if out.len() > MAX_TERMS {
                    return Err(TooLarge);
                }
            }
            out.extend(logic::all(&earlier)?.into_iter().map(|t| (t, default)));
            if out.len() > MAX_TERMS {
                return Err(TooLarge);
            }
            Ok(out)
        }
    }
}

/// Whether every flag of a state can be written as strategies (none past the bound): the
/// first that cannot, if any.
pub(crate) fn too_large(state: &FlagState) -> Option<FlagId> {
    state.iter().position(|s| cases(s).is_err()).map(FlagId)
}

/// Every flag of the configuration can be written: none has conditions past the bound.
pub(super) fn check(input: &Input<'_>, config: &Config<'_>) -> Result<(), EmitError> {
    match too_large(config.state) {
        Some(flag) => Err(super::too_large(input, config, flag, "Unleash strategies")),
        None => Ok(()),
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
/// what `rollplan apply` writes to a live server and `status` compares it with. A setting
/// past the bound has none: callers refuse it first ([`too_large`]).
pub(crate) fn strategies(plan: &Plan, name: &str, setting: &Setting) -> Vec<Json> {
    let boolean = matches!(setting.default_value(), Value::Bool(_));
    cases(setting)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| !boolean || **v == Value::Bool(true))
        .map(|(constraints, v)| {
            let constraints: Vec<Json> = constraints.iter().map(|c| constraint(plan, c)).collect();
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
    use crate::emit::logic::tests::context_value;
    use crate::emit::setting::tests::settings;

    /// Unleash's reading of one constraint: `IN` and the numeric operators need the value
    /// present and passing; `NOT_IN` holds when it is absent or not listed; `inverted` flips
    /// the result, absent included.
    fn unleash_holds(literal: &Literal, context: &[Option<Value>]) -> bool {
        let value = context[literal.atom.attribute.0].as_ref();
        let passes = literal.atom.holds(value);
        let numeric = literal.atom.test.orders();
        if numeric || literal.holds {
            passes == literal.holds
        } else {
            !passes
        }
    }

    proptest! {
        /// Some strategy matches in every context, and every one that does gives the plan's
        /// value.
        #[test]
        fn strategies_give_the_plans_value_in_every_context(
            setting in settings(),
            context in proptest::collection::vec(context_value(), 2),
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| 0);
            let Ok(cases) = cases(&setting) else {
                // Past the bound: `check` refuses it (tested in `logic`).
                return Ok(());
            };
            let matching: Vec<&Value> = cases
                .into_iter()
                .filter(|(t, _)| t.iter().all(|l| unleash_holds(l, &context)))
                .map(|(_, v)| v)
                .collect();
            prop_assert!(!matching.is_empty());
            prop_assert!(matching.iter().all(|v| **v == want), "{matching:?} vs {want:?}");
        }
    }
}
