//! The one lexical scanner: cuts a text into code, string literals and `#` comments, as the
//! grammar reads them. Every pass that must not look inside strings or comments (the nesting
//! guard, span trimming, the comment lexer, the formatter's brace search) walks these regions
//! instead of skipping quotes and comments itself. It knows nothing else of the grammar.
//!
//! The regions tile the text: they are non-empty, in order, and each starts where the last one
//! ended. Every boundary is a character boundary, so `&text[region.range]` never panics.

use std::ops::Range;

/// What a region of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything outside strings and comments; holds no `"` and no `#`.
    Code,
    /// A string literal from its opening `"` through its closing `"`, or to the end of the text
    /// when it is not closed. A `\` escapes the byte after it.
    String,
    /// A comment from its `#` up to (not including) the line break, or to the end of the text.
    /// A `\r` before the line break belongs to the comment, as in the grammar.
    Comment,
}

/// One region: its kind and its byte range in the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// The regions of `text`, in order.
pub fn regions(text: &str) -> Regions<'_> {
    Regions {
        bytes: text.as_bytes(),
        at: 0,
    }
}

/// An iterator over the regions of a text; see [`regions`].
#[derive(Debug, Clone)]
pub struct Regions<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Iterator for Regions<'_> {
    type Item = Region;

    fn next(&mut self) -> Option<Region> {
        let bytes = self.bytes;
        let start = self.at;
        let (kind, end) = match *bytes.get(start)? {
            b'"' => (Kind::String, string_end(bytes, start + 1)),
            b'#' => (
                Kind::Comment,
                find(bytes, start, memchr::memchr(b'\n', rest(bytes, start))),
            ),
            _ => (
                Kind::Code,
                find(
                    bytes,
                    start,
                    memchr::memchr2(b'"', b'#', rest(bytes, start)),
                ),
            ),
        };
        self.at = end;
        Some(Region {
            kind,
            range: start..end,
        })
    }
}

/// The bytes from `from` on.
fn rest(bytes: &[u8], from: usize) -> &[u8] {
    &bytes[from..]
}

/// The offset `found` bytes past `from`, or the end of `bytes` when nothing was found.
fn find(bytes: &[u8], from: usize, found: Option<usize>) -> usize {
    found.map_or(bytes.len(), |i| from + i)
}

/// The end of a string whose body starts at `from`: just past the closing quote, or the end of
/// the text. An escaped byte is skipped; no ASCII byte is a UTF-8 continuation byte, so skipping
/// one byte of a multi-byte character never hides a quote.
fn string_end(bytes: &[u8], mut from: usize) -> usize {
    loop {
        let i = find(bytes, from, memchr::memchr2(b'"', b'\\', rest(bytes, from)));
        match bytes.get(i) {
            Some(b'"') => return i + 1,
            Some(_) if i + 2 < bytes.len() => from = i + 2,
            _ => return bytes.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Each region as (kind, its text).
    fn cut(text: &str) -> Vec<(Kind, &str)> {
        regions(text).map(|r| (r.kind, &text[r.range])).collect()
    }

    use Kind::{Code, Comment, String as Str};

    #[test]
    fn code_strings_and_comments() {
        assert_eq!(
            cut("flag a: bool = false \"why # not\" # note\nx"),
            [
                (Code, "flag a: bool = false "),
                (Str, "\"why # not\""),
                (Code, " "),
                (Comment, "# note"),
                (Code, "\nx"),
            ]
        );
        assert_eq!(cut(""), []);
        assert_eq!(cut("#"), [(Comment, "#")]);
        assert_eq!(cut("\"\"\"\""), [(Str, "\"\""), (Str, "\"\"")]);
    }

    #[test]
    fn escapes_do_not_end_a_string() {
        assert_eq!(
            cut(r#""a \" # b \\" c"#),
            [(Str, r#""a \" # b \\""#), (Code, " c")]
        );
        assert_eq!(
            cut(r#""\\\"" #"#),
            [(Str, r#""\\\"""#), (Code, " "), (Comment, "#")]
        );
    }

    #[test]
    fn unterminated_strings_run_to_the_end() {
        assert_eq!(cut("x \"open # no"), [(Code, "x "), (Str, "\"open # no")]);
        assert_eq!(cut("\"a\\"), [(Str, "\"a\\")]);
        assert_eq!(cut("\"a\\\""), [(Str, "\"a\\\"")]);
        assert_eq!(cut("\""), [(Str, "\"")]);
    }

    #[test]
    fn multi_byte_characters_stay_whole() {
        assert_eq!(
            cut("é \"ü\\é\" # ✓ ok\n😀"),
            [
                (Code, "é "),
                (Str, "\"ü\\é\""),
                (Code, " "),
                (Comment, "# ✓ ok"),
                (Code, "\n😀"),
            ]
        );
    }

    #[test]
    fn a_comment_keeps_its_carriage_return_and_not_the_line_feed() {
        assert_eq!(
            cut("a # one\r\n\"s\r\n\"\r\n"),
            [
                (Code, "a "),
                (Comment, "# one\r"),
                (Code, "\n"),
                (Str, "\"s\r\n\""),
                (Code, "\r\n"),
            ]
        );
    }

    proptest! {
        /// The regions tile the text exactly, on character boundaries, and each is what its
        /// kind says.
        #[test]
        fn regions_tile_the_text(text in r#"([a-z é✓\n\r\t#"\\]|\\")*"#) {
            let mut at = 0;
            let mut last = None;
            for Region { kind, range } in regions(&text) {
                prop_assert_eq!(range.start, at);
                prop_assert!(range.start < range.end, "empty region at {}", at);
                let part = text.get(range.clone());
                prop_assert!(part.is_some(), "not a character boundary: {:?}", range);
                let part = part.unwrap_or_default();
                match kind {
                    Code => {
                        prop_assert!(!part.contains(['"', '#']));
                        prop_assert!(last != Some(Code), "two code regions in a row");
                    }
                    Comment => {
                        prop_assert!(part.starts_with('#') && !part.contains('\n'));
                        prop_assert!(range.end == text.len() || text[range.end..].starts_with('\n'));
                    }
                    Str => {
                        prop_assert!(part.starts_with('"'));
                        let body = &part[1..];
                        // Closed by its last byte, unless it runs to the end.
                        let closed = body.ends_with('"')
                            && body[..body.len() - 1].chars().rev().take_while(|&c| c == '\\').count() % 2 == 0;
                        prop_assert!(closed || range.end == text.len());
                    }
                }
                last = Some(kind);
                at = range.end;
            }
            prop_assert_eq!(at, text.len());
        }
    }
}
