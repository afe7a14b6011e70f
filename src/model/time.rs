//! Durations and dates as the plan states them.

use std::fmt;

/// A length of time in whole minutes: the resolution of the language (`2w`, `3d`, `12h`,
/// `30m`). Phase durations, extensions, waits and gate windows all take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minutes(pub u64);

impl Minutes {
    pub const HOUR: Minutes = Minutes(60);
    pub const DAY: Minutes = Minutes(24 * 60);
    pub const WEEK: Minutes = Minutes(7 * 24 * 60);

    /// Parses `2w`, `3d`, `12h` or `30m`. `None` when the number overflows or passes
    /// [`MAX_MINUTES`].
    pub fn parse(text: &str) -> Option<Minutes> {
        let (digits, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: u64 = digits.parse().ok()?;
        let per = match unit {
            "w" => Minutes::WEEK.0,
            "d" => Minutes::DAY.0,
            "h" => Minutes::HOUR.0,
            "m" => 1,
            _ => return None,
        };
        n.checked_mul(per)
            .filter(|&m| m <= MAX_MINUTES)
            .map(Minutes)
    }

    pub fn seconds(self) -> u64 {
        self.0 * 60
    }

    /// Whether it is a whole number of days (zero included).
    pub fn is_whole_days(self) -> bool {
        self.0 % Minutes::DAY.0 == 0
    }
}

impl Minutes {
    /// The length in days, hours and minutes, largest first, zero parts left out: `1d 12h`,
    /// `2h 30m`, `30m` (`0m` for zero).
    pub fn spelled(self) -> String {
        let (d, h, m) = (self.0 / Minutes::DAY.0, self.0 / 60 % 24, self.0 % 60);
        let parts: Vec<String> = [(d, 'd'), (h, 'h'), (m, 'm')]
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .map(|(n, u)| format!("{n}{u}"))
            .collect();
        if parts.is_empty() {
            "0m".to_owned()
        } else {
            parts.join(" ")
        }
    }
}

/// 1,000 years: longer durations are typos, and the cap keeps date arithmetic in range.
pub const MAX_MINUTES: u64 = 1000 * 366 * 24 * 60;

impl fmt::Display for Minutes {
    /// The largest unit that divides it evenly: `2w`, `10d`, `36h`, `90m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        let unit = [(Minutes::WEEK.0, 'w'), (Minutes::DAY.0, 'd'), (60, 'h')]
            .into_iter()
            .find(|&(per, _)| m != 0 && m % per == 0);
        match unit {
            Some((per, u)) => write!(f, "{}{u}", m / per),
            None => write!(f, "{m}m"),
        }
    }
}

/// How long a phase runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseDuration {
    /// Open-ended: the phase starts and never ends (only sensible last).
    Indefinite,
    Fixed(Minutes),
    /// Sampled by the simulator: uniform on `min..=max`, or triangular with its mode at `likely`.
    Range {
        min: Minutes,
        max: Minutes,
        likely: Option<Minutes>,
    },
}

impl PhaseDuration {
    /// The planned length: a fixed duration, a range's `likely` value or else its minimum;
    /// `None` when indefinite.
    pub fn planned(self) -> Option<Minutes> {
        match self {
            PhaseDuration::Indefinite => None,
            PhaseDuration::Fixed(h) => Some(h),
            PhaseDuration::Range { min, likely, .. } => Some(likely.unwrap_or(min)),
        }
    }
}

impl fmt::Display for PhaseDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhaseDuration::Indefinite => f.write_str("indefinite"),
            PhaseDuration::Fixed(h) => write!(f, "{h}"),
            PhaseDuration::Range {
                min,
                max,
                likely: None,
            } => write!(f, "{min}..{max}"),
            PhaseDuration::Range {
                min,
                max,
                likely: Some(l),
            } => write!(f, "{min}..{max} likely {l}"),
        }
    }
}

pub use jiff::civil::Date;

/// Minutes in a day.
pub const DAY_MINUTES: i64 = 24 * 60;

