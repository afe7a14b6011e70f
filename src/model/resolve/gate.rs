//! Resolution of gates: thresholds in their metric's unit, `over` windows, pass probabilities
//! and inconclusive actions, one gate per metric in a phase, and an `on_fail` written after a
//! gate (which is the phase's policy, not the gate's).

use super::Resolver;
use crate::diagnostic::Problem;
use crate::diagnostic::problem::{NameProblem, Statement, TimeProblem, ValueProblem};
use crate::model::plan::{Criterion, Gate, GateWindow, InconclusiveAction, Quantity};
use crate::model::time::Minutes;
use crate::syntax::ast::{self, Unit};

impl Resolver<'_> {
    /// Each `on_fail` that directly follows a gate statement of the phase.
    pub(super) fn on_fail_after_gates(&mut self, decl: &ast::Phase<'_>) {
        for pair in decl.statements.windows(2) {
            if let [ast::PhaseStmt::Gate(gate), ast::PhaseStmt::OnFail(f)] = pair {
                self.on_fail_after_gate(f, gate, decl.id.node);
            }
        }
    }

    /// `gate error_rate < 1% on_fail rollback start` reads as a policy for that gate, but
    /// `on_fail` is a statement of its own and the policy is the phase's: say so when it
    /// follows a gate on the gate's line.
    fn on_fail_after_gate(&mut self, on_fail: &ast::OnFail<'_>, gate: &ast::Gate<'_>, phase: &str) {
        let between = self
            .source
            .text
            .get(gate.span.range().end..on_fail.span.range().start)
            .unwrap_or("\n");
        if between.contains('\n') {
            return;
        }
        self.report(
            NameProblem::OnFailAfterGate {
                phase: phase.to_owned(),
                gate: gate.id.node.to_owned(),
                gate_span: gate.span,
            }
            .at(on_fail.span),
        );
    }

    pub(super) fn gate(
        &mut self,
        gate: &ast::Gate<'_>,
        phase_inconclusive: InconclusiveAction,
    ) -> Option<Gate> {
        let mut pass_probability = 1.0;
        let mut on_inconclusive = phase_inconclusive;
        let mut seen_pass = None;
        let mut seen_inconclusive = None;
        let mut ok = true;
        for option in &gate.options {
            match option {
                ast::GateOption::Pass(raw) => {
                    self.once(Statement::Gate("pass"), raw.span, &mut seen_pass, raw);
                    match raw.node.parse::<f64>() {
                        Ok(p) if (0.0..=1.0).contains(&p) => pass_probability = p,
                        _ => {
                            ok = false;
                            self.report(
                                ValueProblem::ProbabilityOutOfRange {
                                    text: raw.node.to_owned(),
                                }
                                .at(raw.span),
                            );
                        }
                    }
                }
                ast::GateOption::Inconclusive(action) => {
                    self.once(
                        Statement::Gate("inconclusive"),
                        action.span,
                        &mut seen_inconclusive,
                        action,
                    );
                    match self.inconclusive(action) {
                        Some(a) => on_inconclusive = a,
                        None => ok = false,
                    }
                }
            }
        }
        let criterion = match &gate.threshold {
            None => Criterion::Manual,
            Some((op, raw)) => {
                let implied = if raw.node.ends_with('%') {
                    Unit::Percent
                } else if raw.node.ends_with("ms") {
                    Unit::Ms
                } else if raw.node.contains('.') {
                    Unit::Ratio
                } else {
                    Unit::Count
                };
                let metric = self.metric(gate.id, Some(implied))?;
                let threshold = self.quantity(*raw, metric)?;
                Criterion::Metric {
                    metric,
                    op: op.node,
                    threshold,
                }
            }
        };
        let window = match gate.over {
            Some(raw) => Some(self.window(raw)?),
            None => None,
        };
        ok.then(|| Gate {
            id: gate.id.node.to_owned(),
            span: gate.span,
            criterion,
            window,
            text: gate.text.as_ref().map(|t| t.node.to_string()),
            pass_probability,
            on_inconclusive,
        })
    }

    /// A gate's `over` window: at least a minute, at most 1000 years.
    pub(super) fn window(&mut self, raw: ast::Raw<'_>) -> Option<GateWindow> {
        let text = raw.node.to_owned();
        let problem = match Minutes::parse(raw.node) {
            Some(Minutes(0)) => TimeProblem::ZeroWindow { text },
            None => TimeProblem::WindowTooLong { text },
            Some(length) => {
                return Some(GateWindow {
                    length,
                    span: raw.span,
                });
            }
        };
        self.report(problem.at(raw.span));
        None
    }

    /// Parses a threshold and checks that its unit fits the metric's.
    pub(super) fn quantity(
        &mut self,
        raw: ast::Raw<'_>,
        metric: crate::model::MetricId,
    ) -> Option<Quantity> {
        let (unit, span, name) = {
            let m = &self.metrics[metric.0];
            (m.unit, m.span, m.name.clone())
        };
        let (number, suffix) = if let Some(n) = raw.node.strip_suffix('%') {
            (n, Some(Unit::Percent))
        } else if let Some(n) = raw.node.strip_suffix("ms") {
            (n, Some(Unit::Ms))
        } else {
            (raw.node, None)
        };
        let Some(value) = number.parse::<f64>().ok().filter(|v| v.is_finite()) else {
            self.report(
                ValueProblem::ThresholdTooLarge {
                    digits: number
                        .split('.')
                        .next()
                        .map_or(0, |w| w.trim_start_matches('-').len()),
                }
                .at(raw.span),
            );
            return None;
        };
        let fits = match unit {
            Unit::Percent => suffix == Some(Unit::Percent),
            Unit::Ms => suffix == Some(Unit::Ms),
            Unit::Count => suffix.is_none() && !number.contains('.') && value >= 0.0,
            Unit::Ratio => suffix.is_none(),
        };
        if !fits {
            self.report(
                ValueProblem::UnitMismatch {
                    threshold: raw.node.to_owned(),
                    number: number.to_owned(),
                    metric: name.clone(),
                    unit,
                    declared: span,
                }
                .at(raw.span),
            );
            return None;
        }
        Some(Quantity { value, unit })
    }
}
