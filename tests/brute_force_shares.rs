//! The analysis of percentage rollouts against brute force, on small generated plans: 2–4
//! boolean flags, 1–2 cohorts, flags bucketed `by user.id` on their own, shares that are
//! multiples of 10% (with and without `else`, sometimes after a rule `when region == eu`), 2–3
//! phases and a failure policy that rolls back.
//!
//! The model here enumerates units explicitly: per region (`eu`, `us`, `apac`), one unit per
//! 10% bucket of every bucketing the plan uses (a cohort, or one flag's `by`), so 3 × 10^k
//! units for k bucketings. A unit is inside `for P% …` when its bucket is below P / 10; the
//! first rule that applies decides, and the units outside its share get the `else` value or
//! the flag's declared one. From that alone it computes:
//!
//! - which (invariant, state) pairs are broken, and exactly which share of the units of each
//!   region the message names breaks them;
//!   the library must report a pair where the phase changes a value the invariant reads, with
//!   the same share, and never report a pair that holds;
//! - for every transition (advance and rollback), whether some one-flag-at-a-time order keeps,
//!   for every unit, every invariant that holds for that unit at both ends; the library's order
//!   must be such an order, and it must say blocked exactly when none is.
//!
//! The formulas are evaluated by this file's own evaluator, not the library's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::common::analyse;

use analyse::{analyse, invariant_named, state_index};
use proptest::prelude::*;
use rollplan::analysis::{EdgeKind, FlipPlan};
use rollplan::diagnostic::{Code, Diagnostic};

/// At most this many bucketings, so at most 10^4 units.
const MAX_BUCKETINGS: usize = 4;

#[derive(Debug, Clone)]
enum F {
    Flag(usize),
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
    Implies(Box<F>, Box<F>),
}

impl F {
    fn eval(&self, state: &[bool]) -> bool {
        match self {
            F::Flag(i) => state[*i],
            F::Not(a) => !a.eval(state),
            F::And(a, b) => a.eval(state) && b.eval(state),
            F::Or(a, b) => a.eval(state) || b.eval(state),
            F::Implies(a, b) => !a.eval(state) || b.eval(state),
        }
    }

    /// Whether the formula reads flag `f`.
    fn reads(&self, f: usize) -> bool {
        match self {
            F::Flag(i) => *i == f,
            F::Not(a) => a.reads(f),
            F::And(a, b) | F::Or(a, b) | F::Implies(a, b) => a.reads(f) || b.reads(f),
        }
    }

    fn text(&self) -> String {
        match self {
            F::Flag(i) => format!("f{i}"),
            F::Not(a) => format!("!{}", a.text()),
            F::And(a, b) => format!("({} && {})", a.text(), b.text()),
            F::Or(a, b) => format!("({} || {})", a.text(), b.text()),
            F::Implies(a, b) => format!("({} -> {})", a.text(), b.text()),
        }
    }
}

/// Mostly `fa -> fb` (a flag that needs another, the invariant shares are about); sometimes
/// `fa` and `fb` equal, which no single change keeps when both change (blocked transitions);
/// sometimes any small formula.
fn invariant(flags: usize) -> impl Strategy<Value = F> {
    let leaf = (0..flags).prop_map(F::Flag);
    let any_formula = leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| F::Not(Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::Implies(Box::new(a), Box::new(b))),
        ]
    });
    let needs = (0..flags, 0..flags)
        .prop_map(|(a, b)| F::Implies(Box::new(F::Flag(a)), Box::new(F::Flag(b))));
    let equal = (0..flags, 0..flags).prop_map(|(a, b)| {
        let (fa, fb) = (Box::new(F::Flag(a)), Box::new(F::Flag(b)));
        F::And(
            Box::new(F::Implies(fa.clone(), fb.clone())),
            Box::new(F::Implies(fb, fa)),
        )
    });
    prop_oneof![3 => needs, 1 => equal, 1 => any_formula]
}

/// Whose buckets a share uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bucketing {
    /// `of cK`.
    Cohort(usize),
    /// `by user.id`: flag `f`'s own.
    Own(usize),
}

/// What a phase sets a flag to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Set {
    Fixed(bool),
    Share {
        value: bool,
        /// The share in tens of percent, `1..=10`.
        tens: u32,
        bucketing: Bucketing,
        otherwise: Option<bool>,
        /// A rule before it: `value when region == eu`, for a share (tens of percent) of the
        /// same bucketing or for every unit.
        eu: Option<(bool, Option<u32>)>,
    },
}

