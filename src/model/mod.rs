//! The resolved model: [`resolve`] binds the names of an [`ast::File`](crate::syntax::ast::File),
//! checks values against types and units, and computes each phase's effective flag states.
//! It reports every problem it finds and builds a [`Plan`] only when there is no error.

mod file_name;
mod formula;
mod plan;
mod resolve;
mod time;
mod value;

pub use file_name::MAX_FILE_NAME_ID;
pub use formula::Formula;
pub use plan::*;
pub use resolve::resolve;
pub use time::{
    DAY_MINUTES, Date, MAX_MINUTES, Minutes, Moment, MomentError, PhaseDuration, parse_date,
};
pub use value::{
    Bucketing, Condition, ConditionTest, FlagState, FlagType, Percent, Rollout, ScopedRule,
    Setting, Settings, SettingsIter, Value,
};
