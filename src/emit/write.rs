//! Putting generated files on disk, and comparing them with what is there (`--check`).
//!
//! A run holds an exclusive lock on the folder (see [`Lock`]), removes the
//! temporary files a killed run of this target left, writes every file to a temporary name
//! first and renames them only when all are written (so a failure leaves the folder as it
//! was), keeps the mode of each file it replaces, and removes the files of this target that the
//! plan no longer produces. A file is this target's when its name is one the target writes and
//! it is a regular file carrying the generated header ([`DO_NOT_EDIT`]); nothing else is ever
//! removed. Names are checked to be plain file names, so nothing is written outside the folder,
//! and `--check` reads without following links, only regular files, with a bound.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

pub use super::lock::{LOCK_FILE, Lock, LockError};
use super::{DO_NOT_EDIT, OutFile, Target};
use crate::output::{Staged, sync_folder, temp_target};
use crate::read::{Links, ReadError, read_file};

/// A file that could not be written, with the reason.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl WriteError {
    pub(super) fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
        move |error| WriteError {
            path: path.to_owned(),
            error,
        }
    }
}

/// What a run changed besides writing its files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files of this target the plan no longer produces, removed.
    pub removed: Vec<String>,
    /// Temporary files a killed run left, removed.
    pub leftovers: Vec<String>,
}

