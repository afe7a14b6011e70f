//! `--target unleash`: the client features document Unleash SDKs bootstrap from
//! (`{"version": 2, "features": [...]}`). A boolean flag is a toggle that is enabled where one
//! of its strategies matches; any other flag is an enabled toggle whose matching strategy
//! carries the value as its variant's payload. A scoped value becomes strategies with
//! constraints: the plan's first matching rule wins, so each rule's case is its condition and
//! the negation of every earlier rule's condition, which makes the result independent of
//! strategy order. Constraints are and-ed and strategies or-ed, so a case is put in normal form
//! ([`super::logic`]) and each of its terms is a strategy; past the bound, `emit` refuses the
//! flag. A test that must fail is `NOT_IN` for `==`/`in`, and `inverted` for the numeric
//! operators: both hold when the attribute is absent, as the plan says. A rule with a share
//! makes, for each term, a `flexibleRollout` strategy for the units inside it (and, for a
//! non-boolean flag, a strategy for the rest of its units, which get the default).
//! JSON has no comments, so the header is a `_meta` object, which the clients ignore.

use serde_json::{Value as Json, json};

use super::logic::{self, Dnf, Literal, MAX_TERMS, Term, TooLarge};
use super::setting::pretty;
use super::{Config, DO_NOT_EDIT, EmitError, Input};
use crate::diagnostic::problem::EmitProblem;
use crate::model::{
    Bucketing, ConditionTest, FlagId, FlagState, Percent, Plan, Rollout, Setting, Value,
};
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

/// Which units of a case's context get its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Units {
    All,
    /// The units inside the rollout's share.
    Inside(Rollout),
    /// The units of the rule's context outside its share: they get the setting's default.
    Outside(Rollout),
}

/// One case of a setting: where (constraints), who (units) and what (value).
#[derive(Debug, Clone)]
struct Case<'s> {
    constraints: Term,
    units: Units,
    value: &'s Value,
}

/// The cases of a setting: each rule where no earlier one holds (its share, then the rest of
/// its units), then the default where none holds, each context as the terms of its normal form.
/// The cases' contexts exclude each other, and within one context the share and the rest do
/// too. [`TooLarge`] past [`MAX_TERMS`] cases.
fn cases(setting: &Setting) -> Result<Vec<Case<'_>>, TooLarge> {
    let (rules, default) = match setting {
        Setting::Fixed(v) => {
            return Ok(vec![Case {
                constraints: Vec::new(),
                units: Units::All,
                value: v,
            }]);
        }
        Setting::Scoped { rules, default } => (rules, default),
    };
    let mut out = Vec::new();
    let mut earlier: Vec<Dnf> = Vec::new();
    for r in rules {
        let mut parts = earlier.clone();
        if let Some(c) = &r.condition {
            parts.push(logic::dnf(c, true)?);
        }
        for constraints in logic::all(&parts)? {
            match r.rollout {
                Some(rollout) if r.value != *default && rollout.percent != Percent::ALL => {
                    out.push(Case {
                        constraints: constraints.clone(),
                        units: Units::Inside(rollout),
                        value: &r.value,
                    });
                    out.push(Case {
                        constraints,
                        units: Units::Outside(rollout),
                        value: default,
                    });
                }
                _ => out.push(Case {
                    constraints,
                    units: Units::All,
                    value: &r.value,
                }),
            }
        }
        if out.len() > MAX_TERMS {
            return Err(TooLarge);
        }
        match &r.condition {
            Some(c) => earlier.push(logic::dnf(c, false)?),
            // A rule without a condition always applies: the rules after it never do.
            None => return Ok(out),
        }
    }
    out.extend(logic::all(&earlier)?.into_iter().map(|constraints| Case {
        constraints,
        units: Units::All,
        value: default,
    }));
    if out.len() > MAX_TERMS {
        return Err(TooLarge);
    }
    Ok(out)
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

/// Why a setting cannot be written as Unleash strategies (worded in the catalogue).
pub(crate) use crate::diagnostic::problem::UnleashLimit as Unrepresentable;

fn strategy(
    plan: &Plan,
    name: &str,
    constraints: &[Json],
    rollout: Option<Rollout>,
    variant: Option<&Value>,
) -> Json {
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
    let (kind, parameters) = match rollout {
        None => ("default", json!({"groupId": name})),
        Some(r) => (
            "flexibleRollout",
            json!({
                "rollout": (r.percent.thousandths() / 1000).to_string(),
                "stickiness": plan.attribute(plan.bucketing_attribute(r.bucketing)).name,
                "groupId": group(plan, r.bucketing),
            }),
        ),
    };
    json!({
        "name": kind,
        "parameters": parameters,
        "constraints": constraints,
        "segments": [],
        "variants": variants,
    })
}

