//! The documentation's command examples, run: every `$ rollplan …` line in a ```` ```console ````
//! block of `README.md` and `docs/*.md` is run from the crate root, and what it prints (stdout,
//! then stderr) must match the lines under it. In the expected text a line `…` stands for any
//! number of lines, and `…` inside a line for any text; `$ echo $?` checks the exit code.
//!
//! A command continued with `\` on the next lines is joined. An example that cannot run here (it
//! names a file the reader makes, needs git or a Prometheus server) is listed in [`NOT_RUN`] with
//! the reason; the test fails when the list and the docs disagree, so a new example is run
//! unless it is listed.

use std::path::Path;

use crate::common::cli;

/// (file, command, why it is not run).
const NOT_RUN: &[(&str, &str, &str)] = &[
    (
        "README.md",
        "rollplan check broken.roll",
        "the reader makes broken.roll by editing the seed plan",
    ),
    (
        "docs/diagnostics.md",
        "rollplan emit --target toml clash.roll",
        "clash.roll is the section's example, shown above it",
    ),
    (
        "docs/diagnostics.md",
        "rollplan check",
        "runs in a folder without plans, or with two",
    ),
    (
        "docs/emit.md",
        "rollplan emit --target toml --out configs --check plans/entity.roll",
        "needs a configs folder written by an older plan",
    ),
    (
        "docs/diagnostics.md",
        "rollplan emit -t toml --out configs plans/entity.roll",
        "needs another run holding the folder's lock, and writes files",
    ),
    (
        "docs/gates.md",
        "rollplan gates plans/entity.roll --phase full_production --prometheus http://127.0.0.1:9090 --at 2026-01-12T06:30:00Z",
        "needs a Prometheus server with the example's samples",
    ),
    (
        "docs/gates.md",
        "rollplan status plans/entity.roll --started full_production@2025-12-15T06:30:00Z --extensions 2 --at 2026-01-12T06:30:00Z --prometheus http://127.0.0.1:9090",
        "needs a Prometheus server with the example's samples",
    ),
    (
        "docs/pr-review.md",
        "rollplan diff git:main:plans/entity.roll plans/entity.roll",
        "reads the old plan from git",
    ),
    (
        "docs/diagnostics.md",
        "rollplan apply --target unleash --url http://127.0.0.1:4242 --phase completion",
        "needs an Unleash server with the flags before the rollout (tests/clients/test_unleash_live.py)",
    ),
    (
        "docs/live.md",
        "rollplan apply --target unleash --url http://127.0.0.1:4242 --phase read_only plans/entity.roll",
        "needs an Unleash server at phase `development` (tests/clients/test_unleash_live.py)",
    ),
    (
        "docs/live.md",
        "rollplan status --target unleash --url http://127.0.0.1:4242 plans/entity.roll",
        "needs an Unleash server at phase `full_production`, then one with a hand edit (tests/clients/test_unleash_live.py)",
    ),
    (
        "docs/live.md",
        "rollplan status --target unleash --url http://127.0.0.1:4242 --started 2026-12-22T09:00:00Z --prometheus http://127.0.0.1:9090 plans/entity.roll",
        "needs an Unleash server and a Prometheus server",
    ),
    (
        "docs/diagnostics.md",
        "rollplan diff origin/main:plans/entity.roll plans/entity.roll",
        "needs a file planted under the revision's name, and git",
    ),
];

fn is_markdown(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md"))
}

struct Example {
    file: String,
    line: usize,
    command: String,
    expected: Vec<String>,
    /// The exit code a following `$ echo $?` expects.
    exit_code: Option<i32>,
}

fn examples() -> Vec<Example> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec!["README.md".to_owned()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            is_markdown(&name).then(|| format!("docs/{name}"))
        })
        .collect();
    docs.sort();
    files.extend(docs);
    let mut out: Vec<Example> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(root.join(&file)).expect("readable docs");
        let mut in_console = false;
        let mut continued = false;
        for (i, line) in text.lines().enumerate() {
            // A command continued with `\` on the next line(s).
            if continued {
                if let Some(example) = out.last_mut() {
                    example.command.push(' ');
                    example
                        .command
                        .push_str(line.trim().trim_end_matches('\\').trim_end());
                }
                continued = line.ends_with('\\');
                continue;
            }
            if line.starts_with("```") {
                in_console = !in_console && line == "```console";
                continue;
            }
            if !in_console {
                continue;
            }
            if let Some(command) = line.strip_prefix("$ ") {
                if command == "echo $?" {
                    continue;
                }
                continued = command.ends_with('\\');
                out.push(Example {
                    file: file.clone(),
                    line: i + 1,
                    command: command.trim_end_matches('\\').trim_end().to_owned(),
                    expected: Vec::new(),
                    exit_code: None,
                });
            } else if let Some(example) = out.last_mut().filter(|e| e.file == file) {
                let previous = text.lines().nth(i.saturating_sub(1)).unwrap_or("");
                if previous == "$ echo $?" {
                    example.exit_code = line.trim().parse().ok();
                } else {
                    example.expected.push(line.to_owned());
                }
            }
        }
    }
    out
}

