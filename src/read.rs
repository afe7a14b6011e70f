//! Reading files without trusting them: the one way rollplan reads bytes from disk (plans,
//! scenarios, and the files `emit --check` compares).
//!
//! A read is bounded (it stops one byte past the limit, whatever size the file reports, so
//! `/dev/zero` or a `/proc` file cannot fill memory), refuses anything but a regular file (a
//! FIFO is opened without blocking and refused, so it cannot hang the run), and, where asked,
//! does not follow a symbolic link at the last component of the path. This module knows
//! nothing of plans; callers turn [`ReadError`] into their diagnostics.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Whether a symbolic link at the path itself is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow it: the user named the path and may point it anywhere.
    Follow,
    /// Refuse it: the path is in a folder someone else may have prepared.
    Refuse,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system refused (missing file, permissions, …).
    Io(io::Error),
    /// The path is not a regular file: what it is instead (`a folder`, `a symbolic link`, …).
    NotRegular(&'static str),
    /// The file holds more than the limit; `size` is what it reports, when it reports more.
    TooLarge { size: Option<u64> },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { size: Some(n) } => write!(f, "it is {n} bytes, too large"),
            ReadError::TooLarge { size: None } => write!(f, "it is too large"),
        }
    }
}

/// Reads the regular file at `path`, at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64, links: Links) -> Result<Vec<u8>, ReadError> {
    let file = open(path, links)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
        });
    }
    // The reported size is a hint for the allocation, never a bound (`/proc` files report 0).
    let hint = usize::try_from(meta.len()).unwrap_or(0);
    read_into(file, limit, Vec::with_capacity(hint.saturating_add(1)))
}

/// Reads at most `limit` bytes from `reader` (stdin, say); more is [`ReadError::TooLarge`].
pub fn read_bounded(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_into(reader, limit, Vec::new())
}

fn read_into(reader: impl Read, limit: u64, mut bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None });
    }
    Ok(bytes)
}

/// What a path is, in words, for a message: `a folder`, `a symbolic link`, ….
pub fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a file"
    }
}

/// Opens for reading without blocking on a FIFO and, with [`Links::Refuse`], without following
/// a link at the last component.
#[cfg(unix)]
fn open(path: &Path, links: Links) -> Result<File, ReadError> {
    use rustix::fs::{Mode, OFlags};
    let mut flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    if links == Links::Refuse {
        flags |= OFlags::NOFOLLOW;
    }
    match rustix::fs::open(path, flags, Mode::empty()) {
        Ok(fd) => Ok(File::from(fd)),
        // O_NOFOLLOW on a link fails with ELOOP (EMLINK on some BSDs): say what it is.
        Err(_) if links == Links::Refuse && is_link(path) => {
            Err(ReadError::NotRegular("a symbolic link"))
        }
        Err(e) => Err(ReadError::Io(e.into())),
    }
}

#[cfg(not(unix))]
fn open(path: &Path, links: Links) -> Result<File, ReadError> {
    if links == Links::Refuse && is_link(path) {
        return Err(ReadError::NotRegular("a symbolic link"));
    }
    File::open(path).map_err(ReadError::Io)
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_stops_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'x');
        assert!(matches!(
            read_bounded(endless, 1000),
            Err(ReadError::TooLarge { size: None })
        ));
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_folders_and_refused_links_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let zero = read_file(Path::new("/dev/zero"), 1 << 20, Links::Follow);
        assert!(matches!(zero, Err(ReadError::NotRegular("a device"))));
        let folder = read_file(dir.path(), 1 << 20, Links::Follow);
        assert!(matches!(folder, Err(ReadError::NotRegular("a folder"))));

        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Without a writer, a blocking open would never return.
        let piped = read_file(&fifo, 1 << 20, Links::Follow);
        assert!(matches!(piped, Err(ReadError::NotRegular("a named pipe"))));

        let real = dir.path().join("real");
        std::fs::write(&real, "secret").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let refused = read_file(&link, 1 << 20, Links::Refuse);
        assert!(matches!(
            refused,
            Err(ReadError::NotRegular("a symbolic link"))
        ));
        assert_eq!(read_file(&link, 1 << 20, Links::Follow).unwrap(), b"secret");
        let small = read_file(&real, 3, Links::Follow);
        assert!(matches!(small, Err(ReadError::TooLarge { size: Some(6) })));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_proc_file_that_reports_no_size_is_still_bounded() {
        let environ = read_file(Path::new("/proc/self/maps"), 16, Links::Follow);
        assert!(matches!(environ, Err(ReadError::TooLarge { size: None })));
    }
}
