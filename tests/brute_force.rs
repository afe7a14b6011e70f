//! The analysis against brute force, on small generated plans (at most 8 boolean flags, random
//! invariants, random phases and failure policies):
//!
//! - an invariant is reported broken iff some reachable state (the start or a phase) breaks it,
//!   found by evaluating it in every state;
//! - for every transition (advance or rollback) between valid states, `compile` finds a safe
//!   one-flag-at-a-time order iff some permutation of the changed flags keeps every
//!   intermediate state valid, and the order it gives is such a permutation.
//!
//! - in plans whose states may break invariants, a transition is judged only on the invariants
//!   that hold at both of its ends: it is blocked iff no permutation keeps those in every
//!   intermediate state, and each blocked transition is one `unsafe_transition`.
//!
//! The formulas are evaluated here by this file's own evaluator, not the library's.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::common::analyse;

use analyse::{analyse, reports_exactly, state_index};
use proptest::prelude::*;
use rollplan::analysis::{EdgeKind, FlipPlan};
use rollplan::diagnostic::Code;
use rollplan::source::SourceMap;

const MAX_FLAGS: usize = 8;

#[derive(Debug, Clone)]
enum F {
    Const(bool),
    Flag(usize),
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
    Implies(Box<F>, Box<F>),
}

impl F {
    fn eval(&self, state: &[bool]) -> bool {
        match self {
            F::Const(b) => *b,
            F::Flag(i) => state[*i],
            F::Not(a) => !a.eval(state),
            F::And(a, b) => a.eval(state) && b.eval(state),
            F::Or(a, b) => a.eval(state) || b.eval(state),
            F::Implies(a, b) => !a.eval(state) || b.eval(state),
        }
    }

    fn text(&self) -> String {
        match self {
            F::Const(b) => b.to_string(),
            F::Flag(i) => format!("f{i}"),
            F::Not(a) => format!("!{}", a.text()),
            F::And(a, b) => format!("({} && {})", a.text(), b.text()),
            F::Or(a, b) => format!("({} || {})", a.text(), b.text()),
            F::Implies(a, b) => format!("({} -> {})", a.text(), b.text()),
        }
    }
}

fn formula(flags: usize) -> impl Strategy<Value = F> {
    let leaf = prop_oneof![
        1 => any::<bool>().prop_map(F::Const),
        6 => (0..flags).prop_map(F::Flag),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| F::Not(Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::Implies(Box::new(a), Box::new(b))),
        ]
    })
}

/// `l1 || l2` over two literals (a flag or its negation): implications, exclusions and
/// "at least one of" rules, which together often leave no safe order between two states.
fn clause(flags: usize) -> impl Strategy<Value = F> {
    let literal = move || {
        (0..flags, any::<bool>()).prop_map(|(f, negated)| {
            if negated {
                F::Not(Box::new(F::Flag(f)))
            } else {
                F::Flag(f)
            }
        })
    };
    (literal(), literal()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b)))
}

/// `a` and `b` equal (`(a -> b) && (b -> a)`), or exactly one of them on: no single flip keeps
/// either when both flags change.
fn coupling(flags: usize) -> impl Strategy<Value = F> {
    (0..flags, 0..flags, any::<bool>()).prop_map(|(a, b, equal)| {
        let (fa, fb) = (Box::new(F::Flag(a)), Box::new(F::Flag(b)));
        if equal {
            F::And(
                Box::new(F::Implies(fa.clone(), fb.clone())),
                Box::new(F::Implies(fb, fa)),
            )
        } else {
            F::And(
                Box::new(F::Or(fa.clone(), fb.clone())),
                Box::new(F::Not(Box::new(F::And(fa, fb)))),
            )
        }
    })
}

#[derive(Debug, Clone, Copy)]
enum Policy {
    Extend,
    RollbackPrevious,
    RollbackStart,
    ExtendThenStart,
}

