//! What the consumers of a plan find: a scenario that does not fit the plan (`simulate
//! --scenario`), a plan a target cannot hold (`emit`), a formatter that would change meaning.

use super::{Wording, did_you_mean, sealed};
use crate::diagnostic::Code;
use crate::syntax::ast::Unit;

/// A problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioProblem {
    /// Nesting past what a scenario needs.
    TooDeep { max: usize },
    /// Not YAML; `detail` is the YAML reader's words.
    NotYaml { detail: String },
    /// The top level is not a mapping.
    NotAMapping,
    /// A phase the plan does not declare; `phases` are the plan's ids.
    UnknownPhase {
        name: String,
        suggestion: Option<String>,
        phases: Vec<String>,
    },
    /// A phase whose attempts are not a list.
    NotAList { phase: String },
    /// An attempt that is not a map of gates to results.
    AttemptNotAMap { phase: String },
    /// A gate the phase does not evaluate; `metric` when the name is a metric of the plan.
    UnknownGate {
        phase: String,
        name: String,
        metric: bool,
        suggestion: Option<String>,
        gates: Vec<String>,
    },
    /// A person's gate given something other than a result word.
    NotAResult { gate: String, value: String },
    /// A value with a unit that is not one.
    UnknownUnit {
        value: String,
        written: String,
        gate: String,
        unit: Unit,
    },
    /// Neither a number nor a result word.
    NotAValue {
        value: String,
        gate: String,
        unit: Unit,
    },
    /// A value in another unit than its metric's.
    WrongUnit {
        value: String,
        gate: String,
        unit: Unit,
    },
}

fn example(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "a percentage like `0.3%`",
        Unit::Ms => "milliseconds like `120ms`",
        Unit::Count => "a whole number like `0` or `4`",
        Unit::Ratio => "a plain number like `0.02`",
    }
}

fn quoted_list(names: &[String], none: &str) -> String {
    if names.is_empty() {
        return none.to_owned();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl sealed::Sealed for ScenarioProblem {}

impl super::Problem for ScenarioProblem {
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per problem, each its own words"
    )]
    fn wording(&self) -> Wording {
        use ScenarioProblem as P;
        match self {
            P::TooDeep { max } => Wording::new(
                Code::ScenarioSyntax,
                format!("the scenario nests deeper than {max} levels"),
                "one level too many",
                "a scenario maps phases to lists of attempts, each a map of gates to results: four levels",
            ),
            P::NotYaml { detail } => Wording::new(
                Code::ScenarioSyntax,
                "the scenario is not valid YAML",
                detail.as_str(),
                "write the scenario as YAML: `phase: [{gate: value}, …]`",
            ),
            P::NotAMapping => Wording::new(
                Code::ScenarioSyntax,
                "a scenario maps phase ids to lists of attempts, but this is not a mapping",
                "expected `phase: [...]`",
                "start each line with a phase id: `full_production: [{error_rate: 0.3%}]`",
            ),
            P::UnknownPhase {
                name,
                suggestion,
                phases,
            } => Wording::new(
                Code::ScenarioUnknownPhase,
                format!("the plan has no phase `{name}`"),
                "unknown phase",
                did_you_mean(suggestion.as_deref(), || {
                    format!("the plan's phases are {}", quoted_list(phases, "none"))
                }),
            ),
            P::NotAList { phase } => Wording::new(
                Code::ScenarioSyntax,
                format!("phase `{phase}` must list its attempts, one per evaluation"),
                "expected a list",
                format!("write `{phase}: [{{gate: value}}, …]`, one map per attempt"),
            ),
            P::AttemptNotAMap { phase } => Wording::new(
                Code::ScenarioSyntax,
                format!("an attempt of phase `{phase}` must map gate names to results"),
                "expected `{gate: value}`",
                "write each attempt as a map: `- {error_rate: 0.3%, no_regressions: passed}`",
            ),
            P::UnknownGate {
                phase,
                name,
                metric,
                suggestion,
                gates,
            } => {
                let evaluates = || {
                    format!(
                        "phase `{phase}` evaluates {}",
                        quoted_list(gates, "no gates")
                    )
                };
                let (message, help) = if *metric {
                    (
                        format!("phase `{phase}` has no gate on metric `{name}`"),
                        evaluates(),
                    )
                } else {
                    (
                        format!("phase `{phase}` has no gate or metric `{name}`"),
                        did_you_mean(suggestion.as_deref(), evaluates),
                    )
                };
                Wording::new(Code::ScenarioUnknownGate, message, "unknown gate", help)
            }
            P::NotAResult { gate, value } => Wording::new(
                Code::ScenarioInvalidValue,
                format!(
                    "gate `{gate}` is checked by a person, so its result is `passed`, `failed` or `inconclusive`, not `{value}`"
                ),
                "expected passed, failed or inconclusive",
                format!("write `{gate}: passed`"),
            ),
            P::UnknownUnit {
                value,
                written,
                gate,
                unit,
            } => Wording::new(
                Code::ScenarioUnitMismatch,
                format!(
                    "`{value}` has the unknown unit `{written}`; metric `{gate}` is measured in {}",
                    unit.keyword()
                ),
                "unknown unit",
                format!("write the value in the metric's unit: {}", example(*unit)),
            ),
            P::NotAValue { value, gate, unit } => Wording::new(
                Code::ScenarioInvalidValue,
                format!(
                    "`{value}` is not a value of metric `{gate}` nor a result (`passed`, `failed`, `inconclusive`)"
                ),
                "expected a number or a result",
                format!(
                    "write an observed value in {}: {}",
                    unit.keyword(),
                    example(*unit)
                ),
            ),
            P::WrongUnit { value, gate, unit } => Wording::new(
                Code::ScenarioUnitMismatch,
                format!(
                    "`{value}` does not fit metric `{gate}`, which is measured in {}",
                    unit.keyword()
                ),
                format!("expected {}", unit.keyword()),
                format!("write the value in the metric's unit: {}", example(*unit)),
            ),
        }
    }
}

