//! Who gets a value: two settings of one flag (from the old and the new plan) compared context
//! by context. A scoped value's text can change while the contexts it reaches grow
//! (`http.method == "GET"` → `http.method in ["GET", "POST"]`, an enum value added to a rule):
//! that widening is what a reviewer must see, and narrowing is a reduction.
//!
//! Attributes are matched by name (their ids differ between the plans). Contexts fall into
//! classes: each value a rule of either setting names, plus "any other value", per attribute;
//! an int attribute either side orders (`age >= 18` → `age >= 16`) gets a value below, between
//! and above its constants ([`representatives`]), so an int range that grows is seen to grow.
//! Both sides are evaluated in every class: whether a change widens is decided by what the
//! conditions mean, not how they are written (`!(region != eu)` is `region == eu`).

use std::collections::BTreeMap;

use super::shares::{ShareMove, bucketing_name, share_move};
use crate::analysis::context::representatives;
use crate::model::{Bucketing, Condition, Plan, Setting, Value};

/// Past this many classes of contexts the settings are not compared: the change counts as
/// widening, which is the cautious answer.
const MAX_CLASSES: usize = 4096;

/// How the contexts that get a value changed from the old setting to the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reach {
    /// Some context gets a value it did not get before, other than `rest` (for a boolean:
    /// `true` where it was `false`).
    pub(super) widened: bool,
    /// Some context that got a value other than `rest` now gets `rest` or another value.
    pub(super) narrowed: bool,
    /// How shares moved, for the note: `raised: 5% → 25% of early`, one per distinct move,
    /// with the contexts it happens in when not all of them.
    pub(super) shares: Vec<String>,
}

/// Compares the contexts in which `old` and `new` give a value other than `rest` (the flag's
/// declared value; `false` for a boolean).
pub(super) fn reach(
    old_plan: &Plan,
    old: &Setting,
    new_plan: &Plan,
    new: &Setting,
    rest: &Value,
) -> Reach {
    let mut named: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut ordered: Vec<&str> = Vec::new();
    for (plan, setting) in [(old_plan, old), (new_plan, new)] {
        if let Setting::Scoped { rules, .. } = setting {
            for (attribute, test) in rules
                .iter()
                .filter_map(|r| r.condition.as_ref())
                .flat_map(Condition::tests)
            {
                let name = plan.attribute(attribute).name.as_str();
                let values = named.entry(name).or_default();
                for v in test.values() {
                    if !values.contains(v) {
                        values.push(v.clone());
                    }
                }
                if test.orders() && !ordered.contains(&name) {
                    ordered.push(name);
                }
            }
        }
    }
    for name in ordered {
        if let Some(values) = named.get_mut(name) {
            *values = representatives(values);
        }
    }
    let classes = named
        .values()
        .try_fold(1usize, |n, values| n.checked_mul(values.len() + 1))
        .filter(|&n| n <= MAX_CLASSES);
    let Some(classes) = classes else {
        return Reach {
            widened: true,
            narrowed: false,
            shares: Vec::new(),
        };
    };
    let attributes: Vec<(&str, &Vec<Value>)> =
        named.iter().map(|(name, values)| (*name, values)).collect();
    let mut reach = Reach {
        widened: false,
        narrowed: false,
        shares: Vec::new(),
    };
    // Each distinct move of a share, with the contexts it happens in.
    let mut moves: BTreeMap<ShareMove, Vec<String>> = BTreeMap::new();
    for class in 0..classes {
        // The class's value of each attribute: a named value, or none of them.
        let mut context: BTreeMap<&str, Option<&Value>> = BTreeMap::new();
        let mut k = class;
        for (name, values) in &attributes {
            let choice = k % (values.len() + 1);
            k /= values.len() + 1;
            context.insert(name, values.get(choice));
        }
        let attribute = |plan: &Plan, a| {
            context
                .get(plan.attribute(a).name.as_str())
                .copied()
                .flatten()
                .cloned()
        };
        let old_units = old.distribution(&|a| attribute(old_plan, a));
        let new_units = new.distribution(&|a| attribute(new_plan, a));
        for m in compare(old_plan, &old_units, new_plan, &new_units, rest, &mut reach) {
            let contexts = moves.entry(m).or_default();
            let described = describe_context(&context, &attributes);
            if !contexts.contains(&described) {
                contexts.push(described);
            }
        }
    }
    reach.shares = moves
        .into_iter()
        .map(|(m, contexts)| {
            let when = if contexts.len() == classes {
                String::new()
            } else if contexts.len() <= MAX_CONTEXTS_NAMED {
                format!(" when {}", contexts.join(" or "))
            } else {
                format!(" in {} classes of contexts", contexts.len())
            };
            m.describe(&when)
        })
        .collect();
    reach
}

/// A move of a share seen in more classes of contexts than this (and not in all) counts them
/// instead of naming them.
const MAX_CONTEXTS_NAMED: usize = 3;

/// `region == "eu"`, `region not in ["eu", "us"]`, joined with `&&`.
fn describe_context(
    context: &BTreeMap<&str, Option<&Value>>,
    attributes: &[(&str, &Vec<Value>)],
) -> String {
    let list = |values: &[Value]| {
        values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    attributes
        .iter()
        .map(
            |(name, values)| match context.get(name).copied().flatten() {
                Some(v) => format!("{name} == {v}"),
                None if values.len() == 1 => format!("{name} != {}", values[0]),
                None => format!("{name} not in [{}]", list(values)),
            },
        )
        .collect::<Vec<_>>()
        .join(" && ")
}

/// Compares who gets each value other than `rest` in one context class: a larger share is
/// widening, a smaller one narrowing, and a share picked by another bucketing is both, whatever
/// its size (the buckets are reshuffled: some units lose the value and others gain it).
fn compare(
    old_plan: &Plan,
    old: &[(Value, u32, Option<Bucketing>)],
    new_plan: &Plan,
    new: &[(Value, u32, Option<Bucketing>)],
    rest: &Value,
    reach: &mut Reach,
) -> Vec<ShareMove> {
    let mut moves = Vec::new();
    let share = |units: &[(Value, u32, Option<Bucketing>)], v: &Value| {
        units
            .iter()
            .find(|(value, ..)| value == v)
            .map(|&(_, share, bucketing)| (share, bucketing))
    };
    for (value, ..) in old.iter().chain(new) {
        if value == rest {
            continue;
        }
        let (before, after) = (share(old, value), share(new, value));
        let (before_share, after_share) = (before.map_or(0, |s| s.0), after.map_or(0, |s| s.0));
        reach.widened |= after_share > before_share;
        reach.narrowed |= after_share < before_share;
        if let (Some((_, Some(old_bucketing))), Some((_, Some(new_bucketing)))) = (before, after)
            && bucketing_name(old_plan, old_bucketing) != bucketing_name(new_plan, new_bucketing)
        {
            reach.widened = true;
            reach.narrowed = true;
        }
        if let Some(m) = share_move(old_plan, before, new_plan, after, value) {
            moves.push(m);
        }
    }
    moves
}
