//! Invariants in every reachable state. A violation is reported once, at the first node where
//! it appears: a node is only checked against the invariants that read a flag its phase changed,
//! so the check touches each (phase, invariant) pair once and stays linear in the plan's size.

use std::collections::{BTreeMap, HashSet};

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::context::{Context, MAX_CONTEXTS, classes};
use super::graph::{EdgeKind, Node, StateGraph};
use super::units::{MAX_BUCKETINGS, MAX_CLASSES, Share, TooManyClasses, UnitClass};
use super::units::{failing_class, unit_classes};
use crate::diagnostic::problem::{AnalysisProblem, Blame, Buckets, Checked};
use crate::diagnostic::{Diagnostic, Problem};
use crate::model::{AttributeId, FlagId, FlagState, Invariant, PhaseId, Plan, Setting, Value};

/// For each flag, the invariants that read it.
pub(crate) fn invariants_by_flag(plan: &Plan) -> Vec<Vec<usize>> {
    let mut by_flag = vec![Vec::new(); plan.flags.len()];
    for (i, inv) in plan.invariants.iter().enumerate() {
        for f in &inv.flags {
            by_flag[f.0].push(i);
        }
    }
    by_flag
}

/// Checks every node and reports each invariant a reachable state breaks.
pub(super) fn check(
    plan: &Plan,
    sg: &StateGraph,
    by_flag: &[Vec<usize>],
    out: &mut Vec<Diagnostic>,
) {
    let mut reported: HashSet<(usize, Option<usize>)> = HashSet::new();
    for node in sg.graph.node_indices() {
        let state = sg.state(plan, node);
        let candidates: Vec<usize> = match sg.graph[node] {
            Node::Start => (0..plan.invariants.len()).collect(),
            Node::Done => continue,
            Node::Phase { .. } => {
                // Only invariants over flags that differ from some predecessor's state.
                let mut set: Vec<usize> = sg
                    .graph
                    .edges_directed(node, Direction::Incoming)
                    .filter(|e| *e.weight() == EdgeKind::Advance)
                    .flat_map(|e| sg.state(plan, e.source()).changed_flags(state))
                    .flat_map(|f| by_flag[f.0].iter().copied())
                    .collect();
                set.sort_unstable();
                set.dedup();
                set
            }
        };
        for i in candidates {
            let inv = &plan.invariants[i];
            let phase = match sg.graph[node] {
                Node::Phase { phase, .. } => Some(phase.0),
                _ => None,
            };
            let found = match unit_classes(&inv.flags, [state]) {
                Ok(units) => failing_class(&inv.formula, state, &units),
                Err(too_many) => {
                    if reported.insert((i, phase)) {
                        out.push(too_many_classes(plan, sg, node, inv, &too_many));
                    }
                    continue;
                }
            };
            let Some((unit, share)) = found else {
                continue;
            };
            if reported.insert((i, phase)) {
                out.push(violation(plan, sg, node, inv, state, &unit, share));
            }
        }
    }
}

/// Too many classes of units to decide an invariant in a state: said, never guessed.
fn too_many_classes(
    plan: &Plan,
    sg: &StateGraph,
    node: NodeIndex,
    inv: &Invariant,
    too_many: &TooManyClasses,
) -> Diagnostic {
    let checked = Checked::In(sg.describe(plan, node));
    cannot_check(plan, sg, node, inv, checked, too_many)
}

/// Too many classes of units to judge a transition on an invariant, where neither end alone
/// had too many.
pub(super) fn too_many_classes_in_transition(
    plan: &Plan,
    sg: &StateGraph,
    (from, to): (NodeIndex, NodeIndex),
    invariant: usize,
    too_many: &TooManyClasses,
) -> Diagnostic {
    let checked = Checked::Between(sg.describe(plan, from), sg.describe(plan, to));
    cannot_check(plan, sg, to, &plan.invariants[invariant], checked, too_many)
}

/// At most this many attribute declarations are pointed at when conditions split the contexts
/// into too many classes: the ones that split them most.
const ATTRIBUTES_SHOWN: usize = 3;

