//! Comments are trivia to the grammar; the formatter needs them back. This lists every `#`
//! comment that [`super::scan`] finds, with its span and whether code precedes it on its line.

use super::scan::{Kind, Region, regions};
use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// `true` when the comment follows code on the same line (`flag x: bool = false # why`).
    pub trailing: bool,
}

pub fn comments(source: &SourceFile) -> Vec<Comment> {
    let text: &str = &source.text;
    let mut out = Vec::new();
    let mut code_on_line = false;
    for Region { kind, range } in regions(text) {
        match kind {
            Kind::Code => {
                for &b in &text.as_bytes()[range] {
                    match b {
                        b'\n' => code_on_line = false,
                        b' ' | b'\t' | b'\r' => {}
                        _ => code_on_line = true,
                    }
                }
            }
            Kind::String => code_on_line = true,
            Kind::Comment => {
                let end = range.end - usize::from(text[range.clone()].ends_with('\r'));
                out.push(Comment {
                    span: source.span(range.start..end),
                    trailing: code_on_line,
                });
            }
        }
    }
    out
}
