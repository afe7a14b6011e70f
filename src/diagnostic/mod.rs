//! Diagnostics: what every stage reports. A [`Diagnostic`] has a stable [`Code`], a message, a
//! labelled primary span, related spans and a help line. Stages collect all they find and
//! return them together; [`render`] turns them into text for people or JSON for machines.

mod code;
pub mod problem;
pub mod render;
mod usage;

pub use code::{Code, Severity};
pub use problem::Problem;
pub use usage::UsageCode;

use crate::source::Span;

/// A span with the text shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in a plan or scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// Lower case, names in backticks: what was found and what was expected.
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    /// How to fix it.
    pub help: String,
    /// Only [`problem`] builds a diagnostic, so every one is worded in the catalogue.
    _worded: Worded,
}

/// The private mark of a diagnostic built by [`problem::Problem::at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Worded;

impl Diagnostic {
    /// Private to this module: stages build diagnostics from typed problems ([`problem`]).
    fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: Label {
                span,
                text: label.into(),
            },
            related: Vec::new(),
            help: String::new(),
            _worded: Worded,
        }
    }

    #[must_use]
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// A list of diagnostics that holds at least one error: what a stage returns when it fails,
/// so "failed, but said nothing" cannot happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(Vec<Diagnostic>);

impl Errors {
    /// `None` when `diagnostics` holds no error.
    pub fn from_diagnostics(diagnostics: Vec<Diagnostic>) -> Option<Self> {
        diagnostics
            .iter()
            .any(Diagnostic::is_error)
            .then_some(Errors(diagnostics))
    }

    pub fn one(diagnostic: Diagnostic) -> Self {
        debug_assert!(diagnostic.is_error());
        Errors(vec![diagnostic])
    }

    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

/// "did you mean `x`?" for a name that does not resolve: the closest candidate by edit
/// distance, if any is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // A third of the name may differ: none for names under three characters.
    let limit = name.chars().count() / 3;
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The help line for an unresolved name: a suggestion when one is close, else `otherwise`.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match suggest(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => otherwise(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["entity.enabled", "entity.handler_enabled"];
        assert_eq!(suggest("entity.enabld", names), Some("entity.enabled"));
        assert_eq!(suggest("checkout.v2", names), None);
    }

    #[test]
    fn errors_cannot_be_built_from_warnings_alone() {
        let warning = Diagnostic::new(Code::UnusedFlag, "m", Span::default(), "l");
        assert!(Errors::from_diagnostics(vec![warning.clone()]).is_none());
        let error = Diagnostic::new(Code::UndefinedFlag, "m", Span::default(), "l");
        assert_eq!(
            Errors::from_diagnostics(vec![warning, error])
                .unwrap()
                .as_slice()
                .len(),
            2
        );
    }
}
