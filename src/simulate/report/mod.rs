//! Simulation results as people and machines read them: what every format shares (the words
//! for events, the flag changes of a rollback, dates) lives here; one file per format.

pub mod forecast;
pub mod gantt;
pub mod human;
pub mod json;
pub mod mermaid;
pub mod svg;

use std::fmt::Write as _;

use super::clock::Clock;
use super::engine::{Event, Extension, Verdict};
use super::exposure::{Exposure, exposed_flags, exposure, has_shares};
use super::whatif::{Outcome, PieceKind, Record, Run};
use crate::Compiled;
use crate::analysis::{EdgeKind, FlipPlan, Node};
use crate::model::{Criterion, DAY_MINUTES, FlagId, Minutes, Plan, RollbackTarget};

/// A recorded run with what is needed to describe it.
pub struct RunReport<'a> {
    pub compiled: &'a Compiled,
    pub clock: &'a Clock,
    pub run: &'a Run,
    /// What was simulated, e.g. `planned` or `what-if: --fail full_production:3`.
    pub mode: String,
}

impl RunReport<'_> {
    pub fn plan(&self) -> &Plan {
        &self.compiled.plan
    }

    /// A time (minutes from the start) as people read it: a date for a plan of whole days,
    /// else a date and a time of day in UTC.
    pub fn at(&self, at: i64) -> String {
        self.clock.human(at)
    }

    /// A length in minutes as a number for a table: whole days for a plan of whole days, else
    /// days, hours and minutes (`1d 12h`).
    pub fn length(&self, minutes: i64) -> String {
        if self.clock.timed {
            spelled(minutes)
        } else {
            (minutes / DAY_MINUTES).to_string()
        }
    }

    /// A length in minutes in a sentence: `3 days` for a plan of whole days, else `2h 30m`.
    pub fn words(&self, minutes: i64) -> String {
        if self.clock.timed {
            spelled(minutes)
        } else {
            let days = minutes / DAY_MINUTES;
            format!("{days} day{}", plural(days))
        }
    }

    /// The start as a heading gives it: [`RunReport::at`], with `UTC` after a time.
    pub fn start_heading(&self) -> String {
        if self.clock.timed {
            format!("{} UTC", self.at(0))
        } else {
            self.at(0)
        }
    }

    /// Width of a time as [`RunReport::at`] writes it.
    pub fn at_width(&self) -> usize {
        if self.clock.timed { 16 } else { 10 }
    }

    /// When (minutes from the start) the last phase was last reached.
    pub fn last_phase(&self) -> Option<i64> {
        self.run.end.reached_last
    }

    /// What a chart must cover: the last time any stretch reaches, and whether a phase is still
    /// open at the end (so the chart draws a stub past that day).
    pub fn extent(&self) -> (i64, bool) {
        let visits = &self.run.visits;
        let last = visits
            .iter()
            .flat_map(|v| v.pieces.iter().map(|p| p.to.unwrap_or(p.from)))
            .max()
            .unwrap_or(0);
        let open = visits.iter().any(|v| v.outcome == Outcome::Open);
        (last, open)
    }
}

/// Minutes as days, hours and minutes (`1d 12h`); see [`Minutes::spelled`].
pub fn spelled(minutes: i64) -> String {
    Minutes(u64::try_from(minutes).unwrap_or(0)).spelled()
}

/// Per phase (by index), each flag some phase exposes with its exposure in the phase's planned
/// state; `None` for a plan without shares, whose reports leave exposure out.
pub type Exposures = Option<Vec<Vec<(FlagId, Exposure)>>>;

/// The exposure of every phase, once per report.
pub fn exposures(plan: &Plan) -> Exposures {
    if !has_shares(plan) {
        return None;
    }
    let flags = exposed_flags(plan);
    Some(
        plan.phases
            .iter()
            .map(|p| {
                flags
                    .iter()
                    .map(|&f| (f, exposure(plan, &p.planned, f)))
                    .collect()
            })
            .collect(),
    )
}

