//! Typed problems: the one place each diagnostic's words are written. A problem is a value
//! that says *what* happened (names, values, limits) and has exactly one [`Code`]; its message,
//! label, help and fixed related labels are written in its variant's arm, and a call site only
//! adds *where*: `NameProblem::UndefinedFlag { .. }.at(span)`. [`Diagnostic`]s are built
//! nowhere else, so one code reads the same wherever it is reported.
//!
//! One enum per pipeline stage; variants carry plain data (strings, numbers, spans) and the leaf
//! vocabulary of the language ([`FlagType`], [`Unit`]), never a stage's structures.
//!
//! [`FlagType`]: crate::model::FlagType
//! [`Unit`]: crate::syntax::ast::Unit

mod analysis;
mod emit;
mod format;
mod lints;
mod names;
mod read;
mod scenario;
mod time;
mod values;

pub use analysis::{AnalysisProblem, Blame, Buckets, Checked, Direction, Flip};
pub use emit::{EmitProblem, EnvHazard, UnleashLimit};
pub use format::FormatProblem;
pub use lints::LintProblem;
pub use names::{NameKind, NameProblem, Statement};
pub use read::{FileKind, ReadProblem, SyntaxHint, SyntaxShape};
pub use scenario::ScenarioProblem;
pub use time::TimeProblem;
pub use values::{Found, Subject, ValueProblem};

use super::{Code, Diagnostic, Label};
use crate::source::Span;

mod sealed {
    /// Only the catalogue's enums are problems, so no call site can word a diagnostic.
    pub trait Sealed {}
}

/// What a problem says, written in its variant's arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    code: Code,
    message: String,
    label: String,
    help: String,
    related: Vec<Label>,
}

impl Wording {
    fn new(
        code: Code,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Wording {
            code,
            message: message.into(),
            label: label.into(),
            help: help.into(),
            related: Vec::new(),
        }
    }

    /// A related span every diagnostic of this variant shows.
    fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn help(&self) -> &str {
        &self.help
    }
}

/// A problem of some stage: its words, and the diagnostic at a span.
pub trait Problem: sealed::Sealed {
    /// The code, message, label, help and related labels of this problem.
    fn wording(&self) -> Wording;

    fn code(&self) -> Code {
        self.wording().code
    }

    /// The diagnostic for this problem, underlining `span`.
    fn at(&self, span: Span) -> Diagnostic {
        let Wording {
            code,
            message,
            label,
            help,
            related,
        } = self.wording();
        let mut diagnostic = Diagnostic::new(code, message, span, label).help(help);
        diagnostic.related = related;
        diagnostic
    }
}

/// "did you mean `x`?" when a close name was found, else `otherwise`.
fn did_you_mean(suggestion: Option<&str>, otherwise: impl FnOnce() -> String) -> String {
    suggestion.map_or_else(otherwise, |s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn boxed<P: Problem + 'static>(samples: Vec<P>) -> impl Iterator<Item = Box<dyn Problem>> {
        samples.into_iter().map(|p| Box::new(p) as Box<dyn Problem>)
    }

    /// One sample of every variant of every problem enum.
    fn samples() -> Vec<Box<dyn Problem>> {
        boxed(NameProblem::samples())
            .chain(boxed(ValueProblem::samples()))
            .chain(boxed(TimeProblem::samples()))
            .chain(boxed(AnalysisProblem::samples()))
            .chain(boxed(LintProblem::samples()))
            .chain(boxed(ReadProblem::samples()))
            .chain(boxed(ScenarioProblem::samples()))
            .chain(boxed(EmitProblem::samples()))
            .chain(boxed(FormatProblem::samples()))
            .collect()
    }

    #[test]
    fn every_code_has_a_problem() {
        let covered: BTreeSet<Code> = samples().iter().map(|p| p.code()).collect();
        let missing: Vec<&str> = Code::ALL
            .iter()
            .filter(|c| !covered.contains(c))
            .map(|c| c.name())
            .collect();
        assert!(
            missing.is_empty(),
            "codes without a problem variant: {missing:?}"
        );
    }

    #[test]
    fn every_problem_has_a_message_a_label_and_a_help_line() {
        for problem in samples() {
            let w = problem.wording();
            let name = w.code().name();
            assert!(!w.message().trim().is_empty(), "{name}: empty message");
            assert!(!w.label().trim().is_empty(), "{name}: empty label");
            assert!(!w.help().trim().is_empty(), "{name}: empty help");
            // Lower case, but for the names of other programs.
            let first = w.message().split(' ').next().unwrap_or_default();
            assert!(
                !first.starts_with(char::is_uppercase) || ["Unleash"].contains(&first),
                "{name}: a message starts in lower case: {}",
                w.message()
            );
            let d = problem.at(Span::default());
            assert_eq!((d.code, d.message.as_str()), (w.code(), w.message()));
            assert!(
                d.related.iter().all(|l| !l.text.trim().is_empty()),
                "{name}: empty related label"
            );
        }
    }
}
