//! Reading plans: finding the plan when no file is named, reading bytes, decoding them, and
//! usage errors (exit 2) for what cannot be read.

use crate::diagnostic::UsageCode;
use std::fmt;
use std::path::{Path, PathBuf};

use super::report::Failure;
use crate::Compiled;
use crate::diagnostic::problem::{FileKind, ReadProblem};
use crate::diagnostic::{Diagnostic, Problem};
use crate::model::{PhaseId, Plan};
use crate::read::{Links, ReadError, read_bounded, read_file};
use crate::source::{FileId, SourceMap, decode};

/// Source files larger than this are refused (the read stops one byte past it): spans are
/// 32-bit, and a plan or scenario this large is a mistake.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A problem with the command line or the file system, not with a plan: exit code 2.
#[derive(Debug)]
pub struct UsageError {
    /// Stable code, printed as `rollplan::<code>`.
    pub code: UsageCode,
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
    /// An argument whose value cannot be used: `message` says which and why, `help` how to fix it.
    pub fn invalid_argument(message: String, help: String) -> Self {
        UsageError {
            code: UsageCode::InvalidArgument,
            message,
            help,
        }
    }

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
            outln!("{}", super::json_text(&value));
        } else {
            errln!("{self}");
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
                    code: UsageCode::AmbiguousPlan,
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
        code: UsageCode::PlanNotFound,
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

/// One source file read into a source map.
#[derive(Debug)]
pub struct SourceRead {
    pub file: FileId,
    /// Set when the bytes cannot be used at all (too large, not UTF-8); the file is still in
    /// the map (empty, or decoded lossily) so the diagnostic can point into it.
    pub unreadable: Option<Diagnostic>,
    /// The bytes started with a UTF-8 byte order mark, which the text leaves out.
    pub bom: bool,
}

/// What a source file holds, for the words of its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Plan,
    Scenario,
}

impl SourceKind {
    fn noun(self) -> &'static str {
        match self {
            SourceKind::Plan => "plan",
            SourceKind::Scenario => "scenario",
        }
    }

    fn file_kind(self) -> FileKind {
        match self {
            SourceKind::Plan => FileKind::Plan,
            SourceKind::Scenario => FileKind::Scenario,
        }
    }
}

/// Reads a plan file into a new source map (see [`read_source`]).
pub fn load(path: &Path) -> Result<Loaded, UsageError> {
    let mut sources = SourceMap::new();
    let read = read_source(&mut sources, path, SourceKind::Plan)?;
    Ok(Loaded {
        sources,
        file: read.file,
        unreadable: read.unreadable,
    })
}

/// Reads one source file (a plan or a scenario) into `sources`: the one way `check`, `fmt`,
/// `simulate` and `diff` read what they are given. The read is bounded by [`MAX_FILE_BYTES`]
/// whatever size the file reports, and anything but a regular file (a folder, a FIFO, a
/// device) is refused before a byte is read. A file that is too large or not UTF-8 is still
/// added (empty, or decoded lossily) and its diagnostic returned beside it, so the diagnostic
/// can point into it.
pub fn read_source(
    sources: &mut SourceMap,
    path: &Path,
    kind: SourceKind,
) -> Result<SourceRead, UsageError> {
    let name = path.display().to_string();
    match read_file(path, MAX_FILE_BYTES, Links::Follow) {
        Ok(bytes) => Ok(add_bytes(sources, name, &bytes, kind)),
        Err(ReadError::TooLarge { size }) => Ok(too_large(sources, name, size, kind)),
        Err(ReadError::NotRegular(what)) => Err(not_a_file(&name, what, kind)),
        Err(ReadError::Io(e)) => Err(UsageError {
            code: UsageCode::IoError,
            message: match kind {
                SourceKind::Plan => format!("cannot read `{name}`: {e}"),
                SourceKind::Scenario => format!("cannot read scenario `{name}`: {e}"),
            },
            help: "check that the path exists and is a readable file".to_owned(),
        }),
    }
}

