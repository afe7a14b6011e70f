//! Simulation speed: the Monte Carlo forecast of `plans/entity.roll` (the target is one
//! million runs within a second on two cores), a forecast with failing gates, and one what-if
//! run. Run with `cargo bench --bench simulate`; figures go to `docs/performance.md`.

use divan::Bencher;
use rollplan::model::parse_date;
use rollplan::simulate::Calendar;
use rollplan::simulate::clock::Clock;
use rollplan::simulate::forecast::{declared_pass_rates, forecast, override_pass_rate};
use rollplan::simulate::prepared::Prepared;
use rollplan::simulate::whatif::{self, ForcedFailure};
use rollplan::source::SourceMap;

fn main() {
    divan::main();
}

fn entity() -> rollplan::Compiled {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll"))
        .expect("plans/entity.roll");
    let mut sources = SourceMap::new();
    let file = sources.add("plans/entity.roll", text);
    rollplan::compile(&sources, file).expect("plans/entity.roll compiles")
}

/// One million runs of the plan as declared (every gate's pass rate is 1.0).
#[divan::bench(sample_count = 10)]
fn forecast_entity_1m(bencher: Bencher) {
    let c = entity();
    let clock = Clock::new(
        &c.plan,
        parse_date("2026-12-01").unwrap(),
        Calendar::Calendar,
    );
    let prepared = Prepared::new(&c.plan);
    let rates = declared_pass_rates(&c.plan);
    bencher.bench(|| forecast(&prepared, &clock, &rates, 1_000_000, 1));
}

/// One million runs with gates that fail: every metric gate passes 80% of the time, so runs
/// draw random numbers, extend and roll back.
#[divan::bench(sample_count = 10)]
fn forecast_entity_1m_failing(bencher: Bencher) {
    let c = entity();
    let clock = Clock::new(
        &c.plan,
        parse_date("2026-12-01").unwrap(),
        Calendar::Calendar,
    );
    let prepared = Prepared::new(&c.plan);
    let mut rates = declared_pass_rates(&c.plan);
    for m in &c.plan.metrics {
        override_pass_rate(&c.plan, &mut rates, &m.name, 0.8);
    }
    bencher.bench(|| forecast(&prepared, &clock, &rates, 1_000_000, 1));
}

/// One what-if run with its event log (`--fail full_production:3`).
#[divan::bench]
fn what_if_fail_3(bencher: Bencher) {
    let c = entity();
    let clock = Clock::new(
        &c.plan,
        parse_date("2026-12-01").unwrap(),
        Calendar::Calendar,
    );
    let prepared = Prepared::new(&c.plan);
    let failures = [ForcedFailure {
        phase: c.plan.phase_named("full_production").unwrap().0,
        times: 3,
    }];
    bencher.bench(|| whatif::run(&prepared, &clock, &failures, None));
}

/// `plans/entity.roll` with a one-day freeze every week for 100 years (5,218 windows), on the
/// business calendar: every phase start and every counted day looks a day up among the
/// windows (issue 14.11: a linear scan took 9 s for 100 runs of such a plan).
fn entity_with_weekly_freezes() -> rollplan::Compiled {
    use std::fmt::Write as _;
    let mut text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans/entity.roll"))
            .expect("plans/entity.roll");
    let first = parse_date("2026-12-03").unwrap();
    for week in 0..5218 {
        let day = first
            .checked_add(jiff::Span::new().days(7 * week))
            .expect("within the calendar");
        let _ = writeln!(text, "freeze {day}..{day} \"weekly freeze {week}\"");
    }
    let mut sources = SourceMap::new();
    let file = sources.add("entity-freezes.roll", text);
    rollplan::compile(&sources, file).expect("the plan with freezes compiles")
}

/// 100 forecast runs of that plan, with gates that fail so that runs extend and roll back.
#[divan::bench(sample_count = 10)]
fn forecast_100_runs_5218_freezes_business(bencher: Bencher) {
    let c = entity_with_weekly_freezes();
    let clock = Clock::new(
        &c.plan,
        parse_date("2026-12-01").unwrap(),
        Calendar::Business,
    );
    let prepared = Prepared::new(&c.plan);
    let mut rates = declared_pass_rates(&c.plan);
    for m in &c.plan.metrics {
        override_pass_rate(&c.plan, &mut rates, &m.name, 0.8);
    }
    bencher.bench(|| forecast(&prepared, &clock, &rates, 100, 1));
}
