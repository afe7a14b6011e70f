//! Conditions in the shapes flag systems take: disjunctive normal form (an OR of ANDs of
//! attribute tests, each to hold or to fail), for the targets whose rules are conjunctions
//! (`LaunchDarkly` clauses, Unleash constraints). Bounded: a condition whose normal form
//! passes [`MAX_TERMS`] is refused, never written in part.
//!
//! A literal keeps the plan's meaning of an absent attribute: a test that holds fails when the
//! attribute is absent, a test that fails holds then (`!=` is the failing form of `==`).

#[cfg(test)]
use crate::model::Value;
use crate::model::{AttributeId, Condition, ConditionTest};
use crate::syntax::ast::CmpOp;

/// At most this many conjunctions per normal form (and rules per flag for the targets that
/// expand conditions): past it, the condition is too large to write as rules.
pub(crate) const MAX_TERMS: usize = 256;

/// A test of one attribute that fails when it is absent: `==`, `in`, `<`, `<=`, `>`, `>=`
/// (never `!=`, which is the literal of `==` that fails).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Atom {
    pub(crate) attribute: AttributeId,
    pub(crate) test: ConditionTest,
}

#[cfg(test)]
impl Atom {
    /// Whether the atom holds for an attribute value (`None`: absent).
    pub(crate) fn holds(&self, value: Option<&Value>) -> bool {
        self.test.holds(value)
    }
}

/// An atom that holds (`holds`), or fails (the attribute absent, or its value failing it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Literal {
    pub(crate) atom: Atom,
    pub(crate) holds: bool,
}

/// An AND of literals; empty is true.
pub(crate) type Term = Vec<Literal>;

/// An OR of terms; empty is false.
pub(crate) type Dnf = Vec<Term>;

/// A normal form passed [`MAX_TERMS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

/// The literal of one attribute test, `!=` turned into `==` that fails.
fn literal(attribute: AttributeId, test: &ConditionTest, holds: bool) -> Literal {
    match test {
        ConditionTest::Compare {
            op: CmpOp::Ne,
            value,
        } => Literal {
            atom: Atom {
                attribute,
                test: ConditionTest::Compare {
                    op: CmpOp::Eq,
                    value: value.clone(),
                },
            },
            holds: !holds,
        },
        test => Literal {
            atom: Atom {
                attribute,
                test: test.clone(),
            },
            holds,
        },
    }
}

/// The normal form of `condition` (`holds`) or of its negation.
pub(crate) fn dnf(condition: &Condition, holds: bool) -> Result<Dnf, TooLarge> {
    match condition {
        Condition::Test { attribute, test } => Ok(vec![vec![literal(*attribute, test, holds)]]),
        Condition::Not(inner) => dnf(inner, !holds),
        Condition::All(parts) | Condition::Any(parts) => {
            let conjunction = matches!(condition, Condition::All(_)) == holds;
            let mut acc: Dnf = if conjunction {
                vec![Vec::new()]
            } else {
                Vec::new()
            };
            for part in parts {
                let part = dnf(part, holds)?;
                acc = if conjunction {
                    and(&acc, &part)?
                } else {
                    or(acc, part)?
                };
            }
            Ok(acc)
        }
    }
}

/// The normal form of a conjunction of normal forms (`All` of none is true).
pub(crate) fn all(parts: &[Dnf]) -> Result<Dnf, TooLarge> {
    parts
        .iter()
        .try_fold(vec![Vec::new()], |acc, p| and(&acc, p))
}

/// `a || b`.
fn or(mut a: Dnf, b: Dnf) -> Result<Dnf, TooLarge> {
    for t in b {
        if !a.contains(&t) {
            a.push(t);
        }
    }
    if a.len() > MAX_TERMS {
        return Err(TooLarge);
    }
    Ok(a)
}

