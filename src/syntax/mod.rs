//! Syntax: text to [`ast::File`]. This module owns the pest grammar (`grammar/rollplan.pest`);
//! pest's types never leave it, and its errors become [`Diagnostic`]s here, with the expected
//! tokens in words. After a syntax error, parsing resumes at the next line that starts a
//! top-level item, so one run reports the errors of every broken item, not just the first.

pub mod ast;
pub mod comments;
mod errors;
mod grammar;
mod lower;

use pest::Parser as _;

use crate::diagnostic::{Code, Diagnostic, Errors};
use crate::source::SourceFile;
use grammar::{RollplanParser, Rule};

/// Deeper nesting of parentheses or `!` than this is refused before pest sees the text: it
/// bounds the recursion of the parser, of the tree walk and of every later pass over formulas.
pub const MAX_NESTING: usize = 64;

/// At most this many syntax errors are reported; past it, the rest is likely noise.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Words that start a top-level item, where parsing may resume after an error.
const ITEM_KEYWORDS: &[&str] = &[
    "plan",
    "attribute",
    "flag",
    "metric",
    "invariant",
    "on_fail",
    "on_inconclusive",
    "freeze",
    "holiday",
    "rollback",
    "monitor",
    "validate",
    "communicate",
    "contingency",
    "phase",
];

/// Parses a plan. On failure every syntax error found is returned.
pub fn parse(source: &SourceFile) -> Result<ast::File<'_>, Errors> {
    let text: &str = &source.text;
    if let Some(diagnostic) = check_nesting(source) {
        return Err(Errors::one(diagnostic));
    }
    let mut file = ast::File::default();
    let mut diagnostics = Vec::new();
    let mut offset = 0;
    loop {
        let rest = &text[offset..];
        match RollplanParser::parse(Rule::file, rest) {
            Ok(mut pairs) => {
                let lowerer = lower::Lowerer {
                    file: source.id,
                    offset,
                };
                lowerer.file(pairs.next().expect("pest returns the file rule"), &mut file);
                break;
            }
            Err(error) => {
                // Literal tokens are only tracked in detail mode, which costs time on every
                // parse: parse the failing slice again with it to say what was expected.
                pest::set_error_detail(true);
                let detailed = RollplanParser::parse(Rule::file, rest)
                    .err()
                    .unwrap_or(error);
                pest::set_error_detail(false);
                let diagnostic = errors::to_diagnostic(&detailed, source, offset);
                let at = diagnostic.primary.span.range().start;
                diagnostics.push(diagnostic);
                match resume_point(text, at) {
                    Some(next) if diagnostics.len() < MAX_SYNTAX_ERRORS => offset = next,
                    _ => break,
                }
            }
        }
    }
    match Errors::from_diagnostics(diagnostics) {
        Some(errors) => Err(errors),
        None => Ok(file),
    }
}

/// The start of the first line after `at` that begins (without indentation) with a top-level
/// keyword: the formatter puts every item there, so this is where the next item starts.
fn resume_point(text: &str, at: usize) -> Option<usize> {
    let mut line_start = text[at..].find('\n')? + at + 1;
    loop {
        let line = &text[line_start..];
        let word_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        if ITEM_KEYWORDS.contains(&&line[..word_end]) {
            return Some(line_start);
        }
        line_start += line.find('\n')? + 1;
    }
}

/// Refuses nesting deeper than [`MAX_NESTING`], counting open `(`, a run of `!`, and the `->`
/// of one invariant (an implication chain nests to the right) outside strings and comments.
/// Runs in one pass over the bytes.
fn check_nesting(source: &SourceFile) -> Option<Diagnostic> {
    let bytes = source.text.as_bytes();
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut arrows = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'!' if bytes.get(i + 1) != Some(&b'=') => nots += 1,
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                arrows += 1;
                nots = 0;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'i' if starts_word(bytes, i, b"invariant") => {
                arrows = 0;
                nots = 0;
            }
            _ => nots = 0,
        }
        if depth + nots + arrows > MAX_NESTING {
            let span = source.span(i..i + 1);
            return Some(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    format!("expressions nest deeper than {MAX_NESTING} levels"),
                    span,
                    "nesting limit passed here",
                )
                .help("split the formula into several invariants, or remove redundant parentheses, `!` and `->`"),
            );
        }
        i += 1;
    }
    None
}

/// Whether the word `word` starts at `i` (not inside a longer name).
fn starts_word(bytes: &[u8], i: usize, word: &[u8]) -> bool {
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    bytes[i..].starts_with(word)
        && (i == 0 || !is_name(bytes[i - 1]))
        && bytes.get(i + word.len()).is_none_or(|&b| !is_name(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn first_error(text: &str) -> Diagnostic {
        let source = SourceFile::new(FileId(0), "t.roll", text);
        parse(&source).expect_err("refused").into_vec().remove(0)
    }

    #[test]
    fn long_implication_chains_are_refused_before_they_can_overflow_the_stack() {
        let text = format!(
            "plan x {{}}\nflag a: bool = false\ninvariant i: {}a\n",
            "a -> ".repeat(30_000)
        );
        let d = first_error(&text);
        assert_eq!(d.code, Code::NestingTooDeep);
        // The label sits on the `-` of the 65th arrow.
        let source = SourceFile::new(FileId(0), "t.roll", text.as_str());
        assert_eq!(source.slice(d.primary.span), "-");
    }

    #[test]
    fn arrows_count_per_invariant() {
        let chain = "a -> ".repeat(60);
        let text = format!(
            "plan x {{}}\nflag a: bool = false\ninvariant i: {chain}a\ninvariant j: {chain}a\n"
        );
        let source = SourceFile::new(FileId(0), "t.roll", text);
        assert!(parse(&source).is_ok());
    }

    #[test]
    fn deep_parentheses_and_negations_are_refused() {
        for formula in ["(".repeat(100_000), "!".repeat(100_000)] {
            let d = first_error(&format!(
                "plan x {{}}\nflag a: bool = false\ninvariant i: {formula}a\n"
            ));
            assert_eq!(d.code, Code::NestingTooDeep);
        }
    }
}
