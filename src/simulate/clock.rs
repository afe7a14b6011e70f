//! The simulation clock: minutes counted from the rollout's start as plain integers, with the
//! plan's freeze windows and holidays turned into day numbers once, so the engine's inner loop
//! (a million runs for a forecast) does no calendar arithmetic. Moments come back only for
//! output.
//!
//! Freeze windows, holidays and weekends block whole days (UTC): a phase that would start on a
//! blocked day starts at 00:00 of the next allowed day, and on the business calendar a duration
//! counts only the minutes of working days.

use super::timeline::{Calendar, add_days, add_minutes, days_between};
use crate::model::{DAY_MINUTES, Date, Moment, Plan};

/// Runs stop at this many days (about 100 years): a plan that has not reached its last phase by
/// then is reported as unfinished instead of looping on.
pub const HORIZON_DAYS: i64 = 36_525;

/// [`HORIZON_DAYS`] in minutes, the engine's unit.
pub const HORIZON: i64 = HORIZON_DAYS * DAY_MINUTES;

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

/// Time arithmetic for one plan, one start and one calendar. A time is a minute count from
/// the start; a day number counts days from the start's date (day 0 holds the start).
#[derive(Debug, Clone)]
pub struct Clock {
    pub start: Moment,
    pub calendar: Calendar,
    /// Frozen days as inclusive `(first, last)` day numbers, sorted by first day, with
    /// overlapping and adjacent windows merged, so that a day is looked up by binary search.
    freezes: Vec<(i64, i64)>,
    /// Holidays as sorted day numbers.
    holidays: Vec<i64>,
    /// Weekday of day 0, Monday = 0.
    start_weekday: i64,
    /// The start's minute of its day: time `t` falls on day `(offset + t) / DAY_MINUTES`.
    offset: i64,
    /// Whether times fall inside days ([`super::timeline::has_times`]): outputs show times.
    pub timed: bool,
}

impl Clock {
    /// `start`: a [`Moment`], or a [`Date`] for its 00:00 UTC.
    pub fn new(plan: &Plan, start: impl Into<Moment>, calendar: Calendar) -> Clock {
        let start = start.into();
        let date = start.date();
        let mut freezes: Vec<(i64, i64)> = plan
            .freezes
            .iter()
            .map(|f| (days_between(date, f.from), days_between(date, f.to)))
            .filter(|(_, to)| *to >= 0)
            .collect();
        freezes.sort_unstable();
        let freezes = merge(freezes);
        let mut holidays: Vec<i64> = plan
            .holidays
            .iter()
            .map(|h| days_between(date, h.date))
            .filter(|d| *d >= 0)
            .collect();
        holidays.sort_unstable();
        holidays.dedup();
        Clock {
            start,
            calendar,
            freezes,
            holidays,
            start_weekday: i64::from(date.weekday().to_monday_zero_offset()),
            offset: start.minute_of_day(),
            timed: super::timeline::has_times(plan, start),
        }
    }

    /// The moment of a time (9999-12-31 past the calendar's end: see [`Clock::holds`]).
    pub fn moment(&self, at: i64) -> Moment {
        add_minutes(self.start, at)
    }

    /// A time as an output shows it: its date for a plan of whole days
    /// ([`Clock::timed`] false), else `2027-03-01 09:30` (UTC).
    pub fn human(&self, at: i64) -> String {
        if self.timed {
            self.moment(at).human()
        } else {
            self.date(self.day(at)).to_string()
        }
    }

    /// A time as JSON shows it: its date for a plan of whole days, else RFC 3339 in UTC.
    pub fn json(&self, at: i64) -> String {
        if self.timed {
            self.moment(at).rfc3339()
        } else {
            self.date(self.day(at)).to_string()
        }
    }

    /// The date of a day number (9999-12-31 past the calendar's end: see [`Clock::holds`]).
    pub fn date(&self, day: i64) -> Date {
        add_days(self.start.date(), day)
    }

    /// The day number a time falls on.
    pub fn day(&self, at: i64) -> i64 {
        (self.offset + at).div_euclid(DAY_MINUTES)
    }

    /// The time of 00:00 of a day number.
    pub fn midnight(&self, day: i64) -> i64 {
        day.saturating_mul(DAY_MINUTES) - self.offset
    }

    /// Whether the calendar holds a time: it ends on 9999-12-31.
    pub fn holds(&self, at: i64) -> bool {
        self.start.checked_add(at).is_some()
    }

    /// Whether a flag change or a phase start on `day` falls inside a freeze window: the
    /// frozen days around it, as one window where windows overlap or touch.
    pub fn frozen(&self, day: i64) -> Option<(i64, i64)> {
        let after = self.freezes.partition_point(|&(from, _)| from <= day);
        let &(from, to) = self.freezes.get(after.checked_sub(1)?)?;
        (day <= to).then_some((from, to))
    }

    /// The merged freeze windows as inclusive day numbers.
    pub fn freezes(&self) -> &[(i64, i64)] {
        &self.freezes
    }

    fn is_business_day(&self, day: i64) -> bool {
        (self.start_weekday + day).rem_euclid(7) < 5 && self.holidays.binary_search(&day).is_err()
    }

    /// The first time at or after `at` at which a phase may start: outside every freeze window
    /// and, on the business calendar, on a working day; 00:00 of the next allowed day when
    /// `at`'s day is blocked. Mirrors [`super::timeline::next_allowed_start`].
    pub fn next_allowed_start(&self, at: i64) -> i64 {
        if self.freezes.is_empty() && self.calendar == Calendar::Calendar {
            return at;
        }
        let first = self.day(at);
        let mut day = first;
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
            break;
        }
        if day == first { at } else { self.midnight(day) }
    }

    /// The time `minutes` counted minutes after `at`: every minute on the calendar, the minutes
    /// of working days on the business calendar. Mirrors [`super::timeline::advance`].
    pub fn advance(&self, at: i64, minutes: i64) -> i64 {
        match self.calendar {
            Calendar::Calendar => at.saturating_add(minutes),
            Calendar::Business => {
                // Day by day, as day numbers: only the first day may be entered part-way.
                let mut day = self.day(at);
                let mut into = at - self.midnight(day);
                let mut left = minutes;
                while left > 0 && day < HORIZON_DAYS {
                    if self.is_business_day(day) {
                        let rest_of_day = DAY_MINUTES - into;
                        if left < rest_of_day {
                            return self.midnight(day) + into + left;
                        }
                        left -= rest_of_day;
                    }
                    day += 1;
                    into = 0;
                }
                if left > 0 {
                    HORIZON
                } else {
                    self.midnight(day) + into
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use proptest::prelude::*;

    use super::*;

    /// A clock from 2027-01-01 over a plan with a freeze window per `(first, length)` in days.
    fn clock_with(windows: &[(i64, i64)]) -> Clock {
        let start = crate::model::parse_date("2027-01-01").expect("a date");
        let mut text = String::from("plan p {}\nflag f: bool = false\n");
        for &(first, length) in windows {
            let (from, to) = (add_days(start, first), add_days(start, first + length));
            let _ = writeln!(text, "freeze {from}..{to} \"f\"");
        }
        text.push_str("phase a \"A\" {\n  duration 1w\n  set f = true\n}\n");
        let compiled = crate::compile_test_plan(text);
        Clock::new(&compiled.plan, Moment::midnight(start), Calendar::Calendar)
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
