//! `rollplan fmt` on the command line: rewriting in place, `--check` with its diff, stdin to
//! stdout, folders, plans that do not parse (left untouched), I/O errors, JSON output, and
//! `plans/` itself, which CI keeps formatted.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const UNFORMATTED: &str = "plan p{title \"T\"}\nflag a : bool=false # why\nphase one \"One\" { duration 1w set a = true }\n";
const FORMATTED: &str = "plan p {\n  title \"T\"\n}\n\nflag a: bool = false # why\n\nphase one \"One\" {\n  duration 1w\n  set a = true\n}\n";

fn rollplan(args: &[&str], dir: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rollplan runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.unwrap_or("").as_bytes())
        .expect("stdin accepts the plan");
    drop(pipe);
    child.wait_with_output().expect("rollplan finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, content).expect("write plan");
    }
    dir
}

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).expect("read plan")
}

#[test]
fn rewrites_files_in_place_and_leaves_formatted_ones_alone() {
    let dir = folder_with(&[("a.roll", UNFORMATTED), ("b.roll", FORMATTED)]);
    let out = rollplan(&["fmt", "a.roll", "b.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(read(&dir, "a.roll"), FORMATTED);
    assert_eq!(read(&dir, "b.roll"), FORMATTED);
    assert_eq!(text(&out.stderr), "formatted a.roll\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list folder")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no temporary file is left: {leftovers:?}"
    );
}

#[test]
fn check_names_unformatted_files_with_a_diff_and_writes_nothing() {
    let dir = folder_with(&[("a.roll", UNFORMATTED), ("b.roll", FORMATTED)]);
    let out = rollplan(&["fmt", "--check", "a.roll", "b.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&dir, "a.roll"), UNFORMATTED);
    insta::assert_snapshot!("check_diff", text(&out.stdout));
    assert_eq!(
        text(&out.stderr),
        "1 file is not formatted (run `rollplan fmt` to fix):\n  a.roll\n"
    );
}

#[test]
fn check_passes_on_formatted_files() {
    let dir = folder_with(&[("b.roll", FORMATTED)]);
    let out = rollplan(&["fmt", "--check", "b.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn crlf_and_byte_order_mark_count_as_unformatted() {
    let crlf = format!("\u{FEFF}{}", FORMATTED.replace('\n', "\r\n"));
    let dir = folder_with(&[("c.roll", &crlf)]);
    let out = rollplan(&["fmt", "--check", "c.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let out = rollplan(&["fmt", "c.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read(&dir, "c.roll"), FORMATTED);
}

#[test]
fn dash_formats_stdin_to_stdout() {
    let dir = folder_with(&[]);
    let out = rollplan(&["fmt", "-"], dir.path(), Some(UNFORMATTED));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), FORMATTED);
    let out = rollplan(&["fmt", "--check", "-"], dir.path(), Some(UNFORMATTED));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("--- <stdin>\n+++ <stdin> (formatted)\n"));
    let out = rollplan(&["fmt", "--check", "-"], dir.path(), Some(FORMATTED));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn folders_are_searched_recursively_in_path_order() {
    let dir = folder_with(&[
        ("plans/z.roll", UNFORMATTED),
        ("plans/sub/a.roll", UNFORMATTED),
        ("plans/notes.txt", "not a plan"),
    ]);
    let out = rollplan(&["fmt", "--check", "plans"], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        text(&out.stderr),
        format!(
            "2 files are not formatted (run `rollplan fmt` to fix):\n  plans{sep}sub{sep}a.roll\n  plans{sep}z.roll\n"
        )
    );
}

#[test]
fn a_plan_with_syntax_errors_is_reported_and_left_untouched() {
    let broken = "plan p {}\nflag a bool = false\n  phase   x \"X\" {}\n";
    let dir = folder_with(&[("bad.roll", broken), ("a.roll", UNFORMATTED)]);
    let out = rollplan(&["fmt", "bad.roll", "a.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&dir, "bad.roll"), broken);
    assert_eq!(
        read(&dir, "a.roll"),
        FORMATTED,
        "other files are still formatted"
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("rollplan::syntax_error"), "{stderr}");
    assert!(stderr.contains("bad.roll was not formatted"), "{stderr}");
}

#[test]
fn a_folder_without_plans_is_a_usage_error() {
    let dir = folder_with(&[("plans/notes.txt", "not a plan")]);
    let out = rollplan(&["fmt", "--check", "plans"], dir.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("rollplan::plan_not_found"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn io_errors_exit_2() {
    let dir = folder_with(&[("a.roll", UNFORMATTED)]);
    let out = rollplan(&["fmt", "missing.roll", "a.roll"], dir.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("rollplan::io_error"));
    assert_eq!(
        read(&dir, "a.roll"),
        FORMATTED,
        "readable files are still formatted"
    );
}

#[test]
fn json_reports_each_file() {
    let dir = folder_with(&[
        ("a.roll", UNFORMATTED),
        ("b.roll", FORMATTED),
        ("c.roll", "plan {"),
    ]);
    let out = rollplan(
        &[
            "fmt", "--check", "--format", "json", "a.roll", "b.roll", "c.roll",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    // The parser's wording is not this test's business: keep the codes of its diagnostics.
    let diagnostics = &mut value["files"][2]["diagnostics"];
    *diagnostics = diagnostics
        .as_array()
        .expect("diagnostics of the broken plan")
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    insta::assert_json_snapshot!("check_json", value);
}

#[test]
fn plans_folder_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = rollplan(&["fmt", "--check", "plans"], root, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "run `rollplan fmt plans`:\n{}",
        text(&out.stdout)
    );
}

/// `fmt DIR` walks DIR without following links: `ln -s . DIR/loop` used to recurse forever,
/// and a link to a plan or a folder outside DIR had that plan rewritten. Links found in the
/// walk are left alone; a plan named on the command line is still followed to its file.
#[cfg(unix)]
#[test]
fn a_folder_walk_follows_no_links_and_writes_nothing_outside() {
    use std::os::unix::fs::symlink;
    let dir = folder_with(&[
        ("d/a.roll", UNFORMATTED),
        ("outside.roll", UNFORMATTED),
        ("other/b.roll", UNFORMATTED),
    ]);
    let d = dir.path().join("d");
    symlink(".", d.join("loop1")).unwrap();
    symlink(".", d.join("loop2")).unwrap();
    symlink("../outside.roll", d.join("out.roll")).unwrap();
    symlink("../other", d.join("other")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(["fmt", "d"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("fmt d did not finish: it follows the loop");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "formatted d/a.roll\n");
    assert_eq!(read(&dir, "d/a.roll"), FORMATTED);
    assert_eq!(read(&dir, "outside.roll"), UNFORMATTED);
    assert_eq!(read(&dir, "other/b.roll"), UNFORMATTED);
    assert!(
        std::fs::symlink_metadata(d.join("out.roll"))
            .unwrap()
            .is_symlink()
    );

    // Named explicitly, the link is followed to its plan, and stays a link.
    let named = rollplan(&["fmt", "d/out.roll"], dir.path(), None);
    assert_eq!(named.status.code(), Some(0), "{}", text(&named.stderr));
    assert_eq!(read(&dir, "outside.roll"), FORMATTED);
    assert!(
        std::fs::symlink_metadata(d.join("out.roll"))
            .unwrap()
            .is_symlink()
    );
}
