//! The Monte Carlo forecast against answers known in closed form (geometric extensions, the
//! means of uniform and triangular durations, rollback chances), and its reproducibility: the
//! same seed gives the same result whatever the number of threads.

use std::process::Command;

use rollplan::model::{DAY_MINUTES, parse_date};
use rollplan::simulate::Calendar;
use rollplan::simulate::clock::Clock;
use rollplan::simulate::forecast::{Tally, declared_pass_rates, forecast, override_pass_rate};
use rollplan::simulate::prepared::Prepared;
use rollplan::source::SourceMap;

fn compile(text: &str) -> rollplan::Compiled {
    let mut sources = SourceMap::new();
    let file = sources.add("test.roll", text.to_owned());
    rollplan::compile(&sources, file).expect("test plan compiles")
}

/// A plan with one phase `a` followed by an indefinite `b`.
fn one_phase(duration: &str, gate: &str, on_fail: &str) -> rollplan::Compiled {
    compile(&format!(
        r#"plan p {{ start 2026-12-01 }}
flag f: bool = false
phase a "A" {{
  duration {duration}
  set f = true
  gate {gate}
  on_fail {on_fail}
}}
phase b "B" {{
  duration indefinite
  set f = false
}}
"#
    ))
}

fn run(c: &rollplan::Compiled, runs: u64, seed: u64) -> Tally {
    let clock = Clock::new(
        &c.plan,
        parse_date("2026-12-01").unwrap(),
        Calendar::Calendar,
    );
    forecast(
        &Prepared::new(&c.plan),
        &clock,
        &declared_pass_rates(&c.plan),
        runs,
        seed,
    )
}

/// A day in minutes, the unit of a forecast's times.
const D: i64 = DAY_MINUTES;

/// The mean time to the last phase, in days.
#[expect(clippy::cast_precision_loss, reason = "test statistics")]
fn mean_days(t: &Tally) -> f64 {
    t.mean().unwrap() / D as f64
}

#[expect(clippy::cast_precision_loss, reason = "test statistics")]
fn share(n: u64, of: u64) -> f64 {
    n as f64 / of as f64
}

fn close(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: got {got}, want {want} ± {tolerance}"
    );
}

