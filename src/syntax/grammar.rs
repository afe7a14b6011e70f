//! The pest binding. `Rule` and `Pair` stay inside `syntax/`: later stages see only the AST.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/rollplan.pest"]
pub(super) struct RollplanParser;
