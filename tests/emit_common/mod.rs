//! Helpers shared by the `emit` tests: compiling plans, the model's settings as the JSON
//! contract writes them (built here independently of `src/emit`), and every plan in `plans/`.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::path::{Path, PathBuf};

use rollplan::emit::Input;
use rollplan::model::{Bucketing, Condition, ConditionTest, Date, Moment, Plan, Setting};
use rollplan::source::SourceMap;
use serde_json::{Value as Json, json};

pub(crate) const ROOT: &str = env!("CARGO_MANIFEST_DIR");

pub(crate) fn compile_text(name: &str, text: &str) -> rollplan::Compiled {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text.to_owned());
    match rollplan::compile(&sources, file) {
        Ok(c) => c,
        Err(e) => panic!("{name} does not compile: {e:?}"),
    }
}

/// Compiles a plan given by its path relative to the repository.
pub(crate) fn compile(relative: &str) -> rollplan::Compiled {
    let text = std::fs::read_to_string(Path::new(ROOT).join(relative)).unwrap();
    compile_text(relative, &text)
}

pub(crate) fn input<'a>(compiled: &'a rollplan::Compiled, name: &str) -> Input<'a> {
    // Plans without a start date get one, so the dated targets can be read back too.
    let start = compiled
        .plan
        .start
        .or(Some(Moment::midnight(Date::new(2026, 1, 1).unwrap())));
    Input::new(compiled, name.to_owned(), start)
}

/// Every `*.roll` under `plans/` (recursively) and the client-suite fixtures, relative paths.
pub(crate) fn all_plans() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "roll") {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(ROOT).join("plans"), &mut found);
    walk(&Path::new(ROOT).join("tests/clients/plans"), &mut found);
    found.sort();
    assert!(!found.is_empty());
    found
        .iter()
        .map(|p| p.strip_prefix(ROOT).unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The contract's form of a setting, written from the model's types.
pub(crate) fn setting_json(plan: &Plan, s: &Setting) -> Json {
    match s {
        Setting::Fixed(v) => v.to_json(),
        Setting::Scoped { rules, default } => json!({
            "default": default.to_json(),
            "rules": rules.iter().map(|r| {
                let mut rule = serde_json::Map::new();
                if let Some(condition) = &r.condition {
                    rule.insert("when".to_owned(), when_json(plan, condition));
                }
                rule.insert("value".to_owned(), r.value.to_json());
                if let Some(rollout) = &r.rollout {
                    let thousandths = rollout.percent.thousandths();
                    let percent = if thousandths % 1000 == 0 {
                        json!(thousandths / 1000)
                    } else {
                        json!(f64::from(thousandths) / 1000.0)
                    };
                    let bucketing = match rollout.bucketing {
                        Bucketing::Cohort(c) => json!({
                            "attribute": plan.attribute(plan.cohort(c).attribute).name,
                            "cohort": plan.cohort(c).name,
                        }),
                        Bucketing::Flag { attribute, .. } => {
                            json!({"attribute": plan.attribute(attribute).name})
                        }
                    };
                    rule.insert("percent".to_owned(), percent);
                    rule.insert("bucketing".to_owned(), bucketing);
                }
                Json::Object(rule)
            }).collect::<Vec<_>>(),
        }),
    }
}

/// A condition as the JSON contract writes it, from the model's types.
fn when_json(plan: &Plan, c: &Condition) -> Json {
    match c {
        Condition::Test { attribute, test } => {
            let attribute = &plan.attribute(*attribute).name;
            match test {
                ConditionTest::Compare { op, value } => {
                    json!({"attribute": attribute, "op": op.symbol(), "value": value.to_json()})
                }
                ConditionTest::In(values) => json!({
                    "attribute": attribute,
                    "op": "in",
                    "value": values.iter().map(rollplan::model::Value::to_json).collect::<Vec<_>>(),
                }),
            }
        }
        Condition::Not(inner) => json!({"not": when_json(plan, inner)}),
        Condition::All(parts) => {
            json!({"all": parts.iter().map(|p| when_json(plan, p)).collect::<Vec<_>>()})
        }
        Condition::Any(parts) => {
            json!({"any": parts.iter().map(|p| when_json(plan, p)).collect::<Vec<_>>()})
        }
    }
}

/// A flag state as `{"full.name": setting}`.
pub(crate) fn state_json(plan: &Plan, state: &rollplan::model::FlagState) -> Json {
    Json::Object(
        plan.flags
            .iter()
            .zip(&state.0)
            .map(|(f, s)| (f.name.clone(), setting_json(plan, s)))
            .collect(),
    )
}
