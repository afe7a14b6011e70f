//! A live flag system's configuration read against the plan, with no server involved: which
//! state of the plan the live flags are in (`status`), and which changes, in which order, take
//! them to a phase (`apply`). The servers only supply the live [`Shape`]s ([`crate::unleash`]).
//!
//! A live flag is compared by its *shape*: what the emitter writes for a setting (the strategies
//! of the environment, or the environment off), normalised so that ids, order and the
//! cosmetic fields a person's edit adds do not count. A shape is decoded back into a setting by
//! trying the settings the plan gives the flag somewhere (start, phases, variants); a shape no
//! state of the plan has is [`LiveSetting::Unknown`].
//!
//! Owns: decoding, matching and ordering. Must not know about HTTP.

use petgraph::graph::NodeIndex;
use serde_json::Value as Json;

use crate::Compiled;
use crate::analysis::invariants::invariants_by_flag;
use crate::analysis::ordering::{FlipPlan, TOTAL_SEARCH_BUDGET, order};
use crate::analysis::units::unit_classes;
use crate::analysis::{Node, StateGraph};
use crate::model::{FlagId, FlagState, Plan, Setting};

/// A flag as it is live in one environment: `None` when it is off there (or does not exist),
/// else its strategies, each normalised to one canonical JSON text, sorted.
pub type Shape = Option<Vec<String>>;

/// The normalised form of one strategy: its name (a 100 % `flexibleRollout` is the `default`
/// strategy), constraints (values sorted, and the one value of a numeric operator), variant
/// payloads, and a share's percentage, stickiness and `groupId`; ids, titles, sort order and
/// the `default` strategy's `groupId` do not count.
pub fn normalise(strategy: &Json) -> String {
    let name = strategy["name"].as_str().unwrap_or_default();
    let rollout = strategy["parameters"]["rollout"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            strategy["parameters"]["rollout"]
                .as_u64()
                .map(|n| n.to_string())
        });
    let name = if name == "flexibleRollout" && rollout.as_deref() == Some("100") {
        "default"
    } else {
        name
    };
    let mut constraints: Vec<String> = strategy["constraints"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    let mut values: Vec<String> = c["values"]
                        .as_array()
                        .map(|v| v.iter().map(ToString::to_string).collect())
                        .unwrap_or_default();
                    values.sort();
                    // A numeric constraint has one `value`; a server may give others `""`.
                    let value = c["value"].as_str().unwrap_or_default();
                    serde_json::json!([
                        c["contextName"],
                        c["operator"],
                        values,
                        value,
                        c["inverted"].as_bool().unwrap_or(false),
                        c["caseInsensitive"].as_bool().unwrap_or(false),
                    ])
                    .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    constraints.sort();
    let mut variants: Vec<String> = strategy["variants"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|v| serde_json::json!([v["name"], v["payload"]]).to_string())
                .collect()
        })
        .unwrap_or_default();
    variants.sort();
    // A share is who gets the value: its percentage, and the bucketing (stickiness and group)
    // that picks the units.
    let share = (name == "flexibleRollout").then(|| {
        let parameter = |key: &str| {
            let p = &strategy["parameters"][key];
            p.as_str().map_or_else(|| p.to_string(), str::to_owned)
        };
        serde_json::json!([rollout, parameter("stickiness"), parameter("groupId")])
    });
    serde_json::json!({"name": name, "constraints": constraints, "variants": variants, "share": share}).to_string()
}

/// The shape the plan's setting has live (what `apply` writes).
pub fn expected(plan: &Plan, flag: FlagId, setting: &Setting) -> Shape {
    let Ok(strategies) = crate::emit::unleash::strategies(plan, &plan.flag(flag).name, setting)
    else {
        // No live configuration can be a setting Unleash cannot hold: a shape no strategy
        // list normalises to.
        return Some(vec![String::new()]);
    };
    if strategies.is_empty() {
        return None;
    }
    let mut shapes: Vec<String> = strategies.iter().map(normalise).collect();
    shapes.sort();
    Some(shapes)
}

/// A live flag read back against the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveSetting {
    /// A setting the plan gives the flag somewhere.
    Known(Setting),
    /// A configuration no state of the plan has (edited by hand, or by another tool).
    Unknown,
}

/// Every node of the state graph a live configuration can match: the start and each phase
/// variant (the completed rollout is the last phase's state).
fn nodes(graph: &StateGraph) -> impl Iterator<Item = NodeIndex> + '_ {
    std::iter::once(graph.start).chain(graph.phase_nodes.iter().flatten().copied())
}

/// Decodes each flag's live shape (`live[f]`) into a setting of the plan.
pub fn decode(compiled: &Compiled, live: &[Shape]) -> Vec<LiveSetting> {
    let plan = &compiled.plan;
    let graph = &compiled.analysis.graph;
    (0..plan.flags.len())
        .map(|f| {
            let flag = FlagId(f);
            nodes(graph)
                .map(|n| graph.state(plan, n).get(flag))
                .find(|s| expected(plan, flag, s) == live[f])
                .map_or(LiveSetting::Unknown, |s| LiveSetting::Known(s.clone()))
        })
        .collect()
}

/// One flag whose live setting is not the one a state of the plan gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub flag: FlagId,
    pub live: LiveSetting,
    pub wanted: Setting,
}

