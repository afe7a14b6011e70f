//! `rollplan graph [FILE]`: the state graph as Graphviz DOT, Mermaid or JSON on stdout. A plan
//! that resolves but fails `check` is still drawn (a blocked transition is marked), its
//! diagnostics go to stderr and the exit code is 1; a plan that does not resolve is not drawn.

use std::path::PathBuf;

use super::ExitCode;
use super::input::{load, locate_plan, stderr_color};
use crate::diagnostic::{Diagnostic, render};
use crate::diagram::{Diagram, dot, json, mermaid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum GraphFormat {
    #[default]
    Dot,
    Mermaid,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

pub fn run(args: &Args) -> ExitCode {
    let json_out = args.format == GraphFormat::Json;
    let loaded = match locate_plan(args.file.as_deref()).and_then(|p| load(&p)) {
        Ok(l) => l,
        Err(e) => {
            e.print(json_out);
            return ExitCode::UsageOrIo;
        }
    };
    let sources = &loaded.sources;
    let fail = |diagnostics: &[Diagnostic]| {
        eprint!("{}", render::human(diagnostics, sources, stderr_color()));
        ExitCode::PlanProblems
    };
    if let Some(d) = loaded.unreadable {
        return fail(&[d]);
    }
    let source = sources.get(loaded.file);
    let ast = match crate::syntax::parse(source) {
        Ok(ast) => ast,
        Err(e) => return fail(e.as_slice()),
    };
    let (plan, diagnostics) = crate::model::resolve(&ast, source);
    let Some(plan) = plan else {
        return fail(&diagnostics);
    };
    let analysis = crate::analysis::analyse(&plan);
    let diagram = Diagram::build(&plan, &analysis);
    print!(
        "{}",
        match args.format {
            GraphFormat::Dot => dot::render(&diagram),
            GraphFormat::Mermaid => mermaid::render(&diagram),
            GraphFormat::Json => json::render(&diagram),
        }
    );
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .chain(analysis.diagnostics)
        .filter(Diagnostic::is_error)
        .collect();
    if errors.is_empty() {
        ExitCode::Ok
    } else {
        fail(&errors)
    }
}
