//! One flag at a time. Production flips flags one by one, never atomically, so a transition
//! between two valid states can still pass through an invalid one. For every advance and
//! rollback edge this module finds an order of single-flag changes whose every intermediate
//! state satisfies the invariants, or proves that none exists and says what blocks it.
//!
//! A transition is judged only on the invariants that hold at both of its ends (in each class of
//! contexts): a state that already breaks an invariant is reported as such, and an invariant the
//! transition restores or breaks on arrival says nothing about the order of its flips. So a
//! one-flag change is never unsafe, and a transition out of or into a broken state is still
//! searched on the rest.
//!
//! Only invariants that read a changed flag matter, and changed flags that share no invariant
//! are independent, so the search runs per connected component of changed flags: a breadth-first
//! search over the subsets of the component already flipped. A greedy order (the first flip
//! that keeps every invariant, each time) is tried first: one that reaches the target proves
//! the transition safe and is the order the search would give, and one stuck at its first flip
//! proves it blocked (every order starts with one of those flips). Stuck later, it proves
//! nothing, and the exact search decides, bounded: on components of at most
//! [`MAX_EXACT_COMPONENT`] flags, exploring at most [`SEARCH_BUDGET`] states. Past either bound
//! the transition is reported as unproven rather than unsafe.

use std::collections::{HashMap, VecDeque};

use petgraph::graph::NodeIndex;

use super::context::Context;
use super::graph::EdgeKind;
use super::units::{UnitClass, unit_classes};
use crate::model::{FlagId, FlagState, Formula, Plan};

/// Components larger than this are searched greedily only: 2^20 subsets is the most we visit.
pub const MAX_EXACT_COMPONENT: usize = 20;

/// States the exact search explores for one component: every subset of a component of 16
/// flags, so those are always searched exactly. Without a bound, a 20-flag component with
/// optional values took minutes.
pub const SEARCH_BUDGET: usize = 1 << 16;

/// States the exact searches of one analysis explore together, so that many hard transitions
/// (one per variant of a phase with optional values) stay bounded too.
pub const TOTAL_SEARCH_BUDGET: usize = 1 << 18;

/// A transition of the state graph and how to carry it out.
#[derive(Debug, Clone)]
pub struct Transition {
    pub from: NodeIndex,
    pub to: NodeIndex,
    pub kind: EdgeKind,
    pub plan: FlipPlan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlipPlan {
    /// Flip the flags in this order; every intermediate state is valid.
    Safe(Vec<FlagId>),
    /// After flipping `done` (in this order), flipping `next` breaks `invariant` (an index into
    /// [`Plan::invariants`]), and so does every other next flip. When `proven`, no safe order
    /// exists; otherwise the search ran out of its budget and the greedy order it fell back on
    /// got stuck there, so an order may exist that it did not find.
    Blocked {
        done: Vec<FlagId>,
        next: FlagId,
        invariant: usize,
        /// The units for which that flip breaks it.
        context: UnitClass,
        proven: bool,
    },
}

struct Checker<'a> {
    from: &'a FlagState,
    to: &'a FlagState,
    flags: Vec<FlagId>,
    /// Position of each flag of the component in `flags`.
    position: HashMap<FlagId, usize>,
    invariants: Vec<(&'a Formula, usize, Vec<UnitClass>)>,
}

impl Checker<'_> {
    /// The first invariant broken by the state with the component's flags in `mask` flipped.
    fn broken(&self, mask: u64) -> Option<(usize, &UnitClass)> {
        self.broken_by(&|bit| mask & (1 << bit) != 0)
    }

    /// The first invariant broken when exactly the flags at the positions `flipped` accepts
    /// have their new value.
    fn broken_by(&self, flipped: &dyn Fn(usize) -> bool) -> Option<(usize, &UnitClass)> {
        let value_of = |f: FlagId| {
            let is_flipped = self.position.get(&f).is_some_and(|&bit| flipped(bit));
            if is_flipped {
                self.to.get(f)
            } else {
                self.from.get(f)
            }
        };
        for (formula, index, units) in &self.invariants {
            for unit in units {
                let ok = formula
                    .eval(&|f| value_of(f).value_for(&|a| unit.attribute(a), &|b| unit.bucket(b)));
                if !ok {
                    return Some((*index, unit));
                }
            }
        }
        None
    }
}

