//! The diff for people at a terminal: a summary, each group of changes with `+`, `-`, `~`
//! markers, then the risks. ANSI colours only when asked (the CLI asks on a terminal).

use std::fmt::Write as _;

use super::{Change, PlanDiff, Scope};
use crate::escape::one_line;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Paint(bool);

impl Paint {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

pub fn render(d: &PlanDiff, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {}",
        p.paint(BOLD, "rollplan diff:"),
        one_line(&d.old.label),
        one_line(&d.new.label)
    );
    let _ = writeln!(
        out,
        "  check: old {}, new {}",
        one_line(&d.old.check.describe()),
        one_line(&d.new.check.describe())
    );
    if d.undated {
        out.push_str("  neither plan states a start: dates count from 2000-01-03\n");
    }
    if d.is_empty() {
        out.push_str("  no semantic change\n");
        return out;
    }
    let risky = d.risks().count();
    let _ = writeln!(
        out,
        "  {} change{}, {}",
        d.changes.len(),
        if d.changes.len() == 1 { "" } else { "s" },
        if risky == 0 {
            "none risky".to_owned()
        } else {
            p.paint(BOLD_RED, &format!("{risky} risky"))
        }
    );
    for (scope, changes) in d.groups() {
        out.push('\n');
        let heading = match scope {
            Scope::Plan => "plan".to_owned(),
            Scope::Phase(id) => format!("phase `{}`", one_line(id)),
        };
        let _ = writeln!(out, "{}", p.paint(BOLD, &heading));
        for c in changes {
            let style = match c.kind.sign() {
                '+' => GREEN,
                '-' => RED,
                _ => YELLOW,
            };
            let mut line = format!(
                "  {} {}",
                p.paint(style, &c.kind.sign().to_string()),
                describe(c)
            );
            if let Some(r) = c.risk {
                let _ = write!(
                    line,
                    "  {}",
                    p.paint(BOLD_RED, &format!("[risk: {}]", r.title()))
                );
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if risky > 0 {
        let _ = writeln!(out, "\n{}", p.paint(BOLD_RED, &format!("risks ({risky}):")));
        for c in d.risks() {
            let r = c.risk.map(super::Risk::name).unwrap_or_default();
            let place = match &c.scope {
                Scope::Plan => "plan".to_owned(),
                Scope::Phase(id) => format!("phase `{id}`"),
            };
            let _ = writeln!(out, "  {r}: {place}: {}", describe(c));
        }
    }
    if d.old.check != d.new.check && !d.new.check.messages.is_empty() {
        let _ = writeln!(
            out,
            "\ncheck on the new plan: {}",
            one_line(&d.new.check.describe())
        );
        for m in &d.new.check.messages {
            let _ = writeln!(out, "  {}", one_line(m));
        }
    }
    out
}

/// `subject: old -> new (note)`, or `subject: value` for an addition or removal, on one line
/// whatever the plans' texts hold: hidden characters and line breaks in visible form, so that
/// a title cannot draw on the terminal or forge a line of the report.
pub(super) fn describe(c: &Change) -> String {
    one_line(&describe_raw(c)).into_owned()
}

fn describe_raw(c: &Change) -> String {
    let mut s = match (&c.old, &c.new) {
        (Some(a), Some(b)) => format!("{}: {a} → {b}", c.subject),
        (Some(v), None) | (None, Some(v)) => format!("{}: {v}", c.subject),
        (None, None) => c.subject.clone(),
    };
    if let Some(n) = &c.note {
        let _ = write!(s, " ({n})");
    }
    s
}
