//! What binding the names of a plan finds: the `plan` block missing or repeated, names that
//! do not bind or are declared twice, statements given twice or where they mislead.

use super::{Wording, did_you_mean, sealed};
use crate::diagnostic::Code;
use crate::source::Span;
use crate::syntax::ast::Unit;

/// The kinds of names that must be unique where they are declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Flag,
    Attribute,
    Cohort,
    Metric,
    Invariant,
    Phase,
    EnumVariant,
    Gate,
}

impl NameKind {
    fn noun(self) -> &'static str {
        match self {
            NameKind::Flag => "flag",
            NameKind::Attribute => "attribute",
            NameKind::Cohort => "cohort",
            NameKind::Metric => "metric",
            NameKind::Invariant => "invariant",
            NameKind::Phase => "phase",
            NameKind::EnumVariant => "enum variant",
            NameKind::Gate => "gate",
        }
    }
}

/// A statement that may appear once in its block, and the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// A field of the `plan` block (`title`, `start`, …).
    PlanField(String),
    /// `on_fail` or `on_inconclusive` at the top level of the plan.
    PlanWide(&'static str),
    /// `duration`, `on_fail` or `on_inconclusive` in a phase.
    Phase(&'static str),
    /// `pass` or `inconclusive` of a gate.
    Gate(&'static str),
}

impl Statement {
    fn keyword(&self) -> &str {
        match self {
            Statement::PlanField(k) => k,
            Statement::PlanWide(k) | Statement::Phase(k) | Statement::Gate(k) => k,
        }
    }

    fn block(&self) -> &'static str {
        match self {
            Statement::PlanField(_) => "the `plan` block",
            Statement::PlanWide(_) => "the plan",
            Statement::Phase(_) => "a phase",
            Statement::Gate(_) => "a gate",
        }
    }
}

/// A problem with the names and statements of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    // ---- the plan block ----------------------------------------------------------------
    /// The file has no `plan` block.
    NoPlanBlock,
    /// A `plan` block after the first.
    SecondPlanBlock { name: String, first: Span },
    /// The plan declares no phase.
    NoPhases,
    /// A plan name or phase id too long to become a file name.
    NameTooLong {
        what: &'static str,
        name: String,
        max: usize,
    },

    // ---- names -------------------------------------------------------------------------
    /// A name declared a second time.
    DeclaredTwice {
        kind: NameKind,
        name: String,
        first: Span,
    },
    /// A statement that may appear once, given a second time.
    RepeatedStatement { statement: Statement, first: Span },
    /// A second gate on a metric in one phase.
    MetricGatedTwice { metric: String, first: Span },
    /// A second `set` of a flag in one phase.
    SetTwice { flag: String, first: Span },
    /// A flag that is not declared; `attribute` is set when the name is a context attribute.
    UndefinedFlag {
        name: String,
        suggestion: Option<String>,
        attribute: Option<Span>,
    },
    /// A metric that is not declared; `unit` is the unit its use implies.
    UndefinedMetric {
        name: String,
        suggestion: Option<String>,
        unit: Option<Unit>,
    },
    /// A context attribute that is not declared.
    UndefinedAttribute {
        name: String,
        suggestion: Option<String>,
    },
    /// A cohort that is not declared; `attribute` is one a cohort could bucket by.
    UndefinedCohort {
        name: String,
        suggestion: Option<String>,
        attribute: String,
    },
    /// A rollback target that is not a phase.
    UndefinedPhase {
        id: String,
        suggestion: Option<String>,
    },

    // ---- policies --------------------------------------------------------------------------
    /// An `on_fail` on a gate's line, where it reads as the gate's own.
    OnFailAfterGate {
        phase: String,
        gate: String,
        gate_span: Span,
    },
}

impl sealed::Sealed for NameProblem {}