impl Set {
    fn text(&self) -> String {
        match self {
            Set::Fixed(v) => v.to_string(),
            Set::Share {
                value,
                tens,
                bucketing,
                otherwise,
                eu,
            } => {
                let by = match bucketing {
                    Bucketing::Cohort(c) => format!("of c{c}"),
                    Bucketing::Own(_) => "by user.id".to_owned(),
                };
                let otherwise = otherwise.map_or_else(String::new, |w| format!(" else {w}"));
                let eu = match eu {
                    Some((v, Some(t))) => format!("{v} when region == eu for {}% {by}, ", t * 10),
                    Some((v, None)) => format!("{v} when region == eu, "),
                    None => String::new(),
                };
                format!("{eu}{value} for {}% {by}{otherwise}", tens * 10)
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Policy {
    RollbackPrevious,
    RollbackStart,
    ExtendThenStart,
}

impl Policy {
    fn text(self) -> &'static str {
        match self {
            Policy::RollbackPrevious => "on_fail rollback previous",
            Policy::RollbackStart => "on_fail rollback start",
            Policy::ExtendThenStart => "on_fail extend 1w max 1 then rollback start",
        }
    }

    /// The state phase `p` rolls back to (0: the start, `q + 1`: phase `q`).
    fn target(self, p: usize) -> usize {
        match self {
            Policy::RollbackPrevious => p,
            Policy::RollbackStart | Policy::ExtendThenStart => 0,
        }
    }
}

#[derive(Debug, Clone)]
struct Small {
    cohorts: usize,
    declared: Vec<bool>,
    invariants: Vec<F>,
    phases: Vec<Vec<(usize, Set)>>,
    policy: Policy,
}

/// The values of `region`; `us` and `apac` are both a value no condition names.
const REGIONS: [&str; 3] = ["eu", "us", "apac"];

/// A unit: its region (an index of [`REGIONS`]) and its bucket (`0..10`, a tenth of the
/// buckets each) in each bucketing of the plan.
type Unit = (usize, Vec<u32>);

impl Small {
    fn text(&self) -> String {
        let mut out = String::from(
            "plan shares { title \"Shares\" }\nattribute user.id: string\n\
             attribute region: enum(eu, us, apac)\n",
        );
        for c in 0..self.cohorts {
            let _ = writeln!(out, "cohort c{c} by user.id");
        }
        for (i, v) in self.declared.iter().enumerate() {
            let _ = writeln!(out, "flag f{i}: bool = {v}");
        }
        for (k, f) in self.invariants.iter().enumerate() {
            let _ = writeln!(out, "invariant inv_{k}: {}", f.text());
        }
        out.push_str(self.policy.text());
        out.push('\n');
        for (p, sets) in self.phases.iter().enumerate() {
            let _ = write!(out, "phase p{p} \"Phase {p}\" {{\n  duration 1w\n");
            for (flag, set) in sets {
                let _ = writeln!(out, "  set f{flag} = {}", set.text());
            }
            out.push_str("}\n");
        }
        out
    }

    /// The start's settings, then each phase's.
    fn states(&self) -> Vec<Vec<Set>> {
        let mut states: Vec<Vec<Set>> =
            vec![self.declared.iter().map(|&v| Set::Fixed(v)).collect()];
        for sets in &self.phases {
            let mut s: Vec<Set> = states.last().expect("the start").clone();
            for (flag, set) in sets {
                s[*flag] = set.clone();
            }
            states.push(s);
        }
        states
    }

    /// Every bucketing a share of the plan uses.
    fn bucketings(&self) -> Vec<Bucketing> {
        let used: BTreeSet<Bucketing> = self
            .phases
            .iter()
            .flatten()
            .filter_map(|(_, set)| match set {
                Set::Share { bucketing, .. } => Some(*bucketing),
                Set::Fixed(_) => None,
            })
            .collect();
        used.into_iter().collect()
    }

    /// Every unit: one per combination of a tenth of each bucketing.
    fn units(&self) -> (Vec<Bucketing>, Vec<Unit>) {
        let bucketings = self.bucketings();
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new()];
        for _ in &bucketings {
            buckets = buckets
                .into_iter()
                .flat_map(|u| {
                    (0..10).map(move |b| {
                        let mut u = u.clone();
                        u.push(b);
                        u
                    })
                })
                .collect();
        }
        let units = (0..REGIONS.len())
            .flat_map(|r| buckets.iter().map(move |b| (r, b.clone())))
            .collect();
        (bucketings, units)
    }

    /// Every flag's value for a unit in a state.
    fn values(&self, state: &[Set], bucketings: &[Bucketing], unit: &Unit) -> Vec<bool> {
        state
            .iter()
            .enumerate()
            .map(|(flag, set)| match set {
                Set::Fixed(v) => *v,
                Set::Share {
                    value,
                    tens,
                    bucketing,
                    otherwise,
                    eu,
                } => {
                    let at = bucketings
                        .iter()
                        .position(|b| b == bucketing)
                        .expect("a used bucketing");
                    let inside = |tens: u32| unit.1[at] < tens;
                    let rest = otherwise.unwrap_or(self.declared[flag]);
                    // The first rule that applies decides, for the units inside its share.
                    match eu {
                        Some((v, share)) if REGIONS[unit.0] == "eu" => {
                            if share.is_none_or(inside) {
                                *v
                            } else {
                                rest
                            }
                        }
                        _ if inside(*tens) => *value,
                        _ => rest,
                    }
                }
            })
            .collect()
    }
}

fn small_plan() -> impl Strategy<Value = Small> {
    (2..=4usize, 1..=2usize).prop_flat_map(|(flags, cohorts)| {
        let bucketing = prop_oneof![
            (0..cohorts).prop_map(Bucketing::Cohort),
            Just(Bucketing::Own(usize::MAX)),
        ];
        let set = prop_oneof![
            1 => any::<bool>().prop_map(Set::Fixed),
            3 => (
                any::<bool>(),
                1..=10u32,
                bucketing,
                proptest::option::of(any::<bool>()),
                proptest::option::weighted(0.3, (any::<bool>(), proptest::option::of(1..=10u32))),
            )
                .prop_map(|(value, tens, bucketing, otherwise, eu)| Set::Share {
                    value,
                    tens,
                    bucketing,
                    otherwise,
                    eu,
                }),
        ];
        let phase = proptest::collection::btree_map(0..flags, set, 1..=flags)
            .prop_map(|sets| sets.into_iter().collect::<Vec<_>>());
        (
            proptest::collection::vec(any::<bool>(), flags),
            proptest::collection::vec(invariant(flags), 1..=3),
            proptest::collection::vec(phase, 2..=3),
            prop_oneof![
                Just(Policy::RollbackPrevious),
                Just(Policy::RollbackStart),
                Just(Policy::ExtendThenStart),
            ],
        )
            .prop_map(move |(declared, invariants, mut phases, policy)| {
                // `by` is the flag's own bucketing; past MAX_BUCKETINGS, a flag's `by` shares
                // become shares of a cohort, so the units stay few enough to enumerate.
                let mut own = BTreeSet::new();
                for (flag, set) in phases.iter_mut().flatten() {
                    if let Set::Share { bucketing, .. } = set
                        && let Bucketing::Own(_) = bucketing
                    {
                        *bucketing = if own.contains(flag) || own.len() + cohorts < MAX_BUCKETINGS {
                            own.insert(*flag);
                            Bucketing::Own(*flag)
                        } else {
                            Bucketing::Cohort(*flag % cohorts)
                        };
                    }
                }
                Small {
                    cohorts,
                    declared,
                    invariants,
                    phases,
                    policy,
                }
            })
    })
}

/// The (invariant, state) a violation names, the share it prints (`None`: no share, so every
/// unit), and the regions it names (all of them when it names none).
fn reported_violation(
    d: &Diagnostic,
    invariants: usize,
) -> (usize, usize, Option<String>, Vec<usize>) {
    let k = invariant_named(d, invariants);
    let state = if d.message.contains("before the rollout starts") {
        0
    } else {
        let at = d.message.find("in phase `p").expect("names a phase") + "in phase `p".len();
        let digits: String = d.message[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<usize>().expect("a phase number") + 1
    };
    let (rest, regions) = match d.message.split_once(" when ") {
        Some((rest, "region == \"eu\"")) => (rest, vec![0]),
        Some((rest, "region != \"eu\"")) => (rest, vec![1, 2]),
        Some((_, other)) => panic!("unexpected contexts: {other}"),
        None => (d.message.as_str(), vec![0, 1, 2]),
    };
    let share = rest.find(" for ").map(|at| {
        rest[at + " for ".len()..]
            .strip_suffix(" of units")
            .expect("a share of units")
            .to_owned()
    });
    (k, state, share, regions)
}

/// Whether a printed percentage (`12.5%`) is exactly `count / total` of the units.
fn is_share(printed: &str, count: usize, total: usize) -> bool {
    let Some(number) = printed.strip_suffix('%') else {
        return false;
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let Ok(mantissa) = format!("{whole}{fraction}").parse::<u128>() else {
        return false;
    };
    // mantissa / 10^decimals percent == count / total  ⇔  mantissa · total == count · 100 · 10^decimals
    let decimals = u32::try_from(fraction.len()).expect("a short number");
    mantissa * total as u128 == count as u128 * 100 * 10u128.pow(decimals)
}

/// Whether some order of changing the flags of `changed` (bit i: `changed[i]`) keeps `valid` in
/// every state on the way, the two ends aside.
fn some_order_keeps(valid: &dyn Fn(u32) -> bool, done: u32, all: u32) -> bool {
    if (all & !done).count_ones() <= 1 {
        return true;
    }
    (0..32)
        .filter(|bit| all & !done & (1 << bit) != 0)
        .any(|bit| {
            let next = done | (1 << bit);
            valid(next) && some_order_keeps(valid, next, all)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn share_verdicts_match_brute_force(plan in small_plan()) {
        let text = plan.text();
        let states = plan.states();
        let (bucketings, units) = plan.units();
        // values[s][u]: every flag's value for unit u in state s.
        let values: Vec<Vec<Vec<bool>>> = states
            .iter()
            .map(|s| units.iter().map(|u| plan.values(s, &bucketings, u)).collect())
            .collect();
        let (analysis, diagnostics) = analyse(&text);
        prop_assert!(
            !diagnostics.iter().any(|d| d.code == Code::TooManyClasses),
            "at most {} bucketings of 10 shares each stay under the bound\n{}", MAX_BUCKETINGS, text
        );

        // States: every reported violation is one, with the exact share of the units of each
        // region it names.
        let broken = |k: usize, s: usize| {
            values[s].iter().filter(|v| !plan.invariants[k].eval(v)).count()
        };
        let per_region = units.len() / REGIONS.len();
        let broken_in = |k: usize, s: usize, region: usize| {
            units
                .iter()
                .zip(&values[s])
                .filter(|(u, v)| u.0 == region && !plan.invariants[k].eval(v))
                .count()
        };
        let mut reported = BTreeSet::new();
        for d in diagnostics.iter().filter(|d| d.code == Code::InvariantViolated) {
            let (k, s, share, regions) = reported_violation(d, plan.invariants.len());
            // No share printed: every unit of those regions.
            let share = share.unwrap_or_else(|| "100%".to_owned());
            for region in regions {
                let count = broken_in(k, s, region);
                prop_assert!(
                    is_share(&share, count, per_region),
                    "{} reported, but {} of {} units in {} break it\n{}",
                    d.message, count, per_region, REGIONS[region], text
                );
            }
            reported.insert((k, s));
        }
        // And every state that breaks an invariant whose values it changed is reported.
        for k in 0..plan.invariants.len() {
            for s in 0..states.len() {
                let reads = |v: &Vec<bool>| {
                    (0..v.len()).filter(|&f| plan.invariants[k].reads(f)).map(|f| v[f]).collect::<Vec<_>>()
                };
                let changed = s == 0
                    || values[s].iter().zip(&values[s - 1]).any(|(x, y)| reads(x) != reads(y));
                if broken(k, s) > 0 && changed {
                    prop_assert!(
                        reported.contains(&(k, s)),
                        "inv_{} broken in state {} for {} of {} units, not reported\n{}",
                        k, s, broken(k, s), units.len(), text
                    );
                }
            }
        }

        // Transitions: blocked iff no order keeps every unit's held invariants.
        let mut edges: BTreeMap<(usize, usize, bool), bool> = BTreeMap::new();
        for p in 0..plan.phases.len() {
            for (a, b, rollback) in [(p, p + 1, false), (p + 1, plan.policy.target(p), true)] {
                let changed: Vec<usize> = (0..plan.declared.len())
                    .filter(|&f| values[a].iter().zip(&values[b]).any(|(x, y)| x[f] != y[f]))
                    .collect();
                if changed.is_empty() {
                    continue;
                }
                // Every unit's values at both ends, once per distinct pair.
                let pairs: BTreeSet<(&Vec<bool>, &Vec<bool>)> =
                    values[a].iter().zip(&values[b]).collect();
                let valid = |mask: u32| {
                    pairs.iter().all(|(x, y)| {
                        let mut mid = (*x).clone();
                        for (i, &f) in changed.iter().enumerate() {
                            if mask & (1 << i) != 0 {
                                mid[f] = y[f];
                            }
                        }
                        plan.invariants
                            .iter()
                            .filter(|f| f.eval(x) && f.eval(y))
                            .all(|f| f.eval(&mid))
                    })
                };
                let all = (1u32 << changed.len()) - 1;
                edges.insert((a, b, rollback), some_order_keeps(&valid, 0, all));
            }
        }
        let graph = &analysis.graph.graph;
        let mut seen = BTreeSet::new();
        for t in &analysis.transitions {
            let (Some(a), Some(b)) = (state_index(graph[t.from]), state_index(graph[t.to])) else {
                continue;
            };
            let key = (a, b, t.kind == EdgeKind::Rollback);
            let Some(&safe) = edges.get(&key) else {
                // Settings that differ with the same value for every unit: any order is safe.
                prop_assert!(matches!(t.plan, FlipPlan::Safe(_)), "{:?}\n{}", t, text);
                continue;
            };
            seen.insert(key);
            match &t.plan {
                FlipPlan::Blocked { proven, .. } => {
                    prop_assert!(*proven, "{:?}\n{}", t, text);
                    prop_assert!(!safe, "blocked {:?}, but brute force finds an order\n{}", key, text);
                }
                FlipPlan::Safe(order) => {
                    prop_assert!(safe, "safe {:?}, but brute force finds no order\n{}", key, text);
                    // Every unit keeps every invariant it holds at both ends, all the way.
                    for (x, y) in values[a].iter().zip(&values[b]) {
                        let held: Vec<&F> = plan.invariants.iter().filter(|f| f.eval(x) && f.eval(y)).collect();
                        let mut mid = x.clone();
                        for flag in order {
                            mid[flag.0] = y[flag.0];
                            prop_assert!(
                                held.iter().all(|f| f.eval(&mid)),
                                "order {:?} of {:?} passes a state a unit breaks\n{}", order, key, text
                            );
                        }
                        prop_assert_eq!(&mid, y, "order {:?} does not reach the target\n{}", order, text);
                    }
                }
            }
        }
        let expected: BTreeSet<_> = edges.keys().copied().collect();
        prop_assert_eq!(seen, expected, "{}", text);
    }
}

/// A rollback from nested shares of one cohort ramps the dependent flag down first: turning
/// `v2` off first would leave the units in the first 20% of `early` with `ledger` alone.
#[test]
fn a_rollback_ramps_the_dependent_flag_down_first() {
    let text = "plan shares { title \"Shares\" }\nattribute user.id: string\n\
        cohort early by user.id\nflag v2: bool = false\nflag ledger: bool = false\n\
        invariant ledger_needs_v2: ledger -> v2\non_fail rollback start\n\
        phase canary \"Canary\" {\n  duration 1d\n  set v2 = true for 50% of early else false\n  \
        set ledger = true for 20% of early\n}\n";
    let (analysis, diagnostics) = analyse(text);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let graph = &analysis.graph.graph;
    let orders: Vec<(EdgeKind, Vec<usize>)> = analysis
        .transitions
        .iter()
        .filter_map(|t| match &t.plan {
            FlipPlan::Safe(order) => {
                state_index(graph[t.to])?;
                Some((t.kind, order.iter().map(|f| f.0).collect()))
            }
            FlipPlan::Blocked { .. } => None,
        })
        .collect();
    // v2 is flag 0, ledger flag 1: up v2 first, down ledger first.
    assert_eq!(
        orders,
        [
            (EdgeKind::Advance, vec![0, 1]),
            (EdgeKind::Rollback, vec![1, 0])
        ]
    );
}

/// The share the model prints for two independent bucketings is the product of the shares.
#[test]
fn shares_compare_exactly() {
    assert!(is_share("12.5%", 125, 1000));
    assert!(is_share("100%", 100, 100));
    assert!(!is_share("12.5%", 126, 1000));
    assert!(!is_share("12.5", 125, 1000));
}

/// A violation in the contexts no condition names says which they are: the share is of those
/// contexts' units, not of every unit (it printed `for 50% of units` alone).
#[test]
fn a_share_broken_in_other_contexts_names_them() {
    let text = "plan o { title \"O\" }\nattribute user.id: string\n\
        attribute region: enum(eu, us, apac)\ncohort c by user.id\n\
        flag a: bool = false\nflag b: bool = false\ninvariant b_needs_a: b -> a\n\
        phase p \"P\" {\n  duration 1d\n  set b = false when region == eu, true for 50% of c else false\n}\n";
    let (_, diagnostics) = analyse(text);
    let messages: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.code == Code::InvariantViolated)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["invariant `b_needs_a` is broken in phase `p` for 50% of units when region != \"eu\""]
    );
}