impl Policy {
    fn text(self) -> &'static str {
        match self {
            Policy::Extend => "on_fail extend 1w",
            Policy::RollbackPrevious => "on_fail rollback previous",
            Policy::RollbackStart => "on_fail rollback start",
            Policy::ExtendThenStart => "on_fail extend 1w max 1 then rollback start",
        }
    }

    /// The state phase `p` rolls back to, if any (0: the start, `q + 1`: phase `q`).
    fn target(self, p: usize) -> Option<usize> {
        match self {
            Policy::Extend => None,
            // The phase before, whose state index is `p`; phase 0 rolls back to the start.
            Policy::RollbackPrevious => Some(p),
            Policy::RollbackStart | Policy::ExtendThenStart => Some(0),
        }
    }
}

#[derive(Debug, Clone)]
struct Small {
    initial: Vec<bool>,
    invariants: Vec<F>,
    /// Per phase, the `set`s: (flag, value).
    phases: Vec<Vec<(usize, bool)>>,
    policy: Policy,
}

impl Small {
    fn text(&self) -> String {
        let mut out = String::from("plan small {}\n");
        for (i, v) in self.initial.iter().enumerate() {
            let _ = writeln!(out, "flag f{i}: bool = {v}");
        }
        for (k, f) in self.invariants.iter().enumerate() {
            let _ = writeln!(out, "invariant inv_{k}: {}", f.text());
        }
        out.push_str(self.policy.text());
        out.push('\n');
        for (p, sets) in self.phases.iter().enumerate() {
            let _ = write!(out, "phase p{p} \"Phase {p}\" {{\n  duration 1w\n");
            for (flag, value) in sets {
                let _ = writeln!(out, "  set f{flag} = {value}");
            }
            out.push_str("}\n");
        }
        out
    }

    /// The start's state, then each phase's.
    fn states(&self) -> Vec<Vec<bool>> {
        let mut states = vec![self.initial.clone()];
        for sets in &self.phases {
            let mut s = states.last().expect("the start").clone();
            for &(flag, value) in sets {
                s[flag] = value;
            }
            states.push(s);
        }
        states
    }

    fn valid(&self, state: &[bool]) -> bool {
        self.invariants.iter().all(|f| f.eval(state))
    }
}

fn small_plan() -> impl Strategy<Value = Small> {
    (1..=MAX_FLAGS).prop_flat_map(|flags| {
        let phase = proptest::sample::subsequence((0..flags).collect::<Vec<_>>(), 1..=flags)
            .prop_flat_map(|chosen| {
                let n = chosen.len();
                (Just(chosen), proptest::collection::vec(any::<bool>(), n))
                    .prop_map(|(c, v)| c.into_iter().zip(v).collect::<Vec<_>>())
            });
        (
            proptest::collection::vec(any::<bool>(), flags),
            proptest::collection::vec(formula(flags), 1..=4),
            proptest::collection::vec(phase, 1..=4),
            prop_oneof![
                Just(Policy::Extend),
                Just(Policy::RollbackPrevious),
                Just(Policy::RollbackStart),
                Just(Policy::ExtendThenStart),
            ],
        )
            .prop_map(|(initial, invariants, phases, policy)| Small {
                initial,
                invariants,
                phases,
                policy,
            })
    })
}

