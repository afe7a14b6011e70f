//! Analysis of a resolved plan: builds the [`StateGraph`] and proves what `check` promises.
//!
//! - every phase is reachable from the start, and the end from every phase (no trap);
//! - advance edges are acyclic; rollback targets lie earlier in the plan;
//! - every reachable flag state satisfies every invariant in every context;
//! - every transition can be carried out one flag change at a time (see [`ordering`]).
//!
//! It reads the model and never changes it; its diagnostics join the resolver's.

pub mod context;
pub mod graph;
pub(crate) mod invariants;
mod lints;
pub mod ordering;
pub mod units;

use std::collections::HashSet;

use petgraph::graph::NodeIndex;
use petgraph::visit::{Bfs, EdgeFiltered, Reversed};

use crate::diagnostic::problem::{AnalysisProblem, Direction, Flip};
use crate::diagnostic::{Code, Diagnostic, Problem};
use crate::model::{Plan, RollbackTarget};
pub use graph::{EdgeKind, Node, StateGraph};
pub use ordering::{FlipPlan, SEARCH_BUDGET, Transition};

#[derive(Debug)]
pub struct Analysis {
    pub graph: StateGraph,
    /// Every advance and rollback edge that changes at least one flag, with its flip order.
    pub transitions: Vec<Transition>,
    /// Advance edges form no cycle (proved with a topological sort).
    pub advance_acyclic: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// Transitions with a safe one-flag-at-a-time order.
    pub fn safe_transitions(&self) -> usize {
        self.transitions
            .iter()
            .filter(|t| matches!(t.plan, FlipPlan::Safe(_)))
            .count()
    }
}

pub fn analyse(plan: &Plan) -> Analysis {
    let sg = StateGraph::build(plan);
    let mut diagnostics = Vec::new();

    let advance_only = EdgeFiltered::from_fn(&sg.graph, |e| *e.weight() == EdgeKind::Advance);
    let advance_acyclic = petgraph::algo::toposort(&advance_only, None).is_ok();
    reachability(plan, &sg, &mut diagnostics);
    rollback_targets(plan, &mut diagnostics);

    let by_flag = invariants::invariants_by_flag(plan);
    invariants::check(plan, &sg, &by_flag, &mut diagnostics);

    let mut transitions = Vec::new();
    let mut reported_blocks = HashSet::new();
    let mut reported_unproven = HashSet::new();
    let mut budget = ordering::TOTAL_SEARCH_BUDGET;
    for edge in sg.graph.edge_indices() {
        let kind = sg.graph[edge];
        let (from, to) = sg.graph.edge_endpoints(edge).expect("edge exists");
        if kind == EdgeKind::Extend || from == to || to == sg.done {
            continue;
        }
        let (from_state, to_state) = (sg.state(plan, from), sg.state(plan, to));
        if from_state == to_state {
            continue;
        }
        let flips = ordering::order(plan, &by_flag, from_state, to_state, &mut budget);
        let phase_of = |n: NodeIndex| match sg.graph[n] {
            Node::Phase { phase, .. } => Some(phase),
            _ => None,
        };
        if let FlipPlan::Blocked {
            done,
            next,
            invariant,
            proven: false,
            ..
        } = &flips
        {
            let inv = &plan.invariants[*invariant];
            let too_many_classes =
                ordering::judged_classes(&inv.formula, &inv.flags, from_state, to_state).err();
            let said = |d: &Diagnostic| {
                d.code == Code::TooManyClasses && d.message.contains(&format!("`{}`", inv.name))
            };
            if let Some(too_many) = too_many_classes {
                // Not a search that ran out: the units could not be split into classes to
                // judge it, which the states' own check says once per invariant.
                if !diagnostics.iter().any(said) {
                    diagnostics.push(invariants::too_many_classes_in_transition(
                        plan,
                        &sg,
                        (from, to),
                        *invariant,
                        &too_many,
                    ));
                }
            } else if reported_unproven.insert((kind, phase_of(from), phase_of(to))) {
                // Once per pair of phases: the variants of one phase are usually stuck alike.
                diagnostics.push(unproven(plan, &sg, from, to, kind, done, *next, *invariant));
            }
        } else if let FlipPlan::Blocked {
            done,
            next,
            invariant,
            context,
            proven: true,
        } = &flips
        {
            // Variants of the same phases (optional values) often block for the same reason:
            // report it once, for the first pair (the planned variants come first).
            let key = (kind, phase_of(from), phase_of(to), *next, *invariant);
            if reported_blocks.insert(key) {
                diagnostics.push(blocked(
                    plan, &sg, from, to, kind, done, *next, *invariant, context,
                ));
            }
        }
        transitions.push(Transition {
            from,
            to,
            kind,
            plan: flips,
        });
    }
    lints::check(plan, &mut diagnostics);
    Analysis {
        graph: sg,
        transitions,
        advance_acyclic,
        diagnostics,
    }
}

