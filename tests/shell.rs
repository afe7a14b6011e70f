//! The shell: completion scripts (the bash one run by bash), man pages for every subcommand,
//! and `--color` with `NO_COLOR` and `CLICOLOR_FORCE`.

use std::path::Path;
use std::process::{Command, Output};

fn rollplan(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollplan"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("rollplan runs")
}

/// Every subcommand, from the one clap definition.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory as _;
    let names: Vec<String> = rollplan::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    assert!(names.len() >= 9, "{names:?}");
    names
}

#[test]
fn every_shell_gets_a_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = rollplan(dir.path(), &["completions", shell], &[]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).expect("UTF-8");
        for sub in ["check", "simulate", "lsp"] {
            assert!(script.contains(sub), "{shell} script does not name `{sub}`");
        }
    }
    let out = rollplan(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// What bash's completion offers for the words of `line` (the last one being completed).
fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _rollplan rollplan '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_target_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = rollplan(dir.path(), &["completions", "bash"], &[]);
    let script = dir.path().join("rollplan.bash");
    std::fs::write(&script, &out.stdout).expect("write the script");

    let offered = bash_completes(&script, &["rollplan", ""]);
    for sub in subcommands() {
        assert!(offered.contains(&sub), "`{sub}` not offered: {offered:?}");
    }
    assert_eq!(bash_completes(&script, &["rollplan", "si"]), ["simulate"]);

    let mut targets = bash_completes(&script, &["rollplan", "emit", "--target", ""]);
    targets.sort();
    // Every value of `--target`, from the clap definition.
    let mut expected: Vec<String> = {
        use clap::ValueEnum as _;
        rollplan::cli::emit::TargetArg::value_variants()
            .iter()
            .filter_map(clap::ValueEnum::to_possible_value)
            .map(|v| v.get_name().to_owned())
            .collect()
    };
    expected.sort();
    assert!(expected.len() >= 9, "{expected:?}");
    assert_eq!(targets, expected);
    assert_eq!(
        bash_completes(&script, &["rollplan", "emit", "--target", "la"]),
        ["launchdarkly"]
    );
}

#[test]
fn man_pages_for_every_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = rollplan(dir.path(), &["man", "--out", "man"], &[]);
    assert!(out.status.success(), "{out:?}");
    for page in std::iter::once("rollplan".to_owned())
        .chain(subcommands().iter().map(|s| format!("rollplan-{s}")))
    {
        let path = dir.path().join("man").join(format!("{page}.1"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{page}.1: {e}"));
        assert!(
            text.contains(&format!(".TH {page} 1")),
            "{page}.1 has no title line"
        );
    }
    let emit = std::fs::read_to_string(dir.path().join("man/rollplan-emit.1")).expect("emit page");
    assert!(
        emit.contains("launchdarkly"),
        "the emit page lists the targets"
    );
    let out = rollplan(dir.path(), &["man"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH rollplan 1"));
}

/// A plan with an undefined flag, checked with the given arguments and environment: whether
/// the diagnostic on stderr is coloured.
fn coloured(args: &[&str], env: &[(&str, &str)]) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bad.roll"),
        "plan x { title \"X\" }\nflag a: bool = false\nphase p \"P\" {\n  duration 1w\n  set b = true\n}\n",
    )
    .expect("write plan");
    let mut all = vec!["check", "bad.roll"];
    all.extend_from_slice(args);
    let out = rollplan(dir.path(), &all, env);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("flag `b` is not declared"), "{stderr}");
    stderr.contains('\u{1b}')
}

#[test]
fn color_follows_the_flag_then_the_environment() {
    // Not a terminal: no colour unless asked for.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&["--color", "always"], &[]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    // Global: accepted before the subcommand too.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = rollplan(dir.path(), &["--color", "sometimes", "check"], &[]);
    assert_eq!(out.status.code(), Some(2));
}
