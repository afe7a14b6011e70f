//! `rollplan lsp`: a language server over stdio, a thin adapter over the one compile pipeline
//! ([`crate::compile`]). Each open plan is compiled on open and on every change; requests are
//! answered from that compilation and a name index of what parsed. Positions are converted at
//! this edge (LSP counts UTF-16 units per line); nothing below knows about editors.
//!
//! The server is synchronous: one thread reads messages, compiles and answers in order, which is
//! all a server for one file type whose compile takes milliseconds needs (`lsp-server` and
//! `lsp-types`, the stack rust-analyzer is built on, without an async runtime).

mod complete;
mod diagnostics;
mod document;
mod edit;
mod hover;
mod index;
mod keywords;
mod symbols;

use std::collections::HashMap;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, GotoDefinitionResponse, Hover, HoverContents,
    HoverProviderCapability, Location, MarkupContent, MarkupKind, OneOf, PositionEncodingKind,
    PrepareRenameResponse, PublishDiagnosticsParams, RenameOptions, ServerCapabilities,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};

pub use document::Document;

/// Runs the server on stdin and stdout until the client says `exit`.
pub fn serve() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection
        .initialize(capabilities)
        .map_err(|e| format!("initialize failed: {e}"))?;
    Server::default().run(&connection)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "=".into(), "[".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

#[derive(Default)]
struct Server {
    documents: HashMap<Uri, Document>,
}

/// A request's answer: its result, or an error code and message.
type Answer = Result<serde_json::Value, (ErrorCode, String)>;

impl Server {
    fn run(&mut self, connection: &Connection) -> Result<(), String> {
        for message in &connection.receiver {
            match message {
                Message::Request(request) => {
                    if connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    let id = request.id.clone();
                    let response = match self.request(request) {
                        Ok(result) => Response::new_ok(id, result),
                        Err((code, message)) => Response::new_err(id, code as i32, message),
                    };
                    send(connection, response.into())?;
                }
                Message::Notification(n) => {
                    if let Some(uri) = self.notification(n) {
                        self.publish(connection, &uri)?;
                    }
                }
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    /// Applies a notification; returns the document whose diagnostics changed.
    fn notification(&mut self, n: Notification) -> Option<Uri> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                let uri = p.text_document.uri;
                self.documents.insert(
                    uri.clone(),
                    Document::new(uri.clone(), p.text_document.text),
                );
                Some(uri)
            }
            DidChangeTextDocument::METHOD => {
                let p: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                // Full synchronisation: the last change holds the whole text.
                let text = p.content_changes.into_iter().last()?.text;
                let uri = p.text_document.uri;
                self.documents
                    .insert(uri.clone(), Document::new(uri.clone(), text));
                Some(uri)
            }
            DidCloseTextDocument::METHOD => {
                let p: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                self.documents.remove(&p.text_document.uri);
                None
            }
            _ => None,
        }
    }

