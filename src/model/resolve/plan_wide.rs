//! Plan-wide items: invariants, freeze windows and holidays, monitors and the text blocks
//! (rollback steps, validation, contingency, communication).

use super::unique::Seen;
use super::{Resolver, text_item};
use crate::diagnostic::Problem;
use crate::diagnostic::problem::{NameKind, TimeProblem};
use crate::model::plan::{Freeze, Holiday, Invariant, Monitor, TextItem};
use crate::syntax::ast::{self, Item};

impl Resolver<'_> {
    /// Invariants, calendar entries, monitors and text blocks: everything but declarations
    /// and phases.
    pub(super) fn plan_wide_items(&mut self, file: &ast::File<'_>) -> PlanWide {
        let mut invariants = Vec::new();
        let mut seen_invariants = Seen::default();
        let mut texts = TextBlocks::default();
        let mut freezes = Vec::new();
        let mut holidays = Vec::new();
        let mut monitors = Vec::new();
        for item in &file.items {
            match item {
                Item::Invariant(decl) => {
                    self.check_unique(NameKind::Invariant, decl.name, &mut seen_invariants);
                    if let Some(formula) = self.formula(&decl.expr) {
                        invariants.push(Invariant {
                            name: decl.name.node.to_owned(),
                            flags: formula.flags(),
                            formula,
                            description: decl.description.as_ref().map(|d| d.node.to_string()),
                            span: decl.name.span,
                            formula_span: decl.expr.span,
                        });
                    }
                }
                Item::Rollback(block) => texts.rollback.extend(text_items(&block.items)),
                Item::Validate(block) => texts.validation.extend(text_items(&block.items)),
                Item::Contingency(block) => texts.contingency.extend(text_items(&block.items)),
                Item::Communicate(c) => match c.moment.node {
                    ast::Moment::Before => texts.before.extend(text_items(&c.items)),
                    ast::Moment::After => texts.after.extend(text_items(&c.items)),
                },
                Item::Freeze(f) => {
                    let from = self.date(f.from);
                    let to = self.date(f.to);
                    if let (Some(from), Some(to)) = (from, to) {
                        if to < from {
                            self.report(
                                TimeProblem::FreezeOutOfOrder {
                                    from: from.to_string(),
                                    to: to.to_string(),
                                }
                                .at(f.from.span.to(f.to.span)),
                            );
                        } else {
                            freezes.push(Freeze {
                                from,
                                to,
                                reason: f.reason.as_ref().map(|r| r.node.to_string()),
                                span: f.keyword,
                            });
                        }
                    }
                }
                Item::Holiday(h) => {
                    if let Some(date) = self.date(h.date) {
                        holidays.push(Holiday {
                            date,
                            name: h.name.as_ref().map(|n| n.node.to_string()),
                            span: h.date.span,
                        });
                    }
                }
                Item::Monitor(m) => {
                    let mut monitor = Monitor {
                        title: m.title.node.to_string(),
                        metrics: Vec::new(),
                        items: Vec::new(),
                        span: m.title.span,
                    };
                    for entry in &m.entries {
                        match entry {
                            ast::MonitorEntry::Watch(name) => {
                                if let Some(id) = self.metric(*name, None) {
                                    monitor.metrics.push(id);
                                }
                            }
                            ast::MonitorEntry::Item(text) => monitor.items.push(text_item(text)),
                        }
                    }
                    monitors.push(monitor);
                }
                _ => {}
            }
        }
        PlanWide {
            invariants,
            texts,
            freezes,
            holidays,
            monitors,
        }
    }
}

pub(super) struct PlanWide {
    pub(super) invariants: Vec<Invariant>,
    pub(super) texts: TextBlocks,
    pub(super) freezes: Vec<Freeze>,
    pub(super) holidays: Vec<Holiday>,
    pub(super) monitors: Vec<Monitor>,
}

#[derive(Default)]
pub(super) struct TextBlocks {
    pub(super) rollback: Vec<TextItem>,
    pub(super) validation: Vec<TextItem>,
    pub(super) contingency: Vec<TextItem>,
    pub(super) before: Vec<TextItem>,
    pub(super) after: Vec<TextItem>,
}

fn text_items<'a>(items: &'a [ast::Text<'a>]) -> impl Iterator<Item = TextItem> + 'a {
    items.iter().map(text_item)
}
