//! Phase by phase: for each phase of the new plan, what differs from the old phase it continues
//! (see [`super::matching`]), and removed phases where they stood. This file owns the walk, a
//! phase's identity (rename, move, title) and its timing (duration, planned start); flag values,
//! gates and lists have their own files.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::flags::{flag_pairs, flag_values};
use super::gates::gates;
use super::lists::items;
use super::matching::{How, Matching};
use super::{Change, ChangeKind, Risk, Scope, text};
use crate::model::{Phase, PhaseDuration, Plan};
use crate::simulate::Timeline;

pub(super) struct Sides<'a> {
    pub(super) old: &'a Plan,
    pub(super) new: &'a Plan,
    pub(super) timeline_old: &'a Timeline,
    pub(super) timeline_new: &'a Timeline,
}

pub(super) fn phases(sides: &Sides<'_>, matching: &Matching, out: &mut Vec<Change>) {
    let (old, new) = (sides.old, sides.new);
    let flags = flag_pairs(old, new);
    // The first old phase at which each flag takes each effective value.
    let mut first_old: HashMap<(usize, String), usize> = HashMap::new();
    for (o, phase) in old.phases.iter().enumerate() {
        for (f, pair) in flags.iter().enumerate() {
            if let Some(id) = pair.old {
                first_old
                    .entry((f, crate::plan_text::setting(old, phase.planned.get(id))))
                    .or_insert(o);
            }
        }
    }
    let renamed: HashMap<&str, &str> = matching
        .new_to_old
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|(o, _)| (old.phases[o].id.as_str(), new.phases[n].id.as_str())))
        .collect();
    let rename = |id: &str| renamed.get(id).map_or(id, |n| *n).to_owned();

    // Removed phases go after the new position of the nearest earlier old phase that survived.
    let mut removed_after: Vec<Vec<usize>> = vec![Vec::new(); new.phases.len() + 1];
    let mut anchor = 0;
    for (o, m) in matching.old_to_new.iter().enumerate() {
        match m {
            Some(n) => anchor = n + 1,
            None => removed_after[anchor].push(o),
        }
    }

    let mut running: Vec<Option<(String, String)>> = vec![None; flags.len()];
    for (n, removed) in removed_after.iter().enumerate() {
        for &o in removed {
            let phase = &old.phases[o];
            out.push(change(
                Scope::Phase(phase.id.clone()),
                ChangeKind::PhaseRemoved,
                "phase",
                Some(phase.title.clone()),
                None,
                Some(format!("was phase {} of {}", o + 1, old.phases.len())),
                Some(Risk::RemovedPhase),
            ));
        }
        let Some(phase) = new.phases.get(n) else {
            break;
        };
        match matching.new_to_old[n] {
            None => {
                added(sides, n, out);
                running.fill(None);
            }
            Some((o, how)) => {
                let pair = PhasePair {
                    old: &old.phases[o],
                    new: phase,
                    o,
                    n,
                    scope: Scope::Phase(phase.id.clone()),
                };
                identity(&pair, how, matching.moved[n], new.phases.len(), out);
                timing(sides, &pair, out);
                flag_values(sides, &pair, &flags, &first_old, &mut running, out);
                gates(sides, &pair, out);
                let (p_old, p_new) = (
                    text::policy(old, pair.old.on_fail, &rename),
                    text::policy(new, pair.new.on_fail, &str::to_owned),
                );
                // Both follow the plan's policy, and it changed: that is one plan-level change.
                // (With the same plan policy, `previous` can still reach another phase.)
                let plan_policy_changed = pair.old.on_fail_inherited
                    && pair.new.on_fail_inherited
                    && old.on_fail_text != new.on_fail_text;
                if p_old != p_new && !plan_policy_changed {
                    let lost = pair.old.on_fail.rollback_target().is_some()
                        && pair.new.on_fail.rollback_target().is_none();
                    out.push(change(
                        pair.scope.clone(),
                        ChangeKind::FailurePolicy,
                        "on_fail",
                        Some(p_old),
                        Some(p_new),
                        lost.then(|| "no rollback on failure".to_owned()),
                        lost.then_some(Risk::RollbackRemoved),
                    ));
                }
                for (what, a, b) in [
                    ("activity", &pair.old.activities, &pair.new.activities),
                    ("check", &pair.old.checks, &pair.new.checks),
                    (
                        "notify before",
                        &pair.old.notify_before,
                        &pair.new.notify_before,
                    ),
                    (
                        "notify after",
                        &pair.old.notify_after,
                        &pair.new.notify_after,
                    ),
                ] {
                    items(&pair.scope, what, a, b, out);
                }
            }
        }
    }
}

pub(super) struct PhasePair<'a> {
    pub(super) old: &'a Phase,
    pub(super) new: &'a Phase,
    /// Positions in the old and the new plan.
    pub(super) o: usize,
    pub(super) n: usize,
    pub(super) scope: Scope,
}

