//! `rollplan status [PLAN] --started PHASE@RFC3339 [--extensions N] [--at RFC3339]
//! [--prometheus URL] [--confirm GATE]… [--format human|json]`: where the rollout stands and
//! what the plan says to do now ([`crate::status`]). Stateless: a cron job can run it and act
//! on the JSON's `action`. Exit 0 whatever the action; 2 on a usage or connection error.
//!
//! With `--target unleash --url URL` the live flags say where the rollout stands
//! ([`super::live_status`]): the phase they match (then `--started` needs only the time), or
//! the drift, which exits 1.

use std::path::PathBuf;

use jiff::Timestamp;

mod report;

use report::Report;

use super::input::phase;
use super::input::{UsageError, compile_plan};
use super::live_status;
use super::metrics::{at_time, connect, request_failed, timestamp};
use super::report::Failure;
use super::unleash::{Connection, LiveTarget};
use super::{ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::gates::{GateResult, Outcome, evaluate};
use crate::model::{Criterion, PhaseId, Plan};
use crate::status::{GateInput, Position, decide};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// The phase running and when it started (RFC 3339): `full_production@2026-12-22T09:00:00Z`;
    /// with --target, the time alone (the live flags say the phase)
    #[arg(long, value_name = "PHASE@RFC3339")]
    pub started: Option<String>,
    /// Read where the rollout stands from a live flag system
    #[arg(long, value_enum)]
    pub target: Option<LiveTarget>,
    #[command(flatten)]
    pub connection: Connection,
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

/// `--started PHASE@TIME`, or `--started TIME` with the phase the live flags are in.
fn position(
    plan: &Plan,
    args: &Args,
    started: &str,
    live_phase: Option<PhaseId>,
) -> Result<(Position, Timestamp), UsageError> {
    let (phase, time) = match (started.split_once('@'), live_phase) {
        (Some((id, time)), _) => (phase(plan, id.trim())?, time),
        (None, Some(phase)) => (phase, started),
        (None, None) => {
            return Err(UsageError::invalid_argument(
                format!("--started `{started}` does not name a phase and a time"),
                "write --started PHASE@RFC3339, like `full_production@2026-12-22T09:00:00Z`"
                    .to_owned(),
            ));
        }
    };
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

/// Every `--confirm GATE` names a manual gate of the phase.
fn check_confirmed(p: &crate::model::Phase, confirm: &[String]) -> Result<(), UsageError> {
    for name in confirm {
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
            return Err(UsageError::invalid_argument(
                format!(
                    "--confirm `{name}`: phase `{}` has no manual gate `{name}`",
                    p.id
                ),
                if list.is_empty() {
                    format!("phase `{}` has no manual gate to confirm", p.id)
                } else {
                    format!("confirm one of: {}", list.join(", "))
                },
            ));
        }
    }
    Ok(())
}

fn status(args: &Args) -> Result<ExitCode, Failure> {
    let loaded = compile_plan(args.file.as_deref())?;
    let compiled = &loaded.compiled;
    let plan = &compiled.plan;
    let live = args
        .target
        .map(|LiveTarget::Unleash| live_status::read(compiled, &args.connection, args.timeout))
        .transpose()?;
    let live_code = if live.as_ref().is_some_and(|l| l.found.drifted()) {
        ExitCode::PlanProblems
    } else {
        ExitCode::Ok
    };
    let live_phase = live.as_ref().and_then(|l| l.phase(compiled));
    // Without a phase from the live flags (drift, or the start), only `PHASE@TIME` says
    // which phase's gates to judge; otherwise the live report is the answer.
    let needs_phase = |text: &str| !text.contains('@') && live_phase.is_none();
    let started_text = match (&args.started, &live) {
        (Some(text), None) => text.as_str(),
        (Some(text), Some(_)) if !needs_phase(text) => text.as_str(),
        (_, Some(live)) => {
            live.print(compiled, args.format == Format::Json, None);
            return Ok(live_code);
        }
        (None, None) => {
            return Err(UsageError::invalid_argument(
                "status needs where the rollout stands".to_owned(),
                "give --started PHASE@RFC3339, or read it from the live flags with --target unleash --url URL".to_owned(),
            )
            .into());
        }
    };
    let (position, started) = position(plan, args, started_text, live_phase)?;
    let live_code = match &live {
        Some(l) if !l.at_phase(compiled, position.phase) => ExitCode::PlanProblems,
        _ => live_code,
    };
    let at = at_time(args.at.as_deref())?;
    if at < started {
        return Err(UsageError::invalid_argument(
            format!("--at {at} is before the phase started ({started})"),
            "give --at a time after --started, or leave it out for now".to_owned(),
        )
        .into());
    }
    let p = plan.phase(position.phase);
    check_confirmed(p, &args.confirm)?;
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
    match (&live, args.format) {
        (Some(live), format) => {
            live.print(
                compiled,
                format == Format::Json,
                Some((report.json(), &|| report.human())),
            );
        }
        (None, Format::Json) => outln!("{}", crate::cli::json_text(&report.json())),
        (None, _) => report.human(),
    }
    Ok(live_code)
}
