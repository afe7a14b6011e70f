//! Forecast results (`--runs N`): percentiles of the time to reach the last phase, the chance
//! of finishing by a deadline, per-phase rollback chance and expected extensions, and a
//! histogram, in human and JSON form. Every number is computed from integer counts, so the
//! output is the same bytes for the same seed. A plan of whole days from 00:00 is reported in
//! days and dates; one with times inside days ([`Clock::timed`]) in days, hours and minutes, with
//! times of day (UTC).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::model::{DAY_MINUTES, Date, Plan};
use crate::simulate::clock::Clock;
use crate::simulate::forecast::Tally;

/// Bars in the histogram at most.
const BINS: i64 = 20;

/// A forecast with what is needed to describe it.
pub struct ForecastReport<'a> {
    pub plan: &'a Plan,
    pub clock: &'a Clock,
    pub tally: &'a Tally,
    pub seed: u64,
    /// The day by whose end the rollout should reach its last phase.
    pub deadline: Option<Date>,
    /// The pass rate of every gate, `[phase][gate]`, after `--pass-rate`.
    pub pass_rates: &'a [Vec<f64>],
}

/// One histogram bar: runs that reached the last phase `from..=to` minutes after the start
/// (both a whole number of the tally's ticks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    pub from: i64,
    pub to: i64,
    pub runs: u64,
}

