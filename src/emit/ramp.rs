//! The words for one flag change in the checklist and the calendar. A change that only moves a
//! share of units between the same two values, in the same bucketing, one way in every context
//! class, is a ramp: "Ramp `payments.v2` from 1% to 5% of `early`", "Ramp down …" for a
//! decrease, ", bucketed by `user.id`" for a flag's own bucketing. Any other change is "Set
//! `f` to `…`", and so is one whose conditions split the contexts into more classes than
//! [`crate::analysis::context::MAX_CONTEXTS`]. Both end with the setting as a plan writes it, which is what the operator sets.

use crate::analysis::context::classes;
use crate::model::{Bucketing, FlagId, FlagState, Percent, Plan, Setting, Value};
use crate::plan_text::flag_setting;
use crate::simulate::exposure::{When, describe_when, percent_text, summarise};

/// Where a context class's units stand: all on one value, or a share on `value` and the rest
/// on `rest`, picked by `bucketing`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    Whole(Value),
    Share {
        value: Value,
        rest: Value,
        bucketing: Bucketing,
        thousandths: u32,
    },
}

fn position(
    setting: &Setting,
    attribute: &impl Fn(crate::model::AttributeId) -> Option<Value>,
) -> Position {
    match setting.distribution(attribute).as_slice() {
        [(value, thousandths, Some(bucketing)), (rest, _, _)] => Position::Share {
            value: value.clone(),
            rest: rest.clone(),
            bucketing: *bucketing,
            thousandths: *thousandths,
        },
        [(value, ..), ..] => Position::Whole(value.clone()),
        [] => Position::Whole(setting.default_value().clone()),
    }
}

/// What one context class's change is, when it is part of a ramp: the value ramped, the value
/// of the rest, the bucketing, and the share before and after.
type Step = (Value, Value, Bucketing, u32, u32);

/// A context class's change that can be part of a ramp.
enum Change {
    Unchanged,
    Step(Step),
}

/// `None` when the class's change is not part of a ramp.
fn step(from: &Position, to: &Position) -> Option<Change> {
    let all = Percent::ALL_THOUSANDTHS;
    let share = |s: &Position| match s {
        Position::Share {
            value,
            rest,
            bucketing,
            thousandths,
        } => Some((value.clone(), rest.clone(), *bucketing, *thousandths)),
        Position::Whole(_) => None,
    };
    // A whole value is 0% of a share when it is the share's rest, 100% when it is its value.
    let whole_in = |x: &Value, (value, rest, ..): &(Value, Value, Bucketing, u32)| {
        if x == rest {
            Some(0)
        } else if x == value {
            Some(all)
        } else {
            None
        }
    };
    match (from, to) {
        (Position::Whole(a), Position::Whole(b)) => (a == b).then_some(Change::Unchanged),
        // A whole value at one end and a share at the other, either way round.
        (Position::Whole(x), s) | (s, Position::Whole(x)) => {
            let s = share(s)?;
            let at = whole_in(x, &s)?;
            let (before, after) = if matches!(from, Position::Whole(_)) {
                (at, s.3)
            } else {
                (s.3, at)
            };
            Some(Change::Step((s.0, s.1, s.2, before, after)))
        }
        (a, b) => {
            let (a, b) = (share(a)?, share(b)?);
            if (&a.0, &a.1, a.2) != (&b.0, &b.1, b.2) {
                return None;
            }
            Some(if a.3 == b.3 {
                Change::Unchanged
            } else {
                Change::Step((a.0, a.1, a.2, a.3, b.3))
            })
        }
    }
}

/// A ramp of one flag between two states.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ramp {
    value: Value,
    bucketing: Bucketing,
    /// The share of units on `value` grows.
    up: bool,
    /// Each class that changes, with its share before and after; most specific first, the
    /// class of every other context (no tests) last.
    steps: Vec<(When, u32, u32)>,
    /// Classes that keep their share while every other context changes: the exceptions to a
    /// lone "elsewhere" step.
    unchanged: Vec<When>,
}

