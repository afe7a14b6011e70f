//! What the plan says to do after one evaluation of a phase's gates: the one rule that the
//! simulation engine follows on every step and `rollplan status` applies to real verdicts, so
//! the simulator and the operator never disagree.
//!
//! - a failure, or an inconclusive gate whose rule is `fail`, applies the `on_fail` policy:
//!   extend while fewer than `max` extensions were used in this visit (an unlimited `extend`
//!   always extends; a plain `rollback` never does), else roll back;
//! - otherwise an inconclusive gate whose rule is `extend` extends by the `on_fail` length
//!   without using up `max`; one whose rule is `wait D` waits, the longest wait winning;
//!   `fail` beats `extend` beats `wait`;
//! - otherwise every gate passed and the next phase starts.
//!
//! The wait length's type is left to the caller (whole days in the engine, hours in `status`).

use super::engine::Verdict;
use crate::model::RollbackTarget;

/// What an inconclusive verdict of one gate does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule<W> {
    Wait(W),
    Extend,
    Fail,
}

/// The `on_fail` policy's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Whether the policy extends at all (`false` for a plain `rollback`).
    pub extends: bool,
    /// Failures extended before rolling back; `None`: unlimited.
    pub max_extensions: Option<u32>,
    pub rollback: Option<RollbackTarget>,
}

/// The plan's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<W> {
    /// Every gate passed: the next phase starts (or the rollout is done).
    Advance,
    /// A gate failed and the phase is extended: extension `used` (after this one) of `max`.
    Extend {
        used: u32,
        max: Option<u32>,
    },
    /// A gate was inconclusive and its rule is `extend`: not counted against `max`.
    ExtendInconclusive,
    /// Gates were inconclusive and their rule is `wait`: evaluate again this much later.
    Wait(W),
    RollBack(RollbackTarget),
    /// A failure under a policy that can neither extend nor roll back (not writable today).
    Stuck,
}

/// The verdicts of one evaluation, gathered gate by gate (no allocation: the engine runs it in
/// its inner loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally<W> {
    failed: bool,
    extend: bool,
    wait: Option<W>,
}

impl<W: Ord + Copy> Default for Tally<W> {
    fn default() -> Self {
        Tally {
            failed: false,
            extend: false,
            wait: None,
        }
    }
}

impl<W: Ord + Copy> Tally<W> {
    pub fn add(&mut self, verdict: Verdict, rule: Rule<W>) {
        match verdict {
            Verdict::Passed => {}
            Verdict::Failed => self.failed = true,
            Verdict::Inconclusive => match rule {
                Rule::Fail => self.failed = true,
                Rule::Extend => self.extend = true,
                Rule::Wait(w) => self.wait = Some(self.wait.map_or(w, |old| old.max(w))),
            },
        }
    }

    /// The decision, with `used` extensions already taken in this visit of the phase.
    pub fn decide(self, limits: Limits, used: u32) -> Decision<W> {
        if self.failed {
            let may_extend = limits.max_extensions.is_none_or(|max| used < max);
            return match (limits.extends, may_extend, limits.rollback) {
                (true, true, _) | (true, false, None) => Decision::Extend {
                    used: used + 1,
                    max: limits.max_extensions,
                },
                (_, _, Some(to)) => Decision::RollBack(to),
                (false, _, None) => Decision::Stuck,
            };
        }
        if self.extend {
            return Decision::ExtendInconclusive;
        }
        match self.wait {
            Some(w) => Decision::Wait(w),
            None => Decision::Advance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PhaseId;

    const POLICY: Limits = Limits {
        extends: true,
        max_extensions: Some(2),
        rollback: Some(RollbackTarget::Phase(PhaseId(1))),
    };

    fn decide(verdicts: &[(Verdict, Rule<u32>)], used: u32) -> Decision<u32> {
        let mut tally = Tally::default();
        for &(v, r) in verdicts {
            tally.add(v, r);
        }
        tally.decide(POLICY, used)
    }

    #[test]
    fn failures_extend_up_to_max_then_roll_back() {
        let failed = [(Verdict::Failed, Rule::Wait(2))];
        assert_eq!(
            decide(&failed, 0),
            Decision::Extend {
                used: 1,
                max: Some(2)
            }
        );
        assert_eq!(
            decide(&failed, 1),
            Decision::Extend {
                used: 2,
                max: Some(2)
            }
        );
        assert_eq!(
            decide(&failed, 2),
            Decision::RollBack(RollbackTarget::Phase(PhaseId(1)))
        );
    }

    #[test]
    fn fail_beats_extend_beats_wait_and_the_longest_wait_wins() {
        use Verdict::{Inconclusive as I, Passed as P};
        assert_eq!(decide(&[(P, Rule::Fail)], 0), Decision::Advance);
        assert_eq!(
            decide(&[(I, Rule::Wait(1)), (I, Rule::Wait(3))], 0),
            Decision::Wait(3)
        );
        assert_eq!(
            decide(&[(I, Rule::Wait(1)), (I, Rule::Extend)], 0),
            Decision::ExtendInconclusive
        );
        assert_eq!(
            decide(&[(I, Rule::Extend), (I, Rule::Fail)], 0),
            Decision::Extend {
                used: 1,
                max: Some(2)
            }
        );
    }
}
