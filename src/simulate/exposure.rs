//! Exposure: who is on a new value. A flag's exposure in a flag state is, for each class of
//! contexts its conditions tell apart, the share of that class's units on a value other than the
//! flag's declared one, exactly, in thousandths of a percent: `25% when region == eu, 5%
//! elsewhere` for `true when region == eu for 25% of early, true for 5% of early else false`.
//!
//! It reads a flag state and never anything else of a run, so every report (and the emitters'
//! ramp wording, which splits contexts the same way) agrees on it.

use std::cmp::Reverse;

use crate::analysis::context::{Context, MAX_CONTEXTS, classes};
use crate::model::{AttributeId, FlagId, FlagState, Percent, Plan, Value};

/// Attribute tests that all hold in a class of contexts: `region in [eu, us]`. Empty for the
/// contexts no other class of the same list takes ("elsewhere").
pub type When = Vec<(AttributeId, Vec<Value>)>;

/// A flag's exposure in one flag state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Most specific class first; the first class whose tests hold for a context is its class.
    /// Never empty unless `unsplit`: the last class has no tests and takes every other
    /// context.
    pub classes: Vec<(When, u32)>,
    /// The flag's conditions split the contexts into more classes than
    /// [`crate::analysis::context::MAX_CONTEXTS`]: its exposure is not computed, and says so,
    /// rather than computed for some of the contexts.
    pub unsplit: bool,
}

impl Exposure {
    /// No unit is on a new value, in any context.
    pub fn is_zero(&self) -> bool {
        !self.unsplit && self.classes.iter().all(|&(_, t)| t == 0)
    }

    /// `5%`, or `25% when region == eu, 5% elsewhere`.
    pub fn text(&self, plan: &Plan) -> String {
        if self.unsplit {
            return format!(
                "not computed: its conditions split the contexts into more than {MAX_CONTEXTS} classes"
            );
        }
        let parts: Vec<String> = self
            .classes
            .iter()
            .map(|(when, thousandths)| {
                let share = percent_text(*thousandths);
                match (when.is_empty(), self.classes.len()) {
                    (true, 1) => share,
                    (true, _) => format!("{share} elsewhere"),
                    (false, _) => format!("{share} when {}", describe_when(plan, when)),
                }
            })
            .collect();
        parts.join(", ")
    }
}

/// A flag's exposure in a state: per context class, the thousandths of a percent of its units
/// whose value differs from the flag's declared value.
pub fn exposure(plan: &Plan, state: &FlagState, flag: FlagId) -> Exposure {
    let declared = &plan.flag(flag).initial;
    let setting = state.get(flag);
    let Ok(contexts) = classes(&[flag], [state]) else {
        return Exposure {
            classes: Vec::new(),
            unsplit: true,
        };
    };
    let per_context = contexts
        .into_iter()
        .map(|context| {
            let exposed: u32 = setting
                .distribution(&|a| context.get(a))
                .iter()
                .filter(|(value, ..)| value != declared)
                .map(|&(_, thousandths, _)| thousandths)
                .sum();
            (context, exposed)
        })
        .collect();
    Exposure {
        classes: summarise(per_context),
        unsplit: false,
    }
}

/// Whether any phase rolls a flag out to a share of units: only such plans' reports show
/// exposure, so a plan without shares reads as it always did.
pub fn has_shares(plan: &Plan) -> bool {
    plan.phases
        .iter()
        .flat_map(|p| &p.assignments)
        .any(|a| a.setting.rollouts().next().is_some())
}

/// The flags some phase exposes (in its planned state), in declaration order.
pub fn exposed_flags(plan: &Plan) -> Vec<FlagId> {
    (0..plan.flags.len())
        .map(FlagId)
        .filter(|&f| {
            plan.phases
                .iter()
                .any(|p| !exposure(plan, &p.planned, f).is_zero())
        })
        .collect()
}

/// Thousandths of a percent as a plan writes a share: `0%`, `5%`, `0.5%`.
pub fn percent_text(thousandths: u32) -> String {
    Percent::from_thousandths(thousandths).map_or_else(|| "0%".to_owned(), |p| p.to_string())
}

/// `region == eu`, `region in [eu, us]`, `region == eu && tier == "gold"`, with values as the
/// plan writes them (enum variants bare).
pub fn describe_when(plan: &Plan, when: &When) -> String {
    when.iter()
        .map(|(attribute, values)| {
            let a = plan.attribute(*attribute);
            let written: Vec<String> = values
                .iter()
                .map(|v| crate::plan_text::typed(&a.ty, v))
                .collect();
            match written.as_slice() {
                [one] => format!("{} == {one}", a.name),
                _ => format!("{} in [{}]", a.name, written.join(", ")),
            }
        })
        .collect::<Vec<_>>()
        .join(" && ")
}

