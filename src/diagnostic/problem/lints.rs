//! The warnings: what is legal in a plan but probably not what its author meant (declared
//! but unused, a phase that changes nothing, a gate with nothing to check).

use super::{Wording, sealed};
use crate::diagnostic::Code;
use crate::source::Span;

/// A warning about a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintProblem {
    UnusedFlag {
        flag: String,
    },
    UnusedAttribute {
        attribute: String,
    },
    UnusedCohort {
        cohort: String,
    },
    UnchangedPhase {
        phase: String,
    },
    IndefiniteNotLast {
        phase: String,
    },
    EmptyGate {
        gate: String,
    },
    /// A gate window as long as its phase's shortest duration or longer.
    WindowNotShorter {
        gate: String,
        window: String,
        phase: String,
        shortest: String,
        shorter: String,
        duration: Span,
    },
}

impl sealed::Sealed for LintProblem {}

impl super::Problem for LintProblem {
    fn wording(&self) -> Wording {
        use LintProblem as P;
        match self {
            P::UnusedFlag { flag } => Wording::new(
                Code::UnusedFlag,
                format!("flag `{flag}` is declared but no phase sets it"),
                "never set",
                format!(
                    "set it in the phase that changes it (`set {flag} = …`), or delete the declaration"
                ),
            ),
            P::UnusedAttribute { attribute } => Wording::new(
                Code::UnusedAttribute,
                format!("context attribute `{attribute}` is declared but no scoped value reads it"),
                "never read",
                format!(
                    "read it in a scoped value (`set flag = v when {attribute} == x else w`), or delete the declaration"
                ),
            ),
            P::UnusedCohort { cohort } => Wording::new(
                Code::UnusedCohort,
                format!("cohort `{cohort}` is declared but no share uses it"),
                "never used",
                format!(
                    "roll a flag out in it (`set flag = true for 5% of {cohort} else false`), or delete the declaration"
                ),
            ),
            P::UnchangedPhase { phase } => Wording::new(
                Code::UnchangedPhase,
                format!("phase `{phase}` changes no flag"),
                "every flag stays as the phase before left it",
                "set the flags this phase changes, or merge it with the phase before if it only extends observation",
            ),
            P::IndefiniteNotLast { phase } => Wording::new(
                Code::IndefiniteNotLast,
                format!("phase `{phase}` lasts indefinitely, but phases follow it"),
                "never ends",
                "give it a length (`duration 2w`), or make it the last phase",
            ),
            P::EmptyGate { gate } => Wording::new(
                Code::EmptyGate,
                format!("gate `{gate}` has no metric threshold and no text"),
                "nothing to check",
                format!(
                    "say what to verify (`gate {gate} \"Data consistency verified\"`) or give a threshold (`gate error_rate < 0.1%`)"
                ),
            ),
            P::WindowNotShorter {
                gate,
                window,
                phase,
                shortest,
                shorter,
                duration,
            } => Wording::new(
                Code::WindowNotShorter,
                format!(
                    "gate `{gate}` is judged over {window}, but phase `{phase}` may last only {shortest}"
                ),
                "window reaches back before the phase started",
                format!(
                    "judge the gate over a window shorter than {shortest} (like `over {shorter}`), so it reads only this phase's data"
                ),
            )
            .related(*duration, "the phase's shortest duration"),
        }
    }
}

#[cfg(test)]
impl LintProblem {
    /// One of each variant, for the catalogue's tests.
    pub(super) fn samples() -> Vec<Self> {
        use LintProblem as P;
        let s = Span::default;
        let x = || "x".to_owned();
        vec![
            P::UnusedFlag { flag: x() },
            P::UnusedAttribute { attribute: x() },
            P::UnusedCohort { cohort: x() },
            P::UnchangedPhase { phase: x() },
            P::IndefiniteNotLast { phase: x() },
            P::EmptyGate { gate: x() },
            P::WindowNotShorter {
                gate: x(),
                window: "1w".to_owned(),
                phase: x(),
                shortest: "1w".to_owned(),
                shorter: "3d 12h".to_owned(),
                duration: s(),
            },
        ]
    }
}
