//! Helpers shared by the `emit` tests: compiling plans, the model's settings as the JSON
//! contract writes them (built here independently of `src/emit`), and every plan in `plans/`.

use std::path::{Path, PathBuf};

use rollplan::emit::Input;
use rollplan::model::{Date, Moment, Plan};
use rollplan::source::SourceMap;
use serde_json::Value as Json;

/// Each emitted file read back (the `emit` fuzz target includes it on its own); its
/// `setting_json` is the one copy of the contract's form of a setting.
#[path = "../emit_readback/mod.rs"]
pub(crate) mod emit_readback;
use emit_readback::setting_json;

pub(crate) const ROOT: &str = env!("CARGO_MANIFEST_DIR");

pub(crate) fn compile_text(name: &str, text: &str) -> rollplan::Compiled {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text.to_owned());
    match rollplan::compile(&sources, file) {
        Ok(c) => c,
        Err(e) => panic!("{name} does not compile: {e:?}"),
    }
}

/// Compiles a plan given by its path relative to the repository.
pub(crate) fn compile(relative: &str) -> rollplan::Compiled {
    let text = std::fs::read_to_string(Path::new(ROOT).join(relative)).unwrap();
    compile_text(relative, &text)
}

pub(crate) fn input<'a>(compiled: &'a rollplan::Compiled, name: &str) -> Input<'a> {
    // Plans without a start date get one, so the dated targets can be read back too.
    let start = compiled
        .plan
        .start
        .or(Some(Moment::midnight(Date::new(2026, 1, 1).unwrap())));
    Input::new(compiled, name.to_owned(), start)
}

/// Every `*.roll` under `plans/` (recursively) and the client-suite fixtures, relative paths.
pub(crate) fn all_plans() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "roll") {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(ROOT).join("plans"), &mut found);
    walk(&Path::new(ROOT).join("tests/clients/plans"), &mut found);
    found.sort();
    assert!(!found.is_empty());
    found
        .iter()
        .map(|p| p.strip_prefix(ROOT).unwrap().to_string_lossy().into_owned())
        .collect()
}

/// A flag state as `{"full.name": setting}`.
pub(crate) fn state_json(plan: &Plan, state: &rollplan::model::FlagState) -> Json {
    Json::Object(
        plan.flags
            .iter()
            .zip(&state.0)
            .map(|(f, s)| (f.name.clone(), setting_json(plan, s)))
            .collect(),
    )
}
