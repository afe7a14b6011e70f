//! Lowering: pest's parse tree to the [`ast`](super::ast). The grammar has already accepted the
//! text, so the shape of every pair is known; a pair out of shape is a bug in this file, not in
//! the input, and the `expect`s say which rule broke its promise.

use std::borrow::Cow;

use pest::iterators::Pair;

use super::ast::{
    AttributeDecl, CmpOp, CohortDecl, Communicate, Condition, ConditionKind, ConditionTest,
    DurationSpec, Expr, ExprKind, FailAction, File, FlagDecl, Freeze, Gate, GateOption, Holiday,
    InconclusiveAction, InvariantDecl, Item, Literal, LiteralKind, MetricDecl, Moment, Monitor,
    MonitorEntry, Name, OnFail, Phase, PhaseStmt, PlanField, PlanHeader, Raw, ScopedRule, SetStmt,
    SetValue, Share, ShareBucketing, Spanned, Text, TextBlock, TypeExpr, Unit,
};
use super::grammar::Rule;
use super::scan::{Kind, Region, regions};
use crate::source::{FileId, Span};

pub(super) struct Lowerer {
    pub(super) file: FileId,
    /// Where the parsed slice starts in the file (parsing resumes mid-file after an error).
    pub(super) offset: usize,
}

type P<'a> = Pair<'a, Rule>;

fn next<'a>(pairs: &mut impl Iterator<Item = P<'a>>, what: &str) -> P<'a> {
    pairs
        .next()
        .unwrap_or_else(|| panic!("grammar promises {what}"))
}

