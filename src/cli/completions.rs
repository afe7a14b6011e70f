//! `rollplan completions SHELL` and `rollplan man [--out DIR]`: the shell completion script
//! (`clap_complete`) and man pages (`clap_mangen`), both generated from the one clap definition, so
//! they cannot drift from the commands.

use crate::diagnostic::UsageCode;
use std::path::PathBuf;

use clap::CommandFactory as _;

use super::input::UsageError;
use super::{Cli, ExitCode};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `rollplan.1` and one `rollplan-COMMAND.1` per subcommand into this folder;
    /// without it, `rollplan.1` is printed
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "rollplan", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    ExitCode::Ok
}

pub fn man(args: &ManArgs) -> ExitCode {
    let command = Cli::command();
    let Some(dir) = &args.out else {
        let mut page = Vec::new();
        return match clap_mangen::Man::new(command).render(&mut page) {
            Ok(()) => {
                out!("{}", String::from_utf8_lossy(&page));
                ExitCode::Ok
            }
            Err(e) => write_failed(&e, "stdout"),
        };
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return write_failed(&e, &dir.display().to_string());
    }
    match clap_mangen::generate_to(command, dir) {
        Ok(()) => ExitCode::Ok,
        Err(e) => write_failed(&e, &dir.display().to_string()),
    }
}

fn write_failed(e: &std::io::Error, place: &str) -> ExitCode {
    UsageError {
        code: UsageCode::IoError,
        message: format!("cannot write the man pages to `{place}`: {e}"),
        help: "name a folder you can write to with `--out`".to_owned(),
    }
    .print(false);
    ExitCode::UsageOrIo
}
