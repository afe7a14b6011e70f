//! Evaluation contexts. A scoped value (`true when http.method == "GET" else false`) makes a
//! flag's value depend on the request; an invariant must hold in every context. Contexts are
//! grouped into classes: for each attribute that matters, each value some condition names, plus
//! "any other value" (which conditions treat as an absent attribute). An int attribute that a
//! condition orders (`age < 18`) also gets one value below, between and above the constants it
//! is compared with, so that every comparison's outcome is represented. Checking one context
//! per class covers them all.

use std::collections::BTreeMap;

use crate::model::{AttributeId, FlagId, FlagState, Setting, Value};

/// Attribute values of one context class; an attribute left out has a value no condition names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context(pub Vec<(AttributeId, Value)>);

impl Context {
    pub fn get(&self, attribute: AttributeId) -> Option<Value> {
        self.0
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, v)| v.clone())
    }

    /// `http.method == "GET"`, or `any context` for the empty class.
    pub fn describe(&self, attribute_name: impl Fn(AttributeId) -> String) -> String {
        if self.0.is_empty() {
            return "any context".to_owned();
        }
        self.0
            .iter()
            .map(|(a, v)| format!("{} == {v}", attribute_name(*a)))
            .collect::<Vec<_>>()
            .join(" && ")
    }
}

/// At most this many context classes are enumerated per call; past it the call says so
/// ([`TooManyContexts`]) rather than check some of them. Int attributes compared with `<`,
/// `<=`, `>`, `>=` multiply the classes, so the bound is well above what real plans reach;
/// `analysis::units` bounds the classes of units built on these.
pub const MAX_CONTEXTS: usize = 4096;

/// The conditions split the contexts into more than [`MAX_CONTEXTS`] classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooManyContexts {
    /// Each attribute the conditions test, with the classes it splits the contexts into (each
    /// value named, plus "any other"), in attribute order.
    pub attributes: Vec<(AttributeId, usize)>,
    /// Their product; `None` past `usize`.
    pub classes: Option<usize>,
}

/// The context classes that matter for `flags` in `states`: one class when none of these flags
/// is scoped. Every combination of the attributes' values (absent included) is a class, so a
/// class reads as the attribute tests that all hold in it (`simulate`'s exposure relies on it).
/// More than [`MAX_CONTEXTS`] classes is an error, never a part of them.
pub fn classes<'s>(
    flags: &[FlagId],
    states: impl IntoIterator<Item = &'s FlagState>,
) -> Result<Vec<Context>, TooManyContexts> {
    let states: Vec<&FlagState> = states.into_iter().collect();
    let mut values: BTreeMap<AttributeId, Vec<Value>> = BTreeMap::new();
    let mut ordered: Vec<AttributeId> = Vec::new();
    for state in &states {
        for &flag in flags {
            if let Setting::Scoped { rules, .. } = state.get(flag) {
                for condition in rules.iter().filter_map(|r| r.condition.as_ref()) {
                    for (attribute, test) in condition.tests() {
                        let entry = values.entry(attribute).or_default();
                        for v in test.values() {
                            if !entry.contains(v) {
                                entry.push(v.clone());
                            }
                        }
                        if test.orders() && !ordered.contains(&attribute) {
                            ordered.push(attribute);
                        }
                    }
                }
            }
        }
    }
    for attribute in ordered {
        if let Some(named) = values.get_mut(&attribute) {
            *named = representatives(named);
        }
    }
    let count = values
        .values()
        .try_fold(1usize, |n, v| n.checked_mul(v.len() + 1));
    if count.is_none_or(|n| n > MAX_CONTEXTS) {
        return Err(TooManyContexts {
            attributes: values.iter().map(|(a, v)| (*a, v.len() + 1)).collect(),
            classes: count,
        });
    }
    let mut classes = vec![Context::default()];
    for (attribute, attribute_values) in values {
        let mut next = Vec::with_capacity(classes.len() * (attribute_values.len() + 1));
        for class in &classes {
            next.push(class.clone());
            for v in &attribute_values {
                let mut c = class.clone();
                c.0.push((attribute, v.clone()));
                next.push(c);
            }
        }
        classes = next;
    }
    Ok(classes)
}

/// For tests past the bound: the declarations of `attributes` string attributes (`attribute
/// x00: string`, one a line) and a condition testing each once (`x00 == "y" && …`), which splits
/// the contexts into `2^attributes` classes.
#[cfg(test)]
pub(crate) fn wide_condition(attributes: usize) -> (String, String) {
    use std::fmt::Write as _;
    let names: Vec<String> = (0..attributes).map(|i| format!("x{i:02}")).collect();
    let declarations = names.iter().fold(String::new(), |mut out, n| {
        let _ = writeln!(out, "attribute {n}: string");
        out
    });
    let tests: Vec<String> = names.iter().map(|n| format!("{n} == \"y\"")).collect();
    (declarations, tests.join(" && "))
}

