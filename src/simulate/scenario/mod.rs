//! Scenario files for `simulate --scenario`: what the world does at each evaluation of a phase's
//! gates. The YAML maps phase ids to lists of attempts; an attempt maps gate names (a metric
//! gate's name is its metric's) to an observed value in the metric's unit (`0.3%`, `120ms`,
//! `4`, `0.02`) or to `passed`, `failed` or `inconclusive` (or `pass` and `fail`, the words of
//! `rollplan gates --format json`):
//!
//! ```yaml
//! full_production:
//!   - error_rate: 0.3%
//!     consistency_preserved: inconclusive
//!   - error_rate: 0.05%
//! ```
//!
//! Gates an attempt does not name pass, and so do attempts past the end of the list. Every
//! problem is a diagnostic pointing into the scenario file; no input makes this module panic.

use std::ops::Range;

use serde_yaml::Value as Yaml;

mod locate;
mod nesting;

use locate::{Locator, offset_of};

use super::engine::{Evaluation, Verdict};
use crate::diagnostic::problem::ScenarioProblem;
use crate::diagnostic::{Diagnostic, Errors, Problem, suggest};
use crate::model::{Criterion, Plan};
use crate::source::{FileId, Span};
use crate::syntax::ast::Unit;

/// A parsed scenario: `phases[phase][attempt - 1][gate]`, `None` where the file says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenario {
    phases: Vec<Vec<Vec<Option<Evaluation>>>>,
}

impl Scenario {
    /// The stated outcome of one gate at one evaluation (attempts count from 1).
    pub fn evaluation(&self, phase: usize, attempt: u32, gate: usize) -> Option<Evaluation> {
        let index = usize::try_from(attempt).ok()?.checked_sub(1)?;
        *self.phases.get(phase)?.get(index)?.get(gate)?
    }

    /// How many attempts the scenario states for a phase.
    pub fn attempts(&self, phase: usize) -> usize {
        self.phases.get(phase).map_or(0, Vec::len)
    }
}

/// Parses the scenario `text` (file `file` of the source map) against `plan`.
pub fn parse_scenario(plan: &Plan, file: FileId, text: &str) -> Result<Scenario, Errors> {
    let span = |r: Range<usize>| Span::new(file, r);
    if let Some(at) = nesting::too_deep(text) {
        return Err(Errors::one(
            ScenarioProblem::TooDeep {
                max: nesting::MAX_DEPTH,
            }
            .at(span(at..at + 1)),
        ));
    }
    let yaml: Yaml = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = e
                .location()
                .map_or(0, |l| offset_of(text, l.line(), l.column()));
            // An error at the end of the file (an unclosed bracket) is shown on the last
            // character written, not on nothing.
            let at = if text[at..].trim().is_empty() {
                text[..at]
                    .trim_end()
                    .char_indices()
                    .last()
                    .map_or(0, |(i, _)| i)
            } else {
                at
            };
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            return Err(Errors::one(
                ScenarioProblem::NotYaml {
                    detail: yaml_message(&e),
                }
                .at(span(at..end)),
            ));
        }
    };
    let mut parser = Parser {
        plan,
        file,
        locator: Locator { text, cursor: 0 },
        diagnostics: Vec::new(),
    };
    let scenario = parser.scenario(&yaml);
    match Errors::from_diagnostics(parser.diagnostics) {
        Some(errors) => Err(errors),
        None => Ok(scenario),
    }
}

