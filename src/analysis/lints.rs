//! Warnings: things that are legal but probably not what the author meant.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Criterion, Gate, Phase, PhaseDuration, Plan, Setting};

pub(super) fn check(plan: &Plan, out: &mut Vec<Diagnostic>) {
    for (i, flag) in plan.flags.iter().enumerate() {
        let used = plan
            .phases
            .iter()
            .any(|p| p.assignments.iter().any(|a| a.flag.0 == i));
        if !used {
            out.push(
                Diagnostic::new(
                    Code::UnusedFlag,
                    format!("flag `{}` is declared but no phase sets it", flag.name),
                    flag.span,
                    "never set",
                )
                .help(format!(
                    "set it in the phase that changes it (`set {} = …`), or delete the declaration",
                    flag.name
                )),
            );
        }
    }
    for (i, attribute) in plan.attributes.iter().enumerate() {
        let used = plan.phases.iter().any(|p| {
            p.assignments.iter().any(|a| match &a.setting {
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
                Diagnostic::new(
                    Code::UnusedAttribute,
                    format!(
                        "context attribute `{}` is declared but no scoped value reads it",
                        attribute.name
                    ),
                    attribute.span,
                    "never read",
                )
                .help(format!(
                    "read it in a scoped value (`set flag = v when {} == x else w`), or delete the declaration",
                    attribute.name
                )),
            );
        }
    }
    unused_cohorts(plan, out);
    let mut previous = &plan.initial;
    let last = plan.phases.len() - 1;
    for (i, phase) in plan.phases.iter().enumerate() {
        if phase.planned == *previous && phase.variants.len() == 1 {
            out.push(
                Diagnostic::new(
                    Code::UnchangedPhase,
                    format!("phase `{}` changes no flag", phase.id),
                    phase.span,
                    "every flag stays as the phase before left it",
                )
                .help("set the flags this phase changes, or merge it with the phase before if it only extends observation"),
            );
        }
        previous = &phase.planned;
        if i != last && phase.duration == PhaseDuration::Indefinite {
            out.push(
                Diagnostic::new(
                    Code::IndefiniteNotLast,
                    format!(
                        "phase `{}` lasts indefinitely, but phases follow it",
                        phase.id
                    ),
                    phase.duration_span,
                    "never ends",
                )
                .help("give it a length (`duration 2w`), or make it the last phase"),
            );
        }
        for gate in &phase.gates {
            if gate.criterion == Criterion::Manual && gate.text.as_deref().is_none_or(str::is_empty)
            {
                out.push(
                    Diagnostic::new(
                        Code::EmptyGate,
                        format!("gate `{}` has no metric threshold and no text", gate.id),
                        gate.span,
                        "nothing to check",
                    )
                    .help(format!(
                        "say what to verify (`gate {} \"Data consistency verified\"`) or give a threshold (`gate error_rate < 0.1%`)",
                        gate.id
                    )),
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
        Diagnostic::new(
            Code::WindowNotShorter,
            format!(
                "gate `{}` is judged over {}, but phase `{}` may last only {shortest}",
                gate.id, window.length, phase.id
            ),
            window.span,
            "window reaches back before the phase started",
        )
        .related(phase.duration_span, "the phase's shortest duration")
        .help(format!(
            "judge the gate over a window shorter than {shortest} (like `over {}`), so it reads only this phase's data",
            crate::model::Minutes((shortest.0 / 2).max(1))
        )),
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
                Diagnostic::new(
                    Code::UnusedCohort,
                    format!("cohort `{}` is declared but no share uses it", cohort.name),
                    cohort.span,
                    "never used",
                )
                .help(format!(
                    "roll a flag out in it (`set flag = true for 5% of {} else false`), or delete the declaration",
                    cohort.name
                )),
            );
        }
    }
}
