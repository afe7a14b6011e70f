//! Flag types, values, and what a phase sets a flag to: a [`Setting`], plain or scoped to a
//! context attribute. A [`FlagState`] is one setting per declared flag.

use std::fmt;

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlagState(pub Vec<Setting>);

impl FlagState {
    pub fn get(&self, flag: FlagId) -> &Setting {
        &self.0[flag.0]
    }

    pub fn set(&mut self, flag: FlagId, setting: Setting) {
        self.0[flag.0] = setting;
    }

    /// The flags whose settings differ between two states, in declaration order.
    pub fn changed_flags(&self, other: &FlagState) -> Vec<FlagId> {
        self.0
            .iter()
            .zip(&other.0)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, _)| FlagId(i))
            .collect()
    }
}