/// `serde_yaml`'s message without the " at line L column C" suffix (the span shows where).
fn yaml_message(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

struct Parser<'a, 't> {
    plan: &'a Plan,
    file: FileId,
    locator: Locator<'t>,
    diagnostics: Vec<Diagnostic>,
}

impl Parser<'_, '_> {
    fn span(&self, range: Option<Range<usize>>) -> Span {
        Span::new(self.file, range.unwrap_or(0..0))
    }

    fn error(&mut self, problem: &ScenarioProblem, at: Span) {
        self.diagnostics.push(problem.at(at));
    }

    fn scenario(&mut self, yaml: &Yaml) -> Scenario {
        let mut scenario = Scenario {
            phases: vec![Vec::new(); self.plan.phases.len()],
        };
        let map = match yaml {
            Yaml::Null => return scenario,
            Yaml::Mapping(m) => m,
            _ => {
                // At most 80 bytes of the text, cut on a character boundary.
                let text = self.locator.text.trim_end();
                let end = (0..=text.len().min(80))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                let at = self.span(Some(0..end));
                self.error(&ScenarioProblem::NotAMapping, at);
                return scenario;
            }
        };
        for (key, attempts) in map {
            let name = key_text(key);
            let found = self.locator.key(&name);
            let at = self.span(found);
            let Some(phase) = self.plan.phase_named(&name) else {
                let ids = self.plan.phases.iter().map(|p| p.id.as_str());
                let suggestion = suggest(&name, ids).map(str::to_owned);
                self.error(
                    &ScenarioProblem::UnknownPhase {
                        name: name.clone(),
                        suggestion,
                        phases: self.plan.phases.iter().map(|p| p.id.clone()).collect(),
                    },
                    at,
                );
                continue;
            };
            let list = match attempts {
                Yaml::Sequence(list) => list.as_slice(),
                Yaml::Null => &[],
                _ => {
                    self.error(
                        &ScenarioProblem::NotAList {
                            phase: name.clone(),
                        },
                        at,
                    );
                    continue;
                }
            };
            let parsed: Vec<Vec<Option<Evaluation>>> = list
                .iter()
                .map(|attempt| self.attempt(phase.0, &name, at, attempt))
                .collect();
            scenario.phases[phase.0] = parsed;
        }
        scenario
    }

    fn attempt(
        &mut self,
        phase: usize,
        phase_name: &str,
        phase_at: Span,
        attempt: &Yaml,
    ) -> Vec<Option<Evaluation>> {
        let gates = &self.plan.phases[phase].gates;
        let mut out = vec![None; gates.len()];
        let map = match attempt {
            Yaml::Null => return out,
            Yaml::Mapping(m) => m,
            _ => {
                self.error(
                    &ScenarioProblem::AttemptNotAMap {
                        phase: phase_name.to_owned(),
                    },
                    phase_at,
                );
                return out;
            }
        };
        for (key, value) in map {
            let name = key_text(key);
            let found = self.locator.key(&name);
            let key_at = self.span(found);
            let matching: Vec<usize> = (0..gates.len()).filter(|&g| gates[g].id == name).collect();
            if matching.is_empty() {
                self.error(
                    &ScenarioProblem::UnknownGate {
                        phase: phase_name.to_owned(),
                        name: name.clone(),
                        metric: self.plan.metric_named(&name).is_some(),
                        suggestion: suggest(&name, gates.iter().map(|g| g.id.as_str()))
                            .map(str::to_owned),
                        gates: gates.iter().map(|g| g.id.clone()).collect(),
                    },
                    key_at,
                );
                continue;
            }
            let found = self.locator.value().or(Some(key_at.range()));
            let value_at = self.span(found);
            for g in matching {
                out[g] = self.result(phase, g, value, value_at);
            }
        }
        out
    }

    /// One gate's result: a verdict word, or an observed value checked against the threshold.
    fn result(&mut self, phase: usize, gate: usize, value: &Yaml, at: Span) -> Option<Evaluation> {
        let g = &self.plan.phases[phase].gates[gate];
        let word = match value {
            Yaml::String(s) => Some(s.trim()),
            _ => None,
        };
        let verdict = match word {
            Some("passed" | "pass") => Some(Verdict::Passed),
            Some("failed" | "fail") => Some(Verdict::Failed),
            Some("inconclusive") => Some(Verdict::Inconclusive),
            _ => None,
        };
        if let Some(verdict) = verdict {
            return Some(Evaluation {
                verdict,
                observed: None,
            });
        }
        let Criterion::Metric {
            metric,
            op,
            threshold,
        } = &g.criterion
        else {
            self.error(
                &ScenarioProblem::NotAResult {
                    gate: g.id.clone(),
                    value: yaml_text(value),
                },
                at,
            );
            return None;
        };
        let unit = self.plan.metric(*metric).unit;
        let number = self.observed(&g.id, unit, value, at)?;
        let verdict = if op.holds(number, threshold.value) {
            Verdict::Passed
        } else {
            Verdict::Failed
        };
        Some(Evaluation {
            verdict,
            observed: Some(number),
        })
    }

    /// An observed value of a metric, checked against the metric's unit.
    fn observed(&mut self, gate: &str, unit: Unit, value: &Yaml, at: Span) -> Option<f64> {
        let (number, suffix) = match value {
            Yaml::Number(n) => (n.as_f64(), None),
            Yaml::String(s) => {
                let s = s.trim();
                if let Some(n) = s.strip_suffix('%') {
                    (n.trim().parse::<f64>().ok(), Some(Unit::Percent))
                } else if let Some(n) = s.strip_suffix("ms") {
                    (n.trim().parse::<f64>().ok(), Some(Unit::Ms))
                } else {
                    (s.parse::<f64>().ok(), None)
                }
            }
            _ => (None, None),
        };
        if let (None, Yaml::String(s)) = (number, value)
            && let Some(written) = unknown_unit(s)
        {
            self.error(
                &ScenarioProblem::UnknownUnit {
                    value: s.trim().to_owned(),
                    written: written.to_owned(),
                    gate: gate.to_owned(),
                    unit,
                },
                at,
            );
            return None;
        }
        let Some(number) = number.filter(|n| n.is_finite()) else {
            self.error(
                &ScenarioProblem::NotAValue {
                    value: yaml_text(value),
                    gate: gate.to_owned(),
                    unit,
                },
                at,
            );
            return None;
        };
        let fits = match unit {
            Unit::Percent => suffix == Some(Unit::Percent),
            Unit::Ms => suffix == Some(Unit::Ms),
            Unit::Count => suffix.is_none() && number >= 0.0 && number.fract() == 0.0,
            Unit::Ratio => suffix.is_none(),
        };
        if !fits {
            self.error(
                &ScenarioProblem::WrongUnit {
                    value: yaml_text(value),
                    gate: gate.to_owned(),
                    unit,
                },
                at,
            );
            return None;
        }
        Some(number)
    }
}

/// The unit of a value written as a number followed by letters (`0.3kg`), if that is its shape.
fn unknown_unit(text: &str) -> Option<&str> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_alphabetic() || c == '%')?;
    let (number, unit) = text.split_at(split);
    (number.trim().parse::<f64>().is_ok() && unit.chars().all(char::is_alphabetic)).then_some(unit)
}

fn key_text(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => s.clone(),
        other => yaml_text(other),
    }
}

/// A short rendering of a YAML value for messages.
fn yaml_text(value: &Yaml) -> String {
    match value {
        Yaml::Null => "null".to_owned(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(s) => s.clone(),
        Yaml::Sequence(_) => "a list".to_owned(),
        Yaml::Mapping(_) => "a map".to_owned(),
        Yaml::Tagged(t) => yaml_text(&t.value),
    }
}
