//! `rollplan check [FILE]`: parse, resolve and analyse a plan; print every diagnostic and a
//! summary of what was proved.

use std::path::PathBuf;

use serde_json::json;

use super::input::{CompiledPlan, compile_plan, stderr_color};
use super::report::plural;
use super::{Deny, ExitCode, Format, HUMAN_OR_JSON, formats};
use crate::analysis::{EdgeKind, FlipPlan};
use crate::diagnostic::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan; by default the single `*.roll` in `plans/` or the current folder
    pub file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_parser = formats(HUMAN_OR_JSON), default_value = "human")]
    pub format: Format,
    /// Treat warnings as errors (exit 1)
    #[arg(long, value_enum)]
    pub deny: Vec<Deny>,
    /// List every transition with its flag order
    #[arg(long, short)]
    pub verbose: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let json = args.format == Format::Json;
    match compile_plan(args.file.as_deref()) {
        Err(failure) => failure.report(json),
        Ok(CompiledPlan {
            sources,
            file,
            compiled,
        }) => {
            let sources = &sources;
            let name = sources.get(file).name.clone();
            let deny = args.deny.contains(&Deny::Warnings) && !compiled.warnings.is_empty();
            let summary = Summary::of(&compiled);
            if json {
                let mut value = render::json_value(&compiled.warnings, sources);
                value["file"] = json!(name);
                value["ok"] = json!(!deny);
                value["summary"] = summary.json(&compiled);
                outln!("{}", super::json_text(&value));
            } else {
                if !compiled.warnings.is_empty() {
                    super::write_stderr(&render::human(
                        &compiled.warnings,
                        sources,
                        stderr_color(),
                    ));
                }
                say!("{}", summary.human(&name, &compiled, args.verbose, deny));
            }
            if deny {
                ExitCode::PlanProblems
            } else {
                ExitCode::Ok
            }
        }
    }
}

/// `1 phase`, `3 phases`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", plural(n))
}

struct Summary {
    phases: usize,
    states: usize,
    flags: usize,
    invariants: usize,
    transitions: usize,
}

impl Summary {
    fn of(c: &crate::Compiled) -> Summary {
        Summary {
            phases: c.plan.phases.len(),
            states: c
                .plan
                .phases
                .iter()
                .map(|p| p.variants.len())
                .sum::<usize>()
                + 1,
            flags: c.plan.flags.len(),
            invariants: c.plan.invariants.len(),
            transitions: c.analysis.safe_transitions(),
        }
    }

    /// `denied`: `--deny warnings` was given and there are warnings, so the check fails.
    fn human(&self, name: &str, c: &crate::Compiled, verbose: bool, denied: bool) -> String {
        use std::fmt::Write as _;
        let mut out = if denied {
            let n = c.warnings.len();
            format!(
                "{name}: plan `{}` fails the check: {n} warning{} denied by `--deny warnings`\n",
                c.plan.name,
                plural(n)
            )
        } else {
            format!("{name}: plan `{}` checks clean\n", c.plan.name)
        };
        let _ = writeln!(
            out,
            "  {}, {} ({} with the start), {}, {} holding in every state",
            count(self.phases, "phase"),
            count(self.states - 1, "phase state"),
            self.states,
            count(self.flags, "flag"),
            count(self.invariants, "invariant"),
        );
        let _ = writeln!(
            out,
            "  {} proven safe one flag at a time",
            count(self.transitions, "transition")
        );
        if !c.warnings.is_empty() {
            let _ = writeln!(
                out,
                "  {} warning{}",
                c.warnings.len(),
                plural(c.warnings.len())
            );
        }
        if verbose {
            for t in &c.analysis.transitions {
                if let FlipPlan::Safe(order) = &t.plan {
                    let names: Vec<&str> = order
                        .iter()
                        .map(|f| c.plan.flag(*f).name.as_str())
                        .collect();
                    let _ = writeln!(
                        out,
                        "  {} {} -> {}: {}",
                        kind_name(t.kind),
                        node_name(c, t.from),
                        node_name(c, t.to),
                        names.join(", then ")
                    );
                }
            }
        }
        out
    }

    fn json(&self, c: &crate::Compiled) -> serde_json::Value {
        let transitions: Vec<serde_json::Value> = c
            .analysis
            .transitions
            .iter()
            .filter_map(|t| match &t.plan {
                FlipPlan::Safe(order) => Some(json!({
                    "kind": kind_name(t.kind),
                    "from": node_name(c, t.from),
                    "to": node_name(c, t.to),
                    "order": order.iter().map(|f| c.plan.flag(*f).name.clone()).collect::<Vec<_>>(),
                })),
                FlipPlan::Blocked { .. } => None,
            })
            .collect();
        json!({
            "plan": c.plan.name,
            "phases": self.phases,
            "states": self.states,
            "flags": self.flags,
            "invariants": self.invariants,
            "advance_acyclic": c.analysis.advance_acyclic,
            "transitions": transitions,
        })
    }
}

fn kind_name(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Advance => "advance",
        EdgeKind::Extend => "extend",
        EdgeKind::Rollback => "rollback",
    }
}

/// `start`, `done`, a phase id, or `id#variant` for a phase's other variants.
pub(crate) fn node_name(c: &crate::Compiled, node: petgraph::graph::NodeIndex) -> String {
    match c.analysis.graph.graph[node] {
        crate::analysis::Node::Start => "start".to_owned(),
        crate::analysis::Node::Done => "done".to_owned(),
        crate::analysis::Node::Phase { phase, variant: 0 } => c.plan.phase(phase).id.clone(),
        crate::analysis::Node::Phase { phase, variant } => {
            format!("{}#{variant}", c.plan.phase(phase).id)
        }
    }
}