/// A chart's label for a phase: the flags on a new value for some units, with their exposure
/// (`payments.v2 5% · payments.ledger_v2 1%`); empty when none is.
pub fn exposure_label(plan: &Plan, exposures: &Exposures, phase: usize) -> String {
    let Some(phases) = exposures else {
        return String::new();
    };
    phases
        .get(phase)
        .into_iter()
        .flatten()
        .filter(|(_, e)| !e.is_zero())
        .map(|(f, e)| format!("{} {}", plan.flag(*f).name, e.text(plan)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One flag change of a rollback, in the order it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChange {
    pub flag: String,
    pub from: String,
    pub to: String,
}

/// The flag changes a rollback from `phase` (in its planned configuration) to `to` applies, in
/// the safe one-flag-at-a-time order the analysis proved.
pub fn rollback_changes(c: &Compiled, phase: usize, to: RollbackTarget) -> Vec<FlagChange> {
    let plan = &c.plan;
    let graph = &c.analysis.graph;
    let from_node = graph
        .phase_nodes
        .get(phase)
        .and_then(|v| v.first().copied());
    let order = c
        .analysis
        .transitions
        .iter()
        .filter(|t| t.kind == EdgeKind::Rollback && Some(t.from) == from_node)
        .find(|t| match (graph.graph[t.to], to) {
            (Node::Start, RollbackTarget::Start) => true,
            (Node::Phase { phase, .. }, RollbackTarget::Phase(target)) => phase == target,
            _ => false,
        })
        .and_then(|t| match &t.plan {
            FlipPlan::Safe(order) => Some(order.clone()),
            FlipPlan::Blocked { .. } => None,
        });
    let from_state = &plan.phase(crate::model::PhaseId(phase)).planned;
    let to_state = plan.target_state(to);
    let order = order.unwrap_or_else(|| from_state.changed_flags(to_state));
    order
        .into_iter()
        .map(|f| FlagChange {
            flag: plan.flag(f).name.clone(),
            from: crate::plan_text::setting(plan, from_state.get(f)),
            to: crate::plan_text::setting(plan, to_state.get(f)),
        })
        .collect()
}

/// A gate's criterion: `error_rate < 0.1%`, or `None` for a manual gate.
pub fn criterion(plan: &Plan, phase: usize, gate: usize) -> Option<String> {
    let g = &plan.phases[phase].gates[gate];
    match &g.criterion {
        Criterion::Manual => None,
        Criterion::Metric {
            metric,
            op,
            threshold,
        } => Some(format!(
            "{} {} {threshold}",
            plan.metric(*metric).name,
            op.symbol()
        )),
    }
}

/// An observed value in its gate's unit: `0.3%`.
pub fn observed_text(plan: &Plan, phase: usize, gate: usize, value: f64) -> String {
    match &plan.phases[phase].gates[gate].criterion {
        Criterion::Metric { threshold, .. } => crate::model::Quantity {
            value,
            unit: threshold.unit,
        }
        .to_string(),
        Criterion::Manual => value.to_string(),
    }
}

pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Inconclusive => "inconclusive",
    }
}

pub fn piece_word(kind: PieceKind) -> &'static str {
    match kind {
        PieceKind::Planned => "planned",
        PieceKind::Extension => "extension",
        PieceKind::InconclusiveExtension => "inconclusive_extension",
        PieceKind::Wait => "wait",
    }
}

pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Completed => "completed",
        Outcome::RolledBack(_) => "rolled_back",
        Outcome::Open => "open",
        Outcome::Unfinished => "unfinished",
    }
}

/// One event as a sentence (without date and phase), and, for a rollback, its flag changes.
pub fn describe_event(r: &RunReport<'_>, record: &Record) -> (String, Vec<FlagChange>) {
    let plan = r.plan();
    let phase = record.phase;
    match record.event {
        Event::Started { visit, waited } => {
            let mut text = if visit == 1 {
                "started".to_owned()
            } else {
                format!("started again (visit {visit})")
            };
            if waited > 0 {
                let _ = write!(text, ", after waiting {}", r.words(waited));
                let before = r.clock.day(record.at - 1);
                if let Some((_, to)) = r.clock.frozen(before) {
                    let _ = write!(text, " for a freeze until {}", r.clock.date(to));
                }
            }
            (text, Vec::new())
        }
        Event::Gate {
            gate,
            attempt,
            evaluation,
        } => {
            let id = &plan.phases[phase].gates[gate].id;
            let mut text = format!(
                "gate `{id}` {} (evaluation {attempt})",
                verdict_word(evaluation.verdict)
            );
            match (evaluation.observed, criterion(plan, phase, gate)) {
                (Some(value), Some(needs)) => {
                    let _ = write!(
                        text,
                        ": observed {}, needs {needs}",
                        observed_text(plan, phase, gate, value)
                    );
                }
                (None, Some(needs)) => {
                    let _ = write!(text, ": needs {needs}");
                }
                _ => {}
            }
            (text, Vec::new())
        }
        Event::Extended { minutes, why } => {
            let by = r.words(minutes);
            let text = match why {
                Extension::Failure {
                    used,
                    max: Some(max),
                } => format!("extended by {by} (extension {used} of {max})"),
                Extension::Failure { used, max: None } => {
                    format!("extended by {by} (extension {used}, no limit)")
                }
                Extension::Inconclusive => format!(
                    "extended by {by} for an inconclusive gate (not counted against the limit)"
                ),
            };
            (text, Vec::new())
        }
        Event::Waited { minutes } => (
            format!(
                "waiting {} for inconclusive gates to be evaluated again",
                r.words(minutes)
            ),
            Vec::new(),
        ),
        Event::RolledBack { to } => (
            format!("rolled back to `{}`", plan.target_name(to)),
            rollback_changes(r.compiled, phase, to),
        ),
        Event::Completed if plan.phases[phase].gates.is_empty() => {
            ("completed (the phase has no gates)".to_owned(), Vec::new())
        }
        Event::Completed => ("completed: every gate passed".to_owned(), Vec::new()),
        Event::Unfinished => (
            "the simulation stopped: the rollout does not reach its last phase".to_owned(),
            Vec::new(),
        ),
    }
}

pub fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A phase visit's label: its id, with `#2` from the second visit on.
pub fn visit_label(plan: &Plan, phase: usize, number: u32) -> String {
    if number > 1 {
        format!("{} #{number}", plan.phases[phase].id)
    } else {
        plan.phases[phase].id.clone()
    }
}
