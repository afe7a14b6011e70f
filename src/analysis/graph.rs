//! The state graph (petgraph): a node for the state before the rollout, one for each phase
//! variant, and one for the completed rollout; edges for advancing (the gates pass), extending
//! (a bounded or unbounded self-loop) and rolling back.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{FailurePolicy, FlagState, PhaseId, Plan, RollbackTarget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// Before the rollout: every flag at its declared value.
    Start,
    /// A phase in one of its variants (`variant` indexes [`crate::model::Phase::variants`]).
    Phase { phase: PhaseId, variant: usize },
    /// The rollout is complete (the last phase's state, kept).
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// The phase's gates pass and the next phase starts.
    Advance,
    /// A gate failed and the phase runs longer.
    Extend,
    /// A gate failed (past any extensions) and the configuration reverts.
    Rollback,
}

#[derive(Debug)]
pub struct StateGraph {
    pub graph: DiGraph<Node, EdgeKind>,
    pub start: NodeIndex,
    pub done: NodeIndex,
    /// Node of each phase variant: `phase_nodes[phase][variant]`.
    pub phase_nodes: Vec<Vec<NodeIndex>>,
}

impl StateGraph {
    pub fn build(plan: &Plan) -> StateGraph {
        let mut graph = DiGraph::new();
        let start = graph.add_node(Node::Start);
        let phase_nodes: Vec<Vec<NodeIndex>> = plan
            .phases
            .iter()
            .enumerate()
            .map(|(p, phase)| {
                (0..phase.variants.len())
                    .map(|variant| {
                        graph.add_node(Node::Phase {
                            phase: PhaseId(p),
                            variant,
                        })
                    })
                    .collect()
            })
            .collect();
        let done = graph.add_node(Node::Done);

        // Advance edges: from each state of the phase before to the variants it leads to, as
        // the resolver enumerated them.
        for (p, phase) in plan.phases.iter().enumerate() {
            let before: &[NodeIndex] = match p.checked_sub(1) {
                Some(b) => &phase_nodes[b],
                None => std::slice::from_ref(&start),
            };
            for (v, variant) in phase.variants.iter().enumerate() {
                for &from in &variant.from {
                    graph.update_edge(before[from], phase_nodes[p][v], EdgeKind::Advance);
                }
            }
        }
        let last = phase_nodes
            .last()
            .map_or(std::slice::from_ref(&start), Vec::as_slice);
        for &from in last {
            graph.add_edge(from, done, EdgeKind::Advance);
        }

        let mut sg = StateGraph {
            graph,
            start,
            done,
            phase_nodes,
        };
        for (p, phase) in plan.phases.iter().enumerate() {
            for v in 0..phase.variants.len() {
                let node = sg.phase_nodes[p][v];
                if !matches!(phase.on_fail, FailurePolicy::Rollback { .. }) {
                    sg.graph.add_edge(node, node, EdgeKind::Extend);
                }
                match phase.on_fail.rollback_target() {
                    Some(RollbackTarget::Start) => {
                        sg.graph.add_edge(node, sg.start, EdgeKind::Rollback);
                    }
                    Some(RollbackTarget::Phase(t)) => {
                        for target in sg.ancestors_in_phase(node, t, plan) {
                            sg.graph.add_edge(node, target, EdgeKind::Rollback);
                        }
                    }
                    None => {}
                }
            }
        }
        sg
    }

    /// The variants of phase `t` from which `node` can be reached by advancing: the
    /// configurations a rollback to `t` can return to. A target phase later than `node` (an
    /// error reported elsewhere) gets no edge.
    fn ancestors_in_phase(&self, node: NodeIndex, t: PhaseId, plan: &Plan) -> Vec<NodeIndex> {
        let Node::Phase { phase: here, .. } = self.graph[node] else {
            return Vec::new();
        };
        if t >= here {
            return Vec::new();
        }
        if plan.phase(t).variants.len() == 1 {
            return vec![self.phase_nodes[t.0][0]];
        }
        let mut found = Vec::new();
        let mut stack = vec![node];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                if *e.weight() != EdgeKind::Advance || !seen.insert(e.source()) {
                    continue;
                }
                match self.graph[e.source()] {
                    Node::Phase { phase, .. } if phase == t => found.push(e.source()),
                    Node::Phase { phase, .. } if phase > t => stack.push(e.source()),
                    _ => {}
                }
            }
        }
        found.sort();
        found
    }

    /// The flag state of a node.
    pub fn state<'p>(&self, plan: &'p Plan, node: NodeIndex) -> &'p FlagState {
        match self.graph[node] {
            Node::Start => &plan.initial,
            Node::Phase { phase, variant } => &plan.phase(phase).variants[variant].state,
            Node::Done => plan.phases.last().map_or(&plan.initial, |p| &p.planned),
        }
    }

    /// `start`, `done`, a phase id, or `completion (without optional values)`.
    pub fn describe(&self, plan: &Plan, node: NodeIndex) -> String {
        match self.graph[node] {
            Node::Start => "the start (before the rollout)".to_owned(),
            Node::Done => "the completed rollout".to_owned(),
            Node::Phase { phase, variant } => {
                let p = plan.phase(phase);
                let skipped = &p.variants[variant].skipped;
                if skipped.is_empty() {
                    format!("phase `{}`", p.id)
                } else {
                    let names: Vec<String> = skipped
                        .iter()
                        .map(|(_, f)| format!("`{}` left as it was", plan.flag(*f).name))
                        .collect();
                    format!("phase `{}` with optional {}", p.id, names.join(", "))
                }
            }
        }
    }
}
