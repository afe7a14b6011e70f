//! `rollplan emit --out DIR` in a folder someone else may have prepared, or that another run
//! is using: stale files of removed phases, the plan's path in headers, links and special
//! files under `--check`, the folder lock, failures halfway, leftovers of killed runs, and
//! file modes. See `docs/security.md`.

use std::path::Path;
use std::process::Output;

use crate::common::cli;
use crate::common::workspace;

use workspace::{names, workspace};

fn rollplan(args: &[&str], cwd: &Path) -> Output {
    cli::rollplan_in(cwd, args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const EMIT: [&str; 6] = ["emit", "-t", "toml", "--out", "configs", "entity.roll"];
const CHECK: [&str; 7] = [
    "emit",
    "-t",
    "toml",
    "--out",
    "configs",
    "--check",
    "entity.roll",
];

/// The bytes of every file in `dir` (the lock file aside), by name.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    names(dir)
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect()
}

/// Changes phase 2's scoped value, which changes its file and phase 3's rollback file.
fn change_phase_two(plan: &Path) {
    let source = std::fs::read_to_string(plan).unwrap();
    let changed = source.replace(
        r#"set entity.handler_enabled = true when http.method == "GET" else false"#,
        r#"set entity.handler_enabled = true when http.method == "HEAD" else false"#,
    );
    assert_ne!(source, changed);
    std::fs::write(plan, changed).unwrap();
}

#[test]
fn a_failing_write_leaves_the_folder_as_it_was() {
    let (dir, plan) = workspace();
    let args = ["emit", "-t", "toml", "--out", "configs", "entity.roll"];
    assert_eq!(rollplan(&args, dir.path()).status.code(), Some(0));
    let configs = dir.path().join("configs");
    change_phase_two(&plan);
    // A folder where a config file belongs makes its rename fail (even for root, unlike a
    // read-only folder); the files before it in the run must not have changed either.
    std::fs::remove_file(configs.join("03-full_production.toml")).unwrap();
    std::fs::create_dir_all(configs.join("03-full_production.toml/blocker")).unwrap();
    let before = contents(&configs);
    let out = rollplan(&args, dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error[rollplan::io_error]: cannot write `configs/03-full_production.toml`"
        ),
        "{stderr}"
    );
    assert_eq!(contents(&configs), before, "the folder changed");
}

/// The library half of the same promise, with a failure while the temporary files are written:
/// a name too long for a temporary file fails after the files before it were staged.
#[test]
fn a_failure_while_staging_leaves_no_file_changed_and_no_temporary() {
    use rollplan::emit::{OutFile, Target, write};
    let dir = tempfile::tempdir().unwrap();
    let old = |name: &str| OutFile {
        name: name.to_owned(),
        bytes: b"old\n".to_vec(),
    };
    let new = |name: &str| OutFile {
        name: name.to_owned(),
        bytes: b"new\n".to_vec(),
    };
    let long = format!("02-{}.toml", "x".repeat(240));
    write::write_all(
        dir.path(),
        &[old("01-a.toml"), old("03-c.toml")],
        Target::Toml,
        false,
    )
    .unwrap();
    let before = contents(dir.path());
    let failed = write::write_all(
        dir.path(),
        &[new("01-a.toml"), new(&long), new("03-c.toml")],
        Target::Toml,
        true,
    );
    let Err(write::LockError::Io(e)) = failed else {
        panic!("the long name was written: {failed:?}");
    };
    assert_eq!(e.path, dir.path().join(&long));
    assert_eq!(contents(dir.path()), before);
}

