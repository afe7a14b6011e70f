//! `apply` and `status --target unleash` without a server: the live flags decoded against the
//! plan, the state they match or their drift, and the order of the changes, as pure functions
//! ([`rollplan::live`]); then the command-line failures that need no server. The real server
//! runs in `tests/clients/test_unleash_live.py` (`.ci/unleash.sh`).

use std::path::Path;
use std::process::{Command, Output};

use rollplan::analysis::Node;
use rollplan::live::{
    LiveSetting, Refusal, Shape, broken_invariants, changes, decode, expected, locate, normalise,
    target_node,
};
use rollplan::model::{FlagId, FlagState, PhaseId};
use rollplan::source::SourceMap;
use serde_json::json;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A plan of the repository, by its path from the root, compiled.
fn compiled(name: &str) -> rollplan::Compiled {
    let text = std::fs::read_to_string(Path::new(ROOT).join(name)).expect("plan");
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    rollplan::compile(&sources, file).expect("compiles")
}

fn entity() -> rollplan::Compiled {
    compiled("plans/entity.roll")
}

/// The shapes a server holding `state` shows.
fn shapes(compiled: &rollplan::Compiled, state: &FlagState) -> Vec<Shape> {
    (0..compiled.plan.flags.len())
        .map(|f| expected(&compiled.plan, FlagId(f), state.get(FlagId(f))))
        .collect()
}

fn phase(compiled: &rollplan::Compiled, id: &str) -> PhaseId {
    compiled.plan.phase_named(id).expect("phase")
}

fn flag(compiled: &rollplan::Compiled, name: &str) -> FlagId {
    compiled.plan.flag_named(name).expect("flag")
}

fn names(compiled: &rollplan::Compiled, flags: &[FlagId]) -> Vec<String> {
    flags
        .iter()
        .map(|f| compiled.plan.flag(*f).name.clone())
        .collect()
}

/// A numeric constraint carries its bound in `value`, not `values`: two phases that differ only
/// in it once had the same live shape, so `status` could not tell them apart.
#[test]
fn numeric_constraints_that_differ_in_their_bound_have_different_shapes() {
    let mut sources = SourceMap::new();
    let file = sources.add(
        "ages.roll",
        "plan ages { title \"Ages\" }\nattribute age: int\nflag f: bool = false\n\
         phase older \"Older\" { duration 1w set f = true when age >= 40 else false }\n\
         phase younger \"Younger\" { duration 1w set f = true when age >= 30 else false }\n",
    );
    let compiled = rollplan::compile(&sources, file).expect("compiles");
    let f = flag(&compiled, "f");
    let shape = |id: &str| {
        let state = &compiled.plan.phase(phase(&compiled, id)).planned;
        expected(&compiled.plan, f, state.get(f))
    };
    assert_ne!(shape("older"), shape("younger"));
    let younger = &compiled.plan.phase(phase(&compiled, "younger")).planned;
    let live = decode(&compiled, &shapes(&compiled, younger));
    assert_eq!(live[f.0], LiveSetting::Known(younger.get(f).clone()));
}

#[test]
fn every_phase_read_back_matches_itself_and_only_states_equal_to_it() {
    let compiled = entity();
    let graph = &compiled.analysis.graph;
    for (i, p) in compiled.plan.phases.iter().enumerate() {
        let live = decode(&compiled, &shapes(&compiled, &p.planned));
        let found = locate(&compiled, &live);
        assert!(!found.drifted(), "{}", p.id);
        assert!(found.differences.is_empty());
        for &n in &found.exact {
            assert_eq!(graph.state(&compiled.plan, n), &p.planned, "{}", p.id);
        }
        let phases: Vec<PhaseId> = found
            .exact
            .iter()
            .filter_map(|&n| match graph.graph[n] {
                Node::Phase { phase, .. } => Some(phase),
                _ => None,
            })
            .collect();
        assert!(phases.contains(&PhaseId(i)), "{}: {phases:?}", p.id);
    }
    // The completion phase without its optional value is the entity_repository state.
    let repository = &compiled
        .plan
        .phase(phase(&compiled, "entity_repository"))
        .planned;
    let found = locate(
        &compiled,
        &decode(&compiled, &shapes(&compiled, repository)),
    );
    let described: Vec<String> = found
        .exact
        .iter()
        .map(|&n| graph.describe(&compiled.plan, n))
        .collect();
    assert_eq!(
        described,
        [
            "phase `entity_repository`",
            "phase `completion` with optional `entity.dual_write_enabled` left as it was"
        ]
    );
}