/// `invariant … cannot be checked` in a state or between two, pointing at `node`'s phase, or at the `set` whose
/// conditions split the contexts and the attributes they split them by.
fn cannot_check(
    plan: &Plan,
    sg: &StateGraph,
    node: NodeIndex,
    inv: &Invariant,
    checked: Checked,
    too_many: &TooManyClasses,
) -> Diagnostic {
    let phase = match sg.graph[node] {
        Node::Phase { phase, .. } => Some(phase),
        _ => None,
    };
    let here = phase.map_or(inv.span, |p| plan.phase(p).span);
    match too_many {
        TooManyClasses::Units {
            bucketings,
            classes,
        } => AnalysisProblem::TooManyUnitClasses {
            invariant: inv.name.clone(),
            checked,
            classes: Some(*classes).filter(|&n| n != usize::MAX),
            bucketings: *bucketings,
            formula: inv.formula_span,
            max_classes: MAX_CLASSES,
            max_bucketings: MAX_BUCKETINGS,
        }
        .at(here),
        TooManyClasses::Contexts(contexts) => {
            let set = phase.and_then(|p| scoped_set(plan, inv, p));
            let mut attributes = contexts.attributes.clone();
            attributes.sort_by_key(|&(a, n)| (std::cmp::Reverse(n), a));
            let splitting = attributes
                .into_iter()
                .take(ATTRIBUTES_SHOWN)
                .map(|(attribute, n)| {
                    let a = plan.attribute(attribute);
                    (a.span, a.name.clone(), n)
                })
                .collect();
            AnalysisProblem::TooManyContextClasses {
                invariant: inv.name.clone(),
                checked,
                classes: contexts.classes,
                attributes: contexts.attributes.len(),
                at_set: set.is_some(),
                formula: inv.formula_span,
                splitting,
                max_contexts: MAX_CONTEXTS,
            }
            .at(set.unwrap_or(here))
        }
    }
}

/// The `set` that last gave one of the invariant's flags a scoped value, at or before `phase`.
fn scoped_set(plan: &Plan, inv: &Invariant, phase: PhaseId) -> Option<crate::source::Span> {
    plan.phases[..=phase.0].iter().rev().find_map(|p| {
        inv.flags
            .iter()
            .filter_map(|f| p.assignment_of(*f))
            .find(|a| matches!(*a.setting, Setting::Scoped { .. }))
            .map(|a| a.span)
    })
}

fn violation(
    plan: &Plan,
    sg: &StateGraph,
    node: NodeIndex,
    inv: &Invariant,
    state: &FlagState,
    context: &UnitClass,
    share: Share,
) -> Diagnostic {
    // A formula over no flag is false in every state: say so, not "broken at the start".
    if inv.flags.is_empty() && !matches!(sg.graph[node], Node::Phase { .. }) {
        return AnalysisProblem::InvariantAlwaysFalse {
            invariant: inv.name.clone(),
            declared: inv.span,
        }
        .at(inv.formula_span);
    }
    let values =
        describe_values(plan, &inv.flags, state, context) + &context.bucket_qualifier(plan);
    // The same classes `unit_classes` enumerated for this state, so within the bound.
    let all = classes(&inv.flags, [state]).unwrap_or_default();
    let when = describe_class(plan, &context.context, &all);
    let share = (!context.buckets.is_empty()).then(|| share.to_string());
    let (blame, span) = match sg.graph[node] {
        Node::Phase { phase, .. } => {
            // Point at the `set` to blame: one whose value alone breaks the invariant (another
            // value of that flag would make it hold); else one that changed a flag it reads.
            let p = plan.phase(phase);
            let before = match phase.0.checked_sub(1) {
                Some(q) => &plan.phases[q].planned,
                None => &plan.initial,
            };
            let assigned: Vec<&crate::model::Assignment> = inv
                .flags
                .iter()
                .filter_map(|f| p.assignment_of(*f))
                .collect();
            let set = assigned
                .iter()
                .find(|a| is_to_blame(plan, inv, state, context, a.flag, before))
                .or_else(|| {
                    assigned
                        .iter()
                        .find(|a| before.get(a.flag) != state.get(a.flag))
                })
                .or_else(|| assigned.first())
                .copied();
            match set {
                Some(a) => (Blame::Set, a.span),
                None => (Blame::Phase, p.span),
            }
        }
        _ => (
            Blame::Declaration,
            inv.flags.first().map_or(inv.span, |f| plan.flag(*f).span),
        ),
    };
    // A variant that leaves optional values out: show the `set`s it leaves out.
    let mut optional = Vec::new();
    if let Node::Phase { phase, variant } = sg.graph[node] {
        for (p, f) in &plan.phase(phase).variants[variant].skipped {
            if let Some(a) = plan.phase(*p).assignment_of(*f) {
                optional.push((a.span, plan.flag(*f).name.clone()));
            }
        }
    }
    AnalysisProblem::InvariantViolated {
        invariant: inv.name.clone(),
        place: (!matches!(sg.graph[node], Node::Start)).then(|| sg.describe(plan, node)),
        share,
        when,
        values,
        blame,
        buckets: match context.buckets.len() {
            0 => Buckets::None,
            1 => Buckets::One,
            _ => Buckets::Several,
        },
        formula: inv.formula_span,
        optional,
    }
    .at(span)
}

