//! `--target toml`: the seed platform's configuration format. Flag names become nested tables
//! (`[entity]` `dual_write_enabled = true`); a scoped value is an inline table `{ default = …,
//! rules = [...] }` so that a reader expecting a plain value fails instead of serving the
//! default to the scoped context; an optional value carries a comment saying so.

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::setting::{Tree, bundle_header, comment, header, optional_note, quoted, setting_json};
use super::{Config, EmitError, Input};

/// One configuration as a TOML file.
pub(super) fn document(input: &Input<'_>, config: &Config<'_>) -> Result<String, EmitError> {
    let tree = Tree::of(input.plan(), "TOML")?;
    let mut out = String::new();
    for line in header(input, config) {
        comment(&mut out, "", &line);
    }
    table(input, config, &tree, &[], &mut out);
    Ok(out)
}

/// Every phase: the phase id is the outermost table (`[development.entity]`).
pub(super) fn bundle(input: &Input<'_>, configs: &[Config<'_>]) -> Result<String, EmitError> {
    let tree = Tree::of(input.plan(), "TOML")?;
    let mut out = String::new();
    for line in bundle_header(input) {
        comment(&mut out, "", &line);
    }
    for config in configs {
        out.push('\n');
        comment(&mut out, "", &config.describe(input.plan()));
        let id = config.id(input.plan()).to_owned();
        let mut root = Tree::default();
        root.tables.insert(id, tree_clone(&tree));
        table(input, config, &root, &[], &mut out);
    }
    Ok(out)
}

fn tree_clone(tree: &Tree) -> Tree {
    Tree {
        leaves: tree.leaves.clone(),
        tables: tree
            .tables
            .iter()
            .map(|(k, v)| (k.clone(), tree_clone(v)))
            .collect(),
    }
}

fn table(input: &Input<'_>, config: &Config<'_>, tree: &Tree, path: &[&str], out: &mut String) {
    let plan = input.plan();
    if !tree.leaves.is_empty() {
        if !path.is_empty() {
            let keys: Vec<String> = path.iter().map(|k| key(k)).collect();
            let _ = writeln!(out, "\n[{}]", keys.join("."));
        }
        for (name, flag) in &tree.leaves {
            if let Some(note) = optional_note(plan, config, *flag) {
                comment(out, "", &note);
            }
            let value = inline(&setting_json(plan, config.state.get(*flag)));
            let _ = writeln!(out, "{} = {value}", key(name));
        }
    }
    for (name, sub) in &tree.tables {
        let mut deeper = path.to_vec();
        deeper.push(name);
        table(input, config, sub, &deeper, out);
    }
}

/// A bare key when TOML allows one, else a quoted key.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_owned() } else { quoted(k) }
}

/// A JSON value as a TOML inline value. Settings hold no nulls or floats.
fn inline(value: &Json) -> String {
    match value {
        Json::Null => "\"\"".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => quoted(s),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}
