//! What reading a scenario file against a plan finds (`simulate --scenario`): a file that is
//! not a scenario's shape, phases and gates the plan does not have, values that are not results.

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
