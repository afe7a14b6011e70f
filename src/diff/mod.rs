//! Semantic diff of two resolved plans: what a change to a `.roll` file does, not how its text
//! moved. Owns the comparison ([`diff`]), the change and risk vocabulary ([`Change`],
//! [`ChangeKind`], [`Risk`]) and the three renderings ([`human`], [`markdown`], [`json`]).
//!
//! Both plans are compared through their resolved models: phases are matched by id, then by
//! content, then by title; each phase's *effective* flag values are compared, so a change in an
//! early phase shows on every later phase it reaches; dates come from
//! [`crate::simulate::planned`]. Only what changed is reported. Matching uses hash maps keyed by
//! id and content, so the diff is linear in the size of the plans. It reads the models and never
//! changes them.

mod compare;
mod flags;
mod gates;
pub mod human;
mod invariant;
pub mod json;
mod lists;
pub mod markdown;
mod matching;
mod plan_level;
mod risk;
mod scope;
mod shares;
mod side;
mod text;

pub use risk::Risk;
pub use side::{CheckStatus, Side};

use crate::model::{Date, Moment};

/// Where a change is: the plan as a whole, or one phase (by its id in the new plan, or in the
/// old plan for a removed phase).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Plan,
    Phase(String),
}

/// What kind of change; the names are stable (JSON and scripts match on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    CheckStatus,
    HeaderChanged,
    Completion,
    DeclarationAdded,
    DeclarationRemoved,
    DeclarationChanged,
    InvariantAdded,
    InvariantRemoved,
    InvariantChanged,
    InvariantRenamed,
    ItemAdded,
    ItemRemoved,
    PhaseAdded,
    PhaseRemoved,
    PhaseRenamed,
    PhaseMoved,
    PhaseTitle,
    Duration,
    StartShift,
    FlagValue,
    GateAdded,
    GateRemoved,
    GateTightened,
    GateLoosened,
    GateChanged,
    ManualGateChanged,
    GateOption,
    FailurePolicy,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::CheckStatus => "check_status",
            ChangeKind::HeaderChanged => "header_changed",
            ChangeKind::Completion => "completion",
            ChangeKind::DeclarationAdded => "declaration_added",
            ChangeKind::DeclarationRemoved => "declaration_removed",
            ChangeKind::DeclarationChanged => "declaration_changed",
            ChangeKind::InvariantAdded => "invariant_added",
            ChangeKind::InvariantRemoved => "invariant_removed",
            ChangeKind::InvariantChanged => "invariant_changed",
            ChangeKind::InvariantRenamed => "invariant_renamed",
            ChangeKind::ItemAdded => "item_added",
            ChangeKind::ItemRemoved => "item_removed",
            ChangeKind::PhaseAdded => "phase_added",
            ChangeKind::PhaseRemoved => "phase_removed",
            ChangeKind::PhaseRenamed => "phase_renamed",
            ChangeKind::PhaseMoved => "phase_moved",
            ChangeKind::PhaseTitle => "phase_title",
            ChangeKind::Duration => "duration",
            ChangeKind::StartShift => "start_shift",
            ChangeKind::FlagValue => "flag_value",
            ChangeKind::GateAdded => "gate_added",
            ChangeKind::GateRemoved => "gate_removed",
            ChangeKind::GateTightened => "gate_tightened",
            ChangeKind::GateLoosened => "gate_loosened",
            ChangeKind::GateChanged => "gate_changed",
            ChangeKind::ManualGateChanged => "manual_gate_changed",
            ChangeKind::GateOption => "gate_option",
            ChangeKind::FailurePolicy => "failure_policy",
        }
    }

    /// Whether the change adds (`+`), removes (`-`) or alters (`~`) something.
    pub fn sign(self) -> char {
        match self {
            ChangeKind::DeclarationAdded
            | ChangeKind::InvariantAdded
            | ChangeKind::ItemAdded
            | ChangeKind::PhaseAdded
            | ChangeKind::GateAdded => '+',
            ChangeKind::DeclarationRemoved
            | ChangeKind::InvariantRemoved
            | ChangeKind::ItemRemoved
            | ChangeKind::PhaseRemoved
            | ChangeKind::GateRemoved => '-',
            _ => '~',
        }
    }
}

/// One semantic change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub scope: Scope,
    pub kind: ChangeKind,
    /// What changed: ``flag `entity.enabled` ``, ``gate `error_rate` ``, `duration`, …
    pub subject: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Why or by how much: `inherited`, `4 days earlier`, `threshold raised`.
    pub note: Option<String>,
    pub risk: Option<Risk>,
}

