//! The command line: argument parsing and one file per subcommand. Each subcommand returns an
//! [`ExitCode`]; `main.rs` only calls [`run`].
//!
//! Everything a command prints goes through the macros below. A closed pipe ends the output
//! quietly on both streams (`rollplan check bad.roll 2>&1 | head -1` must not panic), and text
//! for people goes through [`crate::escape::terminal`], so nothing a plan says can drive the
//! terminal. Machine output (JSON, formatted plans, generated files, diagrams) is printed as it
//! is: its producer escapes for its format.

/// Machine output on stdout, as it is: `print!` that survives a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&format!($($arg)*))
    };
}

/// `println!`, as [`out!`].
macro_rules! outln {
    () => {
        $crate::cli::write_stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Text for people on stdout: hidden characters in visible form, a closed pipe ends it.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&$crate::escape::terminal(&format!($($arg)*)))
    };
}

/// `println!` for people, as [`say!`].
macro_rules! sayln {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&$crate::escape::terminal(&format!("{}\n", format_args!($($arg)*))))
    };
}

/// Text for people on stderr, one line: `eprintln!` that escapes and survives a closed pipe.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::write_stderr(&$crate::escape::terminal(&format!("{}\n", format_args!($($arg)*))))
    };
}

pub mod apply;
pub mod check;
pub mod color;
pub mod completions;
pub mod diff;
pub mod emit;
pub mod fmt;
pub mod gates;
pub mod graph;
pub mod input;
pub mod live_status;
pub mod lsp;
pub mod metrics;
pub mod plan_path;
pub mod report;
pub mod simulate;
pub mod status;
pub mod unleash;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes, as documented in README.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The plan is fine (warnings allowed unless denied).
    Ok = 0,
    /// The plan has problems (errors, or warnings under `--deny warnings`); under `gates`, a
    /// gate fails.
    PlanProblems = 1,
    /// Usage or I/O error: a file could not be read or written, arguments were wrong.
    UsageOrIo = 2,
    /// `diff --fail-on risk`: a change is classified as risky.
    Risky = 3,
    /// `gates`: no gate fails, but one is inconclusive.
    Inconclusive = 4,
}

/// Every output format of every subcommand. Each subcommand accepts the ones it can write,
/// through [`formats`]; `json` is always among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Text for people
    #[default]
    Human,
    /// A JSON document for machines
    Json,
    /// Markdown, for a pull request
    Markdown,
    /// Graphviz DOT
    Dot,
    /// A Mermaid block
    Mermaid,
    /// A standalone SVG picture
    Svg,
}

/// The formats of the subcommands that print a report or diagnostics only.
pub const HUMAN_OR_JSON: &[Format] = &[Format::Human, Format::Json];

/// A `--format` parser that accepts only `allowed`, so a subcommand's help lists and its
/// parser admits just the formats it can write.
pub fn formats(allowed: &'static [Format]) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(
        allowed.iter().filter_map(ValueEnum::to_possible_value),
    )
    // The parser admits only names of `allowed`, so the lookup cannot fail.
    .map(|name| Format::from_str(&name, false).unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Debug, Parser)]
#[command(
    name = "rollplan",
    version,
    about = "Compile, check and simulate feature-flag rollout plans"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour diagnostics and reports
    #[arg(long, global = true, value_enum, default_value_t = color::ColorChoice::Auto)]
    pub color: color::ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse a plan and prove its invariants and transitions
    Check(check::Args),
    /// Write each phase's flag configuration, rollback configuration, checklist or calendar
    Emit(emit::Args),
    /// Compare two plans by meaning: phases, flag values, gates, dates, risks
    Diff(diff::Args),
    /// Draw the state graph as Graphviz DOT or Mermaid
    Graph(graph::Args),
    /// Rewrite plans in the canonical layout, or check that they are in it
    Fmt(fmt::Args),
    /// Planned timeline, what-if runs and Monte Carlo forecasts of a plan
    Simulate(simulate::Args),
    /// Evaluate a phase's metric gates against Prometheus: pass, fail or inconclusive
    Gates(gates::Args),
    /// Where a rollout stands and what the plan says to do now (advance, extend, roll back…)
    Status(status::Args),
    /// Move a live flag system (Unleash) to a phase, one flag at a time in the proven safe order
    Apply(apply::Args),
    /// Run the language server on stdin and stdout, for editors
    Lsp(lsp::Args),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
    /// Write man pages for rollplan and every subcommand
    Man(completions::ManArgs),
}

/// Runs the command line and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::UsageOrIo
            } else {
                ExitCode::Ok
            };
        }
    };
    color::set(cli.color);
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Emit(args) => emit::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Gates(args) => gates::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
    }
}

/// Writes to stdout, ignoring a reader that has gone away (a closed pipe); any other write
/// error is reported once on stderr.
pub(crate) fn write_stdout(text: &str) {
    use std::io::Write as _;
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            write_stderr(&format!(
                "error[rollplan::io_error]: cannot write to stdout: {e}\n"
            ));
        }
    }
}

/// Writes to stderr as it is (rendered diagnostics, escaped when they were rendered). A
/// closed or failing stderr ends the output: there is nowhere left to report it.
pub(crate) fn write_stderr(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A JSON document as commands print it: pretty, hidden characters as `\uXXXX` escapes.
pub(crate) fn json_text(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    crate::escape::json(&text).into_owned()
}
