//! The property every emitted file keeps, whatever the plan's texts hold: read back by its
//! format's parser, it sets exactly the plan's flags (no key the plan did not set) to exactly
//! the plan's values, and the human formats hold no injected item, property or raw hidden
//! character. Shared by the proptest in `tests/emit_hostile.rs` and the `emit` fuzz target
//! (`fuzz/fuzz_targets/emit.rs` includes this file), so both check the same thing.

use std::collections::BTreeSet;

use rollplan::emit::{self, Config, Input, Target};
use rollplan::model::{Bucketing, Condition, ConditionTest, FlagId, PhaseId, Plan, Setting};
use serde_json::{Value as Json, json};

/// A setting as the JSON contract writes it, built from the model's types independently of
/// `src/emit` (`tests/emit_common/mod.rs` uses it too).
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

/// `{"full.name": setting}` of a configuration.
fn expected(plan: &Plan, config: &Config<'_>) -> serde_json::Map<String, Json> {
    plan.flags
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f.name.clone(),
                setting_json(plan, config.state.get(FlagId(i))),
            )
        })
        .collect()
}

/// Nested tables (TOML, YAML) flattened to `{"a.b": value}`; a scoped value's object is a leaf.
fn flatten(prefix: &str, value: &Json, out: &mut serde_json::Map<String, Json>) {
    match value {
        Json::Object(map) if !(map.contains_key("default") && map.contains_key("rules")) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned(), value.clone());
        }
    }
}

/// The variables of an env file as a POSIX shell reads this dialect: `NAME=bare`,
/// `NAME='literal'` or `NAME="literal"` (the writer puts nothing in double quotes that a shell
/// would interpret), quoted values running over line breaks.
fn env_values(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with(['#', '\n']) {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
            continue;
        }
        let (name, after) = rest
            .split_once('=')
            .ok_or_else(|| format!("no `=`: {rest:?}"))?;
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!("not a variable name: {name:?}"));
        }
        let (value, after_value) = match after.chars().next() {
            Some(q @ ('\'' | '"')) => {
                let end = after[1..]
                    .find(q)
                    .ok_or_else(|| format!("unterminated {q}"))?
                    + 1;
                (&after[1..end], &after[end + 1..])
            }
            _ => after.split_once('\n').map_or((after, ""), |(v, r)| (v, r)),
        };
        out.push((name.to_owned(), value.to_owned()));
        rest = match after_value.strip_prefix('\n') {
            Some(r) => r,
            None if after_value.is_empty() => "",
            None if after.starts_with(['\'', '"']) => {
                return Err(format!("text after the closing quote: {after_value:?}"));
            }
            None => after_value,
        };
    }
    Ok(out)
}

fn variable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Reads one configuration file back and compares it with the plan's configuration.
fn configuration(
    target: Target,
    text: &str,
    plan: &Plan,
    config: &Config<'_>,
) -> Result<(), String> {
    let want = expected(plan, config);
    let got: serde_json::Map<String, Json> = match target {
        Target::Toml | Target::Yaml => {
            let doc: Json = if target == Target::Toml {
                serde_json::to_value(
                    toml::from_str::<toml::Table>(text).map_err(|e| e.to_string())?,
                )
                .map_err(|e| e.to_string())?
            } else {
                serde_yaml::from_str(text).map_err(|e| e.to_string())?
            };
            let mut flat = serde_json::Map::new();
            flatten("", &doc, &mut flat);
            flat
        }
        Target::Json => {
            let doc: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let keys: BTreeSet<&str> = doc
                .as_object()
                .ok_or("not an object")?
                .keys()
                .map(String::as_str)
                .collect();
            let allowed: BTreeSet<&str> =
                ["plan", "source", "generated_by", "phases", "rollback_of"].into();
            if !keys.is_subset(&allowed) {
                return Err(format!("top-level keys {keys:?}"));
            }
            doc["phases"][0]["flags"]
                .as_object()
                .cloned()
                .ok_or("no flags")?
        }
        Target::Env => {
            let values = env_values(text)?;
            let mut got = serde_json::Map::new();
            for f in &plan.flags {
                let var = variable(&f.name);
                let read = values
                    .iter()
                    .find(|(n, _)| *n == var)
                    .map(|(_, v)| v.as_str());
                let want_value = &want[&f.name];
                let value = match (want_value, read) {
                    (Json::String(_), Some(r)) => Json::String(r.to_owned()),
                    (_, Some(r)) => serde_json::from_str(r).map_err(|e| format!("{var}: {e}"))?,
                    (_, None) => return Err(format!("no {var}")),
                };
                got.insert(f.name.clone(), value);
            }
            if values.len() != plan.flags.len() {
                return Err(format!(
                    "{} variables for {} flags",
                    values.len(),
                    plan.flags.len()
                ));
            }
            got
        }
        Target::Flagd | Target::LaunchDarkly => {
            let doc: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let flags = doc["flags"].as_object().ok_or("no flags")?;
            let names: BTreeSet<&String> = flags.keys().collect();
            let plan_names: BTreeSet<&String> = plan.flags.iter().map(|f| &f.name).collect();
            if names != plan_names {
                return Err(format!("flags {names:?}"));
            }
            return Ok(());
        }
        Target::Unleash | Target::UnleashImport => {
            let doc: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let names: BTreeSet<&str> = doc["features"]
                .as_array()
                .ok_or("no features")?
                .iter()
                .filter_map(|f| f["name"].as_str())
                .collect();
            let plan_names: BTreeSet<&str> = plan.flags.iter().map(|f| f.name.as_str()).collect();
            if names != plan_names {
                return Err(format!("features {names:?}"));
            }
            return Ok(());
        }
        Target::Checklist | Target::Ics => unreachable!("not a configuration"),
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("read {got:?}\nplan {want:?}"))
    }
}

