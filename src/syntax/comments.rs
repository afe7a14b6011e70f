//! Comments are trivia to the grammar; the formatter needs them back. This lexer finds every
//! `#` comment outside string literals, with its span and whether code precedes it on its line.

use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// `true` when the comment follows code on the same line (`flag x: bool = false # why`).
    pub trailing: bool,
}

pub fn comments(source: &SourceFile) -> Vec<Comment> {
    let bytes = source.text.as_bytes();
    let mut out = Vec::new();
    let mut code_on_line = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => code_on_line = false,
            b'"' => {
                code_on_line = true;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                let end = if bytes[start..i].ends_with(b"\r") {
                    i - 1
                } else {
                    i
                };
                out.push(Comment {
                    span: source.span(start..end),
                    trailing: code_on_line,
                });
                continue;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => code_on_line = true,
        }
        i += 1;
    }
    out
}
