//! Durations and dates as the plan states them.

use std::fmt;

/// A length of time in whole hours: the resolution of the language (`2w`, `3d`, `12h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(pub u64);

impl Hours {
    pub const DAY: Hours = Hours(24);
    pub const WEEK: Hours = Hours(24 * 7);

    /// Parses `2w`, `3d` or `12h`. `None` when the number overflows.
    pub fn parse(text: &str) -> Option<Hours> {
        let (digits, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: u64 = digits.parse().ok()?;
        let per = match unit {
            "w" => Hours::WEEK.0,
            "d" => Hours::DAY.0,
            "h" => 1,
            _ => return None,
        };
        n.checked_mul(per).filter(|&h| h <= MAX_HOURS).map(Hours)
    }

    /// Whole days, rounded down.
    pub fn days(self) -> u64 {
        self.0 / 24
    }
}

/// 1,000 years: longer durations are typos, and the cap keeps date arithmetic in range.
pub const MAX_HOURS: u64 = 1000 * 366 * 24;

impl fmt::Display for Hours {
    /// The largest unit that divides it evenly: `2w`, `10d`, `36h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.0;
        if h != 0 && h % Hours::WEEK.0 == 0 {
            write!(f, "{}w", h / Hours::WEEK.0)
        } else if h != 0 && h % 24 == 0 {
            write!(f, "{}d", h / 24)
        } else {
            write!(f, "{h}h")
        }
    }
}

/// A gate's window (`over 30m`) in whole minutes. Minutes are accepted only here for now; a
/// phase's duration and the failure policy count whole hours ([`Hours`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window(pub u64);

impl Window {
    /// Parses `30m`, `1h`, `2d` or `1w`. `None` when the number overflows or passes
    /// [`MAX_HOURS`].
    pub fn parse(text: &str) -> Option<Window> {
        let (digits, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: u64 = digits.parse().ok()?;
        let per = match unit {
            "w" => Hours::WEEK.0 * 60,
            "d" => Hours::DAY.0 * 60,
            "h" => 60,
            "m" => 1,
            _ => return None,
        };
        n.checked_mul(per)
            .filter(|&m| m <= MAX_HOURS * 60)
            .map(Window)
    }

    pub fn minutes(self) -> u64 {
        self.0
    }

    pub fn seconds(self) -> u64 {
        self.0 * 60
    }

    /// Whether the window is shorter than `hours`.
    pub fn shorter_than(self, hours: Hours) -> bool {
        self.0 < hours.0.saturating_mul(60)
    }
}

impl fmt::Display for Window {
    /// The largest unit that divides it evenly: `1w`, `2d`, `1h`, `90m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        if m != 0 && m % 60 == 0 {
            write!(f, "{}", Hours(m / 60))
        } else {
            write!(f, "{m}m")
        }
    }
}

/// How long a phase runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseDuration {
    /// Open-ended: the phase starts and never ends (only sensible last).
    Indefinite,
    Fixed(Hours),
    /// Sampled by the simulator: uniform on `min..=max`, or triangular with its mode at `likely`.
    Range {
        min: Hours,
        max: Hours,
        likely: Option<Hours>,
    },
}

impl PhaseDuration {
    /// The planned length: a fixed duration, a range's `likely` value or else its minimum;
    /// `None` when indefinite.
    pub fn planned(self) -> Option<Hours> {
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
    fn hours_parse_and_print_round_trip() {
        for text in ["2w", "3d", "12h", "10d", "36h"] {
            assert_eq!(Hours::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Hours::parse("14d").unwrap().to_string(), "2w");
        assert_eq!(Hours::parse("99999999999999999999w"), None);
    }

    #[test]
    fn windows_parse_and_print_in_the_largest_unit() {
        for text in ["30m", "1h", "90m", "2d", "1w"] {
            assert_eq!(Window::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Window::parse("60m").unwrap().to_string(), "1h");
        assert_eq!(Window::parse("30m").unwrap().seconds(), 1800);
        assert!(Window::parse("59m").unwrap().shorter_than(Hours(1)));
        assert!(!Window::parse("60m").unwrap().shorter_than(Hours(1)));
        assert_eq!(Window::parse("99999999999999999999m"), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_date("2026-12-01").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-13-01").is_none());
    }
}
