//! What the analysis of the state graph finds: broken invariants, transitions without a safe
//! order, phases that cannot be reached or left.

use super::{Wording, sealed};
use crate::diagnostic::Code;
use crate::source::Span;

/// Which way a transition goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Advance,
    Rollback,
}

impl Direction {
    fn verb(self) -> &'static str {
        match self {
            Direction::Advance => "advance",
            Direction::Rollback => "roll back",
        }
    }
}

/// Where the label of a broken invariant points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// At the `set` that breaks it.
    Set,
    /// At the phase (no `set` of the phase reads the invariant's flags).
    Phase,
    /// At a flag's declaration: broken before the rollout.
    Declaration,
}

/// One flip of a blocked transition: the flag, whether it is the first flip, and the values
/// (with the units they hold for) it gives the invariant's flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    pub flag: String,
    pub first: bool,
    pub values: String,
    pub when: String,
}

impl std::fmt::Display for Flip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "flipping `{}` {} gives {}{}",
            self.flag,
            if self.first { "first" } else { "next" },
            self.values,
            self.when
        )
    }
}

/// Where an invariant could not be checked: in a state, or between the two ends of a
/// transition (each described in words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    In(String),
    Between(String, String),
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Checked::In(place) => write!(f, "in {place}"),
            Checked::Between(from, to) => write!(f, "between {from} and {to}"),
        }
    }
}

/// How the units of a broken invariant are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buckets {
    /// Every unit alike.
    None,
    /// One bucketing: shares that do not nest.
    One,
    /// Several bucketings: shares bucketed apart.
    Several,
}

/// A problem found by the analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalysisProblem {
    /// A reachable state breaks an invariant. `place` is `None` before the rollout; `share`
    /// and `when` say which units; `optional` are the `set`s the state leaves out.
    InvariantViolated {
        invariant: String,
        place: Option<String>,
        share: Option<String>,
        when: Option<String>,
        values: String,
        blame: Blame,
        buckets: Buckets,
        formula: Span,
        optional: Vec<(Span, String)>,
    },
    /// An invariant that reads no flag.
    InvariantAlwaysFalse {
        invariant: String,
        declared: Span,
    },
    /// No order of one-flag changes keeps every invariant; `breaks` are the flips that break
    /// one (the first is `flip`'s), at the invariants' formulas; `after` the flips done first.
    UnsafeTransition {
        direction: Direction,
        from: String,
        to: String,
        invariants: Vec<String>,
        after: Vec<String>,
        flip: Flip,
        breaks: Vec<(Span, Flip)>,
        skips_phases: bool,
    },
    /// The search for an order ran out of its budget.
    TransitionUnproven {
        direction: Direction,
        from: String,
        to: String,
        changed: usize,
        done: usize,
        flag: String,
        formula: Span,
        exact: u32,
    },
    /// Too many classes of units (shares over bucketings) to check an invariant; `classes`
    /// is `None` past counting.
    TooManyUnitClasses {
        invariant: String,
        checked: Checked,
        classes: Option<usize>,
        bucketings: usize,
        formula: Span,
        max_classes: usize,
        max_bucketings: usize,
    },
    /// Too many classes of contexts (the values conditions test) to check an invariant;
    /// `at_set` when the label is on the `set` whose conditions split them, `splitting` the
    /// attributes that split them most (declaration, name, classes).
    TooManyContextClasses {
        invariant: String,
        checked: Checked,
        classes: Option<usize>,
        attributes: usize,
        at_set: bool,
        formula: Span,
        splitting: Vec<(Span, String, usize)>,
        max_contexts: usize,
    },
    /// A rollback to the phase itself or a later one.
    RollbackNotEarlier {
        phase: String,
        target: String,
        itself: bool,
        declared: Span,
    },
    UnreachablePhase {
        phase: String,
    },
    TrapPhase {
        phase: String,
    },
}

impl sealed::Sealed for AnalysisProblem {}

