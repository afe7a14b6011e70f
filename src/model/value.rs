//! Flag types, values, and what a phase sets a flag to: a [`Setting`], plain or scoped to a
//! context attribute. A [`FlagState`] is one setting per declared flag.

use std::fmt;
use std::sync::Arc;

use super::plan::{AttributeId, FlagId};

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

/// A test of one context attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Condition {
    pub attribute: AttributeId,
    pub test: ConditionTest,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionTest {
    Equals { negated: bool, value: Value },
    In(Vec<Value>),
}

impl Condition {
    /// Whether the condition holds for an attribute value (`None`: the attribute is absent,
    /// or has a value no condition in the plan names).
    pub fn holds(&self, value: Option<&Value>) -> bool {
        match &self.test {
            ConditionTest::Equals {
                negated,
                value: expected,
            } => (value == Some(expected)) != *negated,
            ConditionTest::In(values) => value.is_some_and(|v| values.contains(v)),
        }
    }

    /// Every value the condition names.
    pub fn values(&self) -> &[Value] {
        match &self.test {
            ConditionTest::Equals { value, .. } => std::slice::from_ref(value),
            ConditionTest::In(values) => values,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopedRule {
    pub condition: Condition,
    pub value: Value,
}

/// What a flag is set to: one value everywhere, or values that depend on the evaluation
/// context (the first rule whose condition holds wins; `default` where none does).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Setting {
    Fixed(Value),
    Scoped {
        rules: Vec<ScopedRule>,
        default: Value,
    },
}

impl Setting {
    /// The value in a context, given the attribute values of that context.
    pub fn value_in(&self, context: &impl Fn(AttributeId) -> Option<Value>) -> Value {
        match self {
            Setting::Fixed(v) => v.clone(),
            Setting::Scoped { rules, default } => rules
                .iter()
                .find(|r| r.condition.holds(context(r.condition.attribute).as_ref()))
                .map_or_else(|| default.clone(), |r| r.value.clone()),
        }
    }

    /// The value where no scope applies.
    pub fn default_value(&self) -> &Value {
        match self {
            Setting::Fixed(v) | Setting::Scoped { default: v, .. } => v,
        }
    }
}

/// One setting per declared flag, indexed by [`FlagId`]: the configuration in force at one
/// point of the rollout.
///
/// A plan keeps a state per phase and per variant, and most flags keep the setting of the phase
/// before, so states share their settings: cloning one copies no setting (only, at the first
/// [`FlagState::set`] after the clone, a pointer per flag), and comparing two states that share
/// a setting does not look inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlagState(pub Settings);

/// The settings of a [`FlagState`], in declaration order. Iterate over `&Settings` (or
/// [`FlagState::iter`]) for `&Setting`s; how they are stored is private.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Settings(Arc<Vec<Arc<Setting>>>);

impl Settings {
    /// The settings, in declaration order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Setting> {
        self.0.iter().map(|s| &**s)
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self).finish()
    }
}

impl<'a> IntoIterator for &'a Settings {
    type Item = &'a Setting;
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, Arc<Setting>>, fn(&Arc<Setting>) -> &Setting>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|s| &**s)
    }
}

impl FromIterator<Setting> for FlagState {
    fn from_iter<I: IntoIterator<Item = Setting>>(settings: I) -> Self {
        FlagState(Settings(Arc::new(
            settings.into_iter().map(Arc::new).collect(),
        )))
    }
}

impl FlagState {
    /// A state with `settings[i]` for the flag of id `i`.
    pub fn new(settings: impl IntoIterator<Item = Setting>) -> Self {
        settings.into_iter().collect()
    }

    pub fn get(&self, flag: FlagId) -> &Setting {
        &(self.0).0[flag.0]
    }

    pub fn set(&mut self, flag: FlagId, setting: Setting) {
        self.set_shared(flag, Arc::new(setting));
    }

    /// Sets a flag to a setting other states may hold too (a phase's assignment, applied to
    /// each of its variants), so that they share it.
    pub(crate) fn set_shared(&mut self, flag: FlagId, setting: Arc<Setting>) {
        Arc::make_mut(&mut (self.0).0)[flag.0] = setting;
    }

    /// The settings, in declaration order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Setting> {
        self.0.iter()
    }

    /// The number of flags.
    pub fn len(&self) -> usize {
        (self.0).0.len()
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
        // The settings the two states share cost a pointer comparison each.
        mine.iter()
            .zip(theirs.iter())
            .enumerate()
            .filter(|(_, (a, b))| !Arc::ptr_eq(a, b) && a != b)
            .map(|(i, _)| FlagId(i))
            .collect()
    }
}