impl super::Problem for NameProblem {
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per problem, each its own words"
    )]
    fn wording(&self) -> Wording {
        use NameProblem as P;
        match self {
            P::NoPlanBlock => Wording::new(
                Code::PlanHeader,
                "the file has no `plan` block",
                "expected `plan NAME { … }` in this file",
                "start the file with `plan my_rollout { title \"…\" }`",
            ),
            P::SecondPlanBlock { name, first } => Wording::new(
                Code::PlanHeader,
                format!("a second `plan` block, `{name}`"),
                "second plan block",
                "a file holds one plan: merge the blocks, or move the second plan to its own file",
            )
            .related(*first, "first plan block"),
            P::NoPhases => Wording::new(
                Code::NoPhases,
                "the plan has no phases",
                "this plan",
                "add at least one `phase ID \"Title\" { duration 1w  set flag = value }`",
            ),
            P::NameTooLong { what, name, max } => Wording::new(
                Code::NameTooLong,
                format!(
                    "{what} `{}…` is {} characters long; file names are built from it, so it may have at most {max}",
                    // Ids are ASCII; a cut inside a character would shorten the quote instead.
                    name.get(..name.len().min(24)).unwrap_or(name),
                    name.len()
                ),
                "too long for a file name",
                format!("shorten it to {max} characters or fewer; the title can say the rest"),
            ),
            P::DeclaredTwice { kind, name, first } => {
                let kind = kind.noun();
                Wording::new(
                    Code::DuplicateName,
                    format!("{kind} `{name}` is declared twice"),
                    "declared again here",
                    format!("rename one of them, or delete the second {kind}"),
                )
                .related(*first, "first declared here")
            }
            P::RepeatedStatement { statement, first } => Wording::new(
                Code::RepeatedStatement,
                format!(
                    "`{}` is given twice in {}",
                    statement.keyword(),
                    statement.block()
                ),
                "given again here",
                format!(
                    "{} takes one `{}`: keep the one you mean and delete the other",
                    statement.block(),
                    statement.keyword()
                ),
            )
            .related(*first, "first given here"),
            P::MetricGatedTwice { metric, first } => Wording::new(
                Code::DuplicateName,
                format!("metric `{metric}` is gated twice in one phase"),
                "gated again here",
                "a phase checks each metric once: keep the gate with the threshold you mean and delete the other",
            )
            .related(*first, "first gate on this metric"),
            P::SetTwice { flag, first } => Wording::new(
                Code::DuplicateSet,
                format!("flag `{flag}` is set twice in one phase"),
                "set again here",
                "keep one `set`; to vary the value by context, use `set flag = v1 when attr == x else v0`",
            )
            .related(*first, "first set here"),
            P::UndefinedFlag {
                name,
                attribute: Some(attribute),
                ..
            } => Wording::new(
                Code::UndefinedFlag,
                format!("flag `{name}` is not declared"),
                "undeclared flag",
                "invariants and `set` range over flags; a context attribute is read only in a scoped value's `when`, like `set flag = v when attribute == x else w`",
            )
            .related(*attribute, format!("`{name}` is a context attribute")),
            P::UndefinedFlag {
                name,
                suggestion,
                attribute: None,
            } => Wording::new(
                Code::UndefinedFlag,
                format!("flag `{name}` is not declared"),
                "undeclared flag",
                did_you_mean(suggestion.as_deref(), || {
                    format!("declare it: `flag {name}: bool = false \"what it controls\"`")
                }),
            ),
            P::UndefinedMetric {
                name,
                suggestion,
                unit,
            } => Wording::new(
                Code::UndefinedMetric,
                format!("metric `{name}` is not declared"),
                "undeclared metric",
                did_you_mean(suggestion.as_deref(), || {
                    let unit = unit.map_or("percent", Unit::keyword);
                    format!("declare it: `metric {name}: {unit} \"what it measures\"`")
                }),
            ),
            P::UndefinedAttribute { name, suggestion } => Wording::new(
                Code::UndefinedAttribute,
                format!("context attribute `{name}` is not declared"),
                "undeclared attribute",
                did_you_mean(suggestion.as_deref(), || {
                    format!("declare the context attribute: `attribute {name}: string \"what it is\"`")
                }),
            ),
            P::UndefinedCohort {
                name,
                suggestion,
                attribute,
            } => Wording::new(
                Code::UndefinedCohort,
                format!("cohort `{name}` is not declared"),
                "undeclared cohort",
                did_you_mean(suggestion.as_deref(), || {
                    format!(
                        "declare it: `cohort {name} by {attribute} \"who is in it\"`, or bucket this flag on its own: `by {attribute}`"
                    )
                }),
            ),
            P::UndefinedPhase { id, suggestion } => Wording::new(
                Code::UndefinedPhase,
                format!("rollback target `{id}` is not a phase"),
                "no phase has this id",
                did_you_mean(suggestion.as_deref(), || {
                    "roll back to `previous`, `start`, or the id of an earlier phase".to_owned()
                }),
            ),
            P::OnFailAfterGate {
                phase,
                gate,
                gate_span,
            } => Wording::new(
                Code::OnFailAfterGate,
                format!("this `on_fail` is phase `{phase}`'s failure policy, not gate `{gate}`'s"),
                "applies when any gate of the phase fails",
                "put `on_fail` on a line of its own in the phase; a policy applies to every gate of its phase",
            )
            .related(*gate_span, "this gate has no policy of its own"),
        }
    }
}

#[cfg(test)]
impl NameProblem {
    /// One of each variant, for the catalogue's tests.
    pub(super) fn samples() -> Vec<Self> {
        use NameProblem as P;
        let s = Span::default;
        let text = || "x".to_owned();
        vec![
            P::NoPlanBlock,
            P::SecondPlanBlock {
                name: text(),
                first: s(),
            },
            P::NoPhases,
            P::NameTooLong {
                what: "phase id",
                name: "p".repeat(130),
                max: 128,
            },
            P::DeclaredTwice {
                kind: NameKind::Flag,
                name: text(),
                first: s(),
            },
            P::RepeatedStatement {
                statement: Statement::Phase("duration"),
                first: s(),
            },
            P::MetricGatedTwice {
                metric: text(),
                first: s(),
            },
            P::SetTwice {
                flag: text(),
                first: s(),
            },
            P::UndefinedFlag {
                name: text(),
                suggestion: None,
                attribute: None,
            },
            P::UndefinedFlag {
                name: text(),
                suggestion: None,
                attribute: Some(s()),
            },
            P::UndefinedMetric {
                name: text(),
                suggestion: Some(text()),
                unit: None,
            },
            P::UndefinedAttribute {
                name: text(),
                suggestion: None,
            },
            P::UndefinedCohort {
                name: text(),
                suggestion: None,
                attribute: text(),
            },
            P::UndefinedPhase {
                id: text(),
                suggestion: None,
            },
            P::OnFailAfterGate {
                phase: text(),
                gate: text(),
                gate_span: s(),
            },
        ]
    }
}