#[test]
fn a_hand_edit_is_drift_against_the_closest_phase_naming_the_flag() {
    let compiled = entity();
    let read_only = &compiled.plan.phase(phase(&compiled, "read_only")).planned;
    let mut live = shapes(&compiled, read_only);
    let repository = flag(&compiled, "entity.based_repository_enabled");
    // Switched on by hand in the UI: a 100 % flexibleRollout with its own id and group.
    live[repository.0] = Some(vec![normalise(&json!({
        "id": "3f1c", "name": "flexibleRollout", "sortOrder": 7, "title": null,
        "parameters": {"rollout": "100", "stickiness": "default", "groupId": "by-hand"},
        "constraints": [], "variants": [], "segments": [],
    }))]);
    let settings = decode(&compiled, &live);
    let found = locate(&compiled, &settings);
    assert!(found.drifted());
    assert_eq!(
        compiled.analysis.graph.graph[found.closest],
        Node::Phase {
            phase: phase(&compiled, "read_only"),
            variant: 0
        }
    );
    assert_eq!(found.differences.len(), 1, "{:?}", found.differences);
    assert_eq!(found.differences[0].flag, repository);
    let mut state = read_only.clone();
    let LiveSetting::Known(setting) = &settings[repository.0] else {
        panic!(
            "a 100 % rollout decodes as `true`: {:?}",
            settings[repository.0]
        );
    };
    state.set(repository, setting.clone());
    let broken: Vec<&str> = broken_invariants(&compiled.plan, &state)
        .into_iter()
        .map(|i| compiled.plan.invariants[i].name.as_str())
        .collect();
    assert_eq!(broken, ["repository_needs_handlers"]);
    // apply repairs it with one change, back to read_only.
    let order = changes(&compiled, &settings, read_only).expect("an order");
    assert_eq!(
        names(&compiled, &order),
        ["entity.based_repository_enabled"]
    );
}

#[test]
fn a_rollout_below_100_percent_or_another_constraint_is_not_a_setting_of_the_plan() {
    let compiled = entity();
    let start = &compiled.plan.initial;
    let mut live = shapes(&compiled, start);
    let handler = flag(&compiled, "entity.handler_enabled");
    live[handler.0] = Some(vec![normalise(&json!({
        "name": "flexibleRollout",
        "parameters": {"rollout": "50"},
        "constraints": [],
    }))]);
    let settings = decode(&compiled, &live);
    assert_eq!(settings[handler.0], LiveSetting::Unknown);
    // Invariants read the flag, so no order from there can be proven.
    assert_eq!(
        changes(&compiled, &settings, start),
        Err(Refusal::Unknown(vec![handler]))
    );
}

fn payments() -> rollplan::Compiled {
    compiled("plans/examples/payments-canary.roll")
}

