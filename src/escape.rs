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

/// Text for a terminal: every hidden character but line feed and tab in its visible form.
pub fn terminal(text: &str) -> Cow<'_, str> {
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

/// Where [`terminal`] moves a byte offset of `text`: the offset in the escaped text, so that
/// a span still underlines the same characters.
pub fn terminal_offset(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    offset + terminal(before).len() - before.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_keeps_lines_and_tabs_and_shows_the_rest() {
        assert_eq!(
            terminal("a\u{1b}]0;pwned\u{7}\tb\r\nc\u{202e}d\u{85}\0"),
            "a\\u{1b}]0;pwned\\u{7}\tb\\r\nc\\u{202e}d\\u{85}\\0"
        );
        assert!(matches!(terminal("plain é ✓"), Cow::Borrowed(_)));
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
        let text = "a\u{1b}b\u{202e}c";
        let escaped = terminal(text);
        let c = text.find('c').unwrap();
        assert_eq!(&escaped[terminal_offset(text, c)..], "c");
        assert_eq!(terminal_offset(text, 1), 1);
    }
}