impl super::Problem for AnalysisProblem {
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per problem, each its own words"
    )]
    fn wording(&self) -> Wording {
        use AnalysisProblem as P;
        match self {
            P::InvariantViolated {
                invariant,
                place,
                share,
                when,
                values,
                blame,
                buckets,
                formula,
                optional,
            } => {
                let share = share
                    .as_ref()
                    .map_or(String::new(), |s| format!(" for {s} of units"));
                let when = when.as_ref().map_or(String::new(), |w| format!(" when {w}"));
                let message = match place {
                    None => format!(
                        "invariant `{invariant}` is broken before the rollout starts{share}{when}"
                    ),
                    Some(place) => {
                        format!("invariant `{invariant}` is broken in {place}{share}{when}")
                    }
                };
                let label = match blame {
                    Blame::Set => format!("this makes {values}"),
                    Blame::Phase => format!("here {values}"),
                    Blame::Declaration => format!("before the rollout {values}"),
                };
                let help = match buckets {
                    Buckets::None => format!(
                        "change the values so that `{invariant}` holds, or fix the invariant if the plan is right"
                    ),
                    Buckets::One => format!(
                        "make the shares nest so that `{invariant}` holds for every unit: a flag that needs another gets a share no larger than that flag's, of the same cohort"
                    ),
                    Buckets::Several => format!(
                        "roll these flags out `of` one cohort (`cohort NAME by ATTRIBUTE`), so that their shares nest unit by unit: bucketed apart (`by`), their units are independent, and some get one flag without the other that `{invariant}` needs"
                    ),
                };
                let mut w = Wording::new(Code::InvariantViolated, message, label, help)
                    .related(*formula, format!("`{invariant}` requires this"));
                for (span, flag) in optional {
                    w = w.related(*span, format!("optional: `{flag}` may stay as it was"));
                }
                w
            }
            P::InvariantAlwaysFalse {
                invariant,
                declared,
            } => Wording::new(
                Code::InvariantViolated,
                format!("invariant `{invariant}` is false in every state: it reads no flag"),
                "always false",
                "write the condition over flags that must hold in every state, or delete the invariant",
            )
            .related(*declared, "declared here"),
            P::UnsafeTransition {
                direction,
                from,
                to,
                invariants,
                after,
                flip,
                breaks,
                skips_phases,
            } => {
                let names = invariants
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let after = if after.is_empty() {
                    String::new()
                } else {
                    let flips: Vec<String> = after.iter().map(|f| format!("`{f}`")).collect();
                    format!(" (after flipping {})", flips.join(", then "))
                };
                let help = match (direction, skips_phases) {
                    (Direction::Rollback, true) => {
                        "roll back through the phases in between (`on_fail rollback previous`), whose flips can be ordered, or relax the invariant so that an intermediate state is allowed"
                    }
                    (Direction::Rollback, false) => {
                        "this phase's change cannot be undone one flag at a time: split it across two phases, each of which can be undone, or relax the invariant if the intermediate state is in fact safe"
                    }
                    (Direction::Advance, _) => {
                        "split the change across two phases, with a state in between that keeps every invariant, or relax the invariant if that intermediate state is in fact safe"
                    }
                };
                let mut w = Wording::new(
                    Code::UnsafeTransition,
                    format!(
                        "cannot {} from {from} to {to} one flag at a time: every order breaks {names}{after}",
                        direction.verb()
                    ),
                    flip.to_string(),
                    help,
                );
                for (k, (span, other)) in breaks.iter().enumerate() {
                    let label = if k == 0 {
                        format!("flipping `{}` breaks this", flip.flag)
                    } else {
                        format!("{other}, breaking this")
                    };
                    w = w.related(*span, label);
                }
                w
            }
            P::TransitionUnproven {
                direction,
                from,
                to,
                changed,
                done,
                flag,
                formula,
                exact,
            } => Wording::new(
                Code::TransitionUnproven,
                format!(
                    "found no order to {} from {from} to {to} one flag at a time within the search budget, and cannot prove that none exists",
                    direction.verb()
                ),
                format!(
                    "{changed} flags change together; after {done} flips in the order tried, flipping `{flag}` or any other breaks an invariant"
                ),
                format!(
                    "split the change across phases so that at most {exact} flags that share an invariant change at once (those are searched exactly), or relax the invariants that tie them together"
                ),
            )
            .related(*formula, format!("flipping `{flag}` there breaks this")),
            P::TooManyUnitClasses {
                invariant,
                checked,
                classes,
                bucketings,
                formula,
                max_classes,
                max_bucketings,
            } => Wording::new(
                Code::TooManyClasses,
                format!(
                    "invariant `{invariant}` cannot be checked {checked}: its flags split the units into {} classes over {bucketings} bucketings",
                    count(*classes)
                ),
                "here",
                format!(
                    "roll the invariant's flags out `of` fewer cohorts or with fewer distinct shares: the check splits units into at most {max_classes} classes over at most {max_bucketings} bucketings"
                ),
            )
            .related(*formula, "the invariant"),
            P::TooManyContextClasses {
                invariant,
                checked,
                classes,
                attributes,
                at_set,
                formula,
                splitting,
                max_contexts,
            } => {
                let mut w = Wording::new(
                    Code::TooManyClasses,
                    format!(
                        "invariant `{invariant}` cannot be checked {checked}: its flags' conditions split the contexts into {} classes over {attributes} attributes",
                        count(*classes)
                    ),
                    if *at_set {
                        "these conditions split the contexts"
                    } else {
                        "here"
                    },
                    format!(
                        "test fewer attributes, or fewer values of each, in the conditions of the invariant's flags, or split the plan so that fewer scoped values meet in one invariant: the check splits contexts into at most {max_contexts} classes"
                    ),
                )
                .related(*formula, "the invariant");
                for (span, name, n) in splitting {
                    w = w.related(*span, format!("`{name}` splits them into {n} classes"));
                }
                w
            }
            P::RollbackNotEarlier {
                phase,
                target,
                itself,
                declared,
            } => Wording::new(
                Code::RollbackNotEarlier,
                format!(
                    "phase `{phase}` rolls back to `{target}`, which is {}",
                    if *itself { "itself" } else { "a later phase" }
                ),
                "rollback target is not earlier",
                "roll back to `previous`, `start`, or a phase declared before this one",
            )
            .related(*declared, format!("`{target}` is declared here")),
            P::UnreachablePhase { phase } => Wording::new(
                Code::UnreachablePhase,
                format!("phase `{phase}` cannot be reached from the start"),
                "unreachable",
                "check the phases before it: each must be able to advance to the next",
            ),
            P::TrapPhase { phase } => Wording::new(
                Code::TrapPhase,
                format!("the end of the rollout cannot be reached from phase `{phase}`"),
                "no way out",
                "give the phase a duration and gates that can pass, so it can advance",
            ),
        }
    }
}