#[test]
fn extensions_under_an_unlimited_policy_are_geometric() {
    // Pass rate p at each evaluation: extensions K ~ Geometric with P(K = k) = (1-p)^k p,
    // mean (1-p)/p = 3 for p = 1/4; one day each, so the last phase starts on day 7 + K.
    let c = one_phase("1w", r#"ok "works" pass 0.25"#, "extend 1d");
    let n = 200_000;
    let t = run(&c, n, 11);
    assert_eq!(t.unfinished, 0);
    // Standard error of the mean: sqrt(1-p)/p / sqrt(n) ≈ 0.008.
    close(share(t.extensions[0], n), 3.0, 0.05, "mean extensions");
    close(mean_days(&t), 10.0, 0.05, "mean days");
    // P(K <= k) = 1 - (3/4)^(k+1): the median is k = 2 (0.44 below, 0.58 at it).
    assert_eq!(t.quantile(0.5), Some(9 * D));
    for k in 0..6 {
        let want = 1.0 - 0.75f64.powi(k + 1);
        close(
            share(t.within((7 + i64::from(k)) * D), n),
            want,
            0.005,
            &format!("P(K <= {k})"),
        );
    }
    assert_eq!(t.min(), Some(7 * D));
    assert_eq!(t.rolled_back[0], 0);
}

#[test]
fn a_uniform_range_has_the_mean_of_its_whole_days() {
    // 1w..2w: 7, 8, …, 14 days equally likely: mean 10.5, P(<= 10) = 1/2.
    let c = one_phase("1w..2w", r#"ok "works""#, "extend 1d");
    let n = 100_000;
    let t = run(&c, n, 5);
    close(mean_days(&t), 10.5, 0.05, "uniform mean");
    close(share(t.within(10 * D), n), 0.5, 0.01, "P(<= 10 days)");
    assert_eq!((t.min(), t.max()), (Some(7 * D), Some(14 * D)));
    for d in 7..=14 {
        close(
            share(t.within(d * D) - t.within((d - 1) * D), n),
            0.125,
            0.006,
            &format!("P({d} days)"),
        );
    }
}

#[test]
fn a_likely_value_gives_a_triangular_duration() {
    // Triangular on [7, 21] with mode 10: mean (7 + 21 + 10) / 3.
    let c = one_phase("1w..3w likely 10d", r#"ok "works""#, "extend 1d");
    let n = 100_000;
    let t = run(&c, n, 9);
    close(mean_days(&t), 38.0 / 3.0, 0.05, "triangular mean");
    // Rounded to the nearest day, 10 days or fewer means X < 10.5, past the mode:
    // F(10.5) = 1 - (21 - 10.5)² / ((21 - 7) (21 - 10)).
    close(
        share(t.within(10 * D), n),
        1.0 - 10.5 * 10.5 / 154.0,
        0.01,
        "P(<= 10 days)",
    );
    assert_eq!((t.min(), t.max()), (Some(7 * D), Some(21 * D)));
}

#[test]
fn rollback_chance_and_extensions_follow_the_policy() {
    // Pass rate 1/2, extend at most twice, then roll back to the start. A visit rolls back when
    // three evaluations fail in a row: r = 1/8, and the phase rolls back at least once in a run
    // exactly when its first visit does. Extensions per visit: 1/2 + 1/4; visits per run are
    // geometric with mean 1/(1 - r), so by Wald's identity the mean is 0.75 / 0.875.
    let c = one_phase(
        "1w",
        r#"ok "works" pass 0.5"#,
        "extend 1d max 2 then rollback start",
    );
    let n = 200_000;
    let t = run(&c, n, 3);
    close(
        share(t.rolled_back[0], n),
        0.125,
        0.004,
        "rollback probability",
    );
    close(
        share(t.extensions[0], n),
        0.75 / 0.875,
        0.01,
        "mean extensions",
    );
}

#[test]
fn the_entity_plan_with_every_gate_passing_takes_42_days() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll")).unwrap();
    let c = compile(&text);
    let t = run(&c, 10_000, 1);
    assert_eq!(
        [t.quantile(0.5), t.quantile(0.9), t.quantile(0.99), t.max()],
        [Some(42 * D); 4]
    );
    assert_eq!(t.extensions, vec![0; 5]);
}

#[test]
fn pass_rate_overrides_change_the_named_gates_only() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll")).unwrap();
    let c = compile(&text);
    let mut rates = declared_pass_rates(&c.plan);
    // `latency_delta` is gated in two phases; `PHASE.GATE` picks one.
    assert_eq!(
        override_pass_rate(&c.plan, &mut rates, "latency_delta", 0.5),
        2
    );
    assert_eq!(
        override_pass_rate(&c.plan, &mut rates, "entity_repository.latency_delta", 0.9),
        1
    );
    assert_eq!((rates[2][1], rates[3][1]), (0.5, 0.9));
    assert_eq!(override_pass_rate(&c.plan, &mut rates, "nothing", 0.5), 0);
}

#[test]
fn the_same_seed_gives_the_same_result_on_any_number_of_threads() {
    let c = one_phase(
        "1w..3w likely 10d",
        r#"ok "works" pass 0.6"#,
        "extend 2d max 1 then rollback start",
    );
    let n = 50_000;
    let results: Vec<Tally> = [1, 2, 3]
        .into_iter()
        .map(|threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run(&c, n, 42))
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
    assert_ne!(results[0], run(&c, n, 43), "another seed, another sample");
}

#[test]
fn cli_output_is_byte_identical_across_thread_counts() {
    let output = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_rollplan"))
            .args([
                "simulate",
                "plans/entity.roll",
                "--runs",
                "20000",
                "--seed",
                "7",
                "--pass-rate",
                "error_rate=0.7",
                "--deadline",
                "2027-02-01",
                "--threads",
                threads,
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
            .stdout
    };
    let one = output("1");
    assert!(String::from_utf8_lossy(&one).contains("finished by 2027-02-01"));
    assert_eq!(one, output("2"));
}

#[test]
fn a_gate_that_never_passes_finishes_no_run() {
    let c = one_phase("1w", r#"ok "works" pass 0"#, "extend 1d");
    let t = run(&c, 1_000, 1);
    assert_eq!((t.unfinished, t.never_passes), (1_000, Some((0, 0))));
    assert_eq!(t.quantile(0.5), None);
    // A gate that rarely passes still finishes some runs, within the evaluation limit.
    let c = one_phase("1w", r#"ok "works" pass 0.01"#, "extend 1d");
    let t = run(&c, 1_000, 1);
    assert!(t.unfinished < 10, "{} unfinished", t.unfinished);
    assert_eq!(t.never_passes, None);
}

#[test]
fn a_seed_always_gives_the_same_forecast() {
    // Pins the random streams: a change here changes every user's forecast for a seed.
    let out = Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args([
            "simulate",
            "plans/entity.roll",
            "--runs",
            "20000",
            "--seed",
            "2026",
            "--pass-rate",
            "error_rate=0.7",
            "--pass-rate",
            "consistency_preserved=0.9",
            "--deadline",
            "2027-02-01",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("forecast_seed_2026", String::from_utf8(out.stdout).unwrap());
}

/// `--runs` and `--threads` outside what a forecast can use are usage errors that name the
/// limit: no forecast of zero runs ("not reached"), and nothing that cannot finish.
#[test]
fn runs_and_threads_are_refused_outside_their_limits() {
    for (args, says) in [
        (
            &["--runs", "0"][..],
            "`--runs 0` asks for a forecast of no runs",
        ),
        (
            &["--runs", "10000000000"][..],
            "`--runs 10000000000` is more than the 100000000 runs a forecast takes",
        ),
        (
            &["--runs", "10", "--threads", "5000"][..],
            "`--threads 5000` is more than the 256 threads a forecast uses",
        ),
        (
            &["--runs", "10", "--threads", "0"][..],
            "`--threads 0` leaves no thread to run the forecast",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rollplan"))
            .args(["simulate", "plans/entity.roll"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "error[rollplan::invalid_argument]: {says}\n  help: "
            )),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// `PHASE.GATE=P` wins over `GATE=P` whatever their order on the command line.
#[test]
fn a_phase_specific_pass_rate_wins_over_a_general_one_in_any_order() {
    let rate = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_rollplan"))
            .args([
                "simulate",
                "plans/entity.roll",
                "--runs",
                "10",
                "--format",
                "json",
            ])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let phases = value["phases"].as_array().unwrap();
        let p = phases
            .iter()
            .find(|p| p["phase"] == "full_production")
            .unwrap();
        let g = p["gates"].as_array().unwrap();
        // As printed: the rates are the ones given, not computed.
        g.iter().find(|g| g["gate"] == "error_rate").unwrap()["pass_rate"].to_string()
    };
    let specific = "--pass-rate=full_production.error_rate=0.25";
    let general = "--pass-rate=error_rate=0.5";
    assert_eq!(rate(&[specific, general]), "0.25");
    assert_eq!(rate(&[general, specific]), "0.25");
    // Among general ones, the last wins.
    assert_eq!(rate(&[general, "--pass-rate=error_rate=0.75"]), "0.75");
}
