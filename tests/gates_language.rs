//! The language of metric queries and gate windows (issue 10): `query "…"` on a metric and
//! `over D` on a metric gate parse, resolve, format back as written, and show in `diff`.

use rollplan::diff::{ChangeKind, Risk, Side, diff};
use rollplan::model::{Criterion, Minutes};
use rollplan::source::{FileId, SourceFile, SourceMap};

/// The issue's own example, in a plan of its own.
const PLAN: &str = r#"plan demo {
  title "Demo"
}

flag checkout.v2: bool = false

metric error_rate: percent query "100 * sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))"
metric latency_delta: percent query "100 * (histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m]))) / histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m] offset 1w))) - 1)" "p99 against last week"
metric prod_errors: count

phase full_production "Full Production" {
  duration 2w
  set checkout.v2 = true
  gate error_rate < 0.1% over 30m "Error rates below 0.1%"
  gate latency_delta <= 10% over 1h "Performance within 10% of baseline"
  gate prod_errors == 0 "No production errors"
}
"#;

fn side(text: &str) -> Side {
    let mut sources = SourceMap::new();
    let file = sources.add("demo.roll", text.to_owned());
    Side::compile(&sources, file).expect("resolves")
}

#[test]
fn queries_and_windows_resolve_into_the_model() {
    let mut sources = SourceMap::new();
    let file = sources.add("demo.roll", PLAN.to_owned());
    let compiled = rollplan::compile(&sources, file).expect("checks clean");
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
    let plan = &compiled.plan;
    let error_rate = &plan.metrics[0];
    assert_eq!(
        error_rate.query.as_ref().map(|q| q.text.as_str()),
        Some(
            r#"100 * sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#
        )
    );
    assert_eq!(
        plan.metrics[1].description.as_deref(),
        Some("p99 against last week")
    );
    assert!(plan.metrics[2].query.is_none());
    let gates = &plan.phases[0].gates;
    let windows: Vec<Option<Minutes>> = gates.iter().map(|g| g.window.map(|w| w.length)).collect();
    assert_eq!(windows, [Some(Minutes(30)), Some(Minutes(60)), None]);
    assert!(matches!(gates[0].criterion, Criterion::Metric { .. }));
    // The window's span is the duration as written.
    let span = gates[1].window.expect("window").span;
    assert_eq!(&PLAN[span.range()], "1h");
}

#[test]
fn fmt_prints_queries_and_windows_back_as_written() {
    let source = SourceFile::new(FileId(0), "demo.roll", PLAN);
    let formatted = rollplan::fmt::format(&source).expect("formats");
    assert_eq!(formatted, PLAN, "the example is in the canonical layout");
    // Squeezed onto fewer lines, it formats back to the same text.
    let squeezed = PLAN
        .replace("\n  gate", " gate")
        .replace("\n\nmetric", "\nmetric");
    let source = SourceFile::new(FileId(0), "demo.roll", squeezed.as_str());
    assert_eq!(rollplan::fmt::format(&source).expect("formats"), PLAN);
}

#[test]
fn over_is_only_for_metric_gates() {
    let text = PLAN.replace(
        "gate prod_errors == 0 \"No",
        "gate manual_check over 1h \"No",
    );
    let source = SourceFile::new(FileId(0), "demo.roll", text.as_str());
    let errors = rollplan::syntax::parse(&source).expect_err("a manual gate has no window");
    let d = &errors.as_slice()[0];
    assert_eq!(d.code, rollplan::diagnostic::Code::SyntaxError);
    assert_eq!(&text[d.primary.span.range()], "over");
}

#[test]
fn a_changed_query_is_a_changed_declaration() {
    let new = PLAN.replace("[5m])) / sum", "[1m])) / sum");
    let d = diff(&side(PLAN), &side(&new));
    let change = d
        .changes
        .iter()
        .find(|c| c.subject == "metric `error_rate`")
        .expect("the query change is reported");
    assert_eq!(change.kind, ChangeKind::DeclarationChanged);
    assert!(change.new.as_deref().unwrap_or_default().contains("[1m]"));
}

#[test]
fn a_shorter_or_dropped_window_is_loosened_and_a_longer_one_tightened() {
    let window_change = |new: &str, gate: &str| {
        let d = diff(&side(PLAN), &side(new));
        d.changes
            .into_iter()
            .find(|c| c.subject == format!("gate `{gate}` window"))
            .unwrap_or_else(|| panic!("no window change for {gate}"))
    };
    let longer = window_change(&PLAN.replace("over 30m", "over 2h"), "error_rate");
    assert_eq!(longer.kind, ChangeKind::GateTightened);
    assert_eq!(longer.old.as_deref(), Some("over 30m"));
    assert_eq!(longer.new.as_deref(), Some("over 2h"));
    assert_eq!(longer.risk, None);

    let shorter = window_change(&PLAN.replace("over 1h", "over 10m"), "latency_delta");
    assert_eq!(shorter.kind, ChangeKind::GateLoosened);
    assert_eq!(shorter.risk, Some(Risk::LoosenedGate));

    let dropped = window_change(&PLAN.replace(" over 30m", ""), "error_rate");
    assert_eq!(dropped.kind, ChangeKind::GateLoosened);
    assert_eq!(dropped.new.as_deref(), Some("instant"));

    let added = window_change(
        &PLAN.replace("prod_errors == 0 \"No", "prod_errors == 0 over 5m \"No"),
        "prod_errors",
    );
    assert_eq!(added.kind, ChangeKind::GateTightened);

    // The same window written another way is no change.
    let d = diff(&side(PLAN), &side(&PLAN.replace("over 1h", "over 60m")));
    assert!(d.changes.is_empty(), "{:?}", d.changes);
}