/// Plans whose every state satisfies every invariant: the invariants are drawn first, then the
/// start and each phase's state are drawn from the states that satisfy them (a phase sets the
/// flags that differ from the state before). Transitions between arbitrary valid states are
/// often blocked, which plans with random phases rarely are.
fn valid_plan() -> impl Strategy<Value = Small> {
    (1..=MAX_FLAGS).prop_flat_map(|flags| {
        (
            proptest::collection::vec(
                prop_oneof![3 => clause(flags), 1 => coupling(flags), 2 => formula(flags)],
                1..=5,
            ),
            any::<proptest::sample::Index>(),
            proptest::collection::vec(any::<proptest::sample::Index>(), 1..=4),
            prop_oneof![
                Just(Policy::Extend),
                Just(Policy::RollbackPrevious),
                Just(Policy::RollbackStart),
                Just(Policy::ExtendThenStart),
            ],
        )
            .prop_map(move |(drawn, start, picks, policy)| {
                // Keep each drawn invariant that leaves at least two valid states.
                let mut valid: Vec<Vec<bool>> = (0..1usize << flags)
                    .map(|bits| (0..flags).map(|f| bits & (1 << f) != 0).collect())
                    .collect();
                let mut invariants = Vec::new();
                for f in drawn {
                    let kept: Vec<Vec<bool>> =
                        valid.iter().filter(|s| f.eval(s)).cloned().collect();
                    if kept.len() >= 2 {
                        valid = kept;
                        invariants.push(f);
                    }
                }
                let initial = start.get(&valid).clone();
                let mut previous = initial.clone();
                let phases = picks
                    .iter()
                    .map(|pick| {
                        let next = pick.get(&valid);
                        let mut sets: Vec<(usize, bool)> = (0..flags)
                            .filter(|&f| next[f] != previous[f])
                            .map(|f| (f, next[f]))
                            .collect();
                        if sets.is_empty() {
                            sets.push((0, next[0]));
                        }
                        previous.clone_from(next);
                        sets
                    })
                    .collect();
                Small {
                    initial,
                    invariants,
                    phases,
                    policy,
                }
            })
    })
}

fn compile(text: &str) -> Result<rollplan::Compiled, rollplan::diagnostic::Errors> {
    let mut sources = SourceMap::new();
    let file = sources.add("small.roll", text);
    rollplan::compile(&sources, file)
}

/// Whether some order of flipping `changed` from `from` keeps every state on the way valid,
/// trying every permutation (a prefix that reaches an invalid state rules out all its
/// extensions, so those are skipped).
fn some_order_is_safe(plan: &Small, from: &[bool], changed: &[usize]) -> bool {
    some_order_keeps(&|s| plan.valid(s), from, changed)
}

