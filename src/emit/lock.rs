//! The lock on an output folder: `emit --out` holds it exclusively while it writes, `--check`
//! shared while it reads, so two runs never mix their files and a check never compares a
//! folder halfway through a run. It is an advisory `flock` on `DIR/.rollplan.lock`, released
//! when the process ends however it ends, so a killed run leaves no stale lock.

use std::fs;
use std::path::{Path, PathBuf};

use super::write::WriteError;

/// The lock file every `emit --out` run holds in its folder.
pub const LOCK_FILE: &str = ".rollplan.lock";

/// An exclusive lock on an output folder, released when dropped (or when the process dies, so
/// a killed run leaves no lock behind; the empty lock file stays).
#[derive(Debug)]
pub struct Lock {
    #[cfg_attr(
        not(unix),
        expect(dead_code, reason = "only kept open: there is no lock to release")
    )]
    file: fs::File,
}

/// Unlocks explicitly rather than by closing: a process forked meanwhile (a library user's
/// thread running a command) shares the lock until it execs, and closing our descriptor alone
/// would leave the lock held by its copy.
#[cfg(unix)]
impl Drop for Lock {
    fn drop(&mut self) {
        let _ = rustix::fs::flock(&self.file, rustix::fs::FlockOperation::Unlock);
    }
}

/// Why the folder could not be locked.
#[derive(Debug)]
pub enum LockError {
    /// Another run holds it.
    Held(PathBuf),
    Io(WriteError),
}

impl Lock {
    /// Takes the lock on `dir`, without waiting.
    #[cfg(unix)]
    pub fn take(dir: &Path) -> Result<Lock, LockError> {
        use rustix::fs::{FlockOperation, Mode, OFlags};
        let path = dir.join(LOCK_FILE);
        let io = |e: rustix::io::Errno| LockError::Io(WriteError::at(&path)(e.into()));
        // A link planted at the lock's name must not make rollplan create a file elsewhere.
        let flags = OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mode = Mode::RUSR | Mode::WUSR | Mode::RGRP | Mode::ROTH;
        let fd = rustix::fs::open(&path, flags, mode).map_err(io)?;
        match rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Lock {
                file: fs::File::from(fd),
            }),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(LockError::Held(path)),
            Err(e) => Err(io(e)),
        }
    }

    /// Takes a shared lock on `dir` for `--check`, without waiting and without creating
    /// anything: `None` when the folder has no lock file (no run ever wrote there).
    #[cfg(unix)]
    pub fn share(dir: &Path) -> Result<Option<Lock>, LockError> {
        use rustix::fs::{FlockOperation, Mode, OFlags};
        let path = dir.join(LOCK_FILE);
        let io = |e: rustix::io::Errno| LockError::Io(WriteError::at(&path)(e.into()));
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::open(&path, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) if e == rustix::io::Errno::NOENT => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        match rustix::fs::flock(&fd, FlockOperation::NonBlockingLockShared) {
            Ok(()) => Ok(Some(Lock {
                file: fs::File::from(fd),
            })),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(LockError::Held(path)),
            Err(e) => Err(io(e)),
        }
    }

    /// Without `flock`, nothing is locked.
    #[cfg(not(unix))]
    pub fn share(_dir: &Path) -> Result<Option<Lock>, LockError> {
        Ok(None)
    }

    /// Without `flock`, the lock file is created but not locked.
    #[cfg(not(unix))]
    pub fn take(dir: &Path) -> Result<Lock, LockError> {
        let path = dir.join(LOCK_FILE);
        let file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| LockError::Io(WriteError::at(&path)(e)))?;
        Ok(Lock { file })
    }
}
