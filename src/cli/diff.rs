//! `rollplan diff OLD NEW`: the semantic diff of two plans. Each side is a file, or `REV:PATH`
//! read with `git show` from the repository of the current folder. A side that does not parse
//! or resolve has no model to compare: its diagnostics are printed and the exit code is 2. A
//! side that resolves but fails `check` is compared, and the diff says it fails.

use std::path::Path;
use std::process::Command;

use super::input::{Loaded, UsageError, from_bytes, load, stderr_color, stdout_color};
use super::{ExitCode, Format, formats};
use crate::diagnostic::{Diagnostic, Errors, render};
use crate::diff::{Side, human, json, markdown};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 3 when any change is classified as risky
    Risk,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan before: a file, or `REV:PATH` read from git (`main:plans/entity.roll`)
    pub old: String,
    /// The plan after: a file, or `REV:PATH`
    pub new: String,
    /// Output format
    #[arg(long, value_parser = formats(&[Format::Human, Format::Markdown, Format::Json]), default_value = "human")]
    pub format: Format,
    /// Exit 3 instead of 1 when a change is risky
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

pub fn run(args: &Args) -> ExitCode {
    let json_out = args.format == Format::Json;
    let mut loaded = Vec::with_capacity(2);
    for spec in [&args.old, &args.new] {
        match read(spec) {
            Ok(l) => loaded.push((spec, l)),
            Err(e) => {
                e.print(json_out);
                return ExitCode::UsageOrIo;
            }
        }
    }
    // The two plans compile independently: on two threads, a large diff takes half the time.
    let compiled: Vec<Result<Side, Vec<Diagnostic>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = loaded
            .iter()
            .map(|(_, l)| scope.spawn(move || compile(l)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut sides = Vec::with_capacity(2);
    for ((spec, l), result) in loaded.iter().zip(compiled) {
        match result {
            Ok(side) => sides.push(side),
            Err(diagnostics) => {
                if json_out {
                    out!("{}", render::json(&diagnostics, &l.sources));
                } else {
                    super::write_stderr(&render::human(&diagnostics, &l.sources, stderr_color()));
                    errln!(
                        "error: `{spec}` does not compile to a plan, so there is nothing to compare"
                    );
                }
                return ExitCode::UsageOrIo;
            }
        }
    }
    let d = crate::diff::diff(&sides[0], &sides[1]);
    let text = match args.format {
        Format::Markdown => markdown::render(&d),
        Format::Json => json::render(&d),
        // The parser admits only human, Markdown and JSON.
        _ => human::render(&d, stdout_color()),
    };
    // Each renderer escaped the plans' texts for its format (the human one before colouring).
    out!("{text}");
    if d.is_empty() {
        ExitCode::Ok
    } else if args.fail_on == Some(FailOn::Risk) && d.is_risky() {
        ExitCode::Risky
    } else {
        ExitCode::PlanProblems
    }
}

fn compile(loaded: &Loaded) -> Result<Side, Vec<Diagnostic>> {
    match &loaded.unreadable {
        Some(d) => Err(vec![d.clone()]),
        None => Side::compile(&loaded.sources, loaded.file).map_err(Errors::into_vec),
    }
}

/// A file if one exists at `spec`, else `REV:PATH` through `git show`.
fn read(spec: &str) -> Result<Loaded, UsageError> {
    if Path::new(spec).exists() {
        return load(Path::new(spec));
    }
    let Some((rev, path)) = spec
        .split_once(':')
        .filter(|(r, p)| !r.is_empty() && !p.is_empty())
    else {
        return load(Path::new(spec));
    };
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .map_err(|e| UsageError {
            code: "git_failed",
            message: format!("cannot run `git show {spec}`: {e}"),
            help: "install git, or compare two files".to_owned(),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(UsageError {
            code: "git_failed",
            message: format!("`git show {spec}` failed: {}", stderr.trim()),
            help: "run from inside the repository, and check that the revision and path exist (`git show REV:PATH`)".to_owned(),
        });
    }
    Ok(from_bytes(spec.to_owned(), &output.stdout))
}
