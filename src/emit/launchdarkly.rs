//! `--target launchdarkly`: the flag file the `LaunchDarkly` server SDKs' file data source reads
//! (`{"flags": {key: flag}, "segments": {}}`), written as JSON so that no YAML reader can turn
//! `on` into a boolean. A scoped value becomes rules with `in` clauses on the context
//! attribute. JSON has no comments, so the header is a `_meta` object, which the SDK ignores.
//!
//! `LaunchDarkly` never matches a clause on an absent attribute, even negated, while the plan
//! says `http.method != "GET"` holds when the method is unknown. So a negated condition is
//! compiled the other way round: the rules after it are guarded by the positive clause, and its
//! value becomes the fallthrough (see [`compile`]).

use serde_json::{Value as Json, json};

use super::setting::{by_flag, pretty};
use super::{Config, DO_NOT_EDIT, Input};
use crate::model::{Condition, ConditionTest, Plan, ScopedRule, Setting, Value};

/// A clause: an `in` test, negated or not.
#[derive(Debug, Clone)]
struct Clause<'a> {
    condition: &'a Condition,
    negate: bool,
}

/// Rules (clauses all true → value), then the fallthrough value, with the plan's first-match
/// meaning and `LaunchDarkly`'s absent-attribute rule.
fn compile<'r>(rules: &'r [ScopedRule], default: &Value) -> (Vec<(Vec<Clause<'r>>, Value)>, Value) {
    let Some((first, rest)) = rules.split_first() else {
        return (Vec::new(), default.clone());
    };
    // Every rule has a condition here: `emit` refuses rollouts before it gets this far.
    let Some(condition) = &first.condition else {
        return compile(rest, default);
    };
    let (later, fallthrough) = compile(rest, default);
    let negated = matches!(condition.test, ConditionTest::Equals { negated: true, .. });
    if !negated {
        let mut out = vec![(
            vec![Clause {
                condition,
                negate: false,
            }],
            first.value.clone(),
        )];
        out.extend(later);
        return (out, fallthrough);
    }
    // `a != c → v`: where `a == c`, the later rules decide; everywhere else (absent too), `v`.
    let guard = Clause {
        condition,
        negate: false,
    };
    let mut out: Vec<(Vec<Clause<'r>>, Value)> = later
        .into_iter()
        .map(|(clauses, v)| {
            let mut all = vec![guard.clone()];
            all.extend(clauses);
            (all, v)
        })
        .collect();
    out.push((vec![guard], fallthrough));
    (out, first.value.clone())
}

fn flag(plan: &Plan, key: &str, setting: &Setting) -> Json {
    let (rules, fallthrough) = match setting {
        Setting::Fixed(v) => (Vec::new(), v.clone()),
        Setting::Scoped { rules, default } => compile(rules, default),
    };
    let mut variations: Vec<Value> = vec![setting.default_value().clone()];
    for v in rules.iter().map(|(_, v)| v).chain([&fallthrough]) {
        if !variations.contains(v) {
            variations.push(v.clone());
        }
    }
    let index = |v: &Value| variations.iter().position(|x| x == v).unwrap_or(0);
    let rules: Vec<Json> = rules
        .iter()
        .enumerate()
        .map(|(i, (clauses, v))| {
            json!({
                "id": format!("rule-{}", i + 1),
                "clauses": clauses.iter().map(|c| json!({
                    "contextKind": "user",
                    "attribute": plan.attribute(c.condition.attribute).name,
                    "op": "in",
                    "values": c.condition.values().iter().map(Value::to_json).collect::<Vec<_>>(),
                    "negate": c.negate,
                })).collect::<Vec<_>>(),
                "variation": index(v),
                "trackEvents": false,
            })
        })
        .collect();
    json!({
        "key": key,
        "version": 1,
        "on": true,
        "variations": variations.iter().map(Value::to_json).collect::<Vec<_>>(),
        "offVariation": 0,
        "fallthrough": {"variation": index(&fallthrough)},
        "rules": rules,
        "targets": [],
        "contextTargets": [],
        "prerequisites": [],
        "salt": key,
        "trackEvents": false,
        "trackEventsFallthrough": false,
        "clientSide": false,
        "deleted": false,
    })
}

/// The `LaunchDarkly` flag file of one configuration.
pub(super) fn value(input: &Input<'_>, config: &Config<'_>) -> Json {
    let plan = input.plan();
    let flags = by_flag(plan, config.state, |f, s| flag(plan, &f.name, s));
    json!({
        "_meta": {
            "source": input.source,
            "configuration": config.describe(plan),
            "generatedBy": DO_NOT_EDIT,
        },
        "flags": flags,
        "segments": {},
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

    /// `LaunchDarkly`'s reading of a clause: an absent attribute never matches, negated or not.
    fn clause_matches(c: &Clause<'_>, context: &[Option<Value>]) -> bool {
        context[c.condition.attribute.0]
            .as_ref()
            .is_some_and(|v| c.condition.values().contains(v) != c.negate)
    }

    proptest! {
        /// The first rule whose clauses all match, else the fallthrough, is the plan's value.
        #[test]
        fn rules_give_the_plans_value_in_every_context(
            setting in settings(),
            context in proptest::collection::vec(context_value(), 2),
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| 0);
            let (rules, fallthrough) = match &setting {
                Setting::Fixed(v) => (Vec::new(), v.clone()),
                Setting::Scoped { rules, default } => compile(rules, default),
            };
            let got = rules
                .iter()
                .find(|(clauses, _)| clauses.iter().all(|c| clause_matches(c, &context)))
                .map_or(fallthrough, |(_, v)| v.clone());
            prop_assert_eq!(got, want);
        }
    }
}
