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
