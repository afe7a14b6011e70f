//! The planned timeline: when each phase starts and ends if every gate passes the first time.
//! A phase never starts inside a freeze window: it waits for the window to end.

use crate::model::{Date, Minutes, PhaseDuration, PhaseId, Plan};

/// Which days count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Calendar {
    /// Every day counts.
    #[default]
    Calendar,
    /// Weekends and the plan's holidays are skipped, for durations and start days.
    Business,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub start: Date,
    pub phases: Vec<PhaseWindow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseWindow {
    pub phase: PhaseId,
    pub start: Date,
    /// The day after the phase's last day; `None` for an indefinite phase.
    pub end: Option<Date>,
    /// Days the phase waited for a freeze window (or non-business days) before starting.
    pub waited_days: i64,
}

impl Timeline {
    /// The day the last phase starts: when the planned rollout reaches its final state.
    pub fn last_phase_start(&self) -> Date {
        self.phases.last().map_or(self.start, |w| w.start)
    }

    /// Days from the start of the rollout to the start of its last phase.
    pub fn days_to_last_phase(&self) -> i64 {
        days_between(self.start, self.last_phase_start())
    }
}

/// Whole days a duration occupies (a partial day counts as one).
pub fn whole_days(m: Minutes) -> i64 {
    i64::try_from(m.0.div_ceil(Minutes::DAY.0)).unwrap_or(i64::MAX)
}

pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(Date::MAX)
}

/// The planned timeline from `start`.
pub fn planned(plan: &Plan, start: Date, calendar: Calendar) -> Timeline {
    let mut day = start;
    let mut phases = Vec::with_capacity(plan.phases.len());
    for (i, phase) in plan.phases.iter().enumerate() {
        let ready = day;
        day = next_allowed_start(plan, day, calendar);
        let length = phase.duration.planned().map(whole_days);
        let end = length.map(|d| advance(plan, day, d, calendar));
        phases.push(PhaseWindow {
            phase: PhaseId(i),
            start: day,
            end,
            waited_days: days_between(ready, day),
        });
        match end {
            Some(e) => day = e,
            None => break,
        }
        if matches!(phase.duration, PhaseDuration::Indefinite) {
            break;
        }
    }
    Timeline { start, phases }
}

/// The first day on or after `day` on which a phase may start: outside every freeze window
/// and, on the business calendar, a working day.
pub fn next_allowed_start(plan: &Plan, mut day: Date, calendar: Calendar) -> Date {
    // Each pass moves past one obstacle; a plan has finitely many, so this ends.
    for _ in 0..=(plan.freezes.len() + plan.holidays.len() + 1) * 8 {
        if let Some(f) = plan.freezes.iter().find(|f| f.from <= day && day <= f.to) {
            day = add_days(f.to, 1);
            continue;
        }
        if calendar == Calendar::Business && !is_business_day(plan, day) {
            day = add_days(day, 1);
            continue;
        }
        return day;
    }
    day
}

pub fn is_business_day(plan: &Plan, day: Date) -> bool {
    use jiff::civil::Weekday;
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !plan.holidays.iter().any(|h| h.date == day)
}

/// The day after `days` counted days from `start`: every day on the calendar, working days on
/// the business calendar.
pub fn advance(plan: &Plan, start: Date, days: i64, calendar: Calendar) -> Date {
    match calendar {
        Calendar::Calendar => add_days(start, days),
        Calendar::Business => {
            let mut day = start;
            let mut left = days;
            while left > 0 && day < Date::MAX {
                if is_business_day(plan, day) {
                    left -= 1;
                }
                day = add_days(day, 1);
            }
            day
        }
    }
}