/// Whether some order of flipping `changed` from `from` keeps `valid` in every intermediate
/// state (the last state, the target, is not checked: the caller judges it).
fn some_order_keeps(valid: &dyn Fn(&[bool]) -> bool, from: &[bool], changed: &[usize]) -> bool {
    if changed.len() <= 1 {
        return true;
    }
    changed.iter().enumerate().any(|(k, &flag)| {
        let mut next = from.to_vec();
        next[flag] = !next[flag];
        let rest: Vec<usize> = changed
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, f)| *f)
            .collect();
        valid(&next) && some_order_keeps(valid, &next, &rest)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn invariant_verdicts_match_brute_force(plan in small_plan()) {
        let states = plan.states();
        let broken: BTreeSet<usize> = (0..plan.invariants.len())
            .filter(|&k| states.iter().any(|s| !plan.invariants[k].eval(s)))
            .collect();
        let text = plan.text();
        let diagnostics = match compile(&text) {
            Ok(c) => c.warnings,
            Err(e) => e.into_vec(),
        };
        reports_exactly(&diagnostics, plan.invariants.len(), &broken, &text)?;
    }

    #[test]
    fn transition_orders_match_brute_force(plan in valid_plan()) {
        // Every state satisfies every invariant, so every transition's verdict is the order
        // search's alone.
        let states = plan.states();
        prop_assert!(states.iter().all(|s| plan.valid(s)));
        let text = plan.text();

        // Every transition of the plan, with brute force's verdict.
        let mut edges: Vec<(usize, usize, EdgeKind)> = Vec::new();
        for p in 0..plan.phases.len() {
            edges.push((p, p + 1, EdgeKind::Advance));
            if let Some(target) = plan.policy.target(p) {
                edges.push((p + 1, target, EdgeKind::Rollback));
            }
        }
        edges.retain(|&(a, b, _)| states[a] != states[b]);
        let verdict = |a: usize, b: usize| {
            let changed: Vec<usize> = (0..plan.initial.len())
                .filter(|&f| states[a][f] != states[b][f])
                .collect();
            some_order_is_safe(&plan, &states[a], &changed)
        };
        let all_safe = edges.iter().all(|&(a, b, _)| verdict(a, b));

        let compiled = compile(&text);
        prop_assert_eq!(compiled.is_ok(), all_safe, "{}", text);
        if let Err(errors) = &compiled {
            for d in errors.as_slice().iter().filter(|d| d.is_error()) {
                prop_assert_eq!(d.code, Code::UnsafeTransition, "{:?}\n{}", d, text);
            }
            return Ok(());
        }
        let compiled = compiled.expect("checked above");
        let graph = &compiled.analysis.graph.graph;
        let mut seen: Vec<(usize, usize, EdgeKind)> = Vec::new();
        for t in &compiled.analysis.transitions {
            let (Some(a), Some(b)) = (state_index(graph[t.from]), state_index(graph[t.to])) else {
                continue;
            };
            seen.push((a, b, t.kind));
            let FlipPlan::Safe(order) = &t.plan else {
                return Err(TestCaseError::fail(format!("blocked transition in a plan that compiled: {t:?}")));
            };
            // The order flips each changed flag once, and every state on the way is valid.
            let mut state = states[a].clone();
            let mut flipped: Vec<usize> = order.iter().map(|f| f.0).collect();
            for &f in &flipped {
                state[f] = !state[f];
                prop_assert!(plan.valid(&state), "order {:?} passes an invalid state\n{}", order, text);
            }
            prop_assert_eq!(&state, &states[b], "order {:?} does not reach the target\n{}", order, text);
            flipped.sort_unstable();
            flipped.dedup();
            prop_assert_eq!(flipped.len(), order.len(), "a flag flipped twice\n{}", text);
        }
        seen.sort_by_key(|&(a, b, k)| (a, b, k == EdgeKind::Rollback));
        seen.dedup();
        edges.sort_by_key(|&(a, b, k)| (a, b, k == EdgeKind::Rollback));
        edges.dedup();
        prop_assert_eq!(seen, edges, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random plans, whose states often break invariants: each transition is judged on the
    /// invariants that hold at both ends, by brute force and by the library alike.
    #[test]
    fn transition_verdicts_match_brute_force_where_states_break_invariants(plan in small_plan()) {
        let states = plan.states();
        let text = plan.text();
        let mut edges: Vec<(usize, usize, EdgeKind)> = Vec::new();
        for p in 0..plan.phases.len() {
            edges.push((p, p + 1, EdgeKind::Advance));
            if let Some(target) = plan.policy.target(p) {
                edges.push((p + 1, target, EdgeKind::Rollback));
            }
        }
        edges.retain(|&(a, b, _)| states[a] != states[b]);
        let blocked_by_brute_force: BTreeSet<(usize, usize, bool)> = edges
            .iter()
            .filter(|&&(a, b, _)| {
                let held: Vec<&F> = plan
                    .invariants
                    .iter()
                    .filter(|f| f.eval(&states[a]) && f.eval(&states[b]))
                    .collect();
                let changed: Vec<usize> = (0..plan.initial.len())
                    .filter(|&f| states[a][f] != states[b][f])
                    .collect();
                !some_order_keeps(&|s| held.iter().all(|f| f.eval(s)), &states[a], &changed)
            })
            .map(|&(a, b, k)| (a, b, k == EdgeKind::Rollback))
            .collect();

        let (analysis, diagnostics) = analyse(&text);
        let graph = &analysis.graph.graph;
        let mut blocked = BTreeSet::new();
        for t in &analysis.transitions {
            let (Some(a), Some(b)) = (state_index(graph[t.from]), state_index(graph[t.to])) else {
                continue;
            };
            match &t.plan {
                FlipPlan::Blocked { .. } => {
                    blocked.insert((a, b, t.kind == EdgeKind::Rollback));
                }
                FlipPlan::Safe(order) => {
                    // A safe order keeps every invariant that holds at both ends.
                    let held: Vec<&F> = plan
                        .invariants
                        .iter()
                        .filter(|f| f.eval(&states[a]) && f.eval(&states[b]))
                        .collect();
                    let mut state = states[a].clone();
                    for (i, f) in order.iter().enumerate() {
                        state[f.0] = !state[f.0];
                        if i + 1 < order.len() {
                            prop_assert!(held.iter().all(|h| h.eval(&state)),
                                "order {:?} passes a state breaking a held invariant\n{}", order, text);
                        }
                    }
                    prop_assert_eq!(&state, &states[b], "order {:?} does not reach the target\n{}", order, text);
                }
            }
        }
        prop_assert_eq!(&blocked, &blocked_by_brute_force, "{}", text);
        // Every blocked transition is reported, in the same run as any broken invariant.
        let reported = diagnostics.iter().filter(|d| d.code == Code::UnsafeTransition).count();
        prop_assert_eq!(reported, blocked.len(), "{}", text);
    }
}

/// The two plans where `check` and the model disagreed (issue 13.10): a one-flag rollback into a
/// state that inherited a violation is not unsafe, and a transition into a broken state is still
/// judged on the invariants that hold at both ends.
#[test]
fn broken_states_neither_invent_nor_hide_unsafe_transitions() {
    let inherited = "plan demo { title \"Demo\" }\nflag a: bool = false\nflag b: bool = true\n\
        flag e: bool = false\ninvariant i1: b -> a\n\
        phase p2 \"P2\" {\n  duration 1w\n  set e = true\n}\n\
        phase p3 \"P3\" {\n  duration 1w\n  set a = true\n}\n";
    let (_, diagnostics) = analyse(inherited);
    let codes: Vec<Code> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, [Code::InvariantViolated], "{diagnostics:?}");

    let hidden = "plan demo { title \"Demo\" }\n\
        flag mode: enum(legacy, modern) = legacy\nflag backfill: bool = true\n\
        flag reads: bool = true\nflag cache: bool = true\n\
        invariant cache_legacy: cache -> mode == legacy\n\
        invariant legacy_backfill: mode == legacy -> backfill\n\
        invariant reads_need_backfill: reads -> backfill\n\
        invariant backfill_cache: backfill -> cache\n\
        phase p1 \"P1\" {\n  duration 1w\n  set cache = false\n  set mode = modern\n  \
        set backfill = false\n  on_fail extend 1d\n}\n";
    let (_, diagnostics) = analyse(hidden);
    let found: Vec<(Code, &str)> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Code::InvariantViolated,
                "invariant `reads_need_backfill` is broken in phase `p1`"
            ),
            (
                Code::UnsafeTransition,
                "cannot advance from the start (before the rollout) to phase `p1` one flag at a \
                 time: every order breaks `backfill_cache` or `cache_legacy` or `legacy_backfill`"
            ),
        ],
        "{diagnostics:?}"
    );
}

#[test]
fn a_blocked_transition_is_found_by_both() {
    // Turning on a and b together with `a != b` forbidden... is impossible one at a time.
    let plan = Small {
        initial: vec![false, false],
        invariants: vec![F::Not(Box::new(F::And(
            Box::new(F::Or(Box::new(F::Flag(0)), Box::new(F::Flag(1)))),
            Box::new(F::Not(Box::new(F::And(
                Box::new(F::Flag(0)),
                Box::new(F::Flag(1)),
            )))),
        )))],
        phases: vec![vec![(0, true), (1, true)]],
        policy: Policy::Extend,
    };
    assert!(!some_order_is_safe(&plan, &plan.initial, &[0, 1]));
    let errors = compile(&plan.text()).expect_err("no safe order");
    assert_eq!(errors.as_slice()[0].code, Code::UnsafeTransition);
}
