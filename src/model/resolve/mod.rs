//! Resolution: binds the names of a parsed plan, checks values against types and units, and
//! computes each phase's states. One [`Resolver`] carries the declarations found so far and the
//! diagnostics; its `impl` is split by concern:
//!
//! - `header.rs`: the `plan` block, `start`, and the calendar's last day;
//! - `declarations.rs`, `share.rs`: attributes, flags, metrics, cohorts and shares;
//! - `names.rs`: name look-ups with did-you-mean, literals, types, invariant formulas;
//! - `plan_wide.rs`: invariants, freezes, holidays, monitors and text blocks;
//! - `phase.rs`: phases in order, with `assignment.rs` (`set`), `gate.rs`, `duration.rs`,
//!   `policy.rs` (`on_fail`, `on_inconclusive`; the plan-wide ones resolved once) and
//!   `variants.rs` (the one enumeration of optional values' combinations);
//! - `unique.rs`: everything that may be declared or given once.
//!
//! Every check reports and carries on, so one run shows every problem.

mod assignment;
mod declarations;
mod duration;
mod gate;
mod header;
mod names;
mod phase;
mod plan_wide;
mod policy;
mod share;
mod unique;
mod variants;

use std::collections::HashMap;

use crate::diagnostic::problem::NameProblem;
use crate::diagnostic::{Diagnostic, Problem};
use crate::model::plan::{
    Attribute, AttributeId, Cohort, CohortId, Flag, FlagId, Metric, MetricId, Plan, TextItem,
};
use crate::model::value::{FlagState, Setting};
use crate::source::SourceFile;
use crate::syntax::ast::{self, Item};

/// Resolves a parsed plan. Returns the plan when there is no error, and every diagnostic found.
pub fn resolve(file: &ast::File<'_>, source: &SourceFile) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut r = Resolver {
        source,
        diagnostics: Vec::new(),
        ..Resolver::default_for(source)
    };
    let plan = r.plan(file);
    if let Some(plan) = &plan {
        r.diagnostics
            .extend(crate::model::file_name::too_long(plan));
    }
    let has_error = r.diagnostics.iter().any(Diagnostic::is_error);
    (plan.filter(|_| !has_error), r.diagnostics)
}

pub(super) struct Resolver<'s> {
    pub(super) source: &'s SourceFile,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) flags: Vec<Flag>,
    pub(super) flag_ids: HashMap<String, FlagId>,
    pub(super) attributes: Vec<Attribute>,
    pub(super) attribute_ids: HashMap<String, AttributeId>,
    pub(super) metrics: Vec<Metric>,
    pub(super) metric_ids: HashMap<String, MetricId>,
    pub(super) cohorts: Vec<Cohort>,
    /// `None` for a cohort declared with a wrong attribute (reported where it is declared).
    pub(super) cohort_ids: HashMap<String, Option<CohortId>>,
}

impl<'s> Resolver<'s> {
    fn default_for(source: &'s SourceFile) -> Self {
        Resolver {
            source,
            diagnostics: Vec::new(),
            flags: Vec::new(),
            flag_ids: HashMap::new(),
            attributes: Vec::new(),
            attribute_ids: HashMap::new(),
            metrics: Vec::new(),
            metric_ids: HashMap::new(),
            cohorts: Vec::new(),
            cohort_ids: HashMap::new(),
        }
    }

    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn plan(&mut self, file: &ast::File<'_>) -> Option<Plan> {
        let header = self.header(file);
        self.declarations(file);

        let wide = self.plan_wide_items(file);
        let initial = FlagState::new(self.flags.iter().map(|f| Setting::Fixed(f.initial.clone())));
        let phases = self.phases(file, &initial);
        let header = header?;
        if let Some(start) = header.start {
            self.check_calendar_end(start, &phases);
        }
        if phases.is_empty() {
            self.report(NameProblem::NoPhases.at(header.span));
            return None;
        }
        Some(Plan {
            name: header.name,
            title: header.title,
            owner: header.owner,
            description: header.description,
            start: header.start,
            header_span: header.span,
            attributes: std::mem::take(&mut self.attributes),
            cohorts: std::mem::take(&mut self.cohorts),
            flags: std::mem::take(&mut self.flags),
            metrics: std::mem::take(&mut self.metrics),
            invariants: wide.invariants,
            phases,
            initial,
            freezes: wide.freezes,
            holidays: wide.holidays,
            rollback_steps: wide.texts.rollback,
            validation: wide.texts.validation,
            contingency: wide.texts.contingency,
            notify_before: wide.texts.before,
            notify_after: wide.texts.after,
            monitors: wide.monitors,
            on_fail_text: file.items.iter().find_map(|item| match item {
                Item::OnFail(f) => self
                    .source
                    .text
                    .get(f.span.range())
                    .map(|t| t.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")),
                _ => None,
            }),
        })
    }
}

pub(super) fn text_item(text: &ast::Text<'_>) -> TextItem {
    TextItem {
        text: text.node.to_string(),
        span: text.span,
    }
}

#[cfg(test)]
mod tests;
