//! `--format json` for the planned timeline and what-if runs. The schema is documented in
//! `docs/simulate.md`; every date is `YYYY-MM-DD`, every `day` counts from the start (day 0).
//! A plan whose times fall inside days ([`crate::simulate::timeline::has_times`]) gives its
//! times as RFC 3339 date-times in UTC instead, and adds `…minute(s)` fields beside the days.

use serde_json::{Value, json};

use super::{
    Exposures, RunReport, describe_event, exposures, outcome_word, piece_word, verdict_word,
};
use crate::model::PhaseId;
use crate::simulate::engine::{Event, Extension};
use crate::simulate::whatif::{Outcome, Visit};

pub fn run(r: &RunReport<'_>) -> Value {
    let plan = r.plan();
    let exposures = exposures(plan);
    let phases: Vec<Value> = r
        .run
        .visits
        .iter()
        .map(|v| {
            let mut value = visit(r, v);
            if let Some(exposure) = exposure_json(plan, &exposures, v.phase) {
                value["exposure"] = exposure;
            }
            value
        })
        .collect();
    let events: Vec<Value> = r.run.records.iter().map(|rec| event(r, rec)).collect();
    let last = plan.phases.last().map(|p| p.id.clone());
    let mut out = json!({
        "plan": plan.name,
        "mode": r.mode,
        "start": r.clock.json(0),
        "calendar": calendar_word(r),
        "freezes": plan.freezes.iter().map(|f| json!({
            "from": f.from.to_string(),
            "to": f.to.to_string(),
            "reason": f.reason,
        })).collect::<Vec<_>>(),
        "phases": phases,
        "last_phase": r.last_phase().map(|d| {
            let mut at = json!({
                "phase": last,
                "start": r.clock.json(d),
                "days_from_start": days(d),
            });
            if r.clock.timed {
                at["minutes_from_start"] = json!(d);
            }
            at
        }),
        "finished": r.run.end.finished,
        "end": r.clock.json(r.run.end.end),
        "events": events,
    });
    if r.clock.timed {
        out["timed"] = json!(true);
    }
    out
}

/// Whole days in a length of minutes, rounded down.
fn days(minutes: i64) -> i64 {
    minutes.div_euclid(crate::model::DAY_MINUTES)
}

/// One phase visit.
fn visit(r: &RunReport<'_>, v: &Visit) -> Value {
    let plan = r.plan();
    let phase = plan.phase(PhaseId(v.phase));
    let notify_before: Vec<Value> = plan
        .notify_before
        .iter()
        .chain(&phase.notify_before)
        .map(|t| json!({"text": t.text, "due": r.clock.json(v.start)}))
        .collect();
    let notify_after: Vec<Value> = v.end.map_or_else(Vec::new, |end| {
        plan.notify_after
            .iter()
            .chain(&phase.notify_after)
            .map(|t| json!({"text": t.text, "due": r.clock.json(end)}))
            .collect()
    });
    let gates: Vec<Value> = phase
        .gates
        .iter()
        .enumerate()
        .map(|(i, g)| {
            json!({
                "gate": g.id,
                "criterion": super::criterion(plan, v.phase, i),
                "text": g.text,
                "pass_probability": g.pass_probability,
            })
        })
        .collect();
    let pieces: Vec<Value> = v
        .pieces
        .iter()
        .map(|p| {
            let mut piece = json!({
                "kind": piece_word(p.kind),
                "start": r.clock.json(p.from),
                "end": p.to.map(|d| r.clock.json(d)),
                "days": p.to.map(|d| days(d - p.from)),
            });
            if r.clock.timed {
                piece["minutes"] = json!(p.to.map(|d| d - p.from));
            }
            piece
        })
        .collect();
    // An unfinished visit has no end: the run stopped (after 1,000 evaluations or
    // 36,525 days) while it was still running. Its last evaluation is `gates_due`.
    let end = v.end.filter(|_| v.outcome != Outcome::Unfinished);
    let mut visit = json!({
        "phase": phase.id,
        "title": phase.title,
        "visit": v.number,
        "start": r.clock.json(v.start),
        "start_day": r.clock.day(v.start),
        "end": end.map(|d| r.clock.json(d)),
        "end_day": end.map(|d| r.clock.day(d)),
        "days": end.map(|d| days(d - v.start)),
        "waited_days": days(v.waited),
        "extensions": v.extensions,
        "outcome": outcome_word(v.outcome),
        "rolled_back_to": match v.outcome {
            Outcome::RolledBack(to) => Some(plan.target_name(to)),
            _ => None,
        },
        "pieces": pieces,
        "gates": gates,
        "gates_due": v.end.map(|d| r.clock.json(d)),
        "notify_before": notify_before,
        "notify_after": notify_after,
    });
    if r.clock.timed {
        visit["start_minute"] = json!(v.start);
        visit["end_minute"] = json!(end);
        visit["minutes"] = json!(end.map(|d| d - v.start));
        visit["waited_minutes"] = json!(v.waited);
    }
    visit
}

