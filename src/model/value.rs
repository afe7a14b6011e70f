//! Flag types, values, and what a phase sets a flag to: a [`Setting`], plain or scoped to a
//! context attribute. A [`FlagState`] is one setting per declared flag.

use std::fmt;
use std::sync::Arc;

use super::plan::{AttributeId, CohortId, FlagId};
use crate::syntax::ast::CmpOp;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FlagType {
    Bool,
    Int,
    String,
    /// The allowed variants, in declaration order.
    Enum(Vec<String>),
}

impl fmt::Display for FlagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagType::Bool => f.write_str("bool"),
            FlagType::Int => f.write_str("int"),
            FlagType::String => f.write_str("string"),
            FlagType::Enum(variants) => write!(f, "enum({})", variants.join(", ")),
        }
    }
}

/// A value of a flag or attribute. Enum variants are `String`s; the flag's type says which.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Bool(bool),
    Int(i64),
    String(String),
}

impl fmt::Display for Value {
    /// As written in a plan: strings quoted, enum variants too (the type is not known here).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl Value {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::String(s) => serde_json::Value::String(s.clone()),
        }
    }
}

/// A `when` condition: tests of context attributes combined with and, or and not.
///
/// A test of an absent attribute fails (`region == eu`, `region in [eu]`, `age < 18` are all
/// false when the context has no such attribute), and `!=` is the negation of `==`, so
/// `region != eu` and `!(age < 18)` hold when it is absent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Condition {
    Test {
        attribute: AttributeId,
        test: ConditionTest,
    },
    Not(Box<Condition>),
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

/// A test of one attribute's value. Ordering operators only ever compare integers (the
/// resolver checks it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionTest {
    Compare { op: CmpOp, value: Value },
    In(Vec<Value>),
}

impl ConditionTest {
    /// Whether the test holds for an attribute value (`None`: the attribute is absent).
    pub fn holds(&self, value: Option<&Value>) -> bool {
        match (self, value) {
            (
                ConditionTest::Compare {
                    op: CmpOp::Ne,
                    value: expected,
                },
                v,
            ) => v != Some(expected),
            (_, None) => false,
            (
                ConditionTest::Compare {
                    op,
                    value: expected,
                },
                Some(v),
            ) => op.compares(v, expected),
            (ConditionTest::In(values), Some(v)) => values.contains(v),
        }
    }

    /// Every value the test names.
    pub fn values(&self) -> &[Value] {
        match self {
            ConditionTest::Compare { value, .. } => std::slice::from_ref(value),
            ConditionTest::In(values) => values,
        }
    }

    /// Whether it orders integers (`<`, `<=`, `>`, `>=`).
    pub fn orders(&self) -> bool {
        matches!(self, ConditionTest::Compare { op, .. } if op.orders())
    }
}

impl Condition {
    /// Whether the condition holds in a context, given its attribute values. Recursion depth
    /// is bounded by the parser's nesting limit.
    pub fn holds(&self, context: &impl Fn(AttributeId) -> Option<Value>) -> bool {
        match self {
            Condition::Test { attribute, test } => test.holds(context(*attribute).as_ref()),
            Condition::Not(inner) => !inner.holds(context),
            Condition::All(parts) => parts.iter().all(|p| p.holds(context)),
            Condition::Any(parts) => parts.iter().any(|p| p.holds(context)),
        }
    }

    /// Every attribute test in the condition, left to right.
    pub fn tests(&self) -> Vec<(AttributeId, &ConditionTest)> {
        let mut out = Vec::new();
        self.collect_tests(&mut out);
        out
    }

    fn collect_tests<'c>(&'c self, out: &mut Vec<(AttributeId, &'c ConditionTest)>) {
        match self {
            Condition::Test { attribute, test } => out.push((*attribute, test)),
            Condition::Not(inner) => inner.collect_tests(out),
            Condition::All(parts) | Condition::Any(parts) => {
                for p in parts {
                    p.collect_tests(out);
                }
            }
        }
    }

