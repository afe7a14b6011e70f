//! How a subcommand reports what stops it, the same way in every subcommand: a usage or I/O
//! problem (exit 2), or the diagnostics of a plan or another input (exit 1). With `--format
//! json` the report is a JSON document on stdout; otherwise it is rendered for people on
//! stderr, coloured only on a terminal.

use super::ExitCode;
use super::input::{UsageError, stderr_color};
use crate::diagnostic::{Diagnostic, render};
use crate::source::SourceMap;

/// Why a subcommand stopped before producing its output.
pub enum Failure {
    /// Arguments or the file system: exit 2.
    Usage(UsageError),
    /// Diagnostics, with the sources they point into: exit 1.
    Diagnostics(Vec<Diagnostic>, SourceMap),
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

impl Failure {
    /// Prints the failure and returns its exit code.
    pub fn report(self, json: bool) -> ExitCode {
        match self {
            Failure::Usage(e) => {
                e.print(json);
                ExitCode::UsageOrIo
            }
            Failure::Diagnostics(diagnostics, sources) => {
                report_diagnostics(&diagnostics, &sources, json)
            }
        }
    }
}

/// Prints diagnostics that stop a subcommand, with a count of errors and warnings after the
/// human form, and returns [`ExitCode::PlanProblems`].
pub fn report_diagnostics(diagnostics: &[Diagnostic], sources: &SourceMap, json: bool) -> ExitCode {
    if json {
        out!("{}", render::json(diagnostics, sources));
    } else {
        super::write_stderr(&render::human(diagnostics, sources, stderr_color()));
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = diagnostics.len() - errors;
        errln!(
            "{errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
    }
    ExitCode::PlanProblems
}

/// `s` for any count but one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
