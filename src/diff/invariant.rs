//! Invariants compared by meaning. Two formulas over boolean flags are compared on every
//! assignment of the flags they read (up to [`MAX_FLAGS`] of them): the same truth table is no
//! change at all, whatever the text; otherwise the new invariant is stronger (it allows fewer
//! states: safe), weaker (it allows more: risky), or neither.

use std::collections::BTreeMap;

use crate::model::{FlagType, Formula, Plan, Value};

/// Formulas reading more flags than this are compared by text (2^16 evaluations at most).
const MAX_FLAGS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strength {
    /// The same states are allowed.
    Same,
    /// Every state the new invariant allows, the old one allowed too, and not the reverse.
    Stronger,
    /// The new invariant allows every state the old one did, and more.
    Weaker,
    /// Each allows some state the other does not.
    Other,
}

/// How the new formula relates to the old one, or `None` when they cannot be enumerated (a
/// non-boolean flag, or too many flags).
pub(super) fn compare(old: &Plan, a: &Formula, new: &Plan, b: &Formula) -> Option<Strength> {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (plan, formula) in [(old, a), (new, b)] {
        for id in formula.flags() {
            let flag = plan.flag(id);
            if flag.ty != FlagType::Bool {
                return None;
            }
            names.insert(flag.name.as_str(), 0);
        }
    }
    if names.len() > MAX_FLAGS {
        return None;
    }
    for (i, slot) in names.values_mut().enumerate() {
        *slot = i;
    }
    let bit = |plan: &Plan, id, mask: u32| {
        let i = names[plan.flag(id).name.as_str()];
        Value::Bool(mask & (1 << i) != 0)
    };
    let (mut lost, mut gained) = (false, false);
    for mask in 0..(1u32 << names.len()) {
        let before = a.eval(&|id| bit(old, id, mask));
        let after = b.eval(&|id| bit(new, id, mask));
        lost |= before && !after;
        gained |= after && !before;
    }
    Some(match (lost, gained) {
        (false, false) => Strength::Same,
        (true, false) => Strength::Stronger,
        (false, true) => Strength::Weaker,
        (true, true) => Strength::Other,
    })
}
