//! `--color auto|always|never`, with the conventions of the environment: `NO_COLOR` (set and
//! not empty) turns colour off, `CLICOLOR_FORCE` (set, not empty and not `0`) turns it on where
//! it would be off because the output is not a terminal. An explicit `--color` wins over both.

use std::ffi::OsStr;
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicU8, Ordering};

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set; `CLICOLOR_FORCE` forces it
    #[default]
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The choice of this run, set once the arguments are parsed.
static CHOICE: AtomicU8 = AtomicU8::new(0);

pub fn set(choice: ColorChoice) {
    CHOICE.store(choice as u8, Ordering::Relaxed);
}

fn current() -> ColorChoice {
    match CHOICE.load(Ordering::Relaxed) {
        1 => ColorChoice::Always,
        2 => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// Whether to colour an output that is (`terminal`) or is not a terminal.
pub fn decide(
    choice: ColorChoice,
    no_color: Option<&OsStr>,
    clicolor_force: Option<&OsStr>,
    terminal: bool,
) -> bool {
    let set = |v: Option<&OsStr>| v.is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(no_color) => false,
        ColorChoice::Auto if set(clicolor_force) && clicolor_force != Some(OsStr::new("0")) => true,
        ColorChoice::Auto => terminal,
    }
}

fn for_stream(terminal: bool) -> bool {
    decide(
        current(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("CLICOLOR_FORCE").as_deref(),
        terminal,
    )
}

/// Whether to colour what is written to stderr.
pub fn stderr() -> bool {
    for_stream(std::io::stderr().is_terminal())
}

/// Whether to colour what is written to stdout.
pub fn stdout() -> bool {
    for_stream(std::io::stdout().is_terminal())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColorChoice::{Always, Auto, Never};

    #[test]
    fn the_flag_wins_then_no_color_then_clicolor_force_then_the_terminal() {
        assert!(decide(Always, Some(OsStr::new("1")), None, false));
        assert!(!decide(Never, None, Some(OsStr::new("1")), true));
        assert!(!decide(
            Auto,
            Some(OsStr::new("1")),
            Some(OsStr::new("1")),
            true
        ));
        assert!(decide(Auto, None, Some(OsStr::new("1")), false));
        assert!(decide(Auto, None, None, true));
        assert!(!decide(Auto, None, None, false));
    }

    #[test]
    fn empty_values_and_a_zero_force_do_not_count() {
        assert!(decide(Auto, Some(OsStr::new("")), None, true));
        assert!(!decide(Auto, None, Some(OsStr::new("0")), false));
        assert!(!decide(Auto, None, Some(OsStr::new("")), false));
    }
}
