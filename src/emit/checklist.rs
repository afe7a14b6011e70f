//! `--target checklist`: Markdown task lists for the people running the rollout, one per phase
//! and one for the whole plan, dated from the planned timeline. Each phase lists, in the order
//! they happen: the communication before it, the flag flips in the order the analysis proved
//! safe, the activities and monitoring, the validation checks and success gates (with their
//! thresholds), the communication after it, and what to do if a gate fails (contingency,
//! rollback steps and the rollback's own safe flip order).

use std::fmt::Write as _;

use super::{DO_NOT_EDIT, Input};
use crate::model::{Criterion, Date, FailurePolicy, FlagId, FlagState, PhaseId, Plan, TextItem};
use crate::plan_text::setting as setting_text;
use crate::simulate::timeline::{add_days, whole_days};

/// A task line: `- [ ] 2026-12-15 text`, or `open-ended` where the phase has no end date.
fn task(out: &mut String, date: Option<Date>, text: &str) {
    match date {
        Some(d) => {
            let _ = writeln!(out, "- [ ] {d} {text}");
        }
        None => {
            let _ = writeln!(out, "- [ ] open-ended: {text}");
        }
    }
}

fn section(out: &mut String, title: &str) {
    let _ = write!(out, "\n### {title}\n\n");
}

fn items<'a>(a: &'a [TextItem], b: &'a [TextItem]) -> impl Iterator<Item = &'a str> {
    a.iter().chain(b).map(|t| t.text.as_str())
}

/// Flip lines from `from` to `to` in the proven order (declaration order when none is known).
fn flips(
    out: &mut String,
    plan: &Plan,
    date: Option<Date>,
    order: Option<&[FlagId]>,
    from: &FlagState,
    to: &FlagState,
) {
    let changed = from.changed_flags(to);
    if changed.is_empty() {
        let _ = writeln!(out, "No flag changes.");
        return;
    }
    let order: Vec<FlagId> = order.map_or(changed, <[FlagId]>::to_vec);
    for f in order {
        let text = format!(
            "Set `{}` to `{}`",
            plan.flag(f).name,
            setting_text(plan, to.get(f))
        );
        task(out, date, &text);
    }
}

/// The monitors' items, from the phase's first day.
fn monitoring(plan: &Plan, start: Option<Date>, out: &mut String) {
    if !plan.monitors.is_empty() {
        section(out, "Monitoring");
        for m in &plan.monitors {
            let watched: Vec<String> = m
                .metrics
                .iter()
                .map(|id| format!("`{}`", plan.metric(*id).name))
                .collect();
            let suffix = if watched.is_empty() {
                String::new()
            } else {
                format!(" (watch {})", watched.join(", "))
            };
            for item in &m.items {
                task(out, start, &format!("{}: {}{suffix}", m.title, item.text));
            }
        }
    }
}

/// The success gates with their thresholds, on the day they are evaluated.
fn gates(plan: &Plan, p: &crate::model::Phase, end: Option<Date>, out: &mut String) {
    section(out, "Success gates");
    for g in &p.gates {
        let test = match &g.criterion {
            Criterion::Metric {
                metric,
                op,
                threshold,
            } => format!(
                "`{} {} {threshold}`",
                plan.metric(*metric).name,
                op.symbol()
            ),
            Criterion::Manual => format!("`{}`, checked by a person", g.id),
        };
        let line = match &g.text {
            Some(t) => format!("{t} ({test})"),
            None => test,
        };
        task(out, end, &line);
    }
}

