//! `--format svg`: the timeline as a standalone SVG picture. One row per phase visit on a
//! date axis with weekly ticks (for a plan with times: a time axis, UTC, with a tick every few
//! steps); planned stretches, extensions, waits, freeze windows and
//! rollbacks each have their own colour, and every shape has a `<title>` tooltip. The output
//! depends only on the run, so the same input gives the same bytes.

use std::fmt::Write as _;

use super::{Exposures, RunReport, exposure_label, exposures, visit_label};
use crate::model::DAY_MINUTES;
use crate::simulate::whatif::{Outcome, PieceKind, Visit};

const LABEL_WIDTH: i64 = 190;
const ROW: i64 = 26;
const TOP: i64 = 56;
const CHART_WIDTH: i64 = 760;

/// Steps a chart with times picks from, in minutes: the first that keeps it within
/// [`CHART_WIDTH`] at two pixels a step.
const TIMED_STEPS: [i64; 9] = [5, 15, 30, 60, 120, 180, 360, 720, DAY_MINUTES];

/// Pixel geometry shared by every part of the picture.
struct Layout {
    /// Minutes in one step of the chart: a day for a plan of whole days.
    unit: i64,
    /// Whole pixels per step keep every coordinate an integer, so output is stable.
    px: i64,
    /// The last step drawn.
    edge: i64,
    rows: i64,
    /// Steps between two ticks of the axis.
    tick: i64,
}

impl Layout {
    /// Where a time (minutes from the start) falls.
    fn x(&self, at: i64) -> i64 {
        LABEL_WIDTH + at * self.px / self.unit
    }

    /// Pixels for a length in minutes.
    fn width(&self, minutes: i64) -> i64 {
        minutes * self.px / self.unit
    }
}

pub fn run(r: &RunReport<'_>) -> String {
    let plan = r.plan();
    let visits = &r.run.visits;
    let (last, open) = r.extent();
    let unit = if r.clock.timed {
        TIMED_STEPS
            .into_iter()
            .find(|s| last / s <= CHART_WIDTH / 2)
            .unwrap_or_else(|| (last / (CHART_WIDTH / 2) + DAY_MINUTES) / DAY_MINUTES * DAY_MINUTES)
    } else {
        DAY_MINUTES
    };
    let last = last / unit;
    let edge = if open {
        last + (last / 8).max(7)
    } else {
        last.max(1)
    };
    let px = (CHART_WIDTH / edge).max(2);
    let layout = Layout {
        unit,
        px,
        edge,
        rows: i64::try_from(visits.len()).unwrap_or(0),
        // Labels `MM-DD HH:MM` need about 70 pixels.
        tick: if r.clock.timed { (70 + px - 1) / px } else { 7 },
    };
    // A plan with shares writes who is exposed after each row's last stretch; the picture
    // widens to hold the longest (at about 7 pixels a character).
    let exposures = exposures(plan);
    let labels_end = visits
        .iter()
        .map(|v| {
            let chars = exposure_label(plan, &exposures, v.phase).chars().count();
            match i64::try_from(chars).unwrap_or(0) {
                0 => 0,
                n => layout.x(row_end(v, &layout)) + 6 + n * 7,
            }
        })
        .max()
        .unwrap_or(0);
    let width = (layout.x(edge * unit) + 30).max(labels_end + 10);
    let height = TOP + layout.rows * ROW + 50;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r#"  <text x="10" y="20" font-size="15" font-weight="bold">{} — {} from {}</text>"#,
        escape(plan.title.as_deref().unwrap_or(&plan.name)),
        escape(&r.mode),
        r.start_heading()
    );
    freezes(&mut out, r, &layout);
    axis(&mut out, r, &layout);
    for (i, v) in visits.iter().enumerate() {
        let y = TOP + i64::try_from(i).unwrap_or(0) * ROW;
        row(&mut out, r, &layout, v, y);
        exposure(&mut out, r, &exposures, &layout, v, y);
    }
    legend(&mut out, TOP + layout.rows * ROW + 30);
    out.push_str("</svg>\n");
    out
}

/// Freeze windows as shaded columns behind everything.
fn freezes(out: &mut String, r: &RunReport<'_>, l: &Layout) {
    for f in &r.plan().freezes {
        let day = |d| crate::simulate::timeline::days_between(r.clock.start.date(), d);
        let from = r.clock.midnight(day(f.from)).max(0);
        let to = r.clock.midnight(day(f.to) + 1).min(l.edge * l.unit);
        if to > from {
            let _ = writeln!(
                out,
                r##"  <rect x="{}" y="{}" width="{}" height="{}" fill="#dbe4f0"><title>freeze {}..{}{}</title></rect>"##,
                l.x(from),
                TOP - 8,
                l.width(to - from),
                l.rows * ROW + 8,
                f.from,
                f.to,
                f.reason
                    .as_deref()
                    .map(|t| format!(": {}", escape(t)))
                    .unwrap_or_default()
            );
        }
    }
}

