//! What resolving a plan finds: names that do not bind or are declared twice, values of the
//! wrong type or out of range, statements given twice, limits of a phase.

use super::{Wording, did_you_mean, sealed};
use crate::diagnostic::Code;
use crate::model::FlagType;
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

/// What is given a value: a flag or a context attribute, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Flag(String),
    Attribute(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Flag(name) => write!(f, "flag `{name}`"),
            Subject::Attribute(name) => write!(f, "attribute `{name}`"),
        }
    }
}

/// A literal of the wrong type, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Bool,
    Decimal,
    Number,
    String(String),
    Name(String),
}

/// The values of a type, in words: "a bool", "an int", "a string", "a variant of enum(a, b)".
fn values_of(ty: &FlagType) -> String {
    match ty {
        FlagType::Enum(_) => format!("a variant of {ty}"),
        _ => kind_of(ty).to_owned(),
    }
}

/// The kind of a type, in words: "a bool", "an int", "a string", "an enum".
fn kind_of(ty: &FlagType) -> &'static str {
    match ty {
        FlagType::Bool => "a bool",
        FlagType::Int => "an int",
        FlagType::String => "a string",
        FlagType::Enum(_) => "an enum",
    }
}

const INT_RANGE: &str = "write a whole number between -2^63 and 2^63-1";

/// A problem found while resolving a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveProblem {
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

    // ---- values and types ----------------------------------------------------------------
    /// An identifier that is not a variant of the enum it is given to.
    NotAVariant {
        value: String,
        subject: Subject,
        ty: FlagType,
        declared: Span,
        suggestion: Option<String>,
    },
    /// A literal of another type than its flag's or attribute's.
    WrongType {
        subject: Subject,
        ty: FlagType,
        found: Found,
        declared: Span,
    },
    /// An ordering (`<`, `<=`, `>`, `>=`) on something that is not an int.
    OrderingNotInt {
        symbol: &'static str,
        subject: Subject,
        ty: FlagType,
        declared: Span,
    },
    /// A flag that is not a bool, alone in a formula.
    NotABool {
        flag: String,
        ty: FlagType,
        declared: Span,
    },
    /// A gate threshold whose unit does not fit its metric's.
    UnitMismatch {
        threshold: String,
        number: String,
        metric: String,
        unit: Unit,
        declared: Span,
    },
    /// An int literal beyond 64 bits.
    IntOutOfRange {
        text: String,
        subject: Subject,
        ty: FlagType,
        declared: Span,
    },
    /// A gate's `pass` probability outside 0..=1.
    ProbabilityOutOfRange { text: String },
    /// A threshold too large for a float.
    ThresholdTooLarge { digits: usize },
    /// An extension count outside 1..=1000.
    ExtensionsOutOfRange { text: String },
    /// A share with more than three decimals.
    ShareTooPrecise { text: String },
    /// A share of 0%.
    ShareOfNone { text: String },
    /// A share over 100%.
    ShareOverAll { text: String },
    /// Units bucketed by a bool or enum attribute.
    InvalidBucketing {
        attribute: String,
        ty: FlagType,
        declared: Span,
    },
    /// A metric whose `query` is empty.
    EmptyQuery { metric: String, unit: Unit },

    // ---- time ------------------------------------------------------------------------------
    /// A phase with no `duration`; `end` is its closing brace.
    MissingDuration { phase: String, end: Span },
    /// A duration of zero.
    ZeroDuration { text: String },
    /// A duration over 1000 years.
    DurationTooLong { text: String },
    /// A duration range whose bounds are out of order.
    RangeOutOfOrder { min: String, max: String },
    /// A gate window of zero.
    ZeroWindow { text: String },
    /// A gate window over 1000 years.
    WindowTooLong { text: String },
    /// A date that is not on the calendar; `time` when a date-time would do too (the start).
    NoSuchDay { text: String, time: bool },
    /// A start date-time without an offset.
    NoOffset { text: String },
    /// A start that is not an RFC 3339 date-time.
    NotATime { text: String },
    /// A start with seconds.
    NotAWholeMinute { text: String },
    /// A freeze window that ends before it starts.
    FreezeOutOfOrder { from: String, to: String },
    /// A phase that would end after 9999-12-31; `runs` says how long from when.
    PastTheCalendar {
        phase: String,
        last_day: String,
        runs: String,
    },

    // ---- limits of a phase -----------------------------------------------------------------
    /// More optional values in a phase than are checked.
    TooManyOptionalValues {
        phase: String,
        count: usize,
        max: usize,
    },
    /// More configurations of a phase than are checked.
    TooManyConfigurations { phase: String, max: usize },

    // ---- policies --------------------------------------------------------------------------
    /// An `on_fail` on a gate's line, where it reads as the gate's own.
    OnFailAfterGate {
        phase: String,
        gate: String,
        gate_span: Span,
    },
}

