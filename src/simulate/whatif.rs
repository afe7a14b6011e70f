//! Single runs with an event log: the planned timeline (every gate passes the first time) and
//! what-if runs (`--fail PHASE[:N]`, a scenario file). Durations are the planned ones (a range's
//! `likely` value, else its minimum).

use super::clock::Clock;
use super::engine::{self, Evaluation, Event, Extension, Oracle, RunEnd, Sink};
use super::prepared::{Length, Prepared};
use super::scenario::Scenario;
use crate::model::RollbackTarget;

/// `--fail PHASE[:N]`: the phase's first `times` evaluations fail every gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForcedFailure {
    pub phase: usize,
    pub times: u32,
}

/// Planned durations; gates from `--fail`, then the scenario, else passed.
pub struct WhatIf<'a> {
    pub failures: &'a [ForcedFailure],
    pub scenario: Option<&'a Scenario>,
}

impl Oracle for WhatIf<'_> {
    fn duration(&mut self, _phase: usize, duration: Length) -> Option<i64> {
        duration.planned()
    }

    fn evaluate(&mut self, phase: usize, attempt: u32, gate: usize) -> Evaluation {
        if self
            .failures
            .iter()
            .any(|f| f.phase == phase && attempt <= f.times)
        {
            return Evaluation::FAILED;
        }
        self.scenario
            .and_then(|s| s.evaluation(phase, attempt, gate))
            .unwrap_or(Evaluation::PASSED)
    }
}

/// What a stretch of a phase visit was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// The phase's own duration.
    Planned,
    /// An extension after a failed gate.
    Extension,
    /// An extension after an inconclusive gate (`extend`), not counted against `max`.
    InconclusiveExtension,
    /// Waiting on inconclusive gates (`wait D`).
    Wait,
}

/// A stretch of time `[from, to)` (minutes from the start) within one visit of a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub from: i64,
    /// `None`: open-ended (an indefinite phase).
    pub to: Option<i64>,
    pub kind: PieceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The gates passed and the next phase started.
    Completed,
    RolledBack(RollbackTarget),
    /// Still running: an indefinite phase.
    Open,
    Unfinished,
}

/// One visit of a phase: the shifted timeline is the list of visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub phase: usize,
    /// Counts from 1 per phase.
    pub number: u32,
    /// Minutes spent waiting for a freeze window or a working day before the start.
    pub waited: i64,
    pub start: i64,
    /// When it ended: the evaluation that completed it or rolled it back.
    pub end: Option<i64>,
    pub pieces: Vec<Piece>,
    pub extensions: u32,
    pub outcome: Outcome,
}

/// An event with its time (minutes from the start) and phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    pub at: i64,
    pub phase: usize,
    pub event: Event,
}

/// Keeps every event and builds the visits.
#[derive(Debug, Default)]
pub struct Recorder {
    pub records: Vec<Record>,
    pub visits: Vec<Visit>,
}

impl Recorder {
    fn close(&mut self, day: i64, next: Option<PieceKind>) {
        if let Some(visit) = self.visits.last_mut()
            && let Some(piece) = visit.pieces.last_mut()
            && piece.to.is_none()
        {
            piece.to = Some(day);
            if let Some(kind) = next {
                visit.pieces.push(Piece {
                    from: day,
                    to: None,
                    kind,
                });
            } else {
                visit.end = Some(day);
            }
        }
    }

    fn finish(&mut self, outcome: Outcome) {
        if let Some(v) = self.visits.last_mut() {
            v.outcome = outcome;
        }
    }
}

impl Sink for Recorder {
    fn event(&mut self, day: i64, phase: usize, event: Event) {
        self.records.push(Record {
            at: day,
            phase,
            event,
        });
        match event {
            Event::Started { visit, waited } => self.visits.push(Visit {
                phase,
                number: visit,
                waited,
                start: day,
                end: None,
                pieces: vec![Piece {
                    from: day,
                    to: None,
                    kind: PieceKind::Planned,
                }],
                extensions: 0,
                outcome: Outcome::Open,
            }),
            Event::Gate { .. } => {}
            Event::Extended { why, .. } => {
                let kind = match why {
                    Extension::Failure { .. } => {
                        if let Some(v) = self.visits.last_mut() {
                            v.extensions += 1;
                        }
                        PieceKind::Extension
                    }
                    Extension::Inconclusive => PieceKind::InconclusiveExtension,
                };
                self.close(day, Some(kind));
            }
            Event::Waited { .. } => self.close(day, Some(PieceKind::Wait)),
            Event::RolledBack { to } => {
                self.close(day, None);
                self.finish(Outcome::RolledBack(to));
            }
            Event::Completed => {
                self.close(day, None);
                self.finish(Outcome::Completed);
            }
            Event::Unfinished => {
                self.close(day, None);
                self.finish(Outcome::Unfinished);
            }
        }
    }
}

/// One recorded run.
#[derive(Debug)]
pub struct Run {
    pub end: RunEnd,
    pub records: Vec<Record>,
    pub visits: Vec<Visit>,
}

/// Runs the plan once with planned durations, the given failures and scenario.
pub fn run(
    prepared: &Prepared,
    clock: &Clock,
    failures: &[ForcedFailure],
    scenario: Option<&Scenario>,
) -> Run {
    let mut oracle = WhatIf { failures, scenario };
    let mut recorder = Recorder::default();
    let end = engine::run(
        prepared,
        clock,
        &mut oracle,
        &mut recorder,
        &mut Vec::new(),
        &mut Vec::new(),
    );
    Run {
        end,
        records: recorder.records,
        visits: recorder.visits,
    }
}