/// Finds a safe order for the transition `from → to`. `budget` is what is left of
/// [`TOTAL_SEARCH_BUDGET`]; the states the exact search explores are taken from it.
pub fn order(
    plan: &Plan,
    by_flag: &[Vec<usize>],
    from: &FlagState,
    to: &FlagState,
    budget: &mut usize,
) -> FlipPlan {
    let changed = from.changed_flags(to);
    let mut order = Vec::with_capacity(changed.len());
    for component in components(&changed, by_flag, plan) {
        // A flag no invariant reads can flip at any point: no search needed.
        if let [flag] = component[..] {
            if by_flag[flag.0].is_empty() {
                order.push(flag);
                continue;
            }
        }
        let mut invariant_ids: Vec<usize> = component
            .iter()
            .flat_map(|f| by_flag[f.0].iter().copied())
            .collect();
        invariant_ids.sort_unstable();
        invariant_ids.dedup();
        let mut invariants = Vec::with_capacity(invariant_ids.len());
        for &i in &invariant_ids {
            let inv = &plan.invariants[i];
            match judged_classes(&inv.formula, &inv.flags, from, to) {
                Ok(units) if units.is_empty() => {}
                Ok(units) => invariants.push((&inv.formula, i, units)),
                // Too many classes of units to judge: the transition is not proven either
                // way (the states' own check reports the classes).
                Err(_) => {
                    let mut done = order;
                    done.extend(component.iter().skip(1));
                    return FlipPlan::Blocked {
                        done,
                        next: component[0],
                        invariant: i,
                        context: UnitClass::whole(Context::default()),
                        proven: false,
                    };
                }
            }
        }
        let checker = Checker {
            from,
            to,
            invariants,
            position: component.iter().enumerate().map(|(i, f)| (*f, i)).collect(),
            flags: component,
        };
        // Greedy first: when it reaches the target, its order is the one the breadth-first
        // search would return (the first state found at each depth extends the first one found
        // at the depth before by its lowest safe flip), at a fraction of the cost.
        let greedy_plan = greedy(&checker);
        let result = match greedy_plan {
            FlipPlan::Safe(_) | FlipPlan::Blocked { proven: true, .. } => greedy_plan,
            FlipPlan::Blocked { .. } => (checker.flags.len() <= MAX_EXACT_COMPONENT)
                .then(|| search(&checker, SEARCH_BUDGET.min(*budget), budget))
                .flatten()
                .unwrap_or(greedy_plan),
        };
        match result {
            FlipPlan::Safe(part) => order.extend(part),
            FlipPlan::Blocked {
                mut done,
                next,
                invariant,
                context,
                proven,
            } => {
                // Report the blocked component after the flips the others could make first.
                let mut all = order;
                all.append(&mut done);
                return FlipPlan::Blocked {
                    done: all,
                    next,
                    invariant,
                    context,
                    proven,
                };
            }
        }
    }
    FlipPlan::Safe(order)
}

/// The classes of units for which a transition `from → to` is judged on an invariant: those
/// for which it holds at both ends.
pub(super) fn judged_classes(
    formula: &Formula,
    flags: &[FlagId],
    from: &FlagState,
    to: &FlagState,
) -> Result<Vec<UnitClass>, super::units::TooManyClasses> {
    Ok(unit_classes(flags, [from, to])?
        .into_iter()
        .filter(|c| c.holds(formula, from) && c.holds(formula, to))
        .collect())
}

/// Groups changed flags that share an invariant (union-find over the invariants' flags).
fn components(changed: &[FlagId], by_flag: &[Vec<usize>], plan: &Plan) -> Vec<Vec<FlagId>> {
    // Position of each changed flag in `changed`, by flag id (a vector: cheaper than hashing).
    let mut index: Vec<Option<usize>> = vec![None; by_flag.len()];
    for (i, f) in changed.iter().enumerate() {
        index[f.0] = Some(i);
    }
    let mut parent: Vec<usize> = (0..changed.len()).collect();
    let mut seen_invariants = std::collections::HashSet::new();
    for f in changed {
        for &inv in &by_flag[f.0] {
            if !seen_invariants.insert(inv) {
                continue;
            }
            let members: Vec<usize> = plan.invariants[inv]
                .flags
                .iter()
                .filter_map(|g| index[g.0])
                .collect();
            for pair in members.windows(2) {
                let (a, b) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
                parent[a] = b;
            }
        }
    }
    let mut groups: Vec<Vec<FlagId>> = Vec::new();
    // Group of each root, by position in `changed`.
    let mut group_of: Vec<Option<usize>> = vec![None; changed.len()];
    for (i, f) in changed.iter().enumerate() {
        let r = root(&mut parent, i);
        let g = *group_of[r].get_or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(*f);
    }
    groups
}

