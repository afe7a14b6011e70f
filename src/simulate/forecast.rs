//! The Monte Carlo forecast: many runs with random gate outcomes (each gate passes with its
//! pass probability at each evaluation) and random durations (a range `min..max` is uniform over
//! its whole steps, the largest of a day, an hour or a minute that divides its bounds;
//! `min..max likely m` is triangular with its mode at `m`, rounded to the nearest step). Runs are split into fixed chunks of [`CHUNK`] run indices and each run's random stream
//! comes from `(seed, run index)`, so the result is the same whatever the number of threads;
//! chunks are merged by integer addition, so memory does not grow with the number of runs.

use rayon::prelude::*;

use super::clock::Clock;
use super::engine::{self, Evaluation, Event, Oracle, Sink};
use super::prepared::{Length, Prepared};
use super::rng::SplitMix64;
use crate::model::Plan;

/// Runs per unit of parallel work.
pub const CHUNK: u64 = 4096;

/// Buckets a histogram holds at most (8 MB of counts): a run that lands past them doubles the
/// tick. A plan of whole days never gets there (the horizon is 36,525 days); a plan counted in
/// minutes does only past about two years, where minutes no longer matter.
pub const MAX_BUCKETS: usize = 1 << 20;

/// One gate's odds, turned into a comparison with a random 64-bit number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Odds {
    Always,
    Never,
    /// Passes when the draw is below this.
    Below(u64),
}

impl Odds {
    fn of(p: f64) -> Odds {
        if p >= 1.0 {
            Odds::Always
        } else if p > 0.0 {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "0 < p < 1, so the product lies in 0..2^64"
            )]
            Odds::Below((p * 18_446_744_073_709_551_616.0) as u64)
        } else {
            Odds::Never
        }
    }
}

/// Every gate's pass probability, `[phase][gate]`, as declared in the plan.
pub fn declared_pass_rates(plan: &Plan) -> Vec<Vec<f64>> {
    plan.phases
        .iter()
        .map(|p| p.gates.iter().map(|g| g.pass_probability).collect())
        .collect()
}

/// Sets the pass probability of every gate named `name` (`GATE`, or `PHASE.GATE` for one
/// phase's gate). Returns how many gates it changed.
pub fn override_pass_rate(plan: &Plan, rates: &mut [Vec<f64>], name: &str, p: f64) -> usize {
    let (phase, gate) = split_phase(plan, name);
    let mut changed = 0;
    for (i, ph) in plan.phases.iter().enumerate() {
        if phase.is_some_and(|id| id != ph.id) {
            continue;
        }
        for (j, g) in ph.gates.iter().enumerate() {
            if g.id == gate {
                rates[i][j] = p;
                changed += 1;
            }
        }
    }
    changed
}

/// `PHASE.GATE` as (the phase, the gate) when `PHASE` is a phase of the plan; else the whole
/// name is a gate (a metric's name may hold a dot).
fn split_phase<'n>(plan: &Plan, name: &'n str) -> (Option<&'n str>, &'n str) {
    match name.split_once('.') {
        Some((phase, gate)) if plan.phase_named(phase).is_some() => (Some(phase), gate),
        _ => (None, name),
    }
}

/// Whether a `--pass-rate` name picks one phase's gate (`PHASE.GATE`): such overrides are
/// applied after those naming a gate in every phase, so the specific one wins whatever the
/// order on the command line.
pub fn names_one_phase(plan: &Plan, name: &str) -> bool {
    split_phase(plan, name).0.is_some()
}

struct Draws<'a> {
    rng: SplitMix64,
    odds: &'a [Vec<Odds>],
}

impl Oracle for Draws<'_> {
    #[inline]
    fn duration(&mut self, _phase: usize, duration: Length) -> Option<i64> {
        match duration {
            Length::Indefinite => None,
            Length::Fixed(m) => Some(m),
            Length::Range {
                min,
                max,
                likely,
                step,
            } => Some(
                step * sample_range(
                    &mut self.rng,
                    min / step,
                    max / step,
                    likely.map(|l| l / step),
                ),
            ),
        }
    }

    #[inline]
    fn evaluate(&mut self, phase: usize, _attempt: u32, gate: usize) -> Evaluation {
        let passes = match self.odds[phase][gate] {
            Odds::Always => true,
            Odds::Never => false,
            Odds::Below(t) => self.rng.next_u64() < t,
        };
        if passes {
            Evaluation::PASSED
        } else {
            Evaluation::FAILED
        }
    }
}

