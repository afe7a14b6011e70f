//! `rollplan diff OLD NEW`: the semantic diff of two plans. Each side is a file, or
//! `git:REV:PATH` read with `git show` from the repository of the current folder; a bare
//! `REV:PATH` is read from git when no file has that name (and warned about when one does,
//! since a pull request can add such a file to compare itself with itself). A side that does
//! not parse or resolve has no model to compare: its diagnostics are printed and the exit code
//! is 2. A side that resolves but fails `check` is compared, and the diff says it fails.

use crate::diagnostic::UsageCode;
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
    /// The plan before: a file, or `git:REV:PATH` read from git (`git:main:plans/entity.roll`)
    pub old: String,
    /// The plan after: a file, or `git:REV:PATH`
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

/// How a side is named: `git:REV:PATH` is always git; otherwise a file when one exists at
/// `spec`, else `REV:PATH` through git.
fn read(spec: &str) -> Result<Loaded, UsageError> {
    if let Some(rest) = spec.strip_prefix("git:") {
        let Some((rev, path)) = rest
            .split_once(':')
            .filter(|(r, p)| !r.is_empty() && !p.is_empty())
        else {
            return Err(UsageError {
                code: UsageCode::InvalidRevision,
                message: format!("`{spec}` is not of the form `git:REV:PATH`"),
                help: "name a revision and a path: `git:origin/main:plans/entity.roll`".to_owned(),
            });
        };
        return git_show(spec, rev, path);
    }
    let revision = spec
        .split_once(':')
        .filter(|(r, p)| !r.is_empty() && !p.is_empty());
    if Path::new(spec).exists() {
        if let Some((rev, path)) = revision {
            if is_revision(rev, path) {
                errln!(
                    "warning[rollplan::ambiguous_revision]: `{spec}` is both a file and a git revision; comparing the file\n  help: write `git:{spec}` for the revision, or `./{spec}` for the file"
                );
            }
        }
        return load(Path::new(spec));
    }
    match revision {
        Some((rev, path)) => git_show(spec, rev, path),
        None => load(Path::new(spec)),
    }
}

/// Refuses a revision git would read as an option (`--output=FILE` writes a file).
fn checked_revision<'r>(spec: &str, rev: &'r str) -> Result<&'r str, UsageError> {
    if rev.starts_with('-') {
        return Err(UsageError {
            code: UsageCode::InvalidRevision,
            message: format!("the revision of `{spec}` starts with `-`, which git reads as an option"),
            help: "name a revision that is a branch, tag or commit: `git:origin/main:plans/entity.roll`"
                .to_owned(),
        });
    }
    Ok(rev)
}

/// Whether `REV:PATH` names a file in git (quietly: no output, any failure is "no").
fn is_revision(rev: &str, path: &str) -> bool {
    !rev.starts_with('-')
        && Command::new("git")
            .args(["cat-file", "-e", "--end-of-options"])
            .arg(format!("{rev}:{path}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// `git show --end-of-options REV:PATH --`: nothing in the argument is an option or a path.
fn git_show(spec: &str, rev: &str, path: &str) -> Result<Loaded, UsageError> {
    let rev = checked_revision(spec, rev)?;
    let output = Command::new("git")
        .args(["show", "--end-of-options"])
        .arg(format!("{rev}:{path}"))
        // Nothing after: a file named like the revision must not make git ask which is meant.
        .arg("--")
        .output()
        .map_err(|e| UsageError {
            code: UsageCode::GitFailed,
            message: format!("cannot run `git show {rev}:{path}`: {e}"),
            help: "install git, or compare two files".to_owned(),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(UsageError {
            code: UsageCode::GitFailed,
            message: format!("`git show {rev}:{path}` failed: {}", stderr.trim()),
            help: "run from inside the repository, and check that the revision and path exist (`git show REV:PATH`)".to_owned(),
        });
    }
    Ok(from_bytes(spec.to_owned(), &output.stdout))
}
