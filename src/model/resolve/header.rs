//! The `plan` block: its name and fields, the `start` moment, and the check that the planned
//! timeline ends on a day the calendar holds.

use super::Resolver;
use super::unique::Seen;
use crate::diagnostic::Problem;
use crate::diagnostic::problem::{NameProblem, TimeProblem};
use crate::model::time::parse_date;
use crate::source::Span;
use crate::syntax::ast::{self, Item, Spanned};

impl Resolver<'_> {
    pub(super) fn header(&mut self, file: &ast::File<'_>) -> Option<Header> {
        let mut headers = file.items.iter().filter_map(|i| match i {
            Item::Plan(h) => Some(h),
            _ => None,
        });
        let Some(first) = headers.next() else {
            self.report(NameProblem::NoPlanBlock.at(self.source.span(0..0)));
            return None;
        };
        for extra in headers {
            self.report(
                NameProblem::SecondPlanBlock {
                    name: extra.name.node.to_owned(),
                    first: first.keyword,
                }
                .at(extra.keyword),
            );
        }
        let mut header = Header {
            name: first.name.node.to_owned(),
            span: first.name.span,
            title: None,
            owner: None,
            description: None,
            start: None,
        };
        let mut seen = Seen::default();
        for field in &first.fields {
            let (name, span) = match field {
                ast::PlanField::Title(t) => ("title", t.span),
                ast::PlanField::Owner(t) => ("owner", t.span),
                ast::PlanField::Start(t) => ("start", t.span),
                ast::PlanField::Description(t) => ("description", t.span),
            };
            self.check_unique_field(Spanned::new(name, span), &mut seen);
            match field {
                ast::PlanField::Title(t) => header.title = Some(t.node.to_string()),
                ast::PlanField::Owner(t) => header.owner = Some(t.node.to_string()),
                ast::PlanField::Description(t) => header.description = Some(t.node.to_string()),
                ast::PlanField::Start(d) => header.start = self.start(*d),
            }
        }
        Some(header)
    }

    /// The planned timeline from the plan's `start` must end on a day the calendar holds
    /// (9999-12-31 at the latest): the first phase that would end past it is an error, where a
    /// date would otherwise stop at the last day without a word. Freeze windows and working
    /// days only move dates later; `simulate` checks those.
    pub(super) fn check_calendar_end(
        &mut self,
        start: crate::model::Moment,
        phases: &[crate::model::Phase],
    ) {
        let mut day = start;
        for phase in phases {
            let Some(length) = phase.duration.planned() else {
                return;
            };
            let minutes = i64::try_from(length.0).unwrap_or(i64::MAX);
            let Some(end) = day.checked_add(minutes) else {
                let runs = if length.is_whole_days() {
                    format!(
                        "runs {} days from {day}",
                        minutes / crate::model::DAY_MINUTES
                    )
                } else {
                    format!("runs {length} from {day}")
                };
                self.report(
                    TimeProblem::PastTheCalendar {
                        phase: phase.id.clone(),
                        last_day: crate::model::Date::MAX.to_string(),
                        runs,
                    }
                    .at(phase.duration_span),
                );
                return;
            };
            day = end;
        }
    }

    /// A plan's `start`: a date (00:00 UTC) or an RFC 3339 date-time, turned into UTC.
    fn start(&mut self, raw: ast::Raw<'_>) -> Option<crate::model::Moment> {
        use crate::model::MomentError;
        let error = match crate::model::Moment::parse(raw.node) {
            Ok(moment) => return Some(moment),
            Err(e) => e,
        };
        let text = raw.node.to_owned();
        let problem = match error {
            MomentError::NoSuchDay => TimeProblem::NoSuchDay { text, time: true },
            MomentError::NoOffset => TimeProblem::NoOffset { text },
            MomentError::NotATime => TimeProblem::NotATime { text },
            MomentError::NotAWholeMinute => TimeProblem::NotAWholeMinute { text },
        };
        self.report(problem.at(raw.span));
        None
    }

    pub(super) fn date(&mut self, raw: ast::Raw<'_>) -> Option<crate::model::Date> {
        let date = parse_date(raw.node);
        if date.is_none() {
            self.report(
                TimeProblem::NoSuchDay {
                    text: raw.node.to_owned(),
                    time: false,
                }
                .at(raw.span),
            );
        }
        date
    }
}

pub(super) struct Header {
    pub(super) name: String,
    pub(super) span: Span,
    pub(super) title: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) description: Option<String>,
    pub(super) start: Option<crate::model::Moment>,
}
