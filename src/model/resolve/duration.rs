//! Lengths of time: a phase's `duration` (fixed, a range with a likely length, or indefinite),
//! an extension and a wait.

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::time::{Minutes, PhaseDuration};
use crate::syntax::ast;

impl Resolver<'_> {
    /// A duration of a phase, an extension or a wait: at least a minute, at most 1000 years.
    pub(super) fn length(&mut self, raw: ast::Raw<'_>) -> Option<Minutes> {
        let (message, label, help) = match Minutes::parse(raw.node) {
            Some(Minutes(0)) => (
                format!("duration `{}` is zero", raw.node),
                "zero length",
                "give a length of at least a minute, like `30m`, `12h`, `3d` or `2w`",
            ),
            None => (
                format!("duration `{}` is longer than 1000 years", raw.node),
                "too long",
                "give a length of at most 1000 years; a last phase with no end takes `duration indefinite`",
            ),
            some => return some,
        };
        self.report(Diagnostic::new(Code::InvalidDuration, message, raw.span, label).help(help));
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
                        Diagnostic::new(
                            Code::InvalidDuration,
                            format!("the duration range `{min}..{max}` is out of order"),
                            min_raw.span.to(likely_raw.map_or(max_raw.span, |l| l.span)),
                            "bounds out of order",
                        )
                        .help("write the shortest length first, and a `likely` length between the two"),
                    );
                    return None;
                }
                PhaseDuration::Range { min, max, likely }
            }
        })
    }
}
