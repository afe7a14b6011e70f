//! Running the `rollplan` binary as a user does, for the command-line tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir` with colours off (`NO_COLOR`), so diagnostics are plain text.
pub(crate) fn rollplan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("rollplan runs")
}

/// Runs the binary from the crate root; returns stdout, and asserts the exit code.
pub(crate) fn rollplan_at_root(args: &[&str], code: i32) -> String {
    let out = rollplan_in(Path::new(env!("CARGO_MANIFEST_DIR")), args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}
