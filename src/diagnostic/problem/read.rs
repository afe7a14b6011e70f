//! What reading and parsing a file finds: bytes that are not UTF-8, a file too large, text
//! that does not follow the grammar, and nesting past the parser's bound.

use super::{Wording, sealed};
use crate::diagnostic::Code;
use crate::source::Span;

/// What kind of file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Plan,
    Scenario,
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            FileKind::Plan => "plan",
            FileKind::Scenario => "scenario",
        }
    }
}

/// How a syntax error reads: the shape of the mistake at the position the parser reached.
/// `found` is already in words (`` `x` ``, "the end of the file"); `expected` is the list of
/// what the grammar allows there, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxShape {
    /// A number followed by a word that is not a unit of time (`90x`).
    UnknownUnit { found: String, unit: String },
    /// A keyword that the word runs on past (`flagx`).
    RunsOn {
        found: String,
        keyword: String,
        rest: String,
    },
    /// A token cut short (`1.` before a space).
    CutShort {
        expected: String,
        found: String,
        next: String,
    },
    /// Anything else; `listed` when the label can list what was expected.
    Expected {
        expected: String,
        found: String,
        listed: bool,
    },
}

/// How to fix a syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxHint {
    /// A length with a unit that is not one.
    LengthUnit,
    /// A keyword that the word runs on past.
    KeywordEnds { keyword: String },
    /// A string left open; `open` is its quote, on `line`.
    UnclosedString { open: Span, line: usize },
    /// An item keyword read as part of the unfinished statement above; `at` is the keyword.
    Swallowed { keyword: &'static str, at: Span },
    /// The file ends inside an item.
    EndsEarly,
    /// A name with a character that is not ASCII.
    NonAsciiName,
    /// A keyword where a name was expected.
    KeywordAsName { keyword: String },
    /// A threshold unit written as a word (`0.1 percent`).
    UnitAsWord,
    /// A token one character short (`=` for `==`), or a misspelt keyword.
    DidYouMean { token: String },
    /// A space between a number and its unit of time.
    SpaceBeforeUnit { number: String },
    /// A misspelt statement or a missing `}`.
    MisspeltOrUnclosed,
    /// Nothing more specific is known.
    SeeDocs,
}

/// A problem found while reading or parsing a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    /// A byte that is not UTF-8, at `offset` in the file.
    InvalidUtf8 { kind: FileKind, offset: usize },
    /// A file over the size limit; `size` when it is known.
    FileTooLarge {
        kind: FileKind,
        name: String,
        size: Option<u64>,
        max: u64,
    },
    /// Text that does not follow the grammar.
    Syntax {
        shape: SyntaxShape,
        hint: SyntaxHint,
    },
    /// Parentheses, `!` and `->` nested past the bound.
    NestingTooDeep { max: usize },
}

impl sealed::Sealed for ReadProblem {}

impl super::Problem for ReadProblem {
    fn wording(&self) -> Wording {
        match self {
            ReadProblem::InvalidUtf8 { kind, offset } => Wording::new(
                Code::InvalidUtf8,
                format!(
                    "the {} is not valid UTF-8: byte {offset} cannot be decoded",
                    match kind {
                        FileKind::Plan => "file",
                        FileKind::Scenario => "scenario",
                    }
                ),
                "invalid byte here",
                format!("save the {} as UTF-8 text", kind.noun()),
            ),
            ReadProblem::FileTooLarge {
                kind,
                name,
                size,
                max,
            } => {
                let noun = kind.noun();
                Wording::new(
                    Code::FileTooLarge,
                    match size {
                        Some(n) => format!(
                            "`{name}` is {n} bytes; rollplan reads {noun}s up to {max} bytes"
                        ),
                        None => format!(
                            "`{name}` holds more than {max} bytes, the most rollplan reads of a {noun}"
                        ),
                    },
                    "file too large",
                    match kind {
                        FileKind::Plan => "split the rollout into several plans",
                        FileKind::Scenario => {
                            "shorten the scenario: it needs only the attempts that differ from passing"
                        }
                    },
                )
            }
            ReadProblem::Syntax { shape, hint } => {
                let (message, label) = syntax_text(shape);
                let w = Wording::new(Code::SyntaxError, message, label, syntax_help(hint));
                match hint {
                    SyntaxHint::UnclosedString { open, line } => w.related(
                        *open,
                        format!("this string, opened on line {line}, is not closed on its line"),
                    ),
                    SyntaxHint::Swallowed { keyword, at } => w.related(
                        *at,
                        format!("`{keyword}` was read as part of the statement above"),
                    ),
                    _ => w,
                }
            }
            ReadProblem::NestingTooDeep { max } => Wording::new(
                Code::NestingTooDeep,
                format!("expressions nest deeper than {max} levels"),
                "nesting limit passed here",
                "split the formula into several invariants, or remove redundant parentheses, `!` and `->`",
            ),
        }
    }
}

