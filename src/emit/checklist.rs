//! `--target checklist`: Markdown task lists for the people running the rollout, one per phase
//! and one for the whole plan, dated from the planned timeline. Each phase lists, in the order
//! they happen: the communication before it, the flag flips in the order the analysis proved
//! safe (a change of share in words as a ramp, see [`super::ramp`]), the activities and
//! monitoring, the validation checks and success gates (with their thresholds), the
//! communication after it, and what to do if a gate fails (contingency, rollback steps and the
//! rollback's own safe flip order).

use std::fmt::Write as _;

use super::markdown::{code, comment, inline, item};
use super::ramp::change_text;
use super::{DO_NOT_EDIT, Input};
use crate::model::{Criterion, FailurePolicy, FlagId, FlagState, Moment, PhaseId, Plan, TextItem};
use crate::plan_text::flag_setting;
use crate::simulate::timeline::{add_minutes, minutes};

/// When something is due as a checklist writes it: the date for a plan of whole days, else the
/// date and time in UTC (`2027-03-01 09:30 UTC`).
fn when(timed: bool, at: Moment) -> String {
    if timed {
        format!("{} UTC", at.human())
    } else {
        at.date().to_string()
    }
}

/// A task line: `- [ ] 2026-12-15 text`, or `open-ended` where the phase has no end date.
/// `text` is Markdown already: plan text in it went through [`item`], [`inline`] or [`code`].
fn task(out: &mut String, date: Option<&str>, text: &str) {
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

/// A section of plan items, one task each; no heading when there are none.
fn item_section<'a>(
    out: &mut String,
    title: &str,
    date: Option<&str>,
    texts: impl IntoIterator<Item = &'a TextItem>,
) {
    let mut texts = texts.into_iter().peekable();
    if texts.peek().is_none() {
        return;
    }
    section(out, title);
    for t in texts {
        task(out, date, &item(&t.text));
    }
}

/// Flip lines from `from` to `to` in the proven order (declaration order when none is known),
/// leaving out the flags in `decide` (optional values, which get a "decide" box instead).
fn flips(
    out: &mut String,
    plan: &Plan,
    date: Option<&str>,
    order: Option<&[FlagId]>,
    (from, to): (&FlagState, &FlagState),
    decide: &[FlagId],
) {
    let changed = from.changed_flags(to);
    let order: Vec<FlagId> = order
        .map_or(changed, <[FlagId]>::to_vec)
        .into_iter()
        .filter(|f| !decide.contains(f))
        .collect();
    if order.is_empty() && decide.is_empty() {
        let _ = writeln!(out, "No flag changes.");
    }
    for f in order {
        task(out, date, &change_text(plan, f, (from, to), &code));
    }
}

/// The monitors' items, from the phase's first day.
fn monitoring(plan: &Plan, start: Option<&str>, out: &mut String) {
    if !plan.monitors.is_empty() {
        section(out, "Monitoring");
        for m in &plan.monitors {
            let watched: Vec<String> = m
                .metrics
                .iter()
                .map(|id| code(&plan.metric(*id).name))
                .collect();
            let suffix = if watched.is_empty() {
                String::new()
            } else {
                format!(" (watch {})", watched.join(", "))
            };
            for i in &m.items {
                task(
                    out,
                    start,
                    &format!("{}: {}{suffix}", inline(&m.title), item(&i.text)),
                );
            }
        }
    }
}

/// The success gates with their thresholds, on the day they are evaluated.
fn gates(plan: &Plan, p: &crate::model::Phase, end: Option<&str>, out: &mut String) {
    if p.gates.is_empty() {
        return;
    }
    section(out, "Success gates");
    for g in &p.gates {
        let test = match &g.criterion {
            Criterion::Metric {
                metric,
                op,
                threshold,
            } => code(&format!(
                "{} {} {threshold}",
                plan.metric(*metric).name,
                op.symbol()
            )),
            Criterion::Manual => format!("{}, checked by a person", code(&g.id)),
        };
        let line = match &g.text {
            Some(t) => format!("{} ({test})", item(t)),
            None => test,
        };
        task(out, end, &line);
    }
}

