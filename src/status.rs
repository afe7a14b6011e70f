//! Where a rollout stands and what the plan says to do now: a pure function of the compiled
//! plan, the rollout's [`Position`], the time and each gate's [`GateInput`]. No server is
//! involved: `rollplan status` fetches the verdicts (Prometheus) and the position (`--started`
//! today; the live flags of a flag system can supply the same [`Position`] later) and hands them
//! here. After an evaluation it applies [`crate::simulate::decide`], the rule the simulator
//! follows, so the simulator and the operator never disagree.
//!
//! - Before the phase's gates are due (its planned duration plus the extensions used), the
//!   action is `keep_running`, and an indefinite phase's gates are never due.
//! - When they are due: a failure extends (extension k of max) or rolls back; an inconclusive
//!   gate waits or extends by its rule; metric gates not evaluated, or manual gates not
//!   confirmed, keep the phase running and are named; otherwise the next phase starts.

use crate::Compiled;
use crate::analysis::{EdgeKind, FlipPlan, Node};
use crate::model::{
    FailurePolicy, FlagId, InconclusiveAction, Minutes, PhaseId, Plan, RollbackTarget,
};
use crate::simulate::decide::{Decision, Limits, Rule, Tally};
use crate::simulate::engine::Verdict;

/// Where the rollout stands: the phase running, since when, and the extensions it has used in
/// this visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub phase: PhaseId,
    /// Unix seconds.
    pub started: i64,
    pub extensions: u32,
}

/// What is known about one gate of the phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateInput {
    /// A metric gate's verdict.
    Judged(Verdict),
    /// A metric gate that was not evaluated (no Prometheus given, or not due).
    NotEvaluated,
    /// A manual gate, confirmed by a person or not.
    Manual { confirmed: bool },
}

/// One flag to flip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChange {
    pub flag: FlagId,
    /// The settings as a plan writes them.
    pub from: String,
    pub to: String,
}

/// Why the phase keeps running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// The gates are not due yet.
    NotDue,
    /// The phase is indefinite: it never ends.
    Indefinite,
    /// These metric gates (indices into the phase's gates) were not evaluated.
    NotEvaluated(Vec<usize>),
    /// These manual gates wait for a person.
    Unconfirmed(Vec<usize>),
}

/// What the plan says to do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    KeepRunning(Keep),
    /// Start the next phase (`None`: the last phase is done) with these changes, in the proven
    /// safe order.
    Advance {
        next: Option<PhaseId>,
        changes: Vec<FlagChange>,
    },
    /// Extend the phase by `by`. `number` counts the extensions of this visit with this one;
    /// an inconclusive gate's extension does not count against `max` (`counted: false`).
    Extend {
        number: u32,
        max: Option<u32>,
        by: Minutes,
        counted: bool,
    },
    /// Evaluate again after this long.
    Wait(Minutes),
    /// Roll back with these changes, in the proven safe order.
    Rollback {
        to: RollbackTarget,
        changes: Vec<FlagChange>,
    },
}

impl Action {
    /// The action's name in the JSON contract.
    pub fn word(&self) -> &'static str {
        match self {
            Action::KeepRunning(_) => "keep_running",
            Action::Advance { .. } => "advance",
            Action::Extend { .. } => "extend",
            Action::Wait(_) => "wait",
            Action::Rollback { .. } => "rollback",
        }
    }
}

/// The rollout's state and the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// When the gates are due (Unix seconds); `None` for an indefinite phase.
    pub due: Option<i64>,
    pub gates_due: bool,
    pub action: Action,
}

impl From<FailurePolicy> for Limits {
    fn from(policy: FailurePolicy) -> Limits {
        match policy {
            FailurePolicy::Extend { .. } => Limits {
                extends: true,
                max_extensions: None,
                rollback: None,
            },
            FailurePolicy::ExtendThenRollback { max, to, .. } => Limits {
                extends: true,
                max_extensions: Some(max),
                rollback: Some(to),
            },
            FailurePolicy::Rollback { to } => Limits {
                extends: false,
                max_extensions: Some(0),
                rollback: Some(to),
            },
        }
    }
}

/// The extension length of a policy; a plain `rollback` extends an inconclusive phase by a day,
/// as the simulator does.
pub fn extension_length(policy: FailurePolicy) -> Minutes {
    match policy {
        FailurePolicy::Extend { by } | FailurePolicy::ExtendThenRollback { by, .. } => by,
        FailurePolicy::Rollback { .. } => Minutes::DAY,
    }
}

/// When the phase's gates are due: its planned duration and the extensions used after its
/// start. `None` for an indefinite phase.
pub fn due(plan: &Plan, position: &Position) -> Option<i64> {
    let phase = plan.phase(position.phase);
    let planned = phase.duration.planned()?;
    let extended = extension_length(phase.on_fail).0 * u64::from(position.extensions);
    let seconds = (planned.0 + extended).saturating_mul(60);
    Some(
        position
            .started
            .saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX)),
    )
}

