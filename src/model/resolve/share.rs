//! Who gets a value: cohort declarations and the shares of `set` rules (`for 5% of early`,
//! `for 50% by user.id`). A share is checked to the thousandth of a percent, the finest
//! resolution the systems rollplan emits for weigh a rollout at; the unit a bucketing hashes
//! must be an attribute whose value names one unit (a string or an int).

use super::Resolver;
use super::unique::Seen;
use crate::diagnostic::problem::{NameKind, NameProblem, ValueProblem};
use crate::diagnostic::{Problem, suggest};
use crate::model::plan::{AttributeId, Cohort, CohortId, FlagId};
use crate::model::value::{Bucketing, FlagType, Percent, Rollout};
use crate::syntax::ast::{self, Item};

impl Resolver<'_> {
    /// Resolves every `cohort` declaration. Runs after the attributes are known, which a plan
    /// may declare after the cohorts that use them.
    pub(super) fn cohorts(&mut self, file: &ast::File<'_>) {
        let mut seen = Seen::default();
        for item in &file.items {
            let Item::Cohort(decl) = item else { continue };
            if !self.check_unique(NameKind::Cohort, decl.name, &mut seen) {
                continue;
            }
            let attribute = self
                .attribute(decl.attribute)
                .filter(|&a| self.bucketing_attribute(a, decl.attribute));
            let id = attribute.map(|attribute| {
                self.cohorts.push(Cohort {
                    name: decl.name.node.to_owned(),
                    attribute,
                    description: decl.description.as_ref().map(|d| d.node.to_string()),
                    span: decl.name.span,
                });
                CohortId(self.cohorts.len() - 1)
            });
            // A cohort whose attribute is wrong is still declared: its uses are not reported
            // again as undeclared.
            self.cohort_ids.insert(decl.name.node.to_owned(), id);
        }
    }

    /// The rollout of a rule of `flag`: its share and its bucketing.
    pub(super) fn rollout(&mut self, share: &ast::Share<'_>, flag: FlagId) -> Option<Rollout> {
        let percent = self.percent(share.percent);
        let bucketing = match &share.bucketing {
            ast::ShareBucketing::Cohort(name) => self.cohort(*name).map(Bucketing::Cohort),
            ast::ShareBucketing::Attribute(name) => self
                .attribute(*name)
                .filter(|&a| self.bucketing_attribute(a, *name))
                .map(|attribute| Bucketing::Flag { flag, attribute }),
        };
        Some(Rollout {
            percent: percent?,
            bucketing: bucketing?,
        })
    }

    fn cohort(&mut self, name: ast::Name<'_>) -> Option<CohortId> {
        if let Some(&id) = self.cohort_ids.get(name.node) {
            return id;
        }
        let attribute = self
            .attributes
            .iter()
            .find(|a| matches!(a.ty, FlagType::String | FlagType::Int))
            .map_or("user.id", |a| a.name.as_str());
        self.report(
            NameProblem::UndefinedCohort {
                name: name.node.to_owned(),
                suggestion: suggest(name.node, self.cohort_ids.keys().map(String::as_str))
                    .map(str::to_owned),
                attribute: attribute.to_owned(),
            }
            .at(name.span),
        );
        None
    }

    /// Whether `attribute` can identify a unit; reports when it cannot.
    fn bucketing_attribute(&mut self, attribute: AttributeId, used: ast::Name<'_>) -> bool {
        let declared = &self.attributes[attribute.0];
        if matches!(declared.ty, FlagType::String | FlagType::Int) {
            return true;
        }
        let (ty, span) = (declared.ty.clone(), declared.span);
        self.report(
            ValueProblem::InvalidBucketing {
                attribute: used.node.to_owned(),
                ty,
                declared: span,
            }
            .at(used.span),
        );
        false
    }

    /// `5%`, `0.5%`, `12.125%`: from 0.001% to 100%, at most three decimals.
    fn percent(&mut self, raw: ast::Raw<'_>) -> Option<Percent> {
        let text = raw.node.trim_end_matches('%');
        let (whole, decimals) = text.split_once('.').unwrap_or((text, ""));
        let text = raw.node.to_owned();
        let problem = if decimals.len() > 3 {
            ValueProblem::ShareTooPrecise { text }
        } else {
            let thousandths = whole
                .parse::<u32>()
                .ok()
                .and_then(|w| w.checked_mul(1000))
                .and_then(|w| {
                    let d: u32 = format!("{decimals:0<3}").parse().ok()?;
                    w.checked_add(d)
                });
            match thousandths.and_then(Percent::from_thousandths) {
                Some(p) => return Some(p),
                None if thousandths == Some(0) => ValueProblem::ShareOfNone { text },
                None => ValueProblem::ShareOverAll { text },
            }
        };
        self.report(problem.at(raw.span));
        None
    }
}
