//! The diff as a pull-request comment (GitHub-flavoured Markdown): the summary and the risky
//! changes first, then a table per group of changes in collapsible `<details>`, and the planned
//! timeline of both plans as a Mermaid Gantt chart. GitHub refuses comments over 65,536
//! characters, so the sections after the summary are added only while they fit; what is left
//! out is named in the summary.

use std::fmt::Write as _;

use super::{Change, PlanDiff, Scope, SideSummary};

/// GitHub's limit on the body of an issue or pull-request comment.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// The risky changes listed in the summary; the rest are counted.
const MAX_LISTED_RISKS: usize = 50;
/// Longer values are cut in tables, so one long description cannot crowd out the rest.
const MAX_CELL_CHARS: usize = 200;
/// Plans with more phases than this get no Gantt chart (Mermaid would not lay it out legibly).
const MAX_GANTT_PHASES: usize = 100;
/// Room kept for the note that says sections were cut.
const NOTE_RESERVE: usize = 400;

/// The comment, at most [`GITHUB_COMMENT_LIMIT`] bytes (so at most as many characters).
pub fn render(d: &PlanDiff) -> String {
    render_within(d, GITHUB_COMMENT_LIMIT)
}

/// The comment, at most `limit` bytes.
pub fn render_within(d: &PlanDiff, limit: usize) -> String {
    let head = head(d);
    let sections = sections(d);
    let total = sections.len();
    let mut body = String::new();
    let mut kept = 0;
    for s in &sections {
        if head.len() + body.len() + s.len() + NOTE_RESERVE > limit {
            break;
        }
        body.push_str(s);
        kept += 1;
    }
    let mut out = head;
    if kept < total {
        let _ = writeln!(
            out,
            "> [!NOTE]\n> This comment was cut to fit GitHub's {GITHUB_COMMENT_LIMIT}-character limit: {} of {total} detail sections are left out. Run `rollplan diff` locally for the full diff.\n",
            total - kept
        );
    }
    out.push_str(&body);
    if out.len() > limit {
        // Only a pathological summary gets here; cut it at a character boundary.
        let mut end = limit;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

fn head(d: &PlanDiff) -> String {
    let mut out = format!("## rollplan diff: `{}`\n\n", cell(&d.new.plan));
    if d.is_empty() {
        let _ = writeln!(
            out,
            "**No semantic change** between `{}` and `{}`.\n",
            cell(&d.old.label),
            cell(&d.new.label)
        );
    } else {
        let risky = d.risks().count();
        let risk_text = if risky == 0 {
            "none risky".to_owned()
        } else {
            format!("⚠️ {risky} risky")
        };
        let _ = write!(
            out,
            "**{} semantic change{}, {risk_text}**",
            d.changes.len(),
            if d.changes.len() == 1 { "" } else { "s" }
        );
        if let (Some(a), Some(b), Some(minutes)) = (
            d.old.completion,
            d.new.completion,
            d.completion_shift_minutes(),
        ) {
            if minutes != 0 {
                let _ = write!(
                    out,
                    " · completion {a} → {b} ({})",
                    super::text::shift(minutes)
                );
            }
        }
        out.push_str("\n\n");
    }
    out.push_str("| | plan | check | completion |\n|---|---|---|---|\n");
    for (which, s) in [("old", &d.old), ("new", &d.new)] {
        let _ = writeln!(
            out,
            "| {which} | `{}` | {} {} | {} |",
            cell(&s.label),
            if s.check.passes() { "✅" } else { "❌" },
            s.check.describe(),
            s.completion.map_or("—".to_owned(), |c| c.to_string()),
        );
    }
    if d.undated {
        out.push_str("\nNeither plan states a start, so dates count from 2000-01-03.\n");
    }
    out.push('\n');
    let risks: Vec<&Change> = d.risks().collect();
    if !risks.is_empty() {
        out.push_str("### ⚠️ Risky changes\n\n");
        for c in risks.iter().take(MAX_LISTED_RISKS) {
            let _ = writeln!(
                out,
                "- **{}** · {}: {}",
                c.risk.map(super::Risk::title).unwrap_or_default(),
                place(&c.scope),
                line(c)
            );
        }
        if risks.len() > MAX_LISTED_RISKS {
            let _ = writeln!(out, "- … and {} more", risks.len() - MAX_LISTED_RISKS);
        }
        out.push('\n');
    }
    out
}

/// The sections after the summary, in order; each is whole or left out.
fn sections(d: &PlanDiff) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(g) = gantt(&d.old, &d.new) {
        out.push(g);
    }
    for (scope, changes) in d.groups() {
        out.push(table(scope, changes));
    }
    if d.old.check != d.new.check && !d.new.check.messages.is_empty() {
        let mut s = format!(
            "<details{}><summary><b><code>check</code> on the new plan</b>: {}</summary>\n\n",
            if d.new.check.passes() { "" } else { " open" },
            d.new.check.describe()
        );
        for m in &d.new.check.messages {
            let _ = writeln!(s, "- {}", cell(m));
        }
        s.push_str("\n</details>\n\n");
        out.push(s);
    }
    out
}

fn table(scope: &Scope, changes: &[Change]) -> String {
    let risky = changes.iter().filter(|c| c.risk.is_some()).count();
    let title = match scope {
        Scope::Plan => "plan-wide".to_owned(),
        Scope::Phase(id) => format!("phase <code>{}</code>", html(id)),
    };
    let mut s = format!(
        "<details open><summary><b>{title}</b>: {} change{}{}</summary>\n\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        if risky == 0 {
            String::new()
        } else {
            format!(", {risky} risky")
        }
    );
    s.push_str("| | change | old | new | note |\n|---|---|---|---|---|\n");
    for c in changes {
        let value = |v: &Option<String>| {
            v.as_ref()
                .map_or(String::new(), |v| format!("`{}`", code(v)))
        };
        let mut note = c.note.as_deref().map(cell).unwrap_or_default();
        if let Some(r) = c.risk {
            if !note.is_empty() {
                note.push_str("; ");
            }
            let _ = write!(note, "⚠️ **{}**", r.title());
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {note} |",
            sign(c),
            cell(&c.subject),
            value(&c.old),
            value(&c.new)
        );
    }
    s.push_str("\n</details>\n\n");
    s
}

