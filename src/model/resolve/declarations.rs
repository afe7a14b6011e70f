//! Declarations: attributes, flags, metrics and cohorts, each given its id in the order written.

use super::Resolver;
use super::names::placeholder;
use super::unique::Seen;
use crate::diagnostic::Problem;
use crate::diagnostic::problem::{NameKind, Subject, ValueProblem};
use crate::model::plan::{Attribute, AttributeId, Flag, FlagId, Metric, MetricId, TextItem};
use crate::syntax::ast::{self, Item};

impl Resolver<'_> {
    pub(super) fn declarations(&mut self, file: &ast::File<'_>) {
        let mut seen_flags = Seen::default();
        let mut seen_attributes = Seen::default();
        let mut seen_metrics = Seen::default();
        for item in &file.items {
            match item {
                Item::Attribute(decl)
                    if self.check_unique(NameKind::Attribute, decl.name, &mut seen_attributes) =>
                {
                    let ty = self.flag_type(&decl.ty);
                    self.attribute_ids.insert(
                        decl.name.node.to_owned(),
                        AttributeId(self.attributes.len()),
                    );
                    self.attributes.push(Attribute {
                        name: decl.name.node.to_owned(),
                        ty,
                        description: decl.description.as_ref().map(|d| d.node.to_string()),
                        span: decl.name.span,
                    });
                }
                Item::Flag(decl)
                    if self.check_unique(NameKind::Flag, decl.name, &mut seen_flags) =>
                {
                    let ty = self.flag_type(&decl.ty);
                    let what = Subject::Flag(decl.name.node.to_owned());
                    let initial = self
                        .literal(&decl.initial, &ty, &what, decl.ty.span)
                        .unwrap_or_else(|| placeholder(&ty));
                    self.flag_ids
                        .insert(decl.name.node.to_owned(), FlagId(self.flags.len()));
                    self.flags.push(Flag {
                        name: decl.name.node.to_owned(),
                        ty,
                        initial,
                        description: decl.description.as_ref().map(|d| d.node.to_string()),
                        span: decl.name.span,
                    });
                }
                Item::Metric(decl)
                    if self.check_unique(NameKind::Metric, decl.name, &mut seen_metrics) =>
                {
                    self.metric_ids
                        .insert(decl.name.node.to_owned(), MetricId(self.metrics.len()));
                    let query = decl.query.as_ref().map(|q| TextItem {
                        text: q.node.to_string(),
                        span: q.span,
                    });
                    if let Some(q) = &query
                        && q.text.trim().is_empty()
                    {
                        self.report(
                            ValueProblem::EmptyQuery {
                                metric: decl.name.node.to_owned(),
                                unit: decl.unit.node,
                            }
                            .at(q.span),
                        );
                    }
                    self.metrics.push(Metric {
                        name: decl.name.node.to_owned(),
                        unit: decl.unit.node,
                        query,
                        description: decl.description.as_ref().map(|d| d.node.to_string()),
                        span: decl.name.span,
                    });
                }
                _ => {}
            }
        }
        self.cohorts(file);
    }
}
