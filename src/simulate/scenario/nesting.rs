//! A linear pre-scan that bounds how deeply a scenario nests before the YAML parser sees it.
//! The parser's cost grows with the square of the nesting (100 KB of `[` took 51 s), and a
//! scenario's own shape nests four levels (phases, attempts, gates, a value).
//!
//! Counted as a level: an opening `[` or `{` that starts a token (at the start of a line or
//! after a space, `:`, `,`, `-`, `[`, `{` or `?`), and each `- ` or `? ` that opens a block
//! entry on a line that already opened one. Quoted strings and comments are skipped; a `[`
//! inside a plain word (`a[1]`) is text, not a level.

/// Deeper than this is refused: sixteen times a scenario's own depth.
pub(super) const MAX_DEPTH: usize = 64;

/// The byte offset of the opening that goes past [`MAX_DEPTH`], if any.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut flow = 0usize;
    let mut line_entries = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let prev = i.checked_sub(1).map(|p| bytes[p]);
        let starts_token = matches!(
            prev,
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b':' | b',' | b'-' | b'[' | b'{' | b'?')
        );
        match b {
            b'\n' => line_entries = 0,
            b'#' if matches!(prev, None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if starts_token => {
                i = skip_quoted(bytes, i);
                continue;
            }
            b'[' | b'{' if starts_token => {
                flow += 1;
                if flow + line_entries > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => flow = flow.saturating_sub(1),
            b'-' | b'?'
                if flow == 0 && starts_token && matches!(bytes.get(i + 1), Some(b' ' | b'\t')) =>
            {
                line_entries += 1;
                if flow + line_entries > MAX_DEPTH {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset just past the string that opens at `start` (a `"` string with `\` escapes, or a
/// `'` string), or the end of the text when it is not closed.
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_nests_four_levels_and_passes() {
        let text = "full_production:\n  - error_rate: 0.3%\n    consistency_preserved: passed\n  - {error_rate: \"[[[\"} # [[[\n";
        assert_eq!(too_deep(text), None);
        assert_eq!(too_deep("a: x[1]\nb: [[[1]]]\n"), None);
    }

    #[test]
    fn deep_flow_and_block_nesting_are_found_at_the_opening_past_the_limit() {
        let brackets = "[".repeat(100_000);
        assert_eq!(too_deep(&brackets), Some(MAX_DEPTH));
        let maps = "{a: ".repeat(1000);
        assert_eq!(too_deep(&maps), Some(MAX_DEPTH * 4));
        let dashes = "- ".repeat(1000);
        assert_eq!(too_deep(&dashes), Some(MAX_DEPTH * 2));
        // One block entry, then flow sequences (a `-` inside them is text): the 64th `[`.
        let mixed = format!("x:\n{}", "- [".repeat(100));
        assert_eq!(too_deep(&mixed), Some(3 + 3 * 63 + 2));
    }
}
