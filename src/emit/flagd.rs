//! `--target flagd`: the `OpenFeature` flagd flag-definition file (`flags` as a map, as the file
//! providers read it). Each flag lists the values it takes as variants; a scoped value becomes
//! a `JSONLogic` `if` over the context attribute. JSON has no comments, so the header is the
//! flag set's `metadata`. Flags carry only the fields the providers accept (`state`,
//! `variants`, `defaultVariant`, `targeting`, `metadata`): the Python provider refuses a whole
//! file over one unknown field.
//!
//! Comparisons are strict (`===`, `!==`): with `JSONLogic`'s loose `!=`, an absent attribute
//! (null) equals `false`, so `beta != false` would fail for a context without `beta`, while
//! the plan says it holds.
//!
//! `JSONLogic` reads `{"var": "http.method"}` as the path `http` → `method`, so with flagd a
//! dotted attribute is passed nested in the evaluation context (`docs/emit.md`).
//!
//! A share (`for 5% of early`) is a `fractional` split bucketed on the cohort's attribute,
//! salted by the cohort (or, for `by`, the flag): see [`outcome`].

use serde_json::{Map, Value as Json, json};

use super::setting::{by_flag, pretty};
use super::{Config, DO_NOT_EDIT, Input};
use crate::model::{
    Bucketing, Condition, ConditionTest, Percent, Plan, ScopedRule, Setting, Value,
};
use crate::syntax::ast::CmpOp;

/// The variant name of a value: `on`/`off` for booleans, the value itself otherwise.
fn variant(value: &Value) -> String {
    match value {
        Value::Bool(true) => "on".to_owned(),
        Value::Bool(false) => "off".to_owned(),
        Value::Int(n) => n.to_string(),
        // flagd refuses an empty variant name (schema `^.{1,}$`), so the empty string's
        // variant is named by its literal: `""`.
        Value::String(s) if s.is_empty() => "\"\"".to_owned(),
        Value::String(s) => s.clone(),
    }
}

/// A condition as `JSONLogic`: `and`, `or` and `!` as in the plan; a numeric comparison is
/// guarded by the attribute's presence (`JSONLogic` reads an absent attribute as null, which
/// `<` would take for 0).
fn condition(plan: &Plan, c: &Condition) -> Json {
    match c {
        Condition::Test { attribute, test } => {
            let var = json!({"var": plan.attribute(*attribute).name});
            match test {
                ConditionTest::Compare { op, value } => match op {
                    CmpOp::Eq => json!({"===": [var, value.to_json()]}),
                    CmpOp::Ne => json!({"!==": [var, value.to_json()]}),
                    _ => json!({"and": [
                        {"!==": [var, null]},
                        { (op.symbol()): [var, value.to_json()] },
                    ]}),
                },
                ConditionTest::In(values) => {
                    json!({"in": [var, values.iter().map(Value::to_json).collect::<Vec<_>>()]})
                }
            }
        }
        Condition::Not(inner) => json!({"!": [condition(plan, inner)]}),
        Condition::All(parts) => {
            json!({"and": parts.iter().map(|p| condition(plan, p)).collect::<Vec<_>>()})
        }
        Condition::Any(parts) => {
            json!({"or": parts.iter().map(|p| condition(plan, p)).collect::<Vec<_>>()})
        }
    }
}

/// The units a rollout buckets: the same expression for every flag of a cohort, so that they
/// share buckets; the flag's own for `by`. flagd hashes the expression's value (murmur3 of its
/// CBOR encoding in the pinned Python provider), never the flag key, unless told to.
fn bucket_key(plan: &Plan, bucketing: Bucketing) -> Json {
    let attribute = &plan.attribute(plan.bucketing_attribute(bucketing)).name;
    let salt = match bucketing {
        Bucketing::Cohort(c) => format!("cohort:{}:", plan.cohort(c).name),
        Bucketing::Flag { flag, .. } => format!("flag:{}:", plan.flag(flag).name),
    };
    json!({"cat": [salt, {"var": attribute}]})
}

/// What a rule gives: its value's variant, or, with a share, a `fractional` split whose first
/// bucket is the rule's value. The weights are thousandths of a percent and always total
/// 100,000, so a unit's bucket (`hash × 100,000 >> 32`) does not depend on the share: a larger
/// share of the same bucketing holds every unit of a smaller one, down to 0.001%.
fn outcome(plan: &Plan, rule: &ScopedRule, default: &Value) -> Json {
    match rule.rollout {
        Some(r) if rule.value != *default && r.percent != Percent::ALL => {
            let inside = r.percent.thousandths();
            json!({"fractional": [
                bucket_key(plan, r.bucketing),
                [variant(&rule.value), inside],
                [variant(default), Percent::ALL_THOUSANDTHS - inside],
            ]})
        }
        _ => json!(variant(&rule.value)),
    }
}

fn flag(plan: &Plan, setting: &Setting) -> Json {
    let mut variants = Map::new();
    let default = setting.default_value();
    variants.insert(variant(default), default.to_json());
    let mut out = json!({
        "state": "ENABLED",
        "defaultVariant": variant(default),
    });
    if let Setting::Scoped { rules, .. } = setting {
        let mut branches = Vec::new();
        let mut otherwise = json!(variant(default));
        for r in rules {
            variants.insert(variant(&r.value), r.value.to_json());
            if let Some(c) = &r.condition {
                branches.push(condition(plan, c));
                branches.push(outcome(plan, r, default));
            } else {
                // A rule without a condition always applies: the rules after it never do.
                otherwise = outcome(plan, r, default);
                break;
            }
        }
        if !branches.is_empty() {
            branches.push(otherwise);
            out["targeting"] = json!({ "if": branches });
        } else if otherwise.is_object() {
            out["targeting"] = otherwise;
        } else {
            // Every unit gets one value: a rule for all of them, written as the default.
            out["defaultVariant"] = otherwise;
        }
    }
    out["variants"] = Json::Object(variants);
    out
}

/// The flagd document of one configuration.
pub(super) fn value(input: &Input<'_>, config: &Config<'_>) -> Json {
    let plan = input.plan();
    let flags = by_flag(plan, config.state, |_, s| flag(plan, s));
    json!({
        "$schema": "https://flagd.dev/schema/v0/flags.json",
        "metadata": {
            "flagSetId": plan.name,
            "source": input.source,
            "phase": config.describe(plan),
            "generatedBy": DO_NOT_EDIT,
        },
        "flags": flags,
    })
}

pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> String {
    pretty(&value(input, config))
}

#[cfg(test)]
mod tests {
    use super::variant;
    use crate::model::Value;

    /// flagd's schema requires non-empty variant names; the empty string value once produced
    /// `""` as a name (the real flagd client caught it in `.ci/clients.sh`).
    #[test]
    fn every_value_gets_a_non_empty_distinct_variant_name() {
        let values = [
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(0),
            Value::String(String::new()),
            Value::String("GET".into()),
        ];
        let names: Vec<String> = values.iter().map(variant).collect();
        assert!(names.iter().all(|n| !n.is_empty()), "{names:?}");
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{names:?}");
    }
}