/// A Markdown line without its code spans: outside them, `\x` is an escaped character; a run
/// of backticks opens a span that the next run as long closes.
fn prose(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run = |at: usize| chars[at..].iter().take_while(|c| **c == '`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i]);
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let fence = run(i);
                let mut j = i + fence;
                let close = loop {
                    if j >= chars.len() {
                        break None;
                    }
                    if chars[j] == '`' {
                        let r = run(j);
                        if r == fence {
                            break Some(j + r);
                        }
                        j += r;
                    } else {
                        j += 1;
                    }
                };
                if let Some(end) = close {
                    i = end;
                } else {
                    out.extend(&chars[i..i + fence]);
                    i += fence;
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A checklist: no pre-checked item, no line opening HTML, a heading or a quote that the
/// writer did not write, and no raw hidden character.
fn checklist(text: &str) -> Result<(), String> {
    for line in text.lines().skip(1) {
        let body = line.trim_start();
        if body.starts_with("- [x]") || body.starts_with("- [X]") {
            return Err(format!("a checked item: {line}"));
        }
        if prose(line).replace("\\<", "").contains('<') {
            return Err(format!("raw `<`: {line}"));
        }
        if line.starts_with(' ') && body.starts_with(['-', '+', '#', '>', '=']) {
            return Err(format!("a continuation that opens a block: {line}"));
        }
    }
    Ok(())
}

/// A calendar: only the properties the writer writes, one event per `BEGIN:VEVENT`.
fn calendar(text: &str) -> Result<(), String> {
    const NAMES: [&str; 13] = [
        "BEGIN",
        "END",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "X-ROLLPLAN-SOURCE",
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "DESCRIPTION",
        "TRANSP",
    ];
    let unfolded = text.replace("\r\n ", "");
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split([':', ';']).next().unwrap_or_default();
        if !NAMES.contains(&name) || line.contains(['\r', '\n']) {
            return Err(format!("property {line:?}"));
        }
    }
    let lines = |l: &str| unfolded.split("\r\n").filter(|x| *x == l).count();
    if lines("BEGIN:VEVENT") != lines("END:VEVENT") {
        return Err("unbalanced events".to_owned());
    }
    Ok(())
}

/// Every file of every target for every phase (and rollback) of the compiled plan, and every
/// stdout bundle: each read back as above. A target may refuse the plan (`EmitError`), never
/// write something that reads back differently.
pub(crate) fn check_every_target(
    compiled: &rollplan::Compiled,
    source: &str,
) -> Result<(), String> {
    let plan = &compiled.plan;
    let start = plan.start.or(rollplan::model::Date::new(2027, 1, 4)
        .ok()
        .map(rollplan::model::Moment::midnight));
    let input = Input::new(compiled, source.to_owned(), start);
    for target in Target::ALL {
        for p in 0..plan.phases.len() {
            let configs = [
                Some(input.phase_config(PhaseId(p))),
                input.rollback_config(PhaseId(p)),
            ];
            for config in configs.iter().flatten() {
                let Ok(text) = emit::document(&input, target, config) else {
                    continue;
                };
                // Env values are written as they are (the readers take them raw); an ICS
                // line ends in CRLF.
                if target != Target::Env && text.replace("\r\n", "\n").chars().any(hidden) {
                    return Err(format!("{target}: a raw hidden character\n{text}"));
                }
                let result = match target {
                    Target::Checklist => checklist(&text),
                    Target::Ics => calendar(&text),
                    _ => configuration(target, &text, plan, config),
                };
                result.map_err(|e| format!("{target} {}: {e}\n{text}", config.describe(plan)))?;
            }
        }
        if let Ok(text) = emit::stdout(&input, target, None) {
            let parsed = match target {
                Target::Toml => toml::from_str::<toml::Table>(&text)
                    .map(|t| t.len())
                    .map_err(|e| e.to_string()),
                Target::Yaml => serde_yaml::from_str::<Json>(&text)
                    .map_err(|e| e.to_string())
                    .map(|v| v.as_object().map_or(0, serde_json::Map::len)),
                Target::Env => env_values(&text).map(|v| v.len() / plan.flags.len().max(1)),
                Target::Checklist => checklist(&text).map(|()| plan.phases.len()),
                Target::Ics => calendar(&text).map(|()| plan.phases.len()),
                _ => serde_json::from_str::<Json>(&text)
                    .map_err(|e| e.to_string())
                    .map(|v| v["phases"].as_array().map_or(0, Vec::len)),
            };
            match parsed {
                Ok(n) if n == plan.phases.len() => {}
                Ok(n) => return Err(format!("{target} stdout: {n} phases\n{text}")),
                Err(e) => return Err(format!("{target} stdout: {e}\n{text}")),
            }
        }
    }
    Ok(())
}
