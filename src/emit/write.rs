//! Putting generated files on disk, and comparing them with what is there (`--check`).
//!
//! Every file is written atomically: the bytes go to a temporary file in the same folder, are
//! flushed to disk, and the temporary file is renamed over the target, so a reader (or a crash)
//! sees the old file or the new one, never half of one. On any failure the temporary file is
//! removed. Names are checked to be plain file names, so nothing is written outside the folder.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use super::{OutFile, Target};

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

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// Replaces `path` with what `fill` writes into a temporary file beside it. If `fill`, the
/// flush or the rename fails, the temporary file is removed and `path` is left as it was.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let temp = dir.join(format!(
        ".{}.rollplan-tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    // A temporary file left by a killed run with the same process id is ours to replace.
    let _ = fs::remove_file(&temp);
    let mut temp_file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    let result = fill(&mut temp_file)
        .and_then(|()| temp_file.sync_all())
        .and_then(|()| {
            drop(temp_file);
            fs::rename(&temp, path)
        });
    match result {
        Ok(()) => {
            // The rename is durable once the folder is synced; not every platform can open a
            // folder for that, and the file itself is already safe, so a failure here is fine.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        }
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
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

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failing_write_leaves_the_old_file_and_no_temporary() {
        let dir = std::env::temp_dir().join(format!("rollplan-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("01-a.toml");
        write_atomic(&path, b"old\n").unwrap();
        let failed = write_with(&path, |f| {
            f.write_all(b"half of the ne")?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "disk full");
        assert_eq!(fs::read(&path).unwrap(), b"old\n");
        assert_eq!(leftovers(&dir), ["01-a.toml"]);
        fs::remove_dir_all(&dir).unwrap();
    }

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
