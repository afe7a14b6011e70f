//! A phase's states: the planned one, and one variant for each combination of the optional
//! values it and earlier phases leave open.

use std::sync::Arc;

use super::Resolver;
use crate::diagnostic::Problem;
use crate::diagnostic::problem::ValueProblem;
use crate::model::plan::{Assignment, FlagId, Phase, PhaseId, Variant};
use crate::syntax::ast;

/// Optional values in one phase, at most: each doubles the phase's variants.
const MAX_OPTIONAL_PER_PHASE: usize = 6;
/// Variants of one phase, at most, counting those inherited from earlier optional values.
const MAX_VARIANTS: usize = 64;

impl Resolver<'_> {
    /// A phase's planned state and variants, from its assignments and the variants of the
    /// phase before.
    pub(super) fn states(
        &mut self,
        decl: &ast::Phase<'_>,
        phase: &mut Phase,
        assignments: &[Assignment],
        index: usize,
        previous: &[Variant],
    ) {
        // The planned state and every variant share the assignment's one copy of each setting.
        for a in assignments {
            phase.planned.set_shared(a.flag, Arc::clone(&a.setting));
        }
        phase.variants = self.variants(decl, assignments, index, previous);
        // `variants[0]` is usually the planned state: keep one copy of it.
        if let Some(first) = phase.variants.first_mut()
            && first.state == phase.planned
        {
            first.state = phase.planned.clone();
        }
    }

    fn variants(
        &mut self,
        decl: &ast::Phase<'_>,
        assignments: &[crate::model::Assignment],
        index: usize,
        previous: &[Variant],
    ) -> Vec<Variant> {
        let optional: Vec<usize> = (0..assignments.len())
            .filter(|&i| assignments[i].optional.is_some())
            .collect();
        if optional.len() > MAX_OPTIONAL_PER_PHASE {
            let span = assignments[optional[MAX_OPTIONAL_PER_PHASE]].span;
            self.report(
                ValueProblem::TooManyOptionalValues {
                    phase: decl.id.node.to_owned(),
                    count: optional.len(),
                    max: MAX_OPTIONAL_PER_PHASE,
                }
                .at(span),
            );
            return vec![Variant {
                state: previous[0].state.clone(),
                skipped: Vec::new(),
                from: vec![0],
            }];
        }
        let set_here: Vec<_> = assignments.iter().map(|a| a.flag).collect();
        let mut out: Vec<Variant> = Vec::new();
        for (from, prev) in previous.iter().enumerate() {
            let mut base = prev.state.clone();
            for a in assignments.iter().filter(|a| a.optional.is_none()) {
                base.set_shared(a.flag, Arc::clone(&a.setting));
            }
            // An earlier skipped value stops mattering once this phase sets the flag again.
            let inherited: Vec<(PhaseId, FlagId)> = prev
                .skipped
                .iter()
                .copied()
                .filter(|(_, f)| !set_here.contains(f))
                .collect();
            // All-applied first, so variants[0] is the planned state.
            let full = (1usize << optional.len()) - 1;
            for mask in (0..=full).rev() {
                let mut state = base.clone();
                let mut skipped = inherited.clone();
                for (bit, &i) in optional.iter().enumerate() {
                    if mask & (1 << bit) != 0 {
                        state.set_shared(assignments[i].flag, Arc::clone(&assignments[i].setting));
                    } else {
                        skipped.push((PhaseId(index), assignments[i].flag));
                    }
                }
                match out.iter_mut().find(|v| v.state == state) {
                    Some(seen) if seen.from.last() != Some(&from) => seen.from.push(from),
                    Some(_) => {}
                    None => out.push(Variant {
                        state,
                        skipped,
                        from: vec![from],
                    }),
                }
                if out.len() > MAX_VARIANTS {
                    self.report(
                        ValueProblem::TooManyConfigurations {
                            phase: decl.id.node.to_owned(),
                            max: MAX_VARIANTS,
                        }
                        .at(decl.id.span),
                    );
                    out.truncate(MAX_VARIANTS);
                    return out;
                }
            }
        }
        out
    }
}
