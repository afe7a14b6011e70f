//! Names and values: binding a name to its declaration (with "did you mean" when it does not
//! resolve), checking a literal against the type of the flag or attribute it is given to, and
//! resolving invariant formulas. Used by the rest of the resolver.

use super::Resolver;
use super::unique::Seen;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
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
                    self.check_unique("enum variant", *v, &mut seen);
                }
                let mut names: Vec<String> = variants.iter().map(|v| v.node.to_owned()).collect();
                names.dedup();
                FlagType::Enum(names)
            }
        }
    }

    /// Checks a literal against a type; `what` names the flag or attribute it is for, and
    /// `declared` points at that type's declaration.
    pub(super) fn literal(
        &mut self,
        literal: &ast::Literal<'_>,
        ty: &FlagType,
        what: &str,
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
                    let help = did_you_mean(v, variants.iter().map(String::as_str), || {
                        format!("use one of the variants: {}", variants.join(", "))
                    });
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("`{v}` is not a variant of {what}"),
                            literal.span,
                            "unknown variant",
                        )
                        .related(declared, format!("{what} is declared as {ty}"))
                        .help(help),
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
                Diagnostic::new(
                    Code::InvalidNumber,
                    format!("`{n}` is out of range for {what}"),
                    literal.span,
                    "beyond 64 bits",
                )
                .related(declared, format!("declared as {ty} here"))
                .help("write a whole number between -2^63 and 2^63-1"),
            );
            return None;
        }
        if value.is_none() {
            let found = match &literal.node {
                LiteralKind::Bool(_) => "a bool".to_owned(),
                LiteralKind::Number(n) if n.contains('.') => "a decimal number".to_owned(),
                LiteralKind::Number(_) => "a number".to_owned(),
                LiteralKind::String(_) => "a string".to_owned(),
                LiteralKind::Ident(name) => format!("the name `{name}`"),
            };
            // A right value in the wrong form (`"true"`, `"plus"`, `GET`): say the one fix.
            let quoted_right = match (&literal.node, ty) {
                (LiteralKind::String(s), FlagType::Bool) if s == "true" || s == "false" => Some(s),
                (LiteralKind::String(s), FlagType::Int) if s.parse::<i64>().is_ok() => Some(s),
                (LiteralKind::String(s), FlagType::Enum(variants))
                    if variants.iter().any(|v| v == s) =>
                {
                    Some(s)
                }
                _ => None,
            };
            let help = match (ty, &literal.node) {
                _ if quoted_right.is_some() => {
                    format!("write `{}` without quotes", quoted_right.map_or("", |s| s))
                }
                (FlagType::String, LiteralKind::Ident(name)) => {
                    format!("write the value in double quotes: `\"{name}\"`")
                }
                (FlagType::Bool, LiteralKind::Ident(name)) => {
                    // `ture`, `True`, `flase`: a bool by its first letter and its length.
                    let lower = name.to_ascii_lowercase();
                    let meant = ["true", "false"]
                        .into_iter()
                        .find(|b| lower.starts_with(&b[..1]) && lower.len().abs_diff(b.len()) <= 1);
                    meant.map_or_else(
                        || "write `true` or `false`".to_owned(),
                        |b| format!("did you mean `{b}`?"),
                    )
                }
                (FlagType::Bool, _) => "write `true` or `false`".to_owned(),
                (FlagType::Int, _) => "write a whole number between -2^63 and 2^63-1".to_owned(),
                (FlagType::String, _) => "write the value in double quotes".to_owned(),
                (FlagType::Enum(variants), _) => format!(
                    "write one of the variants without quotes: {}",
                    variants.join(", ")
                ),
            };
            self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!("{what} takes {}, found {found}", type_in_words(ty)),
                    literal.span,
                    format!("expected {}", type_in_words(ty)),
                )
                .related(declared, format!("declared as {ty} here"))
                .help(help),
            );
        }
        value
    }

    pub(super) fn flag(&mut self, name: ast::Name<'_>) -> Option<FlagId> {
        if let Some(&id) = self.flag_ids.get(name.node) {
            return Some(id);
        }
        let mut diagnostic = Diagnostic::new(
            Code::UndefinedFlag,
            format!("flag `{}` is not declared", name.node),
            name.span,
            "undeclared flag",
        );
        // A context attribute is declared, but it is not a flag: say so rather than "declare it".
        if let Some(&attribute) = self.attribute_ids.get(name.node) {
            diagnostic = diagnostic
                .related(
                    self.attributes[attribute.0].span,
                    format!("`{}` is a context attribute", name.node),
                )
                .help("invariants and `set` range over flags; a context attribute is read only in a scoped value's `when`, like `set flag = v when attribute == x else w`");
        } else {
            diagnostic = diagnostic.help(did_you_mean(
                name.node,
                self.flag_ids.keys().map(String::as_str),
                || {
                    format!(
                        "declare it: `flag {}: bool = false \"what it controls\"`",
                        name.node
                    )
                },
            ));
        }
        self.report(diagnostic);
        None
    }

    /// Looks a metric up. `unit` is the unit its use implies (a gate's threshold), for the
    /// declaration the help line offers when the metric is missing.
    pub(super) fn metric(&mut self, name: ast::Name<'_>, unit: Option<Unit>) -> Option<MetricId> {
        if let Some(&id) = self.metric_ids.get(name.node) {
            return Some(id);
        }
        let unit = unit.map_or("percent", Unit::keyword);
        let help = did_you_mean(
            name.node,
            self.metric_ids.keys().map(String::as_str),
            || {
                format!(
                    "declare it: `metric {}: {unit} \"what it measures\"`",
                    name.node
                )
            },
        );
        self.report(
            Diagnostic::new(
                Code::UndefinedMetric,
                format!("metric `{}` is not declared", name.node),
                name.span,
                "undeclared metric",
            )
            .help(help),
        );
        None
    }

    pub(super) fn attribute(&mut self, name: ast::Name<'_>) -> Option<AttributeId> {
        if let Some(&id) = self.attribute_ids.get(name.node) {
            return Some(id);
        }
        let help = did_you_mean(
            name.node,
            self.attribute_ids.keys().map(String::as_str),
            || {
                format!(
                    "declare the context attribute: `attribute {}: string \"what it is\"`",
                    name.node
                )
            },
        );
        self.report(
            Diagnostic::new(
                Code::UndefinedAttribute,
                format!("context attribute `{}` is not declared", name.node),
                name.span,
                "undeclared attribute",
            )
            .help(help),
        );
        None
    }

    /// Whether `op` fits a flag or attribute of type `ty`: `==` and `!=` fit every type,
    /// `<`, `<=`, `>` and `>=` only integers. Reports a misfit at the operator.
    pub(super) fn orders(
        &mut self,
        op: Spanned<CmpOp>,
        ty: &FlagType,
        what: &str,
        declared: Span,
    ) -> bool {
        if !op.node.orders() || *ty == FlagType::Int {
            return true;
        }
        let symbol = op.node.symbol();
        let help = match ty {
            FlagType::Bool => format!("test a bool with `==` or `!=` instead of `{symbol}`"),
            _ => format!(
                "`{symbol}` compares integers; test {what} with `==`, `!=` or `in [...]`, or declare it as int"
            ),
        };
        self.report(
            Diagnostic::new(
                Code::TypeMismatch,
                format!(
                    "`{symbol}` compares integers, but {what} is {}",
                    type_in_words(ty)
                ),
                op.span,
                "needs an int",
            )
            .related(declared, format!("{what} is declared as {ty}"))
            .help(help),
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
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("flag `{}` is {}, not a bool, so it cannot stand alone in a formula", name.node, match ty { FlagType::Int => "an int", FlagType::Enum(_) => "an enum", _ => "a string" }),
                            name.span,
                            "not a bool",
                        )
                        .related(span, format!("declared as {ty} here"))
                        .help(format!("compare it with a value: `{} == …`", name.node)),
                    );
                    return None;
                }
                Formula::Flag(id)
            }
            ast::ExprKind::Compare { flag, op, value } => {
                let id = self.flag(*flag)?;
                let (ty, span) = (self.flags[id.0].ty.clone(), self.flags[id.0].span);
                let what = format!("flag `{}`", flag.node);
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

fn type_in_words(ty: &FlagType) -> String {
    match ty {
        FlagType::Bool => "a bool".to_owned(),
        FlagType::Int => "an integer".to_owned(),
        FlagType::String => "a string".to_owned(),
        FlagType::Enum(_) => format!("a variant of {ty}"),
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
