//! `--target ics`: an iCalendar (RFC 5545) file with an all-day event for each phase and for
//! each communication item (before a phase: on its first day; after: on the day it ends). A
//! plan whose times fall inside days ([`crate::simulate::timeline::has_times`]) gets events
//! timed to the minute in UTC instead: a phase from its start to its end, a communication item
//! at the moment it is due (no `DTEND`: an instant). The format has no comments: the header is
//! the `PRODID` and an `X-ROLLPLAN-SOURCE` property. `DTSTAMP` is the rollout's start rather
//! than the time of writing, so the bytes are stable.
//! For a plan with shares, a phase's description lists its flag changes in the checklist's
//! words, so the calendar says which share each step ramps to.

use super::ramp::change_text;
use super::{DO_NOT_EDIT, Input};
use crate::model::{Date, FlagId, Moment, PhaseId};
use crate::simulate::exposure::has_shares;
use crate::simulate::timeline::add_days;

fn date(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

/// A UTC date-time in iCalendar's basic form: `20270301T093000Z`.
fn date_time(m: Moment) -> String {
    let clock = m.clock().replace(':', "");
    format!("{}T{clock}00Z", date(m.date()))
}

/// Escapes TEXT values: backslash, semicolon, comma and newlines. TEXT cannot hold control
/// characters at all, so every other hidden character (carriage return, ESC, bidirectional
/// overrides) is shown in its visible form, as on a terminal: a calendar is read by people.
fn escape(text: &str) -> String {
    let text = crate::escape::terminal(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets, with CRLF.
fn line(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

struct Event {
    uid: String,
    start: Moment,
    /// `None`: an instant (timed plans only; all-day events last their day).
    end: Option<Moment>,
    summary: String,
    description: String,
}

fn events(input: &Input<'_>, phase: PhaseId) -> Vec<Event> {
    let plan = input.plan();
    let p = plan.phase(phase);
    let Some(window) = input.timeline().phases.get(phase.0) else {
        return Vec::new();
    };
    let uid = |what: &str| format!("{}-{}-{what}@rollplan", plan.name, p.id);
    let open_ended = window.end.is_none();
    let mut description = format!("{}: phase {} `{}`.", input.source, phase.0 + 1, p.id);
    if open_ended {
        description.push_str(" Open-ended: the phase has no planned end.");
    }
    let timed = input.timeline().timed;
    // An all-day event lasts at least its day; a timed one is an instant at least.
    let day_after = |m: Moment| (!timed).then(|| Moment::midnight(add_days(m.date(), 1)));
    if has_shares(plan) {
        description.push_str(&flag_changes(input, phase));
    }
    let mut out = vec![Event {
        uid: uid("phase"),
        start: window.start,
        end: window.end.or_else(|| day_after(window.start)),
        summary: format!("Phase {}: {} ({})", phase.0 + 1, p.title, p.id),
        description,
    }];
    let before = plan.notify_before.iter().chain(&p.notify_before);
    for (n, item) in before.enumerate() {
        out.push(Event {
            uid: uid(&format!("before-{}", n + 1)),
            start: window.start,
            end: day_after(window.start),
            summary: item.text.clone(),
            description: format!("Before phase `{}` ({}).", p.id, p.title),
        });
    }
    if let Some(end) = window.end {
        let after = plan.notify_after.iter().chain(&p.notify_after);
        for (n, item) in after.enumerate() {
            out.push(Event {
                uid: uid(&format!("after-{}", n + 1)),
                start: end,
                end: day_after(end),
                summary: item.text.clone(),
                description: format!("After phase `{}` ({}).", p.id, p.title),
            });
        }
    }
    out
}

/// The phase's flag changes in the proven order, in the checklist's words (` Ramp
/// `payments.v2` from 1% to 5% of `early` (…).`), for a plan with shares: the calendar says
/// which share each step takes.
fn flag_changes(input: &Input<'_>, phase: PhaseId) -> String {
    let plan = input.plan();
    let from = match phase.0 {
        0 => &plan.initial,
        n => &plan.phase(PhaseId(n - 1)).planned,
    };
    let to = &plan.phase(phase).planned;
    let optional: Vec<FlagId> = input
        .phase_config(phase)
        .optional
        .iter()
        .map(|o| o.flag)
        .collect();
    let order = input
        .advance_order(phase)
        .map_or_else(|| from.changed_flags(to), <[FlagId]>::to_vec);
    let code = |text: &str| format!("`{text}`");
    order
        .into_iter()
        .map(|f| {
            let change = change_text(plan, f, (from, to), &code);
            if optional.contains(&f) {
                format!(" Optional: {change}.")
            } else {
                format!(" {change}.")
            }
        })
        .collect()
}

fn calendar(input: &Input<'_>, phases: &[PhaseId], what: &str) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, &format!("PRODID:-//rollplan//{DO_NOT_EDIT}//EN"));
    line(&mut out, "CALSCALE:GREGORIAN");
    line(
        &mut out,
        &format!(
            "X-ROLLPLAN-SOURCE:{}",
            escape(&format!("{}: {what}", input.source))
        ),
    );
    let timed = input.timeline().timed;
    let stamp = format!("DTSTAMP:{}", date_time(input.timeline().start));
    for &phase in phases {
        for e in events(input, phase) {
            line(&mut out, "BEGIN:VEVENT");
            line(&mut out, &format!("UID:{}", escape(&e.uid)));
            line(&mut out, &stamp);
            if timed {
                line(&mut out, &format!("DTSTART:{}", date_time(e.start)));
                if let Some(end) = e.end {
                    line(&mut out, &format!("DTEND:{}", date_time(end)));
                }
            } else {
                line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", date(e.start.date())),
                );
                if let Some(end) = e.end {
                    line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(end.date())));
                }
            }
            line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
            line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
            line(&mut out, "TRANSP:TRANSPARENT");
            line(&mut out, "END:VEVENT");
        }
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// One phase's calendar file.
pub(super) fn phase(input: &Input<'_>, phase: PhaseId) -> String {
    let p = input.plan().phase(phase);
    calendar(
        input,
        &[phase],
        &format!("phase {} `{}`", phase.0 + 1, p.id),
    )
}

/// Every phase's events in one calendar.
pub(super) fn whole(input: &Input<'_>) -> String {
    let phases: Vec<PhaseId> = (0..input.plan().phases.len()).map(PhaseId).collect();
    calendar(input, &phases, "every phase")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let text = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &text);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{physical:?} is {} octets",
                physical.len()
            );
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{text}\r\n"));
    }

    #[test]
    fn text_values_escape_separators() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn control_characters_are_shown_not_written() {
        assert_eq!(escape("a\u{1b}[2J\r\u{202e}"), r"a\\u{1b}[2J\\r\\u{202e}");
    }
}
