//! `--target env`: dotenv lines, `ENTITY_DUAL_WRITE_ENABLED=true` (the name upper-cased, every
//! character other than a letter or digit an underscore). Strings are double-quoted; a scoped
//! value is its JSON contract object in single quotes, which a reader expecting a plain value
//! rejects rather than serving the default to the scoped context.

use std::fmt::Write as _;

use super::setting::{bundle_header, comment, header, optional_note, quoted, setting_json};
use super::{Config, EmitError, Input};
use crate::model::{Plan, Setting, Value};

/// The variable name of a flag.
pub(super) fn variable(name: &str) -> String {
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

fn names(plan: &Plan) -> Result<Vec<String>, EmitError> {
    let names: Vec<String> = plan.flags.iter().map(|f| variable(&f.name)).collect();
    for (i, n) in names.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|m| m == n) {
            return Err(EmitError {
                message: format!(
                    "flags `{}` and `{}` both become the variable `{n}`",
                    plan.flags[j].name, plan.flags[i].name
                ),
                help: "rename one of the flags so that their upper-cased names differ".to_owned(),
                span: plan.flags[i].span,
            });
        }
    }
    Ok(names)
}

fn body(input: &Input<'_>, config: &Config<'_>, names: &[String], out: &mut String) {
    let plan = input.plan();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|a, b| names[*a].cmp(&names[*b]));
    for i in order {
        let flag = crate::model::FlagId(i);
        if let Some(note) = optional_note(plan, config, flag) {
            comment(out, "", &note);
        }
        let value = match config.state.get(flag) {
            Setting::Fixed(Value::Bool(b)) => b.to_string(),
            Setting::Fixed(Value::Int(n)) => n.to_string(),
            Setting::Fixed(Value::String(s)) => quoted(s),
            scoped @ Setting::Scoped { .. } => {
                let json = serde_json::to_string(&setting_json(plan, scoped))
                    .expect("JSON values serialise");
                format!("'{}'", json.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        };
        let _ = writeln!(out, "{}={value}", names[i]);
    }
}

/// One configuration as a dotenv file.
pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> Result<String, EmitError> {
    let names = names(input.plan())?;
    let mut out = String::new();
    for line in header(input, config) {
        comment(&mut out, "", &line);
    }
    body(input, config, &names, &mut out);
    Ok(out)
}

/// Every phase, one section each: for reading; a process loads one phase's file (`--phase`).
pub(super) fn bundle(input: &Input<'_>, configs: &[Config<'_>]) -> Result<String, EmitError> {
    let names = names(input.plan())?;
    let mut out = String::new();
    for line in bundle_header(input) {
        comment(&mut out, "", &line);
    }
    for config in configs {
        out.push('\n');
        comment(&mut out, "", &config.describe(input.plan()));
        body(input, config, &names, &mut out);
    }
    Ok(out)
}
