//! The simulation clock: days counted from the rollout's start as plain integers, with the
//! plan's freeze windows and holidays turned into day numbers once, so the engine's inner loop
//! (a million runs for a forecast) does no calendar arithmetic. Dates come back only for output.

use super::timeline::{Calendar, add_days, days_between};
use crate::model::{Date, Plan};

/// Runs stop at this many days (about 100 years): a plan that has not reached its last phase by
/// then is reported as unfinished instead of looping on.
pub const HORIZON_DAYS: i64 = 36_525;

/// Sorted windows to disjoint ones: windows that overlap or touch become one.
fn merge(sorted: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(sorted.len());
    for (from, to) in sorted {
        match out.last_mut() {
            Some(last) if from <= last.1.saturating_add(1) => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// Day arithmetic for one plan, one start date and one calendar.
#[derive(Debug, Clone)]
pub struct Clock {
    pub start: Date,
    pub calendar: Calendar,
    /// Frozen days as inclusive `(first, last)` day numbers, sorted by first day, with
    /// overlapping and adjacent windows merged, so that a day is looked up by binary search.
    freezes: Vec<(i64, i64)>,
    /// Holidays as sorted day numbers.
    holidays: Vec<i64>,
    /// Weekday of day 0, Monday = 0.
    start_weekday: i64,
}

impl Clock {
    pub fn new(plan: &Plan, start: Date, calendar: Calendar) -> Clock {
        let mut freezes: Vec<(i64, i64)> = plan
            .freezes
            .iter()
            .map(|f| (days_between(start, f.from), days_between(start, f.to)))
            .filter(|(_, to)| *to >= 0)
            .collect();
        freezes.sort_unstable();
        let freezes = merge(freezes);
        let mut holidays: Vec<i64> = plan
            .holidays
            .iter()
            .map(|h| days_between(start, h.date))
            .filter(|d| *d >= 0)
            .collect();
        holidays.sort_unstable();
        holidays.dedup();
        Clock {
            start,
            calendar,
            freezes,
            holidays,
            start_weekday: i64::from(start.weekday().to_monday_zero_offset()),
        }
    }

    /// The date of a day number (9999-12-31 past the calendar's end: see [`Clock::holds`]).
    pub fn date(&self, day: i64) -> Date {
        add_days(self.start, day)
    }

    /// Whether the calendar holds the date of a day number: it ends on 9999-12-31.
    pub fn holds(&self, day: i64) -> bool {
        jiff::Span::new()
            .try_days(day)
            .is_ok_and(|span| self.start.checked_add(span).is_ok())
    }

    /// Whether a flag change or a phase start on `day` falls inside a freeze window: the
    /// frozen days around it, as one window where windows overlap or touch.
    pub fn frozen(&self, day: i64) -> Option<(i64, i64)> {
        let after = self.freezes.partition_point(|&(from, _)| from <= day);
        let &(from, to) = self.freezes.get(after.checked_sub(1)?)?;
        (day <= to).then_some((from, to))
    }

    fn is_business_day(&self, day: i64) -> bool {
        (self.start_weekday + day).rem_euclid(7) < 5 && self.holidays.binary_search(&day).is_err()
    }

    /// The first day on or after `day` on which a phase may start: outside every freeze window
    /// and, on the business calendar, a working day. Mirrors [`super::timeline::next_allowed_start`].
    pub fn next_allowed_start(&self, mut day: i64) -> i64 {
        if self.freezes.is_empty() && self.calendar == Calendar::Calendar {
            return day;
        }
        // Each pass moves past one obstacle; there are finitely many before the horizon.
        while day < HORIZON_DAYS {
            if let Some((_, to)) = self.frozen(day) {
                day = to + 1;
                continue;
            }
            if self.calendar == Calendar::Business && !self.is_business_day(day) {
                day += 1;
                continue;
            }
            return day;
        }
        day
    }

    /// The day after `days` counted days from `start`: every day on the calendar, working days
    /// on the business calendar. Mirrors [`super::timeline::advance`].
    pub fn advance(&self, start: i64, days: i64) -> i64 {
        match self.calendar {
            Calendar::Calendar => start.saturating_add(days),
            Calendar::Business => {
                let mut day = start;
                let mut left = days;
                while left > 0 && day < HORIZON_DAYS {
                    if self.is_business_day(day) {
                        left -= 1;
                    }
                    day += 1;
                }
                day
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use proptest::prelude::*;

    use super::*;
    use crate::source::SourceMap;

    /// A clock from 2027-01-01 over a plan with a freeze window per `(first, length)` in days.
    fn clock_with(windows: &[(i64, i64)]) -> Clock {
        let start = crate::model::parse_date("2027-01-01").expect("a date");
        let mut text = String::from("plan p {}\nflag f: bool = false\n");
        for &(first, length) in windows {
            let (from, to) = (add_days(start, first), add_days(start, first + length));
            let _ = writeln!(text, "freeze {from}..{to} \"f\"");
        }
        text.push_str("phase a \"A\" {\n  duration 1w\n  set f = true\n}\n");
        let mut sources = SourceMap::new();
        let file = sources.add("t.roll", text);
        let compiled = crate::compile(&sources, file).expect("compiles");
        Clock::new(&compiled.plan, start, Calendar::Calendar)
    }

    proptest! {
        /// The binary search finds what a scan of the windows as declared finds: whether a day
        /// is frozen, and the last day of the run of frozen days around it.
        #[test]
        fn freeze_lookup_matches_a_scan(
            windows in proptest::collection::vec((0i64..120, 0i64..15), 0..12),
        ) {
            let clock = clock_with(&windows);
            let frozen = |d: i64| windows.iter().any(|&(f, l)| f <= d && d <= f + l);
            for day in -2..140 {
                let found = clock.frozen(day);
                prop_assert_eq!(found.is_some(), frozen(day), "day {}", day);
                if let Some((from, to)) = found {
                    let mut last = day;
                    while frozen(last + 1) {
                        last += 1;
                    }
                    let mut first = day;
                    while frozen(first - 1) {
                        first -= 1;
                    }
                    prop_assert_eq!((from, to), (first, last), "day {}", day);
                }
            }
        }
    }
}
