//! How each piece of syntax reads on one line: literals (strings re-escaped so they unescape to
//! the same text), formulas, and every statement. Indentation, blank lines and comments are
//! [`layout`](super::layout)'s job; this file never sees them.

use std::fmt::Write as _;

use crate::syntax::ast::{
    AttributeDecl, CohortDecl, Condition, ConditionKind, ConditionTest, DurationSpec, ExprKind,
    FailAction, FlagDecl, Freeze, Gate, GateOption, Holiday, InconclusiveAction, Literal,
    LiteralKind, MetricDecl, Moment, MonitorEntry, PhaseStmt, PlanField, SetStmt, SetValue, Share,
    ShareBucketing, TypeExpr,
};

/// A string literal that the parser's `unescape` turns back into `text`: quotes, backslashes,
/// newlines, tabs and carriage returns are escaped; every other character stands for itself.
pub(super) fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn literal(value: &Literal<'_>) -> String {
    match &value.node {
        LiteralKind::Bool(b) => b.to_string(),
        LiteralKind::Number(n) | LiteralKind::Ident(n) => (*n).to_owned(),
        LiteralKind::String(s) => string(s),
    }
}

fn type_expr(ty: &TypeExpr<'_>) -> String {
    match ty {
        TypeExpr::Bool => "bool".to_owned(),
        TypeExpr::Int => "int".to_owned(),
        TypeExpr::String => "string".to_owned(),
        TypeExpr::Enum(variants) => {
            let names: Vec<&str> = variants.iter().map(|v| v.node).collect();
            format!("enum({})", names.join(", "))
        }
    }
}

/// ` "text"` when there is a text, else nothing: the optional trailing string of many items.
fn opt_string(text: Option<&crate::syntax::ast::Text<'_>>) -> String {
    text.map(|t| format!(" {}", string(&t.node)))
        .unwrap_or_default()
}

/// A formula as written, with the user's parentheses and no others: the AST keeps every
/// parenthesis as a `Paren` node, so printing it back cannot change how it groups.
pub(super) fn expr(e: &ExprKind<'_>) -> String {
    let mut out = String::new();
    write_expr(e, &mut out);
    out
}

fn write_expr(mut e: &ExprKind<'_>, out: &mut String) {
    // `a -> b -> c` nests to the right: walk that spine in a loop, so a long chain of
    // implications cannot exhaust the stack.
    while let ExprKind::Implies(lhs, rhs) = e {
        write_expr(&lhs.node, out);
        out.push_str(" -> ");
        e = &rhs.node;
    }
    match e {
        ExprKind::Implies(..) => unreachable!("the loop above consumed every implication"),
        ExprKind::Or(parts) | ExprKind::And(parts) => {
            let op = if matches!(e, ExprKind::Or(_)) {
                " || "
            } else {
                " && "
            };
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                write_expr(&part.node, out);
            }
        }
        ExprKind::Not(inner) => {
            out.push('!');
            write_expr(&inner.node, out);
        }
        ExprKind::Compare { flag, op, value } => {
            let _ = write!(out, "{} {} {}", flag.node, op.node.symbol(), literal(value));
        }
        ExprKind::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        ExprKind::Flag(name) => out.push_str(name.node),
        ExprKind::Paren(inner) => {
            out.push('(');
            write_expr(&inner.node, out);
            out.push(')');
        }
    }
}

pub(super) fn attribute(a: &AttributeDecl<'_>) -> String {
    format!(
        "attribute {}: {}{}",
        a.name.node,
        type_expr(&a.ty.node),
        opt_string(a.description.as_ref())
    )
}

pub(super) fn cohort(c: &CohortDecl<'_>) -> String {
    format!(
        "cohort {} by {}{}",
        c.name.node,
        c.attribute.node,
        opt_string(c.description.as_ref())
    )
}

pub(super) fn flag(f: &FlagDecl<'_>) -> String {
    format!(
        "flag {}: {} = {}{}",
        f.name.node,
        type_expr(&f.ty.node),
        literal(&f.initial),
        opt_string(f.description.as_ref())
    )
}

pub(super) fn metric(m: &MetricDecl<'_>) -> String {
    let query = m
        .query
        .as_ref()
        .map_or_else(String::new, |q| format!(" query {}", string(&q.node)));
    format!(
        "metric {}: {}{query}{}",
        m.name.node,
        m.unit.node.keyword(),
        opt_string(m.description.as_ref())
    )
}

pub(super) fn on_fail(action: &FailAction<'_>) -> String {
    match action {
        FailAction::Extend { by, limit: None } => format!("on_fail extend {}", by.node),
        FailAction::Extend {
            by,
            limit: Some((max, target)),
        } => format!(
            "on_fail extend {} max {} then rollback {}",
            by.node, max.node, target.node
        ),
        FailAction::Rollback(target) => format!("on_fail rollback {}", target.node),
    }
}

pub(super) fn inconclusive(action: &InconclusiveAction<'_>) -> String {
    match action {
        InconclusiveAction::Wait(d) => format!("wait {}", d.node),
        InconclusiveAction::Extend => "extend".to_owned(),
        InconclusiveAction::Fail => "fail".to_owned(),
    }
}

pub(super) fn freeze(f: &Freeze<'_>) -> String {
    format!(
        "freeze {}..{}{}",
        f.from.node,
        f.to.node,
        opt_string(f.reason.as_ref())
    )
}