/// A phase with shares, read back from the server's `flexibleRollout` strategies, is that
/// phase: `status` finds it, and `apply` to it again has nothing to change. Another share or
/// another bucketing of the same flag is not a setting of the plan.
#[test]
fn flexible_rollouts_read_back_as_the_shares_of_their_phase() {
    let compiled = payments();
    let graph = &compiled.analysis.graph;
    for (i, p) in compiled.plan.phases.iter().enumerate() {
        let live = decode(&compiled, &shapes(&compiled, &p.planned));
        assert!(
            live.iter().all(|s| matches!(s, LiveSetting::Known(_))),
            "{}",
            p.id
        );
        let found = locate(&compiled, &live);
        assert!(!found.drifted(), "{}", p.id);
        assert!(
            found.exact.iter().any(|&n| matches!(
                graph.graph[n],
                Node::Phase { phase, .. } if phase == PhaseId(i)
            )),
            "{}",
            p.id
        );
        assert_eq!(
            changes(&compiled, &live, &p.planned),
            Ok(Vec::new()),
            "{}",
            p.id
        );
    }
    let canary_5 = phase(&compiled, "canary_5");
    let v2 = flag(&compiled, "payments.v2");
    let rollout = |rollout: &str, group: &str| {
        Some(vec![normalise(&json!({
            "name": "flexibleRollout",
            "parameters": {"rollout": rollout, "stickiness": "user.id", "groupId": group},
            "constraints": [],
            "variants": [],
        }))])
    };
    let mut live = shapes(&compiled, &compiled.plan.phase(canary_5).planned);
    assert_eq!(live[v2.0], rollout("5", "early"), "the shape apply writes");
    for (share, group) in [("7", "early"), ("5", "payments.v2")] {
        live[v2.0] = rollout(share, group);
        assert_eq!(
            decode(&compiled, &live)[v2.0],
            LiveSetting::Unknown,
            "{share}% of {group}"
        );
    }
}

/// Every prefix of the changes `apply` makes between any two states of the plan that `check`
/// proves connected keeps every invariant: wherever apply stops, the flags are safe.
#[test]
fn every_state_an_apply_can_stop_in_keeps_the_invariants() {
    let compiled = entity();
    let plan = &compiled.plan;
    let mut states: Vec<&FlagState> = vec![&plan.initial];
    states.extend(plan.phases.iter().map(|p| &p.planned));
    let mut proven = 0;
    for from in &states {
        for to in &states {
            let live = decode(&compiled, &shapes(&compiled, from));
            let Ok(order) = changes(&compiled, &live, to) else {
                continue;
            };
            proven += 1;
            let mut state = (*from).clone();
            for f in order {
                state.set(f, to.get(f).clone());
                assert_eq!(broken_invariants(plan, &state), Vec::<usize>::new());
            }
            assert_eq!(&state, *to);
        }
    }
    // Each phase from the one before, each rollback, and many more.
    assert!(proven >= 2 * plan.phases.len(), "{proven}");
}

#[test]
fn apply_follows_the_order_check_proves_and_refuses_a_jump_that_has_none() {
    let compiled = entity();
    let plan = &compiled.plan;
    let start = decode(&compiled, &shapes(&compiled, &plan.initial));
    let full = &plan.phase(phase(&compiled, "full_production")).planned;
    let order = changes(&compiled, &start, full).expect("an order");
    assert_eq!(
        names(&compiled, &order),
        [
            "entity.enabled",
            "entity.relationships_enabled",
            "entity.dual_write_enabled",
            "entity.handler_enabled"
        ]
    );
    // Straight from the start to completion the handlers cannot come on without the
    // repository, nor the repository without the handlers.
    let completion = &plan.phase(phase(&compiled, "completion")).planned;
    let Err(Refusal::Blocked { invariant, .. }) = changes(&compiled, &start, completion) else {
        panic!("start -> completion has no safe order");
    };
    assert!(
        ["dual_write_until_repository", "repository_needs_handlers"]
            .contains(&plan.invariants[invariant].name.as_str())
    );
    // A rerun at the target changes nothing.
    let there = decode(&compiled, &shapes(&compiled, full));
    assert_eq!(changes(&compiled, &there, full), Ok(Vec::new()));
}

