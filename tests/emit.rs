//! `rollplan emit`: every target's stdout for `plans/entity.roll` as a snapshot, and every
//! configuration format read back and compared with the model, for every plan in `plans/`.

use crate::emit_common;

use emit_common::{all_plans, compile, input, state_json};
use rollplan::emit::{self, Target};
use rollplan::model::PhaseId;
use serde_json::Value as Json;

#[test]
fn stdout_of_every_target_for_the_entity_plan() {
    let c = compile("plans/entity.roll");
    let input = input(&c, "plans/entity.roll");
    for target in Target::ALL {
        let text = emit::stdout(&input, target, None).unwrap();
        insta::assert_snapshot!(format!("entity_{}", target.name()), text);
    }
}

#[test]
fn one_phase_on_stdout_is_exactly_its_file() {
    let c = compile("plans/entity.roll");
    let input = input(&c, "plans/entity.roll");
    let read_only = c.plan.phase_named("read_only").unwrap();
    for target in Target::ALL {
        let text = emit::stdout(&input, target, Some(read_only)).unwrap();
        let files = emit::files(&input, target, Some(read_only)).unwrap();
        assert_eq!(text.as_bytes(), files[0].bytes, "{target}");
        assert!(
            files[0].name.starts_with("02-read_only."),
            "{}",
            files[0].name
        );
    }
    let flagd = emit::stdout(&input, Target::Flagd, Some(read_only)).unwrap();
    insta::assert_snapshot!("entity_flagd_read_only", flagd);
}

/// The seed's tables: the JSON contract of `plans/entity.roll`, phase by phase.
#[test]
fn json_contract_carries_the_seed_tables() {
    let c = compile("plans/entity.roll");
    let text = emit::stdout(&input(&c, "plans/entity.roll"), Target::Json, None).unwrap();
    let doc: Json = serde_json::from_str(&text).unwrap();
    let get = |phase: usize, flag: &str| doc["phases"][phase]["flags"][flag].clone();
    let ids: Vec<&str> = doc["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "development",
            "read_only",
            "full_production",
            "entity_repository",
            "completion"
        ]
    );
    assert_eq!(get(0, "entity.handler_enabled"), Json::Bool(false));
    assert_eq!(
        get(1, "entity.handler_enabled"),
        serde_json::json!({"default": false, "rules": [
            {"when": {"attribute": "http.method", "op": "==", "value": "GET"}, "value": true}
        ]})
    );
    assert_eq!(get(2, "entity.handler_enabled"), Json::Bool(true));
    assert_eq!(get(3, "entity.based_repository_enabled"), Json::Bool(true));
    assert_eq!(get(4, "entity.dual_write_enabled"), Json::Bool(false));
    assert_eq!(
        doc["phases"][4]["optional"]["entity.dual_write_enabled"],
        serde_json::json!({"reason": "based on stability", "otherwise": [true]})
    );
    assert_eq!(doc["phases"][0]["rollback"]["to"], "start");
    assert_eq!(doc["phases"][2]["rollback"]["to"], "read_only");
}

/// The JSON contract parses and equals the model's effective state (and rollback state) of
/// every phase of every plan.
#[test]
fn json_contract_equals_the_model_for_every_plan() {
    for name in all_plans() {
        let c = compile(&name);
        let text = emit::stdout(&input(&c, &name), Target::Json, None).unwrap();
        let doc: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["plan"], c.plan.name.as_str());
        let phases = doc["phases"].as_array().unwrap();
        assert_eq!(phases.len(), c.plan.phases.len(), "{name}");
        for (entry, phase) in phases.iter().zip(&c.plan.phases) {
            assert_eq!(entry["id"], phase.id.as_str());
            assert_eq!(entry["title"], phase.title.as_str());
            assert_eq!(
                entry["flags"],
                state_json(&c.plan, &phase.planned),
                "{name} {}",
                phase.id
            );
            match phase.on_fail.rollback_target() {
                Some(t) => assert_eq!(
                    entry["rollback"]["flags"],
                    state_json(&c.plan, c.plan.target_state(t)),
                    "{name} {} rollback",
                    phase.id
                ),
                None => assert_eq!(entry["rollback"], Json::Null),
            }
        }
    }
}

