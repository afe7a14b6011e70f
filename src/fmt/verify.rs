//! The formatter's guard: the formatted text is parsed again and must give the same syntax tree
//! (spans aside) and the same comments in the same order as the original. Anything else is a
//! bug in the formatter, reported as a diagnostic instead of being written over the user's file.

use crate::diagnostic::problem::FormatProblem;
use crate::diagnostic::{Errors, Problem};
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{File, Item};
use crate::syntax::{self, comments::comments};

pub(super) fn same_meaning(
    source: &SourceFile,
    before: &File<'_>,
    formatted: &str,
) -> Result<(), Errors> {
    let output = SourceFile::new(source.id, source.name.clone(), formatted);
    let after = syntax::parse(&output).map_err(|errors| {
        bug(
            source.span(0..0),
            &FormatProblem::DoesNotParse {
                file: source.name.clone(),
                error: errors.as_slice().first().map(|d| d.message.clone()),
            },
        )
    })?;
    if let Some(i) = (0..before.items.len().max(after.items.len()))
        .find(|&i| before.items.get(i) != after.items.get(i))
    {
        let span = before.items.get(i).map_or_else(
            || source.span(source.text.len()..source.text.len()),
            item_span,
        );
        return Err(bug(
            span,
            &FormatProblem::ItemChanged {
                file: source.name.clone(),
                item: i + 1,
            },
        ));
    }
    let texts = |file: &SourceFile| -> Vec<(Span, String)> {
        comments(file)
            .into_iter()
            .map(|c| (c.span, file.slice(c.span).trim_end().to_owned()))
            .collect()
    };
    let (old, new) = (texts(source), texts(&output));
    if let Some(i) = (0..old.len().max(new.len()))
        .find(|&i| old.get(i).map(|c| &c.1) != new.get(i).map(|c| &c.1))
    {
        let span = old.get(i).map_or_else(
            || source.span(source.text.len()..source.text.len()),
            |c| c.0,
        );
        return Err(bug(
            span,
            &FormatProblem::CommentLost {
                file: source.name.clone(),
                comment: i + 1,
            },
        ));
    }
    Ok(())
}

fn bug(span: Span, problem: &FormatProblem) -> Errors {
    Errors::one(problem.at(span))
}

/// Where an item starts to be named, for pointing at it.
fn item_span(item: &Item<'_>) -> Span {
    match item {
        Item::Plan(p) => p.keyword,
        Item::Attribute(a) => a.name.span,
        Item::Cohort(c) => c.name.span,
        Item::Flag(f) => f.name.span,
        Item::Metric(m) => m.name.span,
        Item::Invariant(i) => i.name.span,
        Item::OnFail(f) => f.span,
        Item::OnInconclusive(a) => a.span,
        Item::Freeze(f) => f.keyword,
        Item::Holiday(h) => h.date.span,
        Item::Rollback(b) | Item::Validate(b) | Item::Contingency(b) => b.keyword,
        Item::Communicate(c) => c.moment.span,
        Item::Monitor(m) => m.title.span,
        Item::Phase(p) => p.keyword,
    }
}
