//! The plan's constructs as the short text the diff compares and shows: settings with their
//! scopes, formulas with flag names, failure policies, durations. Comparing these texts rather
//! than ids is what lets two separately compiled plans be compared at all (their `FlagId`s and
//! `PhaseId`s need not agree).

use std::fmt::Write as _;

use crate::model::{
    Criterion, FailurePolicy, FlagId, Formula, Gate, InconclusiveAction, Phase, Plan,
    RollbackTarget,
};

/// A phase's effective value of a flag, `optional` when some variant of the phase leaves it
/// as it was (an optional `set` of this phase or of an earlier one not overridden since).
pub(crate) fn effective(plan: &Plan, phase: &Phase, flag: FlagId) -> String {
    let mut text = crate::plan_text::setting(plan, phase.planned.get(flag));
    let optional = phase
        .variants
        .iter()
        .any(|v| v.skipped.iter().any(|(_, f)| *f == flag));
    if optional {
        text.push_str(" (optional)");
    }
    text
}

/// The phase's own `set` of a flag, or `None` when it inherits it.
pub(crate) fn own_assignment(plan: &Plan, phase: &Phase, flag: FlagId) -> Option<String> {
    phase.assignment_of(flag).map(|a| {
        let mut text = crate::plan_text::setting(plan, &a.setting);
        if a.optional.is_some() {
            text.push_str(" optional");
        }
        text
    })
}

/// A formula with flag names, fully parenthesised below the top level so that two formulas
/// print the same exactly when they are the same tree.
pub(crate) fn formula(plan: &Plan, f: &Formula) -> String {
    let mut out = String::new();
    write_formula(plan, f, &mut out, false);
    out
}

fn write_formula(plan: &Plan, f: &Formula, out: &mut String, nested: bool) {
    let join = |parts: &[Formula], op: &str, out: &mut String| {
        if nested {
            out.push('(');
        }
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                let _ = write!(out, " {op} ");
            }
            write_formula(plan, p, out, true);
        }
        if nested {
            out.push(')');
        }
    };
    match f {
        Formula::Const(b) => {
            let _ = write!(out, "{b}");
        }
        Formula::Flag(flag) => out.push_str(&plan.flag(*flag).name),
        Formula::Compare { flag, op, value } => {
            let _ = write!(out, "{} {} {value}", plan.flag(*flag).name, op.symbol());
        }
        Formula::Not(inner) => {
            out.push('!');
            write_formula(plan, inner, out, true);
        }
        Formula::And(parts) => join(parts, "&&", out),
        Formula::Or(parts) => join(parts, "||", out),
        Formula::Implies(a, b) => {
            if nested {
                out.push('(');
            }
            write_formula(plan, a, out, true);
            out.push_str(" -> ");
            write_formula(plan, b, out, true);
            if nested {
                out.push(')');
            }
        }
    }
}

/// `extend 1w max 2 then rollback read_only`; rollback targets by the id `rename` gives them.
pub(crate) fn policy(plan: &Plan, p: FailurePolicy, rename: &dyn Fn(&str) -> String) -> String {
    let target = |t: RollbackTarget| match t {
        RollbackTarget::Start => "start".to_owned(),
        RollbackTarget::Phase(id) => rename(&plan.phase(id).id),
    };
    match p {
        FailurePolicy::Extend { by } => format!("extend {by}"),
        FailurePolicy::ExtendThenRollback { by, max, to } => {
            format!("extend {by} max {max} then rollback {}", target(to))
        }
        FailurePolicy::Rollback { to } => format!("rollback {}", target(to)),
    }
}

/// A gate's criterion: `error_rate < 0.1%`, or `manual: "text"`.
pub(crate) fn criterion(plan: &Plan, gate: &Gate) -> String {
    match &gate.criterion {
        Criterion::Manual => match &gate.text {
            Some(t) => format!("manual: {t:?}"),
            None => "manual".to_owned(),
        },
        Criterion::Metric {
            metric,
            op,
            threshold,
        } => format!("{} {} {threshold}", plan.metric(*metric).name, op.symbol()),
    }
}

pub(crate) fn inconclusive(action: InconclusiveAction) -> String {
    match action {
        InconclusiveAction::Wait(h) => format!("wait {h}"),
        InconclusiveAction::Extend => "extend".to_owned(),
        InconclusiveAction::Fail => "fail".to_owned(),
    }
}

/// `+3 days`, `4 days earlier`, `1 day later`.
pub(crate) fn shift(minutes: i64) -> String {
    let when = if minutes < 0 { "earlier" } else { "later" };
    format!("{} {when}", length(minutes.unsigned_abs()))
}

/// A length of minutes: `3 days` when whole days, else days, hours and minutes (`2h 30m`).
pub(crate) fn length(minutes: u64) -> String {
    let m = crate::model::Minutes(minutes);
    if m.is_whole_days() {
        let n = minutes / crate::model::Minutes::DAY.0;
        format!("{n} {}", if n == 1 { "day" } else { "days" })
    } else {
        m.spelled()
    }
}
