//! The Gantt chart drawn in the terminal: one row per phase visit on a date axis, with a
//! different glyph for each kind of stretch so extensions and rollbacks stand out.

use std::fmt::Write as _;

use super::{RunReport, exposure_label, exposures, visit_label};
use crate::model::DAY_MINUTES;
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

/// Column widths a chart with times picks from, in minutes: the first that fits.
const TIMED_SCALES: [i64; 12] = [1, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440];

pub fn gantt(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let visits = &r.run.visits;
    // A plan of whole days is drawn in days, one with times in minutes; `unit` is the minutes
    // of one step of the chart's own count.
    let unit = if r.clock.timed { 1 } else { DAY_MINUTES };
    let (last, open) = r.extent();
    let last = last / unit;
    // Leave room for a stub showing that an indefinite phase goes on.
    let edge = if open {
        last + (last / 8).max(4)
    } else {
        last.max(1)
    };
    let scale = ((edge + MAX_COLUMNS - 1) / MAX_COLUMNS).max(1);
    let scale = if r.clock.timed {
        TIMED_SCALES
            .into_iter()
            .find(|&s| s >= scale)
            .unwrap_or_else(|| (scale + DAY_MINUTES - 1) / DAY_MINUTES * DAY_MINUTES)
    } else {
        scale
    };
    let columns = usize::try_from(edge / scale + 1).unwrap_or(1);
    let col = |step: i64| usize::try_from(step.max(0) / scale).unwrap_or(0);
    // Marks the columns of the stretch `[from, to)` (times in minutes).
    let fill = |row: &mut [char], from: i64, to: i64, glyph: char| {
        let (from, to) = (from / unit, to / unit);
        if to > from {
            for slot in &mut row[col(from)..=col(to - 1).min(columns)] {
                *slot = glyph;
            }
        }
    };
    let labels: Vec<String> = visits
        .iter()
        .map(|v| visit_label(plan, v.phase, v.number))
        .chain(std::iter::once("freeze".to_owned()))
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);

    let exposures = exposures(plan);
    let mut out = String::new();
    out.push_str(&axis(r, columns, scale * unit, width));
    for (v, label) in visits.iter().zip(&labels) {
        let mut row = vec![' '; columns + 1];
        fill(&mut row, v.start - v.waited, v.start, WAITED);
        for piece in &v.pieces {
            let glyph = match piece.kind {
                PieceKind::Planned => PLANNED,
                PieceKind::Extension => EXTENSION,
                PieceKind::InconclusiveExtension => INCONCLUSIVE,
                PieceKind::Wait => WAIT,
            };
            fill(&mut row, piece.from, piece.to.unwrap_or(edge * unit), glyph);
            if piece.to.is_none() {
                row[col(edge)] = ONGOING;
            }
        }
        if let (Outcome::RolledBack(_), Some(end)) = (v.outcome, v.end) {
            row[col(end / unit).min(columns)] = ROLLBACK;
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
    for &(from, to) in r.clock.freezes() {
        let from = r.clock.midnight(from).max(0);
        let to = r.clock.midnight(to + 1).min((edge + 1) * unit);
        fill(&mut frozen, from, to, FROZEN);
    }
    if frozen.contains(&FROZEN) {
        let _ = writeln!(
            out,
            "  {:width$}  {}",
            "freeze",
            frozen.iter().collect::<String>().trim_end()
        );
    }
    let day_text = if r.clock.timed {
        format!("one column per {}", super::spelled(scale))
    } else if scale == 1 {
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

/// The time axis: a date (`MM-DD`) every seven columns for a plan of whole days, a date and
/// time (`MM-DD HH:MM`, UTC) every twelve for one with times, with tick marks under it.
/// `minutes` is the width of a column.
fn axis(r: &RunReport<'_>, columns: usize, minutes: i64, width: usize) -> String {
    let mut out = String::new();
    let mut axis = vec![' '; columns + 12];
    let mut ticks = vec![' '; columns + 1];
    let every = if r.clock.timed { 12 } else { 7 };
    let mut c = 0;
    while c < columns {
        let at = r.clock.moment(i64::try_from(c).unwrap_or(0) * minutes);
        let date = at.date();
        let text = if r.clock.timed {
            format!("{:02}-{:02} {}", date.month(), date.day(), at.clock())
        } else {
            format!("{:02}-{:02}", date.month(), date.day())
        };
        for (i, ch) in text.chars().enumerate() {
            if let Some(slot) = axis.get_mut(c + i) {
                *slot = ch;
            }
        }
        ticks[c] = '|';
        c += every;
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
