//! Lengths of time: a phase's `duration` (fixed, a range with a likely length, or indefinite),
//! an extension and a wait.

use super::Resolver;
use crate::diagnostic::Problem;
use crate::diagnostic::problem::TimeProblem;
use crate::model::time::{Minutes, PhaseDuration};
use crate::syntax::ast;

impl Resolver<'_> {
    /// A duration of a phase, an extension or a wait: at least a minute, at most 1000 years.
    pub(super) fn length(&mut self, raw: ast::Raw<'_>) -> Option<Minutes> {
        let text = raw.node.to_owned();
        let problem = match Minutes::parse(raw.node) {
            Some(Minutes(0)) => TimeProblem::ZeroDuration { text },
            None => TimeProblem::DurationTooLong { text },
            some => return some,
        };
        self.report(problem.at(raw.span));
        None
    }

    pub(super) fn duration(&mut self, spec: &ast::DurationSpec<'_>) -> Option<PhaseDuration> {
        Some(match spec {
            ast::DurationSpec::Indefinite => PhaseDuration::Indefinite,
            ast::DurationSpec::Fixed(raw) => PhaseDuration::Fixed(self.length(*raw)?),
            ast::DurationSpec::Range {
                min: min_raw,
                max: max_raw,
                likely: likely_raw,
            } => {
                let min = self.length(*min_raw);
                let max = self.length(*max_raw);
                let likely = likely_raw.map(|l| self.length(l));
                let (min, max) = (min?, max?);
                let likely = match likely {
                    Some(l) => Some(l?),
                    None => None,
                };
                let in_order = min <= max && likely.is_none_or(|l| min <= l && l <= max);
                if !in_order {
                    self.report(
                        TimeProblem::RangeOutOfOrder {
                            min: min.to_string(),
                            max: max.to_string(),
                        }
                        .at(min_raw.span.to(likely_raw.map_or(max_raw.span, |l| l.span))),
                    );
                    return None;
                }
                PhaseDuration::Range { min, max, likely }
            }
        })
    }
}
