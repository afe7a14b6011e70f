//! Evaluating a phase's metric gates against the numbers a [`MetricSource`] gives, at one time.
//! The rule (documented for users in `docs/gates.md`; `simulate` follows it by taking a
//! scenario's verdicts as given):
//!
//! - a gate **without** `over` reads the query's instant value at the evaluation time;
//! - a gate **with** `over W` reads the query every `step` over `[t - W, t]`, both ends
//!   included (`query_range`), where `step` is one minute, or `W / 10000` rounded up to whole
//!   minutes for windows longer than about a week (Prometheus answers at most 11,000 points);
//! - several series, or none, are **inconclusive** (the query must give one number);
//! - otherwise the gate **fails** when any finite sample breaks the threshold;
//! - else it is **inconclusive** when a sample is NaN or infinite, or samples are missing (a gap
//!   in the data: fewer than the `W / step + 1` the window holds);
//! - else it **passes**.
//!
//! [`judge`] is that rule as a pure function of the samples; [`evaluate`] fetches them.

use crate::http::HttpError;
use crate::model::{Criterion, Gate, Phase, Plan, Quantity};
use crate::prometheus::{MetricSource, Series};
use crate::simulate::engine::Verdict;
use crate::syntax::ast::CmpOp;

/// The word for a verdict, as `gates --format json` writes it and scenarios read it.
pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "pass",
        Verdict::Failed => "fail",
        Verdict::Inconclusive => "inconclusive",
    }
}

/// What the samples looked like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Samples read (of the one series, or of all when there were several).
    pub samples: usize,
    /// Samples the window holds: 1 for an instant value.
    pub expected: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The latest sample.
    pub last: Option<f64>,
    /// The sample furthest on the wrong side of the threshold, with its time (a failure only).
    pub worst: Option<(f64, f64)>,
    /// Samples that break the threshold.
    pub breaking: usize,
}

/// One metric gate's verdict and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub reason: String,
    pub summary: Summary,
}

/// How a gate came out.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A metric gate read from the server.
    Judged(Judgement),
    /// A metric gate whose metric has no `query`: it cannot be read, so it is inconclusive.
    NoQuery,
    /// A gate a person checks.
    Manual,
}

impl Outcome {
    /// The verdict: `None` for a manual gate.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            Outcome::Judged(j) => Some(j.verdict),
            Outcome::NoQuery => Some(Verdict::Inconclusive),
            Outcome::Manual => None,
        }
    }
}

/// One gate of the phase, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct GateResult {
    /// Index into the phase's gates.
    pub gate: usize,
    pub outcome: Outcome,
}

/// The window's sampling step in seconds: one minute, coarser for windows past 10,000 minutes.
pub fn step_seconds(window_seconds: i64) -> i64 {
    let minutes = (window_seconds + 10_000 * 60 - 1) / (10_000 * 60);
    minutes.max(1) * 60
}

/// Evaluates every gate of `phase` at `at` (Unix seconds). Manual gates and gates without a
/// query are not sent; the first failed request stops the evaluation (never a verdict).
pub fn evaluate(
    plan: &Plan,
    phase: &Phase,
    source: &mut dyn MetricSource,
    at: i64,
) -> Result<Vec<GateResult>, HttpError> {
    let mut out = Vec::with_capacity(phase.gates.len());
    for (i, gate) in phase.gates.iter().enumerate() {
        let outcome = match &gate.criterion {
            Criterion::Manual => Outcome::Manual,
            Criterion::Metric {
                metric,
                op,
                threshold,
            } => match &plan.metric(*metric).query {
                None => Outcome::NoQuery,
                Some(query) => {
                    let (series, expected) = fetch(gate, &query.text, source, at)?;
                    Outcome::Judged(judge(&series, expected, *op, *threshold))
                }
            },
        };
        out.push(GateResult { gate: i, outcome });
    }
    Ok(out)
}

fn fetch(
    gate: &Gate,
    query: &str,
    source: &mut dyn MetricSource,
    at: i64,
) -> Result<(Vec<Series>, usize), HttpError> {
    match gate.window {
        None => Ok((source.instant(query, at)?, 1)),
        Some(window) => {
            let seconds = i64::try_from(window.length.seconds()).unwrap_or(i64::MAX / 2);
            let step = step_seconds(seconds);
            let series = source.range(query, at.saturating_sub(seconds), at, step)?;
            let expected = usize::try_from(seconds / step + 1).unwrap_or(usize::MAX);
            Ok((series, expected))
        }
    }
}

