//! The usage catalogue: every problem with the command line, the file system or a server that
//! `rollplan` reports with exit code 2, as opposed to a problem in a plan ([`super::Code`]).
//! Names are stable like the plan codes; `docs/diagnostics.md` lists each under "Usage errors",
//! and a test checks that the two lists agree.

use std::fmt;

macro_rules! usage_catalogue {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        /// A stable usage-error code, printed as `rollplan::<name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum UsageCode {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl UsageCode {
            /// Every usage code, in catalogue order.
            pub const ALL: &'static [UsageCode] = &[$(UsageCode::$variant),+];

            /// The stable name, without the `rollplan::` prefix.
            pub fn name(self) -> &'static str {
                match self { $(UsageCode::$variant => $name,)+ }
            }
        }
    };
}

usage_catalogue! {
    // ---- finding and reading files ---------------------------------------------
    /// No plan was named and none is in `plans/`, or the named file does not exist.
    PlanNotFound = "plan_not_found",
    /// No plan was named and `plans/` holds more than one.
    AmbiguousPlan = "ambiguous_plan",
    /// A file or folder could not be read or written.
    IoError = "io_error",
    /// A path names a folder or a device where a file is needed.
    NotAFile = "not_a_file",
    /// Another `rollplan emit --out` is writing the same output folder.
    OutputLocked = "output_locked",
    // ---- arguments ---------------------------------------------------------------
    /// An argument's value cannot be used.
    InvalidArgument = "invalid_argument",
    /// A date given on the command line is outside the calendar rollplan computes.
    DateOutOfRange = "date_out_of_range",
    /// `simulate` has no first day: the plan states no `start` and `--start` is not given.
    MissingStart = "missing_start",
    /// `--phase` names a phase the plan does not have.
    UnknownPhase = "unknown_phase",
    // ---- git -----------------------------------------------------------------------
    /// `git` could not be run, or failed.
    GitFailed = "git_failed",
    /// A `REV:PATH` names a revision or path git does not have.
    InvalidRevision = "invalid_revision",
    // ---- Prometheus ------------------------------------------------------------------
    /// The Prometheus server could not be reached.
    PrometheusUnreachable = "prometheus_unreachable",
    /// The Prometheus server did not answer in time.
    PrometheusTimeout = "prometheus_timeout",
    /// The Prometheus server answered with an HTTP error.
    PrometheusHttpError = "prometheus_http_error",
    /// The Prometheus server's answer is not what its API documents.
    PrometheusBadAnswer = "prometheus_bad_answer",
    // ---- Unleash ---------------------------------------------------------------------
    /// `UNLEASH_API_TOKEN` is not set.
    UnleashNoToken = "unleash_no_token",
    /// The Unleash server could not be reached.
    UnleashUnreachable = "unleash_unreachable",
    /// The Unleash server did not answer in time.
    UnleashTimeout = "unleash_timeout",
    /// The Unleash server refused the token.
    UnleashUnauthorized = "unleash_unauthorized",
    /// The Unleash project or environment does not exist.
    UnleashNotFound = "unleash_not_found",
    /// The Unleash server refused a change that conflicts with its state.
    UnleashConflict = "unleash_conflict",
    /// The Unleash server answered with another HTTP error.
    UnleashHttpError = "unleash_http_error",
    /// The Unleash server's answer is not what its API documents.
    UnleashBadAnswer = "unleash_bad_answer",
    /// A change `apply` sent reads back differently from what it wrote.
    UnleashNotConfirmed = "unleash_not_confirmed",
    /// The live flags are in no state of the plan, so no safe order from them is known.
    LiveUnknownConfiguration = "live_unknown_configuration",
    /// No one-flag-at-a-time order leads from the live flags to the target phase.
    LiveNoSafeOrder = "live_no_safe_order",
}

impl fmt::Display for UsageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