pub(super) fn change(
    scope: Scope,
    kind: ChangeKind,
    subject: impl Into<String>,
    old: Option<String>,
    new: Option<String>,
    note: Option<String>,
    risk: Option<Risk>,
) -> Change {
    Change {
        scope,
        kind,
        subject: subject.into(),
        old,
        new,
        note,
        risk,
    }
}

fn added(sides: &Sides<'_>, n: usize, out: &mut Vec<Change>) {
    let new = sides.new;
    let phase = &new.phases[n];
    let sets: Vec<String> = phase
        .assignments
        .iter()
        .map(|a| {
            format!(
                "{} = {}",
                new.flag(a.flag).name,
                text::own_assignment(new, phase, a.flag).unwrap_or_default()
            )
        })
        .collect();
    let mut note = format!("duration {}", phase.duration);
    if let Some(w) = sides.timeline_new.phases.get(n) {
        let _ = write!(note, ", starts {}", w.start);
    }
    if !sets.is_empty() {
        let _ = write!(note, "; sets {}", sets.join(", "));
    }
    out.push(change(
        Scope::Phase(phase.id.clone()),
        ChangeKind::PhaseAdded,
        "phase",
        None,
        Some(phase.title.clone()),
        Some(note),
        None,
    ));
}

fn identity(pair: &PhasePair<'_>, how: How, moved: bool, count: usize, out: &mut Vec<Change>) {
    if how != How::Id {
        out.push(change(
            pair.scope.clone(),
            ChangeKind::PhaseRenamed,
            "id",
            Some(pair.old.id.clone()),
            Some(pair.new.id.clone()),
            Some(
                match how {
                    How::Content => "same content",
                    _ => "same title",
                }
                .to_owned(),
            ),
            None,
        ));
    }
    if moved {
        out.push(change(
            pair.scope.clone(),
            ChangeKind::PhaseMoved,
            "position",
            Some((pair.o + 1).to_string()),
            Some((pair.n + 1).to_string()),
            Some(format!("of {count}")),
            None,
        ));
    }
    if pair.old.title != pair.new.title {
        out.push(change(
            pair.scope.clone(),
            ChangeKind::PhaseTitle,
            "title",
            Some(pair.old.title.clone()),
            Some(pair.new.title.clone()),
            None,
            None,
        ));
    }
}

fn timing(sides: &Sides<'_>, pair: &PhasePair<'_>, out: &mut Vec<Change>) {
    let (before, after) = (pair.old.duration, pair.new.duration);
    if before != after {
        let shorter = is_shorter(before, after);
        let note = match (before.planned(), after.planned()) {
            (Some(x), Some(y)) if x != y => {
                let by = text::length(x.0.abs_diff(y.0));
                Some(if y < x {
                    format!("{by} shorter")
                } else {
                    format!("{by} longer")
                })
            }
            (None, Some(_)) => Some("no longer indefinite".to_owned()),
            (Some(_), None) => Some("now indefinite".to_owned()),
            _ => None,
        };
        out.push(change(
            pair.scope.clone(),
            ChangeKind::Duration,
            "duration",
            Some(before.to_string()),
            Some(after.to_string()),
            note,
            shorter.then_some(Risk::ShorterPhase),
        ));
    }
    let old_window = sides.timeline_old.phases.get(pair.o);
    let new_window = sides.timeline_new.phases.get(pair.n);
    if let (Some(x), Some(y)) = (old_window, new_window) {
        if x.start != y.start {
            out.push(change(
                pair.scope.clone(),
                ChangeKind::StartShift,
                "planned start",
                Some(x.start.to_string()),
                Some(y.start.to_string()),
                Some(text::shift(y.start.minutes_since(x.start))),
                None,
            ));
        }
    }
}

/// Whether `new` gives less time than `old`: a shorter planned length, or (for ranges with the
/// same planned length) a shorter minimum. Indefinite is longer than anything.
fn is_shorter(old: PhaseDuration, new: PhaseDuration) -> bool {
    let min = |d: PhaseDuration| match d {
        PhaseDuration::Indefinite => None,
        PhaseDuration::Fixed(h) | PhaseDuration::Range { min: h, .. } => Some(h),
    };
    match (old.planned(), new.planned()) {
        (None, Some(_)) => true,
        (Some(_) | None, None) => false,
        (Some(a), Some(b)) => b < a || (b == a && min(new) < min(old)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorter_means_less_planned_time() {
        use crate::model::Minutes;
        let fixed = |d: u64| PhaseDuration::Fixed(Minutes(24 * 60 * d));
        assert!(is_shorter(fixed(7), fixed(3)));
        assert!(!is_shorter(fixed(3), fixed(7)));
        assert!(is_shorter(PhaseDuration::Indefinite, fixed(3)));
        assert!(!is_shorter(fixed(3), PhaseDuration::Indefinite));
    }
}