/// Reads a nested-table document (TOML or YAML, as JSON) back into `{"full.name": value}`.
fn flatten(
    prefix: &str,
    value: &Json,
    out: &mut serde_json::Map<String, Json>,
    plan_flags: &[String],
) {
    if plan_flags.iter().any(|f| f == prefix) {
        out.insert(prefix.to_owned(), value.clone());
        return;
    }
    let Json::Object(map) = value else {
        panic!("`{prefix}` is neither a flag nor a table: {value}")
    };
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        flatten(&key, v, out, plan_flags);
    }
}

/// The values of an env file as a shell reads them: `NAME='text'` or `NAME="text"` (a line
/// break inside quotes continues the value) or `NAME=text`.
fn env_values(text: &str) -> std::collections::BTreeMap<String, String> {
    let next_line = |s: &str| s.split_once('\n').map_or("", |(_, r)| r).to_owned();
    let mut out = std::collections::BTreeMap::new();
    let mut rest = text.to_owned();
    while !rest.is_empty() {
        if rest.starts_with(['#', '\n']) {
            rest = next_line(&rest);
            continue;
        }
        let (name, after) = rest.split_once('=').unwrap();
        let (value, after_value) = match after.chars().next() {
            Some(q @ ('\'' | '"')) => {
                let end = after[1..].find(q).unwrap() + 1;
                (&after[1..end], &after[end + 1..])
            }
            _ => after.split_once('\n').map_or((after, ""), |(v, _)| (v, "")),
        };
        out.insert(name.to_owned(), value.to_owned());
        rest = if after_value.is_empty() {
            next_line(after)
        } else {
            next_line(after_value)
        };
    }
    out
}

/// Whether an env value is the contract's value: strings as they are, other plain values as
/// their text, scoped values as the same JSON object.
fn env_value_is(read: &str, expected: &Json) -> bool {
    match expected {
        Json::String(s) => read == s,
        // `true`, `12`, or the scoped value's object, as JSON text.
        _ => serde_json::from_str::<Json>(read).is_ok_and(|v| &v == expected),
    }
}

/// A configuration's TOML, YAML and dotenv files, read back by their parsers, equal the model;
/// scoped values and shares as the contract's object.
fn flat_formats_read_back(
    c: &rollplan::Compiled,
    input: &emit::Input<'_>,
    config: &emit::Config<'_>,
    name: &str,
) {
    let flags: Vec<String> = c.plan.flags.iter().map(|f| f.name.clone()).collect();
    let expected = state_json(&c.plan, config.state);
    let what = format!("{name} {}", config.describe(&c.plan));

    let toml_text = emit::document(input, Target::Toml, config).unwrap();
    let toml_value: toml::Value = toml::from_str(&toml_text).unwrap();
    let mut got = serde_json::Map::new();
    flatten(
        "",
        &serde_json::to_value(toml_value).unwrap(),
        &mut got,
        &flags,
    );
    assert_eq!(Json::Object(got), expected, "toml: {what}\n{toml_text}");

    let yaml_text = emit::document(input, Target::Yaml, config).unwrap();
    let yaml_value: Json = serde_yaml::from_str(&yaml_text).unwrap();
    let mut got = serde_json::Map::new();
    flatten("", &yaml_value, &mut got, &flags);
    assert_eq!(Json::Object(got), expected, "yaml: {what}\n{yaml_text}");

    let env_text = emit::document(input, Target::Env, config).unwrap();
    let got = env_values(&env_text);
    for f in &c.plan.flags {
        let var: String = f
            .name
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        let read = got.get(&var).map_or("", String::as_str);
        assert!(
            env_value_is(read, &expected[&f.name]),
            "env {var}: {read} {what}\n{env_text}"
        );
    }
    assert_eq!(got.len(), c.plan.flags.len());
}

