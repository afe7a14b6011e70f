//! Bytes → the `simulate --scenario` reader against the compiled `plans/entity.roll`: whatever
//! the bytes, it returns a scenario or diagnostics whose every span lies on character boundaries
//! inside the file it names (the primary one inside the scenario), and it never panics,
//! overflows its stack or hangs.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rollplan::diagnostic::render;
use rollplan::model::Plan;
use rollplan::simulate::parse_scenario;
use rollplan::source::{SourceMap, decode};

/// The entity plan, compiled once: the scenario reader resolves phase and gate names in it.
fn entity() -> &'static (SourceMap, Plan) {
    static ENTITY: OnceLock<(SourceMap, Plan)> = OnceLock::new();
    ENTITY.get_or_init(|| {
        let text = include_str!("../../plans/entity.roll");
        let mut sources = SourceMap::new();
        let file = sources.add("plans/entity.roll", text);
        let compiled = rollplan::compile(&sources, file).expect("plans/entity.roll compiles");
        (sources, compiled.plan)
    })
}

fuzz_target!(|data: &[u8]| {
    // Undecodable bytes never reach the reader: the CLI reports them itself.
    let Ok(text) = decode(data) else {
        return;
    };
    let (entity_sources, plan) = entity();
    let mut sources = entity_sources.clone();
    let file = sources.add("fuzz.yaml", text);
    let Err(errors) = parse_scenario(plan, file, text) else {
        return;
    };
    let diagnostics = errors.into_vec();
    assert!(!diagnostics.is_empty());
    for d in &diagnostics {
        assert_eq!(d.primary.span.file, file, "{d:?}");
        for label in std::iter::once(&d.primary).chain(&d.related) {
            let named = &sources.get(label.span.file).text;
            let range = label.span.range();
            assert!(
                range.start <= range.end && range.end <= named.len(),
                "{d:?}"
            );
            assert!(named.is_char_boundary(range.start) && named.is_char_boundary(range.end));
        }
    }
    // Rendering looks up every span's line and column.
    let _ = render::human(&diagnostics, &sources, false);
    let _ = render::json(&diagnostics, &sources);
});
