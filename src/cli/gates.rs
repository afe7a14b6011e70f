//! `rollplan gates [PLAN] --phase ID --prometheus URL [--at RFC3339] [--format human|json]`:
//! evaluates every metric gate of the phase against Prometheus at one time, by the sampling
//! rule of [`crate::gates`], and lists the manual gates as waiting for a person.
//!
//! Exit codes: 0 every metric gate passes, 1 a gate fails, 4 none fails but one is
//! inconclusive, 2 a usage or connection error (never a verdict).

use std::path::PathBuf;

use serde_json::json;

use super::input::{compile_plan, phase};
use super::metrics::{
    at_time, connect, criterion_text, gate_json, outcome_reason, outcome_word, request_failed,
    summary_text,
};
use super::report::Failure;
use super::{ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::gates::{GateResult, Outcome, evaluate};
use crate::http::without_credentials;
use crate::simulate::engine::Verdict;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// The phase whose gates to evaluate
    #[arg(long, value_name = "ID")]
    pub phase: String,
    /// The Prometheus server's base URL, like `http://127.0.0.1:9090` (a bearer token is read
    /// from `ROLLPLAN_PROMETHEUS_TOKEN` when set)
    #[arg(long, value_name = "URL")]
    pub prometheus: String,
    /// Evaluation time (RFC 3339); now by default
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Seconds each request to Prometheus may take
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Output format
    #[arg(long, value_parser = formats(HUMAN_OR_JSON), default_value = "human")]
    pub format: Format,
}

pub fn run(args: &Args) -> ExitCode {
    let json_out = args.format == Format::Json;
    match gates(args) {
        Ok(code) => code,
        Err(failure) => failure.report(json_out),
    }
}

/// The exit code of a set of results: 1 on a failure, else 4 on an inconclusive gate, else 0.
pub fn exit_code(results: &[GateResult]) -> ExitCode {
    let verdicts: Vec<Verdict> = results.iter().filter_map(|r| r.outcome.verdict()).collect();
    if verdicts.contains(&Verdict::Failed) {
        ExitCode::PlanProblems
    } else if verdicts.contains(&Verdict::Inconclusive) {
        ExitCode::Inconclusive
    } else {
        ExitCode::Ok
    }
}

fn gates(args: &Args) -> Result<ExitCode, Failure> {
    let loaded = compile_plan(args.file.as_deref())?;
    let plan = &loaded.compiled.plan;
    let id = phase(plan, &args.phase)?;
    let at = at_time(args.at.as_deref())?;
    let p = plan.phase(id);
    let mut server = connect(&args.prometheus, args.timeout)?;
    let results = evaluate(plan, p, &mut server, at.as_second()).map_err(request_failed)?;
    let code = exit_code(&results);
    let overall = match code {
        ExitCode::PlanProblems => "fail",
        ExitCode::Inconclusive => "inconclusive",
        _ => "pass",
    };
    let url = without_credentials(&args.prometheus);
    if args.format == Format::Json {
        let gates: Vec<_> = results.iter().map(|r| gate_json(plan, p, r)).collect();
        let doc = json!({
            "plan": plan.name,
            "phase": p.id,
            "at": at.to_string(),
            "prometheus": url,
            "verdict": overall,
            "gates": gates,
        });
        outln!("{}", crate::cli::json_text(&doc));
        return Ok(code);
    }
    sayln!(
        "rollplan gates: phase `{}` ({}) at {at}, from {url}",
        p.id,
        p.title
    );
    for r in &results {
        let gate = &p.gates[r.gate];
        let word = match r.outcome {
            Outcome::Manual => "waiting",
            _ => outcome_word(&r.outcome),
        };
        let kind = if matches!(r.outcome, Outcome::Manual) {
            " (manual)"
        } else {
            ""
        };
        sayln!("  {word:<12}  {}{kind}", criterion_text(plan, gate));
        if let Outcome::Judged(j) = &r.outcome {
            sayln!("                {}", summary_text(gate, j));
        }
        sayln!("                {}", outcome_reason(plan, gate, &r.outcome));
        if let crate::model::Criterion::Metric { metric, .. } = &gate.criterion
            && let Some(q) = &plan.metric(*metric).query
        {
            sayln!("                query: {}", q.text);
        }
    }
    let count = |w: &str| {
        results
            .iter()
            .filter(|r| outcome_word(&r.outcome) == w)
            .count()
    };
    sayln!(
        "verdict: {overall} ({} pass, {} fail, {} inconclusive, {} waiting for a person)",
        count("pass"),
        count("fail"),
        count("inconclusive"),
        count("manual")
    );
    Ok(code)
}
