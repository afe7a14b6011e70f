//! A plan reduced to what the simulation engine reads on every step: durations and failure
//! policies in minutes, gate counts and inconclusive rules. Built once per simulation so the
//! inner loop never converts units or walks the model.

use super::decide::{Limits, Rule};
use super::timeline::minutes;
use crate::model::{
    DAY_MINUTES, FailurePolicy, InconclusiveAction, PhaseDuration, Plan, RollbackTarget,
};

/// A phase duration in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Indefinite,
    Fixed(i64),
    /// Sampled by the forecast in whole `step`s (a day, an hour or a minute: the largest that
    /// divides all three bounds); what-if runs use `planned`.
    Range {
        min: i64,
        max: i64,
        likely: Option<i64>,
        step: i64,
    },
}

impl Length {
    fn of(d: PhaseDuration) -> Length {
        match d {
            PhaseDuration::Indefinite => Length::Indefinite,
            PhaseDuration::Fixed(m) => Length::Fixed(minutes(m)),
            PhaseDuration::Range { min, max, likely } => {
                let (min, max, likely) = (minutes(min), minutes(max), likely.map(minutes));
                let step = [DAY_MINUTES, 60, 1]
                    .into_iter()
                    .find(|s| [min, max, likely.unwrap_or(min)].iter().all(|m| m % s == 0))
                    .unwrap_or(1);
                Length::Range {
                    min,
                    max,
                    likely,
                    step,
                }
            }
        }
    }

    /// The planned length: as [`PhaseDuration::planned`], in minutes.
    pub fn planned(self) -> Option<i64> {
        match self {
            Length::Indefinite => None,
            Length::Fixed(m) => Some(m),
            Length::Range { min, likely, .. } => Some(likely.unwrap_or(min)),
        }
    }
}

/// What an inconclusive gate does, waits in minutes.
pub type Inconclusive = Rule<i64>;

/// A phase's `on_fail`, in minutes, with the phase a rollback restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The extension length; `None` for a plain `rollback`.
    pub extend: Option<i64>,
    /// How many failures are extended before rolling back; `None`: unlimited (no rollback).
    pub max_extensions: Option<u32>,
    pub rollback: Option<RollbackTarget>,
}

impl Policy {
    /// The policy's shape, for [`super::decide`].
    pub fn limits(self) -> Limits {
        Limits {
            extends: self.extend.is_some(),
            max_extensions: self.max_extensions,
            rollback: self.rollback,
        }
    }

    fn of(p: FailurePolicy) -> Policy {
        match p {
            FailurePolicy::Extend { by } => Policy {
                extend: Some(minutes(by)),
                max_extensions: None,
                rollback: None,
            },
            FailurePolicy::ExtendThenRollback { by, max, to } => Policy {
                extend: Some(minutes(by)),
                max_extensions: Some(max),
                rollback: Some(to),
            },
            FailurePolicy::Rollback { to } => Policy {
                extend: None,
                max_extensions: Some(0),
                rollback: Some(to),
            },
        }
    }
}

/// One phase as the engine sees it.
#[derive(Debug, Clone)]
pub struct PreparedPhase {
    pub duration: Length,
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
                duration: Length::of(p.duration),
                gates: p.gates.len(),
                inconclusive: p
                    .gates
                    .iter()
                    .map(|g| match g.on_inconclusive {
                        InconclusiveAction::Wait(m) => Rule::Wait(minutes(m).max(1)),
                        InconclusiveAction::Extend => Rule::Extend,
                        InconclusiveAction::Fail => Rule::Fail,
                    })
                    .collect(),
                policy: Policy::of(p.on_fail),
            })
            .collect();
        Prepared { phases }
    }

    /// The coarsest unit every time of a run is a whole number of: the greatest common divisor
    /// of a day, the start's minute of its day and every length the engine can add (a day for
    /// a plan of whole days from 00:00). The forecast counts its histogram in it.
    pub fn tick(&self, start_minute: i64) -> i64 {
        let lengths = self.phases.iter().flat_map(|p| {
            let duration = match p.duration {
                Length::Indefinite => [0, 0, 0, 0],
                Length::Fixed(m) => [m, 0, 0, 0],
                Length::Range {
                    min,
                    max,
                    likely,
                    step,
                } => [min, max, likely.unwrap_or(0), step],
            };
            let waits = p.inconclusive.iter().map(|r| match r {
                Rule::Wait(m) => *m,
                _ => 0,
            });
            duration
                .into_iter()
                .chain([p.policy.extend.unwrap_or(0)])
                .chain(waits)
        });
        lengths.chain([start_minute]).fold(DAY_MINUTES, gcd).max(1)
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}