#[test]
fn skip_optional_picks_the_variant_and_start_is_before_the_rollout() {
    let compiled = entity();
    let graph = &compiled.analysis.graph;
    let completion = phase(&compiled, "completion");
    let dual = flag(&compiled, "entity.dual_write_enabled");
    let skipped = target_node(&compiled, Some(completion), &[dual]).expect("a variant");
    assert_eq!(
        graph.state(&compiled.plan, skipped),
        &compiled
            .plan
            .phase(phase(&compiled, "entity_repository"))
            .planned
    );
    let planned = target_node(&compiled, Some(completion), &[]).expect("planned");
    assert_eq!(
        graph.state(&compiled.plan, planned),
        &compiled.plan.phase(completion).planned
    );
    assert_eq!(
        target_node(&compiled, Some(phase(&compiled, "read_only")), &[dual]),
        None
    );
    assert_eq!(target_node(&compiled, None, &[]), Some(graph.start));
}

// ---- the command line, without a server ---------------------------------------------------

fn rollplan(args: &[&str], token: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollplan"));
    command
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env_remove("UNLEASH_API_TOKEN");
    if let Some(token) = token {
        command.env("UNLEASH_API_TOKEN", token);
    }
    command.output().expect("rollplan runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A server URL whose port is closed: a run that gets as far as a request fails to connect.
const CLOSED: &str = "http://127.0.0.1:1";

/// `apply --target unleash --url CLOSED --phase PHASE [more…] PLAN`.
fn apply<'a>(phase: &'a str, more: &[&'a str], plan: &'a str) -> Vec<&'a str> {
    let mut args = vec![
        "apply", "--target", "unleash", "--url", CLOSED, "--phase", phase,
    ];
    args.extend_from_slice(more);
    args.push(plan);
    args
}

/// A share Unleash cannot hold stops `apply` as a plan problem (exit 1) before it connects:
/// the port is closed, and the error is not a connection error.
#[test]
fn apply_refuses_a_share_unleash_cannot_hold_before_any_request() {
    let out = rollplan(
        &apply("one", &[], "tests/fixtures/emit/half-percent.roll"),
        Some("secret-token"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("rollplan::emit_unrepresentable"), "{err}");
    assert!(
        err.contains("Unleash cannot roll `a` out to 0.5% of early: it takes whole"),
        "{err}"
    );
    assert!(
        err.contains("set a = true for 0.5% of early else false"),
        "{err}"
    );
    assert!(!err.contains("127.0.0.1"), "{err}");
}

#[test]
fn without_a_token_apply_and_status_stop_before_any_request() {
    for args in [
        apply("development", &[], "plans/entity.roll"),
        vec![
            "status",
            "--target",
            "unleash",
            "--url",
            CLOSED,
            "plans/entity.roll",
        ],
    ] {
        let out = rollplan(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("error[rollplan::unleash_no_token]: UNLEASH_API_TOKEN is not set"),
            "{err}"
        );
        assert!(
            err.contains("help: set UNLEASH_API_TOKEN to an Unleash admin API token"),
            "{err}"
        );
    }
}

#[test]
fn an_unreachable_server_is_a_clear_error_that_never_shows_the_token() {
    let out = rollplan(
        &apply("read_only", &[], "plans/entity.roll"),
        Some("*:*.s3cret-token"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("error[rollplan::unleash_unreachable]: `http://127.0.0.1:1/api/admin/projects/default/overview` connection refused"),
        "{err}"
    );
    let all = format!("{err}{}", String::from_utf8_lossy(&out.stdout));
    assert!(!all.contains("s3cret"), "{all}");
    assert!(!all.contains("applied"), "no claim of success: {all}");
}

#[test]
fn argument_errors_name_what_to_give() {
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec![
                "apply",
                "--target",
                "unleash",
                "--phase",
                "read_only",
                "plans/entity.roll",
            ],
            "--target unleash needs the server's --url",
        ),
        (
            apply("nope", &[], "plans/entity.roll"),
            "the plan has no phase `nope`",
        ),
        (
            apply(
                "read_only",
                &["--skip-optional", "entity.dual_write_enabled"],
                "plans/entity.roll",
            ),
            "phase `read_only` has no optional value for `entity.dual_write_enabled`",
        ),
        (
            vec!["status", "plans/entity.roll"],
            "status needs where the rollout stands",
        ),
    ];
    for (args, message) in cases {
        let out = rollplan(&args, Some("*:*.t"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}
