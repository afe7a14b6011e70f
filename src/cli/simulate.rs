//! `rollplan simulate [FILE]`: the planned timeline (default), what-if runs (`--fail`,
//! `--scenario`) and Monte Carlo forecasts (`--runs`), in human, JSON, Mermaid or SVG form.
//! Argument checking and printing only; the simulation is in [`crate::simulate`].

use crate::diagnostic::UsageCode;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::input::{CompiledPlan, SourceKind, UsageError, compile_plan, read_source, stderr_color};
use super::report::Failure;
use super::{ExitCode, Format, formats};
use crate::diagnostic::{did_you_mean, render};
use crate::model::{Date, Moment, MomentError, parse_date};
use crate::simulate::clock::Clock;
use crate::simulate::prepared::Prepared;
use crate::simulate::report::{self, RunReport, forecast::ForecastReport};
use crate::simulate::whatif::{self, ForcedFailure};
use crate::simulate::{Calendar, Scenario, forecast, parse_scenario};
use crate::source::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CalendarArg {
    /// Every day counts
    #[default]
    Calendar,
    /// Weekends and the plan's holidays are skipped
    Business,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// Start of the rollout: a date (YYYY-MM-DD, 00:00 UTC) or an RFC 3339 date-time
    /// (2026-12-01T09:00:00Z); by default the plan's `start`
    #[arg(long)]
    pub start: Option<String>,
    /// Which days count for durations and start days
    #[arg(long, value_enum, default_value_t = CalendarArg::Calendar)]
    pub calendar: CalendarArg,
    /// What-if: PHASE's gates fail at its first N evaluations (`full_production:3`; N = 1 if left out)
    #[arg(long, value_name = "PHASE[:N]")]
    pub fail: Vec<String>,
    /// What-if: observed gate results per phase attempt, from a YAML file
    #[arg(long, value_name = "FILE.yaml")]
    pub scenario: Option<PathBuf>,
    /// Forecast: number of Monte Carlo runs
    #[arg(long, value_name = "N", conflicts_with_all = ["fail", "scenario"])]
    pub runs: Option<u64>,
    /// Forecast: random seed (the same seed gives the same output)
    #[arg(long, value_name = "S", default_value_t = 0, requires = "runs")]
    pub seed: u64,
    /// Forecast: report the chance of reaching the last phase by this date
    #[arg(long, value_name = "YYYY-MM-DD", requires = "runs")]
    pub deadline: Option<String>,
    /// Forecast: override a gate's pass probability (`GATE=P` or `PHASE.GATE=P`)
    #[arg(long, value_name = "GATE=P", requires = "runs")]
    pub pass_rate: Vec<String>,
    /// Forecast: worker threads (by default one per core); the output does not depend on it
    #[arg(long, value_name = "N", requires = "runs")]
    pub threads: Option<usize>,
    /// Print the event log even for the planned timeline
    #[arg(long)]
    pub log: bool,
    /// Output format (`mermaid`, a `gantt` block, and `svg` draw timelines only)
    #[arg(long, value_parser = formats(&[Format::Human, Format::Json, Format::Mermaid, Format::Svg]), default_value = "human")]
    pub format: Format,
}

fn usage(code: UsageCode, message: String, help: impl Into<String>) -> UsageError {
    UsageError {
        code,
        message,
        help: help.into(),
    }
}

/// `--start`: a date or an RFC 3339 date-time, as a plan's `start` takes.
fn start_arg(text: &str) -> Result<Moment, UsageError> {
    Moment::parse(text).map_err(|e| {
        let why = match e {
            MomentError::NoSuchDay => "is not a date",
            MomentError::NoOffset => "has no time zone offset",
            MomentError::NotATime => "is not an RFC 3339 date-time",
            MomentError::NotAWholeMinute => "is not on a whole minute",
        };
        usage(
            UsageCode::InvalidArgument,
            format!("`--start {text}` {why}"),
            "write a date as YYYY-MM-DD (`--start 2026-12-01`) or a date-time on a whole minute with `Z` or an offset (`--start 2026-12-01T09:00:00Z`)",
        )
    })
}

fn date_arg(flag: &str, text: &str) -> Result<Date, UsageError> {
    parse_date(text)
        .filter(|_| text.len() == 10)
        .ok_or_else(|| {
            usage(
                UsageCode::InvalidArgument,
                format!("`--{flag} {text}` is not a date"),
                format!("write the date as YYYY-MM-DD, like `--{flag} 2026-12-01`"),
            )
        })
}

pub fn run(args: &Args) -> ExitCode {
    let json = args.format == Format::Json;
    match simulate(args) {
        Ok(code) => code,
        Err(failure) => failure.report(json),
    }
}

/// The most `--runs` a forecast takes: one million runs of the seed plan take 50 ms, so this
/// many take seconds to minutes; more is a typo or an attempt to hang a CI job.
pub const MAX_RUNS: u64 = 100_000_000;
/// The most `--threads`: more threads than this only cost memory and start-up.
pub const MAX_THREADS: usize = 256;

