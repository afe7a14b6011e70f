//! Warnings: things that are legal but probably not what the author meant.

use crate::diagnostic::problem::LintProblem;
use crate::diagnostic::{Diagnostic, Problem};
use crate::model::{Criterion, Gate, Phase, PhaseDuration, Plan, Setting};

pub(super) fn check(plan: &Plan, out: &mut Vec<Diagnostic>) {
    for (i, flag) in plan.flags.iter().enumerate() {
        let used = plan
            .phases
            .iter()
            .any(|p| p.assignments.iter().any(|a| a.flag.0 == i));
        if !used {
            out.push(
                LintProblem::UnusedFlag {
                    flag: flag.name.clone(),
                }
                .at(flag.span),
            );
        }
    }
    for (i, attribute) in plan.attributes.iter().enumerate() {
        let used = plan.phases.iter().any(|p| {
            p.assignments.iter().any(|a| match &*a.setting {
                Setting::Scoped { rules, .. } => rules.iter().any(|r| {
                    r.condition
                        .as_ref()
                        .is_some_and(|c| c.tests().iter().any(|(a, _)| a.0 == i))
                        || r.rollout
                            .is_some_and(|o| plan.bucketing_attribute(o.bucketing).0 == i)
                }),
                Setting::Fixed(_) => false,
            })
        });
        if !used {
            out.push(
                LintProblem::UnusedAttribute {
                    attribute: attribute.name.clone(),
                }
                .at(attribute.span),
            );
        }
    }
    unused_cohorts(plan, out);
    let mut previous = &plan.initial;
    let last = plan.phases.len() - 1;
    for (i, phase) in plan.phases.iter().enumerate() {
        if phase.planned == *previous && phase.variants.len() == 1 {
            out.push(
                LintProblem::UnchangedPhase {
                    phase: phase.id.clone(),
                }
                .at(phase.span),
            );
        }
        previous = &phase.planned;
        if i != last && phase.duration == PhaseDuration::Indefinite {
            out.push(
                LintProblem::IndefiniteNotLast {
                    phase: phase.id.clone(),
                }
                .at(phase.duration_span),
            );
        }
        for gate in &phase.gates {
            if gate.criterion == Criterion::Manual && gate.text.as_deref().is_none_or(str::is_empty)
            {
                out.push(
                    LintProblem::EmptyGate {
                        gate: gate.id.clone(),
                    }
                    .at(gate.span),
                );
            }
            window_not_shorter(phase, gate, out);
        }
    }
}

/// A gate judged over a window as long as its phase, or longer, reads data from before the
/// phase started (the previous phase's configuration).
fn window_not_shorter(phase: &Phase, gate: &Gate, out: &mut Vec<Diagnostic>) {
    let Some(window) = gate.window else { return };
    let shortest = match phase.duration {
        PhaseDuration::Indefinite => return,
        PhaseDuration::Fixed(h) | PhaseDuration::Range { min: h, .. } => h,
    };
    if window.length < shortest {
        return;
    }
    out.push(
        LintProblem::WindowNotShorter {
            gate: gate.id.clone(),
            window: window.length.to_string(),
            phase: phase.id.clone(),
            shortest: shortest.to_string(),
            shorter: crate::model::Minutes((shortest.0 / 2).max(1)).to_string(),
            duration: phase.duration_span,
        }
        .at(window.span),
    );
}

fn unused_cohorts(plan: &Plan, out: &mut Vec<Diagnostic>) {
    for (i, cohort) in plan.cohorts.iter().enumerate() {
        let used = plan.phases.iter().any(|p| {
            p.assignments.iter().any(|a| {
                a.setting.rollouts().any(|r| {
                    r.bucketing == crate::model::Bucketing::Cohort(crate::model::CohortId(i))
                })
            })
        });
        if !used {
            out.push(
                LintProblem::UnusedCohort {
                    cohort: cohort.name.clone(),
                }
                .at(cohort.span),
            );
        }
    }
}
