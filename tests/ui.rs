//! The diagnostic corpus: every `tests/ui/<stage>/NAME.roll` is checked as `rollplan check`
//! checks it, and what it reports is compared with `tests/ui/<stage>/NAME.snap` (the human
//! rendering without colour, then the JSON). Each case starts with `# expect: code …`, the
//! codes it must produce, so a snapshot cannot drift to other diagnostics unnoticed.
//!
//! The catalogue is held to the corpus and to `docs/diagnostics.md`: every code has a case that
//! produces it (or a named test below, for the three no plan text can reach) and a section in the
//! docs, whose rendered examples are re-rendered here and must match. See `tests/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rollplan::cli::input::{self, MAX_FILE_BYTES};
use rollplan::diagnostic::{Code, Diagnostic, render};
use rollplan::source::SourceMap;

const STAGES: [&str; 4] = ["syntax", "resolve", "analysis", "lint"];

/// Codes no `.roll` text can produce, with the test that produces them instead.
const NOT_IN_CORPUS: [(&str, &str); 10] = [
    (
        "file_too_large",
        "tests/ui.rs: file_too_large_is_refused_before_reading",
    ),
    (
        "unreachable_phase",
        "src/analysis/mod.rs: tests::unreachable_and_trap_phases_are_reported",
    ),
    (
        "trap_phase",
        "src/analysis/mod.rs: tests::unreachable_and_trap_phases_are_reported",
    ),
    (
        "emit_unrepresentable",
        "tests/emit.rs: a_flag_that_is_also_a_table_cannot_be_nested_but_stays_flat",
    ),
    (
        "fmt_changed_meaning",
        "tests/fmt_props.rs: the formatter never changes meaning",
    ),
    (
        "scenario_syntax",
        "tests/simulate_scenario.rs: malformed_yaml_points_at_the_error",
    ),
    (
        "scenario_unknown_phase",
        "tests/simulate_scenario.rs: an_unknown_phase_gets_a_suggestion",
    ),
    (
        "scenario_unknown_gate",
        "tests/simulate_scenario.rs: an_unknown_gate_gets_a_suggestion",
    ),
    (
        "scenario_unit_mismatch",
        "tests/simulate_scenario.rs: a_value_in_the_wrong_unit_is_refused",
    ),
    (
        "scenario_invalid_value",
        "tests/simulate_scenario.rs: a_manual_gate_takes_a_result_word",
    ),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One corpus case: its path relative to the crate root (with `/`), stage, name and bytes.
struct Case {
    path: String,
    stage: &'static str,
    name: String,
    bytes: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for stage in STAGES {
        let dir = root().join("tests/ui").join(stage);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "roll"))
            .collect();
        files.sort();
        for file in files {
            let name = file
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("case names are UTF-8")
                .to_owned();
            out.push(Case {
                path: format!("tests/ui/{stage}/{name}.roll"),
                stage,
                bytes: std::fs::read(&file).expect("read case"),
                name,
            });
        }
    }
    out
}

/// What `rollplan check` reports for `bytes` named `name`: every diagnostic, in order.
fn diagnose(name: &str, bytes: &[u8]) -> (Vec<Diagnostic>, SourceMap) {
    let loaded = input::from_bytes(name.to_owned(), bytes);
    let diagnostics = match loaded.unreadable {
        Some(d) => vec![d],
        None => match rollplan::compile(&loaded.sources, loaded.file) {
            Ok(compiled) => compiled.warnings,
            Err(errors) => errors.into_vec(),
        },
    };
    (diagnostics, loaded.sources)
}

/// The codes a case declares on its `# expect:` lines.
fn expected_codes(case: &Case) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(&case.bytes);
    let codes: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect:"))
        .flat_map(str::split_whitespace)
        .map(str::to_owned)
        .collect();
    assert!(
        !codes.is_empty(),
        "{}: starts with no `# expect: code …` line",
        case.path
    );
    codes
}