/// Context classes with a result each, as few as say the same: most specific first, the
/// contexts no condition names last (with no tests); a class that gets what "elsewhere" gets
/// is left out unless a more general class listed before "elsewhere" would take it, and
/// classes that test one value each of the same attribute and get the same merge into one
/// `in` test.
pub(crate) fn summarise<T: PartialEq + Clone>(
    mut per_context: Vec<(Context, T)>,
) -> Vec<(When, T)> {
    per_context.sort_by_key(|(c, _)| Reverse(c.0.len()));
    let elsewhere = per_context
        .iter()
        .find(|(c, _)| c.0.is_empty())
        .map(|(_, t)| t.clone());
    let within = |general: &Context, specific: &Context| {
        general.0.iter().all(|pair| specific.0.contains(pair))
    };
    let kept: Vec<&(Context, T)> = per_context
        .iter()
        .filter(|(c, t)| {
            c.0.is_empty()
                || elsewhere.as_ref() != Some(t)
                || per_context.iter().any(|(d, u)| {
                    !d.0.is_empty() && d.0.len() < c.0.len() && within(d, c) && u != t
                })
        })
        .collect();
    let mut out: Vec<(When, T)> = Vec::with_capacity(kept.len());
    for (context, result) in kept {
        if let [(attribute, value)] = context.0.as_slice() {
            let sibling = out.iter_mut().find(|(when, t)| {
                t == result && matches!(when.as_slice(), [(a, _)] if a == attribute)
            });
            if let Some((when, _)) = sibling {
                when[0].1.push(value.clone());
                continue;
            }
        }
        let when = context
            .0
            .iter()
            .map(|(a, v)| (*a, vec![v.clone()]))
            .collect();
        out.push((when, result.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PhaseId, Setting};
    use crate::source::SourceMap;

    fn plan(phases: &str) -> Plan {
        let text = format!(
            "plan p {{\n  start 2027-03-01\n}}\n\
             attribute user.id: string\n\
             attribute region: enum(eu, us, apac)\n\
             attribute tier: string\n\
             cohort early by user.id\n\
             flag a: bool = false\n\
             flag mode: enum(off, shadow, on) = off\n\
             {phases}"
        );
        let mut sources = SourceMap::new();
        let file = sources.add("t.roll", text);
        match crate::compile(&sources, file) {
            Ok(c) => c.plan,
            Err(e) => panic!(
                "{}",
                crate::diagnostic::render::human(e.as_slice(), &sources, false)
            ),
        }
    }

    fn text_of(plan: &Plan, phase: usize, flag: &str) -> String {
        let flag = plan.flag_named(flag).expect("flag");
        exposure(plan, &plan.phase(PhaseId(phase)).planned, flag).text(plan)
    }

    /// Every concrete context (each region, and none; gold tier, and none) reads the first
    /// class whose tests it passes, and that class's share equals the count of buckets whose
    /// unit gets a value other than the declared one, over all 100,000 buckets.
    fn assert_exact(plan: &Plan) {
        let region = plan.attributes.iter().position(|a| a.name == "region");
        let tier = plan.attributes.iter().position(|a| a.name == "tier");
        let regions = [None, Some("eu"), Some("us"), Some("apac")];
        // A tier only matters where a condition tests it; each context costs 100,000 buckets.
        let tested = |attribute: Option<usize>| {
            plan.phases.iter().flat_map(|p| &p.assignments).any(|a| {
                matches!(&*a.setting, Setting::Scoped { rules, .. }
                if rules.iter().any(|r| r.condition.as_ref().is_some_and(|c| {
                    c.attributes().iter().any(|a| Some(a.0) == attribute)
                })))
            })
        };
        let tiers: &[Option<&str>] = if tested(tier) {
            &[None, Some("gold")]
        } else {
            &[None]
        };
        for phase in &plan.phases {
            for flag in (0..plan.flags.len()).map(FlagId) {
                let e = exposure(plan, &phase.planned, flag);
                for r in regions {
                    for &t in tiers {
                        let context = |a: AttributeId| {
                            let value = if Some(a.0) == region {
                                r
                            } else if Some(a.0) == tier {
                                t
                            } else {
                                None
                            };
                            value.map(|v| Value::String(v.to_owned()))
                        };
                        let (_, listed) = e
                            .classes
                            .iter()
                            .find(|(when, _)| {
                                when.iter().all(|(a, values)| {
                                    context(*a).is_some_and(|v| values.contains(&v))
                                })
                            })
                            .expect("the last class takes every context");
                        let declared = &plan.flag(flag).initial;
                        let counted = (0..Percent::ALL_THOUSANDTHS)
                            .filter(|&b| {
                                &phase.planned.get(flag).value_for(&context, &|_| b) != declared
                            })
                            .count();
                        assert_eq!(
                            usize::try_from(*listed).expect("fits"),
                            counted,
                            "{} in {} for region {r:?}, tier {t:?}: {}",
                            plan.flag(flag).name,
                            phase.id,
                            e.text(plan)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_share_exposes_its_percentage_exactly() {
        let p = plan(
            "phase one \"\" {\n duration 1d\n set a = true for 0.125% of early else false\n}\n\
             phase two \"\" {\n duration 1d\n set a = true for 5% of early\n}\n\
             phase three \"\" {\n duration 1d\n set a = true\n}\n",
        );
        assert_exact(&p);
        assert_eq!(text_of(&p, 0, "a"), "0.125%");
        assert_eq!(text_of(&p, 1, "a"), "5%");
        assert_eq!(text_of(&p, 2, "a"), "100%");
        assert!(has_shares(&p));
        assert_eq!(exposed_flags(&p), vec![FlagId(0)]);
        let mode = p.flag_named("mode").expect("mode");
        let zero = exposure(&p, &p.phase(PhaseId(0)).planned, mode);
        assert!(zero.is_zero());
        assert_eq!(zero.text(&p), "0%");
    }

    /// 13 attributes tested once each: 8192 classes, past the bound. The exposure says it is
    /// not computed, rather than give the share of the first 4096 classes.
    #[test]
    fn past_the_bound_on_contexts_the_exposure_says_it_is_not_computed() {
        let (attributes, when) = crate::analysis::context::wide_condition(13);
        let text = format!(
            "{attributes}phase one \"\" {{\n duration 1d\n set a = true when {when} for 5% of early else false\n}}\n"
        );
        let p = plan(&text);
        let e = exposure(&p, &p.phase(PhaseId(0)).planned, FlagId(0));
        assert!(e.unsplit);
        assert!(!e.is_zero());
        assert_eq!(
            e.text(&p),
            "not computed: its conditions split the contexts into more than 4096 classes"
        );
    }

    #[test]
    fn a_scoped_share_is_given_per_context_class() {
        let p = plan(
            "phase eu_first \"\" {\n duration 1d\n \
             set a = true when region == eu for 25% of early, true for 5% of early else false\n}\n",
        );
        assert_exact(&p);
        assert_eq!(text_of(&p, 0, "a"), "25% when region == eu, 5% elsewhere");
        let e = exposure(&p, &p.phase(PhaseId(0)).planned, FlagId(0));
        assert_eq!(e.classes.len(), 2);
        assert_eq!(e.classes[0].1, 25_000);
        assert!(e.classes[1].0.is_empty());
        assert_eq!(e.classes[1].1, 5_000);
    }

    #[test]
    fn units_outside_the_share_on_a_new_else_value_count_as_exposed() {
        // The `else` value is not the declared `off`: every unit is on a new value.
        let p = plan(
            "phase one \"\" {\n duration 1d\n set mode = on for 10% of early else shadow\n}\n\
             phase two \"\" {\n duration 1d\n set mode = off for 10% of early else shadow\n}\n",
        );
        assert_exact(&p);
        assert_eq!(text_of(&p, 0, "mode"), "100%");
        assert_eq!(text_of(&p, 1, "mode"), "90%");
    }

    #[test]
    fn classes_with_the_same_share_merge_and_those_like_elsewhere_go() {
        let p = plan(
            "phase one \"\" {\n duration 1d\n \
             set a = true when region == eu for 25% of early, true when region == us for 25% of early, \
             true when region == apac for 5% of early, true for 5% of early else false\n}\n\
             phase two \"\" {\n duration 1d\n set a = true when region != eu else false\n}\n",
        );
        assert_exact(&p);
        assert_eq!(
            text_of(&p, 0, "a"),
            "25% when region in [eu, us], 5% elsewhere"
        );
        assert_eq!(text_of(&p, 1, "a"), "0% when region == eu, 100% elsewhere");
    }

    #[test]
    fn a_more_specific_class_stays_when_a_general_one_before_elsewhere_differs() {
        let p = plan(
            "phase one \"\" {\n duration 1d\n \
             set a = false when tier == \"gold\", true when region == eu for 50% of early else false\n}\n",
        );
        assert_exact(&p);
        // `region == eu && tier == "gold"` gets 0%, as elsewhere does, but the more general
        // `region == eu` (50%) would take it if it went; `tier == "gold"` alone can go.
        assert_eq!(
            text_of(&p, 0, "a"),
            "0% when region == eu && tier == \"gold\", 50% when region == eu, 0% elsewhere"
        );
    }
}
