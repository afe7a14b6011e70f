//! What changes the text: formatting through `fmt`, renaming a name everywhere it is written,
//! and the code actions a diagnostic's help names.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, WorkspaceEdit};

use super::document::Document;
use super::index::Kind;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::RESERVED_WORDS;

/// The whole-text edit `fmt` makes, or why it refuses (a syntax error, or a change of meaning).
pub(super) fn format(doc: &Document) -> Result<Vec<TextEdit>, String> {
    match crate::fmt::format(&doc.source) {
        Ok(formatted) if formatted == doc.text() => Ok(Vec::new()),
        Ok(formatted) => Ok(vec![TextEdit::new(doc.full_range(), formatted)]),
        Err(errors) => Err(errors.as_slice().first().map_or_else(String::new, |d| {
            format!("fmt refused: {} ({})", d.message, d.code)
        })),
    }
}

/// Kinds that can be renamed: a flag, metric or phase (and an attribute or invariant, which are
/// named the same way).
fn renamable(kind: Kind) -> bool {
    !matches!(kind, Kind::Plan)
}

/// The name at `offset` if it can be renamed: its range and text.
pub(super) fn prepare_rename(doc: &Document, offset: usize) -> Option<(Range, String)> {
    let o = doc.index.at(offset).filter(|o| renamable(o.kind))?;
    doc.index.declaration(o.kind, &o.name)?;
    Some((doc.range(o.range.clone()), o.name.clone()))
}

/// Renames the name at `offset` to `new_name` everywhere in the file.
pub(super) fn rename(
    doc: &Document,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let o = doc
        .index
        .at(offset)
        .filter(|o| renamable(o.kind))
        .ok_or("no flag, attribute, metric, invariant or phase here")?;
    let dotted = matches!(o.kind, Kind::Flag | Kind::Attribute);
    if !is_name(new_name, dotted) {
        return Err(format!(
            "`{new_name}` is not a valid {} name: {}",
            o.kind.word(),
            if dotted {
                "letters, digits, `_` and `-`, in parts joined by `.`, each starting with a letter or `_`"
            } else {
                "letters, digits, `_` and `-`, starting with a letter or `_`"
            }
        ));
    }
    if RESERVED_WORDS.contains(&new_name) || matches!(new_name, "start" | "previous") {
        return Err(format!("`{new_name}` is a reserved word"));
    }
    if doc.index.declaration(o.kind, new_name).is_some() {
        return Err(format!(
            "a {} named `{new_name}` is already declared",
            o.kind.word()
        ));
    }
    let edits = doc
        .index
        .occurrences_of(o.kind, &o.name)
        .map(|x| TextEdit::new(doc.range(x.range.clone()), new_name.to_owned()))
        .collect();
    Ok(WorkspaceEdit::new(HashMap::from([(
        doc.uri.clone(),
        edits,
    )])))
}

fn is_name(name: &str, dotted: bool) -> bool {
    let part_ok = |p: &str| {
        p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            && !p.contains("->")
    };
    if dotted {
        name.split('.').all(part_ok)
    } else {
        part_ok(name)
    }
}

/// The fixes the help lines of diagnostics in `range` name: a did-you-mean candidate, or the
/// declaration to add for an undefined name.
pub(super) fn code_actions(doc: &Document, range: std::ops::Range<usize>) -> Vec<CodeAction> {
    doc.compilation
        .diagnostics
        .iter()
        .filter(|d| {
            let r = d.primary.span.range();
            r.start <= range.end && range.start <= r.end
        })
        .filter_map(|d| action(doc, d))
        .collect()
}

fn action(doc: &Document, d: &Diagnostic) -> Option<CodeAction> {
    let undefined = matches!(
        d.code,
        Code::UndefinedFlag
            | Code::UndefinedMetric
            | Code::UndefinedAttribute
            | Code::UndefinedPhase
    );
    if !undefined {
        return None;
    }
    let (title, edit) = if let Some(candidate) = quoted_after(&d.help, "did you mean ") {
        (
            format!("Replace with `{candidate}`"),
            TextEdit::new(doc.range(d.primary.span.range()), candidate.to_owned()),
        )
    } else if let Some(declaration) =
        quoted_after(&d.help, ": ").filter(|_| d.help.starts_with("declare"))
    {
        let at = declaration_point(doc);
        (
            format!("Declare `{}`", doc.source.slice(d.primary.span)),
            TextEdit::new(doc.range(at..at), format!("{declaration}\n")),
        )
    } else {
        return None;
    };
    let lsp_diagnostic = super::diagnostics::to_lsp(doc, d);
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp_diagnostic]),
        edit: Some(WorkspaceEdit::new(HashMap::from([(
            doc.uri.clone(),
            vec![edit],
        )]))),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// The text in backticks right after `lead` in `help`.
fn quoted_after<'h>(help: &'h str, lead: &str) -> Option<&'h str> {
    let rest = &help[help.find(lead)? + lead.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

/// Where a new declaration goes: before the first phase, or at the end of the text.
fn declaration_point(doc: &Document) -> usize {
    doc.index
        .declared(Kind::Phase)
        .map(|p| p.item_range.start)
        .min()
        .unwrap_or(doc.text().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_before_renaming() {
        assert!(is_name("checkout.v2", true));
        assert!(!is_name("checkout.v2", false));
        assert!(!is_name("2fast", false));
        assert!(!is_name("a b", true));
        assert!(!is_name("", false));
    }

    #[test]
    fn the_quoted_fix_is_read_from_the_help() {
        assert_eq!(
            quoted_after("did you mean `dark`?", "did you mean "),
            Some("dark")
        );
        assert_eq!(
            quoted_after("declare it: `flag x: bool = false \"y\"`", ": "),
            Some("flag x: bool = false \"y\"")
        );
    }
}
