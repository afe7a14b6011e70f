//! The integration tests, one binary (`cargo test --test it`): each former `tests/NAME.rs`
//! binary is the module `NAME` here and stays at its path, so one link replaces one per file
//! (`tests/README.md` has the measurement). Run one file's tests with
//! `cargo test --test it NAME::`. `tests/robustness.rs` stays a binary of its own: CI runs its
//! `--ignored` 100 MB plan in release, which would otherwise build every test here in release.
//!
//! Cargo's discovery of `tests/*.rs` is off (`autotests = false`): a new file must be declared
//! here, which `every_test_file_is_declared` checks.

mod common;
mod emit_common;

mod brute_force;
mod brute_force_contexts;
mod brute_force_shares;
mod cli_check;
mod clients_expected;
mod diff;
mod diff_props;
mod diff_scale;
mod diff_shares;
mod doc_examples;
mod editors;
mod emit;
mod emit_checklist;
mod emit_files;
mod emit_folder;
mod emit_hostile;
mod emit_ramp;
mod fmt_cli;
mod fmt_layout;
mod fmt_props;
mod gates_language;
mod gates_prometheus;
mod graph;
mod live;
mod plans;
mod seed;
mod shares;
mod shell;
mod simulate;
mod simulate_exposure;
mod simulate_forecast;
mod simulate_minutes;
mod simulate_scenario;
mod status;
mod terminal;
mod ui;

/// Every `tests/*.rs` is a module of this binary or a `[[test]]` of its own in `Cargo.toml`:
/// with discovery off, a file declared nowhere would never run.
#[test]
fn every_test_file_is_declared() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let this = std::fs::read_to_string(root.join("tests/it.rs")).expect("tests/it.rs");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let mut undeclared = Vec::new();
    for entry in std::fs::read_dir(root.join("tests")).expect("tests/") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|x| x != "rs") || stem == "it" {
            continue;
        }
        let module = this.lines().any(|l| l == format!("mod {stem};"));
        let binary = manifest.contains(&format!("path = \"tests/{stem}.rs\""));
        if !module && !binary {
            undeclared.push(format!("tests/{stem}.rs"));
        }
    }
    assert!(
        undeclared.is_empty(),
        "declare these as `mod NAME;` in tests/it.rs: {undeclared:?}"
    );
}