/// The `groupId` of a bucketing: Unleash hashes `GROUP:STICKINESS`, so the flags of one cohort
/// share buckets and a flag bucketed `by` an attribute has its own.
fn group(plan: &Plan, bucketing: Bucketing) -> &str {
    match bucketing {
        Bucketing::Cohort(c) => &plan.cohort(c).name,
        Bucketing::Flag { flag, .. } => &plan.flag(flag).name,
    }
}

/// The strategies of a flag's setting in one environment (none: the environment is off). Also
/// what `rollplan apply` writes to a live server and `status` compares it with. A setting
/// past the bound has none: callers refuse it first ([`too_large`]).
///
/// A share is a `flexibleRollout` (whole percentages only). A boolean flag is on where any
/// strategy matches, so the units outside a share that the default turns on cannot be told
/// apart: refused. Other flags take the first matching strategy's variant, so the share's
/// strategy comes first and the rest of its context gets the default from the next one.
pub(crate) fn strategies(
    plan: &Plan,
    name: &str,
    setting: &Setting,
) -> Result<Vec<Json>, Unrepresentable> {
    let boolean = matches!(setting.default_value(), Value::Bool(_));
    let mut out = Vec::new();
    for case in cases(setting).unwrap_or_default() {
        if boolean && *case.value != Value::Bool(true) {
            continue;
        }
        let rollout = match case.units {
            Units::Inside(r) if r.percent.thousandths() % 1000 != 0 => {
                return Err(Unrepresentable::WholePercent {
                    flag: name.to_owned(),
                    share: format!("{} {}", r.percent, plan.describe_bucketing(r.bucketing)),
                });
            }
            Units::Inside(r) => Some(r),
            Units::Outside(r) if boolean => {
                return Err(Unrepresentable::OutsideShare {
                    flag: name.to_owned(),
                    share: format!("{} {}", r.percent, plan.describe_bucketing(r.bucketing)),
                });
            }
            Units::All | Units::Outside(_) => None,
        };
        let constraints: Vec<Json> = case
            .constraints
            .iter()
            .map(|c| constraint(plan, c))
            .collect();
        out.push(strategy(
            plan,
            name,
            &constraints,
            rollout,
            (!boolean).then_some(case.value),
        ));
    }
    Ok(out)
}

fn feature(plan: &Plan, name: &str, setting: &Setting) -> Result<Json, Unrepresentable> {
    let strategies = strategies(plan, name, setting)?;
    Ok(json!({
        "name": name,
        "type": "release",
        "project": "default",
        "enabled": !strategies.is_empty(),
        "stale": false,
        "impressionData": false,
        "strategies": strategies,
        "variants": [],
    }))
}

/// A setting Unleash cannot hold, as the error at the `set` that gave it.
pub(super) fn refused(
    plan: &Plan,
    config: &Config<'_>,
    flag: FlagId,
    why: &Unrepresentable,
) -> EmitError {
    EmitError {
        problem: EmitProblem::Unleash {
            limit: why.clone(),
            config: Some(config.describe(plan)),
        },
        span: config.origin(plan, flag),
    }
}

/// The first flag of a state Unleash cannot hold, as the error at a `set` that gives it that
/// setting (for `rollplan apply`, which writes strategies one flag at a time).
pub(crate) fn refusal(plan: &Plan, state: &FlagState) -> Option<EmitError> {
    state.iter().enumerate().find_map(|(i, setting)| {
        let flag = FlagId(i);
        let why = strategies(plan, &plan.flag(flag).name, setting).err()?;
        let span = plan
            .phases
            .iter()
            .find_map(|p| p.assignment_of(flag).filter(|a| *a.setting == *setting))
            .map_or(plan.flag(flag).span, |a| a.span);
        Some(EmitError {
            problem: EmitProblem::Unleash {
                limit: why,
                config: None,
            },
            span,
        })
    })
}

/// The Unleash document of one configuration.
pub(super) fn value(input: &Input<'_>, config: &Config<'_>) -> Result<Json, EmitError> {
    let plan = input.plan();
    let features = plan
        .flags
        .iter()
        .zip(config.state.iter())
        .enumerate()
        .map(|(i, (f, s))| {
            feature(plan, &f.name, s).map_err(|why| refused(plan, config, FlagId(i), &why))
        })
        .collect::<Result<Vec<Json>, EmitError>>()?;
    Ok(json!({
        "version": 2,
        "_meta": {
            "source": input.source,
            "configuration": config.describe(plan),
            "generatedBy": DO_NOT_EDIT,
        },
        "features": features,
        "segments": [],
    }))
}

pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> Result<String, EmitError> {
    Ok(pretty(&value(input, config)?))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::emit::logic::tests::context_value;
    use crate::emit::setting::tests::settings_with_shares;

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

    fn context_holds(case: &Case<'_>, context: &[Option<Value>]) -> bool {
        case.constraints.iter().all(|l| unleash_holds(l, context))
    }

    proptest! {
        /// Some case holds for a unit in every context and bucket, and every one that does
        /// gives the plan's value (the terms of one rule's normal form may overlap; those of
        /// different rules, and a share and the rest of its units, exclude each other).
        #[test]
        fn cases_give_the_plans_value_in_every_context(
            setting in settings_with_shares(),
            context in proptest::collection::vec(context_value(), 2),
            bucket in 0..Percent::ALL_THOUSANDTHS,
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| bucket);
            let Ok(cases) = cases(&setting) else {
                // Past the bound: `check` refuses it (tested in `logic`).
                return Ok(());
            };
            let matching: Vec<&Value> = cases
                .into_iter()
                .filter(|case| context_holds(case, &context))
                .filter(|case| match case.units {
                    Units::All => true,
                    Units::Inside(r) => r.percent.contains(bucket),
                    Units::Outside(r) => !r.percent.contains(bucket),
                })
                .map(|case| case.value)
                .collect();
            prop_assert!(!matching.is_empty());
            prop_assert!(matching.iter().all(|v| **v == want), "{matching:?} vs {want:?}");
        }

        /// What Unleash does with the strategies: a strategy for the rest of a share's units
        /// matches every unit of its context, so a non-boolean flag relies on taking the
        /// first matching strategy's variant. That gives the plan's value too.
        #[test]
        fn the_first_matching_strategy_gives_the_plans_value(
            setting in settings_with_shares(),
            context in proptest::collection::vec(context_value(), 2),
            bucket in 0..Percent::ALL_THOUSANDTHS,
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| bucket);
            let Ok(cases) = cases(&setting) else {
                return Ok(());
            };
            let first = cases
                .into_iter()
                .find(|case| context_holds(case, &context) && match case.units {
                    Units::Inside(r) => r.percent.contains(bucket),
                    Units::All | Units::Outside(_) => true,
                })
                .map(|case| case.value.clone());
            prop_assert_eq!(first, Some(want));
        }
    }

    /// A boolean share that the default would extend to the units outside it cannot be a
    /// strategy; half a percent cannot be a `flexibleRollout`.
    #[test]
    fn shares_unleash_cannot_hold_are_refused_with_the_reason() {
        let mut sources = crate::source::SourceMap::new();
        let file = sources.add("p.roll", PLAN);
        let compiled = crate::compile(&sources, file).expect("the plan compiles");
        let plan = &compiled.plan;
        let setting = |phase: usize, flag: &str| {
            plan.phases[phase]
                .planned
                .get(plan.flag_named(flag).expect("declared"))
                .clone()
        };
        let half = strategies(plan, "a", &setting(0, "a")).expect_err("0.5% is refused");
        assert_eq!(
            (half.what().as_str(), half.why()),
            (
                "Unleash cannot roll `a` out to 0.5% of early",
                "it takes whole percentages only"
            )
        );
        let outside = strategies(plan, "b", &setting(0, "b")).expect_err("refused");
        assert_eq!(
            (outside.what().as_str(), outside.why()),
            (
                "Unleash cannot turn `b` on for the units outside 5% of early",
                "a strategy can only select the units inside a share"
            )
        );
        let whole = strategies(plan, "a", &setting(1, "a")).expect("5% is written");
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0]["name"], "flexibleRollout");
        assert_eq!(
            whole[0]["parameters"],
            json!({"rollout": "5", "stickiness": "user.id", "groupId": "early"})
        );
    }

    const PLAN: &str = "plan p {}\nattribute user.id: string\ncohort early by user.id\n\
        flag a: bool = false\nflag b: bool = false\n\
        phase one \"One\" { duration 1d\n set a = true for 0.5% of early else false\n\
        set b = false for 5% of early else true }\n\
        phase two \"Two\" { duration 1d\n set a = true for 5% of early else false }\n";
}
