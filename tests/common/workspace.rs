//! A scratch folder with a copy of the entity plan, and the names an `emit --out` run left in
//! a folder: shared by the tests of `emit --out` (`emit_files.rs`, `emit_folder.rs`).

use std::path::{Path, PathBuf};

/// A temporary folder holding a copy of `plans/entity.roll` as `entity.roll`.
pub(crate) fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("entity.roll");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/entity.roll"),
        &plan,
    )
    .unwrap();
    (dir, plan)
}

/// The names in `dir`, sorted, without the lock file every `--out` run leaves.
pub(crate) fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".rollplan.lock")
        .collect();
    names.sort();
    names
}