/// `a && b`, distributed; terms with a literal and its opposite are dropped.
fn and(a: &Dnf, b: &Dnf) -> Result<Dnf, TooLarge> {
    if a.len().saturating_mul(b.len()) > MAX_TERMS * MAX_TERMS {
        return Err(TooLarge);
    }
    let mut out: Dnf = Vec::new();
    for x in a {
        for y in b {
            if let Some(t) = conjoin(x, y)
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
    }
    if out.len() > MAX_TERMS {
        return Err(TooLarge);
    }
    Ok(out)
}

/// Two terms as one, or `None` when they contradict each other.
fn conjoin(x: &Term, y: &Term) -> Option<Term> {
    let mut out = x.clone();
    for l in y {
        if out.iter().any(|o| o.atom == l.atom && o.holds != l.holds) {
            return None;
        }
        if !out.contains(l) {
            out.push(l.clone());
        }
    }
    Some(out)
}

/// A normal form with `atom` known to hold (`value`) or to fail.
pub(crate) fn assume(dnf: &Dnf, atom: &Atom, value: bool) -> Dnf {
    let mut out: Dnf = Vec::new();
    for term in dnf {
        if term.iter().any(|l| l.atom == *atom && l.holds != value) {
            continue;
        }
        let t: Term = term.iter().filter(|l| l.atom != *atom).cloned().collect();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Whether a normal form holds in a context.
#[cfg(test)]
pub(crate) fn eval(dnf: &Dnf, context: &impl Fn(AttributeId) -> Option<Value>) -> bool {
    dnf.iter().any(|t| {
        t.iter()
            .all(|l| l.atom.holds(context(l.atom.attribute).as_ref()) == l.holds)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Attribute values: a few strings and integers, so that conditions and contexts meet often.
    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            prop_oneof![Just("a"), Just("b"), Just("c")].prop_map(|s| Value::String(s.to_owned())),
            (0..4i64).prop_map(Value::Int),
        ]
    }

    /// A context value of one of two attributes; `None` is an absent attribute.
    pub(crate) fn context_value() -> impl Strategy<Value = Option<Value>> {
        proptest::option::of(value())
    }

    fn op() -> impl Strategy<Value = CmpOp> {
        prop_oneof![
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge),
        ]
    }

    /// Compound conditions over two attributes, at most three levels deep.
    pub(crate) fn condition() -> impl Strategy<Value = Condition> {
        let test = prop_oneof![
            (op(), value()).prop_map(|(op, value)| ConditionTest::Compare { op, value }),
            proptest::collection::vec(value(), 1..3).prop_map(ConditionTest::In),
        ];
        let leaf = (0..2usize, test).prop_map(|(a, test)| Condition::Test {
            attribute: AttributeId(a),
            test,
        });
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|c| Condition::Not(Box::new(c))),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(Condition::All),
                proptest::collection::vec(inner, 1..4).prop_map(Condition::Any),
            ]
        })
    }

    proptest! {
        /// The normal form (and that of the negation) means what the condition means.
        #[test]
        fn normal_form_keeps_the_meaning(
            c in condition(),
            context in proptest::collection::vec(context_value(), 2),
        ) {
            let at = |a: AttributeId| context[a.0].clone();
            let want = c.holds(&at);
            let (holds, fails) = (dnf(&c, true), dnf(&c, false));
            prop_assert!(holds.is_ok() && fails.is_ok());
            prop_assert_eq!(eval(&holds.unwrap_or_default(), &at), want);
            prop_assert_eq!(eval(&fails.unwrap_or_default(), &at), !want);
        }

        /// Assuming an atom's outcome keeps the meaning wherever the atom has that outcome.
        #[test]
        fn assuming_an_atom_keeps_the_meaning(
            c in condition(),
            context in proptest::collection::vec(context_value(), 2),
        ) {
            let at = |a: AttributeId| context[a.0].clone();
            let form = dnf(&c, true);
            prop_assert!(form.is_ok());
            let form = form.unwrap_or_default();
            for atom in form.iter().flatten().map(|l| &l.atom) {
                let outcome = atom.holds(at(atom.attribute).as_ref());
                prop_assert_eq!(eval(&assume(&form, atom, outcome), &at), c.holds(&at));
            }
        }
    }

    #[test]
    fn past_the_bound_is_refused() {
        // (a0 == k || a1 == k) for nine k: 2^9 = 512 terms; for eight, 256.
        let distinct = |k: i64| {
            Condition::Any(vec![
                Condition::Test {
                    attribute: AttributeId(0),
                    test: ConditionTest::Compare {
                        op: CmpOp::Eq,
                        value: Value::Int(k),
                    },
                },
                Condition::Test {
                    attribute: AttributeId(1),
                    test: ConditionTest::Compare {
                        op: CmpOp::Eq,
                        value: Value::Int(k),
                    },
                },
            ])
        };
        let big = Condition::All((0..9).map(distinct).collect());
        assert_eq!(dnf(&big, true), Err(TooLarge));
        let small = Condition::All((0..8).map(distinct).collect());
        assert_eq!(dnf(&small, true).map(|d| d.len()), Ok(256));
    }
}