/// What Unleash cannot hold: `share` is the share and its bucketing in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnleashLimit {
    /// A share that is not a whole percentage.
    WholePercent { flag: String, share: String },
    /// `true` for the units outside a share.
    OutsideShare { flag: String, share: String },
}

impl UnleashLimit {
    /// What cannot be written.
    pub fn what(&self) -> String {
        match self {
            UnleashLimit::WholePercent { flag, share } => {
                format!("Unleash cannot roll `{flag}` out to {share}")
            }
            UnleashLimit::OutsideShare { flag, share } => {
                format!("Unleash cannot turn `{flag}` on for the units outside {share}")
            }
        }
    }

    /// Why Unleash cannot hold it.
    pub fn why(&self) -> &'static str {
        match self {
            UnleashLimit::WholePercent { .. } => "it takes whole percentages only",
            UnleashLimit::OutsideShare { .. } => {
                "a strategy can only select the units inside a share"
            }
        }
    }

    fn help(&self) -> &'static str {
        match self {
            UnleashLimit::WholePercent { .. } => {
                "make the share a whole percentage in the plan (rollplan never rounds it), or emit for `launchdarkly` or `flagd`, which take shares down to 0.001%"
            }
            UnleashLimit::OutsideShare { .. } => {
                "give the share the value `true` and the rest the `else` value `false`, or emit for `launchdarkly` or `flagd`"
            }
        }
    }
}

/// A string that no quoting carries to every dotenv reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvHazard {
    CarriageReturn,
    Nul,
    Interpolation,
    MixedQuotes,
    Backslashes,
}

impl EnvHazard {
    fn describe(self) -> &'static str {
        match self {
            EnvHazard::CarriageReturn => {
                "a carriage return, which dotenv readers turn into a line feed"
            }
            EnvHazard::Nul => "a NUL character, which no environment variable can hold",
            EnvHazard::Interpolation => {
                "`${`, which python-dotenv expands as a variable even in single quotes"
            }
            EnvHazard::MixedQuotes => {
                "both `'` and one of `\"`, `\\`, `$` or `` ` ``, which no quoting carries to every reader"
            }
            EnvHazard::Backslashes => {
                "two backslashes in a row or one at the end, which python-dotenv reads as one"
            }
        }
    }
}

/// A plan that a target cannot write without changing its meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmitProblem {
    /// A flag's conditions need more than `max` rules or terms (`what`) in `config`.
    TooManyTerms {
        flag: String,
        config: String,
        max: usize,
        what: &'static str,
    },
    /// A phase id that is not a safe file name.
    UnsafePhaseId { id: String },
    /// A setting Unleash cannot hold; `config` is the configuration, when one is emitted.
    Unleash {
        limit: UnleashLimit,
        config: Option<String>,
    },
    /// Two flags whose variable names are alike.
    EnvNamesClash {
        first: String,
        second: String,
        variable: String,
    },
    /// A string value the env target cannot write.
    EnvString {
        flag: String,
        config: String,
        hazard: EnvHazard,
    },
    /// A dated target for a plan without a start date.
    NoStartDate { target: String },
    /// A flag that is a value where another flag needs it to be a table.
    TableClash {
        format: String,
        value: String,
        nested: String,
    },
}

impl sealed::Sealed for EmitProblem {}

