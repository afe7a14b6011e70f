//! `--target env`: `NAME=value` lines that a POSIX shell can source (`set -a; . file`) and
//! dotenv readers load, each reading back every value byte for byte: bash and dash,
//! python-dotenv (with its default `${VAR}` interpolation) and Node's `dotenv`
//! (`tests/env_readers/` checks all four). The name is the flag's, upper-cased, every
//! character other than a letter or digit an underscore.
//!
//! Booleans and integers are bare. A string is single-quoted, where no reader interprets
//! anything; a string holding `'` is double-quoted instead when it holds none of `"`, `\`, `$`
//! and `` ` ``, which a shell or a reader would interpret there. What neither form carries is
//! refused ([`EmitError`]): a carriage return (dotenv readers turn it into a line feed), NUL
//! (no environment holds it), `${` (python-dotenv expands it even in single quotes), two
//! backslashes in a row or one at the end (python-dotenv reads `\\` as one), and a `'` beside
//! a character double quotes would interpret. A scoped value is its JSON contract object,
//! single-quoted, with `'`, `\` and `{` after `$` written as `\u` escapes so that it always
//! fits; a reader expecting a plain value rejects it rather than serving the default to the
//! scoped context.

use std::fmt::Write as _;

use super::setting::{bundle_header, comment, header, optional_note, setting_json};
use super::{Config, EmitError, Input};
use crate::diagnostic::problem::{EmitProblem, EnvHazard};
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
                problem: EmitProblem::EnvNamesClash {
                    first: plan.flags[j].name.clone(),
                    second: plan.flags[i].name.clone(),
                    variable: n.clone(),
                },
                span: plan.flags[i].span,
            });
        }
    }
    Ok(names)
}

/// A string as a value every claimed reader reads back as it is, or why there is none.
pub(super) fn string_value(s: &str) -> Result<String, EnvHazard> {
    if s.contains('\r') {
        return Err(EnvHazard::CarriageReturn);
    }
    if s.contains('\0') {
        return Err(EnvHazard::Nul);
    }
    if s.contains("${") {
        return Err(EnvHazard::Interpolation);
    }
    let backslashes = s.contains("\\\\") || s.ends_with('\\');
    if !s.contains('\'') && !backslashes {
        return Ok(format!("'{s}'"));
    }
    if !s.contains(['"', '\\', '$', '`']) {
        return Ok(format!("\"{s}\""));
    }
    Err(if s.contains('\'') {
        EnvHazard::MixedQuotes
    } else {
        EnvHazard::Backslashes
    })
}

/// Serialised JSON that fits in single quotes for every reader: no `'`, no `\\` pair, no
/// `${` (each becomes a `\u` escape inside its JSON string, which means the same).
pub(super) fn single_quoted_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 2);
    out.push('\'');
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push_str("\\u005c"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '\'' => out.push_str("\\u0027"),
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push_str("$\\u007b");
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn body(
    input: &Input<'_>,
    config: &Config<'_>,
    names: &[String],
    out: &mut String,
) -> Result<(), EmitError> {
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
            Setting::Fixed(Value::String(s)) => {
                string_value(s).map_err(|hazard| EmitError {
                    problem: EmitProblem::EnvString {
                        flag: plan.flag(flag).name.clone(),
                        config: config.describe(plan),
                        hazard,
                    },
                    // The `set` that gave the value: this phase's or the latest before it.
                    span: plan.phases[..=config.phase.0]
                        .iter()
                        .rev()
                        .find_map(|p| p.assignment_of(flag))
                        .map_or(plan.flag(flag).span, |a| a.span),
                })?
            }
            scoped @ Setting::Scoped { .. } => {
                let json = serde_json::to_string(&setting_json(plan, scoped))
                    .expect("JSON values serialise");
                single_quoted_json(&crate::escape::json(&json))
            }
        };
        let _ = writeln!(out, "{}={value}", names[i]);
    }
    Ok(())
}

/// One configuration as a dotenv file.
pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> Result<String, EmitError> {
    let names = names(input.plan())?;
    let mut out = String::new();
    for line in header(input, config) {
        comment(&mut out, "", &line);
    }
    body(input, config, &names, &mut out)?;
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
        body(input, config, &names, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 14.2): `"x';touch pwned;#"` was written so that sourcing the file ran
    /// the command, and `it's on` broke the shell.
    #[test]
    fn quotes_are_chosen_so_that_no_reader_interprets_the_value() {
        assert_eq!(
            string_value("x';touch pwned;#").unwrap(),
            "\"x';touch pwned;#\""
        );
        assert_eq!(string_value("it's on").unwrap(), "\"it's on\"");
        assert_eq!(
            string_value("$HOME `id` \"q\"").unwrap(),
            "'$HOME `id` \"q\"'"
        );
        assert_eq!(string_value("a\\b\nc").unwrap(), "'a\\b\nc'");
        for refused in ["${HOME}", "a\rb", "a\0", "a\\\\b", "a\\", "it's $HOME"] {
            assert!(string_value(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn scoped_json_fits_in_single_quotes() {
        let json =
            serde_json::to_string(&serde_json::json!({"v": "it's ${HOME} \\\\ \""})).unwrap();
        let quoted = single_quoted_json(&json);
        let inner = &quoted[1..quoted.len() - 1];
        assert!(
            !inner.contains(['\'']) && !inner.contains("\\\\") && !inner.contains("${"),
            "{quoted}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(inner).unwrap(),
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );
    }
}
