//! Characters a plan's text may hold that must never reach a terminal or a generated file as
//! they are: control characters (C0, DEL, C1), bidirectional overrides and isolates, Unicode
//! line and paragraph separators and the byte order mark. A title holding ESC could set a
//! terminal's window title or clear the screen; a right-to-left override could hide a risk
//! line from a reviewer; a line break could end a comment and start a configuration line.
//!
//! Three escapers share one definition of what is hidden ([`is_hidden`]):
//! - [`terminal`] for every human output (reports, diffs, diagnostics), keeping line breaks
//!   and tabs, which the output is made of;
//! - [`one_line`] for text that must stay on its line (comments, headings, table cells);
//! - [`json`] for serialised JSON, whose strings may hold these characters raw: it writes them
//!   as `\uXXXX`, which every JSON, TOML and YAML reader turns back into the same character.
//!
//! The visible form is Rust's: `\u{1b}`, with `\n`, `\r`, `\t` and `\0` for the usual ones.
//! This module knows nothing about plans; the language server can call it too.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character is invisible or changes how the text around it is shown.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'                    // Arabic letter mark
            | '\u{200E}' | '\u{200F}'     // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}'     // embeddings and overrides
            | '\u{2066}'..='\u{2069}'     // isolates
            | '\u{2028}' | '\u{2029}'     // line and paragraph separators
            | '\u{FEFF}' // byte order mark, zero-width no-break space
        )
}

fn visible(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

fn escape_where(text: &str, hide: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hide) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hide(c) {
            visible(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether [`terminal`] shows `c`, followed by `next`, in visible form: every hidden
/// character but line feed, tab, and a carriage return that ends a line (`\r\n`).
fn shown_on_terminal(c: char, next: Option<char>) -> bool {
    is_hidden(c) && c != '\n' && c != '\t' && !(c == '\r' && next == Some('\n'))
}

/// Text for a terminal: every hidden character but line feed, tab and the carriage return of
/// a `\r\n` line ending in its visible form.
pub fn terminal(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    let mut first = None;
    let mut at = 0;
    while let Some(c) = chars.next() {
        if shown_on_terminal(c, chars.peek().copied()) {
            first = Some(at);
            break;
        }
        at += c.len_utf8();
    }
    let Some(first) = first else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if shown_on_terminal(c, chars.peek().copied()) {
            visible(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a file read by people (a checklist): as [`terminal`], but a carriage return is
/// shown even before a line feed; normalise `\r\n` first where it is a line ending.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| is_hidden(c) && c != '\n' && c != '\t')
}

/// Text that must stay on one line: every hidden character, line feed and tab included, in
/// its visible form.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape_where(text, is_hidden)
}

/// Serialised JSON with every hidden character that `serde_json` leaves raw (DEL, C1, the
/// bidirectional and separator characters) written as a `\uXXXX` escape. Such characters can
/// only be inside strings, so the document means the same; it is also a valid TOML basic
/// string and YAML double-quoted scalar when it is one string.
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) && !matches!(c, '\n' | '\t' | '\r') {
            // Every hidden character is in the Basic Multilingual Plane: one escape each.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`terminal`] text with a map from byte offsets of the original to offsets in it, so that a
/// span still underlines the same characters.
#[derive(Debug, Clone)]
pub struct TerminalText {
    pub text: String,
    /// `(offset in the original just past an escaped character, bytes added up to there)`.
    shifts: Vec<(usize, usize)>,
}

impl TerminalText {
    pub fn new(original: &str) -> Self {
        let mut shifts = Vec::new();
        let mut added = 0;
        let mut chars = original.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if shown_on_terminal(c, chars.peek().map(|&(_, n)| n)) {
                let mut one = String::new();
                visible(c, &mut one);
                added += one.len() - c.len_utf8();
                shifts.push((i + c.len_utf8(), added));
            }
        }
        TerminalText {
            text: terminal(original).into_owned(),
            shifts,
        }
    }

    /// Where a byte offset of the original text is in the escaped text.
    pub fn offset(&self, original: usize) -> usize {
        let before = self.shifts.partition_point(|&(end, _)| end <= original);
        original + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_keeps_lines_and_tabs_and_shows_the_rest() {
        assert_eq!(
            terminal("a\u{1b}]0;pwned\u{7}\tb\r\nc\u{202e}d\u{85}\0"),
            "a\\u{1b}]0;pwned\\u{7}\tb\r\nc\\u{202e}d\\u{85}\\0"
        );
        assert!(matches!(terminal("plain é ✓"), Cow::Borrowed(_)));
        assert!(matches!(terminal("windows\r\nlines\r\n"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\r\r\nb\rc"), "a\\r\r\nb\\rc");
    }

    #[test]
    fn one_line_shows_line_breaks_too() {
        assert_eq!(one_line("a\nb\u{2028}c\td"), "a\\nb\\u{2028}c\\td");
    }

    #[test]
    fn json_escapes_what_serde_leaves_raw_and_reads_back_the_same() {
        let s = "x\u{7f}\u{9b}\u{202e}\u{2028}\u{feff}\u{1b}\n";
        let text = serde_json::to_string(s).unwrap();
        let escaped = json(&text);
        assert!(escaped.chars().all(|c| !is_hidden(c)), "{escaped}");
        assert_eq!(serde_json::from_str::<String>(&escaped).unwrap(), s);
    }

    #[test]
    fn offsets_move_past_escaped_characters() {
        let text = "a\u{1b}b\u{202e}c\r\nd\re";
        let escaped = TerminalText::new(text);
        assert_eq!(escaped.text, terminal(text));
        for (i, c) in text.char_indices().filter(|(_, c)| !is_hidden(*c)) {
            assert_eq!(
                escaped.text[escaped.offset(i)..].chars().next(),
                Some(c),
                "{i}"
            );
        }
        assert_eq!(escaped.offset(text.len()), escaped.text.len());
        assert_eq!(escaped.offset(0), 0);
    }
}
