//! Names and statements that may appear once: the first is kept, each repeat is reported with
//! the first as related.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Spanned};

impl Resolver<'_> {
    /// Records `name` in `seen`; reports and returns `false` when it is there already.
    pub(super) fn check_unique<'a>(
        &mut self,
        kind: &str,
        name: Spanned<&'a str>,
        seen: &mut Seen<'a>,
    ) -> bool {
        if let Some(first) = seen.earlier(name.node, name.span) {
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("{kind} `{}` is declared twice", name.node),
                    name.span,
                    "declared again here",
                )
                .related(first, "first declared here")
                .help(format!("rename one of them, or delete the second {kind}")),
            );
            return false;
        }
        true
    }

    /// Keeps the first of a statement that may appear once, and reports the others.
    pub(super) fn once<'x, T>(
        &mut self,
        what: &str,
        span: Span,
        slot: &mut Option<(&'x T, Span)>,
        value: &'x T,
    ) {
        if let Some((_, first)) = slot {
            let first = *first;
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("{what} is given twice"),
                    span,
                    "given again here",
                )
                .related(first, "first given here")
                .help("keep one of them"),
            );
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
                Diagnostic::new(
                    Code::DuplicateSet,
                    format!("flag `{}` is set twice in one phase", set.flag.node),
                    set.span,
                    "set again here",
                )
                .related(first, "first set here")
                .help("keep one `set`; to vary the value by context, use `set flag = v1 when attr == x else v0`"),
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
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!("metric `{}` is gated twice in one phase", gate.id.node),
                        gate.id.span,
                        "gated again here",
                    )
                    .related(first, "first gate on this metric")
                    .help("a phase checks each metric once: keep the gate with the threshold you mean and delete the other"),
                );
                false
            }
            _ => self.check_unique("gate", gate.id, seen),
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
