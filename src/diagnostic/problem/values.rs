//! What checking the values of a plan finds: literals of the wrong type, numbers and shares
//! out of range, and the limits of a phase's variants.

use super::{Wording, did_you_mean, sealed};
use crate::diagnostic::Code;
use crate::model::FlagType;
use crate::source::Span;
use crate::syntax::ast::Unit;

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

/// A problem with a value, a type, a length or a date in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
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

    // ---- limits of a phase -----------------------------------------------------------------
    /// More optional values in a phase than are checked.
    TooManyOptionalValues {
        phase: String,
        count: usize,
        max: usize,
    },
    /// More configurations of a phase than are checked.
    TooManyConfigurations { phase: String, max: usize },
}

impl sealed::Sealed for ValueProblem {}

impl super::Problem for ValueProblem {
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per problem, each its own words"
    )]
    fn wording(&self) -> Wording {
        use ValueProblem as P;
        match self {
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
        }
    }
}

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
impl ValueProblem {
    /// One of each variant, for the catalogue's tests.
    pub(super) fn samples() -> Vec<Self> {
        use ValueProblem as P;
        let s = Span::default;
        let text = || "x".to_owned();
        let flag = || Subject::Flag("f".to_owned());
        vec![
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
            P::TooManyOptionalValues {
                phase: text(),
                count: 13,
                max: 12,
            },
            P::TooManyConfigurations {
                phase: text(),
                max: 4096,
            },
        ]
    }
}
