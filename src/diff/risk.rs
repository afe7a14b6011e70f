//! The risk classification: which changes deserve a second reviewer. The names are stable
//! (`--format json` and `--fail-on risk` scripts match on them); a change is risky when it makes
//! the rollout more permissive, faster, or less able to stop or revert.

/// Why a change is risky.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Risk {
    /// A metric gate's threshold or operator moved in the permissive direction.
    LoosenedGate,
    /// A gate was removed.
    RemovedGate,
    /// A gate's criterion changed in a way that has no direction (operator family, unit,
    /// metric, or a measured gate became a manual one): it may be looser.
    ChangedGate,
    /// An invariant was removed.
    RemovedInvariant,
    /// An invariant's formula changed so that it allows states it did not (weaker, or
    /// incomparable, or too large to compare).
    ChangedInvariant,
    /// A phase's planned duration got shorter: less time to observe before advancing.
    ShorterPhase,
    /// A phase was removed: one step fewer between the start and the end.
    RemovedPhase,
    /// A flag reaches a value in an earlier phase than it did (a boolean: it is turned on earlier).
    FlagEnabledEarlier,
    /// A flag is turned on (wholly or for some contexts) where the old plan never turned it on.
    FlagEnabled,
    /// A scoped value of a flag that is not a boolean reaches contexts that did not get it.
    ValueWidened,
    /// A phase lost its rollback: on failure it no longer reverts.
    RollbackRemoved,
    /// The new plan does not pass `check`.
    FailsCheck,
}

impl Risk {
    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            Risk::LoosenedGate => "loosened_gate",
            Risk::RemovedGate => "removed_gate",
            Risk::ChangedGate => "changed_gate",
            Risk::RemovedInvariant => "removed_invariant",
            Risk::ChangedInvariant => "changed_invariant",
            Risk::ShorterPhase => "shorter_phase",
            Risk::RemovedPhase => "removed_phase",
            Risk::FlagEnabledEarlier => "flag_enabled_earlier",
            Risk::FlagEnabled => "flag_enabled",
            Risk::ValueWidened => "value_widened",
            Risk::RollbackRemoved => "rollback_removed",
            Risk::FailsCheck => "fails_check",
        }
    }

    /// For people: `loosened gate`.
    pub fn title(self) -> &'static str {
        match self {
            Risk::LoosenedGate => "loosened gate",
            Risk::RemovedGate => "removed gate",
            Risk::ChangedGate => "changed gate",
            Risk::RemovedInvariant => "removed invariant",
            Risk::ChangedInvariant => "changed invariant",
            Risk::ShorterPhase => "shorter phase",
            Risk::RemovedPhase => "removed phase",
            Risk::FlagEnabledEarlier => "flag enabled earlier",
            Risk::FlagEnabled => "flag enabled",
            Risk::ValueWidened => "value widened",
            Risk::RollbackRemoved => "rollback removed",
            Risk::FailsCheck => "fails check",
        }
    }
}
