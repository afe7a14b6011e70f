//! Names that become file names: `emit --out` names its files after phase ids
//! (`NN-ID.rollback.launchdarkly.json`) and the checklist after the plan (`00-NAME.md`), and a
//! temporary file adds about 25 bytes to that. Most file systems take 255 bytes per name, so
//! an id longer than [`MAX_FILE_NAME_ID`] would pass `check` and then fail to be written.

use super::Plan;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// The longest phase id or plan name, in bytes (ids are ASCII, so also in characters). The
/// longest name built from one, with its temporary file's prefix and suffix, stays well under
/// 255 bytes.
pub const MAX_FILE_NAME_ID: usize = 128;

/// A `name_too_long` error for the plan name and each phase id over the limit.
pub(super) fn too_long(plan: &Plan) -> Vec<Diagnostic> {
    let plan_name = (&plan.name, plan.header_span, "plan name");
    std::iter::once(plan_name)
        .chain(plan.phases.iter().map(|p| (&p.id, p.span, "phase id")))
        .filter(|(name, ..)| name.len() > MAX_FILE_NAME_ID)
        .map(|(name, span, what)| diagnostic(name, span, what))
        .collect()
}

fn diagnostic(name: &str, span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NameTooLong,
        format!(
            "{what} `{}…` is {} characters long; file names are built from it, so it may have at most {MAX_FILE_NAME_ID}",
            &name[..name.len().min(24)],
            name.len()
        ),
        span,
        "too long for a file name",
    )
    .help(format!(
        "shorten it to {MAX_FILE_NAME_ID} characters or fewer; the title can say the rest"
    ))
}