/// A point in time in UTC at the language's resolution: a day and the minute of that day. A
/// plan's `start` is one (a date alone is its 00:00), and so is every time the simulator gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    date: Date,
    /// Minutes after 00:00 UTC, `0..DAY_MINUTES`.
    minute: u16,
}

impl Moment {
    /// 00:00 UTC of a day.
    pub fn midnight(date: Date) -> Moment {
        Moment { date, minute: 0 }
    }

    pub fn date(self) -> Date {
        self.date
    }

    /// Minutes after 00:00 UTC of its day.
    pub fn minute_of_day(self) -> i64 {
        i64::from(self.minute)
    }

    pub fn is_midnight(self) -> bool {
        self.minute == 0
    }

    /// `minutes` later (earlier when negative); `None` past the calendar's ends.
    pub fn checked_add(self, minutes: i64) -> Option<Moment> {
        let total = self.minute_of_day().checked_add(minutes)?;
        let days = total.div_euclid(DAY_MINUTES);
        let date = self
            .date
            .checked_add(jiff::Span::new().try_days(days).ok()?)
            .ok()?;
        let minute = u16::try_from(total.rem_euclid(DAY_MINUTES)).ok()?;
        Some(Moment { date, minute })
    }

    /// Minutes from `earlier` to `self`.
    pub fn minutes_since(self, earlier: Moment) -> i64 {
        i64::from((self.date - earlier.date).get_days()) * DAY_MINUTES + self.minute_of_day()
            - earlier.minute_of_day()
    }

    /// `2027-03-01T09:30:00Z`: RFC 3339, at minute resolution.
    pub fn rfc3339(self) -> String {
        format!("{}T{}:00Z", self.date, self.clock())
    }

    /// `2027-03-01 09:30`: how people read a time in UTC.
    pub fn human(self) -> String {
        format!("{} {}", self.date, self.clock())
    }

    /// The time of day, `09:30`.
    pub fn clock(self) -> String {
        format!("{:02}:{:02}", self.minute / 60, self.minute % 60)
    }

    /// Parses a plan's or the command line's start: `YYYY-MM-DD` (00:00 UTC) or an RFC 3339
    /// date-time with `Z` or an offset (`2027-03-01T09:00:00+02:00`), turned into UTC. A time
    /// must be a whole minute.
    pub fn parse(text: &str) -> Result<Moment, MomentError> {
        if !text.contains(['T', 't']) {
            return parse_date(text)
                .map(Moment::midnight)
                .ok_or(MomentError::NoSuchDay);
        }
        let has_offset = text
            .get(10..)
            .is_some_and(|time| time.ends_with(['Z', 'z']) || time.contains(['+', '-']));
        if !has_offset {
            return Err(MomentError::NoOffset);
        }
        let stamp: jiff::Timestamp = text.parse().map_err(|_| {
            if parse_date(text.get(..10).unwrap_or_default()).is_none() {
                MomentError::NoSuchDay
            } else {
                MomentError::NotATime
            }
        })?;
        if stamp.as_second().rem_euclid(60) != 0 || stamp.subsec_nanosecond() != 0 {
            return Err(MomentError::NotAWholeMinute);
        }
        let utc = jiff::tz::Offset::UTC.to_datetime(stamp);
        let minute = u16::try_from(i32::from(utc.hour()) * 60 + i32::from(utc.minute()))
            .map_err(|_| MomentError::NotATime)?;
        Ok(Moment {
            date: utc.date(),
            minute,
        })
    }
}

impl fmt::Display for Moment {
    /// The day alone at 00:00 (`2027-03-01`), else RFC 3339 (`2027-03-01T09:30:00Z`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_midnight() {
            write!(f, "{}", self.date)
        } else {
            f.write_str(&self.rfc3339())
        }
    }
}

impl From<Date> for Moment {
    /// A date alone is its 00:00 UTC.
    fn from(date: Date) -> Moment {
        Moment::midnight(date)
    }
}