/// Refuses a number of runs or threads that cannot give a forecast or cannot finish.
fn check_limits(args: &Args) -> Result<(), UsageError> {
    match args.runs {
        Some(0) => {
            return Err(usage(
                UsageCode::InvalidArgument,
                "`--runs 0` asks for a forecast of no runs".to_owned(),
                "give at least 1 run; 10000 (`--runs 10000`) gives percentiles to about a day",
            ));
        }
        Some(n) if n > MAX_RUNS => {
            return Err(usage(
                UsageCode::InvalidArgument,
                format!("`--runs {n}` is more than the {MAX_RUNS} runs a forecast takes"),
                format!(
                    "give at most {MAX_RUNS} runs; a million (`--runs 1000000`) already gives stable percentiles"
                ),
            ));
        }
        _ => {}
    }
    match args.threads {
        Some(0) => Err(usage(
            UsageCode::InvalidArgument,
            "`--threads 0` leaves no thread to run the forecast".to_owned(),
            "give at least 1 thread, or leave `--threads` out to use one per core",
        )),
        Some(n) if n > MAX_THREADS => Err(usage(
            UsageCode::InvalidArgument,
            format!("`--threads {n}` is more than the {MAX_THREADS} threads a forecast uses"),
            format!(
                "give at most {MAX_THREADS} threads, or leave `--threads` out to use one per core"
            ),
        )),
        _ => Ok(()),
    }
}

fn simulate(args: &Args) -> Result<ExitCode, Failure> {
    let json = args.format == Format::Json;
    check_limits(args)?;
    if args.runs.is_some() && matches!(args.format, Format::Mermaid | Format::Svg) {
        return Err(usage(
            UsageCode::InvalidArgument,
            "a forecast (`--runs`) is a distribution, not a timeline, so it has no Mermaid or SVG form".to_owned(),
            "use `--format human` or `--format json` with `--runs`, or drop `--runs` to draw the timeline",
        )
        .into());
    }
    let CompiledPlan {
        mut sources,
        compiled,
        ..
    } = compile_plan(args.file.as_deref())?;
    let plan = &compiled.plan;
    let start = match (&args.start, plan.start) {
        (Some(text), _) => start_arg(text)?,
        (None, Some(d)) => d,
        (None, None) => {
            return Err(usage(
                UsageCode::MissingStart,
                format!("plan `{}` states no `start` date", plan.name),
                "pass the first day of the rollout: `--start 2026-12-01`",
            )
            .into());
        }
    };
    let calendar = match args.calendar {
        CalendarArg::Calendar => Calendar::Calendar,
        CalendarArg::Business => Calendar::Business,
    };
    if !compiled.warnings.is_empty() && !json {
        super::write_stderr(&render::human(&compiled.warnings, &sources, stderr_color()));
    }
    let clock = Clock::new(plan, start, calendar);
    let prepared = Prepared::new(plan);

    if let Some(runs) = args.runs {
        return run_forecast(args, plan, &clock, &prepared, runs);
    }
    let failures = args
        .fail
        .iter()
        .map(|spec| forced_failure(plan, spec))
        .collect::<Result<Vec<_>, _>>()?;
    let scenario = match &args.scenario {
        Some(path) => Some(read_scenario(plan, &mut sources, path)?),
        None => None,
    };
    let run = whatif::run(&prepared, &clock, &failures, scenario.as_ref());
    let last_day = run
        .visits
        .iter()
        .flat_map(|v| [Some(v.start), v.end])
        .flatten()
        .chain(run.records.iter().map(|r| r.at))
        .max();
    check_calendar(&clock, last_day)?;
    let mut mode: Vec<String> = args.fail.iter().map(|f| format!("--fail {f}")).collect();
    if let Some(path) = &args.scenario {
        mode.push(format!("--scenario {}", path.display()));
    }
    let what_if = !mode.is_empty();
    let mode = if what_if {
        format!("what-if {}", mode.join(" "))
    } else {
        "planned timeline".to_owned()
    };
    let report = RunReport {
        compiled: &compiled,
        clock: &clock,
        run: &run,
        mode,
    };
    match args.format {
        Format::Json => outln!("{}", pretty(&report::json::run(&report))),
        Format::Mermaid => out!("{}", report::mermaid::run(&report)),
        Format::Svg => out!("{}", report::svg::run(&report)),
        // The parser admits only human, JSON, Mermaid and SVG.
        _ => say!("{}", report::human::run(&report, what_if || args.log)),
    }
    Ok(ExitCode::Ok)
}

