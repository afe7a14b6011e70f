//! What `rollplan status` prints: the human report and the JSON contract (`docs/gates.md`).

use jiff::Timestamp;
use serde_json::{Value as Json, json};

use crate::cli::metrics::{criterion_text, gate_json, outcome_reason};
use crate::gates::{GateResult, Outcome, verdict_word};
use crate::model::{Criterion, Plan, RollbackTarget};
use crate::status::{Action, FlagChange, GateInput, Keep, Position, Status};

pub(super) struct Report<'a> {
    pub(super) plan: &'a Plan,
    pub(super) position: &'a Position,
    pub(super) at: Timestamp,
    pub(super) evaluated: Option<&'a [GateResult]>,
    pub(super) inputs: &'a [GateInput],
    pub(super) status: &'a Status,
    pub(super) prometheus: bool,
}

fn rfc3339(seconds: i64) -> String {
    Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// `14d 6h`, `3h 20m`, `45m`.
fn span(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

impl Report<'_> {
    fn phase(&self) -> &crate::model::Phase {
        self.plan.phase(self.position.phase)
    }

    /// Why the action is what it is, in one sentence.
    fn reason(&self) -> String {
        let p = self.phase();
        let names = |list: &[usize]| {
            list.iter()
                .map(|&i| format!("`{}`", p.gates[i].id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.status.action {
            Action::KeepRunning(Keep::Indefinite) => {
                "the phase is indefinite: it runs on and its gates are never due".to_owned()
            }
            Action::KeepRunning(Keep::NotDue) => format!(
                "the gates are due at {}",
                self.status.due.map_or_else(String::new, rfc3339)
            ),
            Action::KeepRunning(Keep::NotEvaluated(list)) => format!(
                "the metric gates {} were not evaluated{}",
                names(list),
                if self.prometheus {
                    " (their metrics have no `query`: check them by hand)"
                } else {
                    " (give --prometheus URL to evaluate them)"
                }
            ),
            Action::KeepRunning(Keep::Unconfirmed(list)) => format!(
                "a person must check {} and confirm it with --confirm",
                names(list)
            ),
            Action::Advance { next: Some(n), .. } => format!(
                "every gate passed: start phase `{}`",
                self.plan.phase(*n).id
            ),
            Action::Advance { next: None, .. } => {
                "every gate passed: the last phase is done and the rollout complete".to_owned()
            }
            Action::Extend {
                number,
                max,
                by,
                counted: true,
            } => format!(
                "a gate failed: extend by {by} (extension {number} of {})",
                max.map_or_else(|| "unlimited".to_owned(), |m| m.to_string())
            ),
            Action::Extend { by, .. } => {
                format!("a gate was inconclusive: extend by {by} (not counted against the maximum)")
            }
            Action::Wait(h) => format!("a gate was inconclusive: wait {h} and evaluate again"),
            Action::Rollback { to, .. } => format!(
                "a gate failed and no extension is left: roll back to {}",
                target(self.plan, *to)
            ),
        }
    }

    fn gate_state(&self, i: usize) -> &'static str {
        match self.inputs[i] {
            GateInput::Judged(v) => verdict_word(v),
            GateInput::NotEvaluated => "not_evaluated",
            GateInput::Manual { confirmed: true } => "confirmed",
            GateInput::Manual { confirmed: false } => "unconfirmed",
        }
    }

    fn changes(&self) -> Option<&[FlagChange]> {
        match &self.status.action {
            Action::Advance { changes, .. } | Action::Rollback { changes, .. } => Some(changes),
            _ => None,
        }
    }

    pub(super) fn json(&self) -> Json {
        let p = self.phase();
        let at = self.at.as_second();
        let gates: Vec<Json> = (0..p.gates.len())
            .map(|i| {
                let mut g = match self.evaluated {
                    Some(results) => gate_json(self.plan, p, &results[i]),
                    None => json!({
                        "gate": p.gates[i].id,
                        "text": p.gates[i].text,
                        "kind": if p.gates[i].criterion == Criterion::Manual { "manual" } else { "metric" },
                        "verdict": null,
                    }),
                };
                g["state"] = json!(self.gate_state(i));
                g
            })
            .collect();
        let next = (self.position.phase.0 + 1 < self.plan.phases.len()).then(|| {
            let n = self
                .plan
                .phase(crate::model::PhaseId(self.position.phase.0 + 1));
            json!({
                "phase": n.id,
                "title": n.title,
                "planned_start": self.status.due.map(rfc3339),
            })
        });
        let mut doc = json!({
            "plan": self.plan.name,
            "at": self.at.to_string(),
            "phase": {
                "id": p.id,
                "title": p.title,
                "started": rfc3339(self.position.started),
                "running_for_seconds": at - self.position.started,
                "extensions": self.position.extensions,
                "due": self.status.due.map(rfc3339),
            },
            "gates_due": self.status.gates_due,
            "gates": gates,
            "next": next,
            "action": self.status.action.word(),
            "reason": self.reason(),
            "changes": self.changes().map(|c| c.iter().map(|c| json!({
                "flag": self.plan.flag(c.flag).name,
                "from": c.from,
                "to": c.to,
            })).collect::<Vec<_>>()),
            "extension": null,
            "wait": null,
            "rollback_to": null,
            "waiting_for": [],
        });
        match &self.status.action {
            Action::Extend {
                number,
                max,
                by,
                counted,
            } => {
                doc["extension"] = json!({
                    "number": number,
                    "max": max,
                    "by": by.to_string(),
                    "counts_against_max": counted,
                    // The extended phase's gates are due one extension after these were.
                    "gates_due": self.status.due.map(|d| {
                        rfc3339(d.saturating_add(i64::try_from(by.seconds()).unwrap_or(i64::MAX / 2)))
                    }),
                });
            }
            Action::Wait(h) => {
                doc["wait"] = json!({
                    "for": h.to_string(),
                    "until": rfc3339(at + i64::try_from(h.seconds()).unwrap_or(i64::MAX / 2)),
                });
            }
            Action::Rollback { to, .. } => doc["rollback_to"] = json!(self.plan.target_name(*to)),
            Action::KeepRunning(Keep::NotEvaluated(_) | Keep::Unconfirmed(_)) => {
                // Every gate that holds the phase: not evaluated, or waiting for a person.
                let waiting: Vec<&str> = (0..p.gates.len())
                    .filter(|&i| {
                        matches!(
                            self.inputs[i],
                            GateInput::NotEvaluated | GateInput::Manual { confirmed: false }
                        )
                    })
                    .map(|i| p.gates[i].id.as_str())
                    .collect();
                doc["waiting_for"] = json!(waiting);
            }
            _ => {}
        }
        doc
    }

    pub(super) fn human(&self) {
        let p = self.phase();
        let at = self.at.as_second();
        sayln!(
            "rollplan status: phase `{}` ({}), started {}, running for {}",
            p.id,
            p.title,
            rfc3339(self.position.started),
            span(at - self.position.started)
        );
        sayln!("  at {}", self.at);
        match self.status.due {
            None => sayln!("  gates: never due (indefinite phase)"),
            Some(d) if self.status.gates_due => sayln!("  gates due since {}", rfc3339(d)),
            Some(d) => sayln!("  gates due at {} (in {})", rfc3339(d), span(d - at)),
        }
        if self.position.extensions > 0 {
            let max = crate::simulate::decide::Limits::from(p.on_fail)
                .max_extensions
                .map_or_else(|| "unlimited".to_owned(), |m| m.to_string());
            sayln!(
                "  extensions used: {} of {max} ({} each)",
                self.position.extensions,
                crate::status::extension_length(p.on_fail)
            );
        }
        for (i, gate) in p.gates.iter().enumerate() {
            let detail = match self.evaluated.map(|r| &r[i].outcome) {
                Some(outcome @ (Outcome::Judged(_) | Outcome::NoQuery)) => {
                    outcome_reason(self.plan, gate, outcome)
                }
                _ => gate.text.clone().unwrap_or_default(),
            };
            sayln!(
                "    {:<14} {}: {detail}",
                self.gate_state(i),
                criterion_text(self.plan, gate)
            );
        }
        if let Some(n) = self.plan.phases.get(self.position.phase.0 + 1) {
            sayln!(
                "  next: phase `{}` ({}), planned start {}",
                n.id,
                n.title,
                self.status.due.map_or_else(|| "none".to_owned(), rfc3339)
            );
        }
        sayln!("action: {}: {}", self.status.action.word(), self.reason());
        if let Some(changes) = self.changes() {
            sayln!("  flag changes, one at a time in this order:");
            for (i, c) in changes.iter().enumerate() {
                sayln!(
                    "    {}. {}: {} -> {}",
                    i + 1,
                    self.plan.flag(c.flag).name,
                    c.from,
                    c.to
                );
            }
        }
    }
}

fn target(plan: &Plan, to: RollbackTarget) -> String {
    match to {
        RollbackTarget::Start => "the start (before the rollout)".to_owned(),
        RollbackTarget::Phase(p) => format!("phase `{}`", plan.phase(p).id),
    }
}
