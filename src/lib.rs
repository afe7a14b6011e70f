//! rollplan: a compiler and simulator for feature-flag rollout plans.
//!
//! The library is a pipeline; every command runs the same stages and differs only in what it
//! does with the result:
//!
//! ```text
//! text ──syntax::parse──▶ ast::File ──model::resolve──▶ model::Plan ──analysis::analyse──▶ Analysis
//!                                                           │
//!                                         simulate · emit · fmt · diff · graph
//! ```
//!
//! [`compile::compilation`] runs the front of it (parse, resolve, analyse) once for every
//! command and returns everything found; [`compile`] is its form for a plan that must be valid.

pub mod analysis;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod diagram;
pub mod diff;
pub mod emit;
pub mod escape;
pub mod fmt;
pub mod gates;
pub mod http;
pub mod live;
pub mod lsp;
pub mod model;
pub mod output;
pub mod plan_text;
pub mod prometheus;
pub mod read;
pub mod simulate;
pub mod source;
pub mod status;
pub mod syntax;
pub mod unleash;

use diagnostic::Diagnostic;
use source::{FileId, SourceMap};

/// A plan that parsed, resolved and was analysed, with the warnings found on the way.
#[derive(Debug)]
pub struct Compiled {
    pub plan: model::Plan,
    pub analysis: analysis::Analysis,
    /// Warnings only: a plan with errors does not compile.
    pub warnings: Vec<Diagnostic>,
}

/// A plan written in a unit test, compiled; panics with the rendered diagnostics when it does
/// not compile, so a broken test plan says why.
#[cfg(test)]
pub(crate) fn compile_test_plan(text: String) -> Compiled {
    let mut sources = SourceMap::new();
    let file = sources.add("t.roll", text);
    match compile(&sources, file) {
        Ok(compiled) => compiled,
        Err(e) => panic!(
            "{}",
            diagnostic::render::human(e.as_slice(), &sources, false)
        ),
    }
}

/// Parses, resolves and analyses the plan in `file`. On failure, every error and warning found
/// is returned (at least one of them an error).
pub fn compile(sources: &SourceMap, file: FileId) -> Result<Compiled, diagnostic::Errors> {
    let compilation = compile::compilation(sources.get(file));
    if compilation.has_errors() {
        return Err(
            diagnostic::Errors::from_diagnostics(compilation.diagnostics).expect("holds an error"),
        );
    }
    match (compilation.plan, compilation.analysis) {
        (Some(plan), Some(analysis)) => Ok(Compiled {
            plan,
            analysis,
            warnings: compilation.diagnostics,
        }),
        _ => unreachable!("a compilation without errors has a plan and its analysis"),
    }
}