/// Why a start is not a [`Moment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentError {
    /// The day does not exist (`2027-02-30`).
    NoSuchDay,
    /// A time with no `Z` or offset: it could be any time zone's.
    NoOffset,
    /// The time part is not a time of day (`25:00`, `9am`).
    NotATime,
    /// Seconds or fractions of a second: the language counts whole minutes.
    NotAWholeMinute,
}

/// Parses `YYYY-MM-DD` into a calendar date; `None` for a date that does not exist.
pub fn parse_date(text: &str) -> Option<Date> {
    if text.len() != 10 {
        return None;
    }
    let year: i16 = text.get(0..4)?.parse().ok()?;
    let month: i8 = text.get(5..7)?.parse().ok()?;
    let day: i8 = text.get(8..10)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_in_the_largest_unit() {
        for text in ["2w", "3d", "12h", "10d", "36h", "30m", "90m", "1h", "1w"] {
            assert_eq!(Minutes::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Minutes::parse("14d").unwrap().to_string(), "2w");
        assert_eq!(Minutes::parse("60m").unwrap().to_string(), "1h");
        assert_eq!(Minutes::parse("1440m").unwrap().to_string(), "1d");
        assert_eq!(Minutes::parse("0m").unwrap().to_string(), "0m");
        assert_eq!(Minutes::parse("30m").unwrap().seconds(), 1800);
        assert_eq!(Minutes::parse("2h"), Some(Minutes(120)));
        assert_eq!(Minutes::parse("99999999999999999999w"), None);
        assert_eq!(Minutes::parse("99999999999999999999m"), None);
        assert_eq!(Minutes::parse("1001y"), None);
        assert_eq!(Minutes(2190).spelled(), "1d 12h 30m");
        assert_eq!(Minutes(150).spelled(), "2h 30m");
        assert_eq!(Minutes(0).spelled(), "0m");
    }

    #[test]
    fn starts_are_dates_or_utc_date_times_at_minute_resolution() {
        let at = |t: &str| Moment::parse(t).map(|m| m.to_string());
        assert_eq!(at("2027-03-01"), Ok("2027-03-01".to_owned()));
        assert_eq!(at("2027-03-01T00:00:00Z"), Ok("2027-03-01".to_owned()));
        assert_eq!(
            at("2027-03-01T09:00:00Z"),
            Ok("2027-03-01T09:00:00Z".to_owned())
        );
        assert_eq!(
            at("2027-03-01T01:30:00+02:00"),
            Ok("2027-02-28T23:30:00Z".to_owned())
        );
        assert_eq!(
            at("2027-03-01T23:00:00-01:30"),
            Ok("2027-03-02T00:30:00Z".to_owned())
        );
        assert_eq!(at("2027-03-01T09:00:00"), Err(MomentError::NoOffset));
        assert_eq!(at("2027-03-01T25:00:00Z"), Err(MomentError::NotATime));
        assert_eq!(
            at("2027-03-01T09:00:30Z"),
            Err(MomentError::NotAWholeMinute)
        );
        assert_eq!(
            at("2027-03-01T09:00:00.5Z"),
            Err(MomentError::NotAWholeMinute)
        );
        assert_eq!(at("2027-02-30T09:00:00Z"), Err(MomentError::NoSuchDay));
        assert_eq!(at("2027-02-30"), Err(MomentError::NoSuchDay));
    }

    #[test]
    fn moments_add_minutes_across_days() {
        let m = Moment::parse("2027-03-01T23:30:00Z").unwrap();
        assert_eq!(m.checked_add(30).unwrap().to_string(), "2027-03-02");
        assert_eq!(
            m.checked_add(-DAY_MINUTES).unwrap().to_string(),
            "2027-02-28T23:30:00Z"
        );
        assert_eq!(m.checked_add(90).unwrap().minutes_since(m), 90);
        assert_eq!(m.checked_add(i64::MAX), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_date("2026-12-01").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-13-01").is_none());
    }
}
