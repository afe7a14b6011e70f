//! Running the `rollplan` binary as a user does, for the command-line tests.
//!
//! Include it on its own with `#[path = "common/cli.rs"] mod cli;` (not through `mod common;`),
//! so a test binary compiles only the helpers it uses and none is dead code there.

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