    /// The attributes the condition reads, sorted, without repeats.
    pub fn attributes(&self) -> Vec<AttributeId> {
        let mut out: Vec<AttributeId> = self.tests().into_iter().map(|(a, _)| a).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A share of units, in thousandths of a percent: `for 0.5% …` is `Percent(500)`. Every
/// system rollplan emits for weighs rollouts at this resolution or a coarser one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Percent(u32);

impl Percent {
    /// The buckets of a bucketing: a unit's bucket is in `0..ALL_THOUSANDTHS`.
    pub const ALL_THOUSANDTHS: u32 = 100_000;
    /// 100%: every unit.
    pub const ALL: Percent = Percent(Self::ALL_THOUSANDTHS);

    /// Thousandths of a percent, when in `1..=100_000`.
    pub fn from_thousandths(thousandths: u32) -> Option<Percent> {
        (1..=Self::ALL.0)
            .contains(&thousandths)
            .then_some(Percent(thousandths))
    }

    pub fn thousandths(self) -> u32 {
        self.0
    }

    /// Whether a unit in `bucket` (of `0..100_000`) is inside the share: the units of the
    /// lowest buckets are, so a larger share of the same bucketing holds every unit of a
    /// smaller one.
    pub fn contains(self, bucket: u32) -> bool {
        bucket < self.0
    }
}

impl fmt::Display for Percent {
    /// `5%`, `0.5%`, `12.125%`: no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, thousandths) = (self.0 / 1000, self.0 % 1000);
        if thousandths == 0 {
            return write!(f, "{whole}%");
        }
        let decimals = format!("{thousandths:03}");
        write!(f, "{whole}.{}%", decimals.trim_end_matches('0'))
    }
}

/// How units are assigned to buckets: a unit's bucket is a stable hash of the identifying
/// attribute's value, salted per bucketing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucketing {
    /// `of COHORT`: one bucketing for every flag rolled out in the cohort, so their shares
    /// nest unit by unit.
    Cohort(CohortId),
    /// `by ATTRIBUTE`: this flag's own bucketing, independent of every other flag's.
    Flag {
        flag: FlagId,
        attribute: AttributeId,
    },
}

/// `for 5% of early`: the rule's value goes to this share of the units its condition selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rollout {
    pub percent: Percent,
    pub bucketing: Bucketing,
}

/// One rule of a scoped setting. It applies to a unit when its condition holds (always, with
/// none); it gives `value` to the units inside its rollout (all of them, with none), and the
/// setting's `default` to the rest: the first rule that applies decides, as in `LaunchDarkly`
/// and flagd.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopedRule {
    pub condition: Option<Condition>,
    pub value: Value,
    pub rollout: Option<Rollout>,
}

impl ScopedRule {
    /// Whether the rule applies in a context (the unit's bucket aside).
    pub fn applies(&self, attribute: &impl Fn(AttributeId) -> Option<Value>) -> bool {
        self.condition.as_ref().is_none_or(|c| c.holds(attribute))
    }
}

/// What a flag is set to: one value for every unit, or values that depend on the evaluation
/// context and the unit's bucket (the first rule that applies decides; `default` where none
/// does).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Setting {
    Fixed(Value),
    Scoped {
        rules: Vec<ScopedRule>,
        default: Value,
    },
}

impl Setting {
    /// The value for a unit, given the attribute values of its context and its bucket in each
    /// bucketing (`0..100_000`).
    pub fn value_for(
        &self,
        attribute: &impl Fn(AttributeId) -> Option<Value>,
        bucket: &impl Fn(Bucketing) -> u32,
    ) -> Value {
        match self {
            Setting::Fixed(v) => v.clone(),
            Setting::Scoped { rules, default } => match rules.iter().find(|r| r.applies(attribute))
            {
                Some(rule)
                    if rule
                        .rollout
                        .is_none_or(|r| r.percent.contains(bucket(r.bucketing))) =>
                {
                    rule.value.clone()
                }
                _ => default.clone(),
            },
        }
    }

    /// Who gets which value in a context: each value with its share of the context's units,
    /// in thousandths of a percent, and the bucketing that picks the units (`None` when every
    /// unit of the context gets it).
    pub fn distribution(
        &self,
        attribute: &impl Fn(AttributeId) -> Option<Value>,
    ) -> Vec<(Value, u32, Option<Bucketing>)> {
        let all = Percent::ALL_THOUSANDTHS;
        match self {
            Setting::Fixed(v) => vec![(v.clone(), all, None)],
            Setting::Scoped { rules, default } => {
                match rules.iter().find(|r| r.applies(attribute)) {
                    None => vec![(default.clone(), all, None)],
                    Some(ScopedRule {
                        value,
                        rollout: None,
                        ..
                    }) => vec![(value.clone(), all, None)],
                    Some(ScopedRule {
                        value,
                        rollout: Some(r),
                        ..
                    }) if value == default || r.percent == Percent::ALL => {
                        vec![(value.clone(), all, None)]
                    }
                    Some(ScopedRule {
                        value,
                        rollout: Some(r),
                        ..
                    }) => vec![
                        (value.clone(), r.percent.0, Some(r.bucketing)),
                        (default.clone(), all - r.percent.0, Some(r.bucketing)),
                    ],
                }
            }
        }
    }

