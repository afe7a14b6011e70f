//! What every target shares: a setting as the JSON contract writes it, as the plan writes it,
//! the header lines, and the flag names as a tree of tables for the nested formats.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use super::{Config, DO_NOT_EDIT, EmitError, Input};
use crate::model::{
    Bucketing, Condition, ConditionTest, Flag, FlagId, FlagState, Percent, Plan, ScopedRule,
    Setting,
};

/// A JSON object keyed by flag name, in declaration order: `value` of each flag and its
/// setting in `state`. The flag documents of the JSON, flagd and `LaunchDarkly` targets.
pub(super) fn by_flag(
    plan: &Plan,
    state: &FlagState,
    value: impl Fn(&Flag, &Setting) -> Json,
) -> Map<String, Json> {
    plan.flags
        .iter()
        .zip(state.iter())
        .map(|(f, s)| (f.name.clone(), value(f, s)))
        .collect()
}

/// A setting in the JSON contract: a plain value, or `{"default": …, "rules": [{"when": …,
/// "value": …, "percent": …, "bucketing": …}]}` for a scoped one. `when` is left out where the
/// rule applies everywhere, `percent` and `bucketing` where every unit gets the rule's value.
pub(super) fn setting_json(plan: &Plan, setting: &Setting) -> Json {
    match setting {
        Setting::Fixed(v) => v.to_json(),
        Setting::Scoped { rules, default } => json!({
            "default": default.to_json(),
            "rules": rules.iter().map(|r| rule_json(plan, r)).collect::<Vec<_>>(),
        }),
    }
}

fn rule_json(plan: &Plan, rule: &ScopedRule) -> Json {
    let mut out = Map::new();
    if let Some(c) = &rule.condition {
        out.insert("when".to_owned(), condition_json(plan, c));
    }
    out.insert("value".to_owned(), rule.value.to_json());
    if let Some(r) = &rule.rollout {
        out.insert("percent".to_owned(), percent_json(r.percent));
        out.insert("bucketing".to_owned(), bucketing_json(plan, r.bucketing));
    }
    Json::Object(out)
}

/// A share as a JSON number of percent: `5`, `0.5`, `12.125` (at most three decimals).
pub(super) fn percent_json(percent: Percent) -> Json {
    let thousandths = percent.thousandths();
    if thousandths % 1000 == 0 {
        json!(thousandths / 1000)
    } else {
        json!(f64::from(thousandths) / 1000.0)
    }
}

/// `{"attribute": "user.id", "cohort": "early"}` for `of early`; `{"attribute": "user.id"}`
/// for `by user.id`, the flag's own bucketing.
fn bucketing_json(plan: &Plan, bucketing: Bucketing) -> Json {
    let attribute = &plan.attribute(plan.bucketing_attribute(bucketing)).name;
    match bucketing {
        Bucketing::Cohort(c) => json!({"attribute": attribute, "cohort": plan.cohort(c).name}),
        Bucketing::Flag { .. } => json!({"attribute": attribute}),
    }
}

/// `{"attribute": "http.method", "op": "==", "value": "GET"}` (`in` takes a list; `op` is
/// one of `==`, `!=`, `in`, `<`, `<=`, `>`, `>=`), or a compound condition: `{"all": [...]}`,
/// `{"any": [...]}`, `{"not": {...}}`.
pub(super) fn condition_json(plan: &Plan, c: &Condition) -> Json {
    match c {
        Condition::Test { attribute, test } => {
            let attribute = &plan.attribute(*attribute).name;
            match test {
                ConditionTest::Compare { op, value } => json!({
                    "attribute": attribute,
                    "op": op.symbol(),
                    "value": value.to_json(),
                }),
                ConditionTest::In(values) => json!({
                    "attribute": attribute,
                    "op": "in",
                    "value": values.iter().map(crate::model::Value::to_json).collect::<Vec<_>>(),
                }),
            }
        }
        Condition::Not(inner) => json!({ "not": condition_json(plan, inner) }),
        Condition::All(parts) => {
            json!({ "all": parts.iter().map(|p| condition_json(plan, p)).collect::<Vec<_>>() })
        }
        Condition::Any(parts) => {
            json!({ "any": parts.iter().map(|p| condition_json(plan, p)).collect::<Vec<_>>() })
        }
    }
}

/// The two header comment lines (without the comment marker).
pub(super) fn header(input: &Input<'_>, config: &Config<'_>) -> [String; 2] {
    [
        format!("{}: {}", input.source, config.describe(input.plan())),
        DO_NOT_EDIT.to_owned(),
    ]
}

/// The header comment lines of a stdout bundle of every phase.
pub(super) fn bundle_header(input: &Input<'_>) -> [String; 2] {
    [
        format!("{}: every phase", input.source),
        DO_NOT_EDIT.to_owned(),
    ]
}

/// The comment that marks an optional value: `optional (based on stability): otherwise true`.
pub(super) fn optional_note(plan: &Plan, config: &Config<'_>, flag: FlagId) -> Option<String> {
    let o = config.optional.iter().find(|o| o.flag == flag)?;
    let otherwise: Vec<String> = o
        .otherwise
        .iter()
        .map(|s| crate::plan_text::setting(plan, s))
        .collect();
    Some(match &o.reason {
        Some(r) => format!("optional ({r}): otherwise {}", otherwise.join(" or ")),
        None => format!("optional: otherwise {}", otherwise.join(" or ")),
    })
}