fn syntax_text(shape: &SyntaxShape) -> (String, String) {
    match shape {
        SyntaxShape::UnknownUnit { found, unit } => (
            format!("{found} is not a length: `{unit}` is not a unit of time"),
            "unknown unit".to_owned(),
        ),
        SyntaxShape::RunsOn {
            found,
            keyword,
            rest,
        } => (
            format!(
                "unexpected `{rest}`: the parser read {found} as `{keyword}` followed by `{rest}`"
            ),
            format!("`{keyword}` ends here, but the word goes on"),
        ),
        SyntaxShape::CutShort {
            expected,
            found,
            next,
        } => (
            format!("expected {expected} right after {found}, found {next}"),
            format!("{found} is not complete"),
        ),
        SyntaxShape::Expected {
            expected,
            found,
            listed,
        } => (
            format!("expected {expected}, found {found}"),
            if *listed {
                format!("expected {expected}")
            } else {
                format!("unexpected {found}")
            },
        ),
    }
}

fn syntax_help(hint: &SyntaxHint) -> String {
    match hint {
        SyntaxHint::LengthUnit => "give a length as a whole number and one unit: `m` (minutes), `h` (hours), `d` (days) or `w` (weeks), like `30m`, `2h` or `3d`".to_owned(),
        SyntaxHint::KeywordEnds { keyword } => {
            format!("did you mean `{keyword}`? a keyword must end where the word does")
        }
        SyntaxHint::UnclosedString { .. } => "a string was left open, so everything up to the next `\"` became its text: close it with `\"` where it should end".to_owned(),
        SyntaxHint::Swallowed { keyword, .. } => format!(
            "the statement before this line is unfinished, so `{keyword}` was read as part of it: finish that statement"
        ),
        SyntaxHint::EndsEarly => {
            "the plan ends too early: close every `{` with `}` and finish the last statement"
                .to_owned()
        }
        SyntaxHint::NonAsciiName => {
            "names are ASCII: letters, digits, `_` and `-`, starting with a letter or `_`"
                .to_owned()
        }
        SyntaxHint::KeywordAsName { keyword } => {
            format!("`{keyword}` is a keyword and cannot be used as a name: choose another name")
        }
        SyntaxHint::UnitAsWord => "write a threshold's unit as part of the number: `0.1%` for percent, `250ms` for ms, a plain number for count and ratio".to_owned(),
        SyntaxHint::DidYouMean { token } => format!("did you mean `{token}`?"),
        SyntaxHint::SpaceBeforeUnit { number: n } => format!(
            "write the unit right after the number, without a space: `{n}w`, `{n}d`, `{n}h` or `{n}m`"
        ),
        SyntaxHint::MisspeltOrUnclosed => "a statement is misspelt, or a block is missing its closing `}`; see docs/language.md for the statements each block takes".to_owned(),
        SyntaxHint::SeeDocs => "see docs/language.md for the syntax of this statement".to_owned(),
    }
}

#[cfg(test)]
impl ReadProblem {
    /// One of each variant, for the catalogue's tests.
    #[expect(clippy::too_many_lines, reason = "a table, one sample per variant")]
    pub(super) fn samples() -> Vec<Self> {
        let x = || "`x`".to_owned();
        let syntax = |shape, hint| ReadProblem::Syntax { shape, hint };
        vec![
            ReadProblem::InvalidUtf8 {
                kind: FileKind::Plan,
                offset: 3,
            },
            ReadProblem::FileTooLarge {
                kind: FileKind::Scenario,
                name: x(),
                size: None,
                max: 1 << 30,
            },
            syntax(
                SyntaxShape::UnknownUnit {
                    found: x(),
                    unit: x(),
                },
                SyntaxHint::LengthUnit,
            ),
            syntax(
                SyntaxShape::RunsOn {
                    found: x(),
                    keyword: x(),
                    rest: x(),
                },
                SyntaxHint::KeywordEnds { keyword: x() },
            ),
            syntax(
                SyntaxShape::CutShort {
                    expected: x(),
                    found: x(),
                    next: x(),
                },
                SyntaxHint::UnclosedString {
                    open: Span::default(),
                    line: 1,
                },
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: false,
                },
                SyntaxHint::Swallowed {
                    keyword: "flag",
                    at: Span::default(),
                },
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::EndsEarly,
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::NonAsciiName,
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::KeywordAsName { keyword: x() },
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::UnitAsWord,
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::DidYouMean { token: x() },
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::SpaceBeforeUnit {
                    number: "3".to_owned(),
                },
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::MisspeltOrUnclosed,
            ),
            syntax(
                SyntaxShape::Expected {
                    expected: x(),
                    found: x(),
                    listed: true,
                },
                SyntaxHint::SeeDocs,
            ),
            ReadProblem::NestingTooDeep { max: 64 },
        ]
    }
}
