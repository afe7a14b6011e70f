//! The `plan` block: its name and fields, the `start` moment, and the check that the planned
//! timeline ends on a day the calendar holds.

use super::Resolver;
use super::unique::Seen;
use crate::diagnostic::{Code, Diagnostic};
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
            self.report(
                Diagnostic::new(
                    Code::PlanHeader,
                    "the file has no `plan` block",
                    self.source.span(0..0),
                    "expected `plan NAME { … }` in this file",
                )
                .help("start the file with `plan my_rollout { title \"…\" }`"),
            );
            return None;
        };
        for extra in headers {
            self.report(
                Diagnostic::new(
                    Code::PlanHeader,
                    format!("a second `plan` block, `{}`", extra.name.node),
                    extra.keyword,
                    "second plan block",
                )
                .related(first.keyword, "first plan block")
                .help("a file holds one plan: merge the blocks, or move the second plan to its own file"),
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
            self.check_unique("plan field", Spanned::new(name, span), &mut seen);
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
                    Diagnostic::new(
                        Code::InvalidDate,
                        format!(
                            "phase `{}` would end after {}, the last day the calendar holds",
                            phase.id,
                            crate::model::Date::MAX
                        ),
                        phase.duration_span,
                        runs,
                    )
                    .help("start the rollout earlier, or shorten the phases, so that it ends by 9999-12-31"),
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
        let (message, label, help) = match error {
            MomentError::NoSuchDay => (
                format!("`{}` is not a date on the calendar", raw.node),
                "no such day",
                "write a real day as YYYY-MM-DD, like 2026-12-01, or a date-time like 2026-12-01T09:00:00Z",
            ),
            MomentError::NoOffset => (
                format!("the date-time `{}` has no time zone offset", raw.node),
                "which time zone?",
                "end the time with `Z` for UTC (`T09:00:00Z`) or with its offset from UTC (`T09:00:00+02:00`)",
            ),
            MomentError::NotATime => (
                format!("`{}` is not an RFC 3339 date-time", raw.node),
                "not a time of day",
                "write the time as HH:MM:SS on a 24-hour clock with `Z` or an offset, like 2026-12-01T09:00:00Z",
            ),
            MomentError::NotAWholeMinute => (
                format!("the start `{}` is not on a whole minute", raw.node),
                "seconds",
                "plans count whole minutes: write the seconds as `:00`, like 2026-12-01T09:00:00Z",
            ),
        };
        self.report(Diagnostic::new(Code::InvalidDate, message, raw.span, label).help(help));
        None
    }

    pub(super) fn date(&mut self, raw: ast::Raw<'_>) -> Option<crate::model::Date> {
        let date = parse_date(raw.node);
        if date.is_none() {
            self.report(
                Diagnostic::new(
                    Code::InvalidDate,
                    format!("`{}` is not a date on the calendar", raw.node),
                    raw.span,
                    "no such day",
                )
                .help("write a real day as YYYY-MM-DD, like 2026-12-01"),
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