/// Weekly ticks with dates; for a plan with times, ticks with dates and times of day (UTC).
fn axis(out: &mut String, r: &RunReport<'_>, l: &Layout) {
    let mut step = 0;
    while step <= l.edge {
        let at = step * l.unit;
        let moment = r.clock.moment(at);
        let date = moment.date();
        let _ = writeln!(
            out,
            r##"  <line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#cccccc"/>"##,
            l.x(at),
            TOP - 12,
            TOP + l.rows * ROW
        );
        let time = if r.clock.timed {
            format!(" {}", moment.clock())
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"  <text x="{}" y="{}" font-size="10">{:02}-{:02}{time}</text>"#,
            l.x(at) + 2,
            TOP - 16,
            date.month(),
            date.day()
        );
        step += l.tick;
    }
}

/// One phase visit: its label, the days it waited, its stretches and its rollback.
fn row(out: &mut String, r: &RunReport<'_>, l: &Layout, v: &Visit, y: i64) {
    let plan = r.plan();
    let label = visit_label(plan, v.phase, v.number);
    let _ = writeln!(
        out,
        r#"  <text x="10" y="{}">{}</text>"#,
        y + 16,
        escape(&label)
    );
    if v.waited > 0 {
        let _ = writeln!(
            out,
            r##"  <rect x="{}" y="{}" width="{}" height="4" fill="#999999"><title>{} waited {}</title></rect>"##,
            l.x(v.start - v.waited),
            y + 10,
            l.width(v.waited),
            escape(&label),
            r.words(v.waited)
        );
    }
    for piece in &v.pieces {
        let (fill, what) = match piece.kind {
            PieceKind::Planned => ("#4a7fc1", "planned"),
            PieceKind::Extension => ("#e08a1e", "extension after a failed gate"),
            PieceKind::InconclusiveExtension => ("#e6c229", "extension after an inconclusive gate"),
            PieceKind::Wait => ("#b8b8b8", "wait for an inconclusive gate"),
        };
        let to = piece.to.unwrap_or(l.edge * l.unit);
        let until = piece
            .to
            .map_or_else(|| "indefinite".to_owned(), |d| r.at(d));
        let _ = writeln!(
            out,
            r#"  <rect x="{}" y="{}" width="{}" height="18" fill="{fill}"{}><title>{}: {what}, {} to {until}</title></rect>"#,
            l.x(piece.from),
            y + 3,
            l.width(to - piece.from).max(1),
            if piece.to.is_none() {
                r#" fill-opacity="0.5""#
            } else {
                ""
            },
            escape(&label),
            r.at(piece.from)
        );
    }
    if let (Outcome::RolledBack(to), Some(end)) = (v.outcome, v.end) {
        let _ = writeln!(
            out,
            r##"  <path d="M {0} {1} L {0} {2} L {3} {2}" stroke="#c0392b" stroke-width="2" fill="none"><title>rolled back to {4} on {5}</title></path>"##,
            l.x(end),
            y + 3,
            y + ROW + 12,
            l.x(end) - 8,
            escape(plan.target_name(to)),
            r.at(end)
        );
    }
}

/// The day a visit's last stretch ends on the chart.
fn row_end(v: &Visit, l: &Layout) -> i64 {
    v.pieces
        .iter()
        .map(|p| p.to.unwrap_or(l.edge * l.unit))
        .max()
        .unwrap_or(v.start)
}

/// Who is exposed during a visit, after its last stretch.
fn exposure(
    out: &mut String,
    r: &RunReport<'_>,
    exposures: &Exposures,
    l: &Layout,
    v: &Visit,
    y: i64,
) {
    let label = exposure_label(r.plan(), exposures, v.phase);
    if !label.is_empty() {
        let _ = writeln!(
            out,
            r##"  <text x="{}" y="{}" font-size="11" fill="#333333">{}</text>"##,
            l.x(row_end(v, l)) + 6,
            y + 16,
            escape(&label)
        );
    }
}

fn legend(out: &mut String, y: i64) {
    let mut lx = 10;
    for (fill, text) in [
        ("#4a7fc1", "planned"),
        ("#e08a1e", "extension (failed)"),
        ("#e6c229", "extension (inconclusive)"),
        ("#b8b8b8", "wait"),
        ("#dbe4f0", "freeze"),
        ("#c0392b", "rollback"),
    ] {
        let _ = writeln!(
            out,
            r#"  <rect x="{lx}" y="{}" width="12" height="12" fill="{fill}"/><text x="{}" y="{y}">{text}</text>"#,
            y - 10,
            lx + 16,
        );
        lx += 30 + i64::try_from(text.len()).unwrap_or(0) * 7;
    }
}

/// XML text: markup characters as entities, hidden characters (controls, bidirectional
/// overrides) in visible form, as on a terminal ([`crate::escape::terminal`]).
fn escape(text: &str) -> String {
    let text = crate::escape::terminal(text);
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => s.push(c),
        }
    }
    s
}
