//! Bytes → load → parse → resolve → analyse → render: whatever the bytes, rollplan returns a
//! plan or diagnostics whose every span lies on character boundaries inside the text, and it
//! never panics, overflows its stack or hangs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rollplan::diagnostic::render;

fuzz_target!(|data: &[u8]| {
    let loaded = rollplan::cli::input::from_bytes("fuzz.roll".to_owned(), data);
    let sources = &loaded.sources;
    let diagnostics = match loaded.unreadable {
        Some(unreadable) => vec![unreadable],
        None => match rollplan::compile(sources, loaded.file) {
            Ok(compiled) => {
                assert!(compiled.warnings.iter().all(|d| !d.is_error()));
                compiled.warnings
            }
            Err(errors) => {
                assert!(errors.as_slice().iter().any(|d| d.is_error()));
                errors.into_vec()
            }
        },
    };
    let text = &sources.get(loaded.file).text;
    for d in &diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.related) {
            let range = label.span.range();
            assert!(range.start <= range.end && range.end <= text.len(), "{d:?}");
            assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        }
    }
    // Rendering looks up every span's line and column.
    let _ = render::human(&diagnostics, sources, false);
    let _ = render::json(&diagnostics, sources);
});
