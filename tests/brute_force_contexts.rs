//! Invariant verdicts against brute force over contexts, on small generated plans whose values
//! depend on the request: two bool flags and an int flag, set to plain values or to scoped
//! values with compound conditions (`&&`, `||`, `!`, parentheses) over an int attribute
//! compared with `<`, `<=`, `>`, `>=`, `==`, `!=` and an enum attribute tested with `==`,
//! `!=` and `in`; invariants over the flags, with int comparisons.
//!
//! An invariant is reported broken iff some reachable state breaks it in some context, found
//! by evaluating it in every context of a grid that covers every outcome: `age` absent or any
//! of 0..=5 (conditions compare it with 1..=4), `region` absent, `eu`, `us` or `apac`.
//! Conditions and formulas are evaluated by this file's own evaluator, not the library's.
//! (`tests/brute_force.rs` does the same without contexts, and checks transition orders.)

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proptest::prelude::*;
use rollplan::source::SourceMap;

use crate::common::analyse::reports_exactly;

const REGIONS: [&str; 3] = ["eu", "us", "apac"];
const OPS: [&str; 6] = ["<", "<=", ">", ">=", "==", "!="];

/// A context: `age` and `region`, each possibly absent.
type Ctx = (Option<i64>, Option<&'static str>);

fn compare(op: &str, a: i64, b: i64) -> bool {
    match op {
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        ">=" => a >= b,
        "==" => a == b,
        _ => a != b,
    }
}

#[derive(Debug, Clone)]
enum Cond {
    /// `age OP k`.
    Age(&'static str, i64),
    /// `region == r` (or `!=` when the flag is false).
    Region(bool, &'static str),
    /// `region in [...]`.
    In(Vec<&'static str>),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

impl Cond {
    /// A test of an absent attribute fails, except `!=`, which holds.
    fn eval(&self, ctx: Ctx) -> bool {
        match self {
            Cond::Age(op, k) => match ctx.0 {
                Some(age) => compare(op, age, *k),
                None => *op == "!=",
            },
            Cond::Region(eq, r) => (ctx.1 == Some(*r)) == *eq,
            Cond::In(list) => ctx.1.is_some_and(|r| list.contains(&r)),
            Cond::Not(a) => !a.eval(ctx),
            Cond::And(a, b) => a.eval(ctx) && b.eval(ctx),
            Cond::Or(a, b) => a.eval(ctx) || b.eval(ctx),
        }
    }

    fn text(&self) -> String {
        match self {
            Cond::Age(op, k) => format!("age {op} {k}"),
            Cond::Region(eq, r) => format!("region {} {r}", if *eq { "==" } else { "!=" }),
            Cond::In(list) => format!("region in [{}]", list.join(", ")),
            Cond::Not(a) => format!("!({})", a.text()),
            Cond::And(a, b) => format!("({} && {})", a.text(), b.text()),
            Cond::Or(a, b) => format!("({} || {})", a.text(), b.text()),
        }
    }
}

fn cond() -> impl Strategy<Value = Cond> {
    let region = proptest::sample::select(REGIONS.to_vec());
    let leaf = prop_oneof![
        (proptest::sample::select(OPS.to_vec()), 1..=4i64).prop_map(|(op, k)| Cond::Age(op, k)),
        (any::<bool>(), region.clone()).prop_map(|(eq, r)| Cond::Region(eq, r)),
        proptest::sample::subsequence(REGIONS.to_vec(), 1..=2).prop_map(Cond::In),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
        ]
    })
}

/// A value of flag `i`: `b0`, `b1` are bools, `n0` an int in 0..=3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    B(bool),
    N(i64),
}

impl V {
    fn text(self) -> String {
        match self {
            V::B(b) => b.to_string(),
            V::N(n) => n.to_string(),
        }
    }
}

const FLAGS: [&str; 3] = ["b0", "b1", "n0"];

fn value(flag: usize) -> BoxedStrategy<V> {
    if flag < 2 {
        any::<bool>().prop_map(V::B).boxed()
    } else {
        (0..=3i64).prop_map(V::N).boxed()
    }
}

/// A plain value, or first-match rules and a default.
#[derive(Debug, Clone)]
enum Setting {
    Fixed(V),
    Scoped(Vec<(V, Cond)>, V),
}

impl Setting {
    fn value_in(&self, ctx: Ctx) -> V {
        match self {
            Setting::Fixed(v) => *v,
            Setting::Scoped(rules, default) => rules
                .iter()
                .find(|(_, c)| c.eval(ctx))
                .map_or(*default, |(v, _)| *v),
        }
    }

    fn text(&self) -> String {
        match self {
            Setting::Fixed(v) => v.text(),
            Setting::Scoped(rules, default) => {
                let rules: Vec<String> = rules
                    .iter()
                    .map(|(v, c)| format!("{} when {}", v.text(), c.text()))
                    .collect();
                format!("{} else {}", rules.join(", "), default.text())
            }
        }
    }
}

fn setting(flag: usize) -> impl Strategy<Value = Setting> {
    prop_oneof![
        value(flag).prop_map(Setting::Fixed),
        (
            proptest::collection::vec((value(flag), cond()), 1..=2),
            value(flag)
        )
            .prop_map(|(rules, default)| Setting::Scoped(rules, default)),
    ]
}

/// An invariant over the flags.
#[derive(Debug, Clone)]
enum F {
    Bool(usize),
    /// `n0 OP k`.
    Num(&'static str, i64),
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
    Implies(Box<F>, Box<F>),
}

impl F {
    fn eval(&self, values: &[V]) -> bool {
        match self {
            F::Bool(i) => values[*i] == V::B(true),
            F::Num(op, k) => matches!(values[2], V::N(n) if compare(op, n, *k)),
            F::Not(a) => !a.eval(values),
            F::And(a, b) => a.eval(values) && b.eval(values),
            F::Or(a, b) => a.eval(values) || b.eval(values),
            F::Implies(a, b) => !a.eval(values) || b.eval(values),
        }
    }

    fn text(&self) -> String {
        match self {
            F::Bool(i) => FLAGS[*i].to_owned(),
            F::Num(op, k) => format!("n0 {op} {k}"),
            F::Not(a) => format!("!{}", a.text()),
            F::And(a, b) => format!("({} && {})", a.text(), b.text()),
            F::Or(a, b) => format!("({} || {})", a.text(), b.text()),
            F::Implies(a, b) => format!("({} -> {})", a.text(), b.text()),
        }
    }
}

fn formula() -> impl Strategy<Value = F> {
    let leaf = prop_oneof![
        (0..2usize).prop_map(F::Bool),
        (proptest::sample::select(OPS.to_vec()), 0..=3i64).prop_map(|(op, k)| F::Num(op, k)),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| F::Not(Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::Implies(Box::new(a), Box::new(b))),
        ]
    })
}

#[derive(Debug, Clone)]
struct Plan {
    initial: [V; 3],
    invariants: Vec<F>,
    /// Per phase, the `set`s: (flag, setting).
    phases: Vec<Vec<(usize, Setting)>>,
}

impl Plan {
    fn text(&self) -> String {
        let mut out = String::from("plan small {}\n");
        out.push_str("attribute age: int\nattribute region: enum(eu, us, apac)\n");
        for (name, v) in FLAGS.iter().zip(self.initial) {
            let ty = if matches!(v, V::B(_)) { "bool" } else { "int" };
            let _ = writeln!(out, "flag {name}: {ty} = {}", v.text());
        }
        for (k, f) in self.invariants.iter().enumerate() {
            let _ = writeln!(out, "invariant inv_{k}: {}", f.text());
        }
        for (p, sets) in self.phases.iter().enumerate() {
            let _ = write!(out, "phase p{p} \"Phase {p}\" {{\n  duration 1w\n");
            for (flag, s) in sets {
                let _ = writeln!(out, "  set {} = {}", FLAGS[*flag], s.text());
            }
            out.push_str("}\n");
        }
        out
    }

    /// The start's settings, then each phase's.
    fn states(&self) -> Vec<Vec<Setting>> {
        let mut states = vec![self.initial.iter().map(|v| Setting::Fixed(*v)).collect()];
        for sets in &self.phases {
            let mut s: Vec<Setting> = states.last().cloned().unwrap_or_default();
            for (flag, setting) in sets {
                s[*flag] = setting.clone();
            }
            states.push(s);
        }
        states
    }
}

fn contexts() -> Vec<Ctx> {
    let ages = std::iter::once(None).chain((0..=5).map(Some));
    ages.flat_map(|age| {
        std::iter::once(None)
            .chain(REGIONS.iter().copied().map(Some))
            .map(move |region| (age, region))
    })
    .collect()
}

fn plan() -> impl Strategy<Value = Plan> {
    let phase = proptest::sample::subsequence(vec![0usize, 1, 2], 1..=3).prop_flat_map(|flags| {
        flags
            .into_iter()
            .map(|f| setting(f).prop_map(move |s| (f, s)))
            .collect::<Vec<_>>()
    });
    (
        (any::<bool>(), any::<bool>(), 0..=3i64),
        proptest::collection::vec(formula(), 1..=3),
        proptest::collection::vec(phase, 1..=3),
    )
        .prop_map(|((b0, b1, n0), invariants, phases)| Plan {
            initial: [V::B(b0), V::B(b1), V::N(n0)],
            invariants,
            phases,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn invariant_verdicts_match_brute_force_over_contexts(plan in plan()) {
        let contexts = contexts();
        let states = plan.states();
        let broken: BTreeSet<usize> = (0..plan.invariants.len())
            .filter(|&k| {
                states.iter().any(|state| {
                    contexts.iter().any(|&ctx| {
                        let values: Vec<V> = state.iter().map(|s| s.value_in(ctx)).collect();
                        !plan.invariants[k].eval(&values)
                    })
                })
            })
            .collect();
        let text = plan.text();
        let mut sources = SourceMap::new();
        let file = sources.add("small.roll", text.as_str());
        let diagnostics = match rollplan::compile(&sources, file) {
            Ok(c) => c.warnings,
            Err(e) => e.into_vec(),
        };
        reports_exactly(&diagnostics, plan.invariants.len(), &broken, &text)?;
    }
}
