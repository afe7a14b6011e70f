//! What checking the lengths and dates of a plan finds: a phase without a duration, lengths of
//! zero or past 1000 years, days not on the calendar, a timeline past its last day.

use super::{Wording, sealed};
use crate::diagnostic::Code;
use crate::source::Span;

/// A problem with a length of time or a date in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeProblem {
    /// A phase with no `duration`; `end` is its closing brace.
    MissingDuration { phase: String, end: Span },
    /// A duration of zero.
    ZeroDuration { text: String },
    /// A duration over 1000 years.
    DurationTooLong { text: String },
    /// A duration range whose bounds are out of order.
    RangeOutOfOrder { min: String, max: String },
    /// A gate window of zero.
    ZeroWindow { text: String },
    /// A gate window over 1000 years.
    WindowTooLong { text: String },
    /// A date that is not on the calendar; `time` when a date-time would do too (the start).
    NoSuchDay { text: String, time: bool },
    /// A start date-time without an offset.
    NoOffset { text: String },
    /// A start that is not an RFC 3339 date-time.
    NotATime { text: String },
    /// A start with seconds.
    NotAWholeMinute { text: String },
    /// A freeze window that ends before it starts.
    FreezeOutOfOrder { from: String, to: String },
    /// A phase that would end after 9999-12-31; `runs` says how long from when.
    PastTheCalendar {
        phase: String,
        last_day: String,
        runs: String,
    },
}

impl sealed::Sealed for TimeProblem {}

impl super::Problem for TimeProblem {
    fn wording(&self) -> Wording {
        use TimeProblem as P;
        match self {
            P::MissingDuration { phase, end } => Wording::new(
                Code::MissingDuration,
                format!("phase `{phase}` has no `duration`"),
                "this phase",
                "say how long the phase runs: `duration 1w`, `duration 1w..2w` or, for the last phase, `duration indefinite`",
            )
            .related(*end, "add it before this brace"),
            P::ZeroDuration { text } => Wording::new(
                Code::InvalidDuration,
                format!("duration `{text}` is zero"),
                "zero length",
                "give a length of at least a minute, like `30m`, `12h`, `3d` or `2w`",
            ),
            P::DurationTooLong { text } => Wording::new(
                Code::InvalidDuration,
                format!("duration `{text}` is longer than 1000 years"),
                "too long",
                "give a length of at most 1000 years; a last phase with no end takes `duration indefinite`",
            ),
            P::RangeOutOfOrder { min, max } => Wording::new(
                Code::InvalidDuration,
                format!("the duration range `{min}..{max}` is out of order"),
                "bounds out of order",
                "write the shortest length first, and a `likely` length between the two",
            ),
            P::ZeroWindow { text } => Wording::new(
                Code::InvalidDuration,
                format!("window `{text}` is zero"),
                "zero length",
                WINDOW_HELP,
            ),
            P::WindowTooLong { text } => Wording::new(
                Code::InvalidDuration,
                format!("window `{text}` is longer than 1000 years"),
                "too long",
                WINDOW_HELP,
            ),
            P::NoSuchDay { text, time } => Wording::new(
                Code::InvalidDate,
                format!("`{text}` is not a date on the calendar"),
                "no such day",
                if *time {
                    "write a real day as YYYY-MM-DD, like 2026-12-01, or a date-time like 2026-12-01T09:00:00Z"
                } else {
                    "write a real day as YYYY-MM-DD, like 2026-12-01"
                },
            ),
            P::NoOffset { text } => Wording::new(
                Code::InvalidDate,
                format!("the date-time `{text}` has no time zone offset"),
                "which time zone?",
                "end the time with `Z` for UTC (`T09:00:00Z`) or with its offset from UTC (`T09:00:00+02:00`)",
            ),
            P::NotATime { text } => Wording::new(
                Code::InvalidDate,
                format!("`{text}` is not an RFC 3339 date-time"),
                "not a time of day",
                "write the time as HH:MM:SS on a 24-hour clock with `Z` or an offset, like 2026-12-01T09:00:00Z",
            ),
            P::NotAWholeMinute { text } => Wording::new(
                Code::InvalidDate,
                format!("the start `{text}` is not on a whole minute"),
                "seconds",
                "plans count whole minutes: write the seconds as `:00`, like 2026-12-01T09:00:00Z",
            ),
            P::FreezeOutOfOrder { from, to } => Wording::new(
                Code::InvalidDate,
                format!("freeze window ends on {to}, before it starts on {from}"),
                "the end comes before the start",
                "write the first frozen day first: `freeze FROM..TO`",
            ),
            P::PastTheCalendar {
                phase,
                last_day,
                runs,
            } => Wording::new(
                Code::InvalidDate,
                format!("phase `{phase}` would end after {last_day}, the last day the calendar holds"),
                runs.as_str(),
                "start the rollout earlier, or shorten the phases, so that it ends by 9999-12-31",
            ),
        }
    }
}

const WINDOW_HELP: &str =
    "judge the gate over a window of at least a minute, like `over 30m` or `over 1h`";

#[cfg(test)]
impl TimeProblem {
    /// One of each variant, for the catalogue's tests.
    pub(super) fn samples() -> Vec<Self> {
        use TimeProblem as P;
        let s = Span::default;
        let text = || "x".to_owned();
        vec![
            P::MissingDuration {
                phase: text(),
                end: s(),
            },
            P::ZeroDuration {
                text: "0d".to_owned(),
            },
            P::DurationTooLong {
                text: "99999w".to_owned(),
            },
            P::RangeOutOfOrder {
                min: "2w".to_owned(),
                max: "1w".to_owned(),
            },
            P::ZeroWindow {
                text: "0m".to_owned(),
            },
            P::WindowTooLong {
                text: "99999w".to_owned(),
            },
            P::NoSuchDay {
                text: "2026-02-30".to_owned(),
                time: false,
            },
            P::NoOffset { text: text() },
            P::NotATime { text: text() },
            P::NotAWholeMinute { text: text() },
            P::FreezeOutOfOrder {
                from: text(),
                to: text(),
            },
            P::PastTheCalendar {
                phase: text(),
                last_day: "9999-12-31".to_owned(),
                runs: "runs 3 days".to_owned(),
            },
        ]
    }
}