    fn publish(&self, connection: &Connection, uri: &Uri) -> Result<(), String> {
        let Some(doc) = self.documents.get(uri) else {
            return Ok(());
        };
        let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics::of(doc), None);
        send(
            connection,
            Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into(),
        )
    }

    fn request(&self, request: Request) -> Answer {
        let params = request.params;
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(params)?;
                let (doc, offset) = self.at(&p.text_document_position_params)?;
                let hover = doc.index.at(offset).and_then(|o| {
                    let text =
                        hover::hover(&doc.index, doc.compilation.plan.as_ref(), o.kind, &o.name)?;
                    Some(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: text,
                        }),
                        range: Some(doc.range(o.range.clone())),
                    })
                });
                json(hover)
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = parse(params)?;
                let (doc, offset) = self.at(&p.text_document_position_params)?;
                let target = doc
                    .index
                    .at(offset)
                    .and_then(|o| doc.index.declaration(o.kind, &o.name))
                    .map(|d| {
                        GotoDefinitionResponse::Scalar(Location::new(
                            doc.uri.clone(),
                            doc.range(d.name_range.clone()),
                        ))
                    });
                json(target)
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = parse(params)?;
                let (doc, offset) = self.at(&p.text_document_position)?;
                let locations: Option<Vec<Location>> = doc.index.at(offset).map(|o| {
                    let declared = doc
                        .index
                        .declaration(o.kind, &o.name)
                        .map(|d| d.name_range.start);
                    doc.index
                        .occurrences_of(o.kind, &o.name)
                        .filter(|x| {
                            p.context.include_declaration || Some(x.range.start) != declared
                        })
                        .map(|x| Location::new(doc.uri.clone(), doc.range(x.range.clone())))
                        .collect()
                });
                json(locations)
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse(params)?;
                let (doc, offset) = self.at(&p.text_document_position)?;
                json(complete::complete(doc, offset))
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = parse(params)?;
                let doc = self.document(&p.text_document.uri)?;
                edit::format(doc)
                    .map_err(|m| (ErrorCode::RequestFailed, m))
                    .and_then(json)
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse(params)?;
                let doc = self.document(&p.text_document.uri)?;
                json(lsp_types::DocumentSymbolResponse::Nested(symbols::outline(
                    doc,
                )))
            }
            PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                let (doc, offset) = self.at(&p)?;
                json(
                    edit::prepare_rename(doc, offset).map(|(range, placeholder)| {
                        PrepareRenameResponse::RangeWithPlaceholder { range, placeholder }
                    }),
                )
            }
            Rename::METHOD => {
                let p: lsp_types::RenameParams = parse(params)?;
                let (doc, offset) = self.at(&p.text_document_position)?;
                edit::rename(doc, offset, &p.new_name)
                    .map_err(|m| (ErrorCode::RequestFailed, m))
                    .and_then(json)
            }
            CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(params)?;
                let doc = self.document(&p.text_document.uri)?;
                let range = doc.offset(p.range.start)..doc.offset(p.range.end);
                json(edit::code_actions(doc, range))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{other}`"),
            )),
        }
    }

    fn document(&self, uri: &Uri) -> Result<&Document, (ErrorCode, String)> {
        self.documents.get(uri).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            )
        })
    }

    fn at(
        &self,
        p: &TextDocumentPositionParams,
    ) -> Result<(&Document, usize), (ErrorCode, String)> {
        let doc = self.document(&p.text_document.uri)?;
        Ok((doc, doc.offset(p.position)))
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    params: serde_json::Value,
) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|e| format!("the client has gone: {e}"))
}

/// Compiles `text` as the server does on open or on a change (for benchmarks and tests of the
/// server's work without a client); `None` when `uri` is not a URI.
pub fn open(uri: &str, text: String) -> Option<Document> {
    Some(Document::new(uri.parse().ok()?, text))
}

/// The diagnostics the server publishes for `doc`.
pub fn diagnostics_of(doc: &Document) -> Vec<lsp_types::Diagnostic> {
    diagnostics::of(doc)
}

/// The hover text at `position`, as the server answers it.
pub fn hover_at(doc: &Document, position: lsp_types::Position) -> Option<String> {
    let o = doc.index.at(doc.offset(position))?;
    hover::hover(&doc.index, doc.compilation.plan.as_ref(), o.kind, &o.name)
}

/// The completion labels at `position`, as the server answers them.
pub fn complete_at(doc: &Document, position: lsp_types::Position) -> Vec<String> {
    complete::complete(doc, doc.offset(position))
        .into_iter()
        .map(|i| i.label)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every request on prefixes of a real plan (an editor sees each of them while the plan is
    /// typed) answers without panicking at every position, and every declaration that parsed
    /// has a hover and a place in the outline.
    #[test]
    fn no_request_panics_on_a_half_typed_plan() {
        let plan = include_str!("../../plans/entity.roll");
        let cuts = (0..plan.len())
            .step_by(211)
            .filter(|&i| plan.is_char_boundary(i));
        for cut in cuts {
            let doc = open("file:///entity.roll", plan[..cut].to_owned()).expect("a URI");
            let _ = diagnostics_of(&doc);
            let _ = edit::format(&doc);
            // Whatever parsed hovers, whether or not the plan resolves.
            for d in &doc.index.declarations {
                let at = doc.position(d.name_range.start);
                assert!(
                    hover_at(&doc, at).is_some(),
                    "no hover on `{}` at {cut}",
                    d.name
                );
            }
            assert_eq!(symbols::outline(&doc).len(), doc.index.declarations.len());
            for offset in (0..=cut).step_by(13) {
                let position = doc.position(offset);
                let _ = hover_at(&doc, position);
                let _ = complete_at(&doc, position);
                let _ = edit::prepare_rename(&doc, offset);
                let _ = edit::rename(&doc, offset, "renamed");
                let _ = edit::code_actions(&doc, offset..offset);
            }
        }
    }
}
