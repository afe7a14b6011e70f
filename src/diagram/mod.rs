//! The state graph drawn: a [`Diagram`] built from [`crate::analysis::StateGraph`] and
//! [`crate::analysis::Analysis::transitions`], rendered as Graphviz DOT ([`dot`]), Mermaid
//! ([`mermaid`]) or JSON ([`json`]). Nodes are the start, each phase variant, and the completed
//! rollout; advance edges carry the gates that must pass and the flag changes in their safe
//! order; extension loops carry the `on_fail` extension; rollback edges are dashed. Reads the
//! model and the analysis; never changes them.

pub mod dot;
pub mod json;
pub mod mermaid;

use std::collections::HashMap;

use crate::analysis::{Analysis, EdgeKind, FlipPlan, Node};
use crate::model::{Criterion, FailurePolicy, Plan, Setting};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Start,
    Phase,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramNode {
    /// `start`, `done`, a phase id, or `id#variant` for a phase's other variants.
    pub key: String,
    pub kind: NodeKind,
    /// Lines of the label: the key, then the title and any optional values left out.
    pub label: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramEdge {
    /// Indexes into [`Diagram::nodes`].
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// The gates that must pass to take the edge (advance edges), or the extension (loops).
    pub gates: Vec<String>,
    /// The flag changes, in the order that keeps every invariant: `flag = value`.
    pub flips: Vec<String>,
    /// No safe one-flag-at-a-time order exists (`check` reports it).
    pub blocked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub plan: String,
    pub nodes: Vec<DiagramNode>,
    pub edges: Vec<DiagramEdge>,
}

impl Diagram {
    pub fn build(plan: &Plan, analysis: &Analysis) -> Diagram {
        let sg = &analysis.graph;
        let nodes = sg
            .graph
            .node_indices()
            .map(|n| node(plan, sg.graph[n]))
            .collect();
        let flips: HashMap<(usize, usize, EdgeKind), &FlipPlan> = analysis
            .transitions
            .iter()
            .map(|t| ((t.from.index(), t.to.index(), t.kind), &t.plan))
            .collect();
        let edges = sg
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (from, to) = sg.graph.edge_endpoints(e)?;
                let kind = sg.graph[e];
                let to_state = sg.state(plan, to);
                let (flip_list, blocked) = match flips.get(&(from.index(), to.index(), kind)) {
                    Some(FlipPlan::Safe(order)) => (
                        order
                            .iter()
                            .map(|f| {
                                format!(
                                    "{} = {}",
                                    plan.flag(*f).name,
                                    setting(plan, to_state.get(*f))
                                )
                            })
                            .collect(),
                        false,
                    ),
                    Some(FlipPlan::Blocked { .. }) => (Vec::new(), true),
                    None => (Vec::new(), false),
                };
                let gates = edge_gates(plan, kind, sg.graph[from]);
                Some(DiagramEdge {
                    from: from.index(),
                    to: to.index(),
                    kind,
                    gates,
                    flips: flip_list,
                    blocked,
                })
            })
            .collect();
        Diagram {
            plan: plan.name.clone(),
            nodes,
            edges,
        }
    }
}

fn node(plan: &Plan, n: Node) -> DiagramNode {
    match n {
        Node::Start => DiagramNode {
            key: "start".to_owned(),
            kind: NodeKind::Start,
            label: vec!["start".to_owned()],
        },
        Node::Done => DiagramNode {
            key: "done".to_owned(),
            kind: NodeKind::Done,
            label: vec!["done".to_owned()],
        },
        Node::Phase { phase, variant } => {
            let p = plan.phase(phase);
            let key = if variant == 0 {
                p.id.clone()
            } else {
                format!("{}#{variant}", p.id)
            };
            let mut label = vec![key.clone(), p.title.clone(), p.duration.to_string()];
            for (_, f) in &p.variants[variant].skipped {
                label.push(format!("without optional {}", plan.flag(*f).name));
            }
            DiagramNode {
                key,
                kind: NodeKind::Phase,
                label,
            }
        }
    }
}

fn edge_gates(plan: &Plan, kind: EdgeKind, from: Node) -> Vec<String> {
    match (kind, from) {
        (EdgeKind::Advance, Node::Phase { phase, .. }) => plan
            .phase(phase)
            .gates
            .iter()
            .map(|g| match &g.criterion {
                Criterion::Manual => g.id.clone(),
                Criterion::Metric {
                    metric,
                    op,
                    threshold,
                } => {
                    format!("{} {} {threshold}", plan.metric(*metric).name, op.symbol())
                }
            })
            .collect(),
        (EdgeKind::Extend, Node::Phase { phase, .. }) => match plan.phase(phase).on_fail {
            FailurePolicy::Extend { by } => vec![format!("extend {by}")],
            FailurePolicy::ExtendThenRollback { by, max, .. } => {
                vec![format!("extend {by} (max {max})")]
            }
            FailurePolicy::Rollback { .. } => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A setting as the plan writes it, for edge labels.
fn setting(plan: &Plan, s: &Setting) -> String {
    crate::plan_text::setting(plan, s)
}

/// The lines of an edge's label: gates first (`if …`), then the flag changes, numbered.
pub(crate) fn edge_lines(e: &DiagramEdge) -> Vec<String> {
    let mut lines = Vec::new();
    match e.kind {
        EdgeKind::Advance if !e.gates.is_empty() => {
            lines.push(format!("if {}", e.gates.join(" and ")));
        }
        EdgeKind::Extend => lines.extend(e.gates.iter().cloned()),
        EdgeKind::Rollback => lines.push("rollback".to_owned()),
        EdgeKind::Advance => {}
    }
    if e.blocked {
        lines.push("no safe flag order".to_owned());
    }
    for (i, f) in e.flips.iter().enumerate() {
        lines.push(format!("{}. {f}", i + 1));
    }
    lines
}
