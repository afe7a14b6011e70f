//! The diagnostic catalogue: every code rollplan can report, in one table. Codes are stable:
//! scripts match on them, so a code is never renamed or reused. `docs/diagnostics.md` gives each
//! one a bad and a fixed example; a test checks that the two lists agree.

use std::fmt;

/// How bad a diagnostic is. Warnings do not fail `check` unless `--deny warnings` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

macro_rules! catalogue {
    ($( $(#[doc = $doc:literal])+ $variant:ident = ($name:literal, $severity:ident), )+) => {
        /// A stable diagnostic code, printed as `rollplan::<name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable name, without the `rollplan::` prefix.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)+ }
            }

            /// When the code is returned, as written in its doc comment.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }
        }
    };
}

catalogue! {
    // ---- reading and parsing -------------------------------------------------
    /// Returned when a plan or scenario is not valid UTF-8.
    InvalidUtf8 = ("invalid_utf8", Error),
    /// Returned when the text does not follow the grammar of the language.
    SyntaxError = ("syntax_error", Error),
    /// Returned when parentheses or negations nest deeper than the parser allows.
    NestingTooDeep = ("nesting_too_deep", Error),
    /// Returned when a file is larger than rollplan reads (1 GiB).
    FileTooLarge = ("file_too_large", Error),

    // ---- names ---------------------------------------------------------------
    /// Returned when the plan has no `plan` header block, or more than one.
    PlanHeader = ("plan_header", Error),
    /// Returned when a name is declared twice (a flag, attribute, cohort, metric, invariant,
    /// phase, enum variant or gate), or a phase gates one metric twice.
    DuplicateName = ("duplicate_name", Error),
    /// Returned when a statement that may appear once in its block is given twice: a field of
    /// the `plan` block, a plan-wide `on_fail` or `on_inconclusive`, a phase's `duration`,
    /// `on_fail` or `on_inconclusive`, a gate's `pass` or `inconclusive`.
    RepeatedStatement = ("repeated_statement", Error),
    /// Returned when a `set` or an invariant names a flag that is not declared.
    UndefinedFlag = ("undefined_flag", Error),
    /// Returned when a gate or `watch` names a metric that is not declared.
    UndefinedMetric = ("undefined_metric", Error),
    /// Returned when a scoped value's `when` names a context attribute that is not declared.
    UndefinedAttribute = ("undefined_attribute", Error),
    /// Returned when a share (`for 5% of NAME`) names a cohort that is not declared.
    UndefinedCohort = ("undefined_cohort", Error),
    /// Returned when a rollback names a phase that does not exist.
    UndefinedPhase = ("undefined_phase", Error),
    /// Returned when a phase sets the same flag twice.
    DuplicateSet = ("duplicate_set", Error),
    /// Returned when a plan has no phases.
    NoPhases = ("no_phases", Error),
    /// Returned when a phase id or the plan's name is longer than 128 characters: files are
    /// named after them, and a longer name is more than a file system takes.
    NameTooLong = ("name_too_long", Error),

    // ---- values and types ----------------------------------------------------
    /// Returned when a value does not have the type of the flag or attribute it is given to.
    TypeMismatch = ("type_mismatch", Error),
    /// Returned when a gate threshold's unit does not fit its metric's unit.
    UnitMismatch = ("unit_mismatch", Error),
    /// Returned when a date does not exist on the calendar, a start's date-time is not RFC 3339 on a
    /// whole minute with an offset, a window ends before it starts, or the planned timeline ends
    /// after 9999-12-31.
    InvalidDate = ("invalid_date", Error),
    /// Returned when a duration is zero or longer than 1000 years, or a range's bounds are out of order.
    InvalidDuration = ("invalid_duration", Error),
    /// Returned when a number is out of its range: a probability outside 0..=1, an extension count
    /// outside 1..=1000, an int beyond 64 bits, a threshold too large for a number.
    InvalidNumber = ("invalid_number", Error),
    /// Returned when a phase has more optional values, or more configurations because of them,
    /// than the check enumerates (6 optional values, 64 configurations).
    TooManyVariants = ("too_many_variants", Error),
    /// Returned when a share is not from 0.001% to 100% or has more than three decimals.
    InvalidPercent = ("invalid_percent", Error),
    /// Returned when units are bucketed by an attribute that cannot identify a unit (a bool or an enum).
    InvalidBucketing = ("invalid_bucketing", Error),
    /// Returned when a phase has no `duration`.
    MissingDuration = ("missing_duration", Error),
    /// Returned when a metric's `query` is an empty string.
    EmptyQuery = ("empty_query", Error),

    // ---- analysis of the state graph -------------------------------------------
    /// Returned when a reachable flag state breaks an invariant.
    InvariantViolated = ("invariant_violated", Error),
    /// Returned when a transition cannot be carried out one flag change at a time without breaking an invariant.
    UnsafeTransition = ("unsafe_transition", Error),
    /// Returned when the search for a one-flag-at-a-time order of a transition runs out of its budget without finding an order or proving that none exists.
    TransitionUnproven = ("transition_unproven", Error),
    /// Returned when an invariant reads flags rolled out in more bucketings, or with more distinct shares, than the check splits the units into classes for, or flags whose conditions split the contexts into more classes than it checks.
    TooManyClasses = ("too_many_classes", Error),
    /// Returned when a rollback target is not earlier in the plan than the phase that rolls back.
    RollbackNotEarlier = ("rollback_not_earlier", Error),
    /// Returned when a phase cannot be reached from the start of the rollout.
    UnreachablePhase = ("unreachable_phase", Error),
    /// Returned when the end of the rollout cannot be reached from a phase.
    TrapPhase = ("trap_phase", Error),

    // ---- warnings ------------------------------------------------------------
    /// Returned when a flag is declared but no phase sets it.
    UnusedFlag = ("unused_flag", Warning),
    /// Returned when a context attribute is declared but no scoped value reads it.
    UnusedAttribute = ("unused_attribute", Warning),
    /// Returned when a cohort is declared but no share uses it.
    UnusedCohort = ("unused_cohort", Warning),
    /// Returned when a phase leaves every flag as the previous phase had it.
    UnchangedPhase = ("unchanged_phase", Warning),
    /// Returned when a phase other than the last one lasts `indefinite`ly.
    IndefiniteNotLast = ("indefinite_not_last", Warning),
    /// Returned when a gate has neither a metric threshold nor a text saying what to verify.
    EmptyGate = ("empty_gate", Warning),
    /// Returned when a gate's `over` window is not shorter than its phase's shortest duration.
    WindowNotShorter = ("window_not_shorter", Warning),
    /// Returned when an `on_fail` follows a gate on the gate's line, where it reads as the gate's own policy though it is the phase's.
    OnFailAfterGate = ("on_fail_after_gate", Warning),

    // ---- emitting ------------------------------------------------------------
    /// Returned when `emit` cannot write the plan in the chosen format without changing its meaning: two flags that the format would name alike, a flag name that is also another flag's table, a phase id that is not a safe file name.
    EmitUnrepresentable = ("emit_unrepresentable", Error),
    // ---- formatting ----------------------------------------------------------
    /// Returned when `fmt` would change what a plan means or drop a comment (a bug in the formatter); the file is left as it was.
    FormatChangedMeaning = ("fmt_changed_meaning", Error),
    // ---- scenario files (`simulate --scenario`) --------------------------------
    /// Returned when a scenario file is not valid YAML, or does not have a scenario's shape (phases mapped to lists of attempts, each a map of gate names to results).
    ScenarioSyntax = ("scenario_syntax", Error),
    /// Returned when a scenario names a phase that the plan does not declare.
    ScenarioUnknownPhase = ("scenario_unknown_phase", Error),
    /// Returned when a scenario names a gate or metric that the phase does not evaluate.
    ScenarioUnknownGate = ("scenario_unknown_gate", Error),
    /// Returned when an observed value in a scenario is not in the unit of the gate's metric.
    ScenarioUnitMismatch = ("scenario_unit_mismatch", Error),
    /// Returned when a scenario gives a gate a result that is neither a number nor `passed`, `failed` or `inconclusive`.
    ScenarioInvalidValue = ("scenario_invalid_value", Error),
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rollplan::{}", self.name())
    }
}
