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

/// Parses `YYYY-MM-DD` into a calendar date; `None` for a date that does not exist.
pub fn parse_date(text: &str) -> Option<Date> {
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
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_date("2026-12-01").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-13-01").is_none());
    }
}
