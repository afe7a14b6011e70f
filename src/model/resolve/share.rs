//! Who gets a value: cohort declarations and the shares of `set` rules (`for 5% of early`,
//! `for 50% by user.id`). A share is checked to the thousandth of a percent, the finest
//! resolution the systems rollplan emits for weigh a rollout at; the unit a bucketing hashes
//! must be an attribute whose value names one unit (a string or an int).

use super::Resolver;
use super::unique::Seen;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
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
            if !self.check_unique("cohort", decl.name, &mut seen) {
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
        let help = did_you_mean(
            name.node,
            self.cohort_ids.keys().map(String::as_str),
            || {
                let attribute = self
                    .attributes
                    .iter()
                    .find(|a| matches!(a.ty, FlagType::String | FlagType::Int))
                    .map_or("user.id", |a| a.name.as_str());
                format!(
                    "declare it: `cohort {} by {attribute} \"who is in it\"`, or bucket this flag on its own: `by {attribute}`",
                    name.node
                )
            },
        );
        self.report(
            Diagnostic::new(
                Code::UndefinedCohort,
                format!("cohort `{}` is not declared", name.node),
                name.span,
                "undeclared cohort",
            )
            .help(help),
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
            Diagnostic::new(
                Code::InvalidBucketing,
                format!(
                    "attribute `{}` is {ty}, and units are bucketed by an attribute that names one unit",
                    used.node
                ),
                used.span,
                "cannot name one unit",
            )
            .related(span, "declared here")
            .help("bucket by a string or int attribute that identifies a unit, such as `user.id`: a share of the values of a bool or enum would give whole groups the value at once"),
        );
        false
    }

    /// `5%`, `0.5%`, `12.125%`: from 0.001% to 100%, at most three decimals.
    fn percent(&mut self, raw: ast::Raw<'_>) -> Option<Percent> {
        let text = raw.node.trim_end_matches('%');
        let (whole, decimals) = text.split_once('.').unwrap_or((text, ""));
        let problem = if decimals.len() > 3 {
            Some((
                format!("share `{}` has more than three decimals", raw.node),
                "give the share in thousandths of a percent at most (`0.125%`): flag systems bucket no finer",
            ))
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
                None if thousandths == Some(0) => Some((
                    format!("share `{}` gives the value to no unit", raw.node),
                    "give a share from 0.001% to 100%, or leave the rule out",
                )),
                None => Some((
                    format!("share `{}` is more than 100%", raw.node),
                    "give a share from 0.001% to 100%; `100%` gives the value to every unit",
                )),
            }
        };
        if let Some((message, help)) = problem {
            self.report(
                Diagnostic::new(Code::InvalidPercent, message, raw.span, "this share").help(help),
            );
        }
        None
    }
}
