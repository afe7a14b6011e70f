//! `--target launchdarkly`: the flag file the `LaunchDarkly` server SDKs' file data source reads
//! (`{"flags": {key: flag}, "segments": {}}`), written as JSON so that no YAML reader can turn
//! `on` into a boolean. A scoped value becomes rules with `in` clauses on the context
//! attribute. JSON has no comments, so the header is a `_meta` object, which the SDK ignores.
//!
//! A rule is an AND of clauses, and `LaunchDarkly` never matches a clause on an absent
//! attribute, even negated, while the plan says `http.method != "GET"` (and `!(age < 18)`)
//! holds when the attribute is absent. So every condition is put in normal form
//! ([`super::logic`]): a term of tests that hold is a rule (an `||` becomes several rules with
//! the same value), and a test that must fail is compiled the other way round: the rules are
//! split on it, those where it holds first, each guarded by its clause, then those where it
//! fails (see [`compile`]). Only clauses that hold are written (`negate` is always false).

use serde_json::{Value as Json, json};

use super::logic::{self, Atom, Dnf, MAX_TERMS, Term, TooLarge};
use super::setting::{by_flag, pretty};
use super::{Config, DO_NOT_EDIT, EmitError, Input};
use crate::model::{ConditionTest, FlagId, Plan, Setting, Value};
use crate::syntax::ast::CmpOp;

/// Rules (clauses all true → value), then the fallthrough value.
type Compiled = (Vec<(Vec<Atom>, Value)>, Value);

/// The rules of a setting with the plan's first-match meaning and `LaunchDarkly`'s
/// absent-attribute rule; [`TooLarge`] past [`MAX_TERMS`] rules.
fn compile_setting(setting: &Setting) -> Result<Compiled, TooLarge> {
    match setting {
        Setting::Fixed(v) => Ok((Vec::new(), v.clone())),
        Setting::Scoped { rules, default } => {
            // Every rule has a condition here: `emit` refuses rollouts before it gets this far.
            let rules: Vec<(Dnf, Value)> = rules
                .iter()
                .filter_map(|r| Some((r.condition.as_ref()?, &r.value)))
                .map(|(c, v)| Ok((logic::dnf(c, true)?, v.clone())))
                .collect::<Result<_, TooLarge>>()?;
            let (rules, fallthrough) = compile(&rules, default)?;
            Ok((unreachable_dropped(rules), fallthrough))
        }
    }
}

/// The rules without those never reached: a rule whose clauses include all of an earlier
/// rule's clauses matches only where that one already has.
fn unreachable_dropped(rules: Vec<(Vec<Atom>, Value)>) -> Vec<(Vec<Atom>, Value)> {
    let mut kept: Vec<(Vec<Atom>, Value)> = Vec::with_capacity(rules.len());
    for (clauses, value) in rules {
        let shadowed = kept
            .iter()
            .any(|(earlier, _)| earlier.iter().all(|c| clauses.contains(c)));
        if !shadowed {
            kept.push((clauses, value));
        }
    }
    kept
}

