//! `rollplan diff`: the done-when change to `plans/entity.roll` (snapshots of the human,
//! Markdown and JSON outputs), every kind of change on a small pair of plans, formatting-only
//! changes, a side that fails `check`, `REV:PATH` from a temporary git repository, and the
//! Markdown length cap.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use rollplan::diff::{ChangeKind, Risk, Side, diff, markdown};
use rollplan::source::SourceMap;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const RISKY: &str = "tests/fixtures/diff/entity-risky.roll";

use crate::common::cli;

use cli::rollplan_in;

fn rollplan(args: &[&str]) -> (i32, String, String) {
    let out = rollplan_in(Path::new(ROOT), args);
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn side(path: &str) -> Side {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    side_of(path, text)
}

fn side_of(name: &str, text: String) -> Side {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    Side::compile(&sources, file).expect("resolves")
}

#[test]
fn the_risky_entity_change_is_reported_with_its_effects_and_risks() {
    let d = diff(&side("plans/entity.roll"), &side(RISKY));
    let find = |phase: &str, kind: ChangeKind| {
        d.changes
            .iter()
            .find(|c| c.kind == kind && c.scope == rollplan::diff::Scope::Phase(phase.into()))
            .unwrap_or_else(|| panic!("no {kind:?} in `{phase}`"))
    };
    let shorter = find("read_only", ChangeKind::Duration);
    assert_eq!(
        (shorter.old.as_deref(), shorter.new.as_deref()),
        (Some("1w"), Some("3d"))
    );
    assert_eq!(shorter.risk, Some(Risk::ShorterPhase));
    let gate = find("full_production", ChangeKind::GateLoosened);
    assert_eq!(gate.new.as_deref(), Some("error_rate < 1%"));
    assert_eq!(gate.risk, Some(Risk::LoosenedGate));
    let flag = find("full_production", ChangeKind::FlagValue);
    assert_eq!(flag.subject, "flag `entity.based_repository_enabled`");
    assert_eq!(flag.risk, Some(Risk::FlagEnabledEarlier));
    // The shorter phase moves every later phase and the completion 4 days earlier.
    for phase in ["full_production", "entity_repository", "completion"] {
        assert_eq!(
            find(phase, ChangeKind::StartShift).note.as_deref(),
            Some("4 days earlier")
        );
    }
    assert_eq!(d.completion_shift(), Some(-4));
    // Nothing about the unchanged phase `development` is reported.
    assert!(
        d.changes
            .iter()
            .all(|c| c.scope != rollplan::diff::Scope::Phase("development".into()))
    );
}

#[test]
fn risky_entity_change_human() {
    let (code, out, _) = rollplan(&["diff", "plans/entity.roll", RISKY]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("entity_risky_human", out);
}

#[test]
fn risky_entity_change_markdown() {
    let (code, out, _) = rollplan(&["diff", "plans/entity.roll", RISKY, "--format", "markdown"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("entity_risky_markdown", out);
}

#[test]
fn risky_entity_change_json() {
    let (code, out, _) = rollplan(&["diff", "plans/entity.roll", RISKY, "--format", "json"]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(
        value["risks"],
        serde_json::json!(["shorter_phase", "flag_enabled_earlier", "loosened_gate"])
    );
    insta::assert_snapshot!("entity_risky_json", out);
}

#[test]
fn fail_on_risk_exits_3_only_for_risky_changes() {
    let (code, _, _) = rollplan(&["diff", "plans/entity.roll", RISKY, "--fail-on", "risk"]);
    assert_eq!(code, 3);
    let (code, _, _) = rollplan(&[
        "diff",
        "plans/entity.roll",
        "tests/fixtures/diff/entity-reformatted.roll",
        "--fail-on",
        "risk",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn a_reformatted_copy_has_no_semantic_change() {
    let (code, out, _) = rollplan(&[
        "diff",
        "plans/entity.roll",
        "tests/fixtures/diff/entity-reformatted.roll",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no semantic change"), "{out}");
    let (_, md, _) = rollplan(&[
        "diff",
        "plans/entity.roll",
        "tests/fixtures/diff/entity-reformatted.roll",
        "--format",
        "markdown",
    ]);
    assert!(md.contains("**No semantic change**"), "{md}");
}

#[test]
fn every_kind_of_change() {
    let (code, out, _) = rollplan(&[
        "diff",
        "tests/fixtures/diff/kinds-old.roll",
        "tests/fixtures/diff/kinds-new.roll",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("kinds_human", out);
    let d = diff(
        &side("tests/fixtures/diff/kinds-old.roll"),
        &side("tests/fixtures/diff/kinds-new.roll"),
    );
    let risks: Vec<Risk> = d.risks().filter_map(|c| c.risk).collect();
    assert_eq!(
        risks,
        [
            Risk::RemovedInvariant,
            Risk::ChangedInvariant,
            Risk::FlagEnabled,
            Risk::RollbackRemoved,
            Risk::RemovedPhase,
            Risk::ChangedGate,
            Risk::LoosenedGate,
        ]
    );
    for kind in [
        ChangeKind::PhaseRenamed,
        ChangeKind::PhaseMoved,
        ChangeKind::PhaseAdded,
        ChangeKind::PhaseRemoved,
        ChangeKind::GateTightened,
        ChangeKind::ManualGateChanged,
        ChangeKind::InvariantRemoved,
        ChangeKind::InvariantRenamed,
        ChangeKind::InvariantChanged,
        ChangeKind::DeclarationAdded,
        ChangeKind::ItemAdded,
        ChangeKind::FailurePolicy,
    ] {
        assert!(d.changes.iter().any(|c| c.kind == kind), "no {kind:?}");
    }
    // `b -> a` rewritten as `!b || a` means the same: not a change.
    assert!(
        !d.changes
            .iter()
            .any(|c| c.subject == "invariant `same_meaning`")
    );
}

/// A plan whose one phase sets `checkout.v2` and `checkout.tier` with the given right-hand sides.
fn scoped_plan(v2: &str, tier: &str) -> Side {
    side_of(
        "scoped.roll",
        format!(
            "plan p {{ title \"P\" }}\nattribute http.method: string\n\
             attribute plan_tier: enum(free, plus, pro)\n\
             flag checkout.v2: bool = false\nflag checkout.tier: enum(basic, plus) = basic\n\
             phase one \"One\" {{\n  duration 1w\n  set checkout.v2 = {v2}\n  \
             set checkout.tier = {tier}\n}}\n"
        ),
    )
}

/// The risk and note of the change to `flag` between two versions of [`scoped_plan`].
fn scoped_change(old: &Side, new: &Side, flag: &str) -> (Option<Risk>, Option<String>) {
    let d = diff(old, new);
    let change = d
        .changes
        .iter()
        .find(|c| c.subject == format!("flag `{flag}`"))
        .unwrap_or_else(|| panic!("no change to `{flag}`: {:?}", d.changes));
    (change.risk, change.note.clone())
}

#[test]
fn widening_who_gets_a_value_is_risky_and_narrowing_is_a_reduction() {
    let get = "true when http.method == \"GET\" else false";
    let get_post = "true when http.method in [\"GET\", \"POST\"] else false";
    let plus = "plus when plan_tier in [plus] else basic";
    let plus_pro = "plus when plan_tier in [plus, pro] else basic";
    // Writes now reach the new handler: more contexts get `true`.
    let (risk, _) = scoped_change(
        &scoped_plan(get, plus),
        &scoped_plan(get_post, plus),
        "checkout.v2",
    );
    assert_eq!(risk, Some(Risk::FlagEnabled));
    // An enum value added to a scoped rule of a flag that is not a boolean.
    let (risk, _) = scoped_change(
        &scoped_plan(get, plus),
        &scoped_plan(get, plus_pro),
        "checkout.tier",
    );
    assert_eq!(risk, Some(Risk::ValueWidened));
    // The way back takes the value from some contexts: a reduction, not a risk.
    for (old, new, flag) in [
        (
            scoped_plan(get_post, plus),
            scoped_plan(get, plus),
            "checkout.v2",
        ),
        (
            scoped_plan(get, plus_pro),
            scoped_plan(get, plus),
            "checkout.tier",
        ),
    ] {
        let (risk, note) = scoped_change(&old, &new, flag);
        assert_eq!(risk, None, "{flag}");
        assert_eq!(
            note.as_deref(),
            Some("narrowed: fewer contexts get it"),
            "{flag}"
        );
    }
    // `--fail-on risk` sees it.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-widened");
    std::fs::create_dir_all(&dir).unwrap();
    let text = |v2: &str| {
        format!(
            "plan p {{ title \"P\" }}\nattribute http.method: string\n\
             flag checkout.v2: bool = false\n\
             phase one \"One\" {{\n  duration 1w\n  set checkout.v2 = {v2}\n}}\n"
        )
    };
    std::fs::write(dir.join("old.roll"), text(get)).unwrap();
    std::fs::write(dir.join("new.roll"), text(get_post)).unwrap();
    let out = rollplan_in(&dir, &["diff", "old.roll", "new.roll", "--fail-on", "risk"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A plan whose one phase sets `checkout.v2` with the given right-hand side, over a string
/// and an int attribute.
fn aged_plan(v2: &str) -> Side {
    side_of(
        "aged.roll",
        format!(
            "plan p {{ title \"P\" }}\nattribute http.method: string\nattribute age: int\n\
             flag checkout.v2: bool = false\n\
             phase one \"One\" {{\n  duration 1w\n  set checkout.v2 = {v2}\n}}\n"
        ),
    )
}

/// Compound conditions and int ranges: whether more contexts get the value is decided by
/// evaluating both sides, not by comparing their text.
#[test]
fn compound_conditions_and_int_ranges_widen_and_narrow_by_meaning() {
    let older = "true when age >= 30 else false";
    let younger = "true when age >= 18 else false";
    let both = "true when http.method == \"GET\" && age >= 30 else false";
    let either = "true when http.method == \"GET\" || age >= 30 else false";
    // Only an age below 4 tells `age == 4` from `age < 5`.
    let four = "true when age == 4 else false";
    let under_five = "true when age < 5 else false";
    let widening = [
        (older, younger),
        (both, either),
        (both, older),
        (four, under_five),
    ];
    for (old, new) in widening {
        let (risk, _) = scoped_change(&aged_plan(old), &aged_plan(new), "checkout.v2");
        assert_eq!(risk, Some(Risk::FlagEnabled), "{old} → {new}");
        let (risk, note) = scoped_change(&aged_plan(new), &aged_plan(old), "checkout.v2");
        assert_eq!(risk, None, "{new} → {old}");
        assert_eq!(
            note.as_deref(),
            Some("narrowed: fewer contexts get it"),
            "{new} → {old}"
        );
    }
    // Where `age` is absent, `!(age < 30)` holds and `age >= 30` does not.
    let (risk, _) = scoped_change(
        &aged_plan(older),
        &aged_plan("true when !(age < 30) else false"),
        "checkout.v2",
    );
    assert_eq!(risk, Some(Risk::FlagEnabled));
    // Written differently, meaning the same: neither a risk nor a reduction.
    let same = [
        (older, "true when age > 29 else false"),
        (
            older,
            "true when (age >= 30 && age != -5) || age == 31 else false",
        ),
        (
            both,
            "false when !(http.method == \"GET\") || !(age >= 30) else true",
        ),
    ];
    for (old, new) in same {
        let (risk, note) = scoped_change(&aged_plan(old), &aged_plan(new), "checkout.v2");
        assert_eq!((risk, note), (None, None), "{old} → {new}");
    }
}

/// The plan-wide `on_fail` is one change, not one risk per phase that follows it; a phase with
/// its own policy is not affected.
#[test]
fn a_changed_plan_wide_on_fail_is_one_change() {
    let plan = |policy: &str| {
        side_of(
            "p.roll",
            format!(
                "plan p {{ title \"P\" }}\nflag f: bool = false\non_fail {policy}\n\
                 phase a \"A\" {{\n  duration 1w\n  set f = true\n}}\n\
                 phase b \"B\" {{\n  duration 1w\n  set f = false\n}}\n\
                 phase c \"C\" {{\n  duration 1w\n  set f = true\n  on_fail rollback start\n}}\n"
            ),
        )
    };
    let d = diff(
        &plan("extend 1w max 2 then rollback previous"),
        &plan("extend 2w"),
    );
    let policies: Vec<_> = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::FailurePolicy)
        .map(|c| (c.scope.clone(), c.old.as_deref(), c.new.as_deref(), c.risk))
        .collect();
    assert_eq!(
        policies,
        [(
            rollplan::diff::Scope::Plan,
            Some("extend 1w max 2 then rollback previous"),
            Some("extend 2w"),
            Some(Risk::RollbackRemoved)
        )]
    );
    assert_eq!(d.risks().count(), 1);
}

/// `diff` compiles its two sides on two threads; when both fail to parse, each side's message
/// is the one it gets alone, run after run (pest's error detail is a process-wide switch).
/// Four diffs at once (a library user may run several) make the race likely enough to see.
#[test]
fn both_sides_failing_to_parse_at_once_read_as_alone() {
    let texts = [
        "plan a {}\nflag x: bool false\n".to_owned(),
        "plan b {}\nphase p \"P\" {\n  duraton 1w\n}\n".to_owned(),
    ];
    let message = |text: &str| {
        let mut sources = SourceMap::new();
        let file = sources.add("side.roll", text.to_owned());
        match Side::compile(&sources, file) {
            Ok(_) => panic!("a broken side compiled"),
            Err(errors) => errors.as_slice()[0].message.clone(),
        }
    };
    let alone: Vec<String> = texts.iter().map(|t| message(t)).collect();
    std::thread::scope(|scope| {
        let diffs: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..150)
                        .map(|_| {
                            std::thread::scope(|sides| {
                                let old = sides.spawn(|| message(&texts[0]));
                                let new = sides.spawn(|| message(&texts[1]));
                                [old.join().unwrap(), new.join().unwrap()]
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for run in diffs {
            for messages in run.join().unwrap() {
                assert_eq!(messages, [alone[0].clone(), alone[1].clone()]);
            }
        }
    });
}

#[test]
fn a_side_that_fails_check_is_still_compared() {
    let (code, out, _) = rollplan(&[
        "diff",
        "plans/entity.roll",
        "tests/fixtures/diff/entity-fails-check.roll",
        "--fail-on",
        "risk",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("fails_check_human", out);
}

#[test]
fn a_side_that_does_not_resolve_exits_2() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-unresolved");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.roll"),
        "plan x {}\nphase p \"P\" { set nope = true }\n",
    )
    .unwrap();
    let entity = Path::new(ROOT).join("plans/entity.roll");
    let out = rollplan_in(&dir, &["diff", entity.to_str().unwrap(), "bad.roll"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rollplan::undefined_flag"), "{stderr}");
    assert!(stderr.contains("does not compile to a plan"), "{stderr}");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn rev_path_reads_the_plan_from_git() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-git-repo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::copy(
        Path::new(ROOT).join("plans/entity.roll"),
        dir.join("plans/entity.roll"),
    )
    .unwrap();
    git(&dir, &["add", "plans/entity.roll"]);
    git(&dir, &["commit", "-q", "-m", "plan"]);
    std::fs::copy(Path::new(ROOT).join(RISKY), dir.join("plans/entity.roll")).unwrap();

    let out = rollplan_in(
        &dir,
        &[
            "diff",
            "main:plans/entity.roll",
            "plans/entity.roll",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["old"]["label"], "main:plans/entity.roll");
    assert_eq!(value["risks"].as_array().map(Vec::len), Some(3));

    // The same revision on both sides: no change.
    let out = rollplan_in(
        &dir,
        &["diff", "main:plans/entity.roll", "HEAD:plans/entity.roll"],
    );
    assert_eq!(out.status.code(), Some(0));

    // A revision that does not exist is a usage error naming git's complaint.
    let out = rollplan_in(
        &dir,
        &["diff", "nosuchrev:plans/entity.roll", "plans/entity.roll"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rollplan::git_failed"), "{stderr}");
    assert!(
        stderr.contains("git show nosuchrev:plans/entity.roll"),
        "{stderr}"
    );
}

/// A repository with `plans/entity.roll` committed on `main` and the risky plan in the work
/// tree, in a fresh folder named `name`.
fn repo(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::copy(
        Path::new(ROOT).join("plans/entity.roll"),
        dir.join("plans/entity.roll"),
    )
    .unwrap();
    git(&dir, &["add", "plans/entity.roll"]);
    git(&dir, &["commit", "-q", "-m", "plan"]);
    std::fs::copy(Path::new(ROOT).join(RISKY), dir.join("plans/entity.roll")).unwrap();
    dir
}

/// Regression (issue 14.7): `diff -- '--output=x:y' plan.roll` ran `git show --output=x:y`,
/// which wrote the file `x`.
#[test]
fn a_revision_that_looks_like_an_option_is_refused() {
    let dir = repo("diff-git-option");
    for spec in ["--output=x:y", "git:--output=x:y", "-p:plans/entity.roll"] {
        let out = rollplan_in(&dir, &["diff", "--", spec, "plans/entity.roll"]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("rollplan::invalid_revision"), "{stderr}");
        assert!(stderr.contains("starts with `-`"), "{stderr}");
        assert!(!dir.join("x").exists(), "{spec} wrote a file");
    }
}

/// Regression (issue 14.8): a pull request that adds a file named `main:plans/entity.roll`
/// made `diff main:plans/entity.roll plans/entity.roll` compare the new plan with itself.
/// `git:` always means git; the bare form still reads the file but warns.
#[test]
fn git_prefix_is_always_a_revision_and_a_file_named_like_one_is_warned_about() {
    let dir = repo("diff-git-prefix");
    std::fs::create_dir_all(dir.join("main:plans")).unwrap();
    std::fs::copy(
        dir.join("plans/entity.roll"),
        dir.join("main:plans/entity.roll"),
    )
    .unwrap();

    let out = rollplan_in(
        &dir,
        &["diff", "git:main:plans/entity.roll", "plans/entity.roll"],
    );
    assert_eq!(out.status.code(), Some(1), "the risky change is found");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = rollplan_in(
        &dir,
        &["diff", "main:plans/entity.roll", "plans/entity.roll"],
    );
    assert_eq!(out.status.code(), Some(0), "the planted file is compared");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning[rollplan::ambiguous_revision]: `main:plans/entity.roll` is both a file and a git revision"),
        "{stderr}"
    );
    assert!(stderr.contains("git:main:plans/entity.roll"), "{stderr}");

    let out = rollplan_in(&dir, &["diff", "git:main", "plans/entity.roll"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rollplan::invalid_revision"));
}

/// Two plans of `n` phases whose every phase differs, with long texts, for the cap.
fn big_pair(n: usize) -> (Side, Side) {
    let plan = |gate: &str, word: &str| {
        let mut s = String::from(
            "plan big {\n  start 2027-01-04\n}\nflag f: bool = false\nmetric e: percent\n",
        );
        for i in 0..n {
            let _ = write!(
                s,
                "phase p{i} \"Phase {i}\" {{\n  duration 1d\n  set f = {}\n  gate e < {gate}%\n  activity \"{} {}\"\n}}\n",
                i % 2 == 0,
                word.repeat(20),
                i
            );
        }
        s
    };
    (
        side_of("old", plan("0.1", "before ")),
        side_of("new", plan("0.9", "after ")),
    )
}

#[test]
fn markdown_is_cut_to_the_github_comment_limit_and_says_so() {
    let (old, new) = big_pair(2_000);
    let d = diff(&old, &new);
    let md = markdown::render(&d);
    assert!(
        md.len() <= markdown::GITHUB_COMMENT_LIMIT,
        "{} bytes",
        md.len()
    );
    assert!(md.contains("cut to fit GitHub's 65536-character limit"));
    assert!(md.contains("- … and 1950 more"));
    // The summary comes first and counts everything, cut or not.
    assert!(md.starts_with("## rollplan diff: `big`\n\n**6000 semantic changes, ⚠️ 2000 risky**"));

    // A small diff is never cut.
    let small = diff(&side("plans/entity.roll"), &side(RISKY));
    assert!(!markdown::render(&small).contains("cut to fit"));
    // And a tight limit cuts it too, keeping the summary.
    let tight = markdown::render_within(&small, 2_000);
    assert!(tight.len() <= 2_000);
    assert!(tight.contains("cut to fit") && tight.contains("### ⚠️ Risky changes"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Indentation, blank lines and comments never make a semantic change.
    #[test]
    fn layout_and_comments_are_not_changes(
        layout in proptest::collection::vec((0usize..4, any::<bool>(), any::<bool>()), 190)
    ) {
        let original = std::fs::read_to_string(Path::new(ROOT).join("plans/entity.roll")).unwrap();
        let mut text = String::new();
        for (line, (indent, comment, blank)) in original.lines().zip(layout.iter().cycle()) {
            text.push_str(["", " ", "\t", "      "][*indent]);
            text.push_str(line.trim());
            if *comment && !line.trim().is_empty() {
                text.push_str("   # a remark");
            }
            text.push('\n');
            if *blank {
                text.push('\n');
            }
        }
        let d = diff(&side("plans/entity.roll"), &side_of("relaid.roll", text));
        prop_assert!(d.is_empty(), "{:?}", d.changes);
    }
}

#[test]
fn the_walkthrough_in_the_docs_shows_the_current_output() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/pr-review.md")).unwrap();
    let (_, human, _) = rollplan(&["diff", "plans/entity.roll", RISKY]);
    assert!(
        doc.contains(&human),
        "docs/pr-review.md shows an old human output; paste:\n{human}"
    );
    let (_, md, _) = rollplan(&["diff", "plans/entity.roll", RISKY, "--format", "markdown"]);
    // The document nests the comment one heading level deeper; the tables are verbatim.
    let tables = &md[md.find("| | plan |").unwrap()..];
    let tables = tables.replace("\n### ", "\n#### ");
    assert!(
        doc.contains(&tables),
        "docs/pr-review.md shows an old Markdown output"
    );
}

#[test]
fn human_output_is_coloured_only_when_asked_and_always_the_same() {
    let d = diff(&side("plans/entity.roll"), &side(RISKY));
    let plain = rollplan::diff::human::render(&d, false);
    let coloured = rollplan::diff::human::render(&d, true);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[1;31m[risk: shorter phase]\x1b[0m"));
    // Piped output (as in these tests) is plain, and the same on every run.
    let (_, first, _) = rollplan(&["diff", "plans/entity.roll", RISKY]);
    let (_, second, _) = rollplan(&["diff", "plans/entity.roll", RISKY]);
    assert_eq!(first, plain);
    assert_eq!(first, second);
}
