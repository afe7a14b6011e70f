//! The one compile pipeline: parse → resolve → analyse, for every command and the language
//! server. [`compilation`] returns everything it found in one [`Compilation`]; `check`, `diff`,
//! `graph` and `lsp` each take what they need from it, so the stages are run (and the syntax
//! tree freed) in one place.
//!
//! A text with a syntax error in one item is still resolved: the items that parsed are bound
//! and checked, so an editor shows their problems, hovers and completions while one item is
//! half-typed. What the broken items declared is unknown, so "undefined" errors for names
//! written in a broken item are left out (they would be cascades, not findings), as are "no
//! plan header" and "no phases". Such a plan is not analysed: with items missing, its states
//! are not the ones the author wrote.

use crate::analysis::{self, Analysis};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, Plan};
use crate::source::{SourceFile, Span};
use crate::syntax::{self, ast};

/// Everything the pipeline found in one plan text.
#[derive(Debug)]
pub struct Compilation {
    /// The resolved plan: `None` when resolution reported an error.
    pub plan: Option<Plan>,
    /// The analysis of [`Compilation::plan`]; `None` without a plan or after a syntax error.
    pub analysis: Option<Analysis>,
    /// Every diagnostic in pipeline order: syntax, resolution, analysis.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the items that did not parse are (empty when the text parsed).
    pub broken: Vec<Span>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles one plan text. See the module documentation for a text with syntax errors.
pub fn compilation(source: &SourceFile) -> Compilation {
    compilation_inspecting(source, |_| ()).0
}

/// [`compilation`], also handing the syntax tree (what parsed of it) to `inspect` before it is
/// freed: the language server indexes names and spans from it.
pub fn compilation_inspecting<T>(
    source: &SourceFile,
    inspect: impl FnOnce(&ast::File<'_>) -> T,
) -> (Compilation, T) {
    let parsed = syntax::parse_recovering(source);
    let inspected = inspect(&parsed.file);
    let (plan, resolved) = model::resolve(&parsed.file, source);
    // The plan owns what it needs: free the syntax tree before analysis, which is where memory
    // peaks.
    drop(parsed.file);
    let mut diagnostics = parsed.errors;
    let broken = parsed.broken;
    if broken.is_empty() {
        diagnostics.extend(resolved);
    } else {
        let unknown = BrokenNames::new(source, &broken);
        diagnostics.extend(
            resolved
                .into_iter()
                .filter(|d| !unknown.explains(source, d)),
        );
    }
    let analysis = plan
        .as_ref()
        .filter(|_| broken.is_empty())
        .map(analysis::analyse);
    if let Some(analysis) = &analysis {
        diagnostics.extend(analysis.diagnostics.iter().cloned());
    }
    (
        Compilation {
            plan,
            analysis,
            diagnostics,
            broken,
        },
        inspected,
    )
}

/// The words written in the items that did not parse: what those items may have declared.
struct BrokenNames<'s> {
    words: std::collections::HashSet<&'s str>,
}

impl<'s> BrokenNames<'s> {
    fn new(source: &'s SourceFile, broken: &[Span]) -> Self {
        let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-');
        let words = broken
            .iter()
            .flat_map(|span| source.slice(*span).split(|c: char| !is_name(c)))
            .filter(|w| !w.is_empty())
            .collect();
        BrokenNames { words }
    }

    /// Whether `d` may be a consequence of the broken items rather than a finding: a name that
    /// a broken item may declare, or a plan part that a broken item may hold.
    fn explains(&self, source: &SourceFile, d: &Diagnostic) -> bool {
        match d.code {
            Code::UndefinedFlag
            | Code::UndefinedMetric
            | Code::UndefinedAttribute
            | Code::UndefinedPhase => self.words.contains(source.slice(d.primary.span)),
            Code::PlanHeader | Code::NoPhases => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn compile(text: &str) -> (SourceFile, Compilation) {
        let source = SourceFile::new(FileId(0), "t.roll", text);
        let compiled = compilation(&source);
        (source, compiled)
    }

    fn codes(c: &Compilation) -> Vec<&'static str> {
        c.diagnostics.iter().map(|d| d.code.name()).collect()
    }

    const HEAD: &str = "plan x { title \"X\" }\n";

    #[test]
    fn a_broken_declaration_does_not_make_its_uses_undefined() {
        let text = format!(
            "{HEAD}flag a: bool = false\nflag b: = true\nphase p \"P\" {{\n  duration 1w\n  set a = true\n  set b = false\n}}\n"
        );
        let (_, c) = compile(&text);
        assert_eq!(codes(&c), ["syntax_error"]);
        // The left-out error still keeps the resolver from building a plan.
        assert!(c.plan.is_none() && c.analysis.is_none());
    }

    #[test]
    fn a_partial_plan_without_cascades_resolves_but_is_not_analysed() {
        let text = format!(
            "{HEAD}flag a: bool = false\nflag b: = true\nphase p \"P\" {{\n  duration 1w\n  set a = true\n}}\n"
        );
        let (_, c) = compile(&text);
        assert_eq!(codes(&c), ["syntax_error"]);
        assert_eq!(c.plan.expect("what parsed resolves").flags.len(), 1);
        assert!(c.analysis.is_none(), "a partial plan is not analysed");
    }

    #[test]
    fn other_items_are_still_checked() {
        let text = format!(
            "{HEAD}flag a: bool = false\nflag b: = true\nphase p \"P\" {{\n  duration 1w\n  set a = 3\n  set zz = true\n}}\n"
        );
        let (source, c) = compile(&text);
        assert_eq!(
            codes(&c),
            ["syntax_error", "type_mismatch", "undefined_flag"]
        );
        let undefined = &c.diagnostics[2];
        assert_eq!(source.slice(undefined.primary.span), "zz");
    }

    #[test]
    fn a_broken_phase_hides_no_phases_and_its_rollback_target() {
        let text = format!(
            "{HEAD}flag a: bool = false\nphase p \"P\" {{\n  duration 1w oops\n}}\nphase q \"Q\" {{\n  duration 1w\n  set a = true\n  on_fail rollback p\n}}\n"
        );
        let (_, c) = compile(&text);
        assert_eq!(codes(&c), ["syntax_error"]);
    }

    #[test]
    fn a_clean_plan_is_analysed() {
        let text = format!(
            "{HEAD}flag a: bool = false\nphase p \"P\" {{\n  duration 1w\n  set a = true\n}}\n"
        );
        let (_, c) = compile(&text);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        assert!(c.analysis.is_some() && c.broken.is_empty());
    }
}
