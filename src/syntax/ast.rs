//! The syntax tree of a plan, as written: names are not yet bound, numbers, dates and durations
//! are still their source text, and the order of items is kept (the formatter prints it back).
//! Every node carries its [`Span`]; equality ignores spans, so two plans that differ only in
//! layout or comments compare equal.

use std::borrow::Cow;

use crate::source::Span;

/// A node and where it was written. `==` compares the node only.
#[derive(Debug, Clone, Copy)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// A name or dotted key, borrowed from the source.
pub type Name<'a> = Spanned<&'a str>;
/// A string literal with its escapes resolved.
pub type Text<'a> = Spanned<Cow<'a, str>>;
/// A number, date or duration as written; the resolver parses and range-checks it.
pub type Raw<'a> = Spanned<&'a str>;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct File<'a> {
    pub items: Vec<Item<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    Plan(PlanHeader<'a>),
    Attribute(AttributeDecl<'a>),
    Cohort(CohortDecl<'a>),
    Flag(FlagDecl<'a>),
    Metric(MetricDecl<'a>),
    Invariant(InvariantDecl<'a>),
    OnFail(OnFail<'a>),
    OnInconclusive(Spanned<InconclusiveAction<'a>>),
    Freeze(Freeze<'a>),
    Holiday(Holiday<'a>),
    /// `rollback { step "…" }`: the human steps of a rollback.
    Rollback(TextBlock<'a>),
    /// `validate { check "…" }`: checks run in every phase.
    Validate(TextBlock<'a>),
    /// `contingency { step "…" }`: what the team does when a phase misses its criteria.
    Contingency(TextBlock<'a>),
    Communicate(Communicate<'a>),
    Monitor(Monitor<'a>),
    Phase(Phase<'a>),
}

#[derive(Debug, Clone, Eq)]
pub struct TextBlock<'a> {
    /// The block keyword, for diagnostics.
    pub keyword: Span,
    pub items: Vec<Text<'a>>,
}

#[derive(Debug, Clone, Eq)]
pub struct PlanHeader<'a> {
    pub keyword: Span,
    pub name: Name<'a>,
    pub fields: Vec<PlanField<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanField<'a> {
    Title(Text<'a>),
    Owner(Text<'a>),
    Start(Raw<'a>),
    Description(Text<'a>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDecl<'a> {
    pub name: Name<'a>,
    pub ty: Spanned<TypeExpr<'a>>,
    pub description: Option<Text<'a>>,
}

/// `cohort early by user.id "…"`: a bucketing that flags share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortDecl<'a> {
    pub name: Name<'a>,
    /// The attribute whose value identifies a unit.
    pub attribute: Name<'a>,
    pub description: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagDecl<'a> {
    pub name: Name<'a>,
    pub ty: Spanned<TypeExpr<'a>>,
    pub initial: Literal<'a>,
    pub description: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr<'a> {
    Bool,
    Int,
    String,
    Enum(Vec<Name<'a>>),
}

/// A value as written: the resolver checks it against the flag's type.
pub type Literal<'a> = Spanned<LiteralKind<'a>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiteralKind<'a> {
    Bool(bool),
    /// An integer or decimal, as written.
    Number(&'a str),
    String(Cow<'a, str>),
    /// A bare name: an enum variant.
    Ident(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Percent,
    Ms,
    Count,
    Ratio,
}

impl Unit {
    pub fn keyword(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Ms => "ms",
            Unit::Count => "count",
            Unit::Ratio => "ratio",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricDecl<'a> {
    pub name: Name<'a>,
    pub unit: Spanned<Unit>,
    /// `query "…"`: the `PromQL` expression that reads the metric, in its unit.
    pub query: Option<Text<'a>>,
    pub description: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantDecl<'a> {
    pub name: Name<'a>,
    pub expr: Expr<'a>,
    pub description: Option<Text<'a>>,
}

pub type Expr<'a> = Spanned<ExprKind<'a>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind<'a> {
    /// `a -> b`; chains associate to the right.
    Implies(Box<Expr<'a>>, Box<Expr<'a>>),
    Or(Vec<Expr<'a>>),
    And(Vec<Expr<'a>>),
    Not(Box<Expr<'a>>),
    /// `flag == value`, `flag != value`, or an integer comparison (`flag < 10`).
    Compare {
        flag: Name<'a>,
        op: Spanned<CmpOp>,
        value: Literal<'a>,
    },
    Bool(bool),
    /// A bare flag: true when the (boolean) flag is on.
    Flag(Name<'a>),
    /// `( … )`, kept so the formatter can print the user's grouping back.
    Paren(Box<Expr<'a>>),
}

#[derive(Debug, Clone, Eq)]
pub struct Freeze<'a> {
    pub keyword: Span,
    pub from: Raw<'a>,
    pub to: Raw<'a>,
    pub reason: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday<'a> {
    pub date: Raw<'a>,
    pub name: Option<Text<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Moment {
    Before,
    After,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Communicate<'a> {
    pub moment: Spanned<Moment>,
    pub items: Vec<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitor<'a> {
    pub title: Text<'a>,
    pub entries: Vec<MonitorEntry<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorEntry<'a> {
    /// `watch metric`: a declared metric watched under this heading.
    Watch(Name<'a>),
    /// `item "…"`: a signal watched by people.
    Item(Text<'a>),
}

/// `on_fail …`, at plan level (the default) or in a phase (an override).
#[derive(Debug, Clone, Eq)]
pub struct OnFail<'a> {
    pub span: Span,
    pub action: FailAction<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailAction<'a> {
    /// `extend D` (without limit) or `extend D max N then rollback T`.
    Extend {
        by: Raw<'a>,
        limit: Option<(Raw<'a>, Name<'a>)>,
    },
    /// `rollback T`: roll back at the first failure.
    Rollback(Name<'a>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InconclusiveAction<'a> {
    /// Keep the phase running for the duration and evaluate again, without using an extension.
    Wait(Raw<'a>),
    /// Treat it as a failure that extends the phase.
    Extend,
    /// Treat it as a failure.
    Fail,
}

#[derive(Debug, Clone, Eq)]
pub struct Phase<'a> {
    pub keyword: Span,
    pub id: Name<'a>,
    pub title: Text<'a>,
    pub statements: Vec<PhaseStmt<'a>>,
    /// The closing brace, where "missing …" diagnostics point.
    pub end: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseStmt<'a> {
    Duration(Spanned<DurationSpec<'a>>),
    Set(SetStmt<'a>),
    Activity(Text<'a>),
    Gate(Box<Gate<'a>>),
    OnFail(OnFail<'a>),
    OnInconclusive(Spanned<InconclusiveAction<'a>>),
    /// `check "…"`: a validation check for this phase only.
    Check(Text<'a>),
    /// `notify before|after "…"`: a communication item for this phase only.
    Notify(Spanned<Moment>, Text<'a>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationSpec<'a> {
    Indefinite,
    Fixed(Raw<'a>),
    /// `min..max`, optionally `likely mode` (a triangular distribution).
    Range {
        min: Raw<'a>,
        max: Raw<'a>,
        likely: Option<Raw<'a>>,
    },
}

#[derive(Debug, Clone, Eq)]
pub struct SetStmt<'a> {
    pub span: Span,
    pub flag: Name<'a>,
    pub value: SetValue<'a>,
    /// `optional ["reason"]`: the phase may or may not apply this value. Boxed, as are the
    /// rarer phase statements, because most statements of a large plan are `set`s without it.
    pub optional: Option<Box<Spanned<Option<Text<'a>>>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetValue<'a> {
    Plain(Literal<'a>),
    /// `v1 when cond, v2 for 5% of early else v0`: the first rule that applies gives the
    /// value; `else` where none does (left out: the flag's declared value).
    Scoped {
        rules: Vec<ScopedRule<'a>>,
        default: Option<Literal<'a>>,
    },
}

/// `value [when condition] [for P% of COHORT | for P% by ATTRIBUTE]`, with at least one of
/// the two tails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedRule<'a> {
    pub value: Literal<'a>,
    pub condition: Option<Condition<'a>>,
    pub share: Option<Share<'a>>,
}

/// `for 5% of early` or `for 50% by user.id`.
#[derive(Debug, Clone, Eq)]
pub struct Share<'a> {
    pub span: Span,
    /// `5%`, as written.
    pub percent: Raw<'a>,
    pub bucketing: ShareBucketing<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareBucketing<'a> {
    /// `of COHORT`: the cohort's bucketing, shared with every flag rolled out in it.
    Cohort(Name<'a>),
    /// `by ATTRIBUTE`: a bucketing of this flag's own.
    Attribute(Name<'a>),
}

/// A `when` condition; its span covers the whole condition.
pub type Condition<'a> = Spanned<ConditionKind<'a>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionKind<'a> {
    /// One attribute tested: `region == eu`, `age >= 18`, `region in [eu, us]`.
    Test {
        attribute: Name<'a>,
        test: ConditionTest<'a>,
    },
    Not(Box<Condition<'a>>),
    And(Vec<Condition<'a>>),
    Or(Vec<Condition<'a>>),
    /// `( … )`, kept so the formatter can print the user's grouping back.
    Paren(Box<Condition<'a>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionTest<'a> {
    /// `== v`, `!= v`, or an integer comparison (`< v`, `<= v`, `> v`, `>= v`).
    Compare {
        op: Spanned<CmpOp>,
        value: Literal<'a>,
    },
    In(Vec<Literal<'a>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CmpOp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl CmpOp {
    /// From its symbol; `None` for any other text.
    pub fn parse(symbol: &str) -> Option<CmpOp> {
        Some(match symbol {
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            _ => return None,
        })
    }

    /// Whether it orders (`<`, `<=`, `>`, `>=`), which only integers take.
    pub fn orders(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// Whether `actual op expected` holds, for values of one type.
    pub fn compares<T: Ord + ?Sized>(self, actual: &T, expected: &T) -> bool {
        match self {
            CmpOp::Lt => actual < expected,
            CmpOp::Le => actual <= expected,
            CmpOp::Gt => actual > expected,
            CmpOp::Ge => actual >= expected,
            CmpOp::Eq => actual == expected,
            CmpOp::Ne => actual != expected,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

#[derive(Debug, Clone, Eq)]
pub struct Gate<'a> {
    pub span: Span,
    /// The gate's name; for a metric gate, the metric it reads.
    pub id: Name<'a>,
    pub threshold: Option<(Spanned<CmpOp>, Raw<'a>)>,
    /// `over D`: the window a metric gate is judged on, as written.
    pub over: Option<Raw<'a>>,
    pub text: Option<Text<'a>>,
    pub options: Vec<GateOption<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateOption<'a> {
    /// `pass P`: the probability the gate passes, for the Monte Carlo forecast.
    Pass(Raw<'a>),
    Inconclusive(Spanned<InconclusiveAction<'a>>),
}

/// `PartialEq` for a node that records a bare [`Span`] besides its children: the spans are left
/// out, as [`Spanned`] leaves them out, so equality ignores layout everywhere. The pattern names
/// every field, so a field added later must be sorted into one list or the other.
macro_rules! eq_ignoring_spans {
    ($ty:ident { spans: [$($span:ident),*], fields: [$($field:ident),*] }) => {
        impl PartialEq for $ty<'_> {
            fn eq(&self, other: &Self) -> bool {
                let $ty { $($span: _,)* $($field,)* } = self;
                true $(&& *$field == other.$field)*
            }
        }
    };
}

eq_ignoring_spans!(TextBlock {
    spans: [keyword],
    fields: [items]
});
eq_ignoring_spans!(PlanHeader {
    spans: [keyword],
    fields: [name, fields]
});
eq_ignoring_spans!(Freeze {
    spans: [keyword],
    fields: [from, to, reason]
});
eq_ignoring_spans!(OnFail {
    spans: [span],
    fields: [action]
});
eq_ignoring_spans!(Phase {
    spans: [keyword, end],
    fields: [id, title, statements]
});
eq_ignoring_spans!(SetStmt {
    spans: [span],
    fields: [flag, value, optional]
});
eq_ignoring_spans!(Share {
    spans: [span],
    fields: [percent, bucketing]
});
eq_ignoring_spans!(Gate {
    spans: [span],
    fields: [id, threshold, over, text, options]
});