/// TOML, YAML and dotenv files read back by their parsers equal the model, scoped values as
/// the contract's object, for every configuration file of every plan.
#[test]
fn flat_formats_read_back_to_the_model_for_every_plan() {
    for name in all_plans() {
        let c = compile(&name);
        let input = input(&c, &name);
        for p in 0..c.plan.phases.len() {
            let phase = input.phase_config(PhaseId(p));
            let configs = [Some(phase), input.rollback_config(PhaseId(p))];
            for config in configs.iter().flatten() {
                flat_formats_read_back(&c, &input, config, &name);
                for target in Target::ALL {
                    let text = emit::document(&input, target, config).unwrap();
                    let comment = match target {
                        Target::Toml | Target::Yaml | Target::Env => "#",
                        Target::Checklist => "<!--",
                        _ => continue,
                    };
                    let first = text.lines().next().unwrap();
                    assert!(
                        first.starts_with(comment) && first.contains(&name),
                        "{target}: {first}"
                    );
                    assert!(
                        text.contains("generated by rollplan: do not edit"),
                        "{target}"
                    );
                }
            }
        }
    }
}

/// The import document declares a share's bucketing attribute as a context field Unleash
/// offers as stickiness, and a tested attribute as a plain one.
#[test]
fn unleash_import_declares_the_bucketing_attribute_for_stickiness() {
    let c = compile("plans/examples/payments-canary.roll");
    let input = input(&c, "plans/examples/payments-canary.roll");
    let eu_first = input.phase_config(c.plan.phase_named("eu_first").unwrap());
    let doc: Json =
        serde_json::from_str(&emit::document(&input, Target::UnleashImport, &eu_first).unwrap())
            .unwrap();
    let fields: Vec<(String, bool)> = doc["contextFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["stickiness"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [("user.id".to_owned(), true), ("region".to_owned(), false)]
    );
    let strategies = doc["featureStrategies"].as_array().unwrap();
    assert!(strategies.iter().any(|s| s["name"] == "flexibleRollout"
        && s["parameters"]
            == serde_json::json!({"rollout": "25", "stickiness": "user.id", "groupId": "early"})));
}

/// A plan with shares below a whole percentage: flagd and `LaunchDarkly` weigh them exactly,
/// the flat formats carry them as numbers, Unleash refuses them at the `set` that gave them.
const SMALL_SHARES: &str = "plan small { start 2027-01-01 }\n\
    attribute user.id: string\ncohort early by user.id\n\
    flag a: bool = false\nflag b: int = 1\n\
    phase one \"One\" {\n  duration 1d\n  set a = true for 0.5% of early else false\n\
    set b = 2 for 12.125% by user.id else 1\n}\n\
    phase two \"Two\" {\n  duration 1d\n  set b = 3\n}\n";

