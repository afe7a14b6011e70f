//! The canonical layout: which line each statement goes on, its indentation, the blank lines
//! between lines, and where each comment lands. Statement text comes from [`text`]; comments
//! come from [`trivia`].
//!
//! Every printed line covers the source up to some offset `end`. Before the line, every comment
//! not yet printed that starts before `end` is printed on its own line (so a comment written
//! inside a statement moves above it); after the line, a comment that trailed that code on its
//! line is appended to it. Comments are taken from the front of one queue, so none is lost,
//! duplicated or reordered.

use super::text;
use super::trivia::{Comments, closing_brace};
use crate::source::SourceFile;
use crate::syntax::ast::{File, Item, MonitorEntry, PhaseStmt, PlanField, TextBlock};

const INDENT: &str = "  ";

/// Top-level items of one group sit on consecutive lines; a blank line separates groups, and
/// every block (anything with braces) from its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Attribute,
    Flag,
    Metric,
    Invariant,
    /// `on_fail` and `on_inconclusive`: the plan's failure policy.
    Policy,
    /// `freeze` and `holiday`.
    Calendar,
    Block,
}

fn group(item: &Item<'_>) -> Group {
    match item {
        Item::Attribute(_) | Item::Cohort(_) => Group::Attribute,
        Item::Flag(_) => Group::Flag,
        Item::Metric(_) => Group::Metric,
        Item::Invariant(_) => Group::Invariant,
        Item::OnFail(_) | Item::OnInconclusive(_) => Group::Policy,
        Item::Freeze(_) | Item::Holiday(_) => Group::Calendar,
        Item::Plan(_)
        | Item::Rollback(_)
        | Item::Validate(_)
        | Item::Contingency(_)
        | Item::Communicate(_)
        | Item::Monitor(_)
        | Item::Phase(_) => Group::Block,
    }
}

/// Prints `file` in the canonical layout, with the comments of `source` (the text it was
/// parsed from).
pub(super) fn print(file: &File<'_>, source: &SourceFile) -> String {
    let mut printer = Printer {
        text: &source.text,
        comments: Comments::new(source),
        out: String::with_capacity(source.text.len() + source.text.len() / 8),
        at_open: true,
    };
    let mut previous = None;
    for item in &file.items {
        let group = group(item);
        let blank = previous.is_some_and(|p| p != group || group == Group::Block);
        printer.item(item, blank);
        previous = Some(group);
    }
    for comment in printer.comments.take_rest() {
        printer.push_line(0, comment.blank_before, &comment.text);
    }
    printer.out
}

/// One line of a block's body: its text and the source offset it covers up to.
type Unit = (String, usize);

struct Printer<'s> {
    text: &'s str,
    comments: Comments<'s>,
    out: String,
    /// The next line opens the file or a block, where no blank line goes.
    at_open: bool,
}

