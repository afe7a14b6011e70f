//! `rollplan lsp`: the language server, on stdin and stdout.

use super::ExitCode;
use super::input::UsageError;
use crate::diagnostic::UsageCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for clients that pass it; stdio is the only transport
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &Args) -> ExitCode {
    match crate::lsp::serve() {
        Ok(()) => ExitCode::Ok,
        Err(e) => {
            UsageError {
                code: UsageCode::IoError,
                message: format!("the language server stopped: {e}"),
                help:
                    "start it from an editor's language client, which talks LSP on stdin and stdout"
                        .to_owned(),
            }
            .print(false);
            ExitCode::UsageOrIo
        }
    }
}