#[test]
fn shares_below_a_whole_percentage_are_exact_or_refused() {
    let c = emit_common::compile_text("small.roll", SMALL_SHARES);
    let input = input(&c, "small.roll");
    for p in 0..c.plan.phases.len() {
        flat_formats_read_back(&c, &input, &input.phase_config(PhaseId(p)), "small.roll");
    }
    let one = input.phase_config(PhaseId(0));

    let flagd: Json =
        serde_json::from_str(&emit::document(&input, Target::Flagd, &one).unwrap()).unwrap();
    assert_eq!(
        flagd["flags"]["a"]["targeting"],
        serde_json::json!({"fractional": [
            {"cat": ["cohort:early:", {"var": "user.id"}]}, ["on", 500], ["off", 99_500]
        ]})
    );
    assert_eq!(
        flagd["flags"]["b"]["targeting"]["fractional"][0],
        serde_json::json!({"cat": ["flag:b:", {"var": "user.id"}]})
    );

    let ld: Json =
        serde_json::from_str(&emit::document(&input, Target::LaunchDarkly, &one).unwrap()).unwrap();
    let rollout = &ld["flags"]["b"]["fallthrough"]["rollout"];
    assert_eq!(rollout["bucketBy"], "user.id");
    assert_eq!(
        rollout["variations"],
        serde_json::json!([{"variation": 1, "weight": 12_125}, {"variation": 0, "weight": 87_875}])
    );
    assert_ne!(
        rollout["seed"],
        ld["flags"]["a"]["fallthrough"]["rollout"]["seed"]
    );

    for target in [Target::Unleash, Target::UnleashImport] {
        let e = emit::document(&input, target, &one).unwrap_err();
        assert_eq!(
            e.message(),
            "Unleash cannot roll `a` out to 0.5% of early in phase 1 `one` (One): it takes whole percentages only"
        );
        assert_eq!(
            &SMALL_SHARES[e.span.range()],
            "set a = true for 0.5% of early else false"
        );
        assert_eq!(e.diagnostic().code.name(), "emit_unrepresentable");
        // The share is inherited by the next phase: refused there too, at the same `set`.
        let two = emit::document(&input, target, &input.phase_config(PhaseId(1))).unwrap_err();
        assert_eq!(two.span, e.span);
        assert!(
            two.message().contains("in phase 2 `two` (Two)"),
            "{}",
            two.message()
        );
    }
}

#[test]
fn the_stdout_bundles_parse() {
    for name in all_plans() {
        let c = compile(&name);
        let input = input(&c, &name);
        let toml_text = emit::stdout(&input, Target::Toml, None).unwrap();
        let toml_value: toml::Table = toml::from_str(&toml_text).unwrap();
        let yaml_value: Json =
            serde_yaml::from_str(&emit::stdout(&input, Target::Yaml, None).unwrap()).unwrap();
        for phase in &c.plan.phases {
            assert!(toml_value.contains_key(&phase.id), "{name}: {}", phase.id);
            assert!(yaml_value.get(&phase.id).is_some(), "{name}: {}", phase.id);
        }
        for target in [Target::Flagd, Target::LaunchDarkly, Target::Unleash] {
            let doc: Json =
                serde_json::from_str(&emit::stdout(&input, target, None).unwrap()).unwrap();
            assert_eq!(doc["phases"].as_array().unwrap().len(), c.plan.phases.len());
        }
    }
}

#[test]
fn emitting_twice_gives_identical_bytes() {
    for name in all_plans() {
        let first = compile(&name);
        let second = compile(&name);
        for target in Target::ALL {
            let a = emit::files(&input(&first, &name), target, None).unwrap();
            let b = emit::files(&input(&second, &name), target, None).unwrap();
            assert_eq!(a, b, "{name} {target}");
            assert_eq!(
                emit::stdout(&input(&first, &name), target, None).unwrap(),
                emit::stdout(&input(&second, &name), target, None).unwrap()
            );
        }
    }
}

#[test]
fn file_names_sort_in_phase_order_with_rollbacks_beside_their_phase() {
    let c = compile("plans/entity.roll");
    let names: Vec<String> = emit::files(&input(&c, "plans/entity.roll"), Target::Toml, None)
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    // Sorted by name, the files group by phase in plan order (a rollback file sorts just
    // before its phase's file).
    let mut sorted = names.clone();
    sorted.sort();
    let numbers: Vec<&str> = sorted.iter().map(|n| &n[..2]).collect();
    assert_eq!(
        numbers,
        ["01", "01", "02", "02", "03", "03", "04", "04", "05", "05"]
    );
    assert_eq!(
        names,
        [
            "01-development.toml",
            "01-development.rollback.toml",
            "02-read_only.toml",
            "02-read_only.rollback.toml",
            "03-full_production.toml",
            "03-full_production.rollback.toml",
            "04-entity_repository.toml",
            "04-entity_repository.rollback.toml",
            "05-completion.toml",
            "05-completion.rollback.toml",
        ]
    );
    let checklist: Vec<String> =
        emit::files(&input(&c, "plans/entity.roll"), Target::Checklist, None)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
    assert_eq!(checklist[0], "00-entity_relationships.md");
    assert_eq!(checklist.len(), 6);
}

