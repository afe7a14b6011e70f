//! What the formatter's guard finds: output that would change a plan's meaning (a bug in `fmt`).

use super::{Wording, sealed};
use crate::diagnostic::Code;

/// The formatter would change what a plan means: a bug in `fmt`, never written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatProblem {
    /// The formatted text does not parse; `error` is the first syntax error's message.
    DoesNotParse { file: String, error: Option<String> },
    /// Item `item` (from 1) would mean something else.
    ItemChanged { file: String, item: usize },
    /// Comment `comment` (from 1) would be lost or moved.
    CommentLost { file: String, comment: usize },
}

impl sealed::Sealed for FormatProblem {}

impl super::Problem for FormatProblem {
    fn wording(&self) -> Wording {
        let (message, label) = match self {
            FormatProblem::DoesNotParse { file, error } => (
                format!(
                    "formatting `{file}` gave text that does not parse{}",
                    error.as_ref().map_or(String::new(), |e| format!(": {e}"))
                ),
                "formatted from here",
            ),
            FormatProblem::ItemChanged { file, item } => (
                format!("formatting `{file}` would change the meaning of item {item}"),
                "this item would change",
            ),
            FormatProblem::CommentLost { file, comment } => (
                format!("formatting `{file}` would lose or reorder comment {comment}"),
                "this comment would be lost",
            ),
        };
        Wording::new(
            Code::FormatChangedMeaning,
            message,
            label,
            "the file was left as it was; please report this bug in `rollplan fmt` with the plan attached",
        )
    }
}

#[cfg(test)]
impl FormatProblem {
    pub(super) fn samples() -> Vec<Self> {
        let x = || "x".to_owned();
        vec![
            FormatProblem::DoesNotParse {
                file: x(),
                error: None,
            },
            FormatProblem::ItemChanged { file: x(), item: 1 },
            FormatProblem::CommentLost {
                file: x(),
                comment: 1,
            },
        ]
    }
}
