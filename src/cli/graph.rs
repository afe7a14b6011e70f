//! `rollplan graph [FILE]`: the state graph as Graphviz DOT, Mermaid or JSON on stdout. A plan
//! that resolves but fails `check` is still drawn (a blocked transition is marked), its
//! diagnostics go to stderr and the exit code is 1; a plan that does not resolve is not drawn.

use std::path::PathBuf;

use super::input::read_plan;
use super::report::{Failure, report_diagnostics};
use super::{ExitCode, Format, formats};
use crate::diagnostic::Diagnostic;
use crate::diagram::{Diagram, dot, json, mermaid};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_parser = formats(&[Format::Dot, Format::Mermaid, Format::Json]), default_value = "dot")]
    pub format: Format,
}

pub fn run(args: &Args) -> ExitCode {
    let json_out = args.format == Format::Json;
    // Diagnostics always go to stderr in human form: stdout holds the drawing (even in JSON),
    // and a plan that fails `check` is still drawn.
    let (sources, file) = match read_plan(args.file.as_deref()) {
        Ok(plan) => plan,
        Err(Failure::Diagnostics(d, sources)) => return report_diagnostics(&d, &sources, false),
        Err(failure) => return failure.report(json_out),
    };
    let fail = |diagnostics: &[Diagnostic]| report_diagnostics(diagnostics, &sources, false);
    let compilation = crate::compile::compilation(sources.get(file));
    let (Some(plan), Some(analysis)) = (&compilation.plan, &compilation.analysis) else {
        return fail(&compilation.diagnostics);
    };
    let diagram = Diagram::build(plan, analysis);
    out!(
        "{}",
        match args.format {
            Format::Mermaid => mermaid::render(&diagram),
            Format::Json => json::render(&diagram),
            // The parser admits only DOT, Mermaid and JSON.
            _ => dot::render(&diagram),
        }
    );
    let errors: Vec<Diagnostic> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if errors.is_empty() {
        ExitCode::Ok
    } else {
        fail(&errors)
    }
}
