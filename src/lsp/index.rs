//! Where every name is declared and used in one plan text, read from the syntax tree of what
//! parsed: definition, references, rename, hover and the outline all start here.

use std::ops::Range;

use crate::syntax::ast::{
    self, ConditionKind, ExprKind, FailAction, Item, MonitorEntry, PhaseStmt, SetValue,
    ShareBucketing,
};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Plan,
    Flag,
    Attribute,
    Cohort,
    Metric,
    Invariant,
    Phase,
}

impl Kind {
    pub(super) fn word(self) -> &'static str {
        match self {
            Kind::Plan => "plan",
            Kind::Flag => "flag",
            Kind::Attribute => "attribute",
            Kind::Cohort => "cohort",
            Kind::Metric => "metric",
            Kind::Invariant => "invariant",
            Kind::Phase => "phase",
        }
    }
}

/// A declaration: the name and the whole item.
#[derive(Debug, Clone)]
pub(super) struct Declaration {
    pub(super) kind: Kind,
    pub(super) name: String,
    /// The name where it is declared.
    pub(super) name_range: Range<usize>,
    /// The whole item, for the outline.
    pub(super) item_range: Range<usize>,
    /// The declaration as written after the name (`: bool = false`), for hover and completion.
    pub(super) detail: String,
    /// An enum's variants, for a flag or attribute of enum type.
    pub(super) variants: Vec<String>,
    /// The gates of a phase: (name, text as written).
    pub(super) gates: Vec<(String, String)>,
}

/// One place a name is written: its declaration or a use.
#[derive(Debug, Clone)]
pub(super) struct Occurrence {
    pub(super) kind: Kind,
    pub(super) name: String,
    pub(super) range: Range<usize>,
}

#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) declarations: Vec<Declaration>,
    /// Declarations and uses, in text order.
    pub(super) occurrences: Vec<Occurrence>,
}

impl Index {
    /// Indexes what parsed of `text`.
    pub(super) fn build(file: &ast::File<'_>, text: &str) -> Index {
        let mut b = Builder {
            text,
            index: Index::default(),
        };
        for item in &file.items {
            b.item(item);
        }
        b.index.occurrences.sort_by_key(|o| o.range.start);
        b.index
    }

    /// The name written at byte `offset` (the end of a name counts, where a cursor sits).
    pub(super) fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.range.start <= offset && offset <= o.range.end)
    }

    pub(super) fn declaration(&self, kind: Kind, name: &str) -> Option<&Declaration> {
        self.declarations
            .iter()
            .find(|d| d.kind == kind && d.name == name)
    }

    pub(super) fn declared(&self, kind: Kind) -> impl Iterator<Item = &Declaration> {
        self.declarations.iter().filter(move |d| d.kind == kind)
    }

    /// Every place `name` of `kind` is written, its declaration included.
    pub(super) fn occurrences_of<'a>(
        &'a self,
        kind: Kind,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }
}

struct Builder<'t> {
    text: &'t str,
    index: Index,
}

