//! Bytes → a plan → every target's files: whatever a plan that compiles says in its titles,
//! reasons, values and file name, every configuration file reads back (TOML, YAML, JSON,
//! dotenv, flagd, LaunchDarkly, Unleash, Unleash import) to exactly the plan's flags and values, and the
//! checklist and calendar hold no injected item or property and no raw hidden character. The
//! check is `tests/emit_readback/mod.rs`, the same one the `emit_hostile` proptest runs.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/emit_readback/mod.rs"]
mod emit_readback;

fuzz_target!(|data: &[u8]| {
    let loaded = rollplan::cli::input::from_bytes("fuzz.roll".to_owned(), data);
    if loaded.unreadable.is_some() {
        return;
    }
    let Ok(compiled) = rollplan::compile(&loaded.sources, loaded.file) else {
        return;
    };
    // The file name goes into every header: use the plan's title as one, hostile or not.
    let source = compiled.plan.title.clone().unwrap_or_default();
    if let Err(e) = emit_readback::check_every_target(&compiled, &source) {
        panic!("{e}");
    }
});
