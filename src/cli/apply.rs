//! `rollplan apply --target unleash --url URL --phase ID|start [--skip-optional FLAG]…
//! [--project P] [--environment E] [--dry-run] [PLAN]`: move a live flag system to a phase of
//! the plan, one flag at a time in an order proven to keep every invariant
//! ([`crate::live::changes`]), reading each flag back. It stops at the first failure and says
//! what was applied and what was not; run again, it carries on from where the flags are.
//! Exit 0 applied (or nothing to do, or a dry run); 1 when the target phase has a setting
//! Unleash cannot hold (checked before any request); 2 on any other failure.

use crate::diagnostic::UsageCode;
use std::path::PathBuf;

use serde_json::{Value as Json, json};

use super::input::phase;
use super::input::{UsageError, compile_plan};
use super::report::Failure;
use super::unleash::{
    Connection, LiveTarget, connect, describe, read_all, request_failed, settings,
};
use super::{ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::Compiled;
use crate::live::{Refusal, changes, expected, target_node};
use crate::model::{FlagId, FlagState, Plan};
use crate::unleash::Unleash;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// The flag system to change
    #[arg(long, value_enum)]
    pub target: LiveTarget,
    #[command(flatten)]
    pub connection: Connection,
    /// The phase to move to; `start` is the state before the rollout
    #[arg(long, value_name = "ID")]
    pub phase: String,
    /// Keep this flag's inherited value instead of the phase's optional value (repeatable)
    #[arg(long, value_name = "FLAG")]
    pub skip_optional: Vec<String>,
    /// Print the changes and their order without sending any
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds each request may take
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Output format
    #[arg(long, value_parser = formats(HUMAN_OR_JSON), default_value = "human")]
    pub format: Format,
}

pub fn run(args: &Args) -> ExitCode {
    let json_out = args.format == Format::Json;
    match apply(args) {
        Ok(code) => code,
        Err(failure) => failure.report(json_out),
    }
}

