//! Resolution of phases: durations, `set` statements (scoped and optional values), failure
//! policies, and each phase's effective flag states, inherited from the phase before. Gates are
//! resolved in `gate.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Resolver, text_item};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model::plan::FlagId;
use crate::model::plan::{
    Assignment, FailurePolicy, InconclusiveAction, Phase, PhaseId, RollbackTarget, Variant,
};
use crate::model::time::{Minutes, PhaseDuration};
use crate::model::value::{Condition, ConditionTest, FlagState, ScopedRule, Setting};
use crate::source::Span;
use crate::syntax::ast::{self, Item};

/// Optional values in one phase, at most: each doubles the phase's variants.
const MAX_OPTIONAL_PER_PHASE: usize = 6;
/// Variants of one phase, at most, counting those inherited from earlier optional values.
const MAX_VARIANTS: usize = 64;

impl Resolver<'_> {
    pub(super) fn phases(&mut self, file: &ast::File<'_>, initial: &FlagState) -> Vec<Phase> {
        let phase_decls: Vec<&ast::Phase<'_>> = file
            .items
            .iter()
            .filter_map(|i| {
                if let Item::Phase(p) = i {
                    Some(p)
                } else {
                    None
                }
            })
            .collect();
        let mut seen = HashMap::new();
        let mut ids: HashMap<&str, PhaseId> = HashMap::new();
        for (i, p) in phase_decls.iter().enumerate() {
            if self.check_unique("phase", p.id, &mut seen) {
                ids.insert(p.id.node, PhaseId(i));
            }
        }

        let mut plan_on_fail = None;
        let mut plan_inconclusive = None;
        for item in &file.items {
            match item {
                Item::OnFail(f) => self.once("plan-level `on_fail`", f.span, &mut plan_on_fail, f),
                Item::OnInconclusive(a) => {
                    self.once(
                        "plan-level `on_inconclusive`",
                        a.span,
                        &mut plan_inconclusive,
                        a,
                    );
                }
                _ => {}
            }
        }
        let plan_inconclusive = plan_inconclusive.map_or(InconclusiveAction::Fail, |(a, _)| {
            self.inconclusive(a).unwrap_or(InconclusiveAction::Fail)
        });

        let mut phases: Vec<Phase> = Vec::with_capacity(phase_decls.len());
        let mut previous: Vec<Variant> = vec![Variant {
            state: initial.clone(),
            skipped: Vec::new(),
        }];
        let mut previous_planned = initial.clone();
        for (index, decl) in phase_decls.iter().enumerate() {
            let ctx = PhaseContext {
                index,
                ids: &ids,
                plan_on_fail,
                plan_inconclusive,
            };
            let phase = self.phase(decl, &ctx, &previous_planned, &previous);
            previous_planned = phase.planned.clone();
            previous.clone_from(&phase.variants);
            phases.push(phase);
        }
        phases
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
        let mut set_flags = HashMap::new();
        let mut gates = Vec::new();
        let mut gate_ids = HashMap::new();
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
        for stmt in &decl.statements {
            match stmt {
                ast::PhaseStmt::Duration(d) => self.once("`duration`", d.span, &mut duration, d),
                ast::PhaseStmt::OnFail(f) => self.once("`on_fail`", f.span, &mut on_fail, f),
                ast::PhaseStmt::OnInconclusive(a) => {
                    self.once("`on_inconclusive`", a.span, &mut inconclusive, a);
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
                Diagnostic::new(
                    Code::MissingDuration,
                    format!("phase `{}` has no `duration`", decl.id.node),
                    decl.id.span,
                    "this phase",
                )
                .related(decl.end, "add it before this brace")
                .help("say how long the phase runs: `duration 1w`, `duration 1w..2w` or, for the last phase, `duration indefinite`"),
            ),
        }
        let (policy, policy_span) = match (on_fail, ctx.plan_on_fail) {
            (Some((f, span)), _) | (None, Some((f, span))) => {
                (self.failure_policy(f, ctx), Some(span))
            }
            (None, None) => (None, None),
        };
        if let Some(policy) = policy {
            phase.on_fail = policy;
        }
        phase.on_fail_span = policy_span;
        phase.on_fail_inherited = on_fail.is_none() && ctx.plan_on_fail.is_some();
        let phase_inconclusive = inconclusive
            .and_then(|(a, _)| self.inconclusive(a))
            .unwrap_or(ctx.plan_inconclusive);
        phase.gates = gates
            .into_iter()
            .filter_map(|g| self.gate(g, phase_inconclusive))
            .collect();

        self.states(decl, &mut phase, &assignments, ctx.index, previous);
        phase.assignments = assignments;
        phase
    }

    /// A phase's planned state and variants, from its assignments and the variants of the
    /// phase before.
    fn states(
        &mut self,
        decl: &ast::Phase<'_>,
        phase: &mut Phase,
        assignments: &[Assignment],
        index: usize,
        previous: &[Variant],
    ) {
        // One shared copy of each setting for the planned state and every variant.
        let shared: Vec<Arc<Setting>> = assignments
            .iter()
            .map(|a| Arc::new(a.setting.clone()))
            .collect();
        for (a, setting) in assignments.iter().zip(&shared) {
            phase.planned.set_shared(a.flag, Arc::clone(setting));
        }
        phase.variants = self.variants(decl, assignments, &shared, index, previous);
        // `variants[0]` is usually the planned state: keep one copy of it.
        if let Some(first) = phase.variants.first_mut()
            && first.state == phase.planned
        {
            first.state = phase.planned.clone();
        }
    }

    fn check_unique_set<'a>(
        &mut self,
        set: &ast::SetStmt<'a>,
        seen: &mut HashMap<&'a str, Span>,
    ) -> bool {
        if let Some(&first) = seen.get(set.flag.node) {
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
        seen.insert(set.flag.node, set.span);
        true
    }

    fn assignment(&mut self, set: &ast::SetStmt<'_>) -> Option<Assignment> {
        let flag = self.flag(set.flag)?;
        let (ty, declared) = (self.flags[flag.0].ty.clone(), self.flags[flag.0].span);
        let what = format!("flag `{}`", set.flag.node);
        let setting = match &set.value {
            ast::SetValue::Plain(v) => Setting::Fixed(self.literal(v, &ty, &what, declared)?),
            ast::SetValue::Scoped { rules, default } => {
                let mut resolved = Vec::with_capacity(rules.len());
                let mut ok = true;
                for rule in rules {
                    let value = self.literal(&rule.value, &ty, &what, declared);
                    let condition = rule.condition.as_ref().map(|c| self.condition(c));
                    let rollout = rule.share.as_ref().map(|s| self.rollout(s, flag));
                    // `Some(None)`: written, and reported as wrong.
                    match (value, condition, rollout) {
                        (
                            Some(value),
                            condition @ (None | Some(Some(_))),
                            rollout @ (None | Some(Some(_))),
                        ) => {
                            resolved.push(ScopedRule {
                                condition: condition.flatten(),
                                value,
                                rollout: rollout.flatten(),
                            });
                        }
                        _ => ok = false,
                    }
                }
                // Without `else`, the units no rule gives a value keep the flag's declared
                // value, as a flag system's fallthrough gives them its default.
                let default = match default {
                    Some(default) => self.literal(default, &ty, &what, declared)?,
                    None => self.flags[flag.0].initial.clone(),
                };
                if !ok {
                    return None;
                }
                Setting::Scoped {
                    rules: resolved,
                    default,
                }
            }
        };
        Some(Assignment {
            flag,
            setting,
            optional: set
                .optional
                .as_ref()
                .map(|o| o.node.as_ref().map(|t| t.node.to_string())),
            span: set.span,
        })
    }

    /// Resolves a `when` condition, reporting every test that does not resolve.
    fn condition(&mut self, condition: &ast::Condition<'_>) -> Option<Condition> {
        Some(match &condition.node {
            ast::ConditionKind::Paren(inner) => self.condition(inner)?,
            ast::ConditionKind::Not(inner) => Condition::Not(Box::new(self.condition(inner)?)),
            ast::ConditionKind::And(parts) | ast::ConditionKind::Or(parts) => {
                let resolved: Vec<Option<Condition>> =
                    parts.iter().map(|p| self.condition(p)).collect();
                let resolved: Vec<Condition> = resolved.into_iter().collect::<Option<_>>()?;
                if matches!(condition.node, ast::ConditionKind::And(_)) {
                    Condition::All(resolved)
                } else {
                    Condition::Any(resolved)
                }
            }
            ast::ConditionKind::Test { attribute, test } => {
                self.condition_test(*attribute, test)?
            }
        })
    }

    fn condition_test(
        &mut self,
        name: ast::Name<'_>,
        test: &ast::ConditionTest<'_>,
    ) -> Option<Condition> {
        let attribute = self.attribute(name)?;
        let (ty, declared) = (
            self.attributes[attribute.0].ty.clone(),
            self.attributes[attribute.0].span,
        );
        let what = format!("attribute `{}`", name.node);
        let test = match test {
            ast::ConditionTest::Compare { op, value } => {
                // An operator that does not fit the type makes any value a cascade.
                if !self.orders(*op, &ty, &what, declared) {
                    return None;
                }
                ConditionTest::Compare {
                    op: op.node,
                    value: self.literal(value, &ty, &what, declared)?,
                }
            }
            ast::ConditionTest::In(values) => {
                let values: Vec<_> = values
                    .iter()
                    .map(|v| self.literal(v, &ty, &what, declared))
                    .collect();
                ConditionTest::In(values.into_iter().collect::<Option<_>>()?)
            }
        };
        Some(Condition::Test { attribute, test })
    }

    /// A duration of a phase, an extension or a wait: at least a minute, at most 1000 years.
    fn length(&mut self, raw: ast::Raw<'_>) -> Option<Minutes> {
        let (message, label, help) = match Minutes::parse(raw.node) {
            Some(Minutes(0)) => (
                format!("duration `{}` is zero", raw.node),
                "zero length",
                "give a length of at least a minute, like `30m`, `12h`, `3d` or `2w`",
            ),
            None => (
                format!("duration `{}` is longer than 1000 years", raw.node),
                "too long",
                "give a length of at most 1000 years; a last phase with no end takes `duration indefinite`",
            ),
            some => return some,
        };
        self.report(Diagnostic::new(Code::InvalidDuration, message, raw.span, label).help(help));
        None
    }

    fn duration(&mut self, spec: &ast::DurationSpec<'_>) -> Option<PhaseDuration> {
        Some(match spec {
            ast::DurationSpec::Indefinite => PhaseDuration::Indefinite,
            ast::DurationSpec::Fixed(raw) => PhaseDuration::Fixed(self.length(*raw)?),
            ast::DurationSpec::Range {
                min: min_raw,
                max: max_raw,
                likely: likely_raw,
            } => {
                let min = self.length(*min_raw);
                let max = self.length(*max_raw);
                let likely = likely_raw.map(|l| self.length(l));
                let (min, max) = (min?, max?);
                let likely = match likely {
                    Some(l) => Some(l?),
                    None => None,
                };
                let in_order = min <= max && likely.is_none_or(|l| min <= l && l <= max);
                if !in_order {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidDuration,
                            format!("the duration range `{min}..{max}` is out of order"),
                            min_raw.span.to(likely_raw.map_or(max_raw.span, |l| l.span)),
                            "bounds out of order",
                        )
                        .help("write the shortest length first, and a `likely` length between the two"),
                    );
                    return None;
                }
                PhaseDuration::Range { min, max, likely }
            }
        })
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

    fn failure_policy(
        &mut self,
        on_fail: &ast::OnFail<'_>,
        ctx: &PhaseContext<'_, '_>,
    ) -> Option<FailurePolicy> {
        Some(match &on_fail.action {
            ast::FailAction::Rollback(target) => FailurePolicy::Rollback {
                to: self.target(*target, ctx)?,
            },
            ast::FailAction::Extend { by, limit: None } => FailurePolicy::Extend {
                by: self.length(*by)?,
            },
            ast::FailAction::Extend {
                by,
                limit: Some((max, target)),
            } => {
                let by = self.length(*by);
                let to = self.target(*target, ctx);
                let max = if let Ok(n @ 1..=1000) = max.node.parse::<u32>() {
                    Some(n)
                } else {
                    self.report(
                            Diagnostic::new(
                                Code::InvalidNumber,
                                format!("`max {}` extensions is out of range", max.node),
                                max.span,
                                "expected 1 to 1000",
                            )
                            .help("allow between 1 and 1000 extensions, or write `on_fail rollback previous` to roll back at once"),
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

    fn target(
        &mut self,
        name: ast::Name<'_>,
        ctx: &PhaseContext<'_, '_>,
    ) -> Option<RollbackTarget> {
        match name.node {
            "previous" => Some(previous_target(ctx.index)),
            "start" => Some(RollbackTarget::Start),
            id => {
                if let Some(&p) = ctx.ids.get(id) {
                    return Some(RollbackTarget::Phase(p));
                }
                let candidates = ctx.ids.keys().copied().chain(["previous", "start"]);
                let help = did_you_mean(id, candidates, || {
                    "roll back to `previous`, `start`, or the id of an earlier phase".to_owned()
                });
                self.report(
                    Diagnostic::new(
                        Code::UndefinedPhase,
                        format!("rollback target `{id}` is not a phase"),
                        name.span,
                        "no phase has this id",
                    )
                    .help(help),
                );
                None
            }
        }
    }

    fn variants(
        &mut self,
        decl: &ast::Phase<'_>,
        assignments: &[crate::model::Assignment],
        shared: &[Arc<Setting>],
        index: usize,
        previous: &[Variant],
    ) -> Vec<Variant> {
        let optional: Vec<usize> = (0..assignments.len())
            .filter(|&i| assignments[i].optional.is_some())
            .collect();
        if optional.len() > MAX_OPTIONAL_PER_PHASE {
            let span = assignments[optional[MAX_OPTIONAL_PER_PHASE]].span;
            self.report(
                Diagnostic::new(
                    Code::InvalidNumber,
                    format!("phase `{}` has {} optional values; at most {MAX_OPTIONAL_PER_PHASE} are checked", decl.id.node, optional.len()),
                    span,
                    "one optional value too many",
                )
                .help("split the phase in two, or make some of the values definite"),
            );
            return vec![Variant {
                state: previous[0].state.clone(),
                skipped: Vec::new(),
            }];
        }
        let set_here: Vec<_> = assignments.iter().map(|a| a.flag).collect();
        let mut out: Vec<Variant> = Vec::new();
        for prev in previous {
            let mut base = prev.state.clone();
            for (a, setting) in assignments.iter().zip(shared) {
                if a.optional.is_none() {
                    base.set_shared(a.flag, Arc::clone(setting));
                }
            }
            // An earlier skipped value stops mattering once this phase sets the flag again.
            let inherited: Vec<(PhaseId, FlagId)> = prev
                .skipped
                .iter()
                .copied()
                .filter(|(_, f)| !set_here.contains(f))
                .collect();
            // All-applied first, so variants[0] is the planned state.
            let full = (1usize << optional.len()) - 1;
            for mask in (0..=full).rev() {
                let mut state = base.clone();
                let mut skipped = inherited.clone();
                for (bit, &i) in optional.iter().enumerate() {
                    if mask & (1 << bit) != 0 {
                        state.set_shared(assignments[i].flag, Arc::clone(&shared[i]));
                    } else {
                        skipped.push((PhaseId(index), assignments[i].flag));
                    }
                }
                if !out.iter().any(|v| v.state == state) {
                    out.push(Variant { state, skipped });
                }
                if out.len() > MAX_VARIANTS {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidNumber,
                            format!("phase `{}` can be in more than {MAX_VARIANTS} configurations because of optional values", decl.id.node),
                            decl.id.span,
                            "too many combinations",
                        )
                        .help("make some optional values definite, or set them again in a later phase"),
                    );
                    out.truncate(MAX_VARIANTS);
                    return out;
                }
            }
        }
        out
    }
}

fn previous_target(index: usize) -> RollbackTarget {
    match index.checked_sub(1) {
        Some(p) => RollbackTarget::Phase(PhaseId(p)),
        None => RollbackTarget::Start,
    }
}

struct PhaseContext<'a, 'b> {
    index: usize,
    ids: &'a HashMap<&'b str, PhaseId>,
    plan_on_fail: Option<(&'a ast::OnFail<'b>, Span)>,
    plan_inconclusive: InconclusiveAction,
}
