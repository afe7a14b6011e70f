//! The simulation engine: one run of a rollout, in minutes from its start, following the plan's
//! own rules.
//! What happens at each gate evaluation comes from an [`Oracle`] (all pass, a `--fail`, a
//! scenario file, or random draws); what the run did goes to a [`Sink`] (an event log, or the
//! forecast's counters). The engine is generic over both, so a forecast run compiles to a tight
//! loop with no allocation.
//!
//! The rules (documented for users in `docs/simulate.md`):
//! - a phase starts when the previous one ended, or at 00:00 of the first allowed day after
//!   (outside freeze windows; a working day on the business calendar) when that day is
//!   blocked, and runs its duration;
//! - at its end every gate is evaluated: all pass → the next phase starts; a failure (or an
//!   inconclusive gate whose rule is `fail`) → the `on_fail` policy: extend by D while fewer than
//!   `max` extensions were used in this visit of the phase, else roll back; otherwise, when a
//!   gate is inconclusive: `extend` extends by the `on_fail` length (one day under a plain
//!   `rollback` policy) without using up `max`, `wait D` re-evaluates D later (the longest
//!   wait wins); `fail` beats `extend` beats `wait`;
//! - a rollback happens at the time of the failed evaluation (rollbacks are never frozen), then the
//!   target phase runs again from its start (a rollback to `start` restarts the first phase);
//!   every new visit of a phase starts with no extensions used;
//! - the run ends when the last phase has started and, if it is not indefinite, its gates pass.

use super::clock::{Clock, HORIZON};
use super::decide::{Decision, Tally};
use super::prepared::{Length, Prepared};
use crate::model::{DAY_MINUTES, RollbackTarget};

/// Gate evaluations after which a run is declared unfinished (a gate that never passes under an
/// unlimited `extend` policy would otherwise run forever).
pub const MAX_EVALUATIONS: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    Inconclusive,
}

/// The outcome of one gate at one evaluation, with the observed value when there is one (in the
/// unit of the gate's metric).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub verdict: Verdict,
    pub observed: Option<f64>,
}

impl Evaluation {
    pub const PASSED: Evaluation = Evaluation {
        verdict: Verdict::Passed,
        observed: None,
    };
    pub const FAILED: Evaluation = Evaluation {
        verdict: Verdict::Failed,
        observed: None,
    };
}

/// Decides what the world does: how long a phase runs, and how each gate comes out.
pub trait Oracle {
    /// Minutes the phase runs on this visit; `None` when it is indefinite.
    fn duration(&mut self, phase: usize, duration: Length) -> Option<i64>;
    /// One gate at one evaluation. `attempt` counts the evaluations of this phase over the
    /// whole run, from 1 (extensions, waits and later visits after a rollback all count).
    fn evaluate(&mut self, phase: usize, attempt: u32, gate: usize) -> Evaluation;
}

/// Why a phase runs longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// A gate failed: extension number `used` of at most `max` (`None`: unlimited).
    Failure { used: u32, max: Option<u32> },
    /// A gate was inconclusive and its rule is `extend`: does not count against `max`.
    Inconclusive,
}

/// What happened, when, in which phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// The phase started (its flag changes applied), after waiting `waited` minutes for a
    /// freeze window or a working day. `visit` counts from 1.
    Started {
        visit: u32,
        waited: i64,
    },
    /// One gate's evaluation at the end of the phase.
    Gate {
        gate: usize,
        attempt: u32,
        evaluation: Evaluation,
    },
    /// The phase runs `minutes` longer.
    Extended {
        minutes: i64,
        why: Extension,
    },
    /// Inconclusive gates whose rule is `wait`: evaluated again `minutes` later.
    Waited {
        minutes: i64,
    },
    RolledBack {
        to: RollbackTarget,
    },
    /// Every gate passed: the phase is done and hands over to the next.
    Completed,
    /// The run gave up (horizon or evaluation limit reached, or an indefinite phase before the last).
    Unfinished,
}

/// Receives the events of a run. Every method has a default that ignores it.
pub trait Sink {
    /// `at`: minutes from the start.
    fn event(&mut self, _at: i64, _phase: usize, _event: Event) {}
}

