//! `rollplan status [PLAN] --started PHASE@RFC3339 [--extensions N] [--at RFC3339]
//! [--prometheus URL] [--confirm GATE]… [--format human|json]`: where the rollout stands and
//! what the plan says to do now ([`crate::status`]). Stateless: a cron job can run it and act
//! on the JSON's `action`. Exit 0 whatever the action; 2 on a usage or connection error.

use std::path::PathBuf;

use jiff::Timestamp;

mod report;

use report::Report;

use super::input::{UsageError, compile_plan};
use super::metrics::{at_time, connect, phase, request_failed, timestamp};
use super::report::Failure;
use super::{ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::gates::{GateResult, Outcome, evaluate};
use crate::model::{Criterion, Plan};
use crate::status::{GateInput, Position, decide};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// The phase running and when it started (RFC 3339): `full_production@2026-12-22T09:00:00Z`
    #[arg(long, value_name = "PHASE@RFC3339")]
    pub started: String,
    /// Extensions already used in this visit of the phase
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub extensions: u32,
    /// The time to judge at (RFC 3339); now by default
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Evaluate the due metric gates against this Prometheus server (a bearer token is read
    /// from `ROLLPLAN_PROMETHEUS_TOKEN` when set)
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// A manual gate a person has confirmed (repeatable)
    #[arg(long, value_name = "GATE")]
    pub confirm: Vec<String>,
    /// Seconds each request to Prometheus may take
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Output format
    #[arg(long, value_parser = formats(HUMAN_OR_JSON), default_value = "human")]
    pub format: Format,
}

pub fn run(args: &Args) -> ExitCode {
    let json_out = args.format == Format::Json;
    match status(args) {
        Ok(code) => code,
        Err(failure) => failure.report(json_out),
    }
}

fn invalid(message: String, help: String) -> UsageError {
    UsageError {
        code: "invalid_argument",
        message,
        help,
    }
}

/// `--started PHASE@TIME`.
fn position(plan: &Plan, args: &Args) -> Result<(Position, Timestamp), UsageError> {
    let Some((id, time)) = args.started.split_once('@') else {
        return Err(invalid(
            format!(
                "--started `{}` does not name a phase and a time",
                args.started
            ),
            "write --started PHASE@RFC3339, like `full_production@2026-12-22T09:00:00Z`".to_owned(),
        ));
    };
    let phase = phase(plan, id.trim())?;
    let started = timestamp("--started", time)?;
    Ok((
        Position {
            phase,
            started: started.as_second(),
            extensions: args.extensions,
        },
        started,
    ))
}

fn status(args: &Args) -> Result<ExitCode, Failure> {
    let loaded = compile_plan(args.file.as_deref())?;
    let compiled = &loaded.compiled;
    let plan = &compiled.plan;
    let (position, started) = position(plan, args)?;
    let at = at_time(args.at.as_deref())?;
    if at < started {
        return Err(invalid(
            format!("--at {at} is before the phase started ({started})"),
            "give --at a time after --started, or leave it out for now".to_owned(),
        )
        .into());
    }
    let p = plan.phase(position.phase);
    for name in &args.confirm {
        let manual = p
            .gates
            .iter()
            .any(|g| g.id == *name && g.criterion == Criterion::Manual);
        if !manual {
            let list: Vec<String> = p
                .gates
                .iter()
                .filter(|g| g.criterion == Criterion::Manual)
                .map(|g| format!("`{}`", g.id))
                .collect();
            return Err(invalid(
                format!(
                    "--confirm `{name}`: phase `{}` has no manual gate `{name}`",
                    p.id
                ),
                if list.is_empty() {
                    format!("phase `{}` has no manual gate to confirm", p.id)
                } else {
                    format!("confirm one of: {}", list.join(", "))
                },
            )
            .into());
        }
    }
    let confirmed = |id: &str| args.confirm.iter().any(|c| c == id);
    let due = crate::status::due(plan, &position);
    let server = args
        .prometheus
        .as_deref()
        .map(|url| connect(url, args.timeout))
        .transpose()?;
    let evaluated: Option<Vec<GateResult>> = match server {
        Some(mut server) if due.is_some_and(|d| at.as_second() >= d) => {
            Some(evaluate(plan, p, &mut server, at.as_second()).map_err(request_failed)?)
        }
        _ => None,
    };
    let inputs: Vec<GateInput> = p
        .gates
        .iter()
        .enumerate()
        .map(|(i, g)| match (&g.criterion, &evaluated) {
            (Criterion::Manual, _) => GateInput::Manual {
                confirmed: confirmed(&g.id),
            },
            // A metric without a query cannot be read: not evaluated, so the phase waits for
            // a person rather than for data that will never come.
            (Criterion::Metric { .. }, Some(results)) => match &results[i].outcome {
                Outcome::Judged(j) => GateInput::Judged(j.verdict),
                Outcome::NoQuery | Outcome::Manual => GateInput::NotEvaluated,
            },
            (Criterion::Metric { .. }, None) => GateInput::NotEvaluated,
        })
        .collect();
    let decided = decide(compiled, &position, at.as_second(), &inputs);
    let report = Report {
        plan,
        position: &position,
        at,
        evaluated: evaluated.as_deref(),
        inputs: &inputs,
        status: &decided,
        prometheus: args.prometheus.is_some(),
    };
    if args.format == Format::Json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report.json()).unwrap_or_default()
        );
    } else {
        report.human();
    }
    Ok(ExitCode::Ok)
}