fn codes_of(diagnostics: &[Diagnostic]) -> BTreeSet<String> {
    diagnostics
        .iter()
        .map(|d| d.code.name().to_owned())
        .collect()
}

#[test]
fn corpus_matches_snapshots() {
    let mut failures = Vec::new();
    for case in cases() {
        let (diagnostics, sources) = diagnose(&case.path, &case.bytes);
        let produced = codes_of(&diagnostics);
        let expected = expected_codes(&case);
        if produced != expected {
            failures.push(format!(
                "{}: expected codes {expected:?}, produced {produced:?}",
                case.path
            ));
        }
        let snapshot = format!(
            "{}\n----- json -----\n{}",
            render::human(&diagnostics, &sources, false).trim_end(),
            render::json(&diagnostics, &sources)
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(format!("ui/{}", case.stage));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(root().join(&case.path));
        settings.set_omit_expression(true);
        // insta panics on a mismatch; catch it so one run lists every case that differs.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(case.name.clone(), snapshot));
        }));
        if outcome.is_err() {
            failures.push(format!("{}: snapshot differs", case.path));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_snapshot_has_its_case() {
    for stage in STAGES {
        let dir = root().join("tests/ui").join(stage);
        for entry in std::fs::read_dir(&dir).expect("list stage") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|x| x == "snap") {
                assert!(
                    path.with_extension("roll").is_file(),
                    "{} has no case beside it: delete it",
                    path.display()
                );
            }
        }
    }
}

/// A case's stage is the stage that reports its first diagnostic, so the corpus stays sorted.
#[test]
fn cases_sit_in_the_stage_that_reports_them() {
    let stage_of = |code: Code| match code {
        Code::InvalidUtf8 | Code::SyntaxError | Code::NestingTooDeep | Code::FileTooLarge => {
            "syntax"
        }
        Code::InvariantViolated
        | Code::UnsafeTransition
        | Code::TransitionUnproven
        | Code::TooManyClasses
        | Code::RollbackNotEarlier
        | Code::UnreachablePhase
        | Code::TrapPhase => "analysis",
        Code::UnusedFlag
        | Code::UnusedAttribute
        | Code::UnusedCohort
        | Code::UnchangedPhase
        | Code::IndefiniteNotLast
        | Code::EmptyGate
        | Code::WindowNotShorter
        | Code::OnFailAfterGate => "lint",
        _ => "resolve",
    };
    for case in cases() {
        let (diagnostics, _) = diagnose(&case.path, &case.bytes);
        let first = diagnostics
            .iter()
            .find(|d| d.is_error())
            .or(diagnostics.first())
            .unwrap_or_else(|| panic!("{}: reports nothing", case.path));
        assert_eq!(
            stage_of(first.code),
            case.stage,
            "{}: first reported {} belongs to another stage",
            case.path,
            first.code
        );
    }
}

#[test]
fn every_code_has_a_corpus_case() {
    let mut produced = BTreeSet::new();
    for case in cases() {
        produced.extend(codes_of(&diagnose(&case.path, &case.bytes).0));
    }
    let elsewhere: BTreeMap<&str, &str> = NOT_IN_CORPUS.into_iter().collect();
    for code in Code::ALL {
        let name = code.name();
        match elsewhere.get(name) {
            Some(test) => assert!(
                !produced.contains(name),
                "{name} is produced by the corpus now: drop it from NOT_IN_CORPUS ({test})"
            ),
            None => assert!(
                produced.contains(name),
                "no case in tests/ui produces {code}"
            ),
        }
    }
}

