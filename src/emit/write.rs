//! Putting generated files on disk, and comparing them with what is there (`--check`).
//!
//! Every file is written atomically by [`crate::output::write_atomic`]. Names are checked to be
//! plain file names, so nothing is written outside the folder.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{OutFile, Target};
use crate::output::write_atomic;

/// A file that could not be written, with the reason.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
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

/// Writes every file into `dir` (created if missing), each atomically.
pub fn write_all(dir: &Path, files: &[OutFile]) -> Result<(), WriteError> {
    fs::create_dir_all(dir).map_err(|error| WriteError {
        path: dir.to_owned(),
        error,
    })?;
    for file in files {
        let path = inside(dir, &file.name)?;
        write_atomic(&path, &file.bytes).map_err(|error| WriteError { path, error })?;
    }
    Ok(())
}

/// Why a file in the output folder is out of step with the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file would be written but is not there.
    Missing(String),
    /// The file differs: a short unified diff from what is there to what would be written.
    Differs { name: String, diff: String },
    /// A file this target writes that the plan no longer produces (a removed phase, say).
    Unexpected(String),
}

impl Stale {
    pub fn name(&self) -> &str {
        match self {
            Stale::Missing(n) | Stale::Unexpected(n) | Stale::Differs { name: n, .. } => n,
        }
    }
}

/// Lines of diff shown per stale file.
const DIFF_LINES: usize = 20;

/// Compares the files in `dir` with `files`. Reading errors other than a missing file are
/// returned as errors.
pub fn check(
    dir: &Path,
    files: &[OutFile],
    target: Target,
    whole: bool,
) -> Result<Vec<Stale>, WriteError> {
    let mut stale = Vec::new();
    for file in files {
        let path = inside(dir, &file.name)?;
        match fs::read(&path) {
            Ok(bytes) if bytes == file.bytes => {}
            Ok(bytes) => stale.push(Stale::Differs {
                name: file.name.clone(),
                diff: short_diff(&file.name, &bytes, &file.bytes),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(file.name.clone()));
            }
            Err(error) => return Err(WriteError { path, error }),
        }
    }
    // Only a whole-plan run knows every file the target should have written.
    if whole {
        if let Ok(entries) = fs::read_dir(dir) {
            let mut extra: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| target.owns(n) && !files.iter().any(|f| &f.name == n))
                .collect();
            extra.sort();
            stale.extend(extra.into_iter().map(Stale::Unexpected));
        }
    }
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