/// Which state of the plan the live flags are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Every node whose state the live flags match exactly (several phases can share a state:
    /// a rollback target is also a phase), in graph order; empty on drift.
    pub exact: Vec<NodeIndex>,
    /// On drift, the node with the fewest differing flags (the earliest on a tie), and the
    /// differences.
    pub closest: NodeIndex,
    pub differences: Vec<Difference>,
}

impl Match {
    pub fn drifted(&self) -> bool {
        self.exact.is_empty()
    }
}

fn differences(plan: &Plan, state: &FlagState, live: &[LiveSetting]) -> Vec<Difference> {
    (0..plan.flags.len())
        .map(FlagId)
        .filter(|&f| live[f.0] != LiveSetting::Known(state.get(f).clone()))
        .map(|f| Difference {
            flag: f,
            live: live[f.0].clone(),
            wanted: state.get(f).clone(),
        })
        .collect()
}

/// The state of the plan the live flags match, or the closest one and what differs.
pub fn locate(compiled: &Compiled, live: &[LiveSetting]) -> Match {
    let plan = &compiled.plan;
    let graph = &compiled.analysis.graph;
    let mut exact = Vec::new();
    let mut best: Option<(NodeIndex, Vec<Difference>)> = None;
    for node in nodes(graph) {
        let diff = differences(plan, graph.state(plan, node), live);
        if diff.is_empty() {
            exact.push(node);
        }
        if best.as_ref().is_none_or(|(_, d)| diff.len() < d.len()) {
            best = Some((node, diff));
        }
    }
    let (closest, differences) = best.unwrap_or((graph.start, Vec::new()));
    Match {
        closest: exact.first().copied().unwrap_or(closest),
        differences: if exact.is_empty() {
            differences
        } else {
            Vec::new()
        },
        exact,
    }
}

/// Why `apply` will not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// These flags, which invariants read, are live in a configuration no state of the plan
    /// has, so no order from there can be proven safe.
    Unknown(Vec<FlagId>),
    /// No order of single-flag changes from the live state keeps every invariant: after
    /// `done`, changing `next` breaks invariant `invariant` (as `check` reports for a plan).
    /// Not `proven`: the search ran out of its budget, so an order may exist that it did not
    /// find; apply refuses all the same.
    Blocked {
        done: Vec<FlagId>,
        next: FlagId,
        invariant: usize,
        proven: bool,
    },
}

/// The flags to change, one at a time, to take the live flags to `target`, in an order whose
/// every intermediate state satisfies the invariants. Flags live in an unknown configuration
/// that no invariant reads go first (they cannot break one); any other refuses.
pub fn changes(
    compiled: &Compiled,
    live: &[LiveSetting],
    target: &FlagState,
) -> Result<Vec<FlagId>, Refusal> {
    let plan = &compiled.plan;
    let by_flag = invariants_by_flag(plan);
    let mut unknown_free = Vec::new();
    let mut unknown_read = Vec::new();
    let mut from = target.clone();
    for (f, setting) in live.iter().enumerate() {
        match setting {
            LiveSetting::Known(s) => from.set(FlagId(f), s.clone()),
            LiveSetting::Unknown if by_flag[f].is_empty() => unknown_free.push(FlagId(f)),
            LiveSetting::Unknown => unknown_read.push(FlagId(f)),
        }
    }
    if !unknown_read.is_empty() {
        return Err(Refusal::Unknown(unknown_read));
    }
    let mut budget = TOTAL_SEARCH_BUDGET;
    match order(plan, &by_flag, &from, target, &mut budget) {
        FlipPlan::Safe(flips) => {
            unknown_free.extend(flips);
            Ok(unknown_free)
        }
        FlipPlan::Blocked {
            done,
            next,
            invariant,
            proven,
            ..
        } => Err(Refusal::Blocked {
            done,
            next,
            invariant,
            proven,
        }),
    }
}

/// The invariants (indices into [`Plan::invariants`]) a live state breaks, in some context.
pub fn broken_invariants(plan: &Plan, state: &FlagState) -> Vec<usize> {
    plan.invariants
        .iter()
        .enumerate()
        .filter(|(_, inv)| {
            // Too many classes to tell: the live state is not shown to hold it.
            unit_classes(&inv.flags, [state]).map_or(true, |units| {
                units.iter().any(|u| !u.holds(&inv.formula, state))
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The node a phase id (or `start`) names, with the optional values of `skip` left out.
pub fn target_node(
    compiled: &Compiled,
    phase: Option<crate::model::PhaseId>,
    skip: &[FlagId],
) -> Option<NodeIndex> {
    let plan = &compiled.plan;
    let graph = &compiled.analysis.graph;
    let Some(phase) = phase else {
        return skip.is_empty().then_some(graph.start);
    };
    let mut wanted: Vec<FlagId> = skip.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    graph.phase_nodes[phase.0].iter().copied().find(|&n| {
        let Node::Phase { variant, .. } = graph.graph[n] else {
            return false;
        };
        let mut skipped: Vec<FlagId> = plan.phase(phase).variants[variant]
            .skipped
            .iter()
            .map(|(_, f)| *f)
            .collect();
        skipped.sort_unstable();
        skipped.dedup();
        skipped == wanted
    })
}
