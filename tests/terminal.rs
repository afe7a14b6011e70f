//! What rollplan prints for people cannot be driven by a plan (issue 14.4): ESC, BEL, NUL, CR
//! and bidirectional overrides in plan strings reach no terminal through `check`'s snippets
//! and messages, `simulate`, `diff`, `fmt --check`, `graph` or `emit --check`; JSON output
//! carries them as escapes. And a closed pipe ends the output instead of a panic (issue 13.2).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::cli;

use cli::rollplan_in as rollplan;

/// Characters that change what a terminal shows, beyond the line feed and tab a report is
/// made of (written here independently of `rollplan::escape`).
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

fn assert_visible(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some(c) = text.chars().find(|c| hidden(*c)) {
        panic!("{what} prints {c:?}:\n{text}");
    }
}

/// A title that sets the window title, rings, clears the screen, returns the carriage and
/// reverses the rest of the line.
const HOSTILE: &str = "Canary\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{202e}ksir on\0";

fn plan(title: &str) -> String {
    format!(
        "plan demo {{ title \"{title}\" start 2027-01-04 }}\n\
         flag a: bool = false \"{title}\"\n\
         phase canary \"{title}\" {{\n  duration 1w\n  set a = true\n  activity \"{title}\"\n}}\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn check_snippets_and_messages_show_hidden_characters() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}phase p2 \"x\" {{ duration 1w set b = \"{HOSTILE}\" }}\n",
        plan("T")
    );
    write(dir.path(), "bad.roll", &text);
    let out = rollplan(dir.path(), &["check", "bad.roll"]);
    assert_eq!(out.status.code(), Some(1));
    assert_visible("check", &out.stderr);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(r"\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{202e}ksir on\0"),
        "{stderr}"
    );
    // The label still underlines the undefined flag, after the escapes moved the columns.
    let line = stderr.lines().find(|l| l.contains("set b")).unwrap();
    let under = stderr
        .lines()
        .skip_while(|l| !l.contains("set b"))
        .nth(1)
        .unwrap();
    let column = line.find("set b").unwrap() + 4;
    assert_eq!(
        under.chars().nth(line[..column].chars().count()),
        Some('┬'),
        "{stderr}"
    );

    let json = rollplan(dir.path(), &["check", "--format", "json", "bad.roll"]);
    assert_visible("check --format json", &json.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["errors"], 1);
}

#[test]
fn simulate_graph_and_fmt_show_hidden_characters() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.roll", &plan(HOSTILE));
    for args in [
        &["check", "plan.roll"][..],
        &["simulate", "plan.roll"],
        &["simulate", "--format", "json", "plan.roll"],
        &["simulate", "--format", "mermaid", "plan.roll"],
        &["simulate", "--format", "svg", "plan.roll"],
        &["graph", "plan.roll"],
        &["graph", "--format", "mermaid", "plan.roll"],
        &["graph", "--format", "json", "plan.roll"],
        &["emit", "--target", "checklist", "plan.roll"],
        &["emit", "--target", "toml", "plan.roll"],
        &["emit", "--target", "json", "plan.roll"],
        &["fmt", "--check", "plan.roll"],
        &["fmt", "--check", "--format", "json", "plan.roll"],
    ] {
        let out = rollplan(dir.path(), args);
        assert_visible(&args.join(" "), &out.stdout);
        assert_visible(&args.join(" "), &out.stderr);
    }
}

#[test]
fn diff_and_stale_files_show_hidden_characters() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.roll", &plan("Canary"));
    write(dir.path(), "new.roll", &plan(HOSTILE));
    for format in ["human", "markdown", "json"] {
        let out = rollplan(
            dir.path(),
            &["diff", "--format", format, "old.roll", "new.roll"],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_visible(&format!("diff {format}"), &out.stdout);
    }
    let out = rollplan(
        dir.path(),
        &["emit", "-t", "toml", "--out", "out", "old.roll"],
    );
    assert!(out.status.success());
    write(
        &dir.path().join("out"),
        "01-canary.toml",
        &format!("# {HOSTILE}\n"),
    );
    let out = rollplan(
        dir.path(),
        &["emit", "-t", "toml", "--out", "out", "--check", "old.roll"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_visible("emit --check", &out.stderr);
}

/// Runs rollplan with stdout and stderr each either a pipe whose reader is already closed or
/// a discarded stream; returns the exit code.
#[expect(
    clippy::incompatible_msrv,
    reason = "std::io::pipe (1.87) in a test only: the library keeps its MSRV"
)]
fn with_closed(args: &[&str], dir: &Path, close_stdout: bool, close_stderr: bool) -> Option<i32> {
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Stdio::from(writer)
    };
    Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(if close_stdout {
            closed()
        } else {
            Stdio::null()
        })
        .stderr(if close_stderr {
            closed()
        } else {
            Stdio::null()
        })
        .status()
        .unwrap()
        .code()
}

/// Regression (issue 13.2): diagnostics were written with `eprint!`, which panics (exit 101)
/// when stderr is closed, as in `rollplan check bad.roll 2>&1 | head -1`. The reader is closed
/// before rollplan starts, so every write fails: deterministic, unlike `head`.
#[test]
fn a_closed_pipe_ends_the_output_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.roll",
        "plan demo { title \"x\" }\nflag a: bool = nope\n",
    );
    write(dir.path(), "good.roll", &plan("Canary"));
    let cases: [(&[&str], i32); 6] = [
        (&["check", "bad.roll"], 1),
        (&["check", "--format", "json", "bad.roll"], 1),
        (&["check", "good.roll"], 0),
        (&["check", "missing.roll"], 2),
        (&["simulate", "good.roll"], 0),
        (&["fmt", "--check", "bad.roll"], 1),
    ];
    for (args, code) in cases {
        for (stdout, stderr) in [(true, false), (false, true), (true, true)] {
            assert_eq!(
                with_closed(args, dir.path(), stdout, stderr),
                Some(code),
                "{args:?} with closed stdout {stdout}, stderr {stderr}"
            );
        }
    }
}