/// Reads stdin (`-`) into `sources` as `<stdin>`, bounded like a file.
pub fn read_stdin(sources: &mut SourceMap, kind: SourceKind) -> Result<SourceRead, UsageError> {
    let name = "<stdin>".to_owned();
    match read_bounded(std::io::stdin().lock(), MAX_FILE_BYTES) {
        Ok(bytes) => Ok(add_bytes(sources, name, &bytes, kind)),
        Err(ReadError::TooLarge { size }) => Ok(too_large(sources, name, size, kind)),
        Err(e) => Err(UsageError {
            code: UsageCode::IoError,
            message: format!("cannot read stdin: {e}"),
            help: "pipe a plan into stdin, or name the file".to_owned(),
        }),
    }
}

fn not_a_file(name: &str, what: &str, kind: SourceKind) -> UsageError {
    if what == "a folder" {
        return UsageError {
            code: UsageCode::IoError,
            message: format!("`{name}` is a folder, not a {} file", kind.noun()),
            help: match kind {
                SourceKind::Plan => "name a `.roll` file inside it",
                SourceKind::Scenario => "name a YAML file inside it",
            }
            .to_owned(),
        };
    }
    UsageError {
        code: UsageCode::NotAFile,
        message: format!(
            "`{name}` is {what}, not a regular file, so rollplan does not read it as a {}",
            kind.noun()
        ),
        help: "save the text to a regular file and name that file (or pipe it to `-` where the command takes stdin)".to_owned(),
    }
}

fn too_large(
    sources: &mut SourceMap,
    name: String,
    size: Option<u64>,
    kind: SourceKind,
) -> SourceRead {
    let file = sources.add(name.clone(), "");
    let unreadable = ReadProblem::FileTooLarge {
        kind: kind.file_kind(),
        name,
        size,
        max: MAX_FILE_BYTES,
    }
    .at(sources.get(file).span(0..0));
    SourceRead {
        file,
        unreadable: Some(unreadable),
        bom: false,
    }
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
    let read = add_bytes(&mut sources, name, bytes, SourceKind::Plan);
    Loaded {
        sources,
        file: read.file,
        unreadable: read.unreadable,
    }
}

/// Decodes `bytes` (see [`decode`]) and adds them to `sources`; bytes that are not UTF-8 are
/// added lossily, with an `invalid_utf8` diagnostic on the first bad byte.
pub fn add_bytes(
    sources: &mut SourceMap,
    name: String,
    bytes: &[u8],
    kind: SourceKind,
) -> SourceRead {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    match decode(bytes) {
        Ok(text) => SourceRead {
            file: sources.add(name, text),
            unreadable: None,
            bom,
        },
        Err(bad) => {
            let skip = if bom { 3 } else { 0 };
            let text = String::from_utf8_lossy(&bytes[skip..]).into_owned();
            let file = sources.add(name, text);
            let source = sources.get(file);
            let end = source
                .text
                .get(bad..)
                .and_then(|s| s.chars().next())
                .map_or(bad, |c| bad + c.len_utf8());
            let diagnostic = ReadProblem::InvalidUtf8 {
                kind: kind.file_kind(),
                offset: bad + skip,
            }
            .at(source.span(bad..end));
            SourceRead {
                file,
                unreadable: Some(diagnostic),
                bom,
            }
        }
    }
}

/// Whether to colour output written to stderr (see [`super::color`]).
pub fn stderr_color() -> bool {
    super::color::stderr()
}

/// Whether to colour output written to stdout (see [`super::color`]).
pub fn stdout_color() -> bool {
    super::color::stdout()
}

/// The phase `id` names, or a usage error listing the plan's phases.
pub fn phase(plan: &Plan, id: &str) -> Result<PhaseId, UsageError> {
    plan.phase_named(id).ok_or_else(|| UsageError {
        code: UsageCode::UnknownPhase,
        message: format!("the plan has no phase `{id}`"),
        help: format!(
            "name one of: {}",
            plan.phases
                .iter()
                .map(|p| format!("`{}`", p.id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}
