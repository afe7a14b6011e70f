//! Model values written back the way a plan writes them (`true when http.method == "GET" else
//! false`), for every consumer that shows a setting to people: emit's checklists, the
//! simulator's reports, diff and graph labels. One writer keeps these texts identical, which
//! diff relies on when it compares two plans by text rather than by id.

use std::fmt::Write as _;

use crate::model::{Condition, ConditionTest, FlagId, FlagType, Plan, ScopedRule, Setting, Value};

/// `true`, or `true when http.method == "GET" else false`.
pub fn setting(plan: &Plan, setting: &Setting) -> String {
    match setting {
        Setting::Fixed(v) => v.to_string(),
        Setting::Scoped { rules, default } => {
            let rules: Vec<String> = rules
                .iter()
                .map(|r| {
                    rule(
                        plan,
                        r.value.to_string(),
                        r,
                        condition(plan, r.condition.as_ref()),
                    )
                })
                .collect();
            format!("{} else {default}", rules.join(", "))
        }
    }
}

/// A rule from its value and its condition as written: `true when region == "eu" for 25% of
/// early`.
fn rule(plan: &Plan, value: String, r: &ScopedRule, condition: Option<String>) -> String {
    let mut out = value;
    if let Some(condition) = condition {
        out.push_str(" when ");
        out.push_str(&condition);
    }
    if let Some(rollout) = &r.rollout {
        let _ = write!(
            out,
            " for {} {}",
            rollout.percent,
            plan.describe_bucketing(rollout.bucketing)
        );
    }
    out
}

/// `http.method == "GET"`, `region in ["eu", "us"]`, or a compound condition
/// (`region == "eu" && !(age < 18)`), values written untyped (enum variants quoted); `None` for
/// a rule that applies everywhere.
pub fn condition(plan: &Plan, c: Option<&Condition>) -> Option<String> {
    c.map(|c| written_condition(plan, c))
}

fn written_condition(plan: &Plan, c: &Condition) -> String {
    let mut out = String::new();
    write_condition(plan, c, &|_, v| v.to_string(), &mut out);
    out
}

/// A condition with values written by `value` (given the attribute's type): a test
/// (`region == "eu"`, `age < 18`, `region in ["eu", "us"]`), or tests under `&&`, `||` and `!`.
/// An `&&` or `||` inside another, and anything under `!` but another `!`, is parenthesised,
/// so the text parses back to the same condition.
fn write_condition(
    plan: &Plan,
    c: &Condition,
    value: &dyn Fn(&FlagType, &Value) -> String,
    out: &mut String,
) {
    let grouped = |inner: &Condition, out: &mut String| {
        if matches!(inner, Condition::Test { .. } | Condition::Not(_)) {
            write_condition(plan, inner, value, out);
        } else {
            out.push('(');
            write_condition(plan, inner, value, out);
            out.push(')');
        }
    };
    match c {
        Condition::Test { attribute, test } => {
            let a = plan.attribute(*attribute);
            out.push_str(&a.name);
            match test {
                ConditionTest::Compare { op, value: v } => {
                    let _ = write!(out, " {} {}", op.symbol(), value(&a.ty, v));
                }
                ConditionTest::In(values) => {
                    let list: Vec<String> = values.iter().map(|v| value(&a.ty, v)).collect();
                    let _ = write!(out, " in [{}]", list.join(", "));
                }
            }
        }
        Condition::Not(inner) => {
            out.push('!');
            if matches!(**inner, Condition::Not(_)) {
                write_condition(plan, inner, value, out);
            } else {
                out.push('(');
                write_condition(plan, inner, value, out);
                out.push(')');
            }
        }
        Condition::All(parts) | Condition::Any(parts) => {
            let op = if matches!(c, Condition::All(_)) {
                " && "
            } else {
                " || "
            };
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                grouped(p, out);
            }
        }
    }
}

/// A flag's setting as a plan writes it, knowing the types: enum variants bare (`learned`, not
/// `"learned"`), as in `set search.ranking = learned when region == "eu" else classic`.
pub fn flag_setting(plan: &Plan, flag: FlagId, setting: &Setting) -> String {
    let ty = &plan.flag(flag).ty;
    match setting {
        Setting::Fixed(v) => typed(ty, v),
        Setting::Scoped { rules, default } => {
            let rules: Vec<String> = rules
                .iter()
                .map(|r| {
                    let condition = r.condition.as_ref().map(|c| {
                        let mut when = String::new();
                        write_condition(plan, c, &typed, &mut when);
                        when
                    });
                    rule(plan, typed(ty, &r.value), r, condition)
                })
                .collect();
            format!("{} else {}", rules.join(", "), typed(ty, default))
        }
    }
}

pub fn typed(ty: &FlagType, value: &Value) -> String {
    match (ty, value) {
        (FlagType::Enum(_), Value::String(variant)) => variant.clone(),
        _ => value.to_string(),
    }
}
