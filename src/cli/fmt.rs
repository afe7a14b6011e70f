//! `rollplan fmt [FILE…]`: rewrite plans in the canonical layout (see `docs/fmt.md`). Files are
//! replaced atomically (see [`crate::output`]) and only when their bytes change; `--check`
//! changes nothing and shows a unified diff of each file that is not formatted; `-` formats
//! stdin to stdout. A plan that does not parse is reported and left alone.

use crate::diagnostic::UsageCode;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::input::{
    Loaded, SourceKind, SourceRead, UsageError, locate_plan, read_source, read_stdin, stderr_color,
};
use super::{ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::diagnostic::{Diagnostic, render};
use crate::read::Links;
use crate::source::SourceMap;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plans, or folders searched for `*.roll` files; `-` reads stdin and writes stdout. By
    /// default the single `*.roll` in `plans/` or the current folder
    pub files: Vec<PathBuf>,
    /// Write nothing: exit 1 and show a diff for each file that is not formatted
    #[arg(long)]
    pub check: bool,
    /// Output format
    #[arg(long, value_parser = formats(HUMAN_OR_JSON), default_value = "human")]
    pub format: Format,
}

/// What happened to one input.
enum Outcome {
    /// Already in the canonical layout.
    Formatted,
    /// Rewritten (or, for stdin, printed).
    Reformatted,
    /// `--check`: not formatted; the unified diff from the input to the formatted text.
    Unformatted(String),
    /// The plan does not parse (or the formatter refused its own output).
    Problems(Box<Loaded>, Vec<Diagnostic>),
    Io(UsageError),
}

struct Report {
    name: String,
    outcome: Outcome,
    /// The formatted text of stdin, for `-` without `--check`.
    stdout: Option<String>,
}

pub fn run(args: &Args) -> ExitCode {
    let json = args.format == Format::Json;
    let targets = match targets(&args.files) {
        Ok(t) => t,
        Err(e) => {
            e.print(json);
            return ExitCode::UsageOrIo;
        }
    };
    let reports: Vec<Report> = targets
        .iter()
        .map(|target| match target {
            Input::Stdin => format_stdin(args.check),
            Input::Named(path) => format_file(path, args.check, Links::Follow),
            Input::Found(path) => format_file(path, args.check, Links::Refuse),
        })
        .collect();
    if json {
        print_json(&reports);
    } else {
        print_human(&reports, args.check);
    }
    reports
        .iter()
        .map(|r| match r.outcome {
            Outcome::Formatted | Outcome::Reformatted => ExitCode::Ok,
            Outcome::Unformatted(_) | Outcome::Problems(..) => ExitCode::PlanProblems,
            Outcome::Io(_) => ExitCode::UsageOrIo,
        })
        .max_by_key(|&code| code as u8)
        .unwrap_or(ExitCode::Ok)
}

/// One input of `fmt`.
enum Input {
    Stdin,
    /// Named on the command line (or found by [`locate_plan`]): a link is followed to its plan.
    Named(PathBuf),
    /// Found in a folder walk: written without following a link, so never outside the folder.
    Found(PathBuf),
}

/// The files to format, in order. Folders are searched recursively for `*.roll` files, sorted
/// by path so output is deterministic.
fn targets(named: &[PathBuf]) -> Result<Vec<Input>, UsageError> {
    if named.is_empty() {
        return Ok(vec![Input::Named(locate_plan(None)?)]);
    }
    let mut out = Vec::new();
    for path in named {
        if path.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if path.is_dir() {
            let mut found = Vec::new();
            collect_plans(path, &mut found)?;
            if found.is_empty() {
                // A check that passes because it found nothing to check would hide a wrong path.
                return Err(UsageError {
                    code: UsageCode::PlanNotFound,
                    message: format!("no `*.roll` file in `{}`", path.display()),
                    help: "name a folder that holds plans, or the plan files themselves".to_owned(),
                });
            }
            found.sort();
            out.extend(found.into_iter().map(Input::Found));
        } else {
            out.push(Input::Named(path.clone()));
        }
    }
    Ok(out)
}

