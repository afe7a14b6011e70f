//! Helpers shared by integration tests.

pub(crate) mod gen_plan;