/// The contexts of a class, among all the classes: `region == "eu"`, and for the values no
/// condition names `region != "eu"` or `region not in ["eu", "us"]` (a share printed without
/// them would read as a share of every unit). `None` when there is one class: every context.
fn describe_class(plan: &Plan, class: &Context, all: &[Context]) -> Option<String> {
    let mut named: BTreeMap<AttributeId, Vec<&Value>> = BTreeMap::new();
    for (attribute, value) in all.iter().flat_map(|c| &c.0) {
        let values = named.entry(*attribute).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }
    if named.is_empty() {
        return None;
    }
    let parts: Vec<String> = named
        .iter()
        .map(|(&attribute, values)| {
            let name = &plan.attribute(attribute).name;
            match (class.get(attribute), values.as_slice()) {
                (Some(v), _) => format!("{name} == {v}"),
                (None, [only]) => format!("{name} != {only}"),
                (None, values) => {
                    let list: Vec<String> = values.iter().map(ToString::to_string).collect();
                    format!("{name} not in [{}]", list.join(", "))
                }
            }
        })
        .collect();
    Some(parts.join(" && "))
}

/// How to fix a violation: nest the shares when units of different buckets break it.
/// Whether giving `flag` another value (the opposite for a bool; its value before the phase or
/// before the rollout otherwise) would make the invariant hold in `context`.
fn is_to_blame(
    plan: &Plan,
    inv: &Invariant,
    state: &FlagState,
    context: &UnitClass,
    flag: FlagId,
    before: &FlagState,
) -> bool {
    let current = context.value(state, flag);
    let alternatives = match current {
        crate::model::Value::Bool(b) => vec![crate::model::Value::Bool(!b)],
        _ => vec![context.value(before, flag), plan.flag(flag).initial.clone()],
    };
    alternatives.into_iter().filter(|v| *v != current).any(|v| {
        inv.formula.eval(&|f| {
            if f == flag {
                v.clone()
            } else {
                context.value(state, f)
            }
        })
    })
}

/// `entity.enabled = false, entity.handler_enabled = true`.
pub(super) fn describe_values(
    plan: &Plan,
    flags: &[FlagId],
    state: &FlagState,
    context: &UnitClass,
) -> String {
    flags
        .iter()
        .map(|f| {
            let setting = state.get(*f);
            let value = context.value(state, *f);
            let scoped = if matches!(setting, Setting::Scoped { .. }) && context.buckets.is_empty()
            {
                " (scoped)"
            } else {
                ""
            };
            format!("`{} = {value}`{scoped}", plan.flag(*f).name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
