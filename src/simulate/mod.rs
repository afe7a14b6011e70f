//! Simulation of a plan over time: the planned timeline (and, as it grows, what-if scenarios
//! and Monte Carlo forecasts). Reads the model; never changes it.

pub mod timeline;

pub use timeline::{Calendar, PhaseWindow, Timeline, planned};
