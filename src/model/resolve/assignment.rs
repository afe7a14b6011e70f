//! `set` statements: the value a phase gives a flag, fixed or as ordered rules with `when`
//! conditions and shares, each checked against the flag's and the attributes' types.

use std::sync::Arc;

use super::Resolver;
use crate::diagnostic::problem::Subject;
use crate::model::plan::Assignment;
use crate::model::value::{Condition, ConditionTest, ScopedRule, Setting};
use crate::syntax::ast;

impl Resolver<'_> {
    pub(super) fn assignment(&mut self, set: &ast::SetStmt<'_>) -> Option<Assignment> {
        let flag = self.flag(set.flag)?;
        let (ty, declared) = (self.flags[flag.0].ty.clone(), self.flags[flag.0].span);
        let what = Subject::Flag(set.flag.node.to_owned());
        let setting = match &set.value {
            ast::SetValue::Plain(v) => Setting::Fixed(self.literal(v, &ty, &what, declared)?),
            ast::SetValue::Scoped { rules, default } => {
                let mut resolved = Vec::with_capacity(rules.len());
                let mut ok = true;
                for rule in rules {
                    let value = self.literal(&rule.value, &ty, &what, declared);
                    let condition = rule.condition.as_ref().map(|c| self.condition(c));
                    let rollout = rule.share.as_ref().map(|s| self.rollout(s, flag));
                    // `Some(None)`: written, and reported as wrong.
                    match (value, condition, rollout) {
                        (
                            Some(value),
                            condition @ (None | Some(Some(_))),
                            rollout @ (None | Some(Some(_))),
                        ) => {
                            resolved.push(ScopedRule {
                                condition: condition.flatten(),
                                value,
                                rollout: rollout.flatten(),
                            });
                        }
                        _ => ok = false,
                    }
                }
                // Without `else`, the units no rule gives a value keep the flag's declared
                // value, as a flag system's fallthrough gives them its default.
                let default = match default {
                    Some(default) => self.literal(default, &ty, &what, declared)?,
                    None => self.flags[flag.0].initial.clone(),
                };
                if !ok {
                    return None;
                }
                Setting::Scoped {
                    rules: resolved,
                    default,
                }
            }
        };
        Some(Assignment {
            flag,
            setting: Arc::new(setting),
            optional: set
                .optional
                .as_ref()
                .map(|o| o.node.as_ref().map(|t| t.node.to_string())),
            span: set.span,
        })
    }

    /// Resolves a `when` condition, reporting every test that does not resolve.
    fn condition(&mut self, condition: &ast::Condition<'_>) -> Option<Condition> {
        Some(match &condition.node {
            ast::ConditionKind::Paren(inner) => self.condition(inner)?,
            ast::ConditionKind::Not(inner) => Condition::Not(Box::new(self.condition(inner)?)),
            ast::ConditionKind::And(parts) | ast::ConditionKind::Or(parts) => {
                let resolved: Vec<Option<Condition>> =
                    parts.iter().map(|p| self.condition(p)).collect();
                let resolved: Vec<Condition> = resolved.into_iter().collect::<Option<_>>()?;
                if matches!(condition.node, ast::ConditionKind::And(_)) {
                    Condition::All(resolved)
                } else {
                    Condition::Any(resolved)
                }
            }
            ast::ConditionKind::Test { attribute, test } => {
                self.condition_test(*attribute, test)?
            }
        })
    }

    fn condition_test(
        &mut self,
        name: ast::Name<'_>,
        test: &ast::ConditionTest<'_>,
    ) -> Option<Condition> {
        let attribute = self.attribute(name)?;
        let (ty, declared) = (
            self.attributes[attribute.0].ty.clone(),
            self.attributes[attribute.0].span,
        );
        let what = Subject::Attribute(name.node.to_owned());
        let test = match test {
            ast::ConditionTest::Compare { op, value } => {
                // An operator that does not fit the type makes any value a cascade.
                if !self.orders(*op, &ty, &what, declared) {
                    return None;
                }
                ConditionTest::Compare {
                    op: op.node,
                    value: self.literal(value, &ty, &what, declared)?,
                }
            }
            ast::ConditionTest::In(values) => {
                let values: Vec<_> = values
                    .iter()
                    .map(|v| self.literal(v, &ty, &what, declared))
                    .collect();
                ConditionTest::In(values.into_iter().collect::<Option<_>>()?)
            }
        };
        Some(Condition::Test { attribute, test })
    }
}