/// A visit's `exposure` field, for a plan with shares: each exposed flag with its share of
/// units on a new value, per context class (`when` null for every other context).
fn exposure_json(plan: &crate::model::Plan, exposures: &Exposures, phase: usize) -> Option<Value> {
    let flags = exposures.as_ref()?.get(phase)?;
    Some(
        flags
            .iter()
            .map(|(flag, e)| {
                let classes: Vec<Value> = e
                    .classes
                    .iter()
                    .map(|(when, thousandths)| {
                        json!({
                            "when": (!when.is_empty())
                                .then(|| crate::simulate::exposure::describe_when(plan, when)),
                            "thousandths": thousandths,
                            "share": crate::simulate::exposure::percent_text(*thousandths),
                        })
                    })
                    .collect();
                json!({"flag": plan.flag(*flag).name, "text": e.text(plan), "classes": classes})
            })
            .collect(),
    )
}

pub fn calendar_word(r: &RunReport<'_>) -> &'static str {
    match r.clock.calendar {
        crate::simulate::Calendar::Calendar => "calendar",
        crate::simulate::Calendar::Business => "business",
    }
}

/// `value` with `key: minutes` added when the plan has times.
fn with_minutes(r: &RunReport<'_>, mut value: Value, key: &str, minutes: i64) -> Value {
    if r.clock.timed {
        value[key] = json!(minutes);
    }
    value
}

fn event(r: &RunReport<'_>, rec: &crate::simulate::whatif::Record) -> Value {
    let plan = r.plan();
    let (text, changes) = describe_event(r, rec);
    let mut v = json!({
        "date": r.clock.json(rec.at),
        "day": r.clock.day(rec.at),
        "phase": plan.phases[rec.phase].id,
        "text": text,
    });
    if r.clock.timed {
        v["minute"] = json!(rec.at);
    }
    let (kind, extra) = match rec.event {
        Event::Started { visit, waited } => (
            "started",
            with_minutes(
                r,
                json!({"visit": visit, "waited_days": days(waited)}),
                "waited_minutes",
                waited,
            ),
        ),
        Event::Gate {
            gate,
            attempt,
            evaluation,
        } => (
            "gate",
            json!({
                "gate": plan.phases[rec.phase].gates[gate].id,
                "evaluation": attempt,
                "result": verdict_word(evaluation.verdict),
                "observed": evaluation.observed.map(|o| super::observed_text(plan, rec.phase, gate, o)),
                "criterion": super::criterion(plan, rec.phase, gate),
            }),
        ),
        Event::Extended { minutes, why } => match why {
            Extension::Failure { used, max } => (
                "extended",
                with_minutes(
                    r,
                    json!({"days": days(minutes), "reason": "failed", "extension": used, "max": max}),
                    "minutes",
                    minutes,
                ),
            ),
            Extension::Inconclusive => (
                "extended",
                with_minutes(
                    r,
                    json!({"days": days(minutes), "reason": "inconclusive"}),
                    "minutes",
                    minutes,
                ),
            ),
        },
        Event::Waited { minutes } => (
            "waited",
            with_minutes(r, json!({"days": days(minutes)}), "minutes", minutes),
        ),
        Event::RolledBack { to } => (
            "rolled_back",
            json!({
                "to": plan.target_name(to),
                "flag_changes": changes.iter().map(|c| json!({
                    "flag": c.flag, "from": c.from, "to": c.to,
                })).collect::<Vec<_>>(),
            }),
        ),
        Event::Completed => ("completed", json!({})),
        Event::Unfinished => ("unfinished", json!({})),
    };
    v["event"] = json!(kind);
    if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), extra) {
        obj.extend(extra);
    }
    v
}
