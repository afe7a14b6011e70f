//! Names that become file names: `emit --out` names its files after phase ids
//! (`NN-ID.rollback.launchdarkly.json`) and the checklist after the plan (`00-NAME.md`), and a
//! temporary file adds about 25 bytes to that. Most file systems take 255 bytes per name, so
//! an id longer than [`MAX_FILE_NAME_ID`] would pass `check` and then fail to be written.

use super::Plan;
use crate::diagnostic::problem::NameProblem;
use crate::diagnostic::{Diagnostic, Problem};

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
        .map(|(name, span, what)| {
            NameProblem::NameTooLong {
                what,
                name: name.clone(),
                max: MAX_FILE_NAME_ID,
            }
            .at(span)
        })
        .collect()
}
