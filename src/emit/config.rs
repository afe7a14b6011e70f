//! The configurations an emitter writes ([`Config`]: one per phase, one per phase's rollback)
//! and everything an emitter reads ([`Input`]): the compiled plan, its file name, the planned
//! timeline, and the safe flip orders the analysis proved. Targets only turn these into bytes.

use super::{EmitError, Target};
use crate::Compiled;
use crate::analysis::{EdgeKind, FlipPlan, Node};
use crate::model::{FlagId, FlagState, Moment, PhaseId, Plan, RollbackTarget, Setting};
use crate::simulate::{Calendar, Timeline, planned};
use crate::source::Span;

/// What a configuration file stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// The phase's planned configuration.
    Phase,
    /// The configuration a failed phase reverts to.
    Rollback(RollbackTarget),
}

/// A flag whose value a phase may leave as it was (an `optional` value, of this phase or of an
/// earlier one that no later phase set again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Optional {
    pub flag: FlagId,
    pub reason: Option<String>,
    /// The settings the flag has in the phase's other variants.
    pub otherwise: Vec<Setting>,
}

/// One flag configuration to write.
#[derive(Debug, Clone)]
pub struct Config<'a> {
    pub phase: PhaseId,
    pub kind: ConfigKind,
    pub state: &'a FlagState,
    /// Empty for rollback configurations.
    pub optional: Vec<Optional>,
}

impl Config<'_> {
    /// The id the configuration's document carries: the phase's, or for a rollback the id of
    /// the state it returns to (`start` or a phase).
    pub fn id<'p>(&self, plan: &'p Plan) -> &'p str {
        match self.kind {
            ConfigKind::Phase => &plan.phase(self.phase).id,
            ConfigKind::Rollback(t) => plan.target_name(t),
        }
    }

    pub fn title(&self, plan: &Plan) -> String {
        let phase = plan.phase(self.phase);
        match self.kind {
            ConfigKind::Phase => phase.title.clone(),
            ConfigKind::Rollback(t) => {
                format!("Rollback of `{}` to {}", phase.id, target_words(plan, t))
            }
        }
    }

    /// What the file holds, in words, for header comments.
    pub fn describe(&self, plan: &Plan) -> String {
        let phase = plan.phase(self.phase);
        match self.kind {
            ConfigKind::Phase => format!(
                "phase {} `{}` ({})",
                self.phase.0 + 1,
                phase.id,
                phase.title
            ),
            ConfigKind::Rollback(t) => format!(
                "rollback of phase {} `{}` to {}",
                self.phase.0 + 1,
                phase.id,
                target_words(plan, t)
            ),
        }
    }
}

impl Config<'_> {
    /// Where the configuration's setting of a flag comes from: the last `set` of the flag, up to
    /// the configuration's phase (for a rollback, the phase it returns to), that gave it this
    /// setting; the flag's declaration when no phase set it.
    pub fn origin(&self, plan: &Plan, flag: FlagId) -> Span {
        let last = match self.kind {
            ConfigKind::Phase => Some(self.phase),
            ConfigKind::Rollback(RollbackTarget::Phase(p)) => Some(p),
            ConfigKind::Rollback(RollbackTarget::Start) => None,
        };
        let setting = self.state.get(flag);
        last.and_then(|last| {
            plan.phases[..=last.0]
                .iter()
                .rev()
                .find_map(|p| p.assignment_of(flag).filter(|a| *a.setting == *setting))
                .map(|a| a.span)
        })
        .unwrap_or(plan.flag(flag).span)
    }
}

fn target_words(plan: &Plan, t: RollbackTarget) -> String {
    match t {
        RollbackTarget::Start => "the start (before the rollout)".to_owned(),
        RollbackTarget::Phase(p) => format!("phase `{}`", plan.phase(p).id),
    }
}

/// Everything an emitter reads: the compiled plan, the name of its file as given, and the
/// planned timeline.
pub struct Input<'a> {
    pub compiled: &'a Compiled,
    /// The plan file as the user named it; it goes into headers, so tests pass a stable name.
    pub source: String,
    /// `None` when neither the plan nor `--start` gives a start date: the configuration targets
    /// need none, and the dated ones (checklist, ics) refuse rather than date from "today",
    /// which would make the same plan give different bytes on different days.
    pub timeline: Option<Timeline>,
}

