//! Syntax: text to [`ast::File`]. This module owns the pest grammar (`grammar/rollplan.pest`);
//! pest's types never leave it, and its errors become [`Diagnostic`]s here, with the expected
//! tokens in words. After a syntax error, parsing resumes at the next line that starts a
//! top-level item, so one run reports the errors of every broken item, not just the first.

pub mod ast;
pub mod comments;
mod errors;
mod grammar;
mod lower;
pub mod scan;

use pest::Parser as _;

use crate::diagnostic::problem::ReadProblem;
use crate::diagnostic::{Diagnostic, Errors, Problem};
use crate::source::{SourceFile, Span};
use grammar::{RollplanParser, Rule};

/// Deeper nesting of parentheses or `!` than this is refused before pest sees the text: it
/// bounds the recursion of the parser, of the tree walk and of every later pass over formulas.
pub const MAX_NESTING: usize = 64;

/// At most this many syntax errors are reported; past it, the rest is likely noise.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Words the grammar reserves (its `keyword` rule): they cannot name a flag, phase or metric.
pub const RESERVED_WORDS: &[&str] = &[
    "true",
    "false",
    "when",
    "else",
    "optional",
    "inconclusive",
    "in",
    "max",
    "then",
    "pass",
];

/// Words that start a top-level item, where parsing may resume after an error.
pub const ITEM_KEYWORDS: &[&str] = &[
    "plan",
    "attribute",
    "cohort",
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

/// Plans larger than this are first parsed in slices of about this size, cut where top-level
/// items start: pest keeps a token queue of the whole input (about 16 bytes of queue per byte of
/// plan), so slicing bounds the parser's memory and keeps its working set in cache.
const SLICE_BYTES: usize = 256 * 1024;

/// Parses a plan. On failure every syntax error found is returned.
pub fn parse(source: &SourceFile) -> Result<ast::File<'_>, Errors> {
    let parsed = parse_recovering(source);
    match Errors::from_diagnostics(parsed.errors) {
        Some(errors) => Err(errors),
        None => Ok(parsed.file),
    }
}

/// What [`parse_recovering`] found: the items that parsed, the syntax errors, and the text of
/// the items that did not parse.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// Every item that parsed, in order; all of them when `errors` is empty.
    pub file: ast::File<'a>,
    /// Syntax errors only; empty when the whole text parsed.
    pub errors: Vec<Diagnostic>,
    /// Where the items that did not parse are: from the start of the broken item to the next
    /// item parsing resumed at (or the end of the text).
    pub broken: Vec<Span>,
}

/// Parses a plan, keeping every item that parsed when others did not: an editor still needs
/// the rest of the file while one item is half-typed. The errors are those of [`parse`].
pub fn parse_recovering(source: &SourceFile) -> Parsed<'_> {
    let text: &str = &source.text;
    if let Some(diagnostic) = check_nesting(source) {
        return Parsed {
            file: ast::File::default(),
            errors: vec![diagnostic],
            broken: vec![source.span(0..text.len())],
        };
    }
    if text.len() > SLICE_BYTES {
        if let Some(file) = parse_in_slices(source) {
            return Parsed {
                file,
                errors: Vec::new(),
                broken: Vec::new(),
            };
        }
        // A slice failed: parse the whole text, so that errors are reported (and recovered
        // from) exactly as for a small plan.
    }
    parse_whole(source)
}

/// Parses the whole text in one piece, resuming after each syntax error at the next item. The
/// complete items before a broken one are parsed again on their own, so they are kept.
fn parse_whole(source: &SourceFile) -> Parsed<'_> {
    let text: &str = &source.text;
    let mut parsed = Parsed {
        file: ast::File::default(),
        errors: Vec::new(),
        broken: Vec::new(),
    };
    let mut offset = 0;
    loop {
        let rest = &text[offset..];
        match RollplanParser::parse(Rule::file, rest) {
            Ok(mut pairs) => {
                let lowerer = lower::Lowerer {
                    file: source.id,
                    offset,
                };
                lowerer.file(
                    pairs.next().expect("pest returns the file rule"),
                    &mut parsed.file,
                );
                break;
            }
            Err(error) => {
                // Literal tokens are only tracked in detail mode, which costs time on every
                // parse: parse the failing slice again with it to say what was expected.
                let detailed = parse_in_detail(rest).unwrap_or(error);
                let diagnostic = errors::to_diagnostic(&detailed, source, offset);
                let at = diagnostic.primary.span.range().start;
                parsed.errors.push(diagnostic);
                let item_start = item_start(text, offset, at);
                let broken_from = lower_prefix(source, offset, item_start, &mut parsed.file);
                let next =
                    resume_point(text, at).filter(|_| parsed.errors.len() < MAX_SYNTAX_ERRORS);
                parsed
                    .broken
                    .push(source.span(broken_from..next.unwrap_or(text.len())));
                match next {
                    Some(next) => offset = next,
                    None => break,
                }
            }
        }
    }
    parsed
}