impl ForecastReport<'_> {
    #[expect(
        clippy::cast_precision_loss,
        reason = "a share for display; run counts far below 2^53"
    )]
    fn share(&self, n: u64) -> f64 {
        if self.tally.runs == 0 {
            0.0
        } else {
            n as f64 / self.tally.runs as f64
        }
    }

    /// Equal-width bins from the shortest to the longest time, in whole ticks.
    pub fn bins(&self) -> Vec<Bin> {
        let (Some(min), Some(max)) = (self.tally.min(), self.tally.max()) else {
            return Vec::new();
        };
        let tick = self.tally.tick;
        let width = ((max - min) / tick + BINS) / BINS * tick;
        let mut bins = Vec::new();
        let mut from = min;
        while from <= max {
            let to = (from + width - tick).min(max);
            let runs = self.tally.within(to) - self.tally.within(from - 1);
            bins.push(Bin { from, to, runs });
            from = to + tick;
        }
        bins
    }

    fn quantiles(&self) -> [(&'static str, Option<i64>); 4] {
        [
            ("p50", self.tally.quantile(0.5)),
            ("p90", self.tally.quantile(0.9)),
            ("p99", self.tally.quantile(0.99)),
            ("max", self.tally.max()),
        ]
    }

    /// The last minute of the deadline's day, from the start.
    fn deadline_minute(&self, date: Date) -> i64 {
        let day = crate::simulate::timeline::days_between(self.clock.start.date(), date);
        self.clock.midnight(day + 1) - 1
    }

    /// Whole days in a time, for the `days` fields.
    fn days(&self, minutes: i64) -> i64 {
        if self.clock.timed {
            minutes.div_euclid(DAY_MINUTES)
        } else {
            self.clock.day(minutes)
        }
    }

    #[expect(
        clippy::cast_precision_loss,
        reason = "a mean for display, exact to far more digits than shown"
    )]
    pub fn json(&self) -> Value {
        let t = self.tally;
        let timed = self.clock.timed;
        let day = |d: Option<i64>| {
            d.map_or(Value::Null, |d| {
                let mut v = json!({"days": self.days(d), "date": self.clock.json(d)});
                if timed {
                    v["minutes"] = json!(d);
                }
                v
            })
        };
        let mut spread = serde_json::Map::new();
        for (name, q) in self.quantiles() {
            spread.insert(name.to_owned(), day(q));
        }
        spread.insert("min".to_owned(), day(t.min()));
        spread.insert(
            "mean_days".to_owned(),
            json!(t.mean().map(|m| m / DAY_MINUTES as f64)),
        );
        if timed {
            spread.insert("mean_minutes".to_owned(), json!(t.mean()));
        }
        let phases: Vec<Value> = self
            .plan
            .phases
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!({
                    "phase": p.id,
                    "rollback_probability": self.share(t.rolled_back[i]),
                    "expected_extensions": self.share(t.extensions[i]),
                    "gates": p.gates.iter().enumerate().map(|(j, g)| json!({
                        "gate": g.id,
                        "pass_rate": self.pass_rates[i][j],
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "plan": self.plan.name,
            "mode": "forecast",
            "start": self.clock.json(0),
            "calendar": match self.clock.calendar {
                crate::simulate::Calendar::Calendar => "calendar",
                crate::simulate::Calendar::Business => "business",
            },
            "runs": t.runs,
            "seed": self.seed,
            "last_phase": self.plan.phases.last().map(|p| p.id.clone()),
            "finished_runs": t.finished(),
            "unfinished_runs": t.unfinished,
            "never_passes": t.never_passes.map(|(p, g)| json!({
                "phase": self.plan.phases[p].id,
                "gate": self.plan.phases[p].gates[g].id,
            })),
            "days_to_last_phase": Value::Object(spread),
            "deadline": self.deadline.map(|d| json!({
                "date": d.to_string(),
                "days": crate::simulate::timeline::days_between(self.clock.start.date(), d),
                "probability": self.share(t.within(self.deadline_minute(d))),
            })),
            "phases": phases,
            "histogram": self.bins().iter().map(|b| {
                let mut bin = json!({
                    "from_days": self.days(b.from), "to_days": self.days(b.to), "runs": b.runs,
                });
                if timed {
                    bin["from_minutes"] = json!(b.from);
                    bin["to_minutes"] = json!(b.to);
                }
                bin
            }).collect::<Vec<_>>(),
        })
    }

    /// A time from the start as a length: `   12 days` for a plan of whole days, else days,
    /// hours and minutes (`  1d 2h 30m`).
    fn span(&self, minutes: i64) -> String {
        if self.clock.timed {
            format!("{:>11}", super::spelled(minutes))
        } else {
            format!("{:>5} days", self.days(minutes))
        }
    }

    pub fn human(&self) -> String {
        let t = self.tally;
        let mut out = String::new();
        let last = self.plan.phases.last().map_or("", |p| p.id.as_str());
        let _ = writeln!(
            out,
            "plan `{}`, forecast of {} runs (seed {}), from {} ({})\n",
            self.plan.name,
            t.runs,
            self.seed,
            self.clock.human(0) + if self.clock.timed { " UTC" } else { "" },
            match self.clock.calendar {
                crate::simulate::Calendar::Calendar => "calendar days",
                crate::simulate::Calendar::Business => "business days",
            }
        );
        let _ = writeln!(out, "  time to reach the last phase `{last}`");
        for (name, q) in self.quantiles() {
            let text = q.map_or_else(
                || "not reached".to_owned(),
                |d| format!("{}  {}", self.span(d), self.clock.human(d)),
            );
            let _ = writeln!(out, "    {:4} {text}", name.to_uppercase());
        }
        if let Some(mean) = t.mean() {
            if self.clock.timed {
                let _ = writeln!(out, "    mean {:>8.2} hours", mean / 60.0);
            } else {
                #[expect(clippy::cast_precision_loss, reason = "a constant, exact")]
                let _ = writeln!(out, "    mean {:>8.2} days", mean / DAY_MINUTES as f64);
            }
        }
        if let Some((phase, gate)) = t.never_passes {
            let p = &self.plan.phases[phase];
            let _ = writeln!(
                out,
                "    gate `{}` of `{}` never passes (pass rate 0), so no run reaches it",
                p.gates[gate].id, p.id
            );
        } else if t.unfinished > 0 {
            let _ = writeln!(
                out,
                "    {} run{} ({:.2}%) never reached it",
                t.unfinished,
                if t.unfinished == 1 { "" } else { "s" },
                100.0 * self.share(t.unfinished)
            );
        }
        if let Some(d) = self.deadline {
            let _ = writeln!(
                out,
                "\n  finished by {}: {:.2}% of runs",
                d,
                100.0 * self.share(t.within(self.deadline_minute(d)))
            );
        }
        let width = self
            .plan
            .phases
            .iter()
            .map(|p| p.id.len())
            .chain([5])
            .max()
            .unwrap_or(5);
        let _ = writeln!(
            out,
            "\n  {:width$}  {:>11}  {:>10}",
            "phase", "rolled back", "extensions"
        );
        for (i, p) in self.plan.phases.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:width$}  {:>10.2}%  {:>10.3}",
                p.id,
                100.0 * self.share(t.rolled_back[i]),
                self.share(t.extensions[i])
            );
        }
        out.push_str(&self.histogram());
        out
    }

    /// The histogram of times to the last phase, one bar per bin; empty when no run got there.
    fn histogram(&self) -> String {
        let mut out = String::new();
        let bins = self.bins();
        if !bins.is_empty() {
            out.push_str(if self.clock.timed {
                "\n  time to the last phase (runs)\n"
            } else {
                "\n  days to the last phase (runs)\n"
            });
            let most = bins.iter().map(|b| b.runs).max().unwrap_or(1).max(1);
            let show = |m: i64| {
                if self.clock.timed {
                    super::spelled(m)
                } else {
                    self.days(m).to_string()
                }
            };
            let ranges: Vec<String> = bins
                .iter()
                .map(|b| {
                    if b.from == b.to {
                        show(b.from)
                    } else {
                        format!("{} to {}", show(b.from), show(b.to))
                    }
                })
                .map(|r| {
                    if self.clock.timed {
                        r
                    } else {
                        r.replace(" to ", "-")
                    }
                })
                .collect();
            let width = ranges.iter().map(String::len).chain([9]).max().unwrap_or(9);
            for (b, range) in bins.iter().zip(&ranges) {
                let bar = usize::try_from(b.runs * 40 / most).unwrap_or(0);
                let bar = if b.runs > 0 { bar.max(1) } else { 0 };
                let _ = writeln!(out, "  {range:>width$}  {:40}  {}", "█".repeat(bar), b.runs);
            }
        }
        out
    }
}