fn reachability(plan: &Plan, sg: &StateGraph, out: &mut Vec<Diagnostic>) {
    let forward: HashSet<NodeIndex> = {
        let filtered = EdgeFiltered::from_fn(&sg.graph, |e| *e.weight() != EdgeKind::Rollback);
        let mut bfs = Bfs::new(&filtered, sg.start);
        std::iter::from_fn(|| bfs.next(&filtered)).collect()
    };
    let backward: HashSet<NodeIndex> = {
        let reversed = Reversed(&sg.graph);
        let mut bfs = Bfs::new(reversed, sg.done);
        std::iter::from_fn(|| bfs.next(reversed)).collect()
    };
    for (p, nodes) in sg.phase_nodes.iter().enumerate() {
        let phase = &plan.phases[p];
        if nodes.iter().all(|n| !forward.contains(n)) {
            out.push(
                AnalysisProblem::UnreachablePhase {
                    phase: phase.id.clone(),
                }
                .at(phase.span),
            );
        }
        if nodes.iter().any(|n| !backward.contains(n)) {
            out.push(
                AnalysisProblem::TrapPhase {
                    phase: phase.id.clone(),
                }
                .at(phase.span),
            );
        }
    }
}

fn rollback_targets(plan: &Plan, out: &mut Vec<Diagnostic>) {
    for (i, phase) in plan.phases.iter().enumerate() {
        if let Some(RollbackTarget::Phase(t)) = phase.on_fail.rollback_target() {
            if t.0 >= i {
                let span = phase.on_fail_span.unwrap_or(phase.span);
                out.push(
                    AnalysisProblem::RollbackNotEarlier {
                        phase: phase.id.clone(),
                        target: plan.phase(t).id.clone(),
                        itself: t.0 == i,
                        declared: plan.phase(t).span,
                    }
                    .at(span),
                );
            }
        }
    }
}

/// Where a blocked transition's diagnostic points: the `set` that makes the blocked change
/// (advance), or the `on_fail` that asks for it (rollback); else the invariant.
fn blame_span(
    plan: &Plan,
    sg: &StateGraph,
    from: NodeIndex,
    to: NodeIndex,
    kind: EdgeKind,
    next: crate::model::FlagId,
    invariant: usize,
) -> crate::source::Span {
    match (kind, sg.graph[to], sg.graph[from]) {
        (EdgeKind::Advance, Node::Phase { phase, .. }, _) => {
            plan.phase(phase).assignment_of(next).map(|a| a.span)
        }
        (EdgeKind::Rollback, _, Node::Phase { phase, .. }) => plan
            .phase(phase)
            .on_fail_span
            .or(Some(plan.phase(phase).span)),
        _ => None,
    }
    .unwrap_or(plan.invariants[invariant].span)
}

