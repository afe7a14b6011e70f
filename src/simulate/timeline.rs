//! The planned timeline: when each phase starts and ends if every gate passes the first time.
//! A phase never starts inside a freeze window: it waits for the window to end.

use crate::model::{DAY_MINUTES, Date, Minutes, Moment, PhaseDuration, PhaseId, Plan};

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
    pub start: Moment,
    /// Whether times fall inside days ([`has_times`]): outputs then show times, not dates.
    pub timed: bool,
    pub phases: Vec<PhaseWindow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseWindow {
    pub phase: PhaseId,
    pub start: Moment,
    /// When the phase's planned time is up (for a phase of whole days from 00:00, the day after
    /// its last day); `None` for an indefinite phase.
    pub end: Option<Moment>,
    /// Minutes the phase waited for a freeze window (or non-business days) before starting.
    pub waited: i64,
}

impl Timeline {
    /// When the last phase starts: when the planned rollout reaches its final state.
    pub fn last_phase_start(&self) -> Moment {
        self.phases.last().map_or(self.start, |w| w.start)
    }

    /// Whole days from the start of the rollout to the start of its last phase.
    pub fn days_to_last_phase(&self) -> i64 {
        self.last_phase_start()
            .minutes_since(self.start)
            .div_euclid(DAY_MINUTES)
    }
}

/// A duration in minutes, as the simulator counts.
pub fn minutes(m: Minutes) -> i64 {
    i64::try_from(m.0).unwrap_or(i64::MAX)
}

pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(Date::MAX)
}

/// `minutes` after `at`, or the last minute the calendar holds.
pub fn add_minutes(at: Moment, minutes: i64) -> Moment {
    at.checked_add(minutes)
        .unwrap_or_else(|| Moment::midnight(Date::MAX))
}

/// Whether a plan's times can fall inside a day, so that outputs show times and not only
/// dates: a start after 00:00, or a duration, extension or wait that is not whole days. A plan
/// of whole days from 00:00 has every phase start and end at 00:00, and its outputs show dates.
pub fn has_times(plan: &Plan, start: Moment) -> bool {
    let partial = |m: Minutes| !m.is_whole_days();
    !start.is_midnight()
        || plan.phases.iter().any(|p| {
            let duration = match p.duration {
                PhaseDuration::Indefinite => false,
                PhaseDuration::Fixed(m) => partial(m),
                PhaseDuration::Range { min, max, likely } => {
                    partial(min) || partial(max) || likely.is_some_and(partial)
                }
            };
            let extend = match p.on_fail {
                crate::model::FailurePolicy::Extend { by }
                | crate::model::FailurePolicy::ExtendThenRollback { by, .. } => partial(by),
                crate::model::FailurePolicy::Rollback { .. } => false,
            };
            let wait = p.gates.iter().any(|g| {
                matches!(g.on_inconclusive, crate::model::InconclusiveAction::Wait(m) if partial(m))
            });
            duration || extend || wait
        })
}

/// The planned timeline from `start` (a [`Moment`], or a [`Date`] for its 00:00 UTC).
pub fn planned(plan: &Plan, start: impl Into<Moment>, calendar: Calendar) -> Timeline {
    let start = start.into();
    let mut at = start;
    let mut phases = Vec::with_capacity(plan.phases.len());
    for (i, phase) in plan.phases.iter().enumerate() {
        let ready = at;
        at = next_allowed_start(plan, at, calendar);
        let end = phase
            .duration
            .planned()
            .map(|length| advance(plan, at, minutes(length), calendar));
        phases.push(PhaseWindow {
            phase: PhaseId(i),
            start: at,
            end,
            waited: at.minutes_since(ready),
        });
        match end {
            Some(e) => at = e,
            None => break,
        }
        if matches!(phase.duration, PhaseDuration::Indefinite) {
            break;
        }
    }
    Timeline {
        start,
        timed: has_times(plan, start),
        phases,
    }
}

/// The first moment at or after `at` at which a phase may start: outside every freeze window
/// and, on the business calendar, on a working day. A blocked day is skipped whole: the phase
/// starts at 00:00 UTC of the next allowed day.
pub fn next_allowed_start(plan: &Plan, at: Moment, calendar: Calendar) -> Moment {
    let day = next_allowed_day(plan, at.date(), calendar);
    if day == at.date() {
        at
    } else {
        Moment::midnight(day)
    }
}

/// The first day on or after `day` on which a phase may start: outside every freeze window
/// and, on the business calendar, a working day.
fn next_allowed_day(plan: &Plan, mut day: Date, calendar: Calendar) -> Date {
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

/// `minutes` counted from `start`: every minute on the calendar; on the business calendar only
/// the minutes of working days, so a length that reaches the end of a Friday goes on at 00:00
/// UTC of the next working day. A length of whole days from 00:00 ends at 00:00 of the day after
/// its last counted day.
pub fn advance(plan: &Plan, start: Moment, minutes: i64, calendar: Calendar) -> Moment {
    match calendar {
        Calendar::Calendar => add_minutes(start, minutes),
        Calendar::Business => {
            let mut at = start;
            let mut left = minutes;
            while left > 0 && at.date() < Date::MAX {
                let rest_of_day = DAY_MINUTES - at.minute_of_day();
                if is_business_day(plan, at.date()) {
                    if left < rest_of_day {
                        return add_minutes(at, left);
                    }
                    left -= rest_of_day;
                }
                at = add_minutes(at, rest_of_day);
            }
            at
        }
    }
}