/// Parses the complete items in `start..end` (before a broken item) and appends them to
/// `file`. Returns where the text that could not be kept starts: `end`, or `start` when the
/// items did not parse on their own (a keyword at the start of a line inside a string).
fn lower_prefix<'a>(
    source: &'a SourceFile,
    start: usize,
    end: usize,
    file: &mut ast::File<'a>,
) -> usize {
    if start == end {
        return start;
    }
    match RollplanParser::parse(Rule::file, &source.text[start..end]) {
        Ok(mut pairs) => {
            if let Some(pair) = pairs.next() {
                lower::Lowerer {
                    file: source.id,
                    offset: start,
                }
                .file(pair, file);
            }
            end
        }
        Err(_) => start,
    }
}

/// The start of the item that holds offset `at`: the last line at or before it, not before
/// `from`, that begins with a top-level keyword (`from` when there is none).
fn item_start(text: &str, from: usize, at: usize) -> usize {
    let mut line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    while line_start > from {
        if starts_item(&text[line_start..]) {
            return line_start;
        }
        line_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    from
}

/// Whether `line` begins (without indentation) with a top-level keyword.
fn starts_item(line: &str) -> bool {
    let word_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    ITEM_KEYWORDS.contains(&&line[..word_end])
}

/// pest's error detail is one process-wide switch, read when a parse starts. Holding this lock
/// from switching it on to switching it off keeps one thread from switching it off under
/// another's detailed parse (`diff` parses its two sides on two threads), so a message never
/// depends on timing. A parse that starts elsewhere meanwhile only tracks more than it needs.
static ERROR_DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Parses `text` again with pest's error detail on; `None` if it parses (it did not before).
fn parse_in_detail(text: &str) -> Option<pest::error::Error<Rule>> {
    let _held = ERROR_DETAIL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let error = RollplanParser::parse(Rule::file, text).err();
    pest::set_error_detail(false);
    error
}

/// Parses a valid plan slice by slice, or returns `None` at the first slice that fails.
///
/// A cut is made only at a line that starts with a top-level keyword. Where that line starts a
/// real item, the slices parse to exactly the items of the whole text: no item continues with
/// a top-level keyword at the start of a line, so no rule looks past the cut. A cut that falls
/// inside an item (a multi-line string, a name such as `plan.x` on its own line) leaves an
/// unfinished item at the end of its slice, which fails to parse; the caller then parses the
/// whole text in one piece.
fn parse_in_slices(source: &SourceFile) -> Option<ast::File<'_>> {
    let text: &str = &source.text;
    let mut file = ast::File::default();
    let mut start = 0;
    while start < text.len() {
        // The newline at or after the slice's nominal end: a byte search, so the cut is always
        // on a character boundary.
        let end = text.as_bytes()[(start + SLICE_BYTES).min(text.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .and_then(|nl| resume_point(text, start + SLICE_BYTES + nl))
            .unwrap_or(text.len());
        let mut pairs = RollplanParser::parse(Rule::file, &text[start..end]).ok()?;
        let lowerer = lower::Lowerer {
            file: source.id,
            offset: start,
        };
        lowerer.file(pairs.next()?, &mut file);
        start = end;
    }
    Some(file)
}

/// The start of the first line after `at` that begins (without indentation) with a top-level
/// keyword: the formatter puts every item there, so this is where the next item starts.
fn resume_point(text: &str, at: usize) -> Option<usize> {
    let mut line_start = text[at..].find('\n')? + at + 1;
    loop {
        if starts_item(&text[line_start..]) {
            return Some(line_start);
        }
        line_start += text[line_start..].find('\n')? + 1;
    }
}

/// Refuses nesting deeper than [`MAX_NESTING`], counting open `(`, a run of `!`, and the `->`
/// of one invariant (an implication chain nests to the right) in the code [`scan`] finds,
/// outside strings and comments.
fn check_nesting(source: &SourceFile) -> Option<Diagnostic> {
    let bytes = source.text.as_bytes();
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut arrows = 0usize;
    for region in scan::regions(&source.text) {
        if region.kind != scan::Kind::Code {
            continue;
        }
        let start = region.range.start;
        for (k, &b) in bytes[region.range].iter().enumerate() {
            let i = start + k;
            match b {
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
                return Some(ReadProblem::NestingTooDeep { max: MAX_NESTING }.at(span));
            }
        }
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
    use crate::diagnostic::Code;
    use crate::source::FileId;

    fn first_error(text: &str) -> Diagnostic {
        let source = SourceFile::new(FileId(0), "t.roll", text);
        parse(&source).expect_err("refused").into_vec().remove(0)
    }

    /// pest's error detail is one process-wide switch: threads reporting syntax errors at once
    /// (as `diff` does for its two sides) must each get the message they get alone.
    #[test]
    fn syntax_errors_on_several_threads_at_once_read_as_alone() {
        let texts = [
            "plan x {}\nflag a: bool false\n",
            "plan y {}\nphase p \"P\" {\n  duraton 1w\n}\n",
        ];
        let alone: Vec<String> = texts.iter().map(|t| first_error(t).message).collect();
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..8)
                .map(|k| {
                    let text = texts[k % 2];
                    scope.spawn(move || {
                        (0..300)
                            .map(|_| first_error(text).message)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for (k, run) in runs.into_iter().enumerate() {
                for message in run.join().expect("parsing does not panic") {
                    assert_eq!(message, alone[k % 2]);
                }
            }
        });
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

    /// The list agrees with the grammar's `keyword` rule: each word is refused as a name.
    #[test]
    fn reserved_words_cannot_name_a_flag() {
        for word in RESERVED_WORDS {
            let text = format!("plan x {{}}\nflag {word}: bool = false\n");
            let source = SourceFile::new(FileId(0), "t.roll", text);
            assert!(parse(&source).is_err(), "`{word}` was accepted as a name");
        }
        let source = SourceFile::new(
            FileId(0),
            "t.roll",
            "plan x {}\nflag inside: bool = false\n",
        );
        assert!(parse(&source).is_ok());
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

    /// The items around a broken one are kept, and the broken text is located.
    #[test]
    fn items_before_and_after_a_broken_one_are_kept() {
        let text = "plan x {}\nflag a: bool = false\nflag b: = true\nflag c: bool = false\n";
        let source = SourceFile::new(FileId(0), "t.roll", text);
        let parsed = parse_recovering(&source);
        assert_eq!(parsed.errors.len(), 1);
        let names: Vec<&str> = parsed
            .file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Flag(f) => Some(f.name.node),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["a", "c"]);
        let broken: Vec<&str> = parsed.broken.iter().map(|s| source.slice(*s)).collect();
        assert_eq!(broken, ["flag b: = true\n"]);
        // `parse` reports the same error and no file.
        let errors = parse(&source).expect_err("broken");
        assert_eq!(errors.as_slice(), parsed.errors.as_slice());
    }

    #[test]
    fn a_clean_plan_has_nothing_broken() {
        let source = SourceFile::new(FileId(0), "t.roll", "plan x {}\nflag a: bool = false\n");
        let parsed = parse_recovering(&source);
        assert!(parsed.errors.is_empty() && parsed.broken.is_empty());
        assert_eq!(parsed.file.items.len(), 2);
    }

    const ENTITY: &str = include_str!("../../plans/entity.roll");

    /// The entity plan with its phases copied (ids renamed) until the text passes `bytes`, every
    /// phase ending with `extra` as statements (at the end, so that wherever a slice's nominal
    /// end falls inside a phase, `extra` comes before the next item; not tied to the plan's
    /// byte layout).
    fn large_plan(bytes: usize, extra: &str) -> SourceFile {
        let first_phase = ENTITY.find("phase development").expect("a phase");
        let (head, phases) = ENTITY.split_at(first_phase);
        let phases = phases
            .replace("indefinite", "1w")
            .replace("\n}\n", &format!("\n{extra}}}\n"));
        let mut text = head.to_owned();
        let mut copy = 0;
        while text.len() < bytes {
            text.push_str(&phases.replace("phase ", &format!("phase c{copy}_")));
            copy += 1;
        }
        SourceFile::new(FileId(0), "large.roll", text)
    }

    /// Spans included: `Debug` shows them, `==` ignores them.
    fn shown(result: &Result<ast::File<'_>, Errors>) -> String {
        format!("{result:?}")
    }

    #[test]
    fn slices_give_the_items_and_spans_of_the_whole_text() {
        let source = large_plan(3 * SLICE_BYTES, "  # a comment\n");
        let sliced = parse_in_slices(&source).expect("every slice of a valid plan parses");
        assert_eq!(shown(&Ok(sliced)), shown(&parse(&source)));
    }

    #[test]
    fn a_cut_inside_an_item_falls_back_to_the_whole_text() {
        // Every copy has lines starting with `phase` inside a string, so some cut falls there.
        let extra = "  activity \"two lines:\nphase fake \\\"not a phase\\\" {\n}\"\n";
        let source = large_plan(3 * SLICE_BYTES, extra);
        assert!(
            parse_in_slices(&source).is_none(),
            "a cut fell inside a string"
        );
        let whole = parse_whole(&source);
        assert!(whole.errors.is_empty(), "{whole:?}");
        assert_eq!(shown(&parse(&source)), shown(&Ok(whole.file)));
    }

    #[test]
    fn errors_in_a_large_plan_are_those_of_the_whole_text() {
        let source = large_plan(3 * SLICE_BYTES, "  set = oops\n");
        let errors = parse(&source).expect_err("syntax errors");
        assert_eq!(errors.as_slice().len(), MAX_SYNTAX_ERRORS);
        let whole = parse_whole(&source);
        assert_eq!(
            shown(&Err(errors)),
            shown(&Err(Errors::from_diagnostics(whole.errors).expect("errors")))
        );
    }
}
