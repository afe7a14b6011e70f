//! Replacing files on disk atomically: the one way rollplan writes a file (`emit` for generated
//! configuration, `fmt` for rewritten plans).
//!
//! The bytes go to a temporary file in the same folder (`.NAME.rollplan-tmp-PID`, see
//! [`temp_name`]), are flushed to disk, and the temporary file is renamed over the target, so
//! a reader (or a crash) sees the old file or the new one, never half of one. On any failure
//! the temporary file is removed and the target is left as it was. A file that is replaced
//! keeps its permissions. [`Staged`] splits the two steps, so that a caller replacing several
//! files can write them all before renaming any. This module knows nothing of plans or formats.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// What follows a target's name in the name of its temporary file.
const TEMP_MARK: &str = ".rollplan-tmp-";

/// The temporary file name for `name` in this process: `.NAME.rollplan-tmp-PID`.
pub fn temp_name(name: &str) -> String {
    format!(".{name}{TEMP_MARK}{}", std::process::id())
}

/// The name of the file a temporary file was for, if `file_name` is one (of any process).
pub fn temp_target(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix('.')?;
    let at = rest.rfind(TEMP_MARK)?;
    let pid = &rest[at + TEMP_MARK.len()..];
    let target = &rest[..at];
    (!target.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then_some(target)
}

/// A file written to its temporary name and flushed, not yet renamed over its target. Dropped
/// without [`commit`](Staged::commit), it removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staged {
    /// Writes the temporary file for `path` with what `fill` writes, flushed to disk. An
    /// existing regular file at `path` lends the temporary file its permissions.
    pub fn new(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<Staged> {
        let dir = folder(path);
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        let temp = dir.join(temp_name(&name.to_string_lossy()));
        // A temporary file left by a killed run with the same process id is ours to replace.
        let _ = fs::remove_file(&temp);
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        let staged = Staged {
            temp,
            target: path.to_owned(),
            committed: false,
        };
        let permissions = fs::symlink_metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.permissions());
        fill(&mut out)?;
        if let Some(permissions) = permissions {
            out.set_permissions(permissions)?;
        }
        out.sync_all()?;
        Ok(staged)
    }

    /// Where the file goes.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temporary file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// The folder a path is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes renames in `dir` durable. Not every platform can open a folder for that, and the files
/// themselves are already safe, so a failure here is ignored.
pub fn sync_folder(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// Replaces the existing file at `path` with `bytes`, following a symbolic link to the real
/// file and keeping its permissions: what a user editing a file in place expects.
pub fn rewrite_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    // Fail as a missing file would, before anything is created.
    fs::metadata(&target)?;
    write_atomic(&target, bytes)
}

/// Replaces `path` with what `fill` writes into a temporary file beside it. If `fill`, the
/// flush or the rename fails, the temporary file is removed and `path` is left as it was.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    Staged::new(path, fill)?.commit()?;
    sync_folder(folder(path));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test, named so that parallel tests do not meet.
    fn folder(test: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("rollplan-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

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
        let dir = folder("write");
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

    #[cfg(unix)]
    #[test]
    fn rewriting_in_place_follows_a_link_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = folder("rewrite");
        let real = dir.join("real.roll");
        let link = dir.join("link.roll");
        fs::write(&real, "old\n").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();

        rewrite_in_place(&link, b"new\n").unwrap();

        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new\n");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(leftovers(&dir), ["link.roll", "real.roll"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn replacing_a_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = folder("mode");
        let path = dir.join("01-a.toml");
        write_atomic(&path, b"old\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"new\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(fs::read(&path).unwrap(), b"new\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporary_names_name_their_target() {
        let temp = temp_name("01-a.toml");
        assert_eq!(temp_target(&temp), Some("01-a.toml"));
        assert_eq!(temp_target(".01-a.toml.rollplan-tmp-77"), Some("01-a.toml"));
        for other in [
            "01-a.toml",
            ".01-a.toml.rollplan-tmp-",
            ".x.rollplan-tmp-1a",
            "..rollplan-tmp-1",
        ] {
            assert_eq!(temp_target(other), None, "{other}");
        }
    }

    #[test]
    fn rewriting_a_missing_file_fails_and_creates_nothing() {
        let dir = folder("missing");
        let err = rewrite_in_place(&dir.join("gone.roll"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(leftovers(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