/// One sampled duration in whole steps (`min`, `max` and `likely` counted in steps).
pub fn sample_range(rng: &mut SplitMix64, min: i64, max: i64, likely: Option<i64>) -> i64 {
    if max <= min {
        return min;
    }
    let width = max - min;
    match likely {
        None => min + i64::try_from(rng.below(width.unsigned_abs() + 1)).unwrap_or(0),
        Some(mode) => {
            #[expect(
                clippy::cast_precision_loss,
                reason = "durations are capped at 1,000 years of minutes, well within 2^53"
            )]
            let (low, high, mode) = (min as f64, max as f64, mode.clamp(min, max) as f64);
            // Inverse of the triangular distribution function.
            let u = rng.next_f64();
            let x = if u < (mode - low) / (high - low) {
                low + (u * (high - low) * (mode - low)).sqrt()
            } else {
                high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
            };
            #[expect(
                clippy::cast_possible_truncation,
                reason = "x lies between min and max"
            )]
            let days = x.round() as i64;
            days.clamp(min, max)
        }
    }
}

/// Counts what one chunk's runs did.
struct Counter {
    extensions: Vec<u64>,
    rolled_back: Vec<u64>,
    /// Run number (from 1) of the last rollback counted per phase, so a run counts once.
    marked: Vec<u64>,
    run: u64,
}

impl Sink for Counter {
    #[inline]
    fn event(&mut self, _at: i64, phase: usize, event: Event) {
        match event {
            Event::Extended { .. } => self.extensions[phase] += 1,
            Event::RolledBack { .. } if self.marked[phase] != self.run => {
                self.marked[phase] = self.run;
                self.rolled_back[phase] += 1;
            }
            _ => {}
        }
    }
}

/// The merged counts of a forecast. Every field is an integer sum, so merging is exact and
/// independent of order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub runs: u64,
    /// The histogram's unit in minutes: [`Prepared::tick`] (a day for a plan of whole days
    /// from 00:00, where every run reaches the last phase at 00:00 of some day), doubled as
    /// often as [`MAX_BUCKETS`] requires.
    pub tick: i64,
    /// `days[d]`: runs that reached the last phase `d` ticks after the start.
    pub days: Vec<u64>,
    /// Runs that never reached the last phase (horizon or evaluation limit).
    pub unfinished: u64,
    /// Per phase: runs in which the phase rolled back at least once.
    pub rolled_back: Vec<u64>,
    /// Per phase: extensions over all runs.
    pub extensions: Vec<u64>,
    /// A gate (phase, gate) with pass rate 0 that every run must pass: no run can finish, so
    /// none is simulated and every run counts as unfinished.
    pub never_passes: Option<(usize, usize)>,
}

impl Tally {
    fn empty(phases: usize, tick: i64) -> Tally {
        Tally {
            runs: 0,
            tick,
            days: Vec::new(),
            unfinished: 0,
            rolled_back: vec![0; phases],
            extensions: vec![0; phases],
            never_passes: None,
        }
    }

    /// Counts a run that reached the last phase `at` minutes after the start.
    #[inline]
    fn record(&mut self, at: i64) {
        // Runs end before the horizon (52,596,000 minutes), so a 32-bit division does, and it
        // costs a fraction of a 64-bit one once per run.
        let bucket = |tick: i64| match (u32::try_from(at), u32::try_from(tick)) {
            (Ok(at), Ok(tick)) => usize::try_from(at / tick.max(1)).unwrap_or(0),
            _ => usize::try_from(at / tick).unwrap_or(0),
        };
        let mut d = bucket(self.tick);
        while d >= MAX_BUCKETS {
            self.coarsen();
            d = bucket(self.tick);
        }
        if self.days.len() <= d {
            self.days.resize(d + 1, 0);
        }
        self.days[d] += 1;
    }

    /// Doubles the tick, adding pairs of buckets together.
    fn coarsen(&mut self) {
        let fine = std::mem::take(&mut self.days);
        self.days = vec![0; fine.len().div_ceil(2)];
        for (i, n) in fine.into_iter().enumerate() {
            self.days[i / 2] += n;
        }
        self.tick *= 2;
    }

    fn merge(mut self, mut other: Tally) -> Tally {
        // Ticks are the plan's tick times a power of two: bring both to the coarser one, which
        // is exact (a bucket of the coarser tick is a whole number of finer ones).
        while self.tick < other.tick {
            self.coarsen();
        }
        while other.tick < self.tick {
            other.coarsen();
        }
        self.runs += other.runs;
        self.unfinished += other.unfinished;
        if self.days.len() < other.days.len() {
            self.days.resize(other.days.len(), 0);
        }
        for (a, b) in self.days.iter_mut().zip(&other.days) {
            *a += b;
        }
        for (a, b) in self.rolled_back.iter_mut().zip(&other.rolled_back) {
            *a += b;
        }
        for (a, b) in self.extensions.iter_mut().zip(&other.extensions) {
            *a += b;
        }
        self
    }

