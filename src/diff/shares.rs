//! What the diff says about shares: a value's share of the units of one context class before
//! and after (`5% → 25% of early`), and which way it moved: raised, a reduction, or reshuffled
//! (picked by another bucketing, so some units lose the value and others gain it, whatever the
//! sizes). Only shares are described here; [`super::scope`] decides what is risky.

use crate::model::{Bucketing, Percent, Plan, Value};

/// Which way a value's share moved in one context class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Direction {
    Raised,
    Reduced,
    Reshuffled,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Raised => "raised",
            Direction::Reduced => "reduction",
            Direction::Reshuffled => "reshuffled",
        }
    }
}

/// One value's share before and after, in one context class, as the diff shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct ShareMove {
    pub(super) direction: Direction,
    /// `true`'s shares need no name; another value is named: `"plus" `.
    value: String,
    /// `5% → 25% of early`, `50% of early → 50% of late`.
    shares: String,
}

impl ShareMove {
    /// `raised: 5% → 25% of early`, with `when` (` when region == "us"`) when only some
    /// contexts see it.
    pub(super) fn describe(&self, when: &str) -> String {
        format!(
            "{}: {}{}{when}",
            self.direction.word(),
            self.value,
            self.shares
        )
    }
}

/// A value's share of a context's units and the bucketing that picks them (`None`: every unit
/// of the context, or none), as [`crate::model::Setting::distribution`] gives it.
pub(super) type Units = Option<(u32, Option<Bucketing>)>;

/// How the share of `value` moved, when a bucketing picks its units on either side; `None`
/// when it did not move, or when no share is involved (a scoped rule's reach is described as
/// it was before shares).
pub(super) fn share_move(
    old_plan: &Plan,
    before: Units,
    new_plan: &Plan,
    after: Units,
    value: &Value,
) -> Option<ShareMove> {
    let (old_bucketing, new_bucketing) = (before.and_then(|b| b.1), after.and_then(|a| a.1));
    if old_bucketing.is_none() && new_bucketing.is_none() {
        return None;
    }
    let (before_share, after_share) = (before.map_or(0, |b| b.0), after.map_or(0, |a| a.0));
    let direction = match (old_bucketing, new_bucketing) {
        (Some(o), Some(n)) if bucketing_name(old_plan, o) != bucketing_name(new_plan, n) => {
            Direction::Reshuffled
        }
        _ if after_share > before_share => Direction::Raised,
        _ if after_share < before_share => Direction::Reduced,
        _ => return None,
    };
    let old_by = old_bucketing.map(|b| old_plan.describe_bucketing(b));
    let new_by = new_bucketing.map(|b| new_plan.describe_bucketing(b));
    let (from, to) = (percent(before_share), percent(after_share));
    let shares = match (old_by, new_by) {
        (Some(o), Some(n)) if o != n => format!("{from} {o} → {to} {n}"),
        (Some(by), _) | (None, Some(by)) => format!("{from} → {to} {by}"),
        (None, None) => return None,
    };
    let value = match value {
        Value::Bool(true) => String::new(),
        other => format!("{other} "),
    };
    Some(ShareMove {
        direction,
        value,
        shares,
    })
}

/// `5%`, `0%` for no unit.
fn percent(thousandths: u32) -> String {
    Percent::from_thousandths(thousandths).map_or_else(|| "0%".to_owned(), |p| p.to_string())
}

/// A bucketing by names, which match across two plans: `of early`, or `by user.id` with the
/// flag's name.
pub(super) fn bucketing_name(plan: &Plan, bucketing: Bucketing) -> String {
    match bucketing {
        Bucketing::Cohort(_) => plan.describe_bucketing(bucketing),
        Bucketing::Flag { flag, .. } => {
            format!(
                "{} {}",
                plan.flag(flag).name,
                plan.describe_bucketing(bucketing)
            )
        }
    }
}