impl Builder<'_> {
    fn use_of(&mut self, kind: Kind, name: &ast::Name<'_>) {
        self.index.occurrences.push(Occurrence {
            kind,
            name: name.node.to_owned(),
            range: name.span.range(),
        });
    }

    /// Declares `name`; the item runs from the start of its line to `end`.
    fn declare(&mut self, kind: Kind, name: &ast::Name<'_>, end: usize, variants: Vec<String>) {
        let range = name.span.range();
        let line_start = self.text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let detail = self
            .text
            .get(range.end..end)
            .unwrap_or("")
            .trim()
            .to_owned();
        self.use_of(kind, name);
        self.index.declarations.push(Declaration {
            kind,
            name: name.node.to_owned(),
            item_range: line_start..end.max(range.end),
            name_range: range,
            detail,
            variants,
            gates: Vec::new(),
        });
    }

    fn item(&mut self, item: &Item<'_>) {
        match item {
            Item::Plan(h) => self.declare(Kind::Plan, &h.name, h.name.span.range().end, Vec::new()),
            Item::Attribute(a) => {
                let end = a.description.as_ref().map_or(a.ty.span, |d| d.span);
                self.declare(
                    Kind::Attribute,
                    &a.name,
                    end.range().end,
                    variants(&a.ty.node),
                );
            }
            Item::Cohort(c) => {
                let end = c.description.as_ref().map_or(c.attribute.span, |d| d.span);
                self.declare(Kind::Cohort, &c.name, end.range().end, Vec::new());
                self.use_of(Kind::Attribute, &c.attribute);
            }
            Item::Flag(f) => {
                let end = f.description.as_ref().map_or(f.initial.span, |d| d.span);
                self.declare(Kind::Flag, &f.name, end.range().end, variants(&f.ty.node));
            }
            Item::Metric(m) => {
                let end = m.description.as_ref().map_or(m.unit.span, |d| d.span);
                self.declare(Kind::Metric, &m.name, end.range().end, Vec::new());
            }
            Item::Invariant(i) => {
                let end = i.description.as_ref().map_or(i.expr.span, |d| d.span);
                self.declare(Kind::Invariant, &i.name, end.range().end, Vec::new());
                self.expr(&i.expr);
            }
            Item::OnFail(o) => self.on_fail(&o.action),
            Item::Monitor(m) => {
                for entry in &m.entries {
                    if let MonitorEntry::Watch(name) = entry {
                        self.use_of(Kind::Metric, name);
                    }
                }
            }
            Item::Phase(p) => self.phase(p),
            Item::OnInconclusive(_)
            | Item::Freeze(_)
            | Item::Holiday(_)
            | Item::Rollback(_)
            | Item::Validate(_)
            | Item::Contingency(_)
            | Item::Communicate(_) => {}
        }
    }

    fn phase(&mut self, p: &ast::Phase<'_>) {
        self.declare(Kind::Phase, &p.id, p.end.range().end, Vec::new());
        let mut gates = Vec::new();
        for statement in &p.statements {
            match statement {
                PhaseStmt::Set(s) => {
                    self.use_of(Kind::Flag, &s.flag);
                    if let SetValue::Scoped { rules, .. } = &s.value {
                        for rule in rules {
                            if let Some(c) = &rule.condition {
                                self.condition(c);
                            }
                            match rule.share.as_ref().map(|s| &s.bucketing) {
                                Some(ShareBucketing::Cohort(c)) => self.use_of(Kind::Cohort, c),
                                Some(ShareBucketing::Attribute(a)) => {
                                    self.use_of(Kind::Attribute, a);
                                }
                                None => {}
                            }
                        }
                    }
                }
                PhaseStmt::Gate(g) => {
                    if g.threshold.is_some() {
                        self.use_of(Kind::Metric, &g.id);
                    }
                    let written = self.text.get(g.span.range()).unwrap_or("");
                    let written = written.trim_start_matches("gate").trim();
                    gates.push((g.id.node.to_owned(), written.to_owned()));
                }
                PhaseStmt::OnFail(o) => self.on_fail(&o.action),
                _ => {}
            }
        }
        if let Some(d) = self.index.declarations.last_mut() {
            d.item_range.start = p.keyword.range().start;
            d.detail = format!("{:?}", p.title.node.as_ref());
            d.gates = gates;
        }
    }

    fn on_fail(&mut self, action: &FailAction<'_>) {
        let target = match action {
            FailAction::Rollback(t) => Some(t),
            FailAction::Extend { limit, .. } => limit.as_ref().map(|(_, t)| t),
        };
        if let Some(t) = target.filter(|t| !matches!(t.node, "start" | "previous")) {
            self.use_of(Kind::Phase, t);
        }
    }

    fn condition(&mut self, c: &ast::Condition<'_>) {
        match &c.node {
            ConditionKind::Test { attribute, .. } => self.use_of(Kind::Attribute, attribute),
            ConditionKind::Not(inner) | ConditionKind::Paren(inner) => self.condition(inner),
            ConditionKind::And(parts) | ConditionKind::Or(parts) => {
                for p in parts {
                    self.condition(p);
                }
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr<'_>) {
        match &e.node {
            ExprKind::Implies(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Or(parts) | ExprKind::And(parts) => parts.iter().for_each(|p| self.expr(p)),
            ExprKind::Not(inner) | ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Compare { flag, .. } | ExprKind::Flag(flag) => self.use_of(Kind::Flag, flag),
            ExprKind::Bool(_) => {}
        }
    }
}

fn variants(ty: &ast::TypeExpr<'_>) -> Vec<String> {
    match ty {
        ast::TypeExpr::Enum(names) => names.iter().map(|n| n.node.to_owned()).collect(),
        _ => Vec::new(),
    }
}