/// First-match rules in normal form to rules whose clauses all hold.
fn compile(rules: &[(Dnf, Value)], default: &Value) -> Result<Compiled, TooLarge> {
    let Some(((first, value), rest)) = rules.split_first() else {
        return Ok((Vec::new(), default.clone()));
    };
    if first.iter().any(Vec::is_empty) {
        // Always holds: the later rules are never reached.
        return Ok((Vec::new(), value.clone()));
    }
    let failing = first
        .iter()
        .flatten()
        .find(|l| !l.holds)
        .map(|l| l.atom.clone());
    let Some(atom) = failing else {
        let mut out: Vec<(Vec<Atom>, Value)> = first
            .iter()
            .map(|t: &Term| (t.iter().map(|l| l.atom.clone()).collect(), value.clone()))
            .collect();
        let (later, fallthrough) = compile(rest, default)?;
        out.extend(later);
        return bounded((out, fallthrough));
    };
    // Split on the atom: where it holds (each rule guarded by it), then where it fails.
    let assume = |holds: bool| -> Vec<(Dnf, Value)> {
        rules
            .iter()
            .map(|(d, v)| (logic::assume(d, &atom, holds), v.clone()))
            .filter(|(d, _)| !d.is_empty())
            .collect()
    };
    let (when_holds, holds_fallthrough) = compile(&assume(true), default)?;
    let (when_fails, fallthrough) = compile(&assume(false), default)?;
    let mut out: Vec<(Vec<Atom>, Value)> = when_holds
        .into_iter()
        .map(|(mut clauses, v)| {
            if !clauses.contains(&atom) {
                clauses.insert(0, atom.clone());
            }
            (clauses, v)
        })
        .collect();
    out.push((vec![atom.clone()], holds_fallthrough));
    out.extend(when_fails);
    bounded((out, fallthrough))
}

fn bounded(compiled: Compiled) -> Result<Compiled, TooLarge> {
    if compiled.0.len() > MAX_TERMS {
        Err(TooLarge)
    } else {
        Ok(compiled)
    }
}

/// `LaunchDarkly`'s operator and values for a test.
fn clause(plan: &Plan, atom: &Atom) -> Json {
    let (op, values): (&str, &[Value]) = match &atom.test {
        ConditionTest::In(values) => ("in", values),
        ConditionTest::Compare { op, value } => (
            match op {
                CmpOp::Lt => "lessThan",
                CmpOp::Le => "lessThanOrEqual",
                CmpOp::Gt => "greaterThan",
                CmpOp::Ge => "greaterThanOrEqual",
                CmpOp::Eq | CmpOp::Ne => "in",
            },
            std::slice::from_ref(value),
        ),
    };
    json!({
        "contextKind": "user",
        "attribute": plan.attribute(atom.attribute).name,
        "op": op,
        "values": values.iter().map(Value::to_json).collect::<Vec<_>>(),
        "negate": false,
    })
}

/// Every flag of the configuration can be written: none has conditions past the bound.
pub(super) fn check(input: &Input<'_>, config: &Config<'_>) -> Result<(), EmitError> {
    for (i, setting) in config.state.iter().enumerate() {
        if compile_setting(setting).is_err() {
            return Err(super::too_large(
                input,
                config,
                FlagId(i),
                "LaunchDarkly rules",
            ));
        }
    }
    Ok(())
}

fn flag(plan: &Plan, key: &str, setting: &Setting) -> Json {
    // `check` has refused the configuration if a setting is past the bound.
    let (rules, fallthrough) = compile_setting(setting)
        .unwrap_or_else(|TooLarge| (Vec::new(), setting.default_value().clone()));
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
                "clauses": clauses.iter().map(|a| clause(plan, a)).collect::<Vec<_>>(),
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
    use crate::emit::logic::tests::context_value;
    use crate::emit::setting::tests::settings;

    /// `LaunchDarkly`'s reading of a clause: an absent attribute never matches.
    fn clause_matches(atom: &Atom, context: &[Option<Value>]) -> bool {
        context[atom.attribute.0].is_some() && atom.holds(context[atom.attribute.0].as_ref())
    }

    proptest! {
        /// The first rule whose clauses all match, else the fallthrough, is the plan's value.
        #[test]
        fn rules_give_the_plans_value_in_every_context(
            setting in settings(),
            context in proptest::collection::vec(context_value(), 2),
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| 0);
            let Ok((rules, fallthrough)) = compile_setting(&setting) else {
                // Past the bound: `check` refuses it (tested in `logic`).
                return Ok(());
            };
            let got = rules
                .iter()
                .find(|(clauses, _)| clauses.iter().all(|c| clause_matches(c, &context)))
                .map_or(fallthrough, |(_, v)| v.clone());
            prop_assert_eq!(got, want);
        }
    }
}