/// Whether `actual` matches `expected`, where `…` stands for any lines or any text in a line.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "…" => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && matches(rest, more)),
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let (expected, actual) = (expected.trim_end(), actual.trim_end());
    let mut parts = expected.split('…');
    let Some(first) = parts.next() else {
        return actual.is_empty();
    };
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (k, part) in parts.iter().enumerate() {
        if k + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[test]
fn the_ellipsis_matches_lines_and_text() {
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    assert!(matches(&lines("a\n…\nd"), &["a", "b", "c", "d"]));
    assert!(matches(&lines("a … c"), &["a b c"]));
    assert!(!matches(&lines("a\nd"), &["a", "b", "d"]));
    assert!(!matches(&lines("a … c"), &["a b"]));
    assert!(matches(&lines("x …"), &["x anything"]));
}

#[test]
fn every_command_example_in_the_docs_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut not_run: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    let mut ran = 0;
    for example in examples() {
        let listed = NOT_RUN
            .iter()
            .any(|(file, command, _)| *file == example.file && *command == example.command);
        let Some(args) = example.command.strip_prefix("rollplan ") else {
            // Shell steps around a measurement (`mkdir`, `cargo build`): not an example of
            // rollplan's output.
            continue;
        };
        if listed {
            not_run.push((example.file.clone(), example.command.clone()));
            continue;
        }
        let args: Vec<&str> = args.split_whitespace().collect();
        // An example that writes files would write them into the crate: it must be listed.
        assert!(
            !args.contains(&"--out") || args.contains(&"--check"),
            "{}:{}: `{}` writes files; list it in NOT_RUN",
            example.file,
            example.line,
            example.command
        );
        let out = cli::rollplan_in(root, &args);
        ran += 1;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let actual: Vec<&str> = text.lines().collect();
        if !matches(&example.expected, &actual) {
            failures.push(format!(
                "{}:{}: `{}` prints:\n{text}\nbut the docs show:\n{}\n",
                example.file,
                example.line,
                example.command,
                example.expected.join("\n")
            ));
        }
        if let Some(code) = example.exit_code {
            if out.status.code() != Some(code) {
                failures.push(format!(
                    "{}:{}: `{}` exits {:?}, the docs say {code}",
                    example.file,
                    example.line,
                    example.command,
                    out.status.code()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 7, "only {ran} examples ran");
    let listed: std::collections::BTreeSet<(String, String)> = NOT_RUN
        .iter()
        .map(|(f, c, _)| ((*f).to_owned(), (*c).to_owned()))
        .collect();
    let seen: std::collections::BTreeSet<(String, String)> = not_run.into_iter().collect();
    assert_eq!(seen, listed, "NOT_RUN and the docs' examples disagree");
}

/// Every ```` ```roll ```` block outside `docs/diagnostics.md` (whose bad and fixed examples
/// `tests/ui.rs` runs): a whole plan (a header and phases) compiles without errors, a header
/// alone parses, and a fragment parses as top-level items or as the statements of a phase.
#[test]
fn every_plan_example_in_the_docs_compiles_and_every_fragment_parses() {
    use rollplan::source::SourceMap;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("UTF-8");
        if is_markdown(&name) && name != "diagnostics.md" {
            files.push(format!("docs/{name}"));
        }
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(root.join(&file)).expect("readable docs");
        let mut block: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            match (&mut block, line) {
                (None, "```roll") => block = Some((i + 1, String::new())),
                (Some((at, body)), "```") => {
                    checked += 1;
                    let compiles = |text: String, whole: bool| {
                        let mut sources = SourceMap::new();
                        let id = sources.add("example.roll", text);
                        if whole {
                            rollplan::compile(&sources, id).is_ok()
                        } else {
                            rollplan::syntax::parse(sources.get(id)).is_ok()
                        }
                    };
                    let whole = body.trim_start().starts_with("plan ") && body.contains("\nphase ");
                    let ok = if whole {
                        compiles(body.clone(), true)
                    } else if body.trim_start().starts_with("plan ") {
                        compiles(body.clone(), false)
                    } else {
                        compiles(format!("plan x {{}}\n{body}"), false)
                            || compiles(
                                format!("plan x {{}}\nphase p \"P\" {{\n  duration 1w\n{body}}}\n"),
                                false,
                            )
                    };
                    if !ok {
                        failures.push(format!("{file}:{at}"));
                    }
                    block = None;
                }
                (Some((_, body)), line) => {
                    body.push_str(line);
                    body.push('\n');
                }
                (None, _) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "examples that do not compile or parse: {failures:?}"
    );
    assert!(checked >= 10, "only {checked} examples found");
}
