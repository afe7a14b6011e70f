//! A plan reduced to what the simulation engine reads on every step: durations and failure
//! policies in whole days, gate counts and inconclusive rules. Built once per simulation so the
//! inner loop never converts hours or walks the model.

use super::decide::{Limits, Rule};
use super::timeline::whole_days;
use crate::model::{FailurePolicy, InconclusiveAction, PhaseDuration, Plan, RollbackTarget};

/// A phase duration in whole days (a partial day counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    Indefinite,
    Fixed(i64),
    /// Sampled by the forecast; what-if runs use `planned`.
    Range {
        min: i64,
        max: i64,
        likely: Option<i64>,
    },
}

impl Days {
    fn of(d: PhaseDuration) -> Days {
        match d {
            PhaseDuration::Indefinite => Days::Indefinite,
            PhaseDuration::Fixed(h) => Days::Fixed(whole_days(h)),
            PhaseDuration::Range { min, max, likely } => Days::Range {
                min: whole_days(min),
                max: whole_days(max),
                likely: likely.map(whole_days),
            },
        }
    }

    /// The planned length: as [`PhaseDuration::planned`], in days.
    pub fn planned(self) -> Option<i64> {
        match self {
            Days::Indefinite => None,
            Days::Fixed(d) => Some(d),
            Days::Range { min, likely, .. } => Some(likely.unwrap_or(min)),
        }
    }
}

/// What an inconclusive gate does, waits in days.
pub type Inconclusive = Rule<i64>;

/// A phase's `on_fail`, in days, with the phase a rollback restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The extension length; `None` for a plain `rollback`.
    pub extend_days: Option<i64>,
    /// How many failures are extended before rolling back; `None`: unlimited (no rollback).
    pub max_extensions: Option<u32>,
    pub rollback: Option<RollbackTarget>,
}

impl Policy {
    /// The policy's shape, for [`super::decide`].
    pub fn limits(self) -> Limits {
        Limits {
            extends: self.extend_days.is_some(),
            max_extensions: self.max_extensions,
            rollback: self.rollback,
        }
    }

    fn of(p: FailurePolicy) -> Policy {
        match p {
            FailurePolicy::Extend { by } => Policy {
                extend_days: Some(whole_days(by)),
                max_extensions: None,
                rollback: None,
            },
            FailurePolicy::ExtendThenRollback { by, max, to } => Policy {
                extend_days: Some(whole_days(by)),
                max_extensions: Some(max),
                rollback: Some(to),
            },
            FailurePolicy::Rollback { to } => Policy {
                extend_days: None,
                max_extensions: Some(0),
                rollback: Some(to),
            },
        }
    }
}

/// One phase as the engine sees it.
#[derive(Debug, Clone)]
pub struct PreparedPhase {
    pub duration: Days,
    pub gates: usize,
    pub inconclusive: Vec<Inconclusive>,
    pub policy: Policy,
}

/// The whole plan as the engine sees it; index `i` is [`crate::model::PhaseId`]`(i)`.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub phases: Vec<PreparedPhase>,
}

impl Prepared {
    pub fn new(plan: &Plan) -> Prepared {
        let phases = plan
            .phases
            .iter()
            .map(|p| PreparedPhase {
                duration: Days::of(p.duration),
                gates: p.gates.len(),
                inconclusive: p
                    .gates
                    .iter()
                    .map(|g| match g.on_inconclusive {
                        InconclusiveAction::Wait(h) => Rule::Wait(whole_days(h).max(1)),
                        InconclusiveAction::Extend => Rule::Extend,
                        InconclusiveAction::Fail => Rule::Fail,
                    })
                    .collect(),
                policy: Policy::of(p.on_fail),
            })
            .collect();
        Prepared { phases }
    }
}
