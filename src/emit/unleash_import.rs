//! `--target unleash-import`: the Unleash Admin API's export/import document (the `data` of
//! `POST /api/admin/features-batch/import`, and what `features-batch/export` answers), so a
//! team can import a phase by hand in the Unleash UI. Its features carry the plan's
//! descriptions, its strategies are those of `--target unleash` (constraints for scoped
//! values, variants for non-boolean values), and `featureEnvironments` switch each flag on or
//! off in the `development` environment (the UI's import picks the environment). The server
//! refuses unknown fields, so unlike the bootstrap document it carries no `_meta` header.

use serde_json::{Value as Json, json};

use super::setting::pretty;
use super::{Config, EmitError, Input};
use crate::model::{Condition, FlagId, Setting};

/// The environment the document's `featureEnvironments` name.
const ENVIRONMENT: &str = "development";

/// The attributes the configuration's constraints test and its shares bucket by, as context
/// fields; a bucketing attribute is a custom stickiness, which Unleash offers only for fields
/// marked `stickiness`.
fn context_fields(input: &Input<'_>, config: &Config<'_>) -> Vec<Json> {
    let plan = input.plan();
    let mut used: Vec<(usize, bool)> = config
        .state
        .iter()
        .flat_map(|s| match s {
            Setting::Fixed(_) => Vec::new(),
            Setting::Scoped { rules, .. } => rules
                .iter()
                .flat_map(|r| {
                    let tested = r
                        .condition
                        .iter()
                        .flat_map(Condition::attributes)
                        .map(|a| (a.0, false));
                    let bucketed = r
                        .rollout
                        .map(|o| (plan.bucketing_attribute(o.bucketing).0, true));
                    tested.chain(bucketed).collect::<Vec<_>>()
                })
                .collect(),
        })
        .collect();
    // One entry per attribute, marked for stickiness if any share buckets by it.
    used.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    used.dedup_by_key(|(a, _)| *a);
    used.into_iter()
        .map(|(a, stickiness)| {
            let attribute = &plan.attributes[a];
            json!({
                "name": attribute.name,
                "description": attribute.description.clone().unwrap_or_default(),
                "legalValues": [],
                "stickiness": stickiness,
            })
        })
        .collect()
}

/// The import document of one configuration.
pub(super) fn value(input: &Input<'_>, config: &Config<'_>) -> Result<Json, EmitError> {
    let plan = input.plan();
    let mut features = Vec::new();
    let mut strategies = Vec::new();
    let mut environments = Vec::new();
    for (i, (flag, setting)) in plan.flags.iter().zip(config.state.iter()).enumerate() {
        features.push(json!({
            "name": flag.name,
            "description": flag.description.clone().unwrap_or_default(),
            "type": "release",
            "project": "default",
            "stale": false,
            "impressionData": false,
            "archived": false,
        }));
        let own = super::unleash::strategies(plan, &flag.name, setting)
            .map_err(|why| super::unleash::refused(plan, config, FlagId(i), &why))?;
        environments.push(json!({
            "name": flag.name,
            "featureName": flag.name,
            "environment": ENVIRONMENT,
            "enabled": !own.is_empty(),
            "variants": [],
        }));
        for (i, mut s) in own.into_iter().enumerate() {
            s["featureName"] = json!(flag.name);
            s["title"] = Json::Null;
            s["disabled"] = json!(false);
            s["sortOrder"] = json!(i);
            strategies.push(s);
        }
    }
    Ok(json!({
        "features": features,
        "featureStrategies": strategies,
        "featureEnvironments": environments,
        "contextFields": context_fields(input, config),
        "featureTags": [],
        "segments": [],
        "tagTypes": [],
        "dependencies": [],
    }))
}

pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> Result<String, EmitError> {
    Ok(pretty(&value(input, config)?))
}