impl sealed::Sealed for ResolveProblem {}

impl super::Problem for ResolveProblem {
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per problem, each its own words"
    )]
    fn wording(&self) -> Wording {
        use ResolveProblem as P;
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
            P::NotAVariant {
                value,
                subject,
                ty,
                declared,
                suggestion,
            } => Wording::new(
                Code::TypeMismatch,
                format!("`{value}` is not a variant of {subject}"),
                "unknown variant",
                did_you_mean(suggestion.as_deref(), || match ty {
                    FlagType::Enum(variants) => {
                        format!("use one of the variants: {}", variants.join(", "))
                    }
                    _ => format!("give {subject} {}", values_of(ty)),
                }),
            )
            .related(*declared, format!("declared as {ty} here")),
            P::WrongType {
                subject,
                ty,
                found,
                declared,
            } => {
                let found_words = match found {
                    Found::Bool => "a bool".to_owned(),
                    Found::Decimal => "a decimal number".to_owned(),
                    Found::Number => "a number".to_owned(),
                    Found::String(_) => "a string".to_owned(),
                    Found::Name(name) => format!("the name `{name}`"),
                };
                Wording::new(
                    Code::TypeMismatch,
                    format!("{subject} takes {}, found {found_words}", values_of(ty)),
                    format!("expected {}", values_of(ty)),
                    wrong_type_help(ty, found),
                )
                .related(*declared, format!("declared as {ty} here"))
            }
            P::OrderingNotInt {
                symbol,
                subject,
                ty,
                declared,
            } => Wording::new(
                Code::TypeMismatch,
                format!("`{symbol}` compares ints, but {subject} is {}", kind_of(ty)),
                "needs an int",
                match ty {
                    FlagType::Bool => format!("test a bool with `==` or `!=` instead of `{symbol}`"),
                    _ => format!(
                        "`{symbol}` compares ints; test {subject} with `==`, `!=` or `in [...]`, or declare it as int"
                    ),
                },
            )
            .related(*declared, format!("declared as {ty} here")),
            P::NotABool { flag, ty, declared } => Wording::new(
                Code::TypeMismatch,
                format!(
                    "flag `{flag}` is {}, not a bool, so it cannot stand alone in a formula",
                    kind_of(ty)
                ),
                "not a bool",
                format!("compare it with a value: `{flag} == …`"),
            )
            .related(*declared, format!("declared as {ty} here")),
            P::UnitMismatch {
                threshold,
                number,
                metric,
                unit,
                declared,
            } => {
                let example = match unit {
                    Unit::Percent => format!("`{number}%`"),
                    Unit::Ms => format!("`{number}ms`"),
                    Unit::Count => "a whole number without a unit, like `0` or `5`".to_owned(),
                    Unit::Ratio => "a plain number, like `0.02`".to_owned(),
                };
                let unit = unit.keyword();
                Wording::new(
                    Code::UnitMismatch,
                    format!(
                        "threshold `{threshold}` does not fit metric `{metric}`, which is measured in {unit}"
                    ),
                    format!("expected {unit}"),
                    format!("write the threshold in the metric's unit: {example}"),
                )
                .related(*declared, format!("`{metric}` is declared in {unit} here"))
            }
            P::IntOutOfRange {
                text,
                subject,
                ty,
                declared,
            } => Wording::new(
                Code::InvalidNumber,
                format!("`{text}` is out of range for {subject}"),
                "beyond 64 bits",
                INT_RANGE,
            )
            .related(*declared, format!("declared as {ty} here")),
            P::ProbabilityOutOfRange { text } => Wording::new(
                Code::InvalidNumber,
                format!("pass probability `{text}` is not between 0 and 1"),
                "not a probability",
                "write the chance the gate passes as a number from 0 to 1, like `pass 0.95`",
            ),
            P::ThresholdTooLarge { digits } => Wording::new(
                Code::InvalidNumber,
                format!(
                    "a threshold with {digits} digits before the point is too large to compare with"
                ),
                "out of range",
                "write a threshold the metric can reach, with at most 300 digits before the point",
            ),
            P::ExtensionsOutOfRange { text } => Wording::new(
                Code::InvalidNumber,
                format!("`max {text}` extensions is out of range"),
                "expected 1 to 1000",
                "allow between 1 and 1000 extensions, or write `on_fail rollback previous` to roll back at once",
            ),
            P::ShareTooPrecise { text } => Wording::new(
                Code::InvalidPercent,
                format!("share `{text}` has more than three decimals"),
                "this share",
                "give the share in thousandths of a percent at most (`0.125%`): flag systems bucket no finer",
            ),
            P::ShareOfNone { text } => Wording::new(
                Code::InvalidPercent,
                format!("share `{text}` gives the value to no unit"),
                "this share",
                "give a share from 0.001% to 100%, or leave the rule out",
            ),
            P::ShareOverAll { text } => Wording::new(
                Code::InvalidPercent,
                format!("share `{text}` is more than 100%"),
                "this share",
                "give a share from 0.001% to 100%; `100%` gives the value to every unit",
            ),
            P::InvalidBucketing {
                attribute,
                ty,
                declared,
            } => Wording::new(
                Code::InvalidBucketing,
                format!(
                    "attribute `{attribute}` is {}, and units are bucketed by an attribute that names one unit",
                    kind_of(ty)
                ),
                "cannot name one unit",
                "bucket by a string or int attribute that identifies a unit, such as `user.id`: a share of the values of a bool or enum would give whole groups the value at once",
            )
            .related(*declared, format!("declared as {ty} here")),
            P::EmptyQuery { metric, unit } => Wording::new(
                Code::EmptyQuery,
                format!("metric `{metric}` has an empty query"),
                "no PromQL expression",
                format!(
                    "write the PromQL expression that gives `{metric}` in {}, or leave out `query`",
                    unit.keyword()
                ),
            ),
            P::MissingDuration { phase, end } => Wording::new(
                Code::MissingDuration,
                format!("phase `{phase}` has no `duration`"),
                "this phase",
                "say how long the phase runs: `duration 1w`, `duration 1w..2w` or, for the last phase, `duration indefinite`",
            )
            .related(*end, "add it before this brace"),
            P::ZeroDuration { text } => Wording::new(
                Code::InvalidDuration,
                format!("duration `{text}` is zero"),
                "zero length",
                "give a length of at least a minute, like `30m`, `12h`, `3d` or `2w`",
            ),
            P::DurationTooLong { text } => Wording::new(
                Code::InvalidDuration,
                format!("duration `{text}` is longer than 1000 years"),
                "too long",
                "give a length of at most 1000 years; a last phase with no end takes `duration indefinite`",
            ),
            P::RangeOutOfOrder { min, max } => Wording::new(
                Code::InvalidDuration,
                format!("the duration range `{min}..{max}` is out of order"),
                "bounds out of order",
                "write the shortest length first, and a `likely` length between the two",
            ),
            P::ZeroWindow { text } => Wording::new(
                Code::InvalidDuration,
                format!("window `{text}` is zero"),
                "zero length",
                WINDOW_HELP,
            ),
            P::WindowTooLong { text } => Wording::new(
                Code::InvalidDuration,
                format!("window `{text}` is longer than 1000 years"),
                "too long",
                WINDOW_HELP,
            ),
            P::NoSuchDay { text, time } => Wording::new(
                Code::InvalidDate,
                format!("`{text}` is not a date on the calendar"),
                "no such day",
                if *time {
                    "write a real day as YYYY-MM-DD, like 2026-12-01, or a date-time like 2026-12-01T09:00:00Z"
                } else {
                    "write a real day as YYYY-MM-DD, like 2026-12-01"
                },
            ),
            P::NoOffset { text } => Wording::new(
                Code::InvalidDate,
                format!("the date-time `{text}` has no time zone offset"),
                "which time zone?",
                "end the time with `Z` for UTC (`T09:00:00Z`) or with its offset from UTC (`T09:00:00+02:00`)",
            ),
            P::NotATime { text } => Wording::new(
                Code::InvalidDate,
                format!("`{text}` is not an RFC 3339 date-time"),
                "not a time of day",
                "write the time as HH:MM:SS on a 24-hour clock with `Z` or an offset, like 2026-12-01T09:00:00Z",
            ),
            P::NotAWholeMinute { text } => Wording::new(
                Code::InvalidDate,
                format!("the start `{text}` is not on a whole minute"),
                "seconds",
                "plans count whole minutes: write the seconds as `:00`, like 2026-12-01T09:00:00Z",
            ),
            P::FreezeOutOfOrder { from, to } => Wording::new(
                Code::InvalidDate,
                format!("freeze window ends on {to}, before it starts on {from}"),
                "the end comes before the start",
                "write the first frozen day first: `freeze FROM..TO`",
            ),
            P::PastTheCalendar {
                phase,
                last_day,
                runs,
            } => Wording::new(
                Code::InvalidDate,
                format!("phase `{phase}` would end after {last_day}, the last day the calendar holds"),
                runs.as_str(),
                "start the rollout earlier, or shorten the phases, so that it ends by 9999-12-31",
            ),
            P::TooManyOptionalValues { phase, count, max } => Wording::new(
                Code::TooManyVariants,
                format!("phase `{phase}` has {count} optional values; at most {max} are checked"),
                "one optional value too many",
                "split the phase in two, or make some of the values definite",
            ),
            P::TooManyConfigurations { phase, max } => Wording::new(
                Code::TooManyVariants,
                format!(
                    "phase `{phase}` can be in more than {max} configurations because of optional values"
                ),
                "too many combinations",
                "make some optional values definite, or set them again in a later phase",
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

const WINDOW_HELP: &str =
    "judge the gate over a window of at least a minute, like `over 30m` or `over 1h`";

/// How to write a value of `ty` where `found` was written: the one fix when the right value
/// is in the wrong form (`"true"`, `"plus"`), a likely misspelling of a bool, else the form.
fn wrong_type_help(ty: &FlagType, found: &Found) -> String {
    let quoted_right = match (found, ty) {
        (Found::String(s), FlagType::Bool) if s == "true" || s == "false" => Some(s),
        (Found::String(s), FlagType::Int) if s.parse::<i64>().is_ok() => Some(s),
        (Found::String(s), FlagType::Enum(variants)) if variants.iter().any(|v| v == s) => Some(s),
        _ => None,
    };
    if let Some(s) = quoted_right {
        return format!("write `{s}` without quotes");
    }
    match (ty, found) {
        (FlagType::String, Found::Name(name)) => {
            format!("write the value in double quotes: `\"{name}\"`")
        }
        (FlagType::Bool, Found::Name(name)) => {
            // `ture`, `True`, `flase`: a bool by its first letter and its length.
            let lower = name.to_ascii_lowercase();
            ["true", "false"]
                .into_iter()
                .find(|b| lower.starts_with(&b[..1]) && lower.len().abs_diff(b.len()) <= 1)
                .map_or_else(
                    || "write `true` or `false`".to_owned(),
                    |b| format!("did you mean `{b}`?"),
                )
        }
        (FlagType::Bool, _) => "write `true` or `false`".to_owned(),
        (FlagType::Int, _) => INT_RANGE.to_owned(),
        (FlagType::String, _) => "write the value in double quotes".to_owned(),
        (FlagType::Enum(variants), _) => format!(
            "write one of the variants without quotes: {}",
            variants.join(", ")
        ),
    }
}

#[cfg(test)]
impl ResolveProblem {
    /// One of each variant, for the catalogue's tests.
    #[expect(clippy::too_many_lines, reason = "a table, one sample per variant")]
    pub(super) fn samples() -> Vec<Self> {
        use ResolveProblem as P;
        let s = Span::default;
        let text = || "x".to_owned();
        let flag = || Subject::Flag("f".to_owned());
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
            P::NotAVariant {
                value: text(),
                subject: flag(),
                ty: FlagType::Enum(vec![text()]),
                declared: s(),
                suggestion: None,
            },
            P::WrongType {
                subject: flag(),
                ty: FlagType::Bool,
                found: Found::Name("ture".to_owned()),
                declared: s(),
            },
            P::OrderingNotInt {
                symbol: "<",
                subject: flag(),
                ty: FlagType::String,
                declared: s(),
            },
            P::NotABool {
                flag: text(),
                ty: FlagType::Int,
                declared: s(),
            },
            P::UnitMismatch {
                threshold: "1".to_owned(),
                number: "1".to_owned(),
                metric: text(),
                unit: Unit::Percent,
                declared: s(),
            },
            P::IntOutOfRange {
                text: "1".repeat(30),
                subject: flag(),
                ty: FlagType::Int,
                declared: s(),
            },
            P::ProbabilityOutOfRange {
                text: "2".to_owned(),
            },
            P::ThresholdTooLarge { digits: 400 },
            P::ExtensionsOutOfRange {
                text: "0".to_owned(),
            },
            P::ShareTooPrecise {
                text: "0.0001%".to_owned(),
            },
            P::ShareOfNone {
                text: "0%".to_owned(),
            },
            P::ShareOverAll {
                text: "101%".to_owned(),
            },
            P::InvalidBucketing {
                attribute: text(),
                ty: FlagType::Bool,
                declared: s(),
            },
            P::EmptyQuery {
                metric: text(),
                unit: Unit::Ratio,
            },
            P::MissingDuration {
                phase: text(),
                end: s(),
            },
            P::ZeroDuration {
                text: "0d".to_owned(),
            },
            P::DurationTooLong {
                text: "99999w".to_owned(),
            },
            P::RangeOutOfOrder {
                min: "2w".to_owned(),
                max: "1w".to_owned(),
            },
            P::ZeroWindow {
                text: "0m".to_owned(),
            },
            P::WindowTooLong {
                text: "99999w".to_owned(),
            },
            P::NoSuchDay {
                text: "2026-02-30".to_owned(),
                time: false,
            },
            P::NoOffset { text: text() },
            P::NotATime { text: text() },
            P::NotAWholeMinute { text: text() },
            P::FreezeOutOfOrder {
                from: text(),
                to: text(),
            },
            P::PastTheCalendar {
                phase: text(),
                last_day: "9999-12-31".to_owned(),
                runs: "runs 3 days".to_owned(),
            },
            P::TooManyOptionalValues {
                phase: text(),
                count: 13,
                max: 12,
            },
            P::TooManyConfigurations {
                phase: text(),
                max: 4096,
            },
            P::OnFailAfterGate {
                phase: text(),
                gate: text(),
                gate_span: s(),
            },
        ]
    }
}