/// The search for an order ran out of its budget, and the greedy order it fell back on got
/// stuck after `done`: neither safe nor unsafe is proven.
#[expect(
    clippy::too_many_arguments,
    reason = "one diagnostic needs every part of the stuck search"
)]
fn unproven(
    plan: &Plan,
    sg: &StateGraph,
    from: NodeIndex,
    to: NodeIndex,
    kind: EdgeKind,
    done: &[crate::model::FlagId],
    next: crate::model::FlagId,
    invariant: usize,
) -> Diagnostic {
    let (from_state, to_state) = (sg.state(plan, from), sg.state(plan, to));
    let changed = from_state.changed_flags(to_state).len();
    AnalysisProblem::TransitionUnproven {
        direction: direction(kind),
        from: sg.describe(plan, from),
        to: sg.describe(plan, to),
        changed,
        done: done.len(),
        flag: plan.flag(next).name.clone(),
        formula: plan.invariants[invariant].formula_span,
        exact: SEARCH_BUDGET.ilog2(),
    }
    .at(blame_span(plan, sg, from, to, kind, next, invariant))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one diagnostic needs every part of the blocked search, and names each blocked flip"
)]
fn blocked(
    plan: &Plan,
    sg: &StateGraph,
    from: NodeIndex,
    to: NodeIndex,
    kind: EdgeKind,
    done: &[crate::model::FlagId],
    next: crate::model::FlagId,
    invariant: usize,
    context: &units::UnitClass,
) -> Diagnostic {
    let (from_state, to_state) = (sg.state(plan, from), sg.state(plan, to));
    let mut reached = from_state.clone();
    for f in done {
        reached.set(*f, to_state.get(*f).clone());
    }
    // The search stopped in `reached`: flipping `next` breaks `invariant`, and so does every
    // other flip of its group. Name each, so the reader sees why no order works.
    let mut breaks: Vec<(crate::model::FlagId, usize, units::UnitClass)> =
        vec![(next, invariant, context.clone())];
    for other in from_state.changed_flags(to_state) {
        if other == next || done.contains(&other) {
            continue;
        }
        let mut state = reached.clone();
        state.set(other, to_state.get(other).clone());
        let broken = plan.invariants.iter().enumerate().find_map(|(i, inv)| {
            if !inv.flags.contains(&other) {
                return None;
            }
            ordering::judged_classes(&inv.formula, &inv.flags, from_state, to_state)
                .unwrap_or_default()
                .into_iter()
                .find(|c| !c.holds(&inv.formula, &state))
                .map(|c| (i, c))
        });
        if let Some((i, c)) = broken {
            breaks.push((other, i, c));
        }
    }
    let flip = |flag: crate::model::FlagId, inv: usize, ctx: &units::UnitClass| {
        let mut state = reached.clone();
        state.set(flag, to_state.get(flag).clone());
        let inv = &plan.invariants[inv];
        Flip {
            flag: plan.flag(flag).name.clone(),
            first: done.is_empty(),
            values: invariants::describe_values(plan, &inv.flags, &state, ctx),
            when: ctx.qualifier(plan),
        }
    };
    let mut names: Vec<String> = breaks
        .iter()
        .map(|(_, i, _)| plan.invariants[*i].name.clone())
        .collect();
    names.sort_unstable();
    names.dedup();
    // A rollback over several phases can often be undone phase by phase instead.
    let skips_phases = match (sg.graph[from], sg.graph[to]) {
        (Node::Phase { phase, .. }, Node::Start) => phase.0 > 0,
        (Node::Phase { phase, .. }, Node::Phase { phase: target, .. }) => phase.0 > target.0 + 1,
        _ => false,
    };
    AnalysisProblem::UnsafeTransition {
        direction: direction(kind),
        from: sg.describe(plan, from),
        to: sg.describe(plan, to),
        invariants: names,
        after: done.iter().map(|f| plan.flag(*f).name.clone()).collect(),
        flip: flip(next, invariant, context),
        breaks: breaks
            .iter()
            .map(|(flag, inv, ctx)| (plan.invariants[*inv].formula_span, flip(*flag, *inv, ctx)))
            .collect(),
        skips_phases,
    }
    .at(blame_span(plan, sg, from, to, kind, next, invariant))
}

