//! Hostile text in a plan cannot add to what a generated file configures: titles, reasons,
//! string values and the plan's file name holding line breaks, quotes, comment markers and
//! control characters are carried by every format's escapes (or refused), and the files parse
//! back to exactly the plan's flags.

use crate::emit_common;

use emit_common::{compile_text, emit_readback, input, state_json};
use proptest::prelude::*;
use rollplan::emit::{self, Target};
use rollplan::model::PhaseId;
use serde_json::Value as Json;

/// A plan-language string literal holding `s` (the language escapes only `"` and `\`).
fn literal(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A plan whose every free text is `text`, and whose string flag is set to `value` (plainly in
/// the first phase, scoped in the second, optionally in the third).
fn plan(text: &str, value: &str) -> String {
    let t = literal(text);
    let v = literal(value);
    format!(
        r"plan demo {{ title {t} owner {t} start 2027-01-04 }}
attribute region: string {t}
flag payments.enabled: bool = false {t}
flag banner: string = {v} {t}
phase canary {t} {{
  duration 1w
  set payments.enabled = true
  set banner = {v}
  activity {t}
  check {t}
  notify before {t}
  on_fail rollback start
}}
phase wide {t} {{
  duration 1w
  set banner = {v} when region == {v} else {t}
}}
phase done {t} {{
  duration 1w
  set banner = {t} optional {t}
}}
"
    )
}

const INJECTION: &str = "Canary\nevil = 1\n[payments]\nkill_switch = true\n#";

/// Every nested-table key path of a TOML or YAML document read as JSON.
fn leaves(prefix: &str, value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Object(map) if !(map.contains_key("default") && map.contains_key("rules")) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&key, v, out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

fn flag_names(c: &rollplan::Compiled) -> Vec<String> {
    let mut names: Vec<String> = c.plan.flags.iter().map(|f| f.name.clone()).collect();
    names.sort();
    names
}

/// Every configuration file of TOML and YAML parses to exactly the plan's flags and values.
fn nested_formats_read_back(text: &str, value: &str, source: &str) {
    let c = compile_text("demo.roll", &plan(text, value));
    let input = input(&c, source);
    for p in 0..c.plan.phases.len() {
        let configs = [
            Some(input.phase_config(PhaseId(p))),
            input.rollback_config(PhaseId(p)),
        ];
        for config in configs.iter().flatten() {
            let expected = state_json(&c.plan, config.state);
            for target in [Target::Toml, Target::Yaml] {
                let doc = emit::document(&input, target, config).unwrap();
                let parsed: Json = match target {
                    Target::Toml => serde_json::to_value(
                        toml::from_str::<toml::Table>(&doc)
                            .unwrap_or_else(|e| panic!("{e}\n{doc}")),
                    )
                    .unwrap(),
                    _ => serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}")),
                };
                let mut keys = Vec::new();
                leaves("", &parsed, &mut keys);
                keys.sort();
                assert_eq!(keys, flag_names(&c), "{target}:\n{doc}");
                assert_eq!(parsed["banner"], expected["banner"], "{target}:\n{doc}");
            }
        }
    }
}

/// Regression (issue 14.1): a phase title with line breaks was copied raw into the header
/// comment, so a TOML reader saw `payments.kill_switch = true`.
#[test]
fn a_title_with_line_breaks_cannot_add_a_table_to_toml_or_yaml() {
    nested_formats_read_back(INJECTION, "on", "plans/demo.roll");
}

/// The plan's file name goes into the same headers.
#[test]
fn a_file_name_with_line_breaks_cannot_add_a_table() {
    nested_formats_read_back(
        "Canary",
        "on",
        "plans/x\n[payments]\nkill_switch = true\n#.roll",
    );
}

/// TOML forbids DEL and most controls in strings and comments, YAML 1.1 readers C1 and the
/// separators; every one is escaped, and reads back as the same character.
#[test]
fn control_and_bidirectional_characters_read_back_byte_for_byte() {
    let hostile = "a\u{7f}b\u{85}c\u{9b}d\u{202e}e\u{2028}f\u{feff}g\u{1b}[2Jh\r\n\0";
    nested_formats_read_back(hostile, hostile, hostile);
}

/// The stdout bundles carry the same headers.
#[test]
fn bundles_cannot_be_injected_either() {
    let c = compile_text("demo.roll", &plan(INJECTION, "x"));
    let input = input(&c, "a\nkill_switch = true\n[x]\n#");
    let toml_text = emit::stdout(&input, Target::Toml, None).unwrap();
    let table: toml::Table = toml::from_str(&toml_text).unwrap();
    let phases: Vec<&String> = table.keys().collect();
    assert_eq!(phases, ["canary", "done", "wide"], "{toml_text}");
    let yaml: Json =
        serde_yaml::from_str(&emit::stdout(&input, Target::Yaml, None).unwrap()).unwrap();
    assert_eq!(yaml.as_object().unwrap().len(), 3);
}

/// Regression (issue 14.3): a line break in an activity added pre-checked `- [x]` items and
/// raw HTML to the checklist.
#[test]
fn a_line_break_cannot_add_checklist_items_or_html() {
    let hostile = "Deploy\n- [x] 2027-01-04 Rollback rehearsed\n<img src=x onerror=alert(1)>\n# Done\n1. ok\n---";
    let c = compile_text("demo.roll", &plan(hostile, "x"));
    let input = input(&c, "demo.roll");
    let config = input.phase_config(PhaseId(0));
    let phase = emit::document(&input, Target::Checklist, &config).unwrap();
    let whole = emit::stdout(&input, Target::Checklist, None).unwrap();
    for text in [&phase, &whole] {
        for line in text.lines().skip(1) {
            let body = line.trim_start();
            assert!(!body.starts_with("- [x]"), "{line}\n{text}");
            assert!(!body.starts_with("# Done"), "{line}");
            assert!(
                !body.starts_with("1. ok") && !body.starts_with("---"),
                "{line}"
            );
            // Outside code spans (whose text is literal), no `<` is unescaped.
            let prose: String = line.split('`').step_by(2).collect();
            assert!(!prose.replace("\\<", "").contains('<'), "{line}");
        }
        // Every item is still there, once, and unchecked.
        assert!(text.contains("Rollback rehearsed"), "{text}");
    }
    // The phase's tasks, and no more: the announcement, the flip of `payments.enabled`, the
    // activity, the check, and the flip back on rollback.
    let unchecked = phase.lines().filter(|l| l.starts_with("- [ ] ")).count();
    assert_eq!(unchecked, 5, "{phase}");
}

/// What no quoting carries to every env reader is refused, naming the flag, the phase and why,
/// at the `set` that gave the value.
#[test]
fn env_refuses_values_a_reader_would_expand() {
    let c = compile_text("demo.roll", &plan("Canary", "${HOME}"));
    let input = input(&c, "demo.roll");
    let err = emit::document(&input, Target::Env, &input.phase_config(PhaseId(0))).unwrap_err();
    assert_eq!(
        err.message(),
        "the env target cannot write the value of `banner` in phase 1 `canary` (Canary): it holds \
         `${`, which python-dotenv expands as a variable even in single quotes"
    );
    let source = plan("Canary", "${HOME}");
    assert_eq!(&source[err.span.range()], "set banner = \"${HOME}\"");
    assert!(err.help().contains("`json`"), "{}", err.help());
    assert!(emit::stdout(&input, Target::Env, None).is_err());
}

/// Text built from what breaks formats: quotes, comment and table markers, line breaks,
/// Markdown, shell and template syntax, controls, bidirectional and separator characters.
fn hostile() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "a",
        " ",
        "\n",
        "\r",
        "\r\n",
        "\"",
        "'",
        "\\",
        "\\\\",
        "#",
        "[",
        "]",
        "[x]",
        "=",
        "$",
        "${",
        "{",
        "}",
        "`",
        "<",
        ">",
        "-",
        "- [x] ",
        "|",
        "*",
        "_",
        "&lt;",
        "\u{1b}",
        "\u{7}",
        "\0",
        "\u{7f}",
        "\u{85}",
        "\u{9b}",
        "\u{202e}",
        "\u{2028}",
        "\u{feff}",
        "é",
        ":",
        ",",
        ";",
        "-->",
        "END:VEVENT",
        "kill_switch = true",
        "\t",
    ];
    proptest::collection::vec(proptest::sample::select(PIECES), 0..8).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every file of every target, for plans whose texts and string values are hostile, reads
    /// back to exactly the plan's flags and values (issue 14, the fuzz property: cargo-fuzz
    /// needs nightly flags, so CI runs it as this test; `fuzz/fuzz_targets/emit.rs` runs the
    /// same check on arbitrary bytes).
    #[test]
    fn hostile_texts_never_change_what_a_file_configures(
        title in hostile(),
        value in hostile(),
        other in hostile(),
        source in hostile(),
    ) {
        let text = format!(
            r"plan demo {{ title {t} owner {o} start 2027-01-04 }}
attribute region: string {o}
attribute user.id: string {v}
cohort early by user.id {t}
flag payments.enabled: bool = false {t}
flag banner: string = {v} {o}
phase canary {t} {{
  duration 1w
  set payments.enabled = true
  set banner = {o}
  activity {v}
  check {o}
  notify after {t}
  on_fail rollback start
}}
phase wide {o} {{
  duration 1w
  set banner = {v} when region == {o} for 5% of early, {t} when region in [{v}, {t}] else {o}
  set payments.enabled = true for 50% of early else false
}}
phase done {v} {{
  duration 1w
  set banner = {t} optional {v}
}}
",
            t = literal(&title),
            o = literal(&other),
            v = literal(&value),
        );
        let c = compile_text("demo.roll", &text);
        let checked = emit_readback::check_every_target(&c, &format!("plans/{source}.roll"));
        prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
    }
}
