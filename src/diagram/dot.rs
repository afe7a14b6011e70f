//! The diagram as Graphviz DOT: `rollplan graph --format dot | dot -Tsvg > graph.svg`.

use std::fmt::Write as _;

use super::{Diagram, NodeKind, edge_lines};
use crate::analysis::EdgeKind;

pub fn render(d: &Diagram) -> String {
    let mut out = format!("digraph \"{}\" {{\n", escape(&d.plan));
    out.push_str("  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (i, n) in d.nodes.iter().enumerate() {
        let shape = match n.kind {
            NodeKind::Start => ", shape=circle",
            NodeKind::Done => ", shape=doublecircle",
            NodeKind::Phase => "",
        };
        let label: Vec<String> = n.label.iter().map(|l| escape(l)).collect();
        let _ = writeln!(out, "  n{i} [label=\"{}\"{shape}];", label.join("\\n"));
    }
    for e in &d.edges {
        let mut attrs = Vec::new();
        let lines: Vec<String> = edge_lines(e).iter().map(|l| escape(l)).collect();
        if !lines.is_empty() {
            attrs.push(format!("label=\"{}\\l\"", lines.join("\\l")));
        }
        match e.kind {
            EdgeKind::Rollback => attrs.push("style=dashed, color=\"#b03030\"".to_owned()),
            EdgeKind::Extend => attrs.push("color=\"#808080\"".to_owned()),
            EdgeKind::Advance => {}
        }
        if e.blocked {
            attrs.push("color=red, fontcolor=red".to_owned());
        }
        let _ = writeln!(out, "  n{} -> n{} [{}];", e.from, e.to, attrs.join(", "));
    }
    out.push_str("}\n");
    out
}

/// Inside a DOT double-quoted string: backslashes and quotes escaped, line breaks as spaces,
/// other hidden characters (controls, bidirectional overrides) in their visible form.
fn escape(text: &str) -> String {
    let text = crate::escape::terminal(text);
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' | '\r' => s.push(' '),
            c => s.push(c),
        }
    }
    s
}