    /// The value where no scope applies.
    pub fn default_value(&self) -> &Value {
        match self {
            Setting::Fixed(v) | Setting::Scoped { default: v, .. } => v,
        }
    }

    /// The rollouts of the setting's rules.
    pub fn rollouts(&self) -> impl Iterator<Item = &Rollout> {
        let rules: &[ScopedRule] = match self {
            Setting::Fixed(_) => &[],
            Setting::Scoped { rules, .. } => rules,
        };
        rules.iter().filter_map(|r| r.rollout.as_ref())
    }
}

/// One setting per declared flag, indexed by [`FlagId`]: the configuration in force at one
/// point of the rollout.
///
/// A plan keeps a state per phase and per variant, and most flags keep the setting of the phase
/// before, so states share their settings: cloning one copies no setting (only, at the first
/// [`FlagState::set`] after the clone, a pointer per chunk of flags and the pointers of the
/// chunk that changes), and comparing two states that share a setting, or a whole chunk, does
/// not look inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlagState(pub Settings);

/// The flags of one chunk of a [`Settings`]: a power of two, so that a flag's chunk and place
/// in it are a shift and a mask. A `set` copies the chunk it changes, so the chunks are small;
/// the state holds a pointer per chunk, so they are not tiny. With 16, a state of 1,000 flags
/// whose phase sets 20 of them costs about 1.5 KB (63 chunk pointers and the changed chunks)
/// instead of 8 KB for a pointer per flag; docs/performance.md has the measurements.
const CHUNK_BITS: usize = 4;
const CHUNK: usize = 1 << CHUNK_BITS;

/// The settings of a [`FlagState`], in declaration order. Iterate over `&Settings` (or
/// [`FlagState::iter`]) for `&Setting`s; how they are stored is private.
///
/// Stored as copy-on-write chunks of [`CHUNK`] shared settings: every chunk is full but the
/// last, so two states of one plan are chunked alike, and the derived equality and hash (chunk
/// by chunk, each comparison skipping what the two share by address) agree with comparing the
/// settings one by one.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Settings(Arc<[Arc<[Arc<Setting>]>]>);

impl Settings {
    /// The settings, in declaration order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Setting> {
        self.into_iter()
    }

    fn len(&self) -> usize {
        self.0
            .last()
            .map_or(0, |last| (self.0.len() - 1) * CHUNK + last.len())
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self).finish()
    }
}

/// The settings of a [`Settings`] in declaration order, chunk after chunk.
pub struct SettingsIter<'a> {
    chunks: std::slice::Iter<'a, Arc<[Arc<Setting>]>>,
    chunk: std::slice::Iter<'a, Arc<Setting>>,
    left: usize,
}

impl<'a> Iterator for SettingsIter<'a> {
    type Item = &'a Setting;

    fn next(&mut self) -> Option<&'a Setting> {
        loop {
            if let Some(setting) = self.chunk.next() {
                self.left -= 1;
                return Some(setting);
            }
            self.chunk = self.chunks.next()?.iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for SettingsIter<'_> {}

impl<'a> IntoIterator for &'a Settings {
    type Item = &'a Setting;
    type IntoIter = SettingsIter<'a>;

    fn into_iter(self) -> SettingsIter<'a> {
        SettingsIter {
            chunks: self.0.iter(),
            chunk: [].iter(),
            left: self.len(),
        }
    }
}

impl FromIterator<Setting> for FlagState {
    fn from_iter<I: IntoIterator<Item = Setting>>(settings: I) -> Self {
        let settings: Vec<Arc<Setting>> = settings.into_iter().map(Arc::new).collect();
        FlagState(Settings(settings.chunks(CHUNK).map(Arc::from).collect()))
    }
}

impl FlagState {
    /// A state with `settings[i]` for the flag of id `i`.
    pub fn new(settings: impl IntoIterator<Item = Setting>) -> Self {
        settings.into_iter().collect()
    }

