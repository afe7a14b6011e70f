//! `rollplan emit --target T [FILE]`: write every phase's configuration (and rollback
//! configuration) in a flag system's format, or the checklists and calendar, to stdout or to
//! `--out DIR`; `--check` compares `DIR` with what would be written.

use crate::diagnostic::UsageCode;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::input::{CompiledPlan, UsageError, compile_plan};
use super::report::{Failure, report_diagnostics};
use super::{ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::emit::{self, Input, Target, write};
use crate::model::Moment;

/// `--target` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// One TOML file per phase, flags as nested tables
    Toml,
    /// One YAML file per phase, flags as nested mappings
    Yaml,
    /// The JSON contract (docs/emit.schema.json)
    Json,
    /// Dotenv lines, one variable per flag
    Env,
    /// Flag definitions for flagd and its file providers
    Flagd,
    /// The flag file of the launchdarkly server SDKs' file data source
    Launchdarkly,
    /// The Unleash client features document (bootstrap file)
    Unleash,
    /// The Unleash Admin API export/import document, to import a phase by hand
    UnleashImport,
    /// Markdown checklists with dates
    Checklist,
    /// An iCalendar file of phases and communication
    Ics,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Target {
        match t {
            TargetArg::Toml => Target::Toml,
            TargetArg::Yaml => Target::Yaml,
            TargetArg::Json => Target::Json,
            TargetArg::Env => Target::Env,
            TargetArg::Flagd => Target::Flagd,
            TargetArg::Launchdarkly => Target::LaunchDarkly,
            TargetArg::Unleash => Target::Unleash,
            TargetArg::UnleashImport => Target::UnleashImport,
            TargetArg::Checklist => Target::Checklist,
            TargetArg::Ics => Target::Ics,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// The format to write
    #[arg(long, short, value_enum)]
    pub target: TargetArg,
    /// Write one file per phase (and per rollback) into this folder instead of stdout
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Only this phase
    #[arg(long, value_name = "ID")]
    pub phase: Option<String>,
    /// Compare the files in --out with what would be written; exit 1 naming each stale file
    #[arg(long, requires = "out")]
    pub check: bool,
    /// Planned start (YYYY-MM-DD, or an RFC 3339 date-time) for the dates, overriding the plan's `start`
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// How errors and the --check report are printed
    #[arg(long, value_parser = formats(HUMAN_OR_JSON), default_value = "human")]
    pub format: Format,
}

pub fn run(args: &Args) -> ExitCode {
    let json = args.format == Format::Json;
    match execute(args, json) {
        Ok(code) => code,
        Err(failure) => failure.report(json),
    }
}

fn execute(args: &Args, json: bool) -> Result<ExitCode, Failure> {
    let start = args
        .start
        .as_deref()
        .map(|s| {
            Moment::parse(s).map_err(|_| UsageError {
                code: UsageCode::InvalidArgument,
                message: format!("`--start {s}` is not a calendar date or an RFC 3339 date-time"),
                help: "write the date as YYYY-MM-DD, e.g. `--start 2026-12-01`, or a date-time on a whole minute with `Z` or an offset, e.g. `--start 2026-12-01T09:00:00Z`".to_owned(),
            })
        })
        .transpose()?;
    let CompiledPlan {
        sources,
        file,
        compiled,
    } = compile_plan(args.file.as_deref())?;
    let sources = &sources;
    let plan = &compiled.plan;
    let only = match &args.phase {
        None => None,
        Some(id) => Some(super::input::phase(plan, id)?),
    };
    // The header records the plan's path as the same text from any working directory.
    let name = super::plan_path::recorded(Path::new(&sources.get(file).name), args.out.as_deref());
    let input = Input::new(&compiled, name, start);
    let target = Target::from(args.target);
    let Some(dir) = &args.out else {
        return Ok(match emit::stdout(&input, target, only) {
            Ok(text) => {
                out!("{text}");
                ExitCode::Ok
            }
            Err(e) => report_diagnostics(&[e.diagnostic()], sources, json),
        });
    };
    let files = match emit::files(&input, target, only) {
        Ok(f) => f,
        Err(e) => return Ok(report_diagnostics(&[e.diagnostic()], sources, json)),
    };
    if args.check {
        let stale =
            write::check(dir, &files, target, only.is_none()).map_err(|e| lock_error(dir, e))?;
        return Ok(check_report(dir, &stale, files.len(), json));
    }
    let written =
        write::write_all(dir, &files, target, only.is_none()).map_err(|e| lock_error(dir, e))?;
    if json {
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        outln!(
            "{}",
            super::json_text(&serde_json::json!({
                "out": dir.display().to_string(),
                "written": names,
                "removed": written.removed,
                "leftovers_removed": written.leftovers,
            }))
        );
    } else {
        for name in &written.removed {
            errln!(
                "removed {}: the plan no longer produces it",
                dir.join(name).display()
            );
        }
        if !written.leftovers.is_empty() {
            errln!(
                "removed {} temporary file{} left by an interrupted run",
                written.leftovers.len(),
                super::report::plural(written.leftovers.len())
            );
        }
        errln!("wrote {} files to {}", files.len(), dir.display());
    }
    Ok(ExitCode::Ok)
}

fn lock_error(dir: &Path, e: write::LockError) -> UsageError {
    match e {
        write::LockError::Held(lock) => UsageError {
            code: UsageCode::OutputLocked,
            message: format!(
                "another `rollplan emit` is writing to `{}` (it holds `{}`)",
                dir.display(),
                lock.display()
            ),
            help: "wait for it to finish, or write to another folder; the lock goes with the process that holds it".to_owned(),
        },
        write::LockError::Io(e) => io_error(&e),
    }
}

fn io_error(e: &write::WriteError) -> UsageError {
    UsageError {
        code: UsageCode::IoError,
        message: format!("cannot write `{}`: {}", e.path.display(), e.error),
        help: "check that the output folder exists or can be created, and is writable".to_owned(),
    }
}

fn check_report(
    dir: &std::path::Path,
    stale: &[write::Stale],
    total: usize,
    json: bool,
) -> ExitCode {
    if json {
        let items: Vec<serde_json::Value> = stale
            .iter()
            .map(|s| match s {
                write::Stale::Missing(n) => serde_json::json!({"file": n, "problem": "missing"}),
                write::Stale::Unexpected(n) => {
                    serde_json::json!({"file": n, "problem": "not produced by the plan"})
                }
                write::Stale::Differs { name, diff } => {
                    serde_json::json!({"file": name, "problem": "differs", "diff": diff})
                }
                write::Stale::NotRegular { name, kind } => {
                    serde_json::json!({"file": name, "problem": format!("{kind}, not a regular file")})
                }
                write::Stale::Leftover(n) => serde_json::json!({
                    "file": n,
                    "problem": "temporary file left by an interrupted run",
                }),
            })
            .collect();
        outln!(
            "{}",
            super::json_text(&serde_json::json!({
                "out": dir.display().to_string(),
                "ok": stale.is_empty(),
                "stale": items,
            }))
        );
    } else if stale.is_empty() {
        errln!("{}: {total} files up to date", dir.display());
    } else {
        for s in stale {
            let path = dir.join(s.name());
            match s {
                write::Stale::Missing(_) => errln!("stale: {} is missing", path.display()),
                write::Stale::Unexpected(_) => errln!(
                    "stale: {} is no longer produced by the plan",
                    path.display()
                ),
                write::Stale::Differs { diff, .. } => {
                    errln!("stale: {} differs from the plan", path.display());
                    super::write_stderr(&crate::escape::terminal(diff));
                }
                write::Stale::NotRegular { kind, .. } => errln!(
                    "stale: {} is {kind}, not a regular file (not read)",
                    path.display()
                ),
                write::Stale::Leftover(_) => errln!(
                    "stale: {} is a temporary file left by an interrupted run",
                    path.display()
                ),
            }
        }
        errln!(
            "{} of {total} files out of step; run the same command without --check to update them",
            stale.len()
        );
    }
    if stale.is_empty() {
        ExitCode::Ok
    } else {
        ExitCode::PlanProblems
    }
}
