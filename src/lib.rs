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
//! [`compile`] runs the front of it (parse, resolve, analyse) and returns every diagnostic.

pub mod analysis;
pub mod cli;
pub mod diagnostic;
pub mod diagram;
pub mod diff;
pub mod emit;
pub mod escape;
pub mod fmt;
pub mod gates;
pub mod http;
pub mod live;
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

/// Parses, resolves and analyses the plan in `file`. On failure, every error and warning found
/// is returned (at least one of them an error).
pub fn compile(sources: &SourceMap, file: FileId) -> Result<Compiled, diagnostic::Errors> {
    let source = sources.get(file);
    let ast = syntax::parse(source)?;
    let (plan, mut diagnostics) = model::resolve(&ast, source);
    // The plan owns what it needs: free the syntax tree before analysis, which is where
    // memory peaks.
    drop(ast);
    let Some(plan) = plan else {
        return Err(diagnostic::Errors::from_diagnostics(diagnostics)
            .expect("the resolver returns no plan only with an error"));
    };
    let analysis = analysis::analyse(&plan);
    diagnostics.extend(analysis.diagnostics.iter().cloned());
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostic::Errors::from_diagnostics(diagnostics).expect("holds an error"));
    }
    Ok(Compiled {
        plan,
        analysis,
        warnings: diagnostics,
    })
}
