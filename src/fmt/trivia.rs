//! What the grammar throws away and the formatter must put back: the comments, and whether a
//! blank line stood before or after each of them. Also the scans that find tokens the AST does
//! not record (a block's closing brace).

use crate::source::SourceFile;
use crate::syntax::comments::{Comment, comments};
use crate::syntax::scan::{Kind, Region, regions};

/// Whitespace to the grammar, byte order mark included.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}')
}

/// One comment as the formatter prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Trivia {
    /// Byte offsets of the comment in the source.
    pub(super) start: usize,
    /// The comment's text from `#`, trailing whitespace removed.
    pub(super) text: String,
    /// A blank line separates it from what precedes it.
    pub(super) blank_before: bool,
    /// A blank line separates it from what follows it.
    pub(super) blank_after: bool,
}

/// The comments of a file in source order, with a cursor: the layout takes them from the front
/// as it passes their position, so each is printed exactly once and in order.
pub(super) struct Comments<'s> {
    text: &'s str,
    list: Vec<Trivia>,
    next: usize,
}

impl<'s> Comments<'s> {
    pub(super) fn new(source: &'s SourceFile) -> Self {
        let text: &str = &source.text;
        let list = comments(source)
            .into_iter()
            .map(|Comment { span, .. }| {
                let range = span.range();
                Trivia {
                    start: range.start,
                    text: text[range.clone()].trim_end().to_owned(),
                    blank_before: blank_line(text[..range.start].chars().rev()),
                    blank_after: blank_line(text[range.end..].chars()),
                }
            })
            .collect();
        Comments {
            text,
            list,
            next: 0,
        }
    }

    /// Takes the next comment if it starts before `end`.
    pub(super) fn take_before(&mut self, end: usize) -> Option<Trivia> {
        let c = self.list.get(self.next).filter(|c| c.start < end)?;
        self.next += 1;
        Some(c.clone())
    }

    /// Takes the next comment if it trails code ending at `end`: on the same line, with only
    /// spaces, `{` or `)` between (tokens the AST spans leave out), so a comment after the next
    /// statement on the same line is not taken.
    pub(super) fn take_trailing(&mut self, end: usize) -> Option<Trivia> {
        let c = self.list.get(self.next).filter(|c| c.start >= end)?;
        let gap = self.text.get(end..c.start)?;
        if gap
            .chars()
            .all(|ch| (is_space(ch) && ch != '\n') || ch == '{' || ch == ')')
        {
            self.next += 1;
            Some(c.clone())
        } else {
            None
        }
    }

    /// Whether a comment not yet taken starts in `from..to`.
    pub(super) fn any_in(&self, from: usize, to: usize) -> bool {
        self.list[self.next..]
            .iter()
            .any(|c| from <= c.start && c.start < to)
    }

    /// Takes every comment left.
    pub(super) fn take_rest(&mut self) -> Vec<Trivia> {
        let rest = self.list[self.next..].to_vec();
        self.next = self.list.len();
        rest
    }
}

/// Whether the whitespace at the start of `chars` holds a blank line (two line breaks).
fn blank_line(chars: impl Iterator<Item = char>) -> bool {
    chars
        .take_while(|&c| is_space(c))
        .filter(|&c| c == '\n')
        .nth(1)
        .is_some()
}

/// The offset of the `}` that closes a block, scanning from `from` (the end of the block's
/// last statement, or of its header) over whitespace, comments and the opening `{`. The parser
/// accepted the text, so only those can stand there; `None` would mean it did not.
pub(super) fn closing_brace(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    for Region { kind, range } in regions(rest) {
        match kind {
            Kind::Code => {
                for (i, c) in rest[range.clone()].char_indices() {
                    match c {
                        '}' => return Some(from + range.start + i),
                        '{' => {}
                        c if is_space(c) => {}
                        _ => return None,
                    }
                }
            }
            Kind::Comment => {}
            Kind::String => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn comments_know_their_blank_lines() {
        let source = SourceFile::new(FileId(0), "t", "x\n\n# a\n# b\r\n\r\n  # c  \ny");
        let mut comments = Comments::new(&source);
        let all = comments.take_rest();
        let flags: Vec<(&str, bool, bool)> = all
            .iter()
            .map(|c| (c.text.as_str(), c.blank_before, c.blank_after))
            .collect();
        assert_eq!(
            flags,
            [
                ("# a", true, false),
                ("# b", false, true),
                ("# c", true, false)
            ]
        );
    }

    #[test]
    fn trailing_comments_stop_at_the_next_token() {
        let text = "a ) # one\nb c # two";
        let source = SourceFile::new(FileId(0), "t", text);
        let mut comments = Comments::new(&source);
        assert!(comments.take_trailing(1).is_some());
        assert!(
            comments
                .take_trailing(text.find('b').unwrap() + 1)
                .is_none()
        );
    }

    #[test]
    fn closing_brace_skips_comments_and_the_opening_brace() {
        let text = "x { # } not this\n }";
        assert_eq!(closing_brace(text, 1), Some(text.len() - 1));
        assert_eq!(closing_brace("x y }", 1), None);
    }
}
