//! The resolved plan: every name bound to a declaration, every value checked against its type,
//! every phase's effective flag state computed. Nothing downstream (analysis, simulate, emit,
//! diff) sees an unchecked plan: [`Plan`] can only be built by [`super::resolve`].

use std::sync::Arc;

use super::formula::Formula;
use super::time::{Date, Minutes, Moment, PhaseDuration};
use super::value::{Bucketing, FlagState, FlagType, Setting, Value};
use crate::source::Span;
use crate::syntax::ast::{CmpOp, Unit};

/// Index into [`Plan::flags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlagId(pub usize);
/// Index into [`Plan::attributes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributeId(pub usize);
/// Index into [`Plan::cohorts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CohortId(pub usize);
/// Index into [`Plan::metrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricId(pub usize);
/// Index into [`Plan::phases`]: the position of the phase in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhaseId(pub usize);

/// A string the plan states, with where it states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextItem {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub description: Option<String>,
    /// The planned start; `simulate --start` overrides it.
    pub start: Option<Moment>,
    pub header_span: Span,
    pub attributes: Vec<Attribute>,
    pub cohorts: Vec<Cohort>,
    pub flags: Vec<Flag>,
    pub metrics: Vec<Metric>,
    pub invariants: Vec<Invariant>,
    /// In plan order; never empty.
    pub phases: Vec<Phase>,
    /// The flags' values before the rollout: each flag's declared value.
    pub initial: FlagState,
    pub freezes: Vec<Freeze>,
    pub holidays: Vec<Holiday>,
    pub rollback_steps: Vec<TextItem>,
    /// Checks run in every phase (a phase may add its own).
    pub validation: Vec<TextItem>,
    pub contingency: Vec<TextItem>,
    /// Communication items before and after every phase (a phase may add its own).
    pub notify_before: Vec<TextItem>,
    pub notify_after: Vec<TextItem>,
    pub monitors: Vec<Monitor>,
    /// The plan-level `on_fail` as written after the keyword (whitespace collapsed), which
    /// phases without their own inherit; `diff` reports a change to it once, not per phase.
    pub on_fail_text: Option<String>,
}

impl Plan {
    pub fn flag_named(&self, name: &str) -> Option<FlagId> {
        self.flags.iter().position(|f| f.name == name).map(FlagId)
    }

    pub fn phase_named(&self, id: &str) -> Option<PhaseId> {
        self.phases.iter().position(|p| p.id == id).map(PhaseId)
    }

    pub fn metric_named(&self, name: &str) -> Option<MetricId> {
        self.metrics
            .iter()
            .position(|m| m.name == name)
            .map(MetricId)
    }

    pub fn flag(&self, id: FlagId) -> &Flag {
        &self.flags[id.0]
    }

    pub fn phase(&self, id: PhaseId) -> &Phase {
        &self.phases[id.0]
    }

    pub fn metric(&self, id: MetricId) -> &Metric {
        &self.metrics[id.0]
    }

    pub fn attribute(&self, id: AttributeId) -> &Attribute {
        &self.attributes[id.0]
    }

    pub fn cohort(&self, id: CohortId) -> &Cohort {
        &self.cohorts[id.0]
    }

    /// `of early` or `by user.id`, as a plan writes the bucketing.
    pub fn describe_bucketing(&self, bucketing: Bucketing) -> String {
        match bucketing {
            Bucketing::Cohort(c) => format!("of {}", self.cohort(c).name),
            Bucketing::Flag { attribute, .. } => format!("by {}", self.attribute(attribute).name),
        }
    }

    /// The attribute whose value identifies a unit of a bucketing.
    pub fn bucketing_attribute(&self, bucketing: Bucketing) -> AttributeId {
        match bucketing {
            Bucketing::Cohort(c) => self.cohort(c).attribute,
            Bucketing::Flag { attribute, .. } => attribute,
        }
    }

    /// The flag state a rollback target stands for.
    pub fn target_state(&self, target: RollbackTarget) -> &FlagState {
        match target {
            RollbackTarget::Start => &self.initial,
            RollbackTarget::Phase(p) => &self.phase(p).planned,
        }
    }

    pub fn target_name(&self, target: RollbackTarget) -> &str {
        match target {
            RollbackTarget::Start => "start",
            RollbackTarget::Phase(p) => &self.phase(p).id,
        }
    }
}

/// A context attribute that scoped values test (`attribute http.method: string`).
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: FlagType,
    pub description: Option<String>,
    pub span: Span,
}