/// The change of `flag` from `from` to `to` as a ramp, if it is one.
fn ramp(flag: FlagId, from: &FlagState, to: &FlagState) -> Option<Ramp> {
    let (a, b) = (from.get(flag), to.get(flag));
    let mut per_context = Vec::new();
    let mut kind: Option<(Value, Value, Bucketing)> = None;
    // Past the bound on context classes, not a ramp: "Set" names the whole setting.
    for context in classes(&[flag], [from, to]).ok()? {
        let attribute = |id| context.get(id);
        let shares = match step(&position(a, &attribute), &position(b, &attribute))? {
            Change::Unchanged => None,
            Change::Step((value, rest, bucketing, before, after)) => {
                let this = (value, rest, bucketing);
                if kind.get_or_insert_with(|| this.clone()) != &this {
                    return None;
                }
                Some((before, after))
            }
        };
        per_context.push((context, shares));
    }
    let (value, _, bucketing) = kind?;
    let summary = summarise(per_context);
    let steps: Vec<(When, u32, u32)> = summary
        .iter()
        .filter_map(|(when, change)| change.map(|(before, after)| (when.clone(), before, after)))
        .collect();
    let up = steps.iter().all(|&(_, before, after)| after > before);
    let down = steps.iter().all(|&(_, before, after)| after < before);
    if !up && !down {
        return None;
    }
    let unchanged = summary
        .into_iter()
        .filter(|(when, change)| change.is_none() && !when.is_empty())
        .map(|(when, _)| when)
        .collect();
    Some(Ramp {
        value,
        bucketing,
        up,
        steps,
        unchanged,
    })
}