pub(super) fn holiday(h: &Holiday<'_>) -> String {
    format!("holiday {}{}", h.date.node, opt_string(h.name.as_ref()))
}

pub(super) fn plan_field(field: &PlanField<'_>) -> String {
    match field {
        PlanField::Title(t) => format!("title {}", string(&t.node)),
        PlanField::Owner(t) => format!("owner {}", string(&t.node)),
        PlanField::Start(d) => format!("start {}", d.node),
        PlanField::Description(t) => format!("description {}", string(&t.node)),
    }
}

pub(super) fn moment(m: Moment) -> &'static str {
    match m {
        Moment::Before => "before",
        Moment::After => "after",
    }
}

pub(super) fn monitor_entry(entry: &MonitorEntry<'_>) -> String {
    match entry {
        MonitorEntry::Watch(name) => format!("watch {}", name.node),
        MonitorEntry::Item(text) => format!("item {}", string(&text.node)),
    }
}

pub(super) fn phase_stmt(stmt: &PhaseStmt<'_>) -> String {
    match stmt {
        PhaseStmt::Duration(spec) => format!("duration {}", duration(&spec.node)),
        PhaseStmt::Set(set) => set_stmt(set),
        PhaseStmt::Activity(t) => format!("activity {}", string(&t.node)),
        PhaseStmt::Gate(gate) => gate_stmt(gate),
        PhaseStmt::OnFail(f) => on_fail(&f.action),
        PhaseStmt::OnInconclusive(a) => format!("on_inconclusive {}", inconclusive(&a.node)),
        PhaseStmt::Check(t) => format!("check {}", string(&t.node)),
        PhaseStmt::Notify(m, t) => format!("notify {} {}", moment(m.node), string(&t.node)),
    }
}

fn duration(spec: &DurationSpec<'_>) -> String {
    match spec {
        DurationSpec::Indefinite => "indefinite".to_owned(),
        DurationSpec::Fixed(d) => d.node.to_owned(),
        DurationSpec::Range { min, max, likely } => match likely {
            Some(l) => format!("{}..{} likely {}", min.node, max.node, l.node),
            None => format!("{}..{}", min.node, max.node),
        },
    }
}

fn set_stmt(set: &SetStmt<'_>) -> String {
    let mut out = format!("set {} = ", set.flag.node);
    match &set.value {
        SetValue::Plain(v) => out.push_str(&literal(v)),
        SetValue::Scoped { rules, default } => {
            for (i, rule) in rules.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&literal(&rule.value));
                if let Some(c) = &rule.condition {
                    let _ = write!(out, " when {}", condition(c));
                }
                if let Some(s) = &rule.share {
                    let _ = write!(out, " {}", share(s));
                }
            }
            if let Some(default) = default {
                let _ = write!(out, " else {}", literal(default));
            }
        }
    }
    if let Some(optional) = &set.optional {
        out.push_str(" optional");
        out.push_str(&opt_string(optional.node.as_ref()));
    }
    out
}

fn share(s: &Share<'_>) -> String {
    match &s.bucketing {
        ShareBucketing::Cohort(c) => format!("for {} of {}", s.percent.node, c.node),
        ShareBucketing::Attribute(a) => format!("for {} by {}", s.percent.node, a.node),
    }
}

fn condition(c: &Condition<'_>) -> String {
    let mut out = String::new();
    write_condition(&c.node, &mut out);
    out
}

/// A condition as written: the parser keeps parentheses as nodes, so none are added here.
fn write_condition(c: &ConditionKind<'_>, out: &mut String) {
    match c {
        ConditionKind::Test { attribute, test } => {
            out.push_str(attribute.node);
            match test {
                ConditionTest::Compare { op, value } => {
                    let _ = write!(out, " {} {}", op.node.symbol(), literal(value));
                }
                ConditionTest::In(values) => {
                    let values: Vec<String> = values.iter().map(literal).collect();
                    let _ = write!(out, " in [{}]", values.join(", "));
                }
            }
        }
        ConditionKind::Not(inner) => {
            out.push('!');
            write_condition(&inner.node, out);
        }
        ConditionKind::And(parts) | ConditionKind::Or(parts) => {
            let op = if matches!(c, ConditionKind::And(_)) {
                " && "
            } else {
                " || "
            };
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                write_condition(&part.node, out);
            }
        }
        ConditionKind::Paren(inner) => {
            out.push('(');
            write_condition(&inner.node, out);
            out.push(')');
        }
    }
}

fn gate_stmt(gate: &Gate<'_>) -> String {
    let mut out = format!("gate {}", gate.id.node);
    if let Some((op, quantity)) = &gate.threshold {
        let _ = write!(out, " {} {}", op.node.symbol(), quantity.node);
    }
    if let Some(over) = &gate.over {
        let _ = write!(out, " over {}", over.node);
    }
    out.push_str(&opt_string(gate.text.as_ref()));
    for option in &gate.options {
        match option {
            GateOption::Pass(p) => {
                let _ = write!(out, " pass {}", p.node);
            }
            GateOption::Inconclusive(a) => {
                let _ = write!(out, " inconclusive {}", inconclusive(&a.node));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn strings_escape_what_unescape_resolves() {
        assert_eq!(string("a \"b\" \\ c\nd\te\r"), r#""a \"b\" \\ c\nd\te\r""#);
        assert_eq!(string("# not a comment"), "\"# not a comment\"");
    }
}