impl Printer<'_> {
    fn push_line(&mut self, indent: usize, blank: bool, content: &str) {
        if blank && !self.at_open {
            self.out.push('\n');
        }
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
        self.out.push_str(content);
        self.out.push('\n');
        self.at_open = false;
    }

    /// A line of code covering the source up to `end`, with a blank line before it (or before
    /// its leading comments) when `blank`.
    fn line(&mut self, indent: usize, content: &str, end: usize, blank: bool) {
        self.line_with_comments_at(indent, indent, content, end, blank, false);
    }

    /// [`line`](Self::line), with the leading comments at `comment_indent`. Blank lines next to
    /// a comment are kept as the source had them (one at most); a `closing` line (a `}`) never
    /// has one before it.
    fn line_with_comments_at(
        &mut self,
        comment_indent: usize,
        indent: usize,
        content: &str,
        end: usize,
        blank: bool,
        closing: bool,
    ) {
        let mut blank_next = blank;
        let mut first = true;
        while let Some(comment) = self.comments.take_before(end) {
            let before = comment.blank_before || (first && blank);
            self.push_line(comment_indent, before, &comment.text);
            blank_next = comment.blank_after && !closing;
            first = false;
        }
        match self.comments.take_trailing(end) {
            Some(comment) => {
                let content = format!("{content} {}", comment.text);
                self.push_line(indent, blank_next, &content);
            }
            None => self.push_line(indent, blank_next, content),
        }
    }

    /// A braced block: `header {`, one body line per unit, `}`. An empty block with no comment
    /// inside is `header {}`. `close` is the offset of the `}` when the AST records it.
    fn block(
        &mut self,
        header: &str,
        header_end: usize,
        blank: bool,
        body: Vec<Unit>,
        close: Option<usize>,
    ) {
        let from = body.last().map_or(header_end, |unit| unit.1);
        let close = close
            .or_else(|| closing_brace(self.text, from))
            .unwrap_or(self.text.len());
        if body.is_empty() && !self.comments.any_in(header_end, close) {
            self.line(0, &format!("{header} {{}}"), close + 1, blank);
            return;
        }
        self.line(0, &format!("{header} {{"), header_end, blank);
        self.at_open = true;
        for (content, end) in body {
            self.line(1, &content, end, false);
        }
        self.line_with_comments_at(1, 0, "}", close + 1, false, true);
    }

    fn text_block(&mut self, keyword: &str, entry: &str, block: &TextBlock<'_>, blank: bool) {
        let body = block
            .items
            .iter()
            .map(|t| {
                (
                    format!("{entry} {}", text::string(&t.node)),
                    t.span.range().end,
                )
            })
            .collect();
        let header_end = block.keyword.range().start + keyword.len();
        self.block(keyword, header_end, blank, body, None);
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one arm per kind of item, each a few lines"
    )]
    fn item(&mut self, item: &Item<'_>, blank: bool) {
        match item {
            Item::Plan(plan) => {
                let body = plan
                    .fields
                    .iter()
                    .map(|f| (text::plan_field(f), field_end(f)))
                    .collect();
                let header = format!("plan {}", plan.name.node);
                self.block(&header, plan.name.span.range().end, blank, body, None);
            }
            Item::Attribute(a) => {
                let end = a.description.as_ref().map_or(a.ty.span, |d| d.span);
                self.line(0, &text::attribute(a), end.range().end, blank);
            }
            Item::Cohort(c) => {
                let end = c.description.as_ref().map_or(c.attribute.span, |d| d.span);
                self.line(0, &text::cohort(c), end.range().end, blank);
            }
            Item::Flag(f) => {
                let end = f.description.as_ref().map_or(f.initial.span, |d| d.span);
                self.line(0, &text::flag(f), end.range().end, blank);
            }
            Item::Metric(m) => {
                let end = m
                    .description
                    .as_ref()
                    .or(m.query.as_ref())
                    .map_or(m.unit.span, |d| d.span);
                self.line(0, &text::metric(m), end.range().end, blank);
            }
            Item::Invariant(inv) => {
                // The formula on the item's line, the description on its own line below, as
                // plans/entity.roll has them: formulas are long, descriptions longer.
                let head = format!(
                    "invariant {}: {}",
                    inv.name.node,
                    text::expr(&inv.expr.node)
                );
                self.line(0, &head, inv.expr.span.range().end, blank);
                if let Some(d) = &inv.description {
                    self.line(1, &text::string(&d.node), d.span.range().end, false);
                }
            }
            Item::OnFail(f) => self.line(0, &text::on_fail(&f.action), f.span.range().end, blank),
            Item::OnInconclusive(a) => {
                let line = format!("on_inconclusive {}", text::inconclusive(&a.node));
                self.line(0, &line, a.span.range().end, blank);
            }
            Item::Freeze(f) => {
                let end = f.reason.as_ref().map_or(f.to.span, |r| r.span);
                self.line(0, &text::freeze(f), end.range().end, blank);
            }
            Item::Holiday(h) => {
                let end = h.name.as_ref().map_or(h.date.span, |n| n.span);
                self.line(0, &text::holiday(h), end.range().end, blank);
            }
            Item::Rollback(b) => self.text_block("rollback", "step", b, blank),
            Item::Validate(b) => self.text_block("validate", "check", b, blank),
            Item::Contingency(b) => self.text_block("contingency", "step", b, blank),
            Item::Communicate(c) => {
                let body = c
                    .items
                    .iter()
                    .map(|t| {
                        (
                            format!("notify {}", text::string(&t.node)),
                            t.span.range().end,
                        )
                    })
                    .collect();
                let header = format!("communicate {}", text::moment(c.moment.node));
                self.block(&header, c.moment.span.range().end, blank, body, None);
            }
            Item::Monitor(m) => {
                let body = m
                    .entries
                    .iter()
                    .map(|e| {
                        let end = match e {
                            MonitorEntry::Watch(name) => name.span,
                            MonitorEntry::Item(t) => t.span,
                        };
                        (text::monitor_entry(e), end.range().end)
                    })
                    .collect();
                let header = format!("monitor {}", text::string(&m.title.node));
                self.block(&header, m.title.span.range().end, blank, body, None);
            }
            Item::Phase(phase) => {
                let body = phase
                    .statements
                    .iter()
                    .map(|s| (text::phase_stmt(s), stmt_end(s)))
                    .collect();
                let header = format!(
                    "phase {} {}",
                    phase.id.node,
                    text::string(&phase.title.node)
                );
                let close = Some(phase.end.range().start);
                self.block(&header, phase.title.span.range().end, blank, body, close);
            }
        }
    }
}

fn field_end(field: &PlanField<'_>) -> usize {
    match field {
        PlanField::Title(t) | PlanField::Owner(t) | PlanField::Description(t) => t.span,
        PlanField::Start(d) => d.span,
    }
    .range()
    .end
}

fn stmt_end(stmt: &PhaseStmt<'_>) -> usize {
    match stmt {
        PhaseStmt::Duration(d) => d.span,
        PhaseStmt::Set(s) => s.span,
        PhaseStmt::Activity(t) | PhaseStmt::Check(t) | PhaseStmt::Notify(_, t) => t.span,
        PhaseStmt::Gate(g) => g.span,
        PhaseStmt::OnFail(f) => f.span,
        PhaseStmt::OnInconclusive(a) => a.span,
    }
    .range()
    .end
}