/// A sink that keeps nothing.
pub struct Ignore;
impl Sink for Ignore {}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunEnd {
    /// When (minutes from the start) the last phase started for the last time; `None` when the
    /// run never got there.
    pub reached_last: Option<i64>,
    /// Whether the run ended normally (the last phase reached and, if finite, its gates passed).
    pub finished: bool,
    /// When the run ended: the last phase's start if indefinite, else its end.
    pub end: i64,
}

/// One run of the rollout from minute 0. `attempts` and `visits` are scratch space, reused
/// between runs so a forecast allocates nothing per run.
#[expect(
    clippy::too_many_lines,
    reason = "the rules of a run read best as one loop; split up, they would scatter"
)]
pub fn run<O: Oracle, S: Sink>(
    prepared: &Prepared,
    clock: &Clock,
    oracle: &mut O,
    sink: &mut S,
    attempts: &mut Vec<u32>,
    visits: &mut Vec<u32>,
) -> RunEnd {
    let last = prepared.phases.len().saturating_sub(1);
    attempts.clear();
    attempts.resize(prepared.phases.len(), 0);
    visits.clear();
    visits.resize(prepared.phases.len(), 0);
    let mut evaluations = 0u32;
    let mut reached_last = None;
    let mut phase = 0usize;
    let mut now = 0i64;
    let unfinished = |sink: &mut S, now: i64, phase: usize, reached_last| {
        sink.event(now, phase, Event::Unfinished);
        RunEnd {
            reached_last,
            finished: false,
            end: now,
        }
    };
    'phases: loop {
        let p = &prepared.phases[phase];
        let ready = now;
        now = clock.next_allowed_start(now);
        if now >= HORIZON {
            return unfinished(sink, now, phase, reached_last);
        }
        visits[phase] += 1;
        sink.event(
            now,
            phase,
            Event::Started {
                visit: visits[phase],
                waited: now - ready,
            },
        );
        if phase == last {
            reached_last = Some(now);
        }
        let Some(length) = oracle.duration(phase, p.duration) else {
            // An indefinite phase never ends: the run stops here.
            return if phase == last {
                RunEnd {
                    reached_last,
                    finished: true,
                    end: now,
                }
            } else {
                unfinished(sink, now, phase, reached_last)
            };
        };
        let mut end = clock.advance(now, length);
        let mut used = 0u32;
        loop {
            evaluations += 1;
            if evaluations > MAX_EVALUATIONS || end >= HORIZON {
                return unfinished(sink, end, phase, reached_last);
            }
            attempts[phase] += 1;
            let attempt = attempts[phase];
            let mut tally = Tally::default();
            for gate in 0..p.gates {
                let evaluation = oracle.evaluate(phase, attempt, gate);
                sink.event(
                    end,
                    phase,
                    Event::Gate {
                        gate,
                        attempt,
                        evaluation,
                    },
                );
                tally.add(evaluation.verdict, p.inconclusive[gate]);
            }
            let policy = p.policy;
            match tally.decide(policy.limits(), used) {
                Decision::Extend { used: now, max } => {
                    used = now;
                    let minutes = policy.extend.unwrap_or(DAY_MINUTES);
                    sink.event(
                        end,
                        phase,
                        Event::Extended {
                            minutes,
                            why: Extension::Failure { used, max },
                        },
                    );
                    end = clock.advance(end, minutes.max(1));
                }
                Decision::RollBack(to) => {
                    sink.event(end, phase, Event::RolledBack { to });
                    phase = match to {
                        RollbackTarget::Start => 0,
                        RollbackTarget::Phase(t) => t.0.min(phase),
                    };
                    now = end;
                    continue 'phases;
                }
                Decision::Stuck => return unfinished(sink, end, phase, reached_last),
                Decision::ExtendInconclusive => {
                    let minutes = policy.extend.unwrap_or(DAY_MINUTES).max(1);
                    sink.event(
                        end,
                        phase,
                        Event::Extended {
                            minutes,
                            why: Extension::Inconclusive,
                        },
                    );
                    end = clock.advance(end, minutes);
                }
                Decision::Wait(wait) => {
                    sink.event(end, phase, Event::Waited { minutes: wait });
                    end = clock.advance(end, wait);
                }
                Decision::Advance => {
                    sink.event(end, phase, Event::Completed);
                    if phase == last {
                        return RunEnd {
                            reached_last,
                            finished: true,
                            end,
                        };
                    }
                    phase += 1;
                    now = end;
                    continue 'phases;
                }
            }
        }
    }
}