impl Lowerer {
    /// The pair's span without the whitespace and comments pest consumed after its last token
    /// (a rule ending in an optional part that did not match keeps them).
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        let end = s.start() + trimmed_len(s.as_str());
        Span::new(self.file, self.offset + s.start()..self.offset + end)
    }

    fn name<'a>(&self, pair: &P<'a>) -> Name<'a> {
        Spanned::new(pair.as_str(), self.span(pair))
    }

    fn raw<'a>(&self, pair: &P<'a>) -> Raw<'a> {
        self.name(pair)
    }

    pub(super) fn file<'a>(&self, file: P<'a>, out: &mut File<'a>) {
        for pair in file.into_inner() {
            if pair.as_rule() == Rule::EOI {
                break;
            }
            out.items.push(self.item(pair));
        }
    }

    fn item<'a>(&self, pair: P<'a>) -> Item<'a> {
        match pair.as_rule() {
            Rule::plan_block => Item::Plan(self.plan(pair)),
            Rule::attribute_decl => {
                let mut inner = pair.into_inner();
                let name = self.name(&next(&mut inner, "attribute name"));
                let ty = self.flag_type(next(&mut inner, "attribute type"));
                let description = inner.next().map(|p| self.text(&p));
                Item::Attribute(AttributeDecl {
                    name,
                    ty,
                    description,
                })
            }
            Rule::cohort_decl => {
                let mut inner = pair.into_inner();
                let name = self.name(&next(&mut inner, "cohort name"));
                let attribute = self.name(&next(&mut inner, "cohort attribute"));
                let description = inner.next().map(|p| self.text(&p));
                Item::Cohort(CohortDecl {
                    name,
                    attribute,
                    description,
                })
            }
            Rule::flag_decl => {
                let mut inner = pair.into_inner();
                let name = self.name(&next(&mut inner, "flag name"));
                let ty = self.flag_type(next(&mut inner, "flag type"));
                let initial = self.value(next(&mut inner, "flag value"));
                let description = inner.next().map(|p| self.text(&p));
                Item::Flag(FlagDecl {
                    name,
                    ty,
                    initial,
                    description,
                })
            }
            Rule::metric_decl => {
                let mut inner = pair.into_inner();
                let name = self.name(&next(&mut inner, "metric name"));
                let unit = next(&mut inner, "unit");
                let unit = Spanned::new(
                    match unit.as_str() {
                        "percent" => Unit::Percent,
                        "ms" => Unit::Ms,
                        "count" => Unit::Count,
                        _ => Unit::Ratio,
                    },
                    self.span(&unit),
                );
                let mut query = None;
                let mut description = None;
                for p in inner {
                    if p.as_rule() == Rule::metric_query {
                        query = Some(self.text(&next(&mut p.into_inner(), "query")));
                    } else {
                        description = Some(self.text(&p));
                    }
                }
                Item::Metric(MetricDecl {
                    name,
                    unit,
                    query,
                    description,
                })
            }
            Rule::invariant_decl => {
                let mut inner = pair.into_inner();
                let name = self.name(&next(&mut inner, "invariant name"));
                let expr = self.expr(next(&mut inner, "invariant formula"));
                let description = inner.next().map(|p| self.text(&p));
                Item::Invariant(InvariantDecl {
                    name,
                    expr,
                    description,
                })
            }
            Rule::on_fail_stmt => Item::OnFail(self.on_fail(pair)),
            Rule::on_inconclusive_stmt => Item::OnInconclusive(
                self.inconclusive(next(&mut pair.into_inner(), "inconclusive action")),
            ),
            Rule::freeze_decl
            | Rule::holiday_decl
            | Rule::communicate_block
            | Rule::monitor_block => self.calendar_or_block(pair),
            Rule::rollback_block => Item::Rollback(self.text_block(pair)),
            Rule::validate_block => Item::Validate(self.text_block(pair)),
            Rule::contingency_block => Item::Contingency(self.text_block(pair)),
            Rule::phase_block => Item::Phase(self.phase(pair)),
            rule => unreachable!("not an item rule: {rule:?}"),
        }
    }

    fn calendar_or_block<'a>(&self, pair: P<'a>) -> Item<'a> {
        match pair.as_rule() {
            Rule::freeze_decl => {
                let keyword = self.span(&pair);
                let mut inner = pair.into_inner();
                let from = self.raw(&next(&mut inner, "freeze start"));
                let to = self.raw(&next(&mut inner, "freeze end"));
                let reason = inner.next().map(|p| self.text(&p));
                Item::Freeze(Freeze {
                    keyword,
                    from,
                    to,
                    reason,
                })
            }
            Rule::holiday_decl => {
                let mut inner = pair.into_inner();
                let date = self.raw(&next(&mut inner, "holiday date"));
                let name = inner.next().map(|p| self.text(&p));
                Item::Holiday(Holiday { date, name })
            }
            Rule::communicate_block => {
                let mut inner = pair.into_inner();
                let moment = self.moment(&next(&mut inner, "before or after"));
                let items = inner.map(|p| self.text(&p)).collect();
                Item::Communicate(Communicate { moment, items })
            }
            Rule::monitor_block => {
                let mut inner = pair.into_inner();
                let title = self.text(&next(&mut inner, "monitor title"));
                let entries = inner
                    .map(|p| match p.as_rule() {
                        Rule::watch_stmt => {
                            MonitorEntry::Watch(self.name(&next(&mut p.into_inner(), "metric")))
                        }
                        _ => MonitorEntry::Item(self.text(&next(&mut p.into_inner(), "text"))),
                    })
                    .collect();
                Item::Monitor(Monitor { title, entries })
            }
            rule => unreachable!("not a calendar or block rule: {rule:?}"),
        }
    }

    fn text_block<'a>(&self, pair: P<'a>) -> TextBlock<'a> {
        let span = self.span(&pair);
        let keyword = Span {
            end: span.start
                + pair
                    .as_str()
                    .split_whitespace()
                    .next()
                    .map_or(0, |w| u32::try_from(w.len()).unwrap_or(0)),
            ..span
        };
        TextBlock {
            keyword,
            items: pair.into_inner().map(|p| self.text(&p)).collect(),
        }
    }

    fn plan<'a>(&self, pair: P<'a>) -> PlanHeader<'a> {
        let span = self.span(&pair);
        let keyword = Span {
            end: span.start + 4,
            ..span
        };
        let mut inner = pair.into_inner();
        let name = self.name(&next(&mut inner, "plan name"));
        let fields = inner
            .map(|field| {
                let rule = field.as_rule();
                let value = next(&mut field.into_inner(), "field value");
                match rule {
                    Rule::title_field => PlanField::Title(self.text(&value)),
                    Rule::owner_field => PlanField::Owner(self.text(&value)),
                    Rule::start_field => PlanField::Start(self.raw(&value)),
                    _ => PlanField::Description(self.text(&value)),
                }
            })
            .collect();
        PlanHeader {
            keyword,
            name,
            fields,
        }
    }

    fn flag_type<'a>(&self, pair: P<'a>) -> Spanned<TypeExpr<'a>> {
        let span = self.span(&pair);
        let inner = next(&mut pair.into_inner(), "a type");
        let ty = match inner.as_rule() {
            Rule::bool_type => TypeExpr::Bool,
            Rule::int_type => TypeExpr::Int,
            Rule::string_type => TypeExpr::String,
            _ => TypeExpr::Enum(inner.into_inner().map(|p| self.name(&p)).collect()),
        };
        Spanned::new(ty, span)
    }

    fn value<'a>(&self, pair: P<'a>) -> Literal<'a> {
        let span = self.span(&pair);
        let inner = next(&mut pair.into_inner(), "a value");
        let kind = match inner.as_rule() {
            Rule::bool_lit => LiteralKind::Bool(inner.as_str() == "true"),
            Rule::string => LiteralKind::String(self.text(&inner).node),
            Rule::num_lit => LiteralKind::Number(inner.as_str()),
            _ => LiteralKind::Ident(inner.as_str()),
        };
        Spanned::new(kind, span)
    }

    fn text<'a>(&self, pair: &P<'a>) -> Text<'a> {
        let span = self.span(pair);
        // `string` is compound-atomic: its one child is the body between the quotes.
        let body = pair.clone().into_inner().next().map_or("", |b| b.as_str());
        Spanned::new(unescape(body), span)
    }

    fn moment(&self, pair: &P<'_>) -> Spanned<Moment> {
        let moment = if pair.as_str() == "before" {
            Moment::Before
        } else {
            Moment::After
        };
        Spanned::new(moment, self.span(pair))
    }

    fn expr<'a>(&self, pair: P<'a>) -> Expr<'a> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.expr(next(&mut pair.into_inner(), "implication")),
            Rule::implies => {
                // Right-associative: a -> b -> c is a -> (b -> c).
                let mut parts: Vec<Expr<'a>> = pair.into_inner().map(|p| self.expr(p)).collect();
                let mut acc = parts.pop().expect("grammar promises an operand");
                while let Some(lhs) = parts.pop() {
                    let span = lhs.span.to(acc.span);
                    acc = Spanned::new(ExprKind::Implies(Box::new(lhs), Box::new(acc)), span);
                }
                acc
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut parts: Vec<Expr<'a>> = pair.into_inner().map(|p| self.expr(p)).collect();
                if parts.len() == 1 {
                    return parts.pop().expect("one operand");
                }
                Spanned::new(
                    if is_or {
                        ExprKind::Or(parts)
                    } else {
                        ExprKind::And(parts)
                    },
                    span,
                )
            }
            Rule::unary => self.negated(pair, |p| self.primary(p), ExprKind::Not),
            _ => self.primary(pair),
        }
    }

    fn primary<'a>(&self, pair: P<'a>) -> Expr<'a> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => {
                // A parenthesised expression: widen the span to the parentheses.
                let inner = self.expr(pair);
                Spanned::new(ExprKind::Paren(Box::new(inner)), span)
            }
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let flag = self.name(&next(&mut inner, "flag"));
                let op = self.cmp_op(&next(&mut inner, "operator"));
                let value = self.value(next(&mut inner, "value"));
                Spanned::new(ExprKind::Compare { flag, op, value }, span)
            }
            Rule::bool_lit => Spanned::new(ExprKind::Bool(pair.as_str() == "true"), span),
            _ => Spanned::new(ExprKind::Flag(self.name(&pair)), span),
        }
    }

    fn on_fail<'a>(&self, pair: P<'a>) -> OnFail<'a> {
        let span = self.span(&pair);
        let action = next(&mut pair.into_inner(), "on_fail action");
        let action = match action.as_rule() {
            Rule::extend_then => {
                let mut inner = action.into_inner();
                let by = self.raw(&next(&mut inner, "extension"));
                let limit = inner.next().map(|max| {
                    let rollback = next(&mut inner, "rollback action");
                    (self.raw(&max), self.rollback_target(rollback))
                });
                FailAction::Extend { by, limit }
            }
            _ => FailAction::Rollback(self.rollback_target(action)),
        };
        OnFail { span, action }
    }

    fn rollback_target<'a>(&self, rollback_action: P<'a>) -> Name<'a> {
        let target = next(&mut rollback_action.into_inner(), "rollback target");
        self.name(&next(&mut target.into_inner(), "target name"))
    }

    fn inconclusive<'a>(&self, pair: P<'a>) -> Spanned<InconclusiveAction<'a>> {
        let span = self.span(&pair);
        let inner = next(&mut pair.into_inner(), "inconclusive action");
        let action = match inner.as_rule() {
            Rule::wait_action => {
                InconclusiveAction::Wait(self.raw(&next(&mut inner.into_inner(), "wait duration")))
            }
            Rule::extend_kw => InconclusiveAction::Extend,
            _ => InconclusiveAction::Fail,
        };
        Spanned::new(action, span)
    }

    fn phase<'a>(&self, pair: P<'a>) -> Phase<'a> {
        let span = self.span(&pair);
        let keyword = Span {
            end: span.start + 5,
            ..span
        };
        let end = Span {
            start: span.end.saturating_sub(1),
            ..span
        };
        let mut inner = pair.into_inner();
        let id = self.name(&next(&mut inner, "phase id"));
        let title = self.text(&next(&mut inner, "phase title"));
        let statements = inner.map(|p| self.phase_stmt(p)).collect();
        Phase {
            keyword,
            id,
            title,
            statements,
            end,
        }
    }

    fn phase_stmt<'a>(&self, pair: P<'a>) -> PhaseStmt<'a> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::duration_stmt => {
                let spec = next(&mut pair.into_inner(), "duration spec");
                let spec_span = self.span(&spec);
                let inner = next(&mut spec.into_inner(), "duration");
                let spec = match inner.as_rule() {
                    Rule::indefinite => DurationSpec::Indefinite,
                    Rule::duration_lit => DurationSpec::Fixed(self.raw(&inner)),
                    _ => {
                        let mut parts = inner.into_inner();
                        let min = self.raw(&next(&mut parts, "minimum"));
                        let max = self.raw(&next(&mut parts, "maximum"));
                        let likely = parts.next().map(|p| self.raw(&p));
                        DurationSpec::Range { min, max, likely }
                    }
                };
                PhaseStmt::Duration(Spanned::new(spec, spec_span))
            }
            Rule::set_stmt => PhaseStmt::Set(self.set(pair)),
            Rule::activity_stmt => {
                PhaseStmt::Activity(self.text(&next(&mut pair.into_inner(), "text")))
            }
            Rule::check_stmt => PhaseStmt::Check(self.text(&next(&mut pair.into_inner(), "text"))),
            Rule::notify_stmt => {
                let mut inner = pair.into_inner();
                let moment = self.moment(&next(&mut inner, "moment"));
                PhaseStmt::Notify(moment, self.text(&next(&mut inner, "text")))
            }
            Rule::on_fail_stmt => PhaseStmt::OnFail(self.on_fail(pair)),
            Rule::on_inconclusive_stmt => PhaseStmt::OnInconclusive(
                self.inconclusive(next(&mut pair.into_inner(), "inconclusive action")),
            ),
            Rule::gate_stmt => {
                let mut inner = pair.into_inner();
                let id = self.name(&next(&mut inner, "gate name"));
                let mut gate = Gate {
                    span,
                    id,
                    threshold: None,
                    over: None,
                    text: None,
                    options: Vec::new(),
                };
                while let Some(p) = inner.next() {
                    match p.as_rule() {
                        Rule::gate_cmp => {
                            let op = match p.as_str() {
                                "<" => CmpOp::Lt,
                                "<=" => CmpOp::Le,
                                ">" => CmpOp::Gt,
                                ">=" => CmpOp::Ge,
                                "==" => CmpOp::Eq,
                                _ => CmpOp::Ne,
                            };
                            let quantity = next(&mut inner, "threshold");
                            gate.threshold =
                                Some((Spanned::new(op, self.span(&p)), self.raw(&quantity)));
                        }
                        Rule::gate_over => {
                            gate.over = Some(self.raw(&next(&mut p.into_inner(), "window")));
                        }
                        Rule::string => gate.text = Some(self.text(&p)),
                        Rule::pass_option => gate.options.push(GateOption::Pass(
                            self.raw(&next(&mut p.into_inner(), "probability")),
                        )),
                        _ => gate.options.push(GateOption::Inconclusive(
                            self.inconclusive(next(&mut p.into_inner(), "inconclusive action")),
                        )),
                    }
                }
                PhaseStmt::Gate(Box::new(gate))
            }
            rule => unreachable!("not a phase statement: {rule:?}"),
        }
    }

    /// `!!x`: the operand wrapped in one `not` per `!`, innermost last, each spanning from its
    /// `!` to the operand's end. Invariant formulas and `when` conditions share the shape.
    fn negated<'a, T>(
        &self,
        pair: P<'a>,
        operand: impl Fn(P<'a>) -> Spanned<T>,
        not: impl Fn(Box<Spanned<T>>) -> T,
    ) -> Spanned<T> {
        let mut nots = Vec::new();
        let mut inner = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::not_op {
                nots.push(self.span(&p));
            } else {
                inner = Some(operand(p));
            }
        }
        let mut acc = inner.expect("grammar promises an operand");
        for n in nots.into_iter().rev() {
            let span = n.to(acc.span);
            acc = Spanned::new(not(Box::new(acc)), span);
        }
        acc
    }

    fn set<'a>(&self, pair: P<'a>) -> SetStmt<'a> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let flag = self.name(&next(&mut inner, "flag"));
        let set_value = next(&mut inner, "set value");
        // `value` alone, or `value tail scoped_rule* [else value]`: the first rule's value and
        // tail (a condition, a share, or both), the other rules, then the `else` value.
        let mut parts = set_value.into_inner().peekable();
        let first = next(&mut parts, "value");
        let value = if parts.peek().is_none() {
            SetValue::Plain(self.value(first))
        } else {
            let mut rules = vec![self.rule_tail(first, &mut parts)];
            let mut default = None;
            for part in parts {
                if part.as_rule() == Rule::scoped_rule {
                    let mut inner = part.into_inner().peekable();
                    let value = next(&mut inner, "scoped value");
                    rules.push(self.rule_tail(value, &mut inner));
                } else {
                    default = Some(self.value(part));
                }
            }
            SetValue::Scoped { rules, default }
        };
        let optional = inner.next().map(|mark| {
            let mark_span = self.span(&mark);
            Box::new(Spanned::new(
                mark.into_inner().next().map(|p| self.text(&p)),
                mark_span,
            ))
        });
        SetStmt {
            span,
            flag,
            value,
            optional,
        }
    }

    /// A scoped rule from its value and the tail that follows it: a condition, a share, or a
    /// condition and a share. Takes only the tail's pairs from `parts`.
    fn rule_tail<'a>(
        &self,
        value: P<'a>,
        parts: &mut std::iter::Peekable<impl Iterator<Item = P<'a>>>,
    ) -> ScopedRule<'a> {
        let value = self.value(value);
        let condition = parts
            .next_if(|p| p.as_rule() == Rule::condition)
            .map(|p| self.condition(p));
        let share = parts
            .next_if(|p| p.as_rule() == Rule::share)
            .map(|p| self.share(p));
        ScopedRule {
            value,
            condition,
            share,
        }
    }

    fn share<'a>(&self, share: P<'a>) -> Share<'a> {
        let span = self.span(&share);
        let mut parts = share.into_inner();
        let percent = self.raw(&next(&mut parts, "percent"));
        let how = next(&mut parts, "bucketing");
        let name = self.name(&next(&mut how.clone().into_inner(), "bucketing name"));
        let bucketing = if how.as_rule() == Rule::share_of {
            ShareBucketing::Cohort(name)
        } else {
            ShareBucketing::Attribute(name)
        };
        Share {
            span,
            percent,
            bucketing,
        }
    }

    /// `condition`, `cond_and`, `cond_unary`, `cond_group` or `cond_test`: a condition.
    fn condition<'a>(&self, pair: P<'a>) -> Condition<'a> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::condition | Rule::cond_and => {
                let is_or = pair.as_rule() == Rule::condition;
                let mut parts: Vec<Condition<'a>> =
                    pair.into_inner().map(|p| self.condition(p)).collect();
                if parts.len() == 1 {
                    return parts.pop().expect("one operand");
                }
                let kind = if is_or {
                    ConditionKind::Or(parts)
                } else {
                    ConditionKind::And(parts)
                };
                Spanned::new(kind, span)
            }
            Rule::cond_unary => self.negated(pair, |p| self.condition(p), ConditionKind::Not),
            Rule::cond_group => {
                let inner = self.condition(next(&mut pair.into_inner(), "condition"));
                Spanned::new(ConditionKind::Paren(Box::new(inner)), span)
            }
            _ => {
                let mut parts = pair.into_inner();
                let attribute = self.name(&next(&mut parts, "attribute"));
                let test = next(&mut parts, "test");
                let test = match test.as_rule() {
                    Rule::cond_cmp => {
                        let mut t = test.into_inner();
                        let op = self.cmp_op(&next(&mut t, "operator"));
                        ConditionTest::Compare {
                            op,
                            value: self.value(next(&mut t, "value")),
                        }
                    }
                    _ => ConditionTest::In(test.into_inner().map(|v| self.value(v)).collect()),
                };
                Spanned::new(ConditionKind::Test { attribute, test }, span)
            }
        }
    }

    /// A `cmp_op`: one of the six comparison operators.
    fn cmp_op(&self, pair: &P<'_>) -> Spanned<CmpOp> {
        let op = CmpOp::parse(pair.as_str()).expect("grammar promises a comparison operator");
        Spanned::new(op, self.span(pair))
    }
}

/// The length of `text` without trailing whitespace and `#` comments.
fn trimmed_len(text: &str) -> usize {
    if !text.as_bytes().contains(&b'#') {
        return text.trim_end().len();
    }
    // A `#` may sit inside a string: the end of the last token, found by the scanner.
    let mut end = 0;
    for Region { kind, range } in regions(text) {
        match kind {
            Kind::Code => {
                if let Some(last) = text.as_bytes()[range.clone()]
                    .iter()
                    .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    end = range.start + last + 1;
                }
            }
            Kind::String => end = range.end,
            Kind::Comment => {}
        }
    }
    // Never cut a multi-byte character: `end` follows a string or the last byte before an
    // ASCII space or a region's end, which always ends a character.
    end
}

/// Resolves `\"`, `\\`, `\n`, `\t` and `\r`; any other escaped character stands for itself.
fn unescape(body: &str) -> Cow<'_, str> {
    if !body.contains('\\') {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn unescape_resolves_known_escapes() {
        assert_eq!(super::unescape(r#"a \"b\" \\ c\nd"#), "a \"b\" \\ c\nd");
        assert_eq!(super::unescape("plain"), "plain");
    }
}
