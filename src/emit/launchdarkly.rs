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
//!
//! A rule with a share serves a `rollout` instead of a `variation`: the rule's value to the
//! units inside the share, the setting's default to the rest, with a `seed` per cohort (see
//! [`seed`]). Every `LaunchDarkly` rule a plan rule's condition turns into carries that rule's
//! rollout, and so does the fallthrough when it is a rule's.

use serde_json::{Value as Json, json};

use super::logic::{self, Atom, Dnf, MAX_TERMS, Term, TooLarge};
use super::setting::{by_flag, pretty};
use super::{Config, DO_NOT_EDIT, EmitError, Input};
use crate::model::{
    Bucketing, ConditionTest, FlagId, Percent, Plan, Rollout, ScopedRule, Setting, Value,
};
use crate::syntax::ast::CmpOp;

/// What a rule or the fallthrough serves: `value` to every unit, or, with a rollout, to the
/// units inside its share and the setting's default to the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    value: Value,
    rollout: Option<Rollout>,
}

impl Outcome {
    fn of(rule: &ScopedRule, default: &Value) -> Outcome {
        Outcome {
            value: rule.value.clone(),
            rollout: rule
                .rollout
                .filter(|r| rule.value != *default && r.percent != Percent::ALL),
        }
    }

    fn fixed(value: &Value) -> Outcome {
        Outcome {
            value: value.clone(),
            rollout: None,
        }
    }
}

/// Rules (clauses all true → outcome), then the fallthrough.
type Compiled = (Vec<(Vec<Atom>, Outcome)>, Outcome);

/// The rules of a setting with the plan's first-match meaning and `LaunchDarkly`'s
/// absent-attribute rule; [`TooLarge`] past [`MAX_TERMS`] rules.
fn compile_setting(setting: &Setting) -> Result<Compiled, TooLarge> {
    match setting {
        Setting::Fixed(v) => Ok((Vec::new(), Outcome::fixed(v))),
        Setting::Scoped { rules, default } => {
            // A rule without a condition always holds: one term without tests.
            let rules: Vec<(Dnf, Outcome)> = rules
                .iter()
                .map(|r| {
                    let dnf = match &r.condition {
                        Some(c) => logic::dnf(c, true)?,
                        None => vec![Vec::new()],
                    };
                    Ok((dnf, Outcome::of(r, default)))
                })
                .collect::<Result<_, TooLarge>>()?;
            let (rules, fallthrough) = compile(&rules, default)?;
            Ok((unreachable_dropped(rules), fallthrough))
        }
    }
}