/// `file_too_large` needs a file past 1 GiB; a sparse file has that length without the disk.
#[test]
fn file_too_large_is_refused_before_reading() {
    let dir = std::env::temp_dir().join(format!("rollplan-ui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("huge.roll");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(MAX_FILE_BYTES + 1).expect("sparse length");
    drop(file);
    let loaded = input::load(&path).expect("a large file is a diagnostic, not a usage error");
    std::fs::remove_dir_all(&dir).expect("clean up");
    let diagnostic = loaded.unreadable.expect("refused");
    assert_eq!(diagnostic.code, Code::FileTooLarge);
    assert_eq!(
        diagnostic.message,
        format!(
            "`{}` is {} bytes; rollplan reads plans up to {MAX_FILE_BYTES} bytes",
            path.display(),
            MAX_FILE_BYTES + 1
        )
    );
    assert_eq!(diagnostic.primary.text, "file too large");
    assert_eq!(diagnostic.help, "split the rollout into several plans");
}

// ---- docs/diagnostics.md ---------------------------------------------------------------------

/// One ``## `rollplan::code` `` section of the reference, with its fenced blocks in order.
struct DocSection {
    code: String,
    /// `(info string, body)` of every fenced block.
    blocks: Vec<(String, String)>,
}

fn doc_sections(text: &str) -> Vec<DocSection> {
    let mut sections: Vec<DocSection> = Vec::new();
    let mut fence: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some((info, body)) = &mut fence {
            if line == "```" {
                let block = (std::mem::take(info), std::mem::take(body));
                if let Some(section) = sections.last_mut() {
                    section.blocks.push(block);
                }
                fence = None;
            } else {
                body.push_str(line);
                body.push('\n');
            }
        } else if let Some(info) = line.strip_prefix("```") {
            fence = Some((info.to_owned(), String::new()));
        } else if let Some(code) = line
            .strip_prefix("## `rollplan::")
            .and_then(|r| r.strip_suffix('`'))
        {
            sections.push(DocSection {
                code: code.to_owned(),
                blocks: Vec::new(),
            });
        } else if line.starts_with("## ") {
            sections.push(DocSection {
                code: String::new(),
                blocks: Vec::new(),
            });
        }
    }
    sections
}

fn docs_text() -> String {
    std::fs::read_to_string(root().join("docs/diagnostics.md")).expect("docs/diagnostics.md")
}

#[test]
fn docs_describe_exactly_the_catalogue() {
    let text = docs_text();
    let documented: Vec<String> = doc_sections(&text)
        .into_iter()
        .map(|s| s.code)
        .filter(|c| !c.is_empty())
        .collect();
    let catalogue: Vec<String> = Code::ALL.iter().map(|c| c.name().to_owned()).collect();
    let unique: BTreeSet<&String> = documented.iter().collect();
    assert_eq!(unique.len(), documented.len(), "a code has two sections");
    for name in &documented {
        assert!(
            catalogue.contains(name),
            "docs/diagnostics.md documents `{name}`, which is not in Code::ALL"
        );
    }
    for code in Code::ALL {
        assert!(
            documented.iter().any(|d| d == code.name()),
            "docs/diagnostics.md has no section `## `{code}``"
        );
        let row = format!("| [`{}`](#rollplan{}) |", code, code.name());
        assert!(
            text.contains(&format!(
                "{row} {} |",
                format!("{:?}", code.severity()).to_lowercase()
            )),
            "the table in docs/diagnostics.md lacks the row `{row} <severity> |`"
        );
    }
}

/// Each section's `roll` example (named `example.roll`) reports that code alone and renders as
/// its `text` block shows, and its fixed example reports no error and not the code. `UPDATE_DOCS=1` rewrites the `text` blocks.
#[test]
fn docs_examples_render_as_shown() {
    let text = docs_text();
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut rewritten = text.clone();
    let mut failures = Vec::new();
    for section in doc_sections(&text) {
        if section.code.is_empty() {
            continue;
        }
        let rolls: Vec<&String> = section
            .blocks
            .iter()
            .filter(|(info, _)| info == "roll")
            .map(|(_, body)| body)
            .collect();
        let shown = section.blocks.iter().find(|(info, _)| info == "text");
        let [bad, fixed] = rolls.as_slice() else {
            // Codes no plan text in a document reaches (a bad byte, a huge file, an impossible
            // graph) are explained without examples.
            let without = NOT_IN_CORPUS.iter().any(|(c, _)| *c == section.code)
                || section.code == "invalid_utf8";
            if !(without && rolls.is_empty()) {
                failures.push(format!(
                    "`{}`: expected a bad and a fixed `roll` example",
                    section.code
                ));
            }
            continue;
        };
        let (diagnostics, sources) = diagnose("example.roll", bad.as_bytes());
        let reported = codes_of(&diagnostics);
        if reported != BTreeSet::from([section.code.clone()]) {
            failures.push(format!(
                "`{}`: the bad example reports {reported:?}, not this code alone",
                section.code
            ));
        }
        let rendered = render::human(&diagnostics, &sources, false);
        let rendered = rendered.trim_end().to_owned() + "\n";
        match shown {
            Some((_, body)) if *body == rendered => {}
            Some((_, body)) if update => {
                rewritten = rewritten.replacen(&format!("```text\n{body}```"), &format!("```text\n{rendered}```"), 1);
            }
            _ => failures.push(format!(
                "`{}`: the rendered block differs from the bad example's diagnostics (UPDATE_DOCS=1 rewrites it)",
                section.code
            )),
        }
        let (diagnostics, _) = diagnose("example.roll", fixed.as_bytes());
        if let Some(d) = diagnostics
            .iter()
            .find(|d| d.is_error() || d.code.name() == section.code)
        {
            failures.push(format!(
                "`{}`: the fixed example still reports {}: {}",
                section.code, d.code, d.message
            ));
        }
    }
    if update && rewritten != text {
        std::fs::write(root().join("docs/diagnostics.md"), rewritten).expect("write docs");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Prefixes of every case (a plan cut off mid-statement, mid-word, mid-string) are reported on
/// without a panic, each label inside the text, each diagnostic with a help line and a message
/// free of raw line breaks. Every third character, to keep the test fast in debug builds.
#[test]
fn every_truncated_case_is_reported_on() {
    for case in cases() {
        let text = String::from_utf8_lossy(&case.bytes).into_owned();
        for (cut, _) in text.char_indices().step_by(3) {
            let prefix = &text[..cut];
            let (diagnostics, _) = diagnose(&case.path, prefix.as_bytes());
            for d in &diagnostics {
                for label in std::iter::once(&d.primary).chain(&d.related) {
                    assert!(
                        label.span.range().end <= prefix.len(),
                        "{} cut at {cut}: {} has a label past the end",
                        case.path,
                        d.code
                    );
                }
                assert!(!d.help.is_empty(), "{}: {} has no help", case.path, d.code);
                assert!(
                    !d.message.contains(char::is_control),
                    "{}: {} prints a control character: {:?}",
                    case.path,
                    d.code,
                    d.message
                );
            }
        }
    }
}

/// Every usage code (exit 2) is named in a heading of the "Usage errors" section of
/// `docs/diagnostics.md`, and every code named there is in the catalogue.
#[test]
fn docs_name_exactly_the_usage_codes() {
    use rollplan::diagnostic::UsageCode;
    let text = docs_text();
    let start = text
        .find("## Usage errors")
        .expect("a Usage errors section");
    let end = text[start..]
        .find("### Argument errors")
        .map_or(text.len(), |e| start + e);
    let mut named = BTreeSet::new();
    for heading in text[start..end].lines().filter(|l| l.starts_with("### ")) {
        for part in heading.split('`').skip(1).step_by(2) {
            named.insert(part.trim_start_matches("rollplan::").to_owned());
        }
    }
    named.remove("ambiguous_revision"); // a warning, printed without a usage error
    let catalogue: BTreeSet<String> = UsageCode::ALL.iter().map(|c| c.name().to_owned()).collect();
    assert_eq!(
        named, catalogue,
        "docs/diagnostics.md usage headings vs UsageCode::ALL"
    );
}