/// One phase's section.
fn body(input: &Input<'_>, phase: PhaseId, out: &mut String) {
    let plan = input.plan();
    let p = plan.phase(phase);
    let window = input.timeline().phases.get(phase.0);
    let start = window.map(|w| w.start);
    let end = window.and_then(|w| w.end);
    let _ = write!(
        out,
        "\n## Phase {} · {} (`{}`)\n\n",
        phase.0 + 1,
        p.title,
        p.id
    );
    match (start, end) {
        (Some(s), Some(e)) => {
            let _ = writeln!(
                out,
                "Runs {s} to {} ({}); the gates are evaluated on {e}.",
                add_days(e, -1),
                p.duration
            );
        }
        (Some(s), None) => {
            let _ = writeln!(out, "Starts {s} and runs open-ended.");
        }
        _ => {
            let _ = writeln!(out, "Not reached in the planned timeline.");
        }
    }

    section(out, "Before the phase");
    for text in items(&plan.notify_before, &p.notify_before) {
        task(out, start, text);
    }

    section(out, "Flag changes, one at a time in this order");
    let previous = if phase.0 == 0 {
        &plan.initial
    } else {
        &plan.phases[phase.0 - 1].planned
    };
    flips(
        out,
        plan,
        start,
        input.advance_order(phase),
        previous,
        &p.planned,
    );
    let config = input.phase_config(phase);
    for o in &config.optional {
        let otherwise: Vec<String> = o.otherwise.iter().map(|s| setting_text(plan, s)).collect();
        let reason = o
            .reason
            .as_deref()
            .map_or(String::new(), |r| format!(" ({r})"));
        let text = format!(
            "Decide whether to set `{}`{reason}: it is optional; if not, it stays `{}`",
            plan.flag(o.flag).name,
            otherwise.join("` or `")
        );
        task(out, start, &text);
    }

    section(out, "Activities");
    for a in &p.activities {
        task(out, start, &a.text);
    }

    monitoring(plan, start, out);

    section(out, "Validation");
    for text in items(&plan.validation, &p.checks) {
        task(out, end, text);
    }

    gates(plan, p, end, out);

    section(out, "After the phase");
    for text in items(&plan.notify_after, &p.notify_after) {
        task(out, end, text);
    }

    failure(input, phase, end, out);
}

/// What to do when a gate fails: the policy in words, contingency, rollback steps and flips.
fn failure(input: &Input<'_>, phase: PhaseId, end: Option<Date>, out: &mut String) {
    let plan = input.plan();
    let p = plan.phase(phase);
    section(out, "If a gate fails");
    let rollback_day = match p.on_fail {
        FailurePolicy::Extend { by } => {
            let _ = writeln!(
                out,
                "Extend the phase by {by} and evaluate the gates again.\n"
            );
            None
        }
        FailurePolicy::ExtendThenRollback { by, max, to } => {
            let days = whole_days(by).saturating_mul(i64::from(max));
            let _ = writeln!(
                out,
                "Extend the phase by {by}, at most {max} time{}; then roll back to `{}`.\n",
                if max == 1 { "" } else { "s" },
                plan.target_name(to)
            );
            Some(end.map(|e| add_days(e, days)))
        }
        FailurePolicy::Rollback { to } => {
            let _ = writeln!(out, "Roll back to `{}`.\n", plan.target_name(to));
            Some(end)
        }
    };
    for c in &plan.contingency {
        task(out, end, &c.text);
    }
    let (Some(day), Some(target)) = (rollback_day, p.on_fail.rollback_target()) else {
        return;
    };
    section(out, "Rollback");
    for s in &plan.rollback_steps {
        task(out, day, &s.text);
    }
    let _ = writeln!(
        out,
        "\nFlag changes back to `{}`, one at a time in this order:\n",
        plan.target_name(target)
    );
    flips(
        out,
        plan,
        day,
        input.rollback_order(phase),
        &p.planned,
        plan.target_state(target),
    );
}

/// One phase's checklist file.
pub(super) fn phase(input: &Input<'_>, phase: PhaseId) -> String {
    let plan = input.plan();
    let p = plan.phase(phase);
    let mut out = format!(
        "<!-- {}: phase {} `{}`; {DO_NOT_EDIT} -->\n# {}: {}\n",
        input.source,
        phase.0 + 1,
        p.id,
        plan.title.as_deref().unwrap_or(&plan.name),
        p.title
    );
    body(input, phase, &mut out);
    out
}

/// The whole plan's checklist: an overview, then every phase.
pub(super) fn whole(input: &Input<'_>) -> String {
    let plan = input.plan();
    let mut out = format!(
        "<!-- {}: every phase; {DO_NOT_EDIT} -->\n# {} (`{}`)\n\n",
        input.source,
        plan.title.as_deref().unwrap_or(&plan.name),
        plan.name
    );
    if let Some(owner) = &plan.owner {
        let _ = writeln!(out, "Owner: {owner}.");
    }
    let _ = writeln!(out, "Planned start: {}.\n", input.timeline().start);
    let _ = writeln!(
        out,
        "| # | Phase | First day | Last day |\n|---|---|---|---|"
    );
    for (i, p) in plan.phases.iter().enumerate() {
        let window = input.timeline().phases.get(i);
        let start = window.map_or_else(|| "not reached".to_owned(), |w| w.start.to_string());
        let end = window
            .and_then(|w| w.end)
            .map_or_else(|| "open-ended".to_owned(), |e| add_days(e, -1).to_string());
        let _ = writeln!(
            out,
            "| {} | {} (`{}`) | {start} | {end} |",
            i + 1,
            p.title,
            p.id
        );
    }
    for i in 0..plan.phases.len() {
        body(input, PhaseId(i), &mut out);
    }
    out
}
