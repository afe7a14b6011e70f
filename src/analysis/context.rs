//! Evaluation contexts. A scoped value (`true when http.method == "GET" else false`) makes a
//! flag's value depend on the request; an invariant must hold in every context. Contexts are
//! grouped into classes: for each attribute that matters, each value some condition names, plus
//! "any other value". Checking one context per class covers them all.

use std::collections::BTreeMap;

use crate::model::{AttributeId, FlagId, FlagState, Setting, Value};

/// Attribute values of one context class; an attribute left out has a value no condition names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context(pub Vec<(AttributeId, Value)>);

impl Context {
    pub fn get(&self, attribute: AttributeId) -> Option<Value> {
        self.0
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, v)| v.clone())
    }

    /// `http.method == "GET"`, or `any context` for the empty class.
    pub fn describe(&self, attribute_name: impl Fn(AttributeId) -> String) -> String {
        if self.0.is_empty() {
            return "any context".to_owned();
        }
        self.0
            .iter()
            .map(|(a, v)| format!("{} == {v}", attribute_name(*a)))
            .collect::<Vec<_>>()
            .join(" && ")
    }
}

/// At most this many context classes are checked per state; attributes beyond it are rare in
/// real plans and would make the check exponential.
const MAX_CONTEXTS: usize = 256;

/// The context classes that matter for `flags` in `states`: one class when none of these flags
/// is scoped.
pub fn classes<'s>(
    flags: &[FlagId],
    states: impl IntoIterator<Item = &'s FlagState>,
) -> Vec<Context> {
    let mut values: BTreeMap<AttributeId, Vec<Value>> = BTreeMap::new();
    for state in states {
        for &flag in flags {
            if let Setting::Scoped { rules, .. } = state.get(flag) {
                for condition in rules.iter().filter_map(|r| r.condition.as_ref()) {
                    let entry = values.entry(condition.attribute).or_default();
                    for v in condition.values() {
                        if !entry.contains(v) {
                            entry.push(v.clone());
                        }
                    }
                }
            }
        }
    }
    let mut classes = vec![Context::default()];
    for (attribute, attribute_values) in values {
        let mut next = Vec::with_capacity(classes.len() * (attribute_values.len() + 1));
        for class in &classes {
            next.push(class.clone());
            for v in &attribute_values {
                let mut c = class.clone();
                c.0.push((attribute, v.clone()));
                next.push(c);
            }
        }
        classes = next;
        if classes.len() > MAX_CONTEXTS {
            classes.truncate(MAX_CONTEXTS);
            break;
        }
    }
    classes
}