    /// Runs that reached the last phase.
    pub fn finished(&self) -> u64 {
        self.runs - self.unfinished
    }

    /// The shortest time (minutes from the start) within which at least `q` of all runs
    /// reached the last phase; `None` when that share of runs never reached it.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "q is in 0..=1 and runs fit easily in f64 for this rank"
        )]
        let rank = ((q * self.runs as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (d, &n) in self.days.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return self.minutes(d);
            }
        }
        None
    }

    pub fn max(&self) -> Option<i64> {
        self.days
            .iter()
            .rposition(|&n| n > 0)
            .and_then(|d| self.minutes(d))
    }

    pub fn min(&self) -> Option<i64> {
        self.days
            .iter()
            .position(|&n| n > 0)
            .and_then(|d| self.minutes(d))
    }

    /// Mean minutes to the last phase over the runs that reached it.
    pub fn mean(&self) -> Option<f64> {
        let total: u128 = self
            .days
            .iter()
            .enumerate()
            .map(|(d, &n)| d as u128 * u128::from(n))
            .sum();
        #[expect(
            clippy::cast_precision_loss,
            reason = "a mean for display; exact to far more digits than shown"
        )]
        (self.finished() > 0).then(|| total as f64 * self.tick as f64 / self.finished() as f64)
    }

    /// Minutes from the start of histogram bucket `d`.
    fn minutes(&self, d: usize) -> Option<i64> {
        i64::try_from(d).ok()?.checked_mul(self.tick)
    }

    /// Runs that reached the last phase within `minutes` of the start.
    pub fn within(&self, minutes: i64) -> u64 {
        let Ok(upto) = usize::try_from(minutes.div_euclid(self.tick)) else {
            return 0;
        };
        self.days.iter().take(upto.saturating_add(1)).sum()
    }
}

/// Runs `runs` simulations with `seed` and per-gate pass rates `[phase][gate]`.
pub fn forecast(
    prepared: &Prepared,
    clock: &Clock,
    pass_rates: &[Vec<f64>],
    runs: u64,
    seed: u64,
) -> Tally {
    let odds: Vec<Vec<Odds>> = pass_rates
        .iter()
        .map(|gates| gates.iter().map(|&p| Odds::of(p)).collect())
        .collect();
    let phases = prepared.phases.len();
    let tick = prepared.tick(clock.start.minute_of_day());
    if let Some(blocked) = never_passes(prepared, &odds) {
        let mut tally = Tally::empty(phases, tick);
        tally.runs = runs;
        tally.unfinished = runs;
        tally.never_passes = Some(blocked);
        return tally;
    }
    let chunks = runs.div_ceil(CHUNK);
    (0..chunks)
        .into_par_iter()
        .map(|c| {
            let first = c * CHUNK;
            let last = (first + CHUNK).min(runs);
            chunk(prepared, clock, &odds, seed, first..last, tick)
        })
        .reduce(|| Tally::empty(phases, tick), Tally::merge)
}

/// The first gate that can never pass in a phase every run must complete: every phase but an
/// indefinite last one (whose gates are never evaluated).
fn never_passes(prepared: &Prepared, odds: &[Vec<Odds>]) -> Option<(usize, usize)> {
    prepared
        .phases
        .iter()
        .zip(odds)
        .enumerate()
        .filter(|(_, (p, _))| p.duration != Length::Indefinite)
        .find_map(|(i, (_, gates))| gates.iter().position(|&o| o == Odds::Never).map(|g| (i, g)))
}

fn chunk(
    prepared: &Prepared,
    clock: &Clock,
    odds: &[Vec<Odds>],
    seed: u64,
    indices: std::ops::Range<u64>,
    tick: i64,
) -> Tally {
    let phases = prepared.phases.len();
    let mut tally = Tally::empty(phases, tick);
    let mut counter = Counter {
        extensions: vec![0; phases],
        rolled_back: vec![0; phases],
        marked: vec![0; phases],
        run: 0,
    };
    let (mut attempts, mut visits) = (Vec::new(), Vec::new());
    for index in indices {
        counter.run = index + 1;
        let mut draws = Draws {
            rng: SplitMix64::for_run(seed, index),
            odds,
        };
        let end = engine::run(
            prepared,
            clock,
            &mut draws,
            &mut counter,
            &mut attempts,
            &mut visits,
        );
        tally.runs += 1;
        match end.reached_last.filter(|_| end.finished) {
            Some(at) => tally.record(at),
            None => tally.unfinished += 1,
        }
    }
    tally.extensions = counter.extensions;
    tally.rolled_back = counter.rolled_back;
    tally
}
