//! Simulation of a plan over time: the planned timeline, what-if runs (`--fail`, scenario
//! files) with their event logs, and Monte Carlo forecasts. Reads the model and the analysis;
//! never changes them.
//!
//! [`engine`] holds the one set of rules every mode follows; [`whatif`] and [`forecast`] drive
//! it; [`report`] turns results into text, JSON, Mermaid and SVG.

pub mod clock;
pub mod decide;
pub mod engine;
pub mod exposure;
pub mod forecast;
pub mod prepared;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod timeline;
pub mod whatif;

pub use scenario::{Scenario, parse_scenario};
pub use timeline::{Calendar, PhaseWindow, Timeline, planned};
