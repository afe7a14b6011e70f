//! Every plan shipped in `plans/` checks clean: no error and no warning.

use std::path::{Path, PathBuf};

use rollplan::source::SourceMap;

fn plans(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            plans(&path, out);
        } else if path.extension().is_some_and(|e| e == "roll") {
            out.push(path);
        }
    }
}

#[test]
fn every_plan_checks_clean() {
    let mut found = Vec::new();
    plans(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"),
        &mut found,
    );
    assert!(
        found.len() >= 3,
        "expected the entity plan and at least two more, found {found:?}"
    );
    for path in found {
        let mut sources = SourceMap::new();
        let file = sources.add(
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        );
        match rollplan::compile(&sources, file) {
            Ok(c) => assert!(
                c.warnings.is_empty(),
                "{}:\n{}",
                path.display(),
                rollplan::diagnostic::render::human(&c.warnings, &sources, false)
            ),
            Err(e) => panic!(
                "{}:\n{}",
                path.display(),
                rollplan::diagnostic::render::human(e.as_slice(), &sources, false)
            ),
        }
    }
}
