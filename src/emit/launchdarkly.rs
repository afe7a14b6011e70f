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
use crate::model::{
    Bucketing, Condition, ConditionTest, Percent, Plan, Rollout, ScopedRule, Setting, Value,
};

/// A clause: an `in` test, negated or not.
#[derive(Debug, Clone)]
struct Clause<'a> {
    condition: &'a Condition,
    negate: bool,
}

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

/// Rules (clauses all true → outcome), then the fallthrough, with the plan's first-match
/// meaning and `LaunchDarkly`'s absent-attribute rule.
fn compile<'r>(
    rules: &'r [ScopedRule],
    default: &Value,
) -> (Vec<(Vec<Clause<'r>>, Outcome)>, Outcome) {
    let Some((first, rest)) = rules.split_first() else {
        return (Vec::new(), Outcome::fixed(default));
    };
    // A rule without a condition always applies: the rules after it never do.
    let Some(condition) = &first.condition else {
        return (Vec::new(), Outcome::of(first, default));
    };
    let (later, fallthrough) = compile(rest, default);
    let negated = matches!(condition.test, ConditionTest::Equals { negated: true, .. });
    if !negated {
        let mut out = vec![(
            vec![Clause {
                condition,
                negate: false,
            }],
            Outcome::of(first, default),
        )];
        out.extend(later);
        return (out, fallthrough);
    }
    // `a != c → v`: where `a == c`, the later rules decide; everywhere else (absent too), `v`.
    let guard = Clause {
        condition,
        negate: false,
    };
    let mut out: Vec<(Vec<Clause<'r>>, Outcome)> = later
        .into_iter()
        .map(|(clauses, v)| {
            let mut all = vec![guard.clone()];
            all.extend(clauses);
            (all, v)
        })
        .collect();
    out.push((vec![guard], fallthrough));
    (out, Outcome::of(first, default))
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
    let (rules, fallthrough) = match setting {
        Setting::Fixed(v) => (Vec::new(), Outcome::fixed(v)),
        Setting::Scoped { rules, default } => compile(rules, default),
    };
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
                "clauses": clauses.iter().map(|c| json!({
                    "contextKind": "user",
                    "attribute": plan.attribute(c.condition.attribute).name,
                    "op": "in",
                    "values": c.condition.values().iter().map(Value::to_json).collect::<Vec<_>>(),
                    "negate": c.negate,
                })).collect::<Vec<_>>(),
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
    use crate::emit::setting::tests::{context_value, settings_with_shares};

    /// `LaunchDarkly`'s reading of a clause: an absent attribute never matches, negated or not.
    fn clause_matches(c: &Clause<'_>, context: &[Option<Value>]) -> bool {
        context[c.condition.attribute.0]
            .as_ref()
            .is_some_and(|v| c.condition.values().contains(v) != c.negate)
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
            let (rules, fallthrough) = match &setting {
                Setting::Fixed(v) => (Vec::new(), Outcome::fixed(v)),
                Setting::Scoped { rules, default } => compile(rules, default),
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
