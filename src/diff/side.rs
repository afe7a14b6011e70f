//! One side of a diff: a plan resolved into its model, and whether it passes `check`. A plan
//! whose analysis finds errors (a broken invariant, an unsafe transition) can still be
//! compared, and the diff says it fails; a plan that does not parse or resolve has no model and
//! cannot be.

use crate::diagnostic::{Diagnostic, Errors};
use crate::model::Plan;
use crate::source::{FileId, SourceMap};

/// What `check` says about a plan: counts, and each diagnostic as `code: message`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckStatus {
    pub errors: usize,
    pub warnings: usize,
    /// `error rollplan::code: message` of each diagnostic, errors first, in the order found.
    pub messages: Vec<String>,
}

impl CheckStatus {
    pub fn of(diagnostics: &[Diagnostic]) -> CheckStatus {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let (mut messages, mut warnings) = (Vec::new(), Vec::new());
        for d in diagnostics {
            if d.is_error() {
                messages.push(format!("error {}: {}", d.code, d.message));
            } else {
                warnings.push(format!("warning {}: {}", d.code, d.message));
            }
        }
        messages.append(&mut warnings);
        CheckStatus {
            errors,
            warnings: diagnostics.len() - errors,
            messages,
        }
    }

    pub fn passes(&self) -> bool {
        self.errors == 0
    }

    /// `passes`, `passes (2 warnings)`, `fails (1 error)`.
    pub fn describe(&self) -> String {
        let plural = |n: usize, what: &str| {
            if n == 1 {
                format!("1 {what}")
            } else {
                format!("{n} {what}s")
            }
        };
        match (self.errors, self.warnings) {
            (0, 0) => "passes".to_owned(),
            (0, w) => format!("passes ({})", plural(w, "warning")),
            (e, _) => format!("fails ({})", plural(e, "error")),
        }
    }
}

/// A plan to compare.
#[derive(Debug)]
pub struct Side {
    pub label: String,
    pub plan: Plan,
    pub check: CheckStatus,
}

impl Side {
    /// Parses, resolves and analyses the plan in `file`. Errors only when there is no model to
    /// compare (the plan does not parse or resolve); analysis errors go into [`Side::check`].
    pub fn compile(sources: &SourceMap, file: FileId) -> Result<Side, Errors> {
        let source = sources.get(file);
        let compilation = crate::compile::compilation(source);
        match compilation.plan {
            Some(plan) if compilation.broken.is_empty() => Ok(Side {
                label: source.name.clone(),
                check: CheckStatus::of(&compilation.diagnostics),
                plan,
            }),
            _ => Err(Errors::from_diagnostics(compilation.diagnostics)
                .expect("a plan that does not parse or resolve has an error")),
        }
    }
}