/// A count of classes, or "too many" past counting.
fn count(classes: Option<usize>) -> String {
    classes.map_or_else(|| "too many".to_owned(), |n| n.to_string())
}

#[cfg(test)]
impl AnalysisProblem {
    /// One of each variant, for the catalogue's tests.
    pub(super) fn samples() -> Vec<Self> {
        use AnalysisProblem as P;
        let s = Span::default;
        let x = || "x".to_owned();
        let flip = || Flip {
            flag: x(),
            first: true,
            values: "`x` = true".to_owned(),
            when: String::new(),
        };
        vec![
            P::InvariantViolated {
                invariant: x(),
                place: None,
                share: None,
                when: None,
                values: x(),
                blame: Blame::Declaration,
                buckets: Buckets::None,
                formula: s(),
                optional: vec![(s(), x())],
            },
            P::InvariantAlwaysFalse {
                invariant: x(),
                declared: s(),
            },
            P::UnsafeTransition {
                direction: Direction::Rollback,
                from: x(),
                to: x(),
                invariants: vec![x()],
                after: vec![x()],
                flip: flip(),
                breaks: vec![(s(), flip()), (s(), flip())],
                skips_phases: true,
            },
            P::TransitionUnproven {
                direction: Direction::Advance,
                from: x(),
                to: x(),
                changed: 30,
                done: 3,
                flag: x(),
                formula: s(),
                exact: 16,
            },
            P::TooManyUnitClasses {
                invariant: x(),
                checked: Checked::Between(x(), x()),
                classes: None,
                bucketings: 8,
                formula: s(),
                max_classes: 16_384,
                max_bucketings: 7,
            },
            P::TooManyContextClasses {
                invariant: x(),
                checked: Checked::In(x()),
                classes: Some(8192),
                attributes: 13,
                at_set: true,
                formula: s(),
                splitting: vec![(s(), x(), 2)],
                max_contexts: 4096,
            },
            P::RollbackNotEarlier {
                phase: x(),
                target: x(),
                itself: true,
                declared: s(),
            },
            P::UnreachablePhase { phase: x() },
            P::TrapPhase { phase: x() },
        ]
    }
}
