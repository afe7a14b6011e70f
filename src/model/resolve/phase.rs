//! Phases, in order: each one's statements resolved by the modules of its concerns (`set` in
//! `assignment.rs`, gates in `gate.rs`, durations, policies), and its states from the phase
//! before (`variants.rs`).

use super::policy::{PhaseIds, PlanPolicy, previous_target};
use super::unique::Seen;
use super::{Resolver, text_item};
use crate::diagnostic::Problem;
use crate::diagnostic::problem::{NameKind, Statement, TimeProblem};
use crate::model::plan::{FailurePolicy, Phase, PhaseId, Variant};
use crate::model::time::PhaseDuration;
use crate::model::value::FlagState;
use crate::syntax::ast::{self, Item};

impl Resolver<'_> {
    pub(super) fn phases(&mut self, file: &ast::File<'_>, initial: &FlagState) -> Vec<Phase> {
        let phase_decls: Vec<&ast::Phase<'_>> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Phase(p) => Some(p),
                _ => None,
            })
            .collect();
        let mut seen = Seen::default();
        let mut ids = PhaseIds::new();
        for (i, p) in phase_decls.iter().enumerate() {
            if self.check_unique(NameKind::Phase, p.id, &mut seen) {
                ids.insert(p.id.node, PhaseId(i));
            }
        }

        let plan = self.plan_policy(file, &ids);

        let mut phases: Vec<Phase> = Vec::with_capacity(phase_decls.len());
        let mut previous: Vec<Variant> = vec![Variant {
            state: initial.clone(),
            skipped: Vec::new(),
            from: Vec::new(),
        }];
        let mut previous_planned = initial.clone();
        for (index, decl) in phase_decls.iter().enumerate() {
            let ctx = PhaseContext {
                index,
                ids: &ids,
                plan: &plan,
            };
            let phase = self.phase(decl, &ctx, &previous_planned, &previous);
            previous_planned = phase.planned.clone();
            previous.clone_from(&phase.variants);
            phases.push(phase);
        }
        phases
    }

    fn phase(
        &mut self,
        decl: &ast::Phase<'_>,
        ctx: &PhaseContext<'_, '_>,
        previous_planned: &FlagState,
        previous: &[Variant],
    ) -> Phase {
        let mut duration = None;
        let mut on_fail = None;
        let mut inconclusive = None;
        // Sized exactly: a plan keeps every phase's assignments, and growing by doubling would
        // leave a third of each vector unused.
        let sets = decl
            .statements
            .iter()
            .filter(|s| matches!(s, ast::PhaseStmt::Set(_)))
            .count();
        let mut assignments = Vec::with_capacity(sets);
        let mut set_flags = Seen::default();
        let mut gates = Vec::new();
        let mut gate_ids = Seen::default();
        let mut phase = Phase {
            id: decl.id.node.to_owned(),
            title: decl.title.node.to_string(),
            span: decl.id.span,
            duration: PhaseDuration::Indefinite,
            duration_span: decl.id.span,
            assignments: Vec::new(),
            activities: Vec::new(),
            gates: Vec::new(),
            on_fail: FailurePolicy::Rollback {
                to: previous_target(ctx.index),
            },
            on_fail_span: None,
            on_fail_inherited: false,
            checks: Vec::new(),
            notify_before: Vec::new(),
            notify_after: Vec::new(),
            planned: previous_planned.clone(),
            variants: Vec::new(),
        };
        self.on_fail_after_gates(decl);
        let once = Statement::Phase;
        for stmt in &decl.statements {
            match stmt {
                ast::PhaseStmt::Duration(d) => {
                    self.once(once("duration"), d.span, &mut duration, d);
                }
                ast::PhaseStmt::OnFail(f) => self.once(once("on_fail"), f.span, &mut on_fail, f),
                ast::PhaseStmt::OnInconclusive(a) => {
                    self.once(once("on_inconclusive"), a.span, &mut inconclusive, a);
                }
                ast::PhaseStmt::Activity(t) => phase.activities.push(text_item(t)),
                ast::PhaseStmt::Check(t) => phase.checks.push(text_item(t)),
                ast::PhaseStmt::Notify(moment, t) => match moment.node {
                    ast::Moment::Before => phase.notify_before.push(text_item(t)),
                    ast::Moment::After => phase.notify_after.push(text_item(t)),
                },
                ast::PhaseStmt::Set(set) => {
                    if self.check_unique_set(set, &mut set_flags) {
                        if let Some(a) = self.assignment(set) {
                            assignments.push(a);
                        }
                    }
                }
                ast::PhaseStmt::Gate(g) => {
                    if self.check_unique_gate(g, &mut gate_ids) {
                        gates.push(g);
                    }
                }
            }
        }
        match duration {
            Some((d, span)) => {
                phase.duration_span = span;
                if let Some(d) = self.duration(&d.node) {
                    phase.duration = d;
                }
            }
            None => self.report(
                TimeProblem::MissingDuration {
                    phase: decl.id.node.to_owned(),
                    end: decl.end,
                }
                .at(decl.id.span),
            ),
        }
        let (policy, policy_span) = match on_fail {
            Some((f, span)) => (self.failure_policy(f, ctx.ids), Some(span)),
            None => match ctx.plan.on_fail {
                Some((policy, span)) => (policy, Some(span)),
                None => (None, None),
            },
        };
        if let Some(policy) = policy {
            phase.on_fail = policy.in_phase(ctx.index);
        }
        phase.on_fail_span = policy_span;
        phase.on_fail_inherited = on_fail.is_none() && ctx.plan.on_fail.is_some();
        let phase_inconclusive = inconclusive
            .and_then(|(a, _)| self.inconclusive(a))
            .unwrap_or(ctx.plan.inconclusive);
        phase.gates = gates
            .into_iter()
            .filter_map(|g| self.gate(g, phase_inconclusive))
            .collect();

        self.states(decl, &mut phase, &assignments, ctx.index, previous);
        phase.assignments = assignments;
        phase
    }
}

/// What resolving one phase needs from the plan around it.
struct PhaseContext<'a, 'b> {
    index: usize,
    ids: &'a PhaseIds<'b>,
    plan: &'a PlanPolicy,
}
