//! `--target json`: the machine contract (`docs/emit.schema.json`). Every phase's effective
//! flags keyed by full dotted name; a scoped value is `{"default", "rules"}`; optional values
//! and the rollback configuration beside them. JSON has no comments, so the header is the
//! `source` and `generated_by` fields.

use serde_json::{Map, Value as Json, json};

use super::setting::{by_flag, pretty, setting_json};
use super::{Config, ConfigKind, DO_NOT_EDIT, Input};
use crate::model::{FlagState, Plan};

fn flags(plan: &Plan, state: &FlagState) -> Json {
    Json::Object(by_flag(plan, state, |_, s| setting_json(plan, s)))
}

/// One phase entry of the contract.
fn phase_entry(input: &Input<'_>, config: &Config<'_>) -> Json {
    let plan = input.plan();
    let mut entry = json!({
        "id": config.id(plan),
        "title": config.title(plan),
        "flags": flags(plan, config.state),
    });
    if config.kind == ConfigKind::Phase {
        let window = input
            .timeline
            .as_ref()
            .and_then(|t| t.phases.get(config.phase.0));
        // Dates for a plan of whole days; UTC date-times for one with times.
        let timed = input.timeline.as_ref().is_some_and(|t| t.timed);
        let at = |m: crate::model::Moment| {
            json!(if timed {
                m.rfc3339()
            } else {
                m.date().to_string()
            })
        };
        entry["start"] = window.map_or(Json::Null, |w| at(w.start));
        entry["end"] = window.and_then(|w| w.end).map_or(Json::Null, at);
        let optional: Map<String, Json> = config
            .optional
            .iter()
            .map(|o| {
                (
                    plan.flag(o.flag).name.clone(),
                    json!({
                        "reason": o.reason,
                        "otherwise": o.otherwise.iter().map(|s| setting_json(plan, s)).collect::<Vec<_>>(),
                    }),
                )
            })
            .collect();
        entry["optional"] = Json::Object(optional);
        entry["rollback"] = input.rollback_config(config.phase).map_or(Json::Null, |r| {
            json!({
                "to": r.id(plan),
                "flags": flags(plan, r.state),
            })
        });
    }
    entry
}

fn wrap(input: &Input<'_>, phases: &[Json]) -> Json {
    json!({
        "plan": input.plan().name,
        "source": input.source,
        "generated_by": DO_NOT_EDIT,
        "phases": phases,
    })
}

/// A file of `--out`: the contract with the one configuration; a rollback file names the phase
/// it rolls back in `rollback_of`.
pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> String {
    let mut doc = wrap(input, &[phase_entry(input, config)]);
    if let ConfigKind::Rollback(_) = config.kind {
        doc["rollback_of"] = json!(input.plan().phase(config.phase).id);
    }
    pretty(&doc)
}

/// Every phase, in plan order.
pub(super) fn bundle(input: &Input<'_>) -> String {
    let phases: Vec<Json> = (0..input.plan().phases.len())
        .map(|p| phase_entry(input, &input.phase_config(crate::model::PhaseId(p))))
        .collect();
    pretty(&wrap(input, &phases))
}
