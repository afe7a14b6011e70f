//! The brute-force tests' view of the library: a generated plan resolved and analysed whatever
//! the analysis reports (the transitions of a plan with errors are still there to compare), and
//! the state index of a graph node.

use std::collections::BTreeSet;

use proptest::prelude::{TestCaseError, prop_assert, prop_assert_eq};
use rollplan::analysis::{Analysis, Node};
use rollplan::diagnostic::{Code, Diagnostic};
use rollplan::source::SourceMap;

/// Resolves and analyses `text`; panics if it does not parse or resolve (generated plans do).
pub(crate) fn analyse(text: &str) -> (Analysis, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let file = sources.add("generated.roll", text);
    let source = sources.get(file);
    let ast = rollplan::syntax::parse(source).expect("generated plans parse");
    let (plan, resolve_diagnostics) = rollplan::model::resolve(&ast, source);
    let plan = plan.unwrap_or_else(|| panic!("generated plans resolve: {resolve_diagnostics:?}"));
    let analysis = rollplan::analysis::analyse(&plan);
    let diagnostics = analysis.diagnostics.clone();
    (analysis, diagnostics)
}

/// The state index (0: the start, p + 1: phase p) of a node of the library's state graph.
pub(crate) fn state_index(node: Node) -> Option<usize> {
    match node {
        Node::Start => Some(0),
        Node::Phase { phase, variant } => {
            assert_eq!(variant, 0, "no optional values, so one variant");
            Some(phase.0 + 1)
        }
        Node::Done => None,
    }
}

/// The index `k` of the generated invariant `inv_k` that a diagnostic's message names.
pub(crate) fn invariant_named(d: &Diagnostic, invariants: usize) -> usize {
    (0..invariants)
        .find(|k| d.message.starts_with(&format!("invariant `inv_{k}` ")))
        .expect("the message names the invariant")
}

/// Checks that `check` reported `invariant_violated` for exactly the invariants in `broken`,
/// and no error but those and `unsafe_transition` (all the generated plans can break).
pub(crate) fn reports_exactly(
    diagnostics: &[Diagnostic],
    invariants: usize,
    broken: &BTreeSet<usize>,
    text: &str,
) -> Result<(), TestCaseError> {
    let reported: BTreeSet<usize> = diagnostics
        .iter()
        .filter(|d| d.code == Code::InvariantViolated)
        .map(|d| invariant_named(d, invariants))
        .collect();
    prop_assert_eq!(&reported, broken, "{}", text);
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        prop_assert!(
            matches!(d.code, Code::InvariantViolated | Code::UnsafeTransition),
            "{:?}\n{}",
            d,
            text
        );
    }
    Ok(())
}