/// Integer values that give every comparison with the `named` constants each outcome it can
/// have: each constant, one value below the least, one above the greatest, and one in each gap
/// between two constants. Values that are not integers are kept as they are.
pub fn representatives(named: &[Value]) -> Vec<Value> {
    let mut ints: Vec<i64> = named
        .iter()
        .filter_map(|v| match v {
            Value::Int(n) => Some(*n),
            _ => None,
        })
        .collect();
    ints.sort_unstable();
    ints.dedup();
    let mut out: Vec<i64> = Vec::with_capacity(ints.len() * 2 + 1);
    if let Some(below) = ints.first().and_then(|n| n.checked_sub(1)) {
        out.push(below);
    }
    for (i, &n) in ints.iter().enumerate() {
        out.push(n);
        let next = ints.get(i + 1).copied();
        if let Some(between) = n.checked_add(1)
            && next.is_none_or(|m| between < m)
        {
            out.push(between);
        }
    }
    let mut values: Vec<Value> = out.into_iter().map(Value::Int).collect();
    values.extend(
        named
            .iter()
            .filter(|v| !matches!(v, Value::Int(_)))
            .cloned(),
    );
    values
}

#[cfg(test)]
mod tests {
    use super::{classes, representatives};
    use crate::model::{
        AttributeId, Condition, ConditionTest, FlagId, FlagState, ScopedRule, Setting, Value,
    };
    use crate::syntax::ast::CmpOp;

    /// 12 classes of each of three attributes make 1728 contexts; the one context where the
    /// flag is 1 comes last. The check once stopped at 256 contexts and missed it.
    #[test]
    fn every_context_class_is_enumerated_past_a_few_hundred() {
        let test = |a: usize, test: ConditionTest| Condition::Test {
            attribute: AttributeId(a),
            test,
        };
        let ten = |a: usize| {
            test(
                a,
                ConditionTest::Compare {
                    op: CmpOp::Eq,
                    value: Value::Int(10),
                },
            )
        };
        let mut rules: Vec<ScopedRule> = (0..3)
            .map(|a| ScopedRule {
                condition: Some(test(
                    a,
                    ConditionTest::In((0..10).map(Value::Int).collect()),
                )),
                value: Value::Int(2),
                rollout: None,
            })
            .collect();
        rules.push(ScopedRule {
            condition: Some(Condition::All((0..3).map(ten).collect())),
            value: Value::Int(1),
            rollout: None,
        });
        let state = FlagState::new([Setting::Scoped {
            rules,
            default: Value::Int(0),
        }]);
        let found = classes(&[FlagId(0)], [&state]).expect("1728 classes are within the bound");
        assert_eq!(found.len(), 1728);
        let ones = found
            .iter()
            .filter(|c| state.get(FlagId(0)).value_for(&|a| c.get(a), &|_| 0) == Value::Int(1))
            .count();
        assert_eq!(ones, 1);
    }

    /// 13 attributes, each named once: 8192 classes, past the bound. The check once kept the
    /// first 4096 and passed an invariant broken only where every attribute is named.
    #[test]
    fn past_the_bound_the_classes_are_refused_not_cut() {
        let condition = Condition::All(
            (0..13)
                .map(|a| Condition::Test {
                    attribute: AttributeId(a),
                    test: ConditionTest::Compare {
                        op: CmpOp::Eq,
                        value: Value::Int(1),
                    },
                })
                .collect(),
        );
        let state = FlagState::new([Setting::Scoped {
            rules: vec![ScopedRule {
                condition: Some(condition),
                value: Value::Int(1),
                rollout: None,
            }],
            default: Value::Int(0),
        }]);
        let refused = classes(&[FlagId(0)], [&state]).expect_err("8192 classes");
        assert_eq!(refused.classes, Some(8192));
        assert_eq!(
            refused.attributes,
            (0..13).map(|a| (AttributeId(a), 2)).collect::<Vec<_>>()
        );
    }

    fn ints(values: &[i64]) -> Vec<Value> {
        values.iter().copied().map(Value::Int).collect()
    }

    #[test]
    fn one_value_on_each_side_and_in_each_gap() {
        assert_eq!(representatives(&ints(&[10, 3])), ints(&[2, 3, 4, 10, 11]));
        assert_eq!(representatives(&ints(&[3, 4])), ints(&[2, 3, 4, 5]));
        assert_eq!(representatives(&ints(&[5, 5])), ints(&[4, 5, 6]));
    }

    #[test]
    fn stays_within_the_integers() {
        assert_eq!(
            representatives(&ints(&[i64::MIN, i64::MAX])),
            ints(&[i64::MIN, i64::MIN + 1, i64::MAX])
        );
    }
}