#[test]
fn a_flag_that_is_also_a_table_cannot_be_nested_but_stays_flat() {
    let c = emit_common::compile_text(
        "clash.roll",
        "plan clash { start 2027-01-01 }\n\
         flag a.b: bool = false\nflag a.b.c: bool = false\n\
         phase one \"One\" { duration 1d set a.b = true set a.b.c = true }\n",
    );
    let input = input(&c, "clash.roll");
    for target in [Target::Toml, Target::Yaml] {
        let e = emit::stdout(&input, target, None).unwrap_err();
        assert_eq!(
            e.message(),
            format!(
                "flag `a.b` is a value, but `a.b.c` needs it to be a table: {} cannot hold both",
                target.name().to_uppercase()
            )
        );
        assert_eq!(e.diagnostic().code.name(), "emit_unrepresentable");
    }
    assert!(emit::stdout(&input, Target::Json, None).is_ok());
    assert!(emit::stdout(&input, Target::Env, None).is_ok());
}

/// `(age == k || tier == k)` for nine `k` and-ed: 2^9 terms in normal form, past the 256 that
/// `LaunchDarkly` rules and Unleash strategies are bounded by; eight stay within it.
#[test]
fn conditions_past_the_bound_are_refused_by_the_rule_targets() {
    let plan = |n: i64| {
        let condition: Vec<String> = (0..n)
            .map(|k| format!("(age == {k} || tier == {k})"))
            .collect();
        format!(
            "plan big {{ start 2027-01-01 }}\nattribute age: int\nattribute tier: int\n\
             flag a.b: bool = false\n\
             phase one \"One\" {{ duration 1d set a.b = true when {} else false }}\n",
            condition.join(" && ")
        )
    };
    let c = emit_common::compile_text("big.roll", &plan(9));
    let big = input(&c, "big.roll");
    for target in [Target::LaunchDarkly, Target::Unleash, Target::UnleashImport] {
        let e = emit::stdout(&big, target, None).unwrap_err();
        assert!(
            e.message().starts_with(
                "the conditions of flag `a.b` in phase 1 `one` (One) need more than 256 "
            ),
            "{target}: {}",
            e.message()
        );
        assert_eq!(e.diagnostic().code.name(), "emit_unrepresentable");
        assert!(e.help().contains("fewer `||` alternatives"), "{}", e.help());
        let config = big.phase_config(rollplan::model::PhaseId(0));
        assert!(emit::document(&big, target, &config).is_err(), "{target}");
    }
    // The other targets write the condition as it is.
    for target in [Target::Json, Target::Flagd, Target::Toml] {
        assert!(emit::stdout(&big, target, None).is_ok(), "{target}");
    }
    let c = emit_common::compile_text("small.roll", &plan(8));
    let small = input(&c, "small.roll");
    assert!(emit::stdout(&small, Target::LaunchDarkly, None).is_ok());
}

#[test]
fn flags_that_become_the_same_variable_are_refused_by_env() {
    let c = emit_common::compile_text(
        "env.roll",
        "plan env { start 2027-01-01 }\n\
         flag a.b_c: bool = false\nflag a_b.c: bool = false\n\
         phase one \"One\" { duration 1d set a.b_c = true set a_b.c = true }\n",
    );
    let e = emit::stdout(&input(&c, "env.roll"), Target::Env, None).unwrap_err();
    assert_eq!(
        e.message(),
        "flags `a.b_c` and `a_b.c` both become the variable `A_B_C`"
    );
}
