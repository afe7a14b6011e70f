//! `--target unleash`: the client features document Unleash SDKs bootstrap from
//! (`{"version": 2, "features": [...]}`). A boolean flag is a toggle that is enabled where one
//! of its strategies matches; any other flag is an enabled toggle whose matching strategy
//! carries the value as its variant's payload. A scoped value becomes strategies with
//! constraints: the plan's first matching rule wins, so each strategy also carries the negation
//! of every earlier rule's condition, which makes the result independent of strategy order.
//! JSON has no comments, so the header is a `_meta` object, which the clients ignore.

use serde_json::{Value as Json, json};

use super::setting::pretty;
use super::{Config, DO_NOT_EDIT, EmitError, Input};
use crate::model::{
    Bucketing, Condition, ConditionTest, FlagId, FlagState, Percent, Plan, Rollout, Setting, Value,
};

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
    constraints: Constraints<'s>,
    units: Units,
    value: &'s Value,
}

/// The cases of a setting: each rule where no earlier one holds (its share, then the rest of
/// its units), then the default where none holds. The cases' contexts exclude each other, and
/// within one context the share and the rest do too.
fn cases(setting: &Setting) -> Vec<Case<'_>> {
    let (rules, default) = match setting {
        Setting::Fixed(v) => {
            return vec![Case {
                constraints: Vec::new(),
                units: Units::All,
                value: v,
            }];
        }
        Setting::Scoped { rules, default } => (rules, default),
    };
    let mut out = Vec::new();
    let mut earlier: Constraints<'_> = Vec::new();
    for r in rules {
        let mut constraints = earlier.clone();
        if let Some(c) = &r.condition {
            constraints.push((c, true));
        }
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
        match &r.condition {
            Some(c) => earlier.push((c, false)),
            // A rule without a condition always applies: the rules after it never do.
            None => return out,
        }
    }
    out.push(Case {
        constraints: earlier,
        units: Units::All,
        value: default,
    });
    out
}

/// Why a setting cannot be written as Unleash strategies: `what` cannot be done, `why`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unrepresentable {
    pub(crate) what: String,
    pub(crate) why: &'static str,
    pub(crate) help: &'static str,
}

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
/// what `rollplan apply` writes to a live server and `status` compares it with.
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
    for case in cases(setting) {
        if boolean && *case.value != Value::Bool(true) {
            continue;
        }
        let rollout = match case.units {
            Units::Inside(r) if r.percent.thousandths() % 1000 != 0 => {
                return Err(Unrepresentable {
                    what: format!(
                        "Unleash cannot roll `{name}` out to {} {}",
                        r.percent,
                        plan.describe_bucketing(r.bucketing)
                    ),
                    why: "it takes whole percentages only",
                    help: "make the share a whole percentage in the plan (rollplan never rounds it), or emit for `launchdarkly` or `flagd`, which take shares down to 0.001%",
                });
            }
            Units::Inside(r) => Some(r),
            Units::Outside(r) if boolean => {
                return Err(Unrepresentable {
                    what: format!(
                        "Unleash cannot turn `{name}` on for the units outside {} {}",
                        r.percent,
                        plan.describe_bucketing(r.bucketing)
                    ),
                    why: "a strategy can only select the units inside a share",
                    help: "give the share the value `true` and the rest the `else` value `false`, or emit for `launchdarkly` or `flagd`",
                });
            }
            Units::All | Units::Outside(_) => None,
        };
        let constraints: Vec<Json> = case
            .constraints
            .iter()
            .map(|c| constraint(plan, *c))
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
        message: format!("{} in {}: {}", why.what, config.describe(plan), why.why),
        help: why.help.to_owned(),
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
            .find_map(|p| p.assignment_of(flag).filter(|a| a.setting == *setting))
            .map_or(plan.flag(flag).span, |a| a.span);
        Some(EmitError {
            message: format!("{}: {}", why.what, why.why),
            help: why.help.to_owned(),
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
    use crate::emit::setting::tests::{context_value, settings_with_shares};

    /// Unleash's reading of one constraint: `IN` needs the value present and listed; `NOT_IN`
    /// holds when it is absent or not listed.
    fn unleash_holds(c: &Condition, holds: bool, context: &[Option<Value>]) -> bool {
        let value = context[c.attribute.0].as_ref();
        let listed = value.is_some_and(|v| c.values().contains(v));
        if not_in(c, holds) { !listed } else { listed }
    }

    fn context_holds(case: &Case<'_>, context: &[Option<Value>]) -> bool {
        case.constraints
            .iter()
            .all(|(c, h)| unleash_holds(c, *h, context))
    }

    proptest! {
        /// Exactly one case holds for a unit in every context and bucket, and it gives the
        /// plan's value.
        #[test]
        fn cases_give_the_plans_value_in_every_context(
            setting in settings_with_shares(),
            context in proptest::collection::vec(context_value(), 2),
            bucket in 0..Percent::ALL_THOUSANDTHS,
        ) {
            let want = setting.value_for(&|a| context[a.0].clone(), &|_| bucket);
            let matching: Vec<&Value> = cases(&setting)
                .into_iter()
                .filter(|case| context_holds(case, &context))
                .filter(|case| match case.units {
                    Units::All => true,
                    Units::Inside(r) => r.percent.contains(bucket),
                    Units::Outside(r) => !r.percent.contains(bucket),
                })
                .map(|case| case.value)
                .collect();
            prop_assert_eq!(matching, vec![&want]);
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
            let first = cases(&setting)
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
            (half.what.as_str(), half.why),
            (
                "Unleash cannot roll `a` out to 0.5% of early",
                "it takes whole percentages only"
            )
        );
        let outside = strategies(plan, "b", &setting(0, "b")).expect_err("refused");
        assert_eq!(
            (outside.what.as_str(), outside.why),
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
