//! `rollplan lsp`: the language server, on stdin and stdout.

use super::ExitCode;

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
            eprintln!("error[rollplan::io_error]: the language server stopped: {e}");
            ExitCode::UsageOrIo
        }
    }
}