/// Joins a generated file name to the output folder, refusing anything but a plain name.
pub fn inside(dir: &Path, name: &str) -> Result<PathBuf, WriteError> {
    let mut parts = Path::new(name).components();
    let plain = matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(_)), None)
    ) && !name.contains(['/', '\\'])
        && !name.starts_with('.');
    if plain {
        Ok(dir.join(name))
    } else {
        Err(WriteError {
            path: dir.join(name),
            error: io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{name}` is not a plain file name inside the output folder"),
            ),
        })
    }
}

/// Writes every file into `dir` (created if missing) under the folder's lock: all temporary
/// files first, then every rename. With `whole` (a run over every phase), files of this target
/// that the plan no longer produces are removed afterwards.
pub fn write_all(
    dir: &Path,
    files: &[OutFile],
    target: Target,
    whole: bool,
) -> Result<Written, LockError> {
    fs::create_dir_all(dir).map_err(|e| LockError::Io(WriteError::at(dir)(e)))?;
    let _lock = Lock::take(dir)?;
    write_locked(dir, files, target, whole).map_err(LockError::Io)
}

fn write_locked(
    dir: &Path,
    files: &[OutFile],
    target: Target,
    whole: bool,
) -> Result<Written, WriteError> {
    let mut written = Written {
        leftovers: leftovers(dir, target),
        removed: Vec::new(),
    };
    for name in &written.leftovers {
        let path = dir.join(name);
        fs::remove_file(&path).map_err(WriteError::at(&path))?;
    }
    let mut paths = Vec::with_capacity(files.len());
    for file in files {
        let path = inside(dir, &file.name)?;
        // A folder in a file's place would fail its rename after others were renamed.
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(WriteError {
                error: io::Error::new(io::ErrorKind::IsADirectory, "a folder is in its place"),
                path,
            });
        }
        paths.push(path);
    }
    // Every file is written before any is renamed: a failure drops the staged files, which
    // removes them, and the folder is as it was.
    let mut staged = Vec::with_capacity(files.len());
    for (file, path) in files.iter().zip(&paths) {
        let bytes = &file.bytes;
        staged.push(
            Staged::new(path, |f| io::Write::write_all(f, bytes)).map_err(WriteError::at(path))?,
        );
    }
    for file in staged {
        let path = file.target().to_owned();
        file.commit().map_err(WriteError::at(&path))?;
    }
    if whole {
        written.removed = no_longer_produced(dir, files, target);
        for name in &written.removed {
            let path = dir.join(name);
            fs::remove_file(&path).map_err(WriteError::at(&path))?;
        }
    }
    sync_folder(dir);
    Ok(written)
}

/// Temporary files of this target in `dir` (regular files only), sorted.
fn leftovers(dir: &Path, target: Target) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| temp_target(n).is_some_and(|t| target.owns(t)))
        .filter(|n| fs::symlink_metadata(dir.join(n)).is_ok_and(|m| m.is_file()))
        .collect()
}

/// Files of this target in `dir` that are not among `files`: named as the target names its
/// files, regular, and carrying the generated header. Sorted.
fn no_longer_produced(dir: &Path, files: &[OutFile], target: Target) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| target.owns(n) && !files.iter().any(|f| &f.name == n))
        .filter(|n| generated(&dir.join(n)))
        .collect()
}

/// The most of a file read to look for the generated header.
const HEADER_SCAN_BYTES: u64 = 64 << 20;

/// Whether the file at `path` is a regular file (not a link) that rollplan generated.
fn generated(path: &Path) -> bool {
    read_file(path, HEADER_SCAN_BYTES, Links::Refuse).is_ok_and(|bytes| {
        bytes
            .windows(DO_NOT_EDIT.len())
            .any(|w| w == DO_NOT_EDIT.as_bytes())
    })
}

/// The names of the entries of `dir` that are UTF-8, sorted; none if it cannot be read.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Why a file in the output folder is out of step with the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file would be written but is not there.
    Missing(String),
    /// The file differs: a short unified diff from what is there to what would be written.
    Differs { name: String, diff: String },
    /// A file of this target that the plan no longer produces (a removed phase, say).
    Unexpected(String),
    /// Something other than a regular file is where the file goes (a link, a folder, a FIFO);
    /// it is not read.
    NotRegular { name: String, kind: &'static str },
    /// A temporary file a killed run left.
    Leftover(String),
}

impl Stale {
    pub fn name(&self) -> &str {
        match self {
            Stale::Missing(n)
            | Stale::Unexpected(n)
            | Stale::Leftover(n)
            | Stale::Differs { name: n, .. }
            | Stale::NotRegular { name: n, .. } => n,
        }
    }
}

/// Lines of diff shown per stale file.
const DIFF_LINES: usize = 20;

/// How much larger than the file it expects `--check` reads before calling a file different.
const CHECK_SLACK_BYTES: u64 = 1 << 20;

/// Compares the files in `dir` with `files`, under a shared lock (so not while a run writes
/// there). Reading errors other than a missing file are returned as errors. Nothing is
/// followed or read but regular files, each with a bound.
pub fn check(
    dir: &Path,
    files: &[OutFile],
    target: Target,
    whole: bool,
) -> Result<Vec<Stale>, LockError> {
    let _lock = Lock::share(dir)?;
    check_locked(dir, files, target, whole).map_err(LockError::Io)
}

fn check_locked(
    dir: &Path,
    files: &[OutFile],
    target: Target,
    whole: bool,
) -> Result<Vec<Stale>, WriteError> {
    let mut stale = Vec::new();
    for file in files {
        let path = inside(dir, &file.name)?;
        let limit = (file.bytes.len() as u64).saturating_add(CHECK_SLACK_BYTES);
        match read_file(&path, limit, Links::Refuse) {
            Ok(bytes) if bytes == file.bytes => {}
            Ok(bytes) => stale.push(Stale::Differs {
                name: file.name.clone(),
                diff: short_diff(&file.name, &bytes, &file.bytes),
            }),
            Err(ReadError::TooLarge { .. }) => stale.push(Stale::Differs {
                name: file.name.clone(),
                diff: format!(
                    "(on disk it is over {limit} bytes, far more than the {} the plan gives)\n",
                    file.bytes.len()
                ),
            }),
            Err(ReadError::NotRegular(kind)) => stale.push(Stale::NotRegular {
                name: file.name.clone(),
                kind,
            }),
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(file.name.clone()));
            }
            Err(ReadError::Io(error)) => return Err(WriteError { path, error }),
        }
    }
    // Only a whole-plan run knows every file the target should have written.
    if whole {
        stale.extend(
            no_longer_produced(dir, files, target)
                .into_iter()
                .map(Stale::Unexpected),
        );
    }
    stale.extend(leftovers(dir, target).into_iter().map(Stale::Leftover));
    Ok(stale)
}

/// A unified diff of at most [`DIFF_LINES`] lines.
fn short_diff(name: &str, old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header(
            &format!("{name} (on disk)"),
            &format!("{name} (from the plan)"),
        )
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[..lines.len().min(DIFF_LINES)].join("\n");
    out.push('\n');
    if lines.len() > DIFF_LINES {
        out = format!("{out}… {} more diff lines\n", lines.len() - DIFF_LINES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        let dir = Path::new("out");
        for bad in [
            "../x.toml",
            "/etc/passwd",
            "a/b.toml",
            "..",
            ".",
            "",
            ".hidden",
            "a\\b",
        ] {
            assert!(inside(dir, bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(inside(dir, "01-a.toml").unwrap(), dir.join("01-a.toml"));
    }
}
