//! The diagram as a Mermaid flowchart, which GitHub renders in Markdown: solid arrows advance,
//! dotted arrows roll back, self-loops extend.

use std::fmt::Write as _;

use super::{Diagram, NodeKind, edge_lines};
use crate::analysis::EdgeKind;

pub fn render(d: &Diagram) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, n) in d.nodes.iter().enumerate() {
        let label: Vec<String> = n.label.iter().map(|l| escape(l)).collect();
        let label = label.join("<br/>");
        let _ = match n.kind {
            NodeKind::Start => writeln!(out, "    n{i}((\"{label}\"))"),
            NodeKind::Done => writeln!(out, "    n{i}(((\"{label}\")))"),
            NodeKind::Phase => writeln!(out, "    n{i}[\"{label}\"]"),
        };
    }
    for e in &d.edges {
        let arrow = match e.kind {
            EdgeKind::Rollback => "-.->",
            EdgeKind::Advance | EdgeKind::Extend => "-->",
        };
        let lines: Vec<String> = edge_lines(e).iter().map(|l| escape(l)).collect();
        if lines.is_empty() {
            let _ = writeln!(out, "    n{} {arrow} n{}", e.from, e.to);
        } else {
            let _ = writeln!(
                out,
                "    n{} {arrow}|\"{}\"| n{}",
                e.from,
                lines.join("<br/>"),
                e.to
            );
        }
    }
    out
}

/// Inside a quoted Mermaid label: characters Mermaid or HTML would read as syntax become
/// entity codes; line breaks are spaces, other hidden characters (controls, bidirectional
/// overrides) their visible form.
fn escape(text: &str) -> String {
    let text = crate::escape::terminal(text);
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => s.push_str("#quot;"),
            '<' => s.push_str("#lt;"),
            '>' => s.push_str("#gt;"),
            '&' => s.push_str("#amp;"),
            '|' => s.push_str("#124;"),
            '#' => s.push_str("#35;"),
            '\n' | '\r' | '\t' => s.push(' '),
            c => s.push(c),
        }
    }
    s
}
