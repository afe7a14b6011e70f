//! Our diagnostics as LSP diagnostics: the code, the message with its help line, the primary
//! label, and the related labels as related information.

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString};

use super::document::Document;
use crate::diagnostic::{Diagnostic, Severity};

/// Every diagnostic of the document.
pub(super) fn of(doc: &Document) -> Vec<lsp_types::Diagnostic> {
    doc.compilation
        .diagnostics
        .iter()
        .map(|d| to_lsp(doc, d))
        .collect()
}

pub(super) fn to_lsp(doc: &Document, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if !d.primary.text.is_empty() {
        message = format!("{message}: {}", d.primary.text);
    }
    if !d.help.is_empty() {
        message = format!("{message}\nhelp: {}", d.help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(doc.uri.clone(), doc.range(label.span.range())),
            message: label.text.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: doc.range(d.primary.span.range()),
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("rollplan".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
