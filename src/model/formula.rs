//! Resolved boolean formulas over flags: invariants. Names are bound to [`FlagId`]s and values
//! are type-checked, so evaluation cannot fail.

use super::plan::FlagId;
use super::value::Value;
use crate::syntax::ast::CmpOp;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Formula {
    Const(bool),
    /// A boolean flag is on.
    Flag(FlagId),
    /// `flag == value`, `flag != value`, or an integer comparison (`flag < 10`).
    Compare {
        flag: FlagId,
        op: CmpOp,
        value: Value,
    },
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    Implies(Box<Formula>, Box<Formula>),
}

impl Formula {
    /// Evaluates the formula given each flag's value. Recursion depth is bounded by the
    /// parser's nesting limit.
    pub fn eval(&self, value_of: &impl Fn(FlagId) -> Value) -> bool {
        match self {
            Formula::Const(b) => *b,
            Formula::Flag(f) => value_of(*f) == Value::Bool(true),
            Formula::Compare { flag, op, value } => op.compares(&value_of(*flag), value),
            Formula::Not(inner) => !inner.eval(value_of),
            Formula::And(parts) => parts.iter().all(|p| p.eval(value_of)),
            Formula::Or(parts) => parts.iter().any(|p| p.eval(value_of)),
            Formula::Implies(a, b) => !a.eval(value_of) || b.eval(value_of),
        }
    }

    /// The flags the formula reads, sorted, without repeats.
    pub fn flags(&self) -> Vec<FlagId> {
        let mut out = Vec::new();
        self.collect_flags(&mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect_flags(&self, out: &mut Vec<FlagId>) {
        match self {
            Formula::Const(_) => {}
            Formula::Flag(f) | Formula::Compare { flag: f, .. } => out.push(*f),
            Formula::Not(inner) => inner.collect_flags(out),
            Formula::And(parts) | Formula::Or(parts) => {
                for p in parts {
                    p.collect_flags(out);
                }
            }
            Formula::Implies(a, b) => {
                a.collect_flags(out);
                b.collect_flags(out);
            }
        }
    }
}