/// `cohort early by user.id`: units bucketed together. Every flag rolled out `of` a cohort
/// shares its buckets, so a unit inside a smaller share of it is inside every larger one.
#[derive(Debug, Clone)]
pub struct Cohort {
    pub name: String,
    /// The attribute whose value identifies a unit: the bucketing hashes it.
    pub attribute: AttributeId,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Flag {
    /// The full dotted key: `entity.dual_write_enabled`.
    pub name: String,
    pub ty: FlagType,
    /// The value before the rollout.
    pub initial: Value,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Metric {
    pub name: String,
    pub unit: Unit,
    /// `query "…"`: the `PromQL` expression that reads the metric, in its unit.
    pub query: Option<TextItem>,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Invariant {
    pub name: String,
    pub formula: Formula,
    /// The flags the formula reads, sorted.
    pub flags: Vec<FlagId>,
    pub description: Option<String>,
    /// The invariant's name in its declaration.
    pub span: Span,
    /// The formula.
    pub formula_span: Span,
}

#[derive(Debug, Clone)]
pub struct Freeze {
    /// First frozen day.
    pub from: Date,
    /// Last frozen day (inclusive).
    pub to: Date,
    pub reason: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Holiday {
    pub date: Date,
    pub name: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Monitor {
    pub title: String,
    pub metrics: Vec<MetricId>,
    pub items: Vec<TextItem>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub id: String,
    pub title: String,
    /// The phase's id where it is declared.
    pub span: Span,
    pub duration: PhaseDuration,
    pub duration_span: Span,
    /// The `set` statements, in order.
    pub assignments: Vec<Assignment>,
    pub activities: Vec<TextItem>,
    pub gates: Vec<Gate>,
    /// The phase's own `on_fail`, or the plan's.
    pub on_fail: FailurePolicy,
    pub on_fail_span: Option<Span>,
    /// `on_fail` is the plan's, not the phase's own.
    pub on_fail_inherited: bool,
    /// Checks for this phase only, on top of [`Plan::validation`].
    pub checks: Vec<TextItem>,
    pub notify_before: Vec<TextItem>,
    pub notify_after: Vec<TextItem>,
    /// The effective configuration with every optional value applied: what the plan intends.
    pub planned: FlagState,
    /// Every configuration the phase can be in: `variants[0]` is `planned`; the others leave out
    /// optional values (of this phase or of earlier ones that later phases did not override).
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub state: FlagState,
    /// The optional values left out, as (phase, flag), where no later phase set the flag again.
    pub skipped: Vec<(PhaseId, FlagId)>,
    /// The variants of the phase before (for the first phase, `0`: the start state) that this
    /// phase turns into this one, ascending. The resolver enumerates each phase's combinations
    /// once, here; the state graph's advance edges are these.
    pub from: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub flag: FlagId,
    /// Shared with the flag states of this phase and later ones, which hold the same value.
    pub setting: Arc<Setting>,
    /// `Some` for `optional`: the phase may leave the flag as it was. The inner text is the reason.
    pub optional: Option<Option<String>>,
    /// The whole `set` statement.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Gate {
    /// The gate's name; a metric gate's name is its metric's.
    pub id: String,
    pub span: Span,
    pub criterion: Criterion,
    /// `over D`: the window a metric gate is judged on; `None` judges the instant value.
    pub window: Option<GateWindow>,
    pub text: Option<String>,
    /// The chance the gate passes at one evaluation, for the forecast (1.0 unless stated).
    pub pass_probability: f64,
    /// What an inconclusive evaluation does: the gate's own rule, else the phase's, else the plan's.
    pub on_inconclusive: InconclusiveAction,
}

/// A metric gate's window with where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateWindow {
    pub length: Minutes,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Criterion {
    /// Verified by a person: the gate's text says what.
    Manual,
    Metric {
        metric: MetricId,
        op: CmpOp,
        threshold: Quantity,
    },
}

/// A threshold: a number in its metric's unit (`0.1%` is `value: 0.1, unit: Percent`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub unit: Unit,
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.unit {
            Unit::Percent => write!(f, "{}%", self.value),
            Unit::Ms => write!(f, "{}ms", self.value),
            Unit::Count | Unit::Ratio => write!(f, "{}", self.value),
        }
    }
}

impl CmpOp {
    /// Whether `observed op threshold` holds.
    pub fn holds(self, observed: f64, threshold: f64) -> bool {
        match self {
            CmpOp::Lt => observed < threshold,
            CmpOp::Le => observed <= threshold,
            CmpOp::Gt => observed > threshold,
            CmpOp::Ge => observed >= threshold,
            CmpOp::Eq => (observed - threshold).abs() <= f64::EPSILON * threshold.abs().max(1.0),
            CmpOp::Ne => (observed - threshold).abs() > f64::EPSILON * threshold.abs().max(1.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RollbackTarget {
    /// The state before the rollout.
    Start,
    Phase(PhaseId),
}

/// What a phase does when a gate fails. `Target` is where a rollback goes: a
/// [`RollbackTarget`] in a resolved plan; the resolver also uses it with a target still
/// relative to the phase (`previous`) for the plan-wide policy that every phase inherits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailurePolicy<Target = RollbackTarget> {
    /// `on_fail extend D`: extend as often as needed.
    Extend { by: Minutes },
    /// `on_fail extend D max N then rollback T`.
    ExtendThenRollback { by: Minutes, max: u32, to: Target },
    /// `on_fail rollback T`.
    Rollback { to: Target },
}

impl<Target> FailurePolicy<Target> {
    /// The same policy with its rollback target, if any, mapped.
    pub fn map_target<T>(self, f: impl FnOnce(Target) -> T) -> FailurePolicy<T> {
        match self {
            FailurePolicy::Extend { by } => FailurePolicy::Extend { by },
            FailurePolicy::ExtendThenRollback { by, max, to } => {
                FailurePolicy::ExtendThenRollback { by, max, to: f(to) }
            }
            FailurePolicy::Rollback { to } => FailurePolicy::Rollback { to: f(to) },
        }
    }
}

impl FailurePolicy {
    pub fn rollback_target(self) -> Option<RollbackTarget> {
        match self {
            FailurePolicy::Extend { .. } => None,
            FailurePolicy::ExtendThenRollback { to, .. } | FailurePolicy::Rollback { to } => {
                Some(to)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InconclusiveAction {
    /// Keep running for the duration and evaluate again, without using an extension.
    Wait(Minutes),
    /// Extend the phase by the `on_fail` extension; unlike a failure, it never rolls back.
    Extend,
    /// Count it as a failure.
    Fail,
}

impl Phase {
    /// The `set` statement of this phase for a flag, if it has one.
    pub fn assignment_of(&self, flag: FlagId) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.flag == flag)
    }
}
