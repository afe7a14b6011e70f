//! Which phase of the new plan continues which phase of the old: by id first, then (among the
//! phases left) by identical content, then by identical title. A matched phase has *moved* when
//! it is not on the longest run of matched phases that kept their relative order. Every step is
//! a hash-map look-up or an `O(n log n)` pass, so ten thousand phases match in milliseconds.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

use super::text;
use crate::model::{Phase, Plan};

/// How a new phase was matched to an old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    Id,
    /// Same content under another id: a rename.
    Content,
    /// Same title under another id, with other changes.
    Title,
}

#[derive(Debug)]
pub(crate) struct Matching {
    /// For each new phase, the old phase it continues and how it was found.
    pub(crate) new_to_old: Vec<Option<(usize, How)>>,
    /// For each old phase, the new phase that continues it.
    pub(crate) old_to_new: Vec<Option<usize>>,
    /// For each new phase: matched, and out of order relative to the other matched phases.
    pub(crate) moved: Vec<bool>,
}

pub(crate) fn match_phases(old: &Plan, new: &Plan) -> Matching {
    let mut new_to_old: Vec<Option<(usize, How)>> = vec![None; new.phases.len()];
    let mut old_to_new: Vec<Option<usize>> = vec![None; old.phases.len()];

    let by_id: HashMap<&str, usize> = old
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    for (n, phase) in new.phases.iter().enumerate() {
        if let Some(&o) = by_id.get(phase.id.as_str()) {
            new_to_old[n] = Some((o, How::Id));
            old_to_new[o] = Some(n);
        }
    }
    pair_by(
        old,
        new,
        &mut new_to_old,
        &mut old_to_new,
        How::Content,
        content,
    );
    pair_by(
        old,
        new,
        &mut new_to_old,
        &mut old_to_new,
        How::Title,
        |_, p| p.title.clone(),
    );

    let moved = moved(&new_to_old);
    Matching {
        new_to_old,
        old_to_new,
        moved,
    }
}

/// Pairs the phases still unmatched on both sides whose `key` is equal, first with first.
fn pair_by(
    old: &Plan,
    new: &Plan,
    new_to_old: &mut [Option<(usize, How)>],
    old_to_new: &mut [Option<usize>],
    how: How,
    key: impl Fn(&Plan, &Phase) -> String,
) {
    let mut left: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (o, phase) in old.phases.iter().enumerate() {
        if old_to_new[o].is_none() {
            left.entry(key(old, phase)).or_default().push_back(o);
        }
    }
    if left.is_empty() {
        return;
    }
    for (n, phase) in new.phases.iter().enumerate() {
        if new_to_old[n].is_some() {
            continue;
        }
        if let Some(o) = left.get_mut(&key(new, phase)).and_then(VecDeque::pop_front) {
            new_to_old[n] = Some((o, how));
            old_to_new[o] = Some(n);
        }
    }
}

/// Everything that makes a phase what it is, except its id.
fn content(plan: &Plan, p: &Phase) -> String {
    let mut out = format!("{}\u{0}{}\u{0}", p.title, p.duration);
    for a in &p.assignments {
        let _ = write!(
            out,
            "set {}={}\u{0}",
            plan.flag(a.flag).name,
            text::own_assignment(plan, p, a.flag).unwrap_or_default()
        );
    }
    for g in &p.gates {
        let _ = write!(
            out,
            "gate {} {} {} {}\u{0}",
            g.id,
            text::criterion(plan, g),
            g.pass_probability,
            text::inconclusive(g.on_inconclusive)
        );
    }
    let _ = write!(
        out,
        "{}\u{0}",
        text::policy(plan, p.on_fail, &str::to_owned)
    );
    for (tag, items) in [
        ("activity", &p.activities),
        ("check", &p.checks),
        ("before", &p.notify_before),
        ("after", &p.notify_after),
    ] {
        for item in items {
            let _ = write!(out, "{tag} {}\u{0}", item.text);
        }
    }
    out
}

/// Marks the matched new phases that are not on a longest increasing run of old positions.
fn moved(new_to_old: &[Option<(usize, How)>]) -> Vec<bool> {
    let matched: Vec<(usize, usize)> = new_to_old
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|(o, _)| (n, o)))
        .collect();
    // Patience sorting: `tails[k]` is the index (into `matched`) ending the best run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; matched.len()];
    for (i, &(_, o)) in matched.iter().enumerate() {
        let k = tails.partition_point(|&t| matched[t].1 < o);
        previous[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut moved = vec![false; new_to_old.len()];
    for &(n, _) in &matched {
        moved[n] = true;
    }
    let mut at = tails.last().copied();
    while let Some(i) = at {
        moved[matched[i].0] = false;
        at = previous[i];
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_phase_taken_out_of_order_moves() {
        // Old order a b c d; new order a c d b: only `b` moved.
        let m = [
            Some((0, How::Id)),
            Some((2, How::Id)),
            Some((3, How::Id)),
            Some((1, How::Id)),
        ];
        assert_eq!(moved(&m), vec![false, false, false, true]);
    }

    #[test]
    fn unmatched_phases_never_move() {
        let m = [Some((0, How::Id)), None, Some((1, How::Id))];
        assert_eq!(moved(&m), vec![false, false, false]);
    }
}