/// A flag change in words, with `code` making a code span of plan text (Markdown's for the
/// checklist, plain backticks for the calendar): a ramp where it is one, else `Set`.
pub(super) fn change_text(
    plan: &Plan,
    flag: FlagId,
    (from, to): (&FlagState, &FlagState),
    code: &dyn Fn(&str) -> String,
) -> String {
    let name = code(&plan.flag(flag).name);
    let setting = code(&flag_setting(plan, flag, to.get(flag)));
    let Some(r) = ramp(flag, from, to) else {
        return format!("Set {name} to {setting}");
    };
    let of = match r.bucketing {
        Bucketing::Cohort(c) => format!(" of {}", code(&plan.cohort(c).name)),
        Bucketing::Flag { .. } => String::new(),
    };
    let several = r.steps.len() > 1 || !r.unchanged.is_empty();
    let steps: Vec<String> = r
        .steps
        .iter()
        .enumerate()
        .map(|(i, (when, before, after))| {
            let whom = if when.is_empty() {
                match (several, i) {
                    (false, _) => String::new(),
                    (true, 0) => {
                        let others: Vec<String> = r
                            .unchanged
                            .iter()
                            .map(|w| code(&describe_when(plan, w)))
                            .collect();
                        format!(" except when {}", others.join(" or "))
                    }
                    (true, _) => " elsewhere".to_owned(),
                }
            } else {
                format!(" when {}", code(&describe_when(plan, when)))
            };
            format!(
                "from {} to {}{of}{whom}",
                percent_text(*before),
                percent_text(*after)
            )
        })
        .collect();
    let bucketed = match r.bucketing {
        Bucketing::Flag { attribute, .. } => {
            format!(", bucketed by {}", code(&plan.attribute(attribute).name))
        }
        Bucketing::Cohort(_) => String::new(),
    };
    let value = match &r.value {
        Value::Bool(true) => String::new(),
        v => format!(
            " = {}",
            code(&crate::plan_text::typed(&plan.flag(flag).ty, v))
        ),
    };
    format!(
        "Ramp{} {name}{value} {}{bucketed} ({setting})",
        if r.up { "" } else { " down" },
        steps.join(", and ")
    )
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::model::PhaseId;

    fn plan(phases: &str) -> Plan {
        let text = format!(
            "plan p {{\n  start 2027-03-01\n}}\n\
             attribute user.id: string\n\
             attribute region: enum(eu, us, apac)\n\
             cohort early by user.id\n\
             flag a: bool = false\n\
             flag mode: enum(off, shadow, on) = off\n\
             {phases}"
        );
        crate::compile_test_plan(text).plan
    }

    /// The words for `flag`'s change into phase `to` from the phase before (the start for 0).
    fn words(plan: &Plan, to: usize, flag: &str) -> String {
        let flag = plan.flag_named(flag).expect("flag");
        let from = match to {
            0 => &plan.initial,
            n => &plan.phase(PhaseId(n - 1)).planned,
        };
        change_text(plan, flag, (from, &plan.phase(PhaseId(to)).planned), &|s| {
            format!("`{s}`")
        })
    }

    fn phases(sets: &[&str]) -> String {
        let mut out = String::new();
        for (i, s) in sets.iter().enumerate() {
            let _ = writeln!(out, "phase p{i} \"\" {{\n duration 1d\n set {s}\n}}");
        }
        out
    }

    #[test]
    fn a_larger_share_of_a_cohort_is_a_ramp_and_a_smaller_one_a_ramp_down() {
        let p = plan(&phases(&[
            "a = true for 1% of early else false",
            "a = true for 5% of early else false",
            "a = true",
            "a = true for 0.5% of early",
            "a = false",
        ]));
        assert_eq!(
            words(&p, 0, "a"),
            "Ramp `a` from 0% to 1% of `early` (`true for 1% of early else false`)"
        );
        assert_eq!(
            words(&p, 1, "a"),
            "Ramp `a` from 1% to 5% of `early` (`true for 5% of early else false`)"
        );
        assert_eq!(
            words(&p, 2, "a"),
            "Ramp `a` from 5% to 100% of `early` (`true`)"
        );
        assert_eq!(
            words(&p, 3, "a"),
            "Ramp down `a` from 100% to 0.5% of `early` (`true for 0.5% of early else false`)"
        );
        assert_eq!(
            words(&p, 4, "a"),
            "Ramp down `a` from 0.5% to 0% of `early` (`false`)"
        );
    }

    #[test]
    fn a_flags_own_bucketing_says_what_it_buckets_by() {
        let p = plan(&phases(&["a = true for 50% by user.id else false"]));
        assert_eq!(
            words(&p, 0, "a"),
            "Ramp `a` from 0% to 50%, bucketed by `user.id` (`true for 50% by user.id else false`)"
        );
    }

    #[test]
    fn a_scoped_ramp_names_the_contexts_that_change() {
        let p = plan(&phases(&[
            "a = true for 5% of early else false",
            "a = true when region == eu for 25% of early, true for 5% of early else false",
            "a = true when region == eu for 25% of early, true for 10% of early else false",
            "a = false",
        ]));
        assert_eq!(
            words(&p, 1, "a"),
            "Ramp `a` from 5% to 25% of `early` when `region == eu` \
             (`true when region == eu for 25% of early, true for 5% of early else false`)"
        );
        assert_eq!(
            words(&p, 2, "a"),
            "Ramp `a` from 5% to 10% of `early` except when `region == eu` \
             (`true when region == eu for 25% of early, true for 10% of early else false`)"
        );
        assert_eq!(
            words(&p, 3, "a"),
            "Ramp down `a` from 25% to 0% of `early` when `region == eu`, \
             and from 10% to 0% of `early` elsewhere (`false`)"
        );
    }

    /// 13 attributes tested once each: more context classes than are enumerated, so the
    /// change is not judged a ramp on some of them; "Set" names the whole setting.
    #[test]
    fn a_change_past_the_bound_on_contexts_is_set() {
        let (mut text, when) = crate::analysis::context::wide_condition(13);
        text.push_str(&phases(&[
            "a = true for 1% of early else false",
            &format!("a = true when {when} for 1% of early, true for 5% of early else false"),
        ]));
        let p = plan(&text);
        assert_eq!(
            words(&p, 1, "a"),
            format!(
                "Set `a` to `true when {when} for 1% of early, true for 5% of early else false`"
            )
        );
    }

    #[test]
    fn other_changes_are_set() {
        let p = plan(&phases(&[
            "a = true for 5% of early else false",
            // Up in the EU, down elsewhere: no one direction.
            "a = true when region == eu for 25% of early, true for 1% of early else false",
            // Another bucketing reshuffles the units.
            "a = true for 25% by user.id else false",
            "mode = on for 10% of early else shadow",
            "mode = on",
        ]));
        assert_eq!(
            words(&p, 1, "a"),
            "Set `a` to `true when region == eu for 25% of early, true for 1% of early else false`"
        );
        assert_eq!(
            words(&p, 2, "a"),
            "Set `a` to `true for 25% by user.id else false`"
        );
        // From `off` for all to `on` for some and `shadow` for the rest: two new values.
        assert_eq!(
            words(&p, 3, "mode"),
            "Set `mode` to `on for 10% of early else shadow`"
        );
        assert_eq!(
            words(&p, 4, "mode"),
            "Ramp `mode` = `on` from 10% to 100% of `early` (`on`)"
        );
    }
}
