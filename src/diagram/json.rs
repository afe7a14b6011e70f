//! The diagram as JSON, for tools that draw it themselves.

use serde_json::json;

use super::{Diagram, NodeKind};
use crate::analysis::EdgeKind;

pub fn render(d: &Diagram) -> String {
    let nodes: Vec<_> = d
        .nodes
        .iter()
        .map(|n| {
            json!({
                "key": n.key,
                "kind": match n.kind {
                    NodeKind::Start => "start",
                    NodeKind::Phase => "phase",
                    NodeKind::Done => "done",
                },
                "label": n.label,
            })
        })
        .collect();
    let edges: Vec<_> = d
        .edges
        .iter()
        .map(|e| {
            json!({
                "from": d.nodes[e.from].key,
                "to": d.nodes[e.to].key,
                "kind": match e.kind {
                    EdgeKind::Advance => "advance",
                    EdgeKind::Extend => "extend",
                    EdgeKind::Rollback => "rollback",
                },
                "gates": e.gates,
                "flips": e.flips,
                "blocked": e.blocked,
            })
        })
        .collect();
    let value = json!({ "plan": d.plan, "nodes": nodes, "edges": edges });
    crate::escape::json(&serde_json::to_string_pretty(&value).unwrap_or_default()).into_owned()
        + "\n"
}
