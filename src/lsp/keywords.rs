//! Every keyword the completion offers, by where it may be written: the one list to extend when
//! the grammar gains a word (a test checks each against `grammar/rollplan.pest`).

/// Words that start a top-level item.
pub(super) const ITEMS: &[&str] = crate::syntax::ITEM_KEYWORDS;

/// Statements inside a `phase { … }`.
pub(super) const PHASE_STATEMENTS: &[&str] = &[
    "duration",
    "set",
    "gate",
    "activity",
    "check",
    "notify",
    "on_fail",
    "on_inconclusive",
];

/// Fields of the `plan { … }` header.
pub(super) const PLAN_FIELDS: &[&str] = &["title", "owner", "start", "description"];

/// The entries of each text block, by the block's keyword.
pub(super) const BLOCK_ENTRIES: &[(&str, &[&str])] = &[
    ("monitor", &["watch", "item"]),
    ("rollback", &["step"]),
    ("contingency", &["step"]),
    ("validate", &["check"]),
    ("communicate", &["notify"]),
];

/// Flag and attribute types.
pub(super) const TYPES: &[&str] = &["bool", "int", "string", "enum"];

/// Metric units.
pub(super) const METRIC_UNITS: &[&str] = &["percent", "ms", "count", "ratio"];

/// Suffixes after a duration's number (a phase's, an extension's, a wait's or a gate's `over`
/// window).
pub(super) const DURATION_UNITS: &[&str] = &["m", "h", "d", "w"];

/// What `on_fail` does.
pub(super) const FAIL_ACTIONS: &[&str] = &["extend", "rollback"];

/// What `on_inconclusive` (or a gate's `inconclusive`) does.
pub(super) const INCONCLUSIVE_ACTIONS: &[&str] = &["wait", "extend", "fail"];

/// `notify` and `communicate` moments.
pub(super) const MOMENTS: &[&str] = &["before", "after"];

/// Rollback targets besides phase ids.
pub(super) const ROLLBACK_WORDS: &[&str] = &["previous", "start"];

/// Words after a `set` value.
pub(super) const AFTER_SET_VALUE: &[&str] = &["when", "for", "optional", "else"];

/// Words after a share (`for 5%`): a cohort's bucketing or the flag's own.
pub(super) const SHARE_BUCKETINGS: &[&str] = &["of", "by"];

/// Words after a gate's threshold.
pub(super) const GATE_OPTIONS: &[&str] = &["over", "pass", "inconclusive"];

/// Words after a metric's unit.
pub(super) const METRIC_OPTIONS: &[&str] = &["query"];

/// Duration words.
pub(super) const DURATION_WORDS: &[&str] = &["indefinite"];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every keyword offered is a literal of the grammar, so completion cannot offer a word the
    /// parser refuses.
    #[test]
    fn every_keyword_is_in_the_grammar() {
        let grammar = include_str!("../../grammar/rollplan.pest");
        let blocks = BLOCK_ENTRIES
            .iter()
            .flat_map(|(block, entries)| std::iter::once(*block).chain(entries.iter().copied()));
        let all = ITEMS
            .iter()
            .chain(PHASE_STATEMENTS)
            .chain(PLAN_FIELDS)
            .copied()
            .chain(blocks)
            .chain(TYPES.iter().copied())
            .chain(METRIC_UNITS.iter().copied())
            .chain(DURATION_UNITS.iter().copied())
            .chain(FAIL_ACTIONS.iter().copied())
            .chain(INCONCLUSIVE_ACTIONS.iter().copied())
            .chain(MOMENTS.iter().copied())
            .chain(AFTER_SET_VALUE.iter().copied())
            .chain(GATE_OPTIONS.iter().copied())
            .chain(SHARE_BUCKETINGS.iter().copied())
            .chain(METRIC_OPTIONS.iter().copied())
            .chain(DURATION_WORDS.iter().copied());
        for word in all {
            assert!(
                grammar.contains(&format!("\"{word}\"")),
                "`{word}` is not a literal of the grammar"
            );
        }
    }
}