impl super::Problem for EmitProblem {
    fn wording(&self) -> Wording {
        use EmitProblem as P;
        let (message, help) = match self {
            P::TooManyTerms {
                flag,
                config,
                max,
                what,
            } => (
                format!("the conditions of flag `{flag}` in {config} need more than {max} {what}"),
                "write the conditions with fewer `||` alternatives under `&&` and fewer `!=` and `!( … )` tests, or split the rule into several rules".to_owned(),
            ),
            P::UnsafePhaseId { id } => (
                format!("phase id `{id}` cannot be used in a file name"),
                "phase ids used as file names may only hold ASCII letters, digits, `_` and `-`"
                    .to_owned(),
            ),
            P::Unleash { limit, config } => (
                match config {
                    Some(config) => format!("{} in {config}: {}", limit.what(), limit.why()),
                    None => format!("{}: {}", limit.what(), limit.why()),
                },
                limit.help().to_owned(),
            ),
            P::EnvNamesClash {
                first,
                second,
                variable,
            } => (
                format!("flags `{first}` and `{second}` both become the variable `{variable}`"),
                "rename one of the flags so that their upper-cased names differ".to_owned(),
            ),
            P::EnvString {
                flag,
                config,
                hazard,
            } => (
                format!(
                    "the env target cannot write the value of `{flag}` in {config}: it holds {}",
                    hazard.describe()
                ),
                "change the string, or use a target that carries any string (`json`, `toml`, `yaml`)"
                    .to_owned(),
            ),
            P::NoStartDate { target } => (
                format!("the plan has no start date, so the `{target}` target cannot date its items"),
                "add `start YYYY-MM-DD` to the `plan` block, or pass `--start YYYY-MM-DD`".to_owned(),
            ),
            P::TableClash {
                format,
                value,
                nested,
            } => (
                format!(
                    "flag `{value}` is a value, but `{nested}` needs it to be a table: {format} cannot hold both"
                ),
                "rename one of the flags, or use a flat target (`json`, `env`, `flagd`, `launchdarkly`, `unleash`)".to_owned(),
            ),
        };
        Wording::new(
            Code::EmitUnrepresentable,
            message,
            "cannot be written as it is",
            help,
        )
    }
}

/// The formatter would change what a plan means: a bug in `fmt`, never written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatProblem {
    /// The formatted text does not parse; `error` is the first syntax error's message.
    DoesNotParse { file: String, error: Option<String> },
    /// Item `item` (from 1) would mean something else.
    ItemChanged { file: String, item: usize },
    /// Comment `comment` (from 1) would be lost or moved.
    CommentLost { file: String, comment: usize },
}

impl sealed::Sealed for FormatProblem {}

impl super::Problem for FormatProblem {
    fn wording(&self) -> Wording {
        let (message, label) = match self {
            FormatProblem::DoesNotParse { file, error } => (
                format!(
                    "formatting `{file}` gave text that does not parse{}",
                    error.as_ref().map_or(String::new(), |e| format!(": {e}"))
                ),
                "formatted from here",
            ),
            FormatProblem::ItemChanged { file, item } => (
                format!("formatting `{file}` would change the meaning of item {item}"),
                "this item would change",
            ),
            FormatProblem::CommentLost { file, comment } => (
                format!("formatting `{file}` would lose or reorder comment {comment}"),
                "this comment would be lost",
            ),
        };
        Wording::new(
            Code::FormatChangedMeaning,
            message,
            label,
            "the file was left as it was; please report this bug in `rollplan fmt` with the plan attached",
        )
    }
}

#[cfg(test)]
impl ScenarioProblem {
    pub(super) fn samples() -> Vec<Self> {
        use ScenarioProblem as P;
        let x = || "x".to_owned();
        vec![
            P::TooDeep { max: 8 },
            P::NotYaml { detail: x() },
            P::NotAMapping,
            P::UnknownPhase {
                name: x(),
                suggestion: None,
                phases: vec![x()],
            },
            P::NotAList { phase: x() },
            P::AttemptNotAMap { phase: x() },
            P::UnknownGate {
                phase: x(),
                name: x(),
                metric: false,
                suggestion: None,
                gates: Vec::new(),
            },
            P::NotAResult {
                gate: x(),
                value: x(),
            },
            P::UnknownUnit {
                value: x(),
                written: x(),
                gate: x(),
                unit: Unit::Ms,
            },
            P::NotAValue {
                value: x(),
                gate: x(),
                unit: Unit::Count,
            },
            P::WrongUnit {
                value: x(),
                gate: x(),
                unit: Unit::Percent,
            },
        ]
    }
}

#[cfg(test)]
impl EmitProblem {
    pub(super) fn samples() -> Vec<Self> {
        use EmitProblem as P;
        let x = || "x".to_owned();
        vec![
            P::TooManyTerms {
                flag: x(),
                config: x(),
                max: 256,
                what: "rules",
            },
            P::UnsafePhaseId { id: x() },
            P::Unleash {
                limit: UnleashLimit::WholePercent {
                    flag: x(),
                    share: x(),
                },
                config: Some(x()),
            },
            P::Unleash {
                limit: UnleashLimit::OutsideShare {
                    flag: x(),
                    share: x(),
                },
                config: None,
            },
            P::EnvNamesClash {
                first: x(),
                second: x(),
                variable: x(),
            },
            P::EnvString {
                flag: x(),
                config: x(),
                hazard: EnvHazard::Nul,
            },
            P::NoStartDate { target: x() },
            P::TableClash {
                format: x(),
                value: x(),
                nested: x(),
            },
        ]
    }
}

#[cfg(test)]
impl FormatProblem {
    pub(super) fn samples() -> Vec<Self> {
        let x = || "x".to_owned();
        vec![
            FormatProblem::DoesNotParse {
                file: x(),
                error: None,
            },
            FormatProblem::ItemChanged { file: x(), item: 1 },
            FormatProblem::CommentLost {
                file: x(),
                comment: 1,
            },
        ]
    }
}
