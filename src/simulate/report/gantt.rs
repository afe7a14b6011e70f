//! The Gantt chart drawn in the terminal: one row per phase visit on a date axis, with a
//! different glyph for each kind of stretch so extensions and rollbacks stand out.

use std::fmt::Write as _;

use super::{RunReport, exposure_label, exposures, visit_label};
use crate::simulate::whatif::{Outcome, PieceKind};

/// Widest chart, in columns, before days are grouped into one column.
const MAX_COLUMNS: i64 = 84;

const PLANNED: char = '█';
const EXTENSION: char = '▓';
const INCONCLUSIVE: char = '▒';
const WAIT: char = '░';
const WAITED: char = '·';
const ROLLBACK: char = '↺';
const ONGOING: char = '▶';
const FROZEN: char = '×';

pub fn gantt(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let visits = &r.run.visits;
    let (last_day, open) = r.extent();
    // Leave room for a stub showing that an indefinite phase goes on.
    let edge = if open {
        last_day + (last_day / 8).max(4)
    } else {
        last_day.max(1)
    };
    let scale = (edge + MAX_COLUMNS - 1) / MAX_COLUMNS;
    let scale = scale.max(1);
    let columns = usize::try_from(edge / scale + 1).unwrap_or(1);
    let col = |day: i64| usize::try_from(day.max(0) / scale).unwrap_or(0);
    let labels: Vec<String> = visits
        .iter()
        .map(|v| visit_label(plan, v.phase, v.number))
        .chain(std::iter::once("freeze".to_owned()))
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);

    let exposures = exposures(plan);
    let mut out = String::new();
    out.push_str(&axis(r, columns, scale, width));
    for (v, label) in visits.iter().zip(&labels) {
        let mut row = vec![' '; columns + 1];
        for day in (v.start - v.waited)..v.start {
            row[col(day)] = WAITED;
        }
        for piece in &v.pieces {
            let glyph = match piece.kind {
                PieceKind::Planned => PLANNED,
                PieceKind::Extension => EXTENSION,
                PieceKind::InconclusiveExtension => INCONCLUSIVE,
                PieceKind::Wait => WAIT,
            };
            for day in piece.from..piece.to.unwrap_or(edge) {
                row[col(day)] = glyph;
            }
            if piece.to.is_none() {
                row[col(edge)] = ONGOING;
            }
        }
        if let (Outcome::RolledBack(_), Some(end)) = (v.outcome, v.end) {
            row[col(end).min(columns)] = ROLLBACK;
        }
        // A plan with shares labels each row with who is exposed, after its bar.
        let exposed = exposure_label(plan, &exposures, v.phase);
        let bar = row.iter().collect::<String>();
        let exposed = crate::escape::one_line(&exposed);
        let line = format!("  {label:width$}  {}  {exposed}", bar.trim_end());
        let _ = writeln!(out, "{}", line.trim_end());
    }
    // Freeze windows get a row of their own, under the phases, when one falls in the chart.
    let mut frozen = vec![' '; columns + 1];
    for day in 0..=edge {
        if r.clock.frozen(day).is_some() {
            frozen[col(day)] = FROZEN;
        }
    }
    if frozen.contains(&FROZEN) {
        let _ = writeln!(
            out,
            "  {:width$}  {}",
            "freeze",
            frozen.iter().collect::<String>().trim_end()
        );
    }
    let day_text = if scale == 1 {
        "one column per day".to_owned()
    } else {
        format!("one column per {scale} days")
    };
    let _ = writeln!(
        out,
        "  {PLANNED} planned  {EXTENSION} extension (failed gate)  {INCONCLUSIVE} extension (inconclusive)  {WAIT} wait (inconclusive)\n  {WAITED} waiting for a freeze window or working day  {ROLLBACK} rolled back  {FROZEN} freeze window  {ONGOING} goes on; {day_text}"
    );
    out
}

/// The date axis: a date every seven columns, with tick marks under it.
fn axis(r: &RunReport<'_>, columns: usize, scale: i64, width: usize) -> String {
    let mut out = String::new();
    let mut axis = vec![' '; columns + 6];
    let mut ticks = vec![' '; columns + 1];
    let mut c = 0;
    while c < columns {
        let date = r.clock.date(i64::try_from(c).unwrap_or(0) * scale);
        let text = format!("{:02}-{:02}", date.month(), date.day());
        for (i, ch) in text.chars().enumerate() {
            if let Some(slot) = axis.get_mut(c + i) {
                *slot = ch;
            }
        }
        ticks[c] = '|';
        c += 7;
    }
    let _ = writeln!(
        out,
        "  {:width$}  {}",
        "",
        axis.iter().collect::<String>().trim_end()
    );
    let _ = writeln!(
        out,
        "  {:width$}  {}",
        "",
        ticks.iter().collect::<String>().trim_end()
    );
    out
}
