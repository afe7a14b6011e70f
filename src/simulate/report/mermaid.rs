//! `--format mermaid`: a Mermaid `gantt` block that GitHub renders in Markdown and PR comments.
//! Planned stretches are plain tasks, extensions after a failure are `crit`, inconclusive
//! extensions and waits are `active`, rollbacks are `crit` milestones, freeze windows `done`.

use std::fmt::Write as _;

use super::{RunReport, exposure_label, exposures};
use crate::model::{DAY_MINUTES, Minutes};
use crate::simulate::whatif::{Outcome, PieceKind};

pub fn run(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let mut out = String::from("```mermaid\ngantt\n");
    let _ = writeln!(
        out,
        "    title {} ({}) from {}",
        clean_title(plan.title.as_deref().unwrap_or(&plan.name)),
        clean_title(&r.mode),
        r.start_heading()
    );
    // A plan with times is charted to the minute (UTC), with lengths in Mermaid's units.
    let (midnight, length): (&str, fn(i64) -> String) = if r.clock.timed {
        out.push_str("    dateFormat YYYY-MM-DD HH:mm\n    axisFormat %m-%d %H:%M\n");
        (" 00:00", |m| {
            Minutes(u64::try_from(m).unwrap_or(0)).to_string()
        })
    } else {
        out.push_str("    dateFormat YYYY-MM-DD\n    axisFormat %b %d\n");
        ("", |m| format!("{}d", m / DAY_MINUTES))
    };
    if !plan.freezes.is_empty() {
        out.push_str("    section freeze\n");
        for (i, f) in plan.freezes.iter().enumerate() {
            let days = crate::simulate::timeline::days_between(f.from, f.to) + 1;
            let _ = writeln!(
                out,
                "    {} :done, freeze{i}, {}{midnight}, {days}d",
                clean(f.reason.as_deref().unwrap_or("freeze")),
                f.from
            );
        }
    }
    let exposures = exposures(plan);
    let mut task = 0;
    for v in &r.run.visits {
        let phase = &plan.phases[v.phase];
        let section = if v.number > 1 {
            format!("{} (visit {})", phase.id, v.number)
        } else {
            phase.id.clone()
        };
        let _ = writeln!(out, "    section {}", clean(&section));
        for piece in &v.pieces {
            task += 1;
            let (name, tag) = match piece.kind {
                // A plan with shares names who is exposed in the phase's planned piece.
                PieceKind::Planned => match exposure_label(plan, &exposures, v.phase) {
                    label if label.is_empty() => (clean(&phase.title), ""),
                    label => (clean(&format!("{} · {label}", phase.title)), ""),
                },
                PieceKind::Extension => ("extension (failed gate)".to_owned(), "crit, "),
                PieceKind::InconclusiveExtension => {
                    ("extension (inconclusive)".to_owned(), "active, ")
                }
                PieceKind::Wait => ("wait (inconclusive)".to_owned(), "active, "),
            };
            match piece.to {
                Some(to) => {
                    let _ = writeln!(
                        out,
                        "    {name} :{tag}t{task}, {}, {}",
                        r.at(piece.from),
                        length(to - piece.from)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    {name} (indefinite) :milestone, t{task}, {}, 0d",
                        r.at(piece.from)
                    );
                }
            }
        }
        if let (Outcome::RolledBack(to), Some(end)) = (v.outcome, v.end) {
            task += 1;
            let _ = writeln!(
                out,
                "    rolled back to {} :crit, milestone, t{task}, {}, 0d",
                clean(plan.target_name(to)),
                r.at(end)
            );
        }
    }
    out.push_str("```\n");
    out
}

/// A title ends at `#`, `;` or a line break; hidden characters take their visible form.
fn clean_title(text: &str) -> String {
    crate::escape::terminal(text)
        .chars()
        .map(|c| {
            if matches!(c, '#' | ';' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Section and task names also end at `:`.
fn clean(text: &str) -> String {
    crate::escape::terminal(text)
        .chars()
        .map(|c| {
            if matches!(c, ':' | '#' | ';' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}
