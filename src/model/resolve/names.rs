//! Names and values: binding a name to its declaration (with "did you mean" when it does not
//! resolve), checking a literal against the type of the flag or attribute it is given to, and
//! resolving invariant formulas. Used by the rest of the resolver.

use super::Resolver;
use super::unique::Seen;
use crate::diagnostic::problem::{Found, NameKind, NameProblem, Subject, ValueProblem};
use crate::diagnostic::{Problem, suggest};
use crate::model::formula::Formula;
use crate::model::plan::{AttributeId, FlagId, MetricId};
use crate::model::value::{FlagType, Value};
use crate::source::Span;
use crate::syntax::ast::{self, CmpOp, LiteralKind, Spanned, Unit};

impl Resolver<'_> {
    pub(super) fn flag_type(&mut self, ty: &Spanned<ast::TypeExpr<'_>>) -> FlagType {
        match &ty.node {
            ast::TypeExpr::Bool => FlagType::Bool,
            ast::TypeExpr::Int => FlagType::Int,
            ast::TypeExpr::String => FlagType::String,
            ast::TypeExpr::Enum(variants) => {
                let mut seen = Seen::default();
                for v in variants {
                    self.check_unique(NameKind::EnumVariant, *v, &mut seen);
                }
                let mut names: Vec<String> = variants.iter().map(|v| v.node.to_owned()).collect();
                names.dedup();
                FlagType::Enum(names)
            }
        }
    }

    /// Checks a literal against a type; `subject` names the flag or attribute it is for, and
    /// `declared` points at that type's declaration.
    pub(super) fn literal(
        &mut self,
        literal: &ast::Literal<'_>,
        ty: &FlagType,
        subject: &Subject,
        declared: Span,
    ) -> Option<Value> {
        let value = match (&literal.node, ty) {
            (LiteralKind::Bool(b), FlagType::Bool) => Some(Value::Bool(*b)),
            (LiteralKind::Number(n), FlagType::Int) => n.parse::<i64>().ok().map(Value::Int),
            (LiteralKind::String(s), FlagType::String) => Some(Value::String(s.to_string())),
            (LiteralKind::Ident(v), FlagType::Enum(variants)) => {
                if variants.iter().any(|x| x == v) {
                    Some(Value::String((*v).to_owned()))
                } else {
                    self.report(
                        ValueProblem::NotAVariant {
                            value: (*v).to_owned(),
                            subject: subject.clone(),
                            ty: ty.clone(),
                            declared,
                            suggestion: suggest(v, variants.iter().map(String::as_str))
                                .map(str::to_owned),
                        }
                        .at(literal.span),
                    );
                    return None;
                }
            }
            _ => None,
        };
        if let (None, LiteralKind::Number(n), FlagType::Int) = (&value, &literal.node, ty)
            && !n.contains('.')
        {
            self.report(
                ValueProblem::IntOutOfRange {
                    text: (*n).to_owned(),
                    subject: subject.clone(),
                    ty: ty.clone(),
                    declared,
                }
                .at(literal.span),
            );
            return None;
        }
        if value.is_none() {
            let found = match &literal.node {
                LiteralKind::Bool(_) => Found::Bool,
                LiteralKind::Number(n) if n.contains('.') => Found::Decimal,
                LiteralKind::Number(_) => Found::Number,
                LiteralKind::String(s) => Found::String(s.to_string()),
                LiteralKind::Ident(name) => Found::Name((*name).to_owned()),
            };
            self.report(
                ValueProblem::WrongType {
                    subject: subject.clone(),
                    ty: ty.clone(),
                    found,
                    declared,
                }
                .at(literal.span),
            );
        }
        value
    }

    pub(super) fn flag(&mut self, name: ast::Name<'_>) -> Option<FlagId> {
        if let Some(&id) = self.flag_ids.get(name.node) {
            return Some(id);
        }
        // A context attribute is declared, but it is not a flag: say so rather than "declare it".
        let attribute = self
            .attribute_ids
            .get(name.node)
            .map(|a| self.attributes[a.0].span);
        let suggestion = suggest(name.node, self.flag_ids.keys().map(String::as_str));
        self.report(
            NameProblem::UndefinedFlag {
                name: name.node.to_owned(),
                suggestion: suggestion.map(str::to_owned),
                attribute,
            }
            .at(name.span),
        );
        None
    }

    /// Looks a metric up. `unit` is the unit its use implies (a gate's threshold), for the
    /// declaration the help line offers when the metric is missing.
    pub(super) fn metric(&mut self, name: ast::Name<'_>, unit: Option<Unit>) -> Option<MetricId> {
        if let Some(&id) = self.metric_ids.get(name.node) {
            return Some(id);
        }
        let suggestion = suggest(name.node, self.metric_ids.keys().map(String::as_str));
        self.report(
            NameProblem::UndefinedMetric {
                name: name.node.to_owned(),
                suggestion: suggestion.map(str::to_owned),
                unit,
            }
            .at(name.span),
        );
        None
    }

    pub(super) fn attribute(&mut self, name: ast::Name<'_>) -> Option<AttributeId> {
        if let Some(&id) = self.attribute_ids.get(name.node) {
            return Some(id);
        }
        let suggestion = suggest(name.node, self.attribute_ids.keys().map(String::as_str));
        self.report(
            NameProblem::UndefinedAttribute {
                name: name.node.to_owned(),
                suggestion: suggestion.map(str::to_owned),
            }
            .at(name.span),
        );
        None
    }

    /// Whether `op` fits a flag or attribute of type `ty`: `==` and `!=` fit every type,
    /// `<`, `<=`, `>` and `>=` only ints. Reports a misfit at the operator.
    pub(super) fn orders(
        &mut self,
        op: Spanned<CmpOp>,
        ty: &FlagType,
        subject: &Subject,
        declared: Span,
    ) -> bool {
        if !op.node.orders() || *ty == FlagType::Int {
            return true;
        }
        self.report(
            ValueProblem::OrderingNotInt {
                symbol: op.node.symbol(),
                subject: subject.clone(),
                ty: ty.clone(),
                declared,
            }
            .at(op.span),
        );
        false
    }

    /// Resolves a formula. `None` when a name or value in it did not resolve (reported).
    pub(super) fn formula(&mut self, expr: &ast::Expr<'_>) -> Option<Formula> {
        Some(match &expr.node {
            ast::ExprKind::Bool(b) => Formula::Const(*b),
            ast::ExprKind::Paren(inner) => self.formula(inner)?,
            ast::ExprKind::Not(inner) => Formula::Not(Box::new(self.formula(inner)?)),
            ast::ExprKind::Implies(a, b) => {
                let a = self.formula(a);
                let b = self.formula(b);
                Formula::Implies(Box::new(a?), Box::new(b?))
            }
            ast::ExprKind::And(parts) | ast::ExprKind::Or(parts) => {
                let resolved: Vec<Option<Formula>> =
                    parts.iter().map(|p| self.formula(p)).collect();
                let resolved: Option<Vec<Formula>> = resolved.into_iter().collect();
                if matches!(expr.node, ast::ExprKind::And(_)) {
                    Formula::And(resolved?)
                } else {
                    Formula::Or(resolved?)
                }
            }
            ast::ExprKind::Flag(name) => {
                let id = self.flag(*name)?;
                let flag = &self.flags[id.0];
                if flag.ty != FlagType::Bool {
                    let (ty, span) = (flag.ty.clone(), flag.span);
                    self.report(
                        ValueProblem::NotABool {
                            flag: name.node.to_owned(),
                            ty,
                            declared: span,
                        }
                        .at(name.span),
                    );
                    return None;
                }
                Formula::Flag(id)
            }
            ast::ExprKind::Compare { flag, op, value } => {
                let id = self.flag(*flag)?;
                let (ty, span) = (self.flags[id.0].ty.clone(), self.flags[id.0].span);
                let what = Subject::Flag(flag.node.to_owned());
                // An operator that does not fit the type makes any value a cascade.
                if !self.orders(*op, &ty, &what, span) {
                    return None;
                }
                let value = self.literal(value, &ty, &what, span)?;
                Formula::Compare {
                    flag: id,
                    op: op.node,
                    value,
                }
            }
        })
    }
}

/// A stand-in value for a flag whose declared value was wrong (already reported), so the rest
/// of the plan can still be checked.
pub(super) fn placeholder(ty: &FlagType) -> Value {
    match ty {
        FlagType::Bool => Value::Bool(false),
        FlagType::Int => Value::Int(0),
        FlagType::String => Value::String(String::new()),
        FlagType::Enum(v) => Value::String(v.first().cloned().unwrap_or_default()),
    }
}
