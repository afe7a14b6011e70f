//! What `gates` and `status` share: the `--at` time, the phase named on the command line, the
//! Prometheus connection (its token from [`TOKEN_VARIABLE`]), a failed request as a usage
//! error (exit 2), and one gate's result as text and JSON.

use crate::diagnostic::UsageCode;
use std::fmt::Write as _;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value as Json, json};

use super::input::UsageError;
use crate::gates::{GateResult, Judgement, Outcome, show, time_text, verdict_word};
use crate::http::{DEFAULT_TIMEOUT, HttpError, HttpErrorKind, Secret};
use crate::model::{Criterion, Gate, Phase, Plan};
use crate::prometheus::{Prometheus, TOKEN_VARIABLE};

/// `--at`: an RFC 3339 time, or now.
pub fn at_time(at: Option<&str>) -> Result<Timestamp, UsageError> {
    match at {
        // Whole seconds: the queries are sent in whole seconds, and the report says the same.
        None => {
            Ok(Timestamp::from_second(Timestamp::now().as_second())
                .unwrap_or(Timestamp::UNIX_EPOCH))
        }
        Some(text) => timestamp("--at", text),
    }
}

/// An RFC 3339 time given to `flag`.
pub fn timestamp(flag: &str, text: &str) -> Result<Timestamp, UsageError> {
    text.trim().parse::<Timestamp>().map_err(|e| UsageError {
        code: UsageCode::InvalidArgument,
        message: format!("{flag} `{text}` is not an RFC 3339 time: {e}"),
        help: format!("write {flag} like `2026-12-15T09:30:00Z` (or with an offset, `+01:00`)"),
    })
}

/// The server at `url`, with the token from the environment when it is set; each request may
/// take `timeout` seconds.
pub fn connect(url: &str, timeout: f64) -> Result<Prometheus, UsageError> {
    let timeout = request_timeout(timeout)?;
    Ok(Prometheus::new(
        url,
        Secret::from_env(TOKEN_VARIABLE),
        timeout,
    ))
}

/// A failed request: exit 2 with a code that says what went wrong.
pub fn request_failed(e: HttpError) -> UsageError {
    let (code, help) = match e.kind {
        HttpErrorKind::Unreachable => (
            UsageCode::PrometheusUnreachable,
            "check that Prometheus runs and that `--prometheus` is its base URL, like `http://127.0.0.1:9090`",
        ),
        HttpErrorKind::Timeout => (
            UsageCode::PrometheusTimeout,
            "check the server's load, query a shorter window, or allow more time with `--timeout SECONDS`",
        ),
        HttpErrorKind::Status(401 | 403) => (
            UsageCode::PrometheusHttpError,
            "the server refused the credentials: set ROLLPLAN_PROMETHEUS_TOKEN to a token it accepts",
        ),
        HttpErrorKind::Status(_) => (
            UsageCode::PrometheusHttpError,
            "read the server's message above: a 400 usually means the metric's `query` is not valid PromQL",
        ),
        HttpErrorKind::Malformed => (
            UsageCode::PrometheusBadAnswer,
            "check that `--prometheus` points at a Prometheus server (its API is under `/api/v1/`)",
        ),
    };
    UsageError {
        code,
        message: e.message,
        help: help.to_owned(),
    }
}

/// The gate's criterion as written: `error_rate < 0.1% over 30m`.
pub fn criterion_text(plan: &Plan, gate: &Gate) -> String {
    match &gate.criterion {
        Criterion::Manual => gate.id.clone(),
        Criterion::Metric {
            metric,
            op,
            threshold,
        } => {
            let over = gate
                .window
                .map_or_else(String::new, |w| format!(" over {}", w.length));
            format!(
                "{} {} {threshold}{over}",
                plan.metric(*metric).name,
                op.symbol()
            )
        }
    }
}

/// The word for an outcome: `pass`, `fail`, `inconclusive`, or `manual`.
pub fn outcome_word(outcome: &Outcome) -> &'static str {
    outcome.verdict().map_or("manual", verdict_word)
}

/// The reason an outcome is what it is, in words.
pub fn outcome_reason(plan: &Plan, gate: &Gate, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Judged(j) => j.reason.clone(),
        Outcome::NoQuery => {
            let name = match &gate.criterion {
                Criterion::Metric { metric, .. } => plan.metric(*metric).name.as_str(),
                Criterion::Manual => gate.id.as_str(),
            };
            format!("metric `{name}` has no `query`, so it cannot be read from Prometheus")
        }
        Outcome::Manual => format!(
            "waiting for a person to check: {}",
            gate.text.as_deref().unwrap_or(&gate.id)
        ),
    }
}

/// The samples' summary in words: `31 samples, min 0.02%, max 0.05%, last 0.03%`.
pub fn summary_text(gate: &Gate, j: &Judgement) -> String {
    let Criterion::Metric { threshold, .. } = &gate.criterion else {
        return String::new();
    };
    let s = &j.summary;
    let mut out = format!("{} of {} samples", s.samples, s.expected);
    for (name, v) in [("min", s.min), ("max", s.max), ("last", s.last)] {
        if let Some(v) = v {
            let _ = write!(out, ", {name} {}", show(v, *threshold));
        }
    }
    out
}

/// One gate as JSON, as `gates --format json` and `status --format json` write it.
pub fn gate_json(plan: &Plan, phase: &Phase, result: &GateResult) -> Json {
    let gate = &phase.gates[result.gate];
    let verdict = result.outcome.verdict().map(verdict_word);
    let mut value = json!({
        "gate": gate.id,
        "text": gate.text,
        "verdict": verdict,
        "reason": outcome_reason(plan, gate, &result.outcome),
    });
    match &gate.criterion {
        Criterion::Manual => {
            value["kind"] = json!("manual");
        }
        Criterion::Metric {
            metric,
            op,
            threshold,
        } => {
            let m = plan.metric(*metric);
            value["kind"] = json!("metric");
            value["metric"] = json!(m.name);
            value["query"] = json!(m.query.as_ref().map(|q| q.text.as_str()));
            value["op"] = json!(op.symbol());
            value["threshold"] = json!(threshold.to_string());
            value["threshold_value"] = json!(threshold.value);
            value["window"] = json!(gate.window.map(|w| w.length.to_string()));
            value["window_seconds"] = json!(gate.window.map(|w| w.length.seconds()));
            if let Outcome::Judged(j) = &result.outcome {
                let s = &j.summary;
                value["samples"] = json!({
                    "count": s.samples,
                    "expected": s.expected,
                    "min": s.min,
                    "max": s.max,
                    "last": s.last,
                    "breaking": s.breaking,
                    "worst": s.worst.map(|(t, v)| json!({"at": time_text(t), "value": v})),
                });
            }
        }
    }
    value
}

/// `--timeout SECONDS` as a duration: positive and finite, or a usage error.
pub fn request_timeout(seconds: f64) -> Result<Duration, UsageError> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            UsageError::invalid_argument(
                format!("--timeout `{seconds}` is not a positive number of seconds"),
                format!(
                    "give --timeout in seconds, like `--timeout 30`; it is {} by default",
                    DEFAULT_TIMEOUT.as_secs()
                ),
            )
        })
}
