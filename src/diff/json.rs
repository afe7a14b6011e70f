//! The diff for machines: one JSON document with both sides' check status and completion, every
//! change with its stable `kind` and `risk` names, and the summary flags CI reads (`changed`,
//! `risky`).

use serde_json::{Value, json};

use super::{PlanDiff, Scope, SideSummary};

pub fn render(d: &PlanDiff) -> String {
    let side = |s: &SideSummary| {
        json!({
            "label": s.label,
            "plan": s.plan,
            "check": {
                "passes": s.check.passes(),
                "errors": s.check.errors,
                "warnings": s.check.warnings,
                "messages": s.check.messages,
            },
            "completion": s.completion.map(|c| c.to_string()),
        })
    };
    let changes: Vec<Value> = d
        .changes
        .iter()
        .map(|c| {
            let (scope, phase) = match &c.scope {
                Scope::Plan => ("plan", None),
                Scope::Phase(id) => ("phase", Some(id.as_str())),
            };
            json!({
                "scope": scope,
                "phase": phase,
                "kind": c.kind.name(),
                "subject": c.subject,
                "old": c.old,
                "new": c.new,
                "note": c.note,
                "risk": c.risk.map(super::Risk::name),
            })
        })
        .collect();
    let mut value = json!({
        "old": side(&d.old),
        "new": side(&d.new),
        "undated": d.undated,
        "changed": !d.is_empty(),
        "risky": d.is_risky(),
        "completion_shift_days": d.completion_shift(),
        "changes": changes,
        "risks": d.risks().filter_map(|c| c.risk.map(super::Risk::name)).collect::<Vec<_>>(),
    });
    // A shift that is not whole days is also given exactly.
    if let Some(m) = d
        .completion_shift_minutes()
        .filter(|m| m % crate::model::DAY_MINUTES != 0)
    {
        value["completion_shift_minutes"] = json!(m);
    }
    crate::escape::json(&serde_json::to_string_pretty(&value).unwrap_or_default()).into_owned()
        + "\n"
}
