//! The plan's path as generated files record it in their header, so that the same plan gives
//! the same bytes from any working directory (`plan.roll`, `./plan.roll` or an absolute path).

use std::path::{Path, PathBuf};

/// `plan` relative to the root of the repository that holds `anchor` (the output folder, or
/// without one the plan's own folder), with `/` between components, when the plan is inside
/// it; otherwise the plan's file name. Links are resolved on both sides before comparing.
pub fn recorded(plan: &Path, anchor: Option<&Path>) -> String {
    let file_name = || {
        plan.file_name().map_or_else(
            || plan.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let Ok(plan_abs) = std::fs::canonicalize(plan) else {
        return file_name();
    };
    let anchor = match anchor {
        Some(a) => existing_ancestor(a),
        None => plan_abs.parent().map(Path::to_owned),
    };
    let relative = anchor
        .as_deref()
        .and_then(repository_root)
        .and_then(|root| {
            let rel = plan_abs.strip_prefix(root).ok()?;
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Some(parts.join("/"))
        });
    relative.filter(|r| !r.is_empty()).unwrap_or_else(file_name)
}

/// The canonical form of `path`, or of its nearest ancestor that exists (an output folder may
/// not exist yet).
fn existing_ancestor(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    absolute
        .ancestors()
        .find_map(|a| std::fs::canonicalize(a).ok())
}

/// The nearest folder at or above `from` that holds `.git` (a folder, or the file of a
/// worktree or submodule).
fn repository_root(from: &Path) -> Option<&Path> {
    from.ancestors()
        .find(|a| std::fs::symlink_metadata(a.join(".git")).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_inside_a_repository_is_relative_to_its_root_however_it_is_typed() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("plans")).unwrap();
        let plan = repo.join("plans/p.roll");
        std::fs::write(&plan, "").unwrap();
        let out = repo.join("configs/not-yet");
        let dotted = repo.join("plans/./../plans/p.roll");
        for typed in [plan.as_path(), dotted.as_path()] {
            assert_eq!(recorded(typed, Some(&out)), "plans/p.roll");
            assert_eq!(recorded(typed, None), "plans/p.roll");
        }
    }

    #[test]
    fn outside_a_repository_only_the_file_name_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("p.roll");
        std::fs::write(&plan, "").unwrap();
        assert_eq!(recorded(&plan, Some(&dir.path().join("out"))), "p.roll");
        assert_eq!(recorded(&plan, None), "p.roll");
        assert_eq!(recorded(Path::new("missing/q.roll"), None), "q.roll");
    }
}