/// The decision. `gates[i]` is what is known about the phase's gate `i`.
pub fn decide(compiled: &Compiled, position: &Position, at: i64, gates: &[GateInput]) -> Status {
    let plan = &compiled.plan;
    let phase = plan.phase(position.phase);
    let due = due(plan, position);
    let gates_due = due.is_some_and(|d| at >= d);
    let keep = |why| Status {
        due,
        gates_due,
        action: Action::KeepRunning(why),
    };
    match due {
        None => return keep(Keep::Indefinite),
        Some(_) if !gates_due => return keep(Keep::NotDue),
        Some(_) => {}
    }
    let mut tally: Tally<Minutes> = Tally::default();
    let mut not_evaluated = Vec::new();
    let mut unconfirmed = Vec::new();
    for (i, (gate, input)) in phase.gates.iter().zip(gates).enumerate() {
        match *input {
            GateInput::Judged(verdict) => tally.add(verdict, rule(gate.on_inconclusive)),
            GateInput::NotEvaluated => not_evaluated.push(i),
            GateInput::Manual { confirmed: true } => {}
            GateInput::Manual { confirmed: false } => unconfirmed.push(i),
        }
    }
    let by = extension_length(phase.on_fail);
    let limits = Limits::from(phase.on_fail);
    let action = match tally.decide(limits, position.extensions) {
        Decision::Advance if !not_evaluated.is_empty() => {
            Action::KeepRunning(Keep::NotEvaluated(not_evaluated))
        }
        Decision::Advance if !unconfirmed.is_empty() => {
            Action::KeepRunning(Keep::Unconfirmed(unconfirmed))
        }
        Decision::Advance => {
            let next =
                (position.phase.0 + 1 < plan.phases.len()).then(|| PhaseId(position.phase.0 + 1));
            let changes =
                next.map_or_else(Vec::new, |n| advance_changes(compiled, position.phase, n));
            Action::Advance { next, changes }
        }
        Decision::Extend { used, max } => Action::Extend {
            number: used,
            max,
            by,
            counted: true,
        },
        Decision::ExtendInconclusive => Action::Extend {
            number: position.extensions,
            max: limits.max_extensions,
            by,
            counted: false,
        },
        Decision::Wait(hours) => Action::Wait(hours),
        Decision::RollBack(to) => Action::Rollback {
            to,
            changes: rollback_changes(compiled, position.phase, to),
        },
        // No policy a plan can state lands here; keeping the phase is the safe reading.
        Decision::Stuck => Action::KeepRunning(Keep::NotDue),
    };
    Status {
        due,
        gates_due,
        action,
    }
}

fn rule(action: InconclusiveAction) -> Rule<Minutes> {
    match action {
        InconclusiveAction::Wait(h) => Rule::Wait(h),
        InconclusiveAction::Extend => Rule::Extend,
        InconclusiveAction::Fail => Rule::Fail,
    }
}

/// The changes from the phase's planned state into the next phase's, in the proven order.
fn advance_changes(compiled: &Compiled, from: PhaseId, to: PhaseId) -> Vec<FlagChange> {
    let graph = &compiled.analysis.graph;
    let (a, b) = (graph.phase_nodes[from.0][0], graph.phase_nodes[to.0][0]);
    let order = safe_order(compiled, EdgeKind::Advance, a, |n| n == b);
    let plan = &compiled.plan;
    changes(
        plan,
        &plan.phase(from).planned,
        &plan.phase(to).planned,
        order,
    )
}

/// The changes from the phase's planned state back to the rollback target, in the proven order.
fn rollback_changes(compiled: &Compiled, from: PhaseId, to: RollbackTarget) -> Vec<FlagChange> {
    let plan = &compiled.plan;
    let graph = &compiled.analysis.graph;
    let wanted = plan.target_state(to);
    let order = safe_order(
        compiled,
        EdgeKind::Rollback,
        graph.phase_nodes[from.0][0],
        |n| {
            let right_node = match (graph.graph[n], to) {
                (Node::Start, RollbackTarget::Start) => true,
                (Node::Phase { phase, .. }, RollbackTarget::Phase(t)) => phase == t,
                _ => false,
            };
            right_node && graph.state(plan, n) == wanted
        },
    );
    changes(plan, &plan.phase(from).planned, wanted, order)
}

fn safe_order(
    compiled: &Compiled,
    kind: EdgeKind,
    from: petgraph::graph::NodeIndex,
    to: impl Fn(petgraph::graph::NodeIndex) -> bool,
) -> Option<&[FlagId]> {
    compiled
        .analysis
        .transitions
        .iter()
        .find(|t| t.kind == kind && t.from == from && to(t.to))
        .and_then(|t| match &t.plan {
            FlipPlan::Safe(order) => Some(order.as_slice()),
            FlipPlan::Blocked { .. } => None,
        })
}

/// The flags that differ, in `order` (a compiled plan has a safe order for every transition;
/// declaration order is the fallback).
fn changes(
    plan: &Plan,
    from: &crate::model::FlagState,
    to: &crate::model::FlagState,
    order: Option<&[FlagId]>,
) -> Vec<FlagChange> {
    let differing: Vec<FlagId> = (0..plan.flags.len())
        .map(FlagId)
        .filter(|&f| from.get(f) != to.get(f))
        .collect();
    let ordered: Vec<FlagId> = order.map_or(differing, <[FlagId]>::to_vec);
    ordered
        .into_iter()
        .map(|flag| FlagChange {
            flag,
            from: crate::plan_text::setting(plan, from.get(flag)),
            to: crate::plan_text::setting(plan, to.get(flag)),
        })
        .collect()
}
