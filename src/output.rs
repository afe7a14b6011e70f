//! Replacing files on disk atomically: the one way rollplan writes a file (`emit` for generated
//! configuration, `fmt` for rewritten plans).
//!
//! The bytes go to a temporary file in the same folder (`.NAME.rollplan-tmp-PID`), are flushed
//! to disk, and the temporary file is renamed over the target, so a reader (or a crash) sees the
//! old file or the new one, never half of one. On any failure the temporary file is removed and
//! the target is left as it was. This module knows nothing of plans or formats.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// Replaces the existing file at `path` with `bytes`, following a symbolic link to the real
/// file and keeping its permissions: what a user editing a file in place expects.
pub fn rewrite_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let permissions = fs::metadata(&target)?.permissions();
    write_with(&target, |f| {
        f.write_all(bytes)?;
        f.set_permissions(permissions)
    })
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

    #[test]
    fn rewriting_a_missing_file_fails_and_creates_nothing() {
        let dir = folder("missing");
        let err = rewrite_in_place(&dir.join("gone.roll"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(leftovers(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
