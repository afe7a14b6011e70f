//! Rendering diagnostics: `human` through miette's graphical handler (colours only where a
//! terminal asks for them), `json` as one object per diagnostic for machines.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;

use super::{Diagnostic, Label, Severity};
use crate::escape::{TerminalText, one_line, terminal};
use crate::source::{FileId, SourceMap};

/// Renders diagnostics for people. `color` selects ANSI colours and Unicode box drawing;
/// without it the output is plain ASCII, as snapshots and logs want it.
pub fn human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, sources);
        // Writing into a String cannot fail; a failing miette renderer falls back to one line.
        if handler.render_report(&mut out, &report).is_err() {
            let _ = writeln!(
                out,
                "{}: {}",
                diagnostic.code,
                terminal(&diagnostic.message)
            );
        }
        out.push('\n');
    }
    out
}

/// A diagnostic as machines read it, with one-based lines and columns.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: String,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub span: JsonSpan,
    pub label: &'a str,
    pub help: &'a str,
    pub related: Vec<JsonLabel<'a>>,
}

#[derive(Debug, Serialize)]
pub struct JsonSpan {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub span: JsonSpan,
    pub label: &'a str,
}

pub fn to_json<'a>(diagnostic: &'a Diagnostic, sources: &'a SourceMap) -> JsonDiagnostic<'a> {
    let file = sources.get(diagnostic.primary.span.file);
    let range = diagnostic.primary.span.range();
    let (line, column) = file.line_col(range.start);
    let (end_line, end_column) = file.line_col(range.end);
    JsonDiagnostic {
        code: diagnostic.code.to_string(),
        severity: diagnostic.severity(),
        message: &diagnostic.message,
        file: &file.name,
        line,
        column,
        end_line,
        end_column,
        span: JsonSpan {
            start: range.start,
            end: range.end,
        },
        label: &diagnostic.primary.text,
        help: &diagnostic.help,
        related: diagnostic
            .related
            .iter()
            .map(|label| {
                let file = sources.get(label.span.file);
                let (line, column) = file.line_col(label.span.range().start);
                JsonLabel {
                    file: &file.name,
                    line,
                    column,
                    span: JsonSpan {
                        start: label.span.range().start,
                        end: label.span.range().end,
                    },
                    label: &label.text,
                }
            })
            .collect(),
    }
}

/// `{"diagnostics": [...], "errors": N, "warnings": N}` as one pretty JSON document.
pub fn json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let text = serde_json::to_string_pretty(&json_value(diagnostics, sources))
        .expect("diagnostics serialise");
    crate::escape::json(&text).into_owned() + "\n"
}

/// The document [`json`] prints, as a value, for commands that add their own fields to it.
pub fn json_value(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let items: Vec<_> = diagnostics.iter().map(|d| to_json(d, sources)).collect();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    serde_json::json!({
        "diagnostics": items,
        "errors": errors,
        "warnings": diagnostics.len() - errors,
    })
}

/// Adapts a [`Diagnostic`] to miette. Labels in the primary span's file are drawn on its
/// source; labels in other files (a scenario pointing back at the plan) become related reports.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    file: FileId,
    /// The file's text with hidden characters in visible form ([`crate::escape`]): a plan
    /// holding ESC or a right-to-left override cannot drive the terminal through a snippet.
    source: NamedSource<String>,
    offsets: TerminalText,
    others: Vec<Report<'a>>,
    labels: Vec<&'a Label>,
    is_child: bool,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &SourceMap) -> Self {
        let file = diagnostic.primary.span.file;
        let mut others: Vec<Report<'a>> = Vec::new();
        for label in &diagnostic.related {
            if label.span.file == file {
                continue;
            }
            if let Some(child) = others.iter_mut().find(|r| r.file == label.span.file) {
                child.labels.push(label);
            } else {
                others.push(Report::child(diagnostic, label, sources));
            }
        }
        let labels = std::iter::once(&diagnostic.primary)
            .chain(diagnostic.related.iter().filter(|l| l.span.file == file))
            .collect();
        let (source, offsets) = named(sources, file);
        Report {
            diagnostic,
            file,
            source,
            offsets,
            others,
            labels,
            is_child: false,
        }
    }

    fn child(diagnostic: &'a Diagnostic, label: &'a Label, sources: &SourceMap) -> Self {
        let file = label.span.file;
        let (source, offsets) = named(sources, file);
        Report {
            diagnostic,
            file,
            source,
            offsets,
            others: Vec::new(),
            labels: vec![label],
            is_child: true,
        }
    }
}

fn named(sources: &SourceMap, file: FileId) -> (NamedSource<String>, TerminalText) {
    let source = sources.get(file);
    let text = TerminalText::new(&source.text);
    let named = NamedSource::new(one_line(&source.name), text.text.clone());
    (named, text)
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_child {
            f.write_str("related location")
        } else {
            f.write_str(&terminal(&self.diagnostic.message))
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        (!self.is_child).then(|| Box::new(self.diagnostic.code) as Box<dyn std::fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity() {
            Severity::Error if !self.is_child => miette::Severity::Error,
            Severity::Error | Severity::Warning if self.is_child => miette::Severity::Advice,
            _ => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        (!self.is_child && !self.diagnostic.help.is_empty())
            .then(|| Box::new(terminal(&self.diagnostic.help)) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = if self.is_child {
            None
        } else {
            Some(&self.diagnostic.primary)
        };
        Some(Box::new(self.labels.iter().map(move |label| {
            let range = label.span.range();
            let range = self.offsets.offset(range.start)..self.offsets.offset(range.end);
            let text = Some(one_line(&label.text).into_owned()).filter(|t| !t.is_empty());
            if primary.is_some_and(|p| std::ptr::eq(p, *label)) {
                LabeledSpan::new_primary_with_span(text, range)
            } else {
                LabeledSpan::new_with_span(text, range)
            }
        })))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        (!self.others.is_empty())
            .then(|| Box::new(self.others.iter().map(|r| r as &dyn miette::Diagnostic)) as Box<_>)
    }
}