/// The target state and its name.
fn target(compiled: &Compiled, args: &Args) -> Result<(FlagState, String), UsageError> {
    let plan = &compiled.plan;
    let id = args.phase.trim();
    let phase_id = if id == "start" {
        None
    } else {
        Some(phase(plan, id)?)
    };
    let mut skip = Vec::new();
    for name in &args.skip_optional {
        let flag = plan.flag_named(name).ok_or_else(|| {
            UsageError::invalid_argument(
                format!("--skip-optional `{name}`: the plan has no flag `{name}`"),
                "name a flag whose value the phase sets `optional`".to_owned(),
            )
        })?;
        skip.push(flag);
    }
    let node = target_node(compiled, phase_id, &skip).ok_or_else(|| {
        UsageError::invalid_argument(
            format!(
                "phase `{id}` has no optional value for {}",
                args.skip_optional
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "--skip-optional names flags the phase (or an earlier one it inherits from) sets `optional`".to_owned(),
        )
    })?;
    let graph = &compiled.analysis.graph;
    Ok((graph.state(plan, node).clone(), graph.describe(plan, node)))
}

fn refused(plan: &Plan, refusal: &Refusal) -> UsageError {
    let names = |list: &[FlagId]| {
        list.iter()
            .map(|f| format!("`{}`", plan.flag(*f).name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match refusal {
        Refusal::Unknown(flags) => UsageError {
            code: UsageCode::LiveUnknownConfiguration,
            message: format!(
                "{} {} live in a configuration no state of the plan has, and invariants read {}: no safe order can be proven from there",
                names(flags),
                if flags.len() == 1 { "is" } else { "are" },
                if flags.len() == 1 { "it" } else { "them" },
            ),
            help: "see the differences with `rollplan status --target unleash`, set the flag by hand to a value the plan gives it, then run apply again".to_owned(),
        },
        Refusal::Blocked {
            done,
            next,
            invariant,
            proven,
        } => UsageError {
            code: UsageCode::LiveNoSafeOrder,
            message: format!(
                "{} keeps invariant `{}`: after {}changing `{}` breaks it",
                if *proven {
                    "no order of single-flag changes from the live state"
                } else {
                    "no order of single-flag changes found within the search budget (none is proven either)"
                },
                plan.invariants[*invariant].name,
                if done.is_empty() {
                    String::new()
                } else {
                    format!("{}, ", names(done))
                },
                plan.flag(*next).name
            ),
            help: "move through the phases in between, one `apply` each (`check` proves those transitions), or, if the live flags drifted, see `rollplan status --target unleash`".to_owned(),
        },
    }
}

struct Step {
    flag: FlagId,
    from: String,
    to: String,
}

fn apply(args: &Args) -> Result<ExitCode, Failure> {
    let loaded = compile_plan(args.file.as_deref())?;
    let compiled = &loaded.compiled;
    let plan = &compiled.plan;
    let (wanted, name) = target(compiled, args)?;
    if let Some(flag) = crate::emit::unleash::too_large(&wanted) {
        return Err(UsageError {
            code: UsageCode::InvalidArgument,
            message: format!(
                "the conditions of flag `{}` need more Unleash strategies than rollplan writes",
                plan.flag(flag).name
            ),
            help: "write the conditions with fewer `||` alternatives under `&&` and fewer `!=` and `!( … )` tests".to_owned(),
        }
        .into());
    }
    let LiveTarget::Unleash = args.target;
    if let Some(refused) = crate::emit::unleash::refusal(plan, &wanted) {
        return Err(Failure::Diagnostics(
            vec![refused.diagnostic()],
            loaded.sources,
        ));
    }
    let server = connect(&args.connection, args.timeout)?;
    let mut live = read_all(compiled, &server)?;
    let (_, current) = settings(compiled, &live);
    let order = changes(compiled, &current, &wanted).map_err(|r| refused(plan, &r))?;
    let steps: Vec<Step> = order
        .iter()
        .map(|&flag| Step {
            flag,
            from: describe(plan, &current[flag.0]),
            to: crate::plan_text::setting(plan, wanted.get(flag)),
        })
        .collect();
    let missing: Vec<FlagId> = (0..plan.flags.len())
        .map(FlagId)
        .filter(|f| live[f.0].is_none())
        .collect();
    let mut report = Report {
        plan,
        target: &name,
        steps: &steps,
        missing: &missing,
        applied: 0,
        created: 0,
        dry_run: args.dry_run,
    };
    if args.dry_run {
        report.print(args.format, None);
        return Ok(ExitCode::Ok);
    }
    let outcome = run_steps(compiled, &server, &wanted, &mut live, &mut report);
    match outcome {
        Ok(()) => {
            report.print(args.format, None);
            Ok(ExitCode::Ok)
        }
        Err(e) => {
            report.print(args.format, Some(&e));
            if args.format != Format::Json {
                e.print(false);
            }
            Ok(ExitCode::UsageOrIo)
        }
    }
}

/// Creates the missing flags, then changes each flag in order and reads it back.
fn run_steps(
    compiled: &Compiled,
    server: &Unleash,
    wanted: &FlagState,
    live: &mut [Option<crate::unleash::LiveFlag>],
    report: &mut Report<'_>,
) -> Result<(), UsageError> {
    let plan = &compiled.plan;
    for &flag in report.missing {
        let f = plan.flag(flag);
        server
            .create(&f.name, f.description.as_deref().unwrap_or_default())
            .map_err(|e| request_failed(server, e))?;
        live[flag.0] = server
            .read(&f.name)
            .map_err(|e| request_failed(server, e))?;
        report.created += 1;
    }
    for step in report.steps {
        let name = &plan.flag(step.flag).name;
        let setting = wanted.get(step.flag);
        let Some(current) = live[step.flag.0].as_ref() else {
            return Err(not_confirmed(
                name,
                "the flag is missing after it was created",
            ));
        };
        // `apply` checked every setting of the target state before it started.
        let strategies = crate::emit::unleash::strategies(plan, name, setting)
            .map_err(|why| not_confirmed(name, why.why()))?;
        server
            .set(name, current, &strategies)
            .map_err(|e| request_failed(server, e))?;
        let back = server.read(name).map_err(|e| request_failed(server, e))?;
        let shape = back.as_ref().and_then(crate::unleash::LiveFlag::shape);
        if shape != expected(plan, step.flag, setting) {
            return Err(not_confirmed(
                name,
                "reading it back shows another configuration than the one sent",
            ));
        }
        live[step.flag.0] = back;
        report.applied += 1;
    }
    Ok(())
}

fn not_confirmed(flag: &str, why: &str) -> UsageError {
    UsageError {
        code: UsageCode::UnleashNotConfirmed,
        message: format!("flag `{flag}` was changed but not confirmed: {why}"),
        help: "another client may be changing the flag: compare with `rollplan status --target unleash` and run apply again".to_owned(),
    }
}

struct Report<'a> {
    plan: &'a Plan,
    target: &'a str,
    steps: &'a [Step],
    missing: &'a [FlagId],
    applied: usize,
    created: usize,
    dry_run: bool,
}

impl Report<'_> {
    fn state(&self, i: usize, failed: bool) -> &'static str {
        if self.dry_run {
            "planned"
        } else if i < self.applied {
            "applied"
        } else if failed && i == self.applied && self.created == self.missing.len() {
            "failed"
        } else {
            "not_applied"
        }
    }

    fn print(&self, format: Format, error: Option<&UsageError>) {
        let failed = error.is_some();
        let result = match (
            self.dry_run,
            failed,
            self.steps.is_empty() && self.missing.is_empty(),
        ) {
            (true, _, _) => "dry_run",
            (_, true, _) => "stopped",
            (_, _, true) => "up_to_date",
            _ => "applied",
        };
        if format == Format::Json {
            let doc = json!({
                "plan": self.plan.name,
                "target": self.target,
                "result": result,
                "created": self.missing.iter().enumerate().map(|(i, f)| json!({
                    "flag": self.plan.flag(*f).name,
                    "state": if self.dry_run { "planned" } else if i < self.created { "created" } else { "not_created" },
                })).collect::<Vec<Json>>(),
                "changes": self.steps.iter().enumerate().map(|(i, s)| json!({
                    "flag": self.plan.flag(s.flag).name,
                    "from": s.from,
                    "to": s.to,
                    "state": self.state(i, failed),
                })).collect::<Vec<Json>>(),
                "error": error.map(UsageError::json_diagnostic),
            });
            outln!("{}", crate::cli::json_text(&doc));
            return;
        }
        let verb = if self.dry_run { "would apply" } else { "apply" };
        if self.steps.is_empty() && self.missing.is_empty() {
            sayln!(
                "rollplan apply: the live flags are at {}: nothing to do",
                self.target
            );
            return;
        }
        sayln!(
            "rollplan {verb}: {} change{} to reach {}, in the order `check` proved safe",
            self.steps.len(),
            super::report::plural(self.steps.len()),
            self.target
        );
        for (i, f) in self.missing.iter().enumerate() {
            let state = if self.dry_run {
                "create"
            } else if i < self.created {
                "created"
            } else {
                "not created"
            };
            sayln!("  {state:<12} {} (off)", self.plan.flag(*f).name);
        }
        for (i, s) in self.steps.iter().enumerate() {
            let state = self.state(i, failed).replace('_', " ");
            sayln!(
                "  {:<12} {}. {}: {} -> {}",
                state,
                i + 1,
                self.plan.flag(s.flag).name,
                s.from,
                s.to
            );
        }
        if failed {
            sayln!(
                "stopped after {} of {} changes: every state this leaves satisfies the invariants; run apply again to finish",
                self.applied,
                self.steps.len()
            );
        }
    }
}