/// The rule of the module doc, on the samples of one gate.
pub fn judge(series: &[Series], expected: usize, op: CmpOp, threshold: Quantity) -> Judgement {
    let all: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.samples.iter().copied())
        .collect();
    let finite: Vec<(f64, f64)> = all.iter().copied().filter(|(_, v)| v.is_finite()).collect();
    let breaking: Vec<(f64, f64)> = finite
        .iter()
        .copied()
        .filter(|&(_, v)| !op.holds(v, threshold.value))
        .collect();
    let worst = breaking
        .iter()
        .copied()
        .max_by(|a, b| distance(a.1, threshold.value).total_cmp(&distance(b.1, threshold.value)));
    let summary = Summary {
        samples: all.len(),
        expected,
        min: finite.iter().map(|s| s.1).reduce(f64::min),
        max: finite.iter().map(|s| s.1).reduce(f64::max),
        last: all.iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|s| s.1),
        worst,
        breaking: breaking.len(),
    };
    let (verdict, reason) = if series.len() > 1 {
        (
            Verdict::Inconclusive,
            format!(
                "the query gave {} series; it must give one (aggregate it, e.g. with `sum`)",
                series.len()
            ),
        )
    } else if all.is_empty() {
        (
            Verdict::Inconclusive,
            "no data: the query gave no series at this time".to_owned(),
        )
    } else if let Some((time, value)) = worst {
        (
            Verdict::Failed,
            format!(
                "{} of {} samples break `{} {threshold}`; the worst is {} at {}",
                breaking.len(),
                all.len(),
                op.symbol(),
                show(value, threshold),
                time_text(time)
            ),
        )
    } else if finite.len() < all.len() {
        (
            Verdict::Inconclusive,
            format!(
                "{} of {} samples are NaN or infinite",
                all.len() - finite.len(),
                all.len()
            ),
        )
    } else if all.len() < expected {
        (
            Verdict::Inconclusive,
            format!(
                "{} of {expected} samples of the window are missing (a gap in the data)",
                expected - all.len()
            ),
        )
    } else {
        (
            Verdict::Passed,
            if expected == 1 {
                format!(
                    "the value {} holds `{} {threshold}`",
                    show(all[0].1, threshold),
                    op.symbol()
                )
            } else {
                format!(
                    "all {} samples hold `{} {threshold}`",
                    all.len(),
                    op.symbol()
                )
            },
        )
    };
    Judgement {
        verdict,
        reason,
        summary,
    }
}

fn distance(value: f64, threshold: f64) -> f64 {
    (value - threshold).abs()
}

/// A value in the threshold's unit: `0.35%`, `120ms`, `4`.
pub fn show(value: f64, unit_of: Quantity) -> String {
    Quantity {
        value: (value * 1e6).round() / 1e6,
        unit: unit_of.unit,
    }
    .to_string()
}

/// Unix seconds as RFC 3339 UTC (`2026-12-01T10:00:00Z`).
pub fn time_text(seconds: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "Prometheus times are whole seconds or milliseconds, well inside i64"
    )]
    let whole = seconds.floor() as i64;
    jiff::Timestamp::from_second(whole).map_or_else(|_| format!("{seconds}"), |t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Unit;

    fn pct(value: f64) -> Quantity {
        Quantity {
            value,
            unit: Unit::Percent,
        }
    }

    fn series(values: &[f64]) -> Series {
        Series {
            labels: std::collections::BTreeMap::new(),
            samples: values
                .iter()
                .enumerate()
                .map(|(i, &v)| (f64::from(u32::try_from(i).unwrap()) * 60.0, v))
                .collect(),
        }
    }

    #[test]
    fn every_sample_must_hold_for_a_pass() {
        let j = judge(&[series(&[0.05, 0.08, 0.02])], 3, CmpOp::Lt, pct(0.1));
        assert_eq!(j.verdict, Verdict::Passed, "{}", j.reason);
        assert_eq!(j.reason, "all 3 samples hold `< 0.1%`");
        assert_eq!(j.summary.max, Some(0.08));
        let j = judge(&[series(&[0.05, 0.3, 0.2])], 3, CmpOp::Lt, pct(0.1));
        assert_eq!(j.verdict, Verdict::Failed);
        assert_eq!(
            j.reason,
            "2 of 3 samples break `< 0.1%`; the worst is 0.3% at 1970-01-01T00:01:00Z"
        );
        // The threshold itself passes an inclusive bound and fails a strict one.
        assert_eq!(
            judge(&[series(&[10.0])], 1, CmpOp::Le, pct(10.0)).verdict,
            Verdict::Passed
        );
        assert_eq!(
            judge(&[series(&[10.0])], 1, CmpOp::Lt, pct(10.0)).verdict,
            Verdict::Failed
        );
    }

    #[test]
    fn no_data_several_series_nan_and_gaps_are_inconclusive_never_a_pass() {
        let inconclusive = |series: &[Series], expected: usize| {
            let j = judge(series, expected, CmpOp::Lt, pct(0.1));
            assert_eq!(j.verdict, Verdict::Inconclusive, "{}", j.reason);
            j.reason
        };
        assert_eq!(
            inconclusive(&[], 1),
            "no data: the query gave no series at this time"
        );
        assert!(
            inconclusive(&[series(&[0.0]), series(&[0.0])], 1)
                .starts_with("the query gave 2 series")
        );
        assert_eq!(
            inconclusive(&[series(&[0.0, f64::NAN])], 2),
            "1 of 2 samples are NaN or infinite"
        );
        assert_eq!(
            inconclusive(&[series(&[f64::INFINITY])], 1),
            "1 of 1 samples are NaN or infinite"
        );
        assert_eq!(
            inconclusive(&[series(&[0.0, 0.0])], 31),
            "29 of 31 samples of the window are missing (a gap in the data)"
        );
        // A breach seen beside a gap or a NaN is still a failure.
        let j = judge(&[series(&[0.5, f64::NAN])], 31, CmpOp::Lt, pct(0.1));
        assert_eq!(j.verdict, Verdict::Failed);
    }

    #[test]
    fn the_step_is_a_minute_up_to_ten_thousand_minutes() {
        assert_eq!(step_seconds(30 * 60), 60);
        assert_eq!(step_seconds(10_000 * 60), 60);
        assert_eq!(step_seconds(10_001 * 60), 120);
        assert_eq!(step_seconds(14 * 24 * 3600), 180);
    }
}