/// What one side of the diff is, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideSummary {
    /// The file name or `REV:PATH` the plan was read from.
    pub label: String,
    pub plan: String,
    pub check: CheckStatus,
    /// The planned day the rollout reaches its last phase (or ends, if the last is finite).
    pub completion: Option<Moment>,
    /// Each phase's planned window `(id, start, end)`, for the Gantt chart.
    pub windows: Vec<(String, Moment, Option<Moment>)>,
}

/// The semantic difference between two plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDiff {
    pub old: SideSummary,
    pub new: SideSummary,
    /// Plan-wide changes first, then phases in plan order (a removed phase where it stood).
    pub changes: Vec<Change>,
    /// Whether neither plan states a start date, so dates count from an arbitrary day.
    pub undated: bool,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn risks(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.risk.is_some())
    }

    pub fn is_risky(&self) -> bool {
        self.risks().next().is_some()
    }

    /// The changes grouped by scope, in order: `(scope, changes)`.
    pub fn groups(&self) -> Vec<(&Scope, &[Change])> {
        let mut out: Vec<(&Scope, &[Change])> = Vec::new();
        let mut start = 0;
        for i in 1..=self.changes.len() {
            if i == self.changes.len() || self.changes[i].scope != self.changes[start].scope {
                out.push((&self.changes[start].scope, &self.changes[start..i]));
                start = i;
            }
        }
        out
    }

    /// Days the completion moves (negative: earlier).
    pub fn completion_shift(&self) -> Option<i64> {
        self.completion_shift_minutes()
            .map(|m| m.div_euclid(crate::model::DAY_MINUTES))
    }

    /// Minutes the completion moves (negative: earlier).
    pub fn completion_shift_minutes(&self) -> Option<i64> {
        match (self.old.completion, self.new.completion) {
            (Some(a), Some(b)) => Some(b.minutes_since(a)),
            _ => None,
        }
    }
}

/// The day dates count from when neither plan states a start.
const UNDATED_START: Date = Date::constant(2000, 1, 3);

/// [`UNDATED_START`] at 00:00.
fn undated_start() -> Moment {
    Moment::midnight(UNDATED_START)
}

/// Compares two compiled plans.
pub fn diff(old: &Side, new: &Side) -> PlanDiff {
    let start_old = old.plan.start.or(new.plan.start);
    let start_new = new.plan.start.or(old.plan.start);
    let undated = start_old.is_none();
    let timeline_old = crate::simulate::planned(
        &old.plan,
        start_old.unwrap_or_else(undated_start),
        crate::simulate::Calendar::Calendar,
    );
    let timeline_new = crate::simulate::planned(
        &new.plan,
        start_new.unwrap_or_else(undated_start),
        crate::simulate::Calendar::Calendar,
    );
    let matching = matching::match_phases(&old.plan, &new.plan);

    let mut changes = Vec::new();
    if old.check != new.check {
        changes.push(Change {
            scope: Scope::Plan,
            kind: ChangeKind::CheckStatus,
            subject: "check".to_owned(),
            old: Some(old.check.describe()),
            new: Some(new.check.describe()),
            note: None,
            risk: (!new.check.passes()).then_some(Risk::FailsCheck),
        });
    }
    let summary_old = side_summary(old, &timeline_old);
    let summary_new = side_summary(new, &timeline_new);
    if summary_old.completion != summary_new.completion {
        let shift = summary_old
            .completion
            .zip(summary_new.completion)
            .map(|(a, b)| text::shift(b.minutes_since(a)));
        changes.push(Change {
            scope: Scope::Plan,
            kind: ChangeKind::Completion,
            subject: "completion".to_owned(),
            old: summary_old.completion.map(|d| d.to_string()),
            new: summary_new.completion.map(|d| d.to_string()),
            note: shift,
            risk: None,
        });
    }
    plan_level::compare(&old.plan, &new.plan, &mut changes);
    compare::phases(
        &compare::Sides {
            old: &old.plan,
            new: &new.plan,
            timeline_old: &timeline_old,
            timeline_new: &timeline_new,
        },
        &matching,
        &mut changes,
    );
    PlanDiff {
        old: summary_old,
        new: summary_new,
        changes,
        undated,
    }
}

fn side_summary(side: &Side, timeline: &crate::simulate::Timeline) -> SideSummary {
    let completion = timeline
        .phases
        .last()
        .map(|w| w.end.unwrap_or(w.start))
        .or(Some(timeline.start));
    SideSummary {
        label: side.label.clone(),
        plan: side.plan.name.clone(),
        check: side.check.clone(),
        completion,
        windows: timeline
            .phases
            .iter()
            .map(|w| (side.plan.phase(w.phase).id.clone(), w.start, w.end))
            .collect(),
    }
}