/// A flag name's dotted path as nested tables: `entity.enabled` is key `enabled` in table
/// `entity`.
#[derive(Debug, Default)]
pub(super) struct Tree {
    pub(super) leaves: BTreeMap<String, FlagId>,
    pub(super) tables: BTreeMap<String, Tree>,
}

impl Tree {
    /// Every flag of the plan; a flag whose name is also the table of another flag cannot be
    /// written in a nested format.
    pub(super) fn of(plan: &Plan, format: &str) -> Result<Tree, EmitError> {
        let mut root = Tree::default();
        for (i, flag) in plan.flags.iter().enumerate() {
            let parts: Vec<&str> = flag.name.split('.').collect();
            let (last, path) = parts.split_last().expect("split yields one part at least");
            let mut node = &mut root;
            for (depth, part) in path.iter().enumerate() {
                if node.leaves.contains_key(*part) {
                    return Err(clash(
                        format,
                        &parts[..=depth].join("."),
                        &flag.name,
                        flag.span,
                    ));
                }
                node = node.tables.entry((*part).to_owned()).or_default();
            }
            if node.tables.contains_key(*last) {
                let other = plan
                    .flags
                    .iter()
                    .find(|f| f.name.starts_with(&format!("{}.", flag.name)))
                    .map_or(flag.name.as_str(), |f| f.name.as_str());
                return Err(clash(format, &flag.name, other, flag.span));
            }
            node.leaves.insert((*last).to_owned(), FlagId(i));
        }
        Ok(root)
    }
}

fn clash(format: &str, value: &str, nested: &str, span: crate::source::Span) -> EmitError {
    EmitError {
        problem: crate::diagnostic::problem::EmitProblem::TableClash {
            format: format.to_owned(),
            value: value.to_owned(),
            nested: nested.to_owned(),
        },
        span,
    }
}

/// JSON, pretty, with a final newline: `serde_json` sorts object keys, so the bytes are stable.
/// Hidden characters (DEL, C1, bidirectional controls) are `\uXXXX` escapes, as C0 already are.
pub(super) fn pretty(value: &Json) -> String {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    let mut text = crate::escape::json(&text).into_owned();
    text.push('\n');
    text
}

/// The stdout document of the client formats: `{"plan", "source", "generated_by", "phases":
/// [{"id", "title", "document"}]}`, each `document` being exactly the phase's file.
pub(super) fn json_bundle(
    input: &Input<'_>,
    configs: &[Config<'_>],
    document: fn(&Input<'_>, &Config<'_>) -> Result<Json, EmitError>,
) -> Result<String, EmitError> {
    let phases = configs
        .iter()
        .map(|c| {
            Ok(json!({
                "id": c.id(input.plan()),
                "title": c.title(input.plan()),
                "document": document(input, c)?,
            }))
        })
        .collect::<Result<Vec<Json>, EmitError>>()?;
    Ok(pretty(&json!({
        "plan": input.plan().name,
        "source": input.source,
        "generated_by": DO_NOT_EDIT,
        "phases": phases,
    })))
}

/// A string in double quotes with JSON escapes, which TOML basic strings and YAML
/// double-quoted scalars read the same way. Every character TOML or a YAML 1.1 reader refuses
/// raw (controls, DEL, C1) or could take for a line break (NEL, the Unicode separators) is a
/// `\uXXXX` escape.
pub(super) fn quoted(s: &str) -> String {
    crate::escape::json(&serde_json::to_string(s).expect("strings serialise")).into_owned()
}

/// A `#` comment line (TOML, YAML, env): plan text in it is kept on its line, so that a line
/// break in a title or a file name cannot end the comment and start a setting.
pub(super) fn comment(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    out.push_str("# ");
    out.push_str(&crate::escape::one_line(text));
    out.push('\n');
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;

    use crate::emit::logic::tests::condition;
    use crate::model::{Bucketing, CohortId, Percent, Rollout, ScopedRule, Setting, Value};

    /// Settings with up to five rules over two attributes and integer values: some rules
    /// without a condition, some with a share of one of two bucketings.
    pub(in crate::emit) fn settings_with_shares() -> impl Strategy<Value = Setting> {
        let rollout = (1..=Percent::ALL_THOUSANDTHS, 0..2usize).prop_map(|(p, b)| Rollout {
            percent: Percent::from_thousandths(p).expect("in range"),
            bucketing: Bucketing::Cohort(CohortId(b)),
        });
        let rule = (
            proptest::option::of(condition()),
            0..4i64,
            proptest::option::of(rollout),
        )
            .prop_map(|(condition, v, rollout)| ScopedRule {
                condition,
                value: Value::Int(v),
                rollout,
            });
        prop_oneof![
            (0..4i64).prop_map(|v| Setting::Fixed(Value::Int(v))),
            (proptest::collection::vec(rule, 1..6), 0..4i64).prop_map(|(rules, d)| {
                Setting::Scoped {
                    rules,
                    default: Value::Int(d),
                }
            }),
        ]
    }
}