    pub fn get(&self, flag: FlagId) -> &Setting {
        &(self.0).0[flag.0 >> CHUNK_BITS][flag.0 & (CHUNK - 1)]
    }

    pub fn set(&mut self, flag: FlagId, setting: Setting) {
        self.set_shared(flag, Arc::new(setting));
    }

    /// Sets a flag to a setting other states may hold too (a phase's assignment, applied to
    /// each of its variants), so that they share it.
    pub(crate) fn set_shared(&mut self, flag: FlagId, setting: Arc<Setting>) {
        let chunk = &mut Arc::make_mut(&mut (self.0).0)[flag.0 >> CHUNK_BITS];
        Arc::make_mut(chunk)[flag.0 & (CHUNK - 1)] = setting;
    }

    /// The settings, in declaration order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Setting> {
        self.0.iter()
    }

    /// The number of flags.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        (self.0).0.is_empty()
    }

    /// The flags whose settings differ between two states, in declaration order.
    pub fn changed_flags(&self, other: &FlagState) -> Vec<FlagId> {
        let (mine, theirs) = (&(self.0).0, &(other.0).0);
        if Arc::ptr_eq(mine, theirs) {
            return Vec::new();
        }
        // The chunks and settings the two states share cost a pointer comparison each.
        let mut changed = Vec::new();
        for (c, (a, b)) in mine.iter().zip(theirs.iter()).enumerate() {
            if Arc::ptr_eq(a, b) {
                continue;
            }
            for (i, (a, b)) in a.iter().zip(b.iter()).enumerate() {
                if !Arc::ptr_eq(a, b) && a != b {
                    changed.push(FlagId(c * CHUNK + i));
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, RandomState};

    /// A state of `n` boolean flags, flag `i` set to `i % 3 == 0`.
    fn state(n: usize) -> FlagState {
        FlagState::new((0..n).map(|i| Setting::Fixed(Value::Bool(i % 3 == 0))))
    }

    fn values(s: &FlagState) -> Vec<bool> {
        s.iter()
            .map(|setting| setting.default_value() == &Value::Bool(true))
            .collect()
    }

    #[test]
    fn every_flag_is_read_and_iterated_in_order_across_chunks() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let s = state(n);
            assert_eq!(s.len(), n);
            assert_eq!(s.iter().len(), n);
            let expected: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
            assert_eq!(values(&s), expected);
            let read: Vec<bool> = (0..n)
                .map(|i| s.get(FlagId(i)).default_value() == &Value::Bool(true))
                .collect();
            assert_eq!(read, expected);
        }
    }

    #[test]
    fn a_set_changes_one_flag_of_the_copy_only() {
        let n = 3 * CHUNK + 5;
        let before = state(n);
        let flipped = [0, CHUNK - 1, CHUNK, 2 * CHUNK + 7, n - 1];
        let mut after = before.clone();
        for &i in &flipped {
            after.set(FlagId(i), Setting::Fixed(Value::Bool(i % 3 != 0)));
        }
        assert_eq!(
            values(&before),
            (0..n).map(|i| i % 3 == 0).collect::<Vec<_>>()
        );
        let expected: Vec<bool> = (0..n)
            .map(|i| (i % 3 == 0) != flipped.contains(&i))
            .collect();
        assert_eq!(values(&after), expected);
        let changed: Vec<usize> = before.changed_flags(&after).iter().map(|f| f.0).collect();
        assert_eq!(changed, flipped);
        assert_ne!(before, after);
    }

    #[test]
    fn states_with_equal_settings_are_equal_and_hash_alike_however_they_were_built() {
        let n = 2 * CHUNK + 3;
        let mut a = state(n);
        // Set a flag away and back: the chunk is a copy now, with equal settings.
        a.set(FlagId(CHUNK + 1), Setting::Fixed(Value::Bool(true)));
        a.set(FlagId(CHUNK + 1), Setting::Fixed(Value::Bool(false)));
        let b = state(n);
        assert_eq!(a, b);
        assert!(a.changed_flags(&b).is_empty());
        let hasher = RandomState::new();
        assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
    }
}
