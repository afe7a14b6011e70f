//! `--target yaml`: the same nesting as TOML (`entity:` then `  dual_write_enabled: true`).
//! Values are JSON flow scalars, strings always double-quoted, so that YAML 1.1 readers cannot
//! turn `"on"` or `"no"` into booleans; a scoped value is the flow mapping `{"default": …,
//! "rules": […]}`; an optional value carries a comment.

use std::fmt::Write as _;

use super::setting::{Tree, bundle_header, comment, header, optional_note, quoted, setting_json};
use super::{Config, EmitError, Input};

/// One configuration as a YAML file.
pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> Result<String, EmitError> {
    let tree = Tree::of(input.plan(), "YAML")?;
    let mut out = String::new();
    for line in header(input, config) {
        comment(&mut out, "", &line);
    }
    mapping(input, config, &tree, 0, &mut out);
    Ok(out)
}

/// Every phase, keyed by phase id in plan order.
pub(super) fn bundle(input: &Input<'_>, configs: &[Config<'_>]) -> Result<String, EmitError> {
    let tree = Tree::of(input.plan(), "YAML")?;
    let mut out = String::new();
    for line in bundle_header(input) {
        comment(&mut out, "", &line);
    }
    for config in configs {
        comment(&mut out, "", &config.describe(input.plan()));
        let _ = writeln!(out, "{}:", key(config.id(input.plan())));
        mapping(input, config, &tree, 1, &mut out);
    }
    Ok(out)
}

fn mapping(input: &Input<'_>, config: &Config<'_>, tree: &Tree, depth: usize, out: &mut String) {
    let plan = input.plan();
    let indent = "  ".repeat(depth);
    for (name, flag) in &tree.leaves {
        if let Some(note) = optional_note(plan, config, *flag) {
            comment(out, &indent, &note);
        }
        let json = serde_json::to_string(&setting_json(plan, config.state.get(*flag)))
            .expect("JSON values serialise");
        let value = crate::escape::json(&json);
        let _ = writeln!(out, "{indent}{}: {value}", key(name));
    }
    for (name, sub) in &tree.tables {
        let _ = writeln!(out, "{indent}{}:", key(name));
        mapping(input, config, sub, depth + 1, out);
    }
}

/// A plain key when no YAML reader could take it for something else, else a quoted one.
fn key(k: &str) -> String {
    const SPECIAL: [&str; 12] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<", "=",
    ];
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !SPECIAL.contains(&k.to_ascii_lowercase().as_str());
    if plain { k.to_owned() } else { quoted(k) }
}
