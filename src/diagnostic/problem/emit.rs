//! What `emit` finds when a target cannot hold a plan as it is: names a format would merge,
//! shares and strings a flag system cannot carry, conditions past a target's bound.

use super::{Wording, sealed};
use crate::diagnostic::Code;

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