/// The rules without those never reached: a rule whose clauses include all of an earlier
/// rule's clauses matches only where that one already has.
fn unreachable_dropped(rules: Vec<(Vec<Atom>, Outcome)>) -> Vec<(Vec<Atom>, Outcome)> {
    let mut kept: Vec<(Vec<Atom>, Outcome)> = Vec::with_capacity(rules.len());
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

/// First-match rules in normal form to rules whose clauses all hold. Each rule keeps its
/// outcome, rollout and all, on every rule it turns into, on both sides of a split, and as the
/// fallthrough of the side where it is the last to apply.
fn compile(rules: &[(Dnf, Outcome)], default: &Value) -> Result<Compiled, TooLarge> {
    let Some(((first, value), rest)) = rules.split_first() else {
        return Ok((Vec::new(), Outcome::fixed(default)));
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
        let mut out: Vec<(Vec<Atom>, Outcome)> = first
            .iter()
            .map(|t: &Term| (t.iter().map(|l| l.atom.clone()).collect(), value.clone()))
            .collect();
        let (later, fallthrough) = compile(rest, default)?;
        out.extend(later);
        return bounded((out, fallthrough));
    };
    // Split on the atom: where it holds (each rule guarded by it), then where it fails.
    let assume = |holds: bool| -> Vec<(Dnf, Outcome)> {
        rules
            .iter()
            .map(|(d, v)| (logic::assume(d, &atom, holds), v.clone()))
            .filter(|(d, _)| !d.is_empty())
            .collect()
    };
    let (when_holds, holds_fallthrough) = compile(&assume(true), default)?;
    let (when_fails, fallthrough) = compile(&assume(false), default)?;
    let mut out: Vec<(Vec<Atom>, Outcome)> = when_holds
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

/// The seed of a bucketing: the same for every flag of a cohort, so that a unit falls in the
/// same bucket for each of them (the SDK hashes `SEED.VALUE` with SHA-1 when a rollout has a
/// seed, instead of the flag's key and salt); the flag's own for `by`. FNV-1a of the cohort's
/// (or flag's) name, so that it never changes between runs or versions.
fn seed(plan: &Plan, bucketing: Bucketing) -> u32 {
    let name = match bucketing {
        Bucketing::Cohort(c) => format!("cohort:{}", plan.cohort(c).name),
        Bucketing::Flag { flag, .. } => format!("flag:{}", plan.flag(flag).name),
    };
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash & 0x7fff_ffff
}

/// `{"variation": i}`, or `{"rollout": …}` whose first bucket is the rule's value: weights in
/// thousandths of a percent, the units bucketed by the attribute, so a larger share of the same
/// bucketing holds every unit of a smaller one.
fn serve(
    plan: &Plan,
    outcome: &Outcome,
    default: &Value,
    index: &impl Fn(&Value) -> usize,
) -> Json {
    match outcome.rollout {
        None => json!({"variation": index(&outcome.value)}),
        Some(r) => {
            let inside = r.percent.thousandths();
            json!({"rollout": {
                "kind": "rollout",
                "contextKind": "user",
                "bucketBy": plan.attribute(plan.bucketing_attribute(r.bucketing)).name,
                "seed": seed(plan, r.bucketing),
                "variations": [
                    {"variation": index(&outcome.value), "weight": inside},
                    {"variation": index(default), "weight": Percent::ALL_THOUSANDTHS - inside},
                ],
            }})
        }
    }
}

fn flag(plan: &Plan, key: &str, setting: &Setting) -> Json {
    let default = setting.default_value();
    // `check` has refused the configuration if a setting is past the bound.
    let (rules, fallthrough) =
        compile_setting(setting).unwrap_or_else(|TooLarge| (Vec::new(), Outcome::fixed(default)));
    let mut variations: Vec<Value> = vec![default.clone()];
    for v in rules
        .iter()
        .map(|(_, o)| &o.value)
        .chain([&fallthrough.value])
    {
        if !variations.contains(v) {
            variations.push(v.clone());
        }
    }
    let index = |v: &Value| variations.iter().position(|x| x == v).unwrap_or(0);
    let rules: Vec<Json> = rules
        .iter()
        .enumerate()
        .map(|(i, (clauses, outcome))| {
            let mut rule = json!({
                "id": format!("rule-{}", i + 1),
                "clauses": clauses.iter().map(|a| clause(plan, a)).collect::<Vec<_>>(),
                "trackEvents": false,
            });
            if let (Json::Object(rule), Json::Object(serve)) =
                (&mut rule, serve(plan, outcome, default, &index))
            {
                rule.extend(serve);
            }
            rule
        })
        .collect();
    json!({
        "key": key,
        "version": 1,
        "on": true,
        "variations": variations.iter().map(Value::to_json).collect::<Vec<_>>(),
        "offVariation": 0,
        "fallthrough": serve(plan, &fallthrough, default, &index),
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
    use crate::emit::setting::tests::settings_with_shares;

    /// `LaunchDarkly`'s reading of a clause: an absent attribute never matches.
    fn clause_matches(atom: &Atom, context: &[Option<Value>]) -> bool {
        context[atom.attribute.0].is_some() && atom.holds(context[atom.attribute.0].as_ref())
    }

    proptest! {
        /// The first rule whose clauses all match, else the fallthrough, is the plan's value,
        /// for a unit in every bucket: `LaunchDarkly` serves a rollout's first variation to the
        /// buckets below its weight.
        #[test]
        fn rules_give_the_plans_value_in_every_context(
            setting in settings_with_shares(),
            context in proptest::collection::vec(context_value(), 2),
            bucket in 0..Percent::ALL_THOUSANDTHS,
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| bucket);
            let default = setting.default_value().clone();
            let Ok((rules, fallthrough)) = compile_setting(&setting) else {
                // Past the bound: `check` refuses it (tested in `logic`).
                return Ok(());
            };
            let outcome = rules
                .iter()
                .find(|(clauses, _)| clauses.iter().all(|c| clause_matches(c, &context)))
                .map_or(fallthrough, |(_, o)| o.clone());
            let got = match outcome.rollout {
                Some(r) if bucket >= r.percent.thousandths() => default,
                _ => outcome.value,
            };
            prop_assert_eq!(got, want);
        }
    }

    /// One cohort, one seed for all its flags; `by` a seed per flag.
    #[test]
    fn a_cohort_shares_its_seed_and_a_flag_of_its_own_has_its_own() {
        let mut sources = crate::source::SourceMap::new();
        let file = sources.add("p.roll", PLAN);
        let compiled = crate::compile(&sources, file).expect("the plan compiles");
        let plan = &compiled.plan;
        let cohort = Bucketing::Cohort(crate::model::CohortId(0));
        let own = |f: &str| Bucketing::Flag {
            flag: plan.flag_named(f).expect("declared"),
            attribute: crate::model::AttributeId(0),
        };
        // FNV-1a of `cohort:early`, computed apart (in Python): the seed must never change,
        // or every unit of a live rollout would move to another bucket.
        assert_eq!(seed(plan, cohort), 983_253_853);
        assert_ne!(seed(plan, own("a")), seed(plan, own("b")));
        assert_ne!(seed(plan, own("a")), seed(plan, cohort));
    }

    const PLAN: &str = "plan p {}\nattribute user.id: string\ncohort early by user.id\n\
        flag a: bool = false\nflag b: bool = false\n\
        phase one \"One\" { duration 1d\n set a = true for 5% of early else false }\n";
}
