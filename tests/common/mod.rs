//! Helpers shared by integration tests.

pub(crate) mod analyse;
pub(crate) mod cli;
pub(crate) mod gen_plan;
pub(crate) mod prometheus;
pub(crate) mod workspace;