impl<'a> Input<'a> {
    /// `start` overrides the plan's own.
    pub fn new(compiled: &'a Compiled, source: String, start: Option<Moment>) -> Self {
        let timeline = start
            .or(compiled.plan.start)
            .map(|start| planned(&compiled.plan, start, Calendar::Calendar));
        Input {
            compiled,
            source,
            timeline,
        }
    }

    /// The planned timeline of a dated target. `document`, `files` and `stdout` check
    /// [`Input::dated`] before a dated target runs, so it is always there.
    pub(crate) fn timeline(&self) -> &Timeline {
        self.timeline
            .as_ref()
            .expect("dated targets run only after `Input::dated` succeeded")
    }

    /// The timeline, or the error that says how to give the plan a start date.
    pub(super) fn dated(&self, target: Target) -> Result<&Timeline, EmitError> {
        self.timeline.as_ref().ok_or_else(|| EmitError {
            problem: crate::diagnostic::problem::EmitProblem::NoStartDate {
                target: target.to_string(),
            },
            span: self.plan().header_span,
        })
    }

    pub fn plan(&self) -> &'a Plan {
        &self.compiled.plan
    }

    /// The phase's configuration.
    pub fn phase_config(&self, phase: PhaseId) -> Config<'a> {
        let p = self.plan().phase(phase);
        Config {
            phase,
            kind: ConfigKind::Phase,
            state: &p.planned,
            optional: optional_values(self.plan(), phase),
        }
    }

    /// The configuration the phase rolls back to, if its `on_fail` rolls back.
    pub fn rollback_config(&self, phase: PhaseId) -> Option<Config<'a>> {
        let target = self.plan().phase(phase).on_fail.rollback_target()?;
        Some(Config {
            phase,
            kind: ConfigKind::Rollback(target),
            state: self.plan().target_state(target),
            optional: Vec::new(),
        })
    }

    /// The safe order of flag flips from the planned state before `phase` (the start for the
    /// first) into it. `None` when no flag changes.
    pub fn advance_order(&self, phase: PhaseId) -> Option<&'a [FlagId]> {
        let graph = &self.compiled.analysis.graph;
        let from = if phase.0 == 0 {
            graph.start
        } else {
            graph.phase_nodes[phase.0 - 1][0]
        };
        let to = graph.phase_nodes[phase.0][0];
        self.order(EdgeKind::Advance, from, |n| n == to)
    }

    /// The safe order of flag flips rolling the phase's planned state back to its target.
    pub fn rollback_order(&self, phase: PhaseId) -> Option<&'a [FlagId]> {
        let target = self.plan().phase(phase).on_fail.rollback_target()?;
        let graph = &self.compiled.analysis.graph;
        let from = graph.phase_nodes[phase.0][0];
        let wanted = self.plan().target_state(target);
        self.order(EdgeKind::Rollback, from, |n| {
            let ok_node = match (graph.graph[n], target) {
                (Node::Start, RollbackTarget::Start) => true,
                (Node::Phase { phase: p, .. }, RollbackTarget::Phase(t)) => p == t,
                _ => false,
            };
            ok_node && graph.state(self.plan(), n) == wanted
        })
    }

    fn order(
        &self,
        kind: EdgeKind,
        from: petgraph::graph::NodeIndex,
        to: impl Fn(petgraph::graph::NodeIndex) -> bool,
    ) -> Option<&'a [FlagId]> {
        self.compiled
            .analysis
            .transitions
            .iter()
            .find(|t| t.kind == kind && t.from == from && to(t.to))
            .and_then(|t| match &t.plan {
                FlipPlan::Safe(order) => Some(order.as_slice()),
                FlipPlan::Blocked { .. } => None,
            })
    }
}

/// The flags whose setting differs between the phase's variants, with the reason given by the
/// `optional` that makes it so.
fn optional_values(plan: &Plan, phase: PhaseId) -> Vec<Optional> {
    let p = plan.phase(phase);
    let mut out: Vec<Optional> = Vec::new();
    for variant in p.variants.iter().skip(1) {
        for &(from_phase, flag) in &variant.skipped {
            let setting = variant.state.get(flag);
            let reason = plan
                .phase(from_phase)
                .assignment_of(flag)
                .and_then(|a| a.optional.clone())
                .flatten();
            match out.iter_mut().find(|o| o.flag == flag) {
                Some(o) => {
                    if !o.otherwise.contains(setting) {
                        o.otherwise.push(setting.clone());
                    }
                }
                None => out.push(Optional {
                    flag,
                    reason,
                    otherwise: vec![setting.clone()],
                }),
            }
        }
    }
    out.sort_by_key(|o| o.flag);
    out
}