/// The representative of `i`'s group, halving paths on the way.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Breadth-first search from "nothing flipped" to "all flipped" through valid states: the
/// shortest path is found first, and ties go to the flag declared first, so the order is
/// deterministic. `None` once more than `budget` states have been explored; every state
/// explored is taken from `total`.
fn search(checker: &Checker<'_>, budget: usize, total: &mut usize) -> Option<FlipPlan> {
    let k = checker.flags.len();
    let full: u64 = if k == 64 { u64::MAX } else { (1u64 << k) - 1 };
    let mut came_from: HashMap<u64, (u64, usize)> = HashMap::new();
    let mut queue = VecDeque::from([0u64]);
    came_from.insert(0, (0, usize::MAX));
    let mut deepest = 0u64;
    let mut explored = 0usize;
    while let Some(mask) = queue.pop_front() {
        if explored == budget {
            return None;
        }
        explored += 1;
        *total -= 1;
        if mask == full {
            let mut order = Vec::with_capacity(k);
            let mut m = mask;
            while m != 0 {
                let (prev, bit) = came_from[&m];
                order.push(checker.flags[bit]);
                m = prev;
            }
            order.reverse();
            return Some(FlipPlan::Safe(order));
        }
        if mask.count_ones() > deepest.count_ones() {
            deepest = mask;
        }
        for bit in 0..k {
            let next = mask | (1 << bit);
            if next == mask || came_from.contains_key(&next) {
                continue;
            }
            if checker.broken(next).is_none() {
                came_from.insert(next, (mask, bit));
                queue.push_back(next);
            }
        }
    }
    Some(blocked(checker, deepest, |m| {
        let mut order = Vec::new();
        let mut m = m;
        while m != 0 {
            let (prev, bit) = came_from[&m];
            order.push(checker.flags[bit]);
            m = prev;
        }
        order.reverse();
        order
    }))
}

/// Flips, one at a time, the first flag whose flip keeps every invariant; for components too
/// large to search exactly. May miss an order that exists; then it reports the block it met,
/// proven only when it met it at the first flip.
fn greedy(checker: &Checker<'_>) -> FlipPlan {
    let k = checker.flags.len();
    let mut flipped = vec![false; k];
    let mut order = Vec::with_capacity(k);
    'outer: while order.len() < k {
        for bit in 0..k {
            if flipped[bit] {
                continue;
            }
            flipped[bit] = true;
            if checker.broken_by(&|b| flipped[b]).is_none() {
                order.push(checker.flags[bit]);
                continue 'outer;
            }
            flipped[bit] = false;
        }
        let (next_bit, (invariant, context)) = (0..k)
            .filter(|&bit| !flipped[bit])
            .find_map(|bit| {
                checker
                    .broken_by(&|b| b == bit || flipped[b])
                    .map(|found| (bit, found))
            })
            .expect("every remaining flip broke an invariant");
        return FlipPlan::Blocked {
            proven: order.is_empty(),
            done: order,
            next: checker.flags[next_bit],
            invariant,
            context: context.clone(),
        };
    }
    FlipPlan::Safe(order)
}

fn blocked(checker: &Checker<'_>, mask: u64, path: impl FnOnce(u64) -> Vec<FlagId>) -> FlipPlan {
    let (next_bit, (invariant, context)) = (0..checker.flags.len())
        .filter(|bit| mask & (1 << bit) == 0)
        .find_map(|bit| checker.broken(mask | (1 << bit)).map(|b| (bit, b)))
        .expect("a blocked search has a next flip that breaks an invariant");
    FlipPlan::Blocked {
        done: path(mask),
        next: checker.flags[next_bit],
        invariant,
        context: context.clone(),
        proven: true,
    }
}