/// `--runs N`: the Monte Carlo forecast.
fn run_forecast(
    args: &Args,
    plan: &crate::model::Plan,
    clock: &Clock,
    prepared: &Prepared,
    runs: u64,
) -> Result<ExitCode, Failure> {
    let json = args.format == Format::Json;
    let mut rates = forecast::declared_pass_rates(plan);
    // `GATE=P` first, then `PHASE.GATE=P`: the specific override wins, in any order; among
    // equally specific ones the last wins.
    let mut specs: Vec<&String> = args.pass_rate.iter().collect();
    specs.sort_by_key(|spec| {
        let name = spec.split_once('=').map_or(spec.as_str(), |(n, _)| n);
        forecast::names_one_phase(plan, name.trim())
    });
    for spec in specs {
        apply_pass_rate(plan, &mut rates, spec)?;
    }
    let deadline = args
        .deadline
        .as_deref()
        .map(|d| date_arg("deadline", d))
        .transpose()?;
    let compute = || forecast::forecast(prepared, clock, &rates, runs, args.seed);
    let tally = match args.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| {
                usage(
                    UsageCode::InvalidArgument,
                    format!("cannot start {n} threads: {e}"),
                    "use fewer `--threads`",
                )
            })?
            .install(compute),
        None => compute(),
    };
    check_calendar(clock, tally.max())?;
    let report = ForecastReport {
        plan,
        clock,
        tally: &tally,
        seed: args.seed,
        deadline,
        pass_rates: &rates,
    };
    if json {
        outln!("{}", pretty(&report.json()));
    } else {
        say!("{}", report.human());
    }
    Ok(ExitCode::Ok)
}

/// Refuses a timeline whose `last` time the calendar cannot hold (past 9999-12-31), where its
/// dates would otherwise stop at the last day without a word.
fn check_calendar(clock: &Clock, last: Option<i64>) -> Result<(), UsageError> {
    match last {
        Some(at) if !clock.holds(at) => Err(usage(
            UsageCode::DateOutOfRange,
            format!(
                "starting on {}, the rollout runs {} days, past {}, the last day the calendar holds",
                clock.start,
                at / crate::model::DAY_MINUTES,
                Date::MAX
            ),
            "start the rollout earlier (`--start` or the plan's `start`), or shorten its phases or freeze windows",
        )),
        _ => Ok(()),
    }
}

fn pretty(value: &serde_json::Value) -> String {
    super::json_text(value)
}

fn unknown_phase(plan: &crate::model::Plan, flag: &str, name: &str) -> UsageError {
    let ids = plan.phases.iter().map(|p| p.id.as_str());
    usage(
        UsageCode::InvalidArgument,
        format!("`--{flag}` names phase `{name}`, which the plan does not declare"),
        did_you_mean(name, ids, || {
            format!(
                "the plan's phases are {}",
                plan.phases
                    .iter()
                    .map(|p| format!("`{}`", p.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
    )
}

/// `PHASE` or `PHASE:N`.
fn forced_failure(plan: &crate::model::Plan, spec: &str) -> Result<ForcedFailure, UsageError> {
    let (name, times) = match spec.rsplit_once(':') {
        Some((name, n)) => {
            let times = n.parse::<u32>().ok().filter(|&t| t > 0).ok_or_else(|| {
                usage(
                    UsageCode::InvalidArgument,
                    format!("`--fail {spec}`: `{n}` is not a positive number of failures"),
                    "write `--fail PHASE` for one failure or `--fail PHASE:3` for three in a row",
                )
            })?;
            (name, times)
        }
        None => (spec, 1),
    };
    let phase = plan
        .phase_named(name)
        .ok_or_else(|| unknown_phase(plan, "fail", name))?;
    Ok(ForcedFailure {
        phase: phase.0,
        times,
    })
}

fn apply_pass_rate(
    plan: &crate::model::Plan,
    rates: &mut [Vec<f64>],
    spec: &str,
) -> Result<(), UsageError> {
    let bad = || {
        usage(
            UsageCode::InvalidArgument,
            format!("`--pass-rate {spec}` is not `GATE=P` with P between 0 and 1"),
            "write `--pass-rate error_rate=0.8` or `--pass-rate full_production.error_rate=0.8`",
        )
    };
    let (name, p) = spec.split_once('=').ok_or_else(bad)?;
    let p: f64 = p
        .trim()
        .parse()
        .ok()
        .filter(|p: &f64| (0.0..=1.0).contains(p))
        .ok_or_else(bad)?;
    if forecast::override_pass_rate(plan, rates, name.trim(), p) == 0 {
        let gates: Vec<&str> = plan
            .phases
            .iter()
            .flat_map(|ph| ph.gates.iter().map(|g| g.id.as_str()))
            .collect();
        return Err(usage(
            UsageCode::InvalidArgument,
            format!("`--pass-rate` names gate `{name}`, which no phase evaluates"),
            did_you_mean(name, gates, || {
                "name a gate as the plan declares it (a metric gate by its metric)".to_owned()
            }),
        ));
    }
    Ok(())
}

/// Reads a scenario file into the source map and parses it; its problems are diagnostics.
fn read_scenario(
    plan: &crate::model::Plan,
    sources: &mut SourceMap,
    path: &Path,
) -> Result<Scenario, Failure> {
    let read = read_source(sources, path, SourceKind::Scenario)?;
    if let Some(d) = read.unreadable {
        return Err(Failure::Diagnostics(vec![d], sources.clone()));
    }
    let text = sources.get(read.file).text.clone();
    parse_scenario(plan, read.file, &text)
        .map_err(|e| Failure::Diagnostics(e.into_vec(), sources.clone()))
}