/// Inserting a phase renumbers the files after it: the old names must go, or a deploy step
/// that applies `*.toml` applies them too. Only files with the generated header go.
#[test]
fn emit_removes_the_files_of_phases_that_no_longer_exist_and_check_then_passes() {
    let (dir, plan) = workspace();
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    let configs = dir.path().join("configs");
    // Named like this target's files, but not written by rollplan: never removed.
    std::fs::write(configs.join("09-notes.toml"), "# mine\n").unwrap();
    std::fs::write(configs.join("08-kept.toml"), "# mine\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("05-completion.toml", configs.join("07-link.toml")).unwrap();
    let source = std::fs::read_to_string(&plan).unwrap();
    let inserted = source.replacen(
        "phase read_only ",
        "phase soak \"Soak\" {\n  duration 1w\n}\n\nphase read_only ",
        1,
    );
    std::fs::write(&plan, inserted).unwrap();

    let out = rollplan(&EMIT, dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("removed configs/05-completion.toml: the plan no longer produces it\n"),
        "{stderr}"
    );
    let mut expected = vec![
        "01-development.rollback.toml",
        "01-development.toml",
        "02-soak.rollback.toml",
        "02-soak.toml",
        "03-read_only.rollback.toml",
        "03-read_only.toml",
        "04-full_production.rollback.toml",
        "04-full_production.toml",
        "05-entity_repository.rollback.toml",
        "05-entity_repository.toml",
        "06-completion.rollback.toml",
        "06-completion.toml",
    ];
    #[cfg(unix)]
    expected.push("07-link.toml");
    expected.extend(["08-kept.toml", "09-notes.toml"]);
    assert_eq!(names(&configs), expected);
    let check = rollplan(&CHECK, dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

/// The header records the plan's path the same way however it was typed, so `--check` passes
/// after `emit` run with another spelling or from another folder.
#[test]
fn the_plan_path_in_headers_does_not_depend_on_how_it_was_typed() {
    let (dir, _) = workspace();
    // A repository: the path is recorded relative to its root.
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("plans")).unwrap();
    std::fs::rename(
        dir.path().join("entity.roll"),
        dir.path().join("plans/entity.roll"),
    )
    .unwrap();
    let absolute = dir.path().join("plans/entity.roll").display().to_string();
    let plans = dir.path().join("plans");
    let runs: [(&Path, &str, &str); 4] = [
        (dir.path(), "plans/entity.roll", "configs"),
        (dir.path(), "./plans/entity.roll", "configs"),
        (dir.path(), &absolute, "configs"),
        (&plans, "entity.roll", "../configs"),
    ];
    let mut first: Option<Vec<u8>> = None;
    for (cwd, plan, out) in runs {
        let emit = rollplan(&["emit", "-t", "yaml", "--out", out, plan], cwd);
        assert_eq!(
            emit.status.code(),
            Some(0),
            "{plan}: {}",
            text(&emit.stderr)
        );
        let bytes = std::fs::read(dir.path().join("configs/01-development.yaml")).unwrap();
        assert!(
            text(&bytes).starts_with("# plans/entity.roll: phase 1 `development`"),
            "{plan}: {}",
            text(&bytes)
        );
        assert_eq!(first.get_or_insert_with(|| bytes.clone()), &bytes, "{plan}");
        let stdout = rollplan(&["emit", "-t", "yaml", "--phase", "development", plan], cwd);
        assert_eq!(stdout.stdout, bytes, "{plan}");
    }
    for (cwd, plan, out) in runs {
        let check = rollplan(&["emit", "-t", "yaml", "--out", out, "--check", plan], cwd);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{plan}: {}",
            text(&check.stderr)
        );
    }
}

/// `--check` never follows a link planted at a file's name, nor reads a device or a FIFO: a
/// link to `/proc/self/environ` would print the CI's secrets in the diff.
#[cfg(unix)]
#[test]
fn check_reads_neither_links_nor_special_files() {
    let (dir, _) = workspace();
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    let configs = dir.path().join("configs");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "TOKEN=hunter2\n").unwrap();
    let planted = [
        ("01-development.toml", secret.as_path()),
        ("02-read_only.toml", Path::new("/proc/self/environ")),
        ("03-full_production.toml", Path::new("/dev/zero")),
    ];
    for (name, to) in planted {
        std::fs::remove_file(configs.join(name)).unwrap();
        std::os::unix::fs::symlink(to, configs.join(name)).unwrap();
    }
    std::fs::remove_file(configs.join("04-entity_repository.toml")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(configs.join("04-entity_repository.toml"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(CHECK)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("ROLLPLAN_TEST_SECRET", "hunter3")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("--check hung on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("hunter"), "{stderr}");
    let stale: Vec<&str> = stderr.lines().filter(|l| l.starts_with("stale:")).collect();
    assert_eq!(
        stale,
        [
            "stale: configs/01-development.toml is a symbolic link, not a regular file (not read)",
            "stale: configs/02-read_only.toml is a symbolic link, not a regular file (not read)",
            "stale: configs/03-full_production.toml is a symbolic link, not a regular file (not read)",
            "stale: configs/04-entity_repository.toml is a named pipe, not a regular file (not read)",
        ],
        "{stderr}"
    );
    // Writing replaces each link with a file (the link's target is untouched).
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "TOKEN=hunter2\n");
    assert_eq!(rollplan(&CHECK, dir.path()).status.code(), Some(0));
}

/// Two runs into one folder would mix two plans' files: the second is refused while the first
/// holds the folder's lock, with a diagnostic that says so.
#[cfg(unix)]
#[test]
fn a_second_run_is_refused_while_the_folder_is_locked() {
    let (dir, _) = workspace();
    let configs = dir.path().join("configs");
    std::fs::create_dir_all(&configs).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(configs.join(".rollplan.lock"))
        .unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let out = rollplan(&EMIT, dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error[rollplan::output_locked]: another `rollplan emit` is writing to `configs` (it holds `configs/.rollplan.lock`)\n  help: wait for it to finish, or write to another folder; the lock goes with the process that holds it\n"
    );
    assert!(names(&configs).is_empty());
    // --check does not read a folder while a run writes there.
    let check = rollplan(&CHECK, dir.path());
    assert_eq!(check.status.code(), Some(2));
    assert!(text(&check.stderr).starts_with("error[rollplan::output_locked]"));
    drop(lock);
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    assert_eq!(rollplan(&CHECK, dir.path()).status.code(), Some(0));
}

/// A killed run leaves its temporary files: `--check` reports this target's, and the next run
/// removes them. Another target's are not touched.
#[test]
fn leftover_temporary_files_are_reported_and_cleaned() {
    let (dir, _) = workspace();
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    let configs = dir.path().join("configs");
    let ours = ".02-read_only.toml.rollplan-tmp-4242";
    let theirs = ".02-read_only.json.rollplan-tmp-4242";
    std::fs::write(configs.join(ours), "half a fi").unwrap();
    std::fs::write(configs.join(theirs), "half a fi").unwrap();
    let check = rollplan(&CHECK, dir.path());
    let stderr = text(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "stale: configs/{ours} is a temporary file left by an interrupted run\n"
        )),
        "{stderr}"
    );
    let emit = rollplan(&EMIT, dir.path());
    assert_eq!(
        text(&emit.stderr),
        "removed 1 temporary file left by an interrupted run\nwrote 10 files to configs\n"
    );
    assert!(!configs.join(ours).exists());
    assert!(configs.join(theirs).exists());
    assert_eq!(rollplan(&CHECK, dir.path()).status.code(), Some(0));
}

/// A file made private stays private when the plan changes it.
#[cfg(unix)]
#[test]
fn a_rewritten_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, plan) = workspace();
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    let file = dir.path().join("configs/02-read_only.toml");
    let before = std::fs::read(&file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    change_phase_two(&plan);
    assert_eq!(rollplan(&EMIT, dir.path()).status.code(), Some(0));
    assert_ne!(std::fs::read(&file).unwrap(), before);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// `check` takes phase ids up to 128 characters (`name_too_long` past that), and `emit --out`
/// can write the longest name built from one, temporary file included.
#[test]
fn the_longest_phase_id_check_allows_can_be_written() {
    let (dir, plan) = workspace();
    let longest = "r".repeat(rollplan::model::MAX_FILE_NAME_ID);
    let source = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, source.replace("read_only", &longest)).unwrap();
    let out = rollplan(
        &["emit", "-t", "launchdarkly", "--out", "ld", "entity.roll"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = dir
        .path()
        .join(format!("ld/02-{longest}.rollback.launchdarkly.json"));
    assert!(written.is_file());

    std::fs::write(&plan, source.replace("read_only", &format!("{longest}r"))).unwrap();
    let check = rollplan(&["check", "entity.roll"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stderr).contains("rollplan::name_too_long"));
}

mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use rollplan::emit::{DO_NOT_EDIT, OutFile, Target, write};

    /// A set of generated files: names from a small pool (so runs share and drop names), each
    /// with the generated header and some content.
    fn files() -> impl Strategy<Value = Vec<OutFile>> {
        proptest::collection::btree_map(0u8..8, "[a-z ]{0,12}", 0..6).prop_map(|m| {
            m.into_iter()
                .map(|(n, body)| OutFile {
                    name: format!("0{n}-p{n}.toml"),
                    bytes: format!("# {DO_NOT_EDIT}\n{body}\n").into_bytes(),
                })
                .collect()
        })
    }

    fn contents(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".rollplan.lock")
            .map(|n| {
                let bytes = std::fs::read(dir.join(&n)).unwrap();
                (n, bytes)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128)
        ))]

        /// Whatever the files before and after, a run leaves the folder holding exactly the new
        /// files and the user's own, or, when a write fails partway, exactly what it held.
        #[test]
        fn a_run_leaves_the_new_files_or_the_old_folder(
            old in files(),
            new in files(),
            failing in proptest::option::of(0usize..6),
        ) {
            let dir = tempfile::tempdir().unwrap();
            write::write_all(dir.path(), &old, Target::Toml, true).unwrap();
            std::fs::write(dir.path().join("09-user.toml"), "mine\n").unwrap();
            let before = contents(dir.path());
            let mut run = new.clone();
            if let Some(at) = failing {
                // A name the file system takes, whose temporary file it does not.
                let long = OutFile { name: format!("0{}.toml", "x".repeat(245)), bytes: vec![] };
                run.insert(at.min(run.len()), long);
            }
            let result = write::write_all(dir.path(), &run, Target::Toml, true);
            let after = contents(dir.path());
            if failing.is_some() {
                prop_assert!(result.is_err());
                prop_assert_eq!(after, before);
            } else {
                prop_assert!(result.is_ok(), "{:?}", result);
                let mut expected: BTreeMap<String, Vec<u8>> =
                    new.iter().map(|f| (f.name.clone(), f.bytes.clone())).collect();
                expected.insert("09-user.toml".to_owned(), b"mine\n".to_vec());
                prop_assert_eq!(after, expected);
            }
        }
    }
}