/// One phase's section.
fn body(input: &Input<'_>, phase: PhaseId, out: &mut String) {
    let plan = input.plan();
    let p = plan.phase(phase);
    let timed = input.timeline().timed;
    let window = input.timeline().phases.get(phase.0);
    let (start_at, end_at) = (window.map(|w| w.start), window.and_then(|w| w.end));
    let start = start_at.map(|s| when(timed, s));
    let end = end_at.map(|e| when(timed, e));
    let (start, end) = (start.as_deref(), end.as_deref());
    let _ = write!(
        out,
        "\n## Phase {} · {} ({})\n\n",
        phase.0 + 1,
        inline(&p.title),
        code(&p.id)
    );
    match (start_at, end_at) {
        (Some(s), Some(e)) if timed => {
            let _ = writeln!(
                out,
                "Runs {} to {} ({}); the gates are evaluated at {}.",
                when(timed, s),
                when(timed, e),
                p.duration,
                when(timed, e),
            );
        }
        (Some(s), Some(e)) => {
            let _ = writeln!(
                out,
                "Runs {} to {} ({}); the gates are evaluated on {}.",
                s.date(),
                add_minutes(e, -1).date(),
                p.duration,
                e.date()
            );
        }
        (Some(s), None) => {
            let _ = writeln!(out, "Starts {} and runs open-ended.", when(timed, s));
        }
        _ => {
            let _ = writeln!(out, "Not reached in the planned timeline.");
        }
    }

    item_section(
        out,
        "Before the phase",
        start,
        plan.notify_before.iter().chain(&p.notify_before),
    );

    section(out, "Flag changes, one at a time in this order");
    let previous = if phase.0 == 0 {
        &plan.initial
    } else {
        &plan.phases[phase.0 - 1].planned
    };
    let config = input.phase_config(phase);
    let decide: Vec<FlagId> = config.optional.iter().map(|o| o.flag).collect();
    flips(
        out,
        plan,
        start,
        input.advance_order(phase),
        (previous, &p.planned),
        &decide,
    );
    for o in &config.optional {
        let otherwise: Vec<String> = o
            .otherwise
            .iter()
            .map(|s| code(&flag_setting(plan, o.flag, s)))
            .collect();
        let reason = o
            .reason
            .as_deref()
            .map_or(String::new(), |r| format!(" ({})", inline(r)));
        let text = format!(
            "Decide whether to set {} to {}{reason}: it is optional; if not, it stays {}",
            code(&plan.flag(o.flag).name),
            code(&flag_setting(plan, o.flag, p.planned.get(o.flag))),
            otherwise.join(" or ")
        );
        task(out, start, &text);
    }

    item_section(out, "Activities", start, &p.activities);

    monitoring(plan, start, out);

    item_section(
        out,
        "Validation",
        end,
        plan.validation.iter().chain(&p.checks),
    );

    gates(plan, p, end, out);

    item_section(
        out,
        "After the phase",
        end,
        plan.notify_after.iter().chain(&p.notify_after),
    );

    failure(input, phase, end_at, out);
}

/// What to do when a gate fails: the policy in words, contingency, rollback steps and flips.
fn failure(input: &Input<'_>, phase: PhaseId, end_at: Option<Moment>, out: &mut String) {
    let plan = input.plan();
    let timed = input.timeline().timed;
    let end = end_at.map(|e| when(timed, e));
    let end = end.as_deref();
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
            let extended = minutes(by).saturating_mul(i64::from(max));
            let _ = writeln!(
                out,
                "Extend the phase by {by}, at most {max} time{}; then roll back to {}.\n",
                if max == 1 { "" } else { "s" },
                code(plan.target_name(to))
            );
            Some(end_at.map(|e| when(timed, add_minutes(e, extended))))
        }
        FailurePolicy::Rollback { to } => {
            let _ = writeln!(out, "Roll back to {}.\n", code(plan.target_name(to)));
            Some(end.map(str::to_owned))
        }
    };
    for c in &plan.contingency {
        task(out, end, &item(&c.text));
    }
    let (Some(day), Some(target)) = (rollback_day, p.on_fail.rollback_target()) else {
        return;
    };
    section(out, "Rollback");
    for s in &plan.rollback_steps {
        task(out, day.as_deref(), &item(&s.text));
    }
    let _ = writeln!(
        out,
        "\nFlag changes back to {}, one at a time in this order:\n",
        code(plan.target_name(target))
    );
    flips(
        out,
        plan,
        day.as_deref(),
        input.rollback_order(phase),
        (&p.planned, plan.target_state(target)),
        &[],
    );
}

/// One phase's checklist file.
pub(super) fn phase(input: &Input<'_>, phase: PhaseId) -> String {
    let plan = input.plan();
    let p = plan.phase(phase);
    let mut out = format!(
        "<!-- {}: phase {} `{}`; {DO_NOT_EDIT} -->\n# {}: {}\n",
        comment(&input.source),
        phase.0 + 1,
        p.id,
        inline(plan.title.as_deref().unwrap_or(&plan.name)),
        inline(&p.title)
    );
    body(input, phase, &mut out);
    out
}

/// The whole plan's checklist: an overview, then every phase.
pub(super) fn whole(input: &Input<'_>) -> String {
    let plan = input.plan();
    let mut out = format!(
        "<!-- {}: every phase; {DO_NOT_EDIT} -->\n# {} ({})\n\n",
        comment(&input.source),
        inline(plan.title.as_deref().unwrap_or(&plan.name)),
        code(&plan.name)
    );
    if let Some(owner) = &plan.owner {
        let _ = writeln!(out, "Owner: {}.", inline(owner));
    }
    let timed = input.timeline().timed;
    let _ = writeln!(
        out,
        "Planned start: {}.\n",
        when(timed, input.timeline().start)
    );
    // Whole days show a phase's first and last day; times show when it starts and ends.
    let _ = writeln!(
        out,
        "| # | Phase | {} |\n|---|---|---|---|",
        if timed {
            "Starts | Ends"
        } else {
            "First day | Last day"
        }
    );
    for (i, p) in plan.phases.iter().enumerate() {
        let window = input.timeline().phases.get(i);
        let start = window.map_or_else(|| "not reached".to_owned(), |w| when(timed, w.start));
        let end = window.and_then(|w| w.end).map_or_else(
            || "open-ended".to_owned(),
            |e| {
                if timed {
                    when(timed, e)
                } else {
                    add_minutes(e, -1).date().to_string()
                }
            },
        );
        let _ = writeln!(
            out,
            "| {} | {} ({}) | {start} | {end} |",
            i + 1,
            inline(&p.title),
            code(&p.id)
        );
    }
    for i in 0..plan.phases.len() {
        body(input, PhaseId(i), &mut out);
    }
    out
}
