//! The floor of any command-line tool here: a process that starts, reads the plan file and
//! exits. `docs/performance.md` compares `rollplan check plans/entity.roll` with it.
//!
//! ```text
//! cargo build --release --example read_only
//! target/release/examples/read_only plans/entity.roll
//! ```

use std::io::Write as _;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: read_only FILE");
        return std::process::ExitCode::from(2);
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            // Print the size so the read cannot be optimised away.
            let _ = writeln!(std::io::stdout(), "{} bytes", bytes.len());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("read_only: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
