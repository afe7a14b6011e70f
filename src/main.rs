//! The `rollplan` binary: a thin shell over the library's command line.

fn main() -> std::process::ExitCode {
    let code = rollplan::cli::run(std::env::args_os());
    std::process::ExitCode::from(code as u8)
}