/// The `*.roll` files under `folder`. Links are not followed, to folders (a link to `.` would
/// loop) or to files (the walk must not reach a plan outside the folder it was given).
fn collect_plans(folder: &Path, out: &mut Vec<PathBuf>) -> Result<(), UsageError> {
    let entries = std::fs::read_dir(folder).map_err(|e| io_error(folder, "read", &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(folder, "read", &e))?;
        let kind = entry
            .file_type()
            .map_err(|e| io_error(&entry.path(), "read", &e))?;
        let path = entry.path();
        if kind.is_dir() {
            collect_plans(&path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|x| x == "roll") {
            out.push(path);
        }
    }
    Ok(())
}

fn io_error(path: &Path, verb: &str, e: &std::io::Error) -> UsageError {
    UsageError {
        code: UsageCode::IoError,
        message: format!("cannot {verb} `{}`: {e}", path.display()),
        help: "check that the path exists and that you may read and write it".to_owned(),
    }
}

fn format_file(path: &Path, check: bool, links: Links) -> Report {
    let name = path.display().to_string();
    let report = |outcome| Report {
        name: name.clone(),
        outcome,
        stdout: None,
    };
    let mut sources = SourceMap::new();
    let read = match read_source(&mut sources, path, SourceKind::Plan) {
        Ok(r) => r,
        Err(e) => return report(Outcome::Io(e)),
    };
    let bom = read.bom;
    match format_source(sources, &read) {
        Err(outcome) => report(outcome),
        Ok((old, formatted)) if formatted == old && !bom => report(Outcome::Formatted),
        Ok((old, formatted)) if check => {
            report(Outcome::Unformatted(diff(&name, &old, &formatted)))
        }
        Ok((_, formatted)) => match write_atomically(path, formatted.as_bytes(), links) {
            Ok(()) => report(Outcome::Reformatted),
            Err(e) => report(Outcome::Io(e)),
        },
    }
}

fn format_stdin(check: bool) -> Report {
    let mut sources = SourceMap::new();
    let read = match read_stdin(&mut sources, SourceKind::Plan) {
        Ok(r) => r,
        Err(e) => {
            return Report {
                outcome: Outcome::Io(e),
                name: "<stdin>".to_owned(),
                stdout: None,
            };
        }
    };
    let name = sources.get(read.file).name.clone();
    let bom = read.bom;
    let (outcome, stdout) = match format_source(sources, &read) {
        Err(outcome) => (outcome, None),
        Ok((old, formatted)) if formatted == old && !bom => (Outcome::Formatted, Some(formatted)),
        Ok((old, formatted)) if check => {
            (Outcome::Unformatted(diff(&name, &old, &formatted)), None)
        }
        Ok((_, formatted)) => (Outcome::Reformatted, Some(formatted)),
    };
    Report {
        name,
        outcome,
        stdout: stdout.filter(|_| !check),
    }
}

/// The decoded input and its formatted text, or the diagnostics that stop formatting.
fn format_source(sources: SourceMap, read: &SourceRead) -> Result<(String, String), Outcome> {
    let loaded = |sources| {
        Box::new(Loaded {
            sources,
            file: read.file,
            unreadable: read.unreadable.clone(),
        })
    };
    if let Some(d) = read.unreadable.clone() {
        return Err(Outcome::Problems(loaded(sources), vec![d]));
    }
    let source = sources.get(read.file);
    match crate::fmt::format(source) {
        Ok(formatted) => Ok((source.text.to_string(), formatted)),
        Err(errors) => Err(Outcome::Problems(loaded(sources), errors.into_vec())),
    }
}

/// Replaces the plan at `path` with `bytes` atomically (see [`crate::output`]): a crash leaves
/// either the old plan or the new one, never half of one. With [`Links::Follow`], a link is
/// followed to the plan it names and stays a link; otherwise the file at `path` itself is
/// replaced, so nothing outside its folder is written.
fn write_atomically(path: &Path, bytes: &[u8], links: Links) -> Result<(), UsageError> {
    match links {
        Links::Follow => crate::output::rewrite_in_place(path, bytes),
        Links::Refuse => crate::output::write_atomic(path, bytes),
    }
    .map_err(|e| io_error(path, "write", &e))
}

fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

fn print_human(reports: &[Report], check: bool) {
    let color = stderr_color();
    let mut unformatted = Vec::new();
    for report in reports {
        match &report.outcome {
            Outcome::Reformatted if report.stdout.is_none() => {
                errln!("formatted {}", report.name);
            }
            Outcome::Formatted | Outcome::Reformatted => {}
            Outcome::Unformatted(diff) => {
                say!("{diff}");
                unformatted.push(report.name.as_str());
            }
            Outcome::Problems(loaded, diagnostics) => {
                super::write_stderr(&render::human(diagnostics, &loaded.sources, color));
                errln!(
                    "{} was not formatted: fix the errors above first",
                    report.name
                );
            }
            Outcome::Io(e) => e.print(false),
        }
        if let Some(text) = &report.stdout {
            out!("{text}");
        }
    }
    if check && !unformatted.is_empty() {
        errln!(
            "{} file{} not formatted (run `rollplan fmt` to fix):",
            unformatted.len(),
            if unformatted.len() == 1 {
                " is"
            } else {
                "s are"
            }
        );
        for name in unformatted {
            errln!("  {name}");
        }
    }
}

fn print_json(reports: &[Report]) {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let mut value = json!({ "file": r.name });
            match &r.outcome {
                Outcome::Formatted => value["status"] = json!("formatted"),
                Outcome::Reformatted => value["status"] = json!("reformatted"),
                Outcome::Unformatted(diff) => {
                    value["status"] = json!("unformatted");
                    value["diff"] = json!(diff);
                }
                Outcome::Problems(loaded, diagnostics) => {
                    value["status"] = json!("error");
                    value["diagnostics"] =
                        render::json_value(diagnostics, &loaded.sources)["diagnostics"].take();
                }
                Outcome::Io(e) => {
                    value["status"] = json!("io_error");
                    value["diagnostics"] = json!([e.json_diagnostic()]);
                }
            }
            if let Some(text) = &r.stdout {
                value["output"] = json!(text);
            }
            value
        })
        .collect();
    let count = |status: &str| files.iter().filter(|f| f["status"] == status).count();
    let value = json!({
        "ok": files.iter().all(|f| f["status"] == "formatted" || f["status"] == "reformatted"),
        "formatted": count("formatted"),
        "reformatted": count("reformatted"),
        "unformatted": count("unformatted"),
        "errors": count("error") + count("io_error"),
        "files": files,
    });
    outln!("{}", super::json_text(&value));
}
