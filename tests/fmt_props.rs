//! Properties of `rollplan fmt` over generated plans (every construct of the grammar, messy
//! layout, comments between any two tokens) and over every plan in `plans/`: formatting is
//! idempotent, parses to the same syntax tree, and keeps every comment in order.

use crate::common;

use proptest::prelude::*;
use rollplan::source::{FileId, SourceFile};
use rollplan::syntax::{self, comments::comments};

fn source(name: &str, text: &str) -> SourceFile {
    SourceFile::new(FileId(0), name, text)
}

fn comment_texts(file: &SourceFile) -> Vec<String> {
    comments(file)
        .iter()
        .map(|c| file.slice(c.span).trim_end().to_owned())
        .collect()
}

/// The three properties, as a message naming the first that fails.
fn check_properties(name: &str, text: &str) -> Result<(), String> {
    let original = source(name, text);
    let before = syntax::parse(&original)
        .map_err(|e| format!("{name} does not parse: {:?}", e.as_slice()[0].message))?;
    let once = rollplan::fmt::format(&original)
        .map_err(|e| format!("fmt refused {name}: {}", e.as_slice()[0].message))?;
    let formatted = source(name, &once);
    let after =
        syntax::parse(&formatted).map_err(|_| format!("fmt output does not parse:\n{once}"))?;
    if before != after {
        return Err(format!("fmt changed the syntax tree:\n{once}"));
    }
    if comment_texts(&original) != comment_texts(&formatted) {
        return Err(format!("fmt lost or moved comments out of order:\n{once}"));
    }
    let twice = rollplan::fmt::format(&formatted)
        .map_err(|e| format!("fmt refused its own output: {}", e.as_slice()[0].message))?;
    if twice != once {
        return Err(format!(
            "fmt is not idempotent:\n--- once\n{once}\n--- twice\n{twice}"
        ));
    }
    Ok(())
}

proptest! {
    // 512 cases by default; `PROPTEST_CASES=N` runs more.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn generated_plans_format_idempotently_without_changing_meaning(text in common::gen_plan::plan()) {
        if let Err(message) = check_properties("generated.roll", &text) {
            prop_assert!(false, "{}\n--- input\n{}", message, text);
        }
    }
}

/// A generated plan with a few characters inserted or removed: text the generator would not
/// write, some of it still valid (a comment swallowing a line, a string closing early).
fn mutated_plan() -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0..3usize,
        prop::sample::select(vec![
            "", "#", "\"", "\\", "{", "}", "(", ")", "\n", "\r", " ", "-", ">", "!", ",", "..",
        ]),
    );
    (common::gen_plan::plan(), prop::collection::vec(edit, 1..4)).prop_map(|(text, edits)| {
        let mut chars: Vec<char> = text.chars().collect();
        for (at, remove, insert) in edits {
            let at = at.index(chars.len() + 1);
            let end = (at + remove).min(chars.len());
            chars.splice(at..end, insert.chars());
        }
        chars.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
    ))]

    /// Whatever the text, `fmt` does not panic; when the text parses, the properties hold, and
    /// when it does not, `fmt` refuses it with the parser's diagnostics.
    #[test]
    fn mutated_plans_are_formatted_safely_or_refused(text in mutated_plan()) {
        let original = source("mutated.roll", &text);
        match syntax::parse(&original) {
            Ok(_) => {
                if let Err(message) = check_properties("mutated.roll", &text) {
                    prop_assert!(false, "{}\n--- input\n{}", message, text);
                }
            }
            Err(errors) => {
                prop_assert_eq!(rollplan::fmt::format(&original).err(), Some(errors));
            }
        }
    }
}

/// Every `*.roll` under `plans/`, recursively, sorted.
fn plan_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("plans/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "roll") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/plans")),
        &mut out,
    );
    out.sort();
    out
}

#[test]
fn every_plan_in_plans_formats_idempotently_without_changing_meaning() {
    let files = plan_files();
    assert!(!files.is_empty(), "plans/ holds no plan");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("plan is UTF-8");
        let name = path.display().to_string();
        check_properties(&name, &text).unwrap_or_else(|m| panic!("{m}"));
    }
}

#[test]
fn every_plan_in_plans_is_already_formatted() {
    for path in plan_files() {
        let text = std::fs::read_to_string(&path).expect("plan is UTF-8");
        let formatted = rollplan::fmt::format(&source(&path.display().to_string(), &text))
            .unwrap_or_else(|e| panic!("{}: {:?}", path.display(), e.as_slice()[0].message));
        assert!(
            formatted == text,
            "{} is not formatted: run `rollplan fmt plans/`",
            path.display()
        );
    }
}
