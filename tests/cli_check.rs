//! `rollplan check` as a user runs it: output, exit codes, plan lookup, JSON.

use std::path::Path;

use crate::common::cli;

use cli::rollplan_in as rollplan;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rollplan-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn entity_plan_checks_clean_with_a_summary() {
    let out = rollplan(root(), &["check", "plans/entity.roll"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn verbose_lists_the_safe_flag_order_of_every_transition() {
    let out = rollplan(root(), &["check", "-v", "plans/entity.roll"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    // The master switch goes first on the way in, last on the way out.
    assert!(stdout.contains(
        "advance start -> development: entity.enabled, then entity.relationships_enabled, then entity.dual_write_enabled"
    ));
    assert!(stdout.contains(
        "rollback development -> start: entity.dual_write_enabled, then entity.relationships_enabled, then entity.enabled"
    ));
}

/// Turning the master switch off in any one phase breaks `master_switch` and points at that line.
#[test]
fn master_switch_off_in_any_phase_is_an_error_on_that_line() {
    let plan = std::fs::read_to_string(root().join("plans/entity.roll")).unwrap();
    let dir = temp_dir("master");
    let lines: Vec<(usize, &str)> = plan
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "set entity.enabled = true")
        .collect();
    assert_eq!(lines.len(), 5, "one `set entity.enabled = true` per phase");
    for (line, _) in lines {
        let broken: String = plan
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == line {
                    "  set entity.enabled = false\n".to_owned()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let file = dir.join("broken.roll");
        std::fs::write(&file, broken).unwrap();
        let out = rollplan(&dir, &["check", "--format", "json", "broken.roll"]);
        assert_eq!(out.status.code(), Some(1));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let first = &json["diagnostics"][0];
        assert_eq!(first["code"], "rollplan::invariant_violated");
        assert!(
            first["message"]
                .as_str()
                .unwrap()
                .contains("`master_switch`"),
            "{first}"
        );
        assert_eq!(first["line"], line + 1, "{first}");
        assert_eq!(first["column"], 3);
    }
}

#[test]
fn errors_render_with_code_label_and_help() {
    let dir = temp_dir("render");
    std::fs::write(
        dir.join("p.roll"),
        "plan p {}\nflag a: bool = false\nflag b: bool = false\ninvariant i: b -> a\nphase one \"One\" {\n  duration 1w\n  set b = true\n  set c = true\n}\n",
    )
    .unwrap();
    let out = rollplan(&dir, &["check", "p.roll"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn json_diagnostics_carry_code_position_and_help() {
    let dir = temp_dir("json");
    std::fs::write(
        dir.join("p.roll"),
        "plan p {}\nflag a: bool = 3\nphase one \"One\" {\n  duration 1w\n  set a = true\n}\n",
    )
    .unwrap();
    let out = rollplan(&dir, &["check", "--format", "json", "p.roll"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = temp_dir("deny");
    std::fs::write(dir.join("p.roll"), "plan p {}\nflag a: bool = false\nflag unused: bool = false\nphase one \"One\" {\n  duration 1w\n  set a = true\n}\n")
        .unwrap();
    let out = rollplan(&dir, &["check", "p.roll"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("rollplan::unused_flag"));
    assert!(text(&out.stdout).starts_with("p.roll: plan `p` checks clean"));
    let out = rollplan(&dir, &["check", "--deny", "warnings", "p.roll"]);
    assert_eq!(out.status.code(), Some(1));
    // A failing check must not say "checks clean": it says the warnings fail it.
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(
            "p.roll: plan `p` fails the check: 1 warning denied by `--deny warnings`\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("checks clean"), "{stdout}");
}

#[test]
fn without_a_file_the_single_plan_is_found() {
    let dir = temp_dir("lookup");
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    std::fs::copy(
        root().join("plans/entity.roll"),
        dir.join("plans/entity.roll"),
    )
    .unwrap();
    let out = rollplan(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .starts_with("plans/entity.roll: plan `entity_relationships` checks clean")
    );

    std::fs::copy(
        root().join("plans/entity.roll"),
        dir.join("plans/other.roll"),
    )
    .unwrap();
    let out = rollplan(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("rollplan::ambiguous_plan"), "{stderr}");
    assert!(
        stderr.contains("plans/entity.roll") && stderr.contains("plans/other.roll"),
        "{stderr}"
    );
}

#[test]
fn unreadable_input_is_exit_2_and_bad_bytes_exit_1() {
    let dir = temp_dir("io");
    let out = rollplan(&dir, &["check", "missing.roll"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("rollplan::io_error"));
    let out = rollplan(&dir, &["check", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(dir.join("bad.roll"), b"plan p {}\n\xff\xfe").unwrap();
    let out = rollplan(&dir, &["check", "--format", "json", "bad.roll"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "rollplan::invalid_utf8");
    assert_eq!(json["diagnostics"][0]["line"], 2);
}

/// A reader that goes away (`rollplan … | head -1`) must not make rollplan panic (exit 101).
#[test]
fn a_closed_stdout_is_not_a_panic() {
    for args in [
        ["check", "--format", "json", "plans/entity.roll"],
        ["emit", "--target", "checklist", "plans/entity.roll"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rollplan"))
            .args(args)
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("rollplan starts");
        // Close the read end before rollplan writes: its writes then fail with a broken pipe.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("rollplan ends");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

/// Runs rollplan, killing it if it has not finished in 20 s (a FIFO read would block forever).
#[cfg(unix)]
fn rollplan_within_time(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rollplan starts");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().expect("kill");
            panic!("`rollplan {}` hung", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("rollplan ends")
}

/// Every command that reads a plan or a scenario refuses a device or a FIFO before reading a
/// byte: `/dev/zero` would fill memory and a FIFO would block forever.
#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_by_every_reader() {
    let dir = temp_dir("special");
    std::fs::copy(root().join("plans/entity.roll"), dir.join("entity.roll")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.roll"))
        .status()
        .unwrap();
    assert!(made.success());
    for (special, what) in [("/dev/zero", "a device"), ("pipe.roll", "a named pipe")] {
        for args in [
            vec!["check", special],
            vec!["fmt", "--check", special],
            vec!["simulate", "--scenario", special, "entity.roll"],
            vec!["diff", special, "entity.roll"],
            vec!["emit", "-t", "json", special],
        ] {
            let out = rollplan_within_time(&dir, &args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.starts_with(&format!(
                    "error[rollplan::not_a_file]: `{special}` is {what}, not a regular file"
                )),
                "{args:?}: {stderr}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `fmt` reports a plan past the size limit as `check` does: `file_too_large`, not `io_error`.
#[test]
fn fmt_reports_a_file_past_the_limit_as_too_large() {
    let dir = temp_dir("huge");
    let file = std::fs::File::create(dir.join("huge.roll")).unwrap();
    file.set_len(rollplan::cli::input::MAX_FILE_BYTES + 1)
        .unwrap();
    drop(file);
    for args in [["check", "huge.roll"], ["fmt", "huge.roll"]] {
        let out = rollplan(&dir, &args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("rollplan::file_too_large"), "{stderr}");
        assert!(
            stderr.contains(
                "huge.roll` is 1073741825 bytes; rollplan reads plans up to 1073741824 bytes"
            ),
            "{stderr}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
