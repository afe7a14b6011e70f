//! Reading plans: finding the plan when no file is named, reading bytes, decoding them, and
//! usage errors (exit 2) for what cannot be read.

use std::fmt;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use super::report::Failure;
use crate::Compiled;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, decode};

/// Files larger than this are refused before reading: spans are 32-bit, and a plan this large
/// is a mistake.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A problem with the command line or the file system, not with a plan: exit code 2.
#[derive(Debug)]
pub struct UsageError {
    /// Stable code, printed as `rollplan::<code>`.
    pub code: &'static str,
    pub message: String,
    pub help: String,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error[rollplan::{}]: {}\n  help: {}",
            self.code, self.message, self.help
        )
    }
}

impl UsageError {
    /// The error as one entry of a JSON `diagnostics` list.
    pub fn json_diagnostic(&self) -> serde_json::Value {
        serde_json::json!({
            "code": format!("rollplan::{}", self.code),
            "severity": "error",
            "message": self.message,
            "help": self.help,
        })
    }

    /// Prints the error: a JSON document on stdout, or text on stderr.
    pub fn print(&self, json: bool) {
        if json {
            let value = serde_json::json!({
                "diagnostics": [self.json_diagnostic()],
                "errors": 1,
                "warnings": 0,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        } else {
            eprintln!("{self}");
        }
    }
}

/// The plan to use when none is named: the single `*.roll` directly in `plans/`, else the
/// single one in the current folder.
pub fn locate_plan(named: Option<&Path>) -> Result<PathBuf, UsageError> {
    if let Some(path) = named {
        return Ok(path.to_owned());
    }
    for folder in [Path::new("plans"), Path::new(".")] {
        let mut candidates: Vec<PathBuf> = match std::fs::read_dir(folder) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "roll") && p.is_file())
                .collect(),
            Err(_) => continue,
        };
        candidates.sort();
        match candidates.len() {
            0 => {}
            1 => return Ok(candidates.remove(0)),
            _ => {
                let list: Vec<String> = candidates
                    .iter()
                    .map(|p| format!("  {}", p.display()))
                    .collect();
                return Err(UsageError {
                    code: "ambiguous_plan",
                    message: format!(
                        "{} plans found in `{}`, so which one to use is unclear:\n{}",
                        candidates.len(),
                        folder.display(),
                        list.join("\n")
                    ),
                    help: "name the plan: `rollplan check plans/NAME.roll`".to_owned(),
                });
            }
        }
    }
    Err(UsageError {
        code: "plan_not_found",
        message: "no plan named, and no `*.roll` file in `plans/` or the current folder".to_owned(),
        help: "name the plan: `rollplan check path/to/plan.roll`".to_owned(),
    })
}

/// A plan read into a source map. Bytes that are not UTF-8 still load (lossily) so the
/// diagnostic can show where the bad byte is.
pub struct Loaded {
    pub sources: SourceMap,
    pub file: FileId,
    /// Set when the bytes could not be used as a plan at all (bad encoding, too large).
    pub unreadable: Option<Diagnostic>,
}

pub fn load(path: &Path) -> Result<Loaded, UsageError> {
    let name = path.display().to_string();
    let io_error = |e: std::io::Error| UsageError {
        code: "io_error",
        message: format!("cannot read `{name}`: {e}"),
        help: "check that the path exists and is a readable file".to_owned(),
    };
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(UsageError {
            code: "io_error",
            message: format!("`{name}` is a folder, not a plan file"),
            help: "name a `.roll` file inside it".to_owned(),
        });
    }
    let mut sources = SourceMap::new();
    if meta.len() > MAX_FILE_BYTES {
        let file = sources.add(name.clone(), "");
        let diagnostic = Diagnostic::new(
            Code::FileTooLarge,
            format!(
                "`{name}` is {} bytes; rollplan reads plans up to {MAX_FILE_BYTES} bytes",
                meta.len()
            ),
            sources.get(file).span(0..0),
            "file too large",
        )
        .help("split the rollout into several plans");
        return Ok(Loaded {
            sources,
            file,
            unreadable: Some(diagnostic),
        });
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    Ok(from_bytes(name, &bytes))
}

/// Finds and reads the plan (the one named, or the one [`locate_plan`] finds); bytes that
/// cannot be a plan are a [`Failure::Diagnostics`].
pub fn read_plan(named: Option<&Path>) -> Result<(SourceMap, FileId), Failure> {
    let loaded = load(&locate_plan(named)?)?;
    match loaded.unreadable {
        Some(d) => Err(Failure::Diagnostics(vec![d], loaded.sources)),
        None => Ok((loaded.sources, loaded.file)),
    }
}

/// A plan that compiled, with the sources its warnings point into.
pub struct CompiledPlan {
    pub sources: SourceMap,
    pub file: FileId,
    pub compiled: Compiled,
}

/// Finds, reads and compiles the plan: the start of every subcommand that works on one plan.
pub fn compile_plan(named: Option<&Path>) -> Result<CompiledPlan, Failure> {
    let (sources, file) = read_plan(named)?;
    match crate::compile(&sources, file) {
        Ok(compiled) => Ok(CompiledPlan {
            sources,
            file,
            compiled,
        }),
        Err(errors) => Err(Failure::Diagnostics(errors.into_vec(), sources)),
    }
}

/// Loads bytes given in memory (stdin, tests, fuzzing) as [`load`] does a file.
pub fn from_bytes(name: String, bytes: &[u8]) -> Loaded {
    let mut sources = SourceMap::new();
    match decode(bytes) {
        Ok(text) => {
            let file = sources.add(name, text);
            Loaded {
                sources,
                file,
                unreadable: None,
            }
        }
        Err(bad) => {
            let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            let text = String::from_utf8_lossy(&bytes[bom..]).into_owned();
            let file = sources.add(name, text);
            let source = sources.get(file);
            let end = source
                .text
                .get(bad..)
                .and_then(|s| s.chars().next())
                .map_or(bad, |c| bad + c.len_utf8());
            let diagnostic = Diagnostic::new(
                Code::InvalidUtf8,
                format!(
                    "the file is not valid UTF-8: byte {} cannot be decoded",
                    bad + bom
                ),
                source.span(bad..end),
                "invalid byte here",
            )
            .help("save the plan as UTF-8 text");
            Loaded {
                sources,
                file,
                unreadable: Some(diagnostic),
            }
        }
    }
}

/// Whether to colour output written to stderr: only on a terminal, and never under `NO_COLOR`.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether to colour output written to stdout, by the same rule as [`stderr_color`].
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
