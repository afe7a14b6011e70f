//! Names and statements that may appear once: the first is kept, each repeat is reported with
//! the first as related.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Resolver;
use crate::diagnostic::Problem;
use crate::diagnostic::problem::{NameKind, NameProblem, Statement};
use crate::source::Span;
use crate::syntax::ast::{self, Spanned};

impl Resolver<'_> {
    /// Records `name` in `seen`; reports and returns `false` when it is there already.
    pub(super) fn check_unique<'a>(
        &mut self,
        kind: NameKind,
        name: Spanned<&'a str>,
        seen: &mut Seen<'a>,
    ) -> bool {
        if let Some(first) = seen.earlier(name.node, name.span) {
            self.report(
                NameProblem::DeclaredTwice {
                    kind,
                    name: name.node.to_owned(),
                    first,
                }
                .at(name.span),
            );
            return false;
        }
        true
    }

    /// Records a field of the `plan` block; reports and returns `false` when it was given
    /// already.
    pub(super) fn check_unique_field<'a>(
        &mut self,
        field: Spanned<&'a str>,
        seen: &mut Seen<'a>,
    ) -> bool {
        if let Some(first) = seen.earlier(field.node, field.span) {
            self.report(
                NameProblem::RepeatedStatement {
                    statement: Statement::PlanField(field.node.to_owned()),
                    first,
                }
                .at(field.span),
            );
            return false;
        }
        true
    }

    /// Keeps the first of a statement that may appear once, and reports the others.
    pub(super) fn once<'x, T>(
        &mut self,
        statement: Statement,
        span: Span,
        slot: &mut Option<(&'x T, Span)>,
        value: &'x T,
    ) {
        if let Some((_, first)) = slot {
            let first = *first;
            self.report(NameProblem::RepeatedStatement { statement, first }.at(span));
        } else {
            *slot = Some((value, span));
        }
    }

    pub(super) fn check_unique_set<'a>(
        &mut self,
        set: &ast::SetStmt<'a>,
        seen: &mut Seen<'a>,
    ) -> bool {
        if let Some(first) = seen.earlier(set.flag.node, set.span) {
            self.report(
                NameProblem::SetTwice {
                    flag: set.flag.node.to_owned(),
                    first,
                }
                .at(set.span),
            );
            return false;
        }
        true
    }

    /// A named gate declared twice is renamed; a metric gate has no name of its own, so two on
    /// one metric are merged instead.
    pub(super) fn check_unique_gate<'a>(
        &mut self,
        gate: &ast::Gate<'a>,
        seen: &mut Seen<'a>,
    ) -> bool {
        match (seen.get(gate.id.node), &gate.threshold) {
            (Some(first), Some(_)) => {
                self.report(
                    NameProblem::MetricGatedTwice {
                        metric: gate.id.node.to_owned(),
                        first,
                    }
                    .at(gate.id.span),
                );
                false
            }
            _ => self.check_unique(NameKind::Gate, gate.id, seen),
        }
    }
}

/// The names declared so far in one scope, and where each was first written.
#[derive(Default)]
pub(super) struct Seen<'a>(HashMap<&'a str, Span>);

impl<'a> Seen<'a> {
    /// Where `name` was first written, or `None` (and it is recorded) the first time.
    fn earlier(&mut self, name: &'a str, span: Span) -> Option<Span> {
        match self.0.entry(name) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(span);
                None
            }
        }
    }

    fn get(&self, name: &str) -> Option<Span> {
        self.0.get(name).copied()
    }
}
