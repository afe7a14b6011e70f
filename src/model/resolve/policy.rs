//! What a phase does when a gate fails (`on_fail`) or cannot be judged (`on_inconclusive`).
//! The plan-wide statements are resolved once, before the phases, so that a problem in them is
//! reported once however many phases inherit them; each phase then places the inherited
//! policy's `previous` relative to itself.

use std::collections::HashMap;

use super::Resolver;
use crate::diagnostic::problem::{NameProblem, Statement, ValueProblem};
use crate::diagnostic::{Problem, suggest};
use crate::model::plan::{FailurePolicy, InconclusiveAction, PhaseId, RollbackTarget};
use crate::source::Span;
use crate::syntax::ast::{self, Item};

/// A rollback target as written: `previous` means the phase before the one that fails, so it
/// is only a [`RollbackTarget`] once the phase is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WrittenTarget {
    Previous,
    Fixed(RollbackTarget),
}

/// A failure policy as written, before it is placed in a phase.
pub(super) type WrittenPolicy = FailurePolicy<WrittenTarget>;

/// The plan-wide `on_fail` and `on_inconclusive`, which phases without their own inherit.
pub(super) struct PlanPolicy {
    /// The plan-wide `on_fail` and where it is written; the policy is `None` when it did not
    /// resolve (already reported).
    pub(super) on_fail: Option<(Option<WrittenPolicy>, Span)>,
    pub(super) inconclusive: InconclusiveAction,
}

/// The phases' ids, for rollback targets that name one.
pub(super) type PhaseIds<'a> = HashMap<&'a str, PhaseId>;

impl WrittenPolicy {
    /// The policy of the phase at `index`, with `previous` made concrete.
    pub(super) fn in_phase(self, index: usize) -> FailurePolicy {
        self.map_target(|target| match target {
            WrittenTarget::Previous => previous_target(index),
            WrittenTarget::Fixed(target) => target,
        })
    }
}

impl Resolver<'_> {
    /// Resolves the plan-wide `on_fail` and `on_inconclusive`, once each.
    pub(super) fn plan_policy(&mut self, file: &ast::File<'_>, ids: &PhaseIds<'_>) -> PlanPolicy {
        let mut on_fail = None;
        let mut inconclusive = None;
        let once = Statement::PlanWide;
        for item in &file.items {
            match item {
                Item::OnFail(f) => self.once(once("on_fail"), f.span, &mut on_fail, f),
                Item::OnInconclusive(a) => {
                    self.once(once("on_inconclusive"), a.span, &mut inconclusive, a);
                }
                _ => {}
            }
        }
        PlanPolicy {
            on_fail: on_fail.map(|(f, span)| (self.failure_policy(f, ids), span)),
            inconclusive: inconclusive.map_or(InconclusiveAction::Fail, |(a, _)| {
                self.inconclusive(a).unwrap_or(InconclusiveAction::Fail)
            }),
        }
    }

    pub(super) fn inconclusive(
        &mut self,
        action: &ast::Spanned<ast::InconclusiveAction<'_>>,
    ) -> Option<InconclusiveAction> {
        Some(match &action.node {
            ast::InconclusiveAction::Wait(d) => InconclusiveAction::Wait(self.length(*d)?),
            ast::InconclusiveAction::Extend => InconclusiveAction::Extend,
            ast::InconclusiveAction::Fail => InconclusiveAction::Fail,
        })
    }

    pub(super) fn failure_policy(
        &mut self,
        on_fail: &ast::OnFail<'_>,
        ids: &PhaseIds<'_>,
    ) -> Option<WrittenPolicy> {
        Some(match &on_fail.action {
            ast::FailAction::Rollback(target) => FailurePolicy::Rollback {
                to: self.target(*target, ids)?,
            },
            ast::FailAction::Extend { by, limit: None } => FailurePolicy::Extend {
                by: self.length(*by)?,
            },
            ast::FailAction::Extend {
                by,
                limit: Some((max, target)),
            } => {
                let by = self.length(*by);
                let to = self.target(*target, ids);
                let max = if let Ok(n @ 1..=1000) = max.node.parse::<u32>() {
                    Some(n)
                } else {
                    self.report(
                        ValueProblem::ExtensionsOutOfRange {
                            text: max.node.to_owned(),
                        }
                        .at(max.span),
                    );
                    None
                };
                FailurePolicy::ExtendThenRollback {
                    by: by?,
                    max: max?,
                    to: to?,
                }
            }
        })
    }

    fn target(&mut self, name: ast::Name<'_>, ids: &PhaseIds<'_>) -> Option<WrittenTarget> {
        match name.node {
            "previous" => Some(WrittenTarget::Previous),
            "start" => Some(WrittenTarget::Fixed(RollbackTarget::Start)),
            id => {
                if let Some(&p) = ids.get(id) {
                    return Some(WrittenTarget::Fixed(RollbackTarget::Phase(p)));
                }
                let candidates = ids.keys().copied().chain(["previous", "start"]);
                self.report(
                    NameProblem::UndefinedPhase {
                        id: id.to_owned(),
                        suggestion: suggest(id, candidates).map(str::to_owned),
                    }
                    .at(name.span),
                );
                None
            }
        }
    }
}

/// Where `previous` rolls back to from the phase at `index`: the phase before, or the start.
pub(super) fn previous_target(index: usize) -> RollbackTarget {
    match index.checked_sub(1) {
        Some(p) => RollbackTarget::Phase(PhaseId(p)),
        None => RollbackTarget::Start,
    }
}
