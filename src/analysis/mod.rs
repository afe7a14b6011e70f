//! Analysis of a resolved plan: builds the [`StateGraph`] and proves what `check` promises.
//!
//! - every phase is reachable from the start, and the end from every phase (no trap);
//! - advance edges are acyclic; rollback targets lie earlier in the plan;
//! - every reachable flag state satisfies every invariant in every context;
//! - every transition can be carried out one flag change at a time (see [`ordering`]).
//!
//! It reads the model and never changes it; its diagnostics join the resolver's.

pub mod context;
pub mod graph;
mod invariants;
mod lints;
pub mod ordering;

use std::collections::HashSet;

use petgraph::graph::NodeIndex;
use petgraph::visit::{Bfs, EdgeFiltered, Reversed};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Plan, RollbackTarget};
pub use graph::{EdgeKind, Node, StateGraph};
pub use ordering::{FlipPlan, Transition};

#[derive(Debug)]
pub struct Analysis {
    pub graph: StateGraph,
    /// Every advance and rollback edge that changes at least one flag, with its flip order.
    pub transitions: Vec<Transition>,
    /// Advance edges form no cycle (proved with a topological sort).
    pub advance_acyclic: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// Transitions with a safe one-flag-at-a-time order.
    pub fn safe_transitions(&self) -> usize {
        self.transitions
            .iter()
            .filter(|t| matches!(t.plan, FlipPlan::Safe(_)))
            .count()
    }
}

pub fn analyse(plan: &Plan) -> Analysis {
    let sg = StateGraph::build(plan);
    let mut diagnostics = Vec::new();

    let advance_only = EdgeFiltered::from_fn(&sg.graph, |e| *e.weight() == EdgeKind::Advance);
    let advance_acyclic = petgraph::algo::toposort(&advance_only, None).is_ok();
    reachability(plan, &sg, &mut diagnostics);
    rollback_targets(plan, &mut diagnostics);

    let by_flag = invariants::invariants_by_flag(plan);
    let broken = invariants::check(plan, &sg, &by_flag, &mut diagnostics);

    let mut transitions = Vec::new();
    for edge in sg.graph.edge_indices() {
        let kind = sg.graph[edge];
        let (from, to) = sg.graph.edge_endpoints(edge).expect("edge exists");
        if kind == EdgeKind::Extend || from == to || to == sg.done {
            continue;
        }
        let (from_state, to_state) = (sg.state(plan, from), sg.state(plan, to));
        if from_state == to_state {
            continue;
        }
        // A transition touching a broken state has been reported already.
        if broken.contains(&from) || broken.contains(&to) {
            continue;
        }
        let flips = ordering::order(plan, &by_flag, from_state, to_state);
        if let FlipPlan::Blocked {
            done,
            next,
            invariant,
            context,
        } = &flips
        {
            diagnostics.push(blocked(
                plan, &sg, from, to, kind, done, *next, *invariant, context,
            ));
        }
        transitions.push(Transition {
            from,
            to,
            kind,
            plan: flips,
        });
    }
    lints::check(plan, &mut diagnostics);
    Analysis {
        graph: sg,
        transitions,
        advance_acyclic,
        diagnostics,
    }
}

