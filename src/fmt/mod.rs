//! `fmt`: the one canonical layout of a plan, so that a diff of two plans shows what changed in
//! meaning, not in whitespace. This module owns the layout rules (`layout`), how each statement
//! reads on a line (`text`), where comments go (`trivia`) and the guard that refuses any output
//! whose syntax tree or comments differ from the input's (`verify`). It reads the syntax tree
//! only; it must not depend on the resolved model, so plans that do not `check` still format.
//! `docs/fmt.md` describes the layout.

mod layout;
mod text;
mod trivia;
mod verify;

use crate::diagnostic::Errors;
use crate::source::SourceFile;
use crate::syntax;

/// The plan in `source`, in the canonical layout. Fails with the syntax errors of a plan that
/// does not parse, or with a `fmt_changed_meaning` diagnostic if the output would not parse to
/// the same syntax tree with the same comments (a formatter bug: nothing should be written).
pub fn format(source: &SourceFile) -> Result<String, Errors> {
    let ast = syntax::parse(source)?;
    let formatted = layout::print(&ast, source);
    verify::same_meaning(source, &ast, &formatted)?;
    Ok(formatted)
}
