//! `status --target unleash --url URL`: which state of the plan the live flags are in (a
//! phase, a phase variant, the start or a rollback target), or the closest one and every flag
//! that differs (drift). [`crate::live::locate`] decides; this file reads the server and
//! prints. With `--started` and `--prometheus`, [`super::status`] goes on from the phase found
//! here to the next step.

use petgraph::graph::NodeIndex;
use serde_json::{Value as Json, json};

use super::input::UsageError;
use super::unleash::{Connection, connect, describe, read_all, settings};
use crate::Compiled;
use crate::analysis::Node;
use crate::live::{LiveSetting, Match, broken_invariants, locate};
use crate::model::{PhaseId, RollbackTarget};

/// The live flags and where they stand in the plan.
pub struct Live {
    pub project: String,
    pub environment: String,
    pub settings: Vec<LiveSetting>,
    pub found: Match,
    /// Invariants the live state breaks (only known when every flag decodes).
    pub broken: Vec<usize>,
}

/// Reads every flag of the plan from the server and locates the live state.
pub fn read(
    compiled: &Compiled,
    connection: &Connection,
    timeout: f64,
) -> Result<Live, UsageError> {
    let server = connect(connection, timeout)?;
    let flags = read_all(compiled, &server)?;
    let (_, settings) = settings(compiled, &flags);
    let found = locate(compiled, &settings);
    let mut state = compiled.plan.initial.clone();
    let mut known = true;
    for (f, s) in settings.iter().enumerate() {
        match s {
            LiveSetting::Known(s) => state.set(crate::model::FlagId(f), s.clone()),
            LiveSetting::Unknown => known = false,
        }
    }
    let broken = if known {
        broken_invariants(&compiled.plan, &state)
    } else {
        Vec::new()
    };
    Ok(Live {
        broken,
        project: server.project.clone(),
        environment: server.environment.clone(),
        settings,
        found,
    })
}

impl Live {
    /// The phase the live flags are in (the first one, when several share the state).
    pub fn phase(&self, compiled: &Compiled) -> Option<PhaseId> {
        self.found
            .exact
            .iter()
            .find_map(|&n| match compiled.analysis.graph.graph[n] {
                Node::Phase { phase, .. } => Some(phase),
                _ => None,
            })
    }

    /// Whether the live flags are in the state of `phase` (any of its variants).
    pub fn at_phase(&self, compiled: &Compiled, phase: PhaseId) -> bool {
        self.found.exact.iter().any(|&n| {
            matches!(compiled.analysis.graph.graph[n], Node::Phase { phase: p, .. } if p == phase)
        })
    }

    fn node_json(compiled: &Compiled, node: NodeIndex) -> Json {
        let plan = &compiled.plan;
        let graph = &compiled.analysis.graph;
        let (phase, skipped) = match graph.graph[node] {
            Node::Phase { phase, variant } => (
                Some(plan.phase(phase).id.clone()),
                plan.phase(phase).variants[variant]
                    .skipped
                    .iter()
                    .map(|(_, f)| plan.flag(*f).name.clone())
                    .collect(),
            ),
            _ => (None, Vec::new()),
        };
        let state = graph.state(plan, node);
        // Rollback targets whose state this is.
        let rollback_of: Vec<&str> = plan
            .phases
            .iter()
            .filter(|p| {
                p.on_fail.rollback_target().is_some_and(|t| {
                    plan.target_state(t) == state && Self::names(t, node, compiled)
                })
            })
            .map(|p| p.id.as_str())
            .collect();
        json!({
            "state": phase.clone().unwrap_or_else(|| "start".to_owned()),
            "phase": phase,
            "skipped_optional": skipped,
            "description": graph.describe(plan, node),
            "rollback_target_of": rollback_of,
        })
    }

    /// Whether a rollback target names this node (the start, or the phase of the node).
    fn names(target: RollbackTarget, node: NodeIndex, compiled: &Compiled) -> bool {
        match (target, compiled.analysis.graph.graph[node]) {
            (RollbackTarget::Start, Node::Start) => true,
            (RollbackTarget::Phase(t), Node::Phase { phase, variant: 0 }) => t == phase,
            _ => false,
        }
    }

    pub fn json(&self, compiled: &Compiled) -> Json {
        let plan = &compiled.plan;
        json!({
            "plan": plan.name,
            "target": "unleash",
            "project": self.project,
            "environment": self.environment,
            "drift": self.found.drifted(),
            "matches": self.found.exact.iter().map(|&n| Self::node_json(compiled, n)).collect::<Vec<_>>(),
            "closest": self.found.drifted().then(|| Self::node_json(compiled, self.found.closest)),
            "differences": self.found.differences.iter().map(|d| json!({
                "flag": plan.flag(d.flag).name,
                "live": match &d.live {
                    LiveSetting::Known(s) => json!(crate::plan_text::setting(plan, s)),
                    LiveSetting::Unknown => Json::Null,
                },
                "plan": crate::plan_text::setting(plan, &d.wanted),
            })).collect::<Vec<_>>(),
            // Invariants the live flags break (a hand edit can break one; `apply` never leaves
            // such a state).
            "broken_invariants": self.broken.iter().map(|&i| plan.invariants[i].name.as_str()).collect::<Vec<_>>(),
            "flags": plan.flags.iter().zip(&self.settings).map(|(f, s)| json!({
                "flag": f.name,
                "live": match s {
                    LiveSetting::Known(s) => json!(crate::plan_text::setting(plan, s)),
                    LiveSetting::Unknown => Json::Null,
                },
            })).collect::<Vec<_>>(),
        })
    }

    /// Prints the live report, with the decision's document under `decision` in JSON (or its
    /// human form after the live report).
    pub fn print(&self, compiled: &Compiled, json_out: bool, decision: Option<(Json, &dyn Fn())>) {
        if json_out {
            let mut doc = self.json(compiled);
            if let Some((d, _)) = decision {
                doc["decision"] = d;
            } else {
                doc["decision"] = Json::Null;
            }
            outln!("{}", crate::cli::json_text(&doc));
        } else {
            self.human(compiled);
            if let Some((_, human)) = decision {
                human();
            }
        }
    }

    pub fn human(&self, compiled: &Compiled) {
        let plan = &compiled.plan;
        let graph = &compiled.analysis.graph;
        let place = format!(
            "Unleash project `{}`, environment `{}`",
            self.project, self.environment
        );
        if self.found.drifted() {
            let n = self.found.differences.len();
            sayln!(
                "rollplan status: drift: the live flags ({place}) match no state of the plan; closest: {} ({n} flag{} differ{})",
                graph.describe(plan, self.found.closest),
                super::report::plural(n),
                if n == 1 { "s" } else { "" }
            );
            for d in &self.found.differences {
                sayln!(
                    "  {}: live {}, plan {}",
                    plan.flag(d.flag).name,
                    describe(plan, &d.live),
                    crate::plan_text::setting(plan, &d.wanted)
                );
            }
            for &i in &self.broken {
                sayln!(
                    "  the live flags break invariant `{}`",
                    plan.invariants[i].name
                );
            }
            return;
        }
        let names: Vec<String> = self
            .found
            .exact
            .iter()
            .map(|&n| graph.describe(plan, n))
            .collect();
        sayln!(
            "rollplan status: the live flags ({place}) match {}",
            names.join(" and ")
        );
    }
}
