//! Where things are in a scenario's text. The YAML parser gives positions for syntax errors
//! only, so names that do not resolve are found again in the text, in document order.

use std::ops::Range;

/// Byte offset of a one-based line and column (in characters).
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let rest = &text[line_start..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    line_start + within
}

/// Finds keys and values in the YAML text, in document order: the parsed value has no
/// positions, so each key is looked for after the previous one.
pub(super) struct Locator<'t> {
    pub(super) text: &'t str,
    pub(super) cursor: usize,
}

impl Locator<'_> {
    /// The next occurrence of `name` used as a mapping key (optionally quoted), after the cursor.
    pub(super) fn key(&mut self, name: &str) -> Option<Range<usize>> {
        if name.is_empty() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let mut from = self.cursor;
        while let Some(found) = self.text.get(from..).and_then(|t| t.find(name)) {
            let start = from + found;
            let end = start + name.len();
            from = end;
            let before = start.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
                continue;
            }
            let mut after = end;
            if matches!(bytes.get(after), Some(b'"' | b'\'')) {
                after += 1;
            }
            while matches!(bytes.get(after), Some(b' ' | b'\t')) {
                after += 1;
            }
            if bytes.get(after) == Some(&b':') {
                self.cursor = after + 1;
                return Some(start..end);
            }
        }
        None
    }

    /// The text of the scalar value after the key just found.
    pub(super) fn value(&self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        let mut start = self.cursor;
        while matches!(bytes.get(start), Some(b' ' | b'\t')) {
            start += 1;
        }
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            if matches!(b, b',' | b'}' | b']' | b'\n' | b'\r' | b'#') {
                break;
            }
            end += 1;
        }
        while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        (end > start).then_some(start..end)
    }
}
