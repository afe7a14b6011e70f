//! Plan text inside the checklist's Markdown: whatever a title or an item says, it stays text
//! in the place it was put. No line of it can start a new list item, heading, quote, code
//! block or table row; no `<` can open HTML; no `[` or `*` can make a link or emphasis.
//! Hidden characters take their visible form ([`crate::escape`]).

use std::borrow::Cow;

/// Characters with inline meaning in `CommonMark` or GitHub Markdown: links and images, emphasis,
/// code spans, raw HTML, table cells, strikethrough, and the escape itself.
const INLINE: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~'];

fn push_inline(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // `&` only matters where it could start an entity (`&lt;`, `&#60;`).
        let entity = c == '&'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#');
        if INLINE.contains(&c) || entity {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A line that continues a paragraph: escapes the start of anything that could interrupt it
/// (a list item, heading, thematic break, setext underline or quote).
fn push_continuation(out: &mut String, line: &str) {
    let trimmed = line.trim_start_matches([' ', '\t']);
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if trimmed.starts_with(['-', '+', '=', '#']) {
        out.push('\\');
        push_inline(out, trimmed);
    } else if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
        out.push_str(&trimmed[..digits]);
        out.push('\\');
        push_inline(out, &trimmed[digits..]);
    } else {
        push_inline(out, trimmed);
    }
}

/// Plan text with `\r\n` line endings as `\n`, every other hidden character (a lone `\r`
/// included) in visible form.
fn visible(text: &str) -> String {
    crate::escape::lines(&text.replace("\r\n", "\n")).into_owned()
}

/// Text on one line (a heading, a table cell, a sentence): line breaks become spaces.
pub(super) fn inline(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len());
    push_inline(&mut out, &text.replace(['\n', '\t'], " "));
    out
}

/// The text of a list item: each line break is a hard line break followed by a continuation
/// line indented into the item, so the item keeps its lines and nothing else.
pub(super) fn item(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n == 0 {
            push_inline(&mut out, line);
        } else {
            out.push_str("\\\n      ");
            push_continuation(&mut out, line);
        }
    }
    out
}

/// A code span holding `text` (on one line): the fence is one backtick longer than any run of
/// backticks inside, padded with spaces when the text starts or ends with one.
pub(super) fn code(text: &str) -> String {
    let text = crate::escape::one_line(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Text inside an HTML comment: on one line, and unable to close the comment.
pub(super) fn comment(text: &str) -> Cow<'_, str> {
    let text = crate::escape::one_line(text);
    if text.contains('>') {
        Cow::Owned(text.replace('>', "&gt;"))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_cannot_open_links_html_or_cells() {
        assert_eq!(
            inline("a [b](c) <img> *d* | e\nf &lt; & g"),
            r"a \[b\](c) \<img\> \*d\* \| e f \&lt; & g"
        );
    }

    #[test]
    fn item_lines_stay_inside_the_item() {
        assert_eq!(
            item("a\n- [x] b\n  # c\n12) d\nplain"),
            "a\\\n      \\- \\[x\\] b\\\n      \\# c\\\n      12\\) d\\\n      plain"
        );
    }

    #[test]
    fn code_spans_outgrow_the_backticks_inside() {
        assert_eq!(code("x"), "`x`");
        assert_eq!(code("a `b` c"), "``a `b` c``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code("a\nb"), r"`a\nb`");
    }

    #[test]
    fn comments_cannot_be_closed() {
        assert_eq!(comment("x -->\n<script>"), "x --&gt;\\n<script&gt;");
    }
}
