//! Hover: what a name stands for, as Markdown. From the resolved plan when there is one (a
//! flag's value in every phase, a phase's dates and policy, a metric's gates); from the
//! declaration as written when the plan does not resolve (a half-typed item elsewhere).

use std::fmt::Write as _;

use super::index::{Declaration, Index, Kind};
use crate::model::{Criterion, FailurePolicy, FlagId, MetricId, PhaseId, Plan, RollbackTarget};
use crate::plan_text;
use crate::simulate::timeline::{self, Calendar};

/// The hover text for `name` of `kind`, or `None` when it is not declared.
pub(super) fn hover(index: &Index, plan: Option<&Plan>, kind: Kind, name: &str) -> Option<String> {
    let declared = index.declaration(kind, name)?;
    let resolved = plan.and_then(|plan| match kind {
        Kind::Flag => plan.flag_named(name).map(|f| flag(plan, f)),
        Kind::Phase => plan.phase_named(name).map(|p| phase(plan, p)),
        Kind::Metric => plan.metric_named(name).map(|m| metric(plan, m)),
        _ => None,
    });
    Some(resolved.unwrap_or_else(|| as_written(declared)))
}

/// The declaration as written: `flag checkout.v2: bool = false`.
fn as_written(d: &Declaration) -> String {
    let space = if d.detail.starts_with(':') { "" } else { " " };
    let mut out = format!(
        "```roll\n{} {}{space}{}\n```",
        d.kind.word(),
        d.name,
        d.detail
    );
    if !d.gates.is_empty() {
        out.push_str("\n\ngates:\n");
        for (_, text) in &d.gates {
            let _ = writeln!(out, "- `{text}`");
        }
    }
    out
}

fn flag(plan: &Plan, id: FlagId) -> String {
    let f = plan.flag(id);
    let mut out = format!("```roll\nflag {}: {} = {}\n```\n", f.name, f.ty, f.initial);
    if let Some(d) = &f.description {
        let _ = writeln!(out, "\n{d}");
    }
    let _ = writeln!(
        out,
        "\n| phase | value |\n|---|---|\n| before the rollout | `{}` |",
        f.initial
    );
    for phase in &plan.phases {
        let planned = plan_text::setting(plan, phase.planned.get(id));
        let mut note = String::new();
        if let Some(a) = phase.assignment_of(id) {
            note.push_str(if a.optional.is_some() {
                " (set here, optional)"
            } else {
                " (set here)"
            });
        }
        let mut others: Vec<String> = phase
            .variants
            .iter()
            .map(|v| plan_text::setting(plan, v.state.get(id)))
            .filter(|s| *s != planned)
            .collect();
        others.sort();
        others.dedup();
        for other in others {
            let _ = write!(note, " or `{other}` if an optional value is skipped");
        }
        let _ = writeln!(out, "| {} | `{planned}`{note} |", phase.id);
    }
    out
}

fn phase(plan: &Plan, id: PhaseId) -> String {
    let p = plan.phase(id);
    let mut out = format!(
        "```roll\nphase {} {:?}\n```\n\nduration: `{}`",
        p.id, p.title, p.duration
    );
    if let Some(start) = plan.start {
        let window = &timeline::planned(plan, start, Calendar::Calendar).phases;
        if let Some(w) = window.iter().find(|w| w.phase == id) {
            match w.end {
                Some(end) => {
                    let _ = write!(out, "\n\nplanned: {} to {end} (exclusive)", w.start);
                }
                None => {
                    let _ = write!(out, "\n\nplanned: from {}", w.start);
                }
            }
        }
    } else {
        out.push_str("\n\nplanned: no dates (the plan has no `start`)");
    }
    if p.gates.is_empty() {
        out.push_str("\n\ngates: none");
    } else {
        out.push_str("\n\ngates:\n");
        for g in &p.gates {
            let line = match &g.criterion {
                Criterion::Metric { op, threshold, .. } => match g.window {
                    Some(w) => format!("{} {} {threshold} over {}", g.id, op.symbol(), w.length),
                    None => format!("{} {} {threshold}", g.id, op.symbol()),
                },
                Criterion::Manual => g.id.clone(),
            };
            match &g.text {
                Some(text) => {
                    let _ = writeln!(out, "- `{line}`: {text}");
                }
                None => {
                    let _ = writeln!(out, "- `{line}`");
                }
            }
        }
    }
    let _ = write!(out, "\n\non failure: `{}`", policy(plan, p.on_fail));
    out
}

fn policy(plan: &Plan, policy: FailurePolicy) -> String {
    let target = |t: RollbackTarget| plan.target_name(t).to_owned();
    match policy {
        FailurePolicy::Extend { by } => format!("extend {by}"),
        FailurePolicy::ExtendThenRollback { by, max, to } => {
            format!("extend {by} max {max} then rollback {}", target(to))
        }
        FailurePolicy::Rollback { to } => format!("rollback {}", target(to)),
    }
}

fn metric(plan: &Plan, id: MetricId) -> String {
    let m = plan.metric(id);
    let mut out = format!("```roll\nmetric {}: {}\n```\n", m.name, m.unit.keyword());
    if let Some(d) = &m.description {
        let _ = writeln!(out, "\n{d}");
    }
    if let Some(q) = &m.query {
        let _ = writeln!(out, "\nPrometheus query: `{}`", q.text);
    }
    let uses: Vec<String> = plan
        .phases
        .iter()
        .flat_map(|p| p.gates.iter().map(move |g| (p, g)))
        .filter_map(|(p, g)| match &g.criterion {
            Criterion::Metric {
                metric,
                op,
                threshold,
            } if *metric == id => Some(format!(
                "- {}: `{} {} {threshold}`",
                p.id,
                m.name,
                op.symbol()
            )),
            _ => None,
        })
        .collect();
    if uses.is_empty() {
        out.push_str("\nno gate reads it");
    } else {
        let _ = write!(out, "\ngates:\n{}", uses.join("\n"));
    }
    out
}
