//! The human output of a planned or what-if run: a table of phase visits, the date the last
//! phase is reached, the Gantt chart, then the schedule of announcements and gates (planned
//! timeline) or the event log (what-if).

use std::fmt::Write as _;

use crate::escape::one_line;

use super::{RunReport, describe_event, exposures, gantt::gantt, plural, visit_label};
use crate::model::PhaseId;
use crate::simulate::whatif::Outcome;

pub fn run(r: &RunReport<'_>, log: bool) -> String {
    let plan = r.plan();
    let mut out = String::new();
    let calendar = match r.clock.calendar {
        crate::simulate::Calendar::Calendar => "calendar days",
        crate::simulate::Calendar::Business => "business days",
    };
    let _ = writeln!(
        out,
        "plan `{}`, {}, from {} ({calendar})\n",
        plan.name,
        r.mode,
        r.start_heading()
    );
    let labels: Vec<String> = r
        .run
        .visits
        .iter()
        .map(|v| visit_label(plan, v.phase, v.number))
        .collect();
    let width = labels.iter().map(String::len).chain([5]).max().unwrap_or(5);
    let at = r.at_width();
    let (length_head, length_width) = if r.clock.timed {
        ("length", 10)
    } else {
        ("days", 5)
    };
    let _ = writeln!(
        out,
        "  {:width$}  {:at$}  {:at$}  {:>length_width$}  note",
        "phase", "start", "end", length_head
    );
    for (v, label) in r.run.visits.iter().zip(&labels) {
        let end = v.end.map_or_else(|| "-".to_owned(), |d| r.at(d));
        let days = v
            .end
            .map_or_else(|| "-".to_owned(), |d| r.length(d - v.start));
        let mut notes: Vec<String> = Vec::new();
        if v.waited > 0 {
            notes.push(format!("waited {}", r.words(v.waited)));
        }
        if v.extensions > 0 {
            notes.push(format!(
                "{} extension{}",
                v.extensions,
                plural(i64::from(v.extensions))
            ));
        }
        match v.outcome {
            Outcome::RolledBack(to) => {
                notes.push(format!("rolled back to {}", plan.target_name(to)));
            }
            Outcome::Open => notes.push("indefinite".to_owned()),
            Outcome::Unfinished => notes.push("unfinished".to_owned()),
            Outcome::Completed => {}
        }
        let line = format!(
            "  {label:width$}  {}  {end:at$}  {days:>length_width$}  {}",
            r.at(v.start),
            notes.join(", ")
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    match (r.last_phase(), plan.phases.last()) {
        (Some(at), Some(last)) => {
            let _ = writeln!(
                out,
                "  reaches the last phase `{}` on {}, {} after the start\n",
                last.id,
                r.at(at),
                r.words(at)
            );
        }
        _ => out.push_str("  never reaches the last phase\n\n"),
    }
    out.push_str(&exposure(r));
    out.push_str(&gantt(r));
    if log {
        out.push_str(&event_log(r));
    } else {
        out.push_str(&schedule(r));
    }
    out
}

/// Every event with its time, and a rollback's flag changes under it.
fn event_log(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let at = r.at_width();
    let mut out = String::new();
    out.push_str("\nevent log\n");
    let phase_width = plan.phases.iter().map(|p| p.id.len()).max().unwrap_or(0);
    for rec in &r.run.records {
        let (text, changes) = describe_event(r, rec);
        let _ = writeln!(
            out,
            "  {}  {:phase_width$}  {text}",
            r.at(rec.at),
            plan.phases[rec.phase].id
        );
        for (i, c) in changes.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:at$}  {:phase_width$}    {}. {}: {} -> {}",
                "",
                "",
                i + 1,
                c.flag,
                c.from,
                c.to
            );
        }
    }
    out
}

/// Each exposed flag's exposure, visit by visit; nothing for a plan without shares.
fn exposure(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let Some(phases) = exposures(plan) else {
        return String::new();
    };
    let labels: Vec<String> = r
        .run
        .visits
        .iter()
        .map(|v| visit_label(plan, v.phase, v.number))
        .collect();
    let label_width = labels.iter().map(String::len).max().unwrap_or(0);
    let flag_width = phases
        .iter()
        .flatten()
        .map(|(f, _)| plan.flag(*f).name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::from(
        "  exposure: each flag's share of units on a value other than its declared one\n",
    );
    for (v, label) in r.run.visits.iter().zip(&labels) {
        let flags = phases.get(v.phase).map_or(&[][..], Vec::as_slice);
        for (i, (flag, e)) in flags.iter().enumerate() {
            let label = if i == 0 { label.as_str() } else { "" };
            let _ = writeln!(
                out,
                "    {label:label_width$}  {:flag_width$}  {}",
                plan.flag(*flag).name,
                one_line(&e.text(plan))
            );
        }
    }
    out.push('\n');
    out
}

/// Announcements and gates with their due dates, visit by visit.
fn schedule(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let mut out = String::from("\nschedule\n");
    for v in &r.run.visits {
        let phase = plan.phase(PhaseId(v.phase));
        let _ = writeln!(out, "  {} \"{}\"", phase.id, one_line(&phase.title));
        for t in plan.notify_before.iter().chain(&phase.notify_before) {
            let _ = writeln!(out, "    {}  before: {}", r.at(v.start), one_line(&t.text));
        }
        if let Some(end) = v.end {
            for (i, g) in phase.gates.iter().enumerate() {
                let what = match (super::criterion(plan, v.phase, i), &g.text) {
                    (Some(c), Some(t)) => format!("{c} ({})", one_line(t)),
                    (Some(c), None) => c,
                    (None, Some(t)) => format!("{}: {}", g.id, one_line(t)),
                    (None, None) => g.id.clone(),
                };
                let _ = writeln!(out, "    {}  gate {what}", r.at(end));
            }
            for t in plan.notify_after.iter().chain(&phase.notify_after) {
                let _ = writeln!(out, "    {}  after: {}", r.at(end), one_line(&t.text));
            }
        }
    }
    out
}
