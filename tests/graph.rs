//! `rollplan graph`: the state graph of `plans/entity.roll` as DOT, Mermaid and JSON
//! (snapshots), DOT that Graphviz's `dot` renders, and a plan that fails `check` still drawn.
//!
//! The rendering test needs `dot` (Debian: `apt-get install -y graphviz`); without it the test
//! fails rather than skipping, so CI cannot pass without having rendered the graph.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::cli;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn rollplan(args: &[&str]) -> (i32, String, String) {
    let out = cli::rollplan_in(Path::new(ROOT), args);
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn graph(format: &str) -> String {
    let (code, out, err) = rollplan(&["graph", "plans/entity.roll", "--format", format]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn entity_dot() {
    insta::assert_snapshot!("entity_dot", graph("dot"));
}

#[test]
fn entity_mermaid() {
    let out = graph("mermaid");
    assert!(out.starts_with("flowchart LR\n"));
    // Rollback edges are dotted; the scoped value's quotes are escaped for Mermaid.
    assert!(out.contains("n3 -.->|\"rollback<br/>1. entity.handler_enabled = true when http.method == #quot;GET#quot; else false\"| n2"));
    insta::assert_snapshot!("entity_mermaid", out);
}

#[test]
fn entity_json_has_every_edge_kind() {
    let value: serde_json::Value = serde_json::from_str(&graph("json")).unwrap();
    let edges = value["edges"].as_array().unwrap();
    let count = |kind: &str| edges.iter().filter(|e| e["kind"] == kind).count();
    // start -> development -> … -> entity_repository, which leads to both completion
    // variants, each of which completes: 4 + 2 + 2.
    assert_eq!(count("advance"), 8);
    // Every phase variant may extend and roll back (`on_fail extend 1w max 2 then rollback previous`).
    assert_eq!(count("extend"), 6);
    assert_eq!(count("rollback"), 6);
    let first = edges
        .iter()
        .find(|e| e["from"] == "development" && e["to"] == "read_only")
        .unwrap();
    assert_eq!(
        first["gates"],
        serde_json::json!(["test_failures == 0", "no_regressions", "migration_dry_run"])
    );
}

/// Pipes `text` through `dot -Tsvg` and returns the SVG.
fn dot_svg(text: &str) -> String {
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            panic!("cannot run Graphviz `dot` ({e}): install it with `apt-get install -y graphviz`")
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "dot rejected the graph: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn graphviz_renders_the_dot_output() {
    let svg = dot_svg(&graph("dot"));
    assert!(svg.contains("<svg"));
    for phase in [
        "development",
        "read_only",
        "full_production",
        "entity_repository",
        "completion#1",
    ] {
        assert!(svg.contains(phase), "{phase} missing from the SVG");
    }
}

#[test]
fn graphviz_renders_every_fixture() {
    for plan in [
        "tests/fixtures/diff/kinds-old.roll",
        "tests/fixtures/diff/kinds-new.roll",
        "tests/fixtures/diff/entity-risky.roll",
    ] {
        let (code, out, err) = rollplan(&["graph", plan]);
        assert_eq!(code, 0, "{plan}: {err}");
        dot_svg(&out);
    }
}

#[test]
fn a_plan_that_fails_check_is_drawn_and_exits_1() {
    let (code, out, err) = rollplan(&[
        "graph",
        "tests/fixtures/diff/entity-fails-check.roll",
        "--format",
        "mermaid",
    ]);
    assert_eq!(code, 1);
    assert!(out.starts_with("flowchart LR"));
    assert!(err.contains("rollplan::invariant_violated"), "{err}");
}

#[test]
fn the_docs_show_the_current_mermaid_graph() {
    let doc =
        std::fs::read_to_string(std::path::Path::new(ROOT).join("docs/pr-review.md")).unwrap();
    let mermaid = graph("mermaid");
    assert!(
        doc.contains(&format!("```mermaid\n{mermaid}```")),
        "docs/pr-review.md shows an old graph; paste:\n{mermaid}"
    );
}