fn direction(kind: EdgeKind) -> Direction {
    match kind {
        EdgeKind::Rollback => Direction::Rollback,
        EdgeKind::Advance | EdgeKind::Extend => Direction::Advance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    const PLAN: &str = r#"plan demo { title "Demo" }
flag a: bool = false
flag b: bool = false
invariant b_needs_a: b -> a
invariant a_needs_b: a -> b
phase one "One" {
  duration 1w
  set a = true
}
phase two "Two" {
  duration 1w
  set b = true
}
"#;

    fn resolved(text: &str) -> (SourceMap, Plan) {
        let mut sources = SourceMap::new();
        let id = sources.add("t.roll", text);
        let source = sources.get(id);
        let ast = crate::syntax::parse(source).expect("parses");
        let (plan, diagnostics) = crate::model::resolve(&ast, source);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        (sources.clone(), plan.expect("resolves"))
    }

    fn underlined(sources: &SourceMap, span: crate::source::Span) -> &str {
        sources.get(span.file).slice(span)
    }

    /// Linear plans cannot produce these (see docs/diagnostics.md), so the situation is made
    /// by cutting an advance edge out of a real state graph.
    #[test]
    fn unreachable_and_trap_phases_are_reported() {
        let text = PLAN.replace("invariant a_needs_b: a -> b\n", "");
        let (sources, plan) = resolved(&text);
        let mut sg = StateGraph::build(&plan);
        let one = sg.phase_nodes[0][0];
        let two = sg.phase_nodes[1][0];
        let edge = sg.graph.find_edge(one, two).expect("one advances to two");
        sg.graph.remove_edge(edge);
        let mut out = Vec::new();
        reachability(&plan, &sg, &mut out);
        let found: Vec<(Code, &str, &str)> = out
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.message.as_str(),
                    underlined(&sources, d.primary.span),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    Code::TrapPhase,
                    "the end of the rollout cannot be reached from phase `one`",
                    "one"
                ),
                (
                    Code::UnreachablePhase,
                    "phase `two` cannot be reached from the start",
                    "two"
                ),
            ]
        );
        assert_eq!(out[0].primary.text, "no way out");
        assert_eq!(out[1].primary.text, "unreachable");
        assert!(out.iter().all(|d| !d.help.is_empty()));
    }

    #[test]
    fn an_intact_graph_has_no_unreachable_or_trap_phase() {
        let text = PLAN.replace("invariant a_needs_b: a -> b\n", "");
        let (_, plan) = resolved(&text);
        let mut out = Vec::new();
        reachability(&plan, &StateGraph::build(&plan), &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_broken_invariant_names_the_state_and_points_at_the_set() {
        let (sources, plan) = resolved(PLAN);
        let analysis = analyse(&plan);
        let d = analysis
            .diagnostics
            .iter()
            .find(|d| d.code == Code::InvariantViolated)
            .expect("`a -> b` breaks in phase one");
        assert_eq!(d.message, "invariant `a_needs_b` is broken in phase `one`");
        assert_eq!(underlined(&sources, d.primary.span), "set a = true");
        assert_eq!(d.primary.text, "this makes `a = true`, `b = false`");
        assert_eq!(underlined(&sources, d.related[0].span), "a -> b");
        assert_eq!(
            d.help,
            "change the values so that `a_needs_b` holds, or fix the invariant if the plan is right"
        );
    }

    #[test]
    fn an_unsafe_transition_names_every_blocking_invariant() {
        let text = PLAN.replace(
            "  set a = true\n}\nphase two \"Two\" {\n  duration 1w\n  set b = true\n",
            "  set a = true\n  set b = true\n}\nphase two \"Two\" {\n  duration 1w\n",
        );
        let (sources, plan) = resolved(&text);
        let analysis = analyse(&plan);
        let d = analysis
            .diagnostics
            .iter()
            .find(|d| d.code == Code::UnsafeTransition)
            .expect("a and b must change together");
        assert_eq!(
            d.message,
            "cannot advance from the start (before the rollout) to phase `one` one flag at a time: \
             every order breaks `a_needs_b` or `b_needs_a`"
        );
        assert_eq!(underlined(&sources, d.primary.span), "set a = true");
        assert_eq!(
            d.primary.text,
            "flipping `a` first gives `a = true`, `b = false`"
        );
        let related: Vec<(&str, &str)> = d
            .related
            .iter()
            .map(|l| (underlined(&sources, l.span), l.text.as_str()))
            .collect();
        assert_eq!(
            related,
            [
                ("a -> b", "flipping `a` breaks this"),
                (
                    "b -> a",
                    "flipping `b` first gives `a = false`, `b = true`, breaking this"
                ),
            ]
        );
        assert!(d.help.starts_with("split the change across two phases"));
    }

    /// `x`, `y`, `z` and `fillers` more flags, all turned on in one phase: `y`, `z`, `x` is
    /// safe, but the greedy order flips `x` first and is stuck, so the exact search decides.
    fn trap(fillers: usize, optional: usize) -> String {
        use std::fmt::Write as _;
        let names: Vec<String> = ["x", "y", "z"]
            .into_iter()
            .map(str::to_owned)
            .chain((0..fillers).map(|i| format!("f{i:02}")))
            .collect();
        let mut text = String::from("plan trap {}\n");
        for n in &names {
            let _ = writeln!(text, "flag {n}: bool = false");
        }
        let _ = writeln!(
            text,
            "invariant xy_need_z: x && y -> z\ninvariant z_needs_y: z -> y\n\
             invariant fillers: x || !x || {}",
            names[3..].join(" || ")
        );
        text.push_str("phase one \"One\" {\n  duration 1w\n  on_fail extend 1d\n");
        for (i, n) in names.iter().enumerate() {
            let optional = if i + optional >= names.len() {
                " optional"
            } else {
                ""
            };
            let _ = writeln!(text, "  set {n} = true{optional}");
        }
        text.push_str("}\n");
        text
    }

    fn codes(text: &str) -> Vec<Code> {
        let (_, plan) = resolved(text);
        analyse(&plan)
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn the_exact_search_finds_what_greedy_misses_within_its_budget() {
        // 16 flags: 2^16 subsets, all within the budget.
        let (_, plan) = resolved(&trap(13, 0));
        let analysis = analyse(&plan);
        assert!(analysis.diagnostics.iter().all(|d| !d.is_error()));
        let FlipPlan::Safe(order) = &analysis.transitions[0].plan else {
            panic!("{:?}", analysis.transitions[0])
        };
        let first: Vec<&str> = order[..3]
            .iter()
            .map(|f| plan.flag(*f).name.as_str())
            .collect();
        assert_eq!(first, ["y", "z", "x"]);
    }

    #[test]
    fn a_search_past_its_budget_is_unproven_not_unsafe() {
        // 17 flags: more states than the budget before the target is reached.
        assert_eq!(codes(&trap(14, 0)), [Code::TransitionUnproven]);
        // Past 20 flags the exact search is not tried.
        assert_eq!(codes(&trap(18, 0)), [Code::TransitionUnproven]);
        // Stuck at the first flip is a proof: no order can start.
        let blocked = PLAN.replace(
            "  set a = true\n}\nphase two \"Two\" {\n  duration 1w\n  set b = true\n",
            "  set a = true\n  set b = true\n}\nphase two \"Two\" {\n  duration 1w\n",
        );
        assert!(codes(&blocked).contains(&Code::UnsafeTransition));
    }

    /// The worst case of issue 14.10: 20 flags joined by one invariant that every state keeps,
    /// 6 of them optional (64 variants), turned on and off again. Greedy orders settle each
    /// transition; the exact search used to explore 2^20 states for each.
    #[test]
    fn a_wide_component_with_optional_values_is_settled_by_greedy_orders() {
        use std::fmt::Write as _;
        let names: Vec<String> = (0..20).map(|i| format!("g{i:02}")).collect();
        let mut text = String::from("plan wide {}\n");
        for n in &names {
            let _ = writeln!(text, "flag {n}: bool = false");
        }
        let _ = writeln!(
            text,
            "invariant wide: g00 || !g00 || {}",
            names[1..].join(" || ")
        );
        for (id, value) in [("one", "true"), ("two", "false")] {
            let _ = writeln!(text, "phase {id} \"P\" {{\n  duration 1w");
            for (i, n) in names.iter().enumerate() {
                let optional = if value == "true" && i < 6 {
                    " optional"
                } else {
                    ""
                };
                let _ = writeln!(text, "  set {n} = {value}{optional}");
            }
            text.push_str("}\n");
        }
        let (_, plan) = resolved(&text);
        let analysis = analyse(&plan);
        assert!(analysis.diagnostics.iter().all(|d| !d.is_error()));
        assert_eq!(analysis.safe_transitions(), analysis.transitions.len());
        assert!(analysis.transitions.len() > 64);
    }

    /// Each end's conditions split the contexts into 128 classes, both together into 16,384:
    /// the transition cannot be judged, and says so rather than judge 4,096 of them.
    #[test]
    fn a_transition_past_the_bound_on_contexts_is_reported() {
        use std::fmt::Write as _;
        let mut text = String::from("plan wide {}\n");
        for a in 0..14 {
            let _ = writeln!(text, "attribute a{a:02}: string");
        }
        text.push_str("flag f: bool = false\ninvariant not_everywhere: !f || f\n");
        for (phase, attributes) in [("one", 0..7), ("two", 7..14)] {
            let condition: Vec<String> = attributes.map(|a| format!("a{a:02} == \"x\"")).collect();
            let _ = writeln!(
                text,
                "phase {phase} \"P\" {{\n  duration 1w\n  set f = true when {} else false\n}}",
                condition.join(" && ")
            );
        }
        let (sources, plan) = resolved(&text);
        let analysis = analyse(&plan);
        let found: Vec<&Diagnostic> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        let [d] = found.as_slice() else {
            panic!("{found:?}")
        };
        assert_eq!(d.code, Code::TooManyClasses);
        assert_eq!(
            d.message,
            "invariant `not_everywhere` cannot be checked between phase `one` and phase `two`: \
             its flags' conditions split the contexts into 16384 classes over 14 attributes"
        );
        assert!(underlined(&sources, d.primary.span).starts_with("set f = true when a07"));
        assert_eq!(d.primary.text, "these conditions split the contexts");
        assert_eq!(underlined(&sources, d.related[1].span), "a00");
        assert_eq!(d.related[1].text, "`a00` splits them into 2 classes");
        assert!(d.help.contains("at most 4096 classes"));
    }

    #[test]
    fn a_rollback_to_a_later_phase_points_at_the_on_fail_and_the_target() {
        let text = PLAN.replace("invariant a_needs_b: a -> b\n", "").replace(
            "  set a = true\n",
            "  set a = true\n  on_fail rollback two\n",
        );
        let (sources, plan) = resolved(&text);
        let analysis = analyse(&plan);
        let d = analysis
            .diagnostics
            .iter()
            .find(|d| d.code == Code::RollbackNotEarlier)
            .expect("one rolls back to two");
        assert_eq!(
            d.message,
            "phase `one` rolls back to `two`, which is a later phase"
        );
        assert_eq!(underlined(&sources, d.primary.span), "on_fail rollback two");
        assert_eq!(underlined(&sources, d.related[0].span), "two");
        assert_eq!(d.related[0].text, "`two` is declared here");
    }
}