fn reachability(plan: &Plan, sg: &StateGraph, out: &mut Vec<Diagnostic>) {
    let forward: HashSet<NodeIndex> = {
        let filtered = EdgeFiltered::from_fn(&sg.graph, |e| *e.weight() != EdgeKind::Rollback);
        let mut bfs = Bfs::new(&filtered, sg.start);
        std::iter::from_fn(|| bfs.next(&filtered)).collect()
    };
    let backward: HashSet<NodeIndex> = {
        let reversed = Reversed(&sg.graph);
        let mut bfs = Bfs::new(reversed, sg.done);
        std::iter::from_fn(|| bfs.next(reversed)).collect()
    };
    for (p, nodes) in sg.phase_nodes.iter().enumerate() {
        let phase = &plan.phases[p];
        if nodes.iter().all(|n| !forward.contains(n)) {
            out.push(
                Diagnostic::new(
                    Code::UnreachablePhase,
                    format!("phase `{}` cannot be reached from the start", phase.id),
                    phase.span,
                    "unreachable",
                )
                .help("check the phases before it: each must be able to advance to the next"),
            );
        }
        if nodes.iter().any(|n| !backward.contains(n)) {
            out.push(
                Diagnostic::new(
                    Code::TrapPhase,
                    format!(
                        "the end of the rollout cannot be reached from phase `{}`",
                        phase.id
                    ),
                    phase.span,
                    "no way out",
                )
                .help("give the phase a duration and gates that can pass, so it can advance"),
            );
        }
    }
}

fn rollback_targets(plan: &Plan, out: &mut Vec<Diagnostic>) {
    for (i, phase) in plan.phases.iter().enumerate() {
        if let Some(RollbackTarget::Phase(t)) = phase.on_fail.rollback_target() {
            if t.0 >= i {
                let span = phase.on_fail_span.unwrap_or(phase.span);
                let relation = if t.0 == i { "itself" } else { "a later phase" };
                out.push(
                    Diagnostic::new(
                        Code::RollbackNotEarlier,
                        format!(
                            "phase `{}` rolls back to `{}`, which is {relation}",
                            phase.id,
                            plan.phase(t).id
                        ),
                        span,
                        "rollback target is not earlier",
                    )
                    .related(
                        plan.phase(t).span,
                        format!("`{}` is declared here", plan.phase(t).id),
                    )
                    .help("roll back to `previous`, `start`, or a phase declared before this one"),
                );
            }
        }
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one diagnostic needs every part of the blocked search"
)]
fn blocked(
    plan: &Plan,
    sg: &StateGraph,
    from: NodeIndex,
    to: NodeIndex,
    kind: EdgeKind,
    done: &[crate::model::FlagId],
    next: crate::model::FlagId,
    invariant: usize,
    context: &context::Context,
) -> Diagnostic {
    let inv = &plan.invariants[invariant];
    let (from_state, to_state) = (sg.state(plan, from), sg.state(plan, to));
    let mut intermediate = from_state.clone();
    for f in done.iter().chain([&next]) {
        intermediate.set(*f, to_state.get(*f).clone());
    }
    let values = invariants::describe_values(plan, &inv.flags, &intermediate, context);
    let after = if done.is_empty() {
        "as the first change".to_owned()
    } else {
        format!(
            "after {}",
            done.iter()
                .map(|f| format!("`{}`", plan.flag(*f).name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let verb = if kind == EdgeKind::Rollback {
        "roll back"
    } else {
        "advance"
    };
    let message = format!(
        "cannot {verb} from {} to {} one flag at a time without breaking invariant `{}`",
        sg.describe(plan, from),
        sg.describe(plan, to),
        inv.name
    );
    // Point at the `set` that makes the blocked change (advance), or the `on_fail` (rollback).
    let primary = match (kind, sg.graph[to], sg.graph[from]) {
        (EdgeKind::Advance, Node::Phase { phase, .. }, _) => {
            plan.phase(phase).assignment_of(next).map(|a| a.span)
        }
        (EdgeKind::Rollback, _, Node::Phase { phase, .. }) => plan
            .phase(phase)
            .on_fail_span
            .or(Some(plan.phase(phase).span)),
        _ => None,
    }
    .unwrap_or(inv.span);
    Diagnostic::new(
        Code::UnsafeTransition,
        message,
        primary,
        format!("changing `{}` {after} gives {values}", plan.flag(next).name),
    )
    .related(inv.formula_span, format!("`{}` blocks every order", inv.name))
    .help("add a phase in between that changes some of these flags first, or make the invariant allow the intermediate state")
}
