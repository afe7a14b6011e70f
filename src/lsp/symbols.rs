//! The outline: the plan header, attributes, flags, metrics, invariants and phases, in the
//! order they are written.

use lsp_types::{DocumentSymbol, SymbolKind};

use super::document::Document;
use super::index::Kind;

pub(super) fn outline(doc: &Document) -> Vec<DocumentSymbol> {
    doc.index
        .declarations
        .iter()
        .map(|d| {
            #[expect(
                deprecated,
                reason = "`deprecated` is a required field of lsp-types' struct"
            )]
            DocumentSymbol {
                name: d.name.clone(),
                detail: (!d.detail.is_empty()).then(|| d.detail.clone()),
                kind: match d.kind {
                    Kind::Plan => SymbolKind::NAMESPACE,
                    Kind::Flag => SymbolKind::VARIABLE,
                    Kind::Attribute => SymbolKind::FIELD,
                    Kind::Cohort => SymbolKind::ENUM,
                    Kind::Metric => SymbolKind::EVENT,
                    Kind::Invariant => SymbolKind::BOOLEAN,
                    Kind::Phase => SymbolKind::FUNCTION,
                },
                tags: None,
                deprecated: None,
                range: doc.range(d.item_range.clone()),
                selection_range: doc.range(d.name_range.clone()),
                children: None,
            }
        })
        .collect()
}