fn gantt(old: &SideSummary, new: &SideSummary) -> Option<String> {
    if old.windows == new.windows
        || old.windows.len() > MAX_GANTT_PHASES
        || new.windows.len() > MAX_GANTT_PHASES
    {
        return None;
    }
    // Times inside a day are charted to the minute (UTC); whole days as dates.
    let timed = [old, new]
        .iter()
        .flat_map(|side| &side.windows)
        .any(|(_, start, end)| !start.is_midnight() || end.is_some_and(|e| !e.is_midnight()));
    let (format, at): (&str, fn(&crate::model::Moment) -> String) = if timed {
        ("YYYY-MM-DD HH:mm", |m| m.human())
    } else {
        ("YYYY-MM-DD", |m| m.date().to_string())
    };
    let mut s = format!(
        "<details open><summary><b>Planned timeline</b>: old and new</summary>\n\n```mermaid\ngantt\n    dateFormat {format}\n    axisFormat %b %d\n",
    );
    for (which, prefix, side) in [("old", 'o', old), ("new", 'n', new)] {
        let _ = writeln!(s, "    section {which}");
        for (i, (id, start, end)) in side.windows.iter().enumerate() {
            let start = at(start);
            match end {
                Some(e) => {
                    let _ = writeln!(s, "    {id} :{prefix}{i}, {start}, {}", at(e));
                }
                None => {
                    let _ = writeln!(s, "    {id} :milestone, {prefix}{i}, {start}, 0d");
                }
            }
        }
    }
    s.push_str("```\n\n</details>\n\n");
    Some(s)
}

fn place(scope: &Scope) -> String {
    match scope {
        Scope::Plan => "plan".to_owned(),
        Scope::Phase(id) => format!("phase `{}`", code(id)),
    }
}

fn sign(c: &Change) -> &'static str {
    match c.kind.sign() {
        '+' => "➕",
        '-' => "➖",
        _ => "✏️",
    }
}

/// One change on one line, values in code spans.
fn line(c: &Change) -> String {
    let mut s = match (&c.old, &c.new) {
        (Some(a), Some(b)) => format!("{} `{}` → `{}`", cell(&c.subject), code(a), code(b)),
        (Some(v), None) | (None, Some(v)) => format!("{} `{}`", cell(&c.subject), code(v)),
        (None, None) => cell(&c.subject),
    };
    if let Some(n) = &c.note {
        let _ = write!(s, " ({})", cell(n));
    }
    s
}

/// Text for a table cell: one line, pipes escaped, at most [`MAX_CELL_CHARS`] characters.
fn cell(text: &str) -> String {
    // Hidden characters (ESC, bidirectional overrides) in visible form first: a pull-request
    // comment is read on terminals and in logs too.
    let mut s: String = crate::escape::terminal(text)
        .chars()
        .take(MAX_CELL_CHARS)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    if text.chars().count() > MAX_CELL_CHARS {
        s.push('…');
    }
    s.replace('|', "\\|")
}

/// Text for inside a code span: as [`cell`], with backticks made quotes (a code span cannot
/// hold its own delimiter).
fn code(text: &str) -> String {
    cell(text).replace('`', "'")
}

fn html(text: &str) -> String {
    crate::escape::terminal(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
