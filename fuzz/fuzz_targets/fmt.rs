//! Bytes → load → parse → `fmt::format` → parse again: whatever the bytes, a plan that parses
//! formats without error, its formatted text parses to the same syntax tree (spans aside), and
//! formatting that text again changes nothing. Nothing panics, overflows its stack or hangs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rollplan::source::SourceFile;
use rollplan::{fmt, syntax};

fuzz_target!(|data: &[u8]| {
    let loaded = rollplan::cli::input::from_bytes("fuzz.roll".to_owned(), data);
    if loaded.unreadable.is_some() {
        return;
    }
    let source = loaded.sources.get(loaded.file);
    let Ok(before) = syntax::parse(source) else {
        // Syntax errors are the `check` target's business; `format` must return them too.
        assert!(fmt::format(source).is_err());
        return;
    };
    // A `fmt_changed_meaning` error on a plan that parses is a formatter bug: a finding.
    let formatted = match fmt::format(source) {
        Ok(text) => text,
        Err(errors) => panic!("a plan that parses did not format: {errors:?}"),
    };
    let output = SourceFile::new(source.id, "formatted.roll", formatted.as_str());
    let after = syntax::parse(&output).expect("the formatted plan parses");
    assert_eq!(before, after, "formatting changed the syntax tree");
    let again = fmt::format(&output).expect("the formatted plan formats");
    assert_eq!(formatted, again, "formatting is not idempotent");
});
