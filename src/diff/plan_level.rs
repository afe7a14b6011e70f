//! Plan-wide changes: the header, declarations (flags, attributes, metrics), invariants, and
//! the plan's own lists (rollback steps, validation, contingency, communication, monitors,
//! freeze windows and holidays). Descriptions of declarations are documentation, not meaning,
//! and are not compared.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::invariant::{self, Strength};
use super::lists::items;
use super::{Change, ChangeKind, Risk, Scope, text};
use crate::model::{Plan, TextItem};
use crate::source::Span;

pub(super) fn compare(old: &Plan, new: &Plan, out: &mut Vec<Change>) {
    let header = |p: &Plan| {
        [
            ("name", Some(p.name.clone())),
            ("title", p.title.clone()),
            ("owner", p.owner.clone()),
            ("description", p.description.clone()),
            ("start", p.start.map(|d| d.to_string())),
        ]
    };
    for ((field, a), (_, b)) in header(old).into_iter().zip(header(new)) {
        if a != b {
            out.push(plan_change(ChangeKind::HeaderChanged, field, a, b, None));
        }
    }

    if old.on_fail_text != new.on_fail_text {
        // Inherited by every phase without its own: one change here, none per phase.
        // (phases that follow it, of them those that roll back on failure)
        let inheriting = |p: &Plan| {
            let phases = p.phases.iter().filter(|ph| ph.on_fail_inherited);
            let rolling_back = phases
                .clone()
                .filter(|ph| ph.on_fail.rollback_target().is_some());
            (phases.count(), rolling_back.count())
        };
        let lost = inheriting(old).1 > 0 && matches!(inheriting(new), (n, 0) if n > 0);
        let mut change = plan_change(
            ChangeKind::FailurePolicy,
            "on_fail",
            old.on_fail_text.clone(),
            new.on_fail_text.clone(),
            lost.then_some(Risk::RollbackRemoved),
        );
        if lost {
            change.note = Some("no rollback on failure in the phases that follow it".to_owned());
        }
        out.push(change);
    }

    let flags = |p: &Plan| -> Vec<(String, String)> {
        p.flags
            .iter()
            .map(|f| {
                (
                    format!("flag `{}`", f.name),
                    format!("{} = {}", f.ty, f.initial),
                )
            })
            .collect()
    };
    let attributes = |p: &Plan| -> Vec<(String, String)> {
        p.attributes
            .iter()
            .map(|a| (format!("attribute `{}`", a.name), a.ty.to_string()))
            .collect()
    };
    let metrics = |p: &Plan| -> Vec<(String, String)> {
        p.metrics
            .iter()
            .map(|m| {
                let query = m
                    .query
                    .as_ref()
                    .map_or_else(String::new, |q| format!(" query {:?}", q.text));
                (
                    format!("metric `{}`", m.name),
                    format!("{}{query}", m.unit.keyword()),
                )
            })
            .collect()
    };
    for decls in [attributes, flags, metrics] {
        named(
            &decls(old),
            &decls(new),
            [
                ChangeKind::DeclarationAdded,
                ChangeKind::DeclarationRemoved,
                ChangeKind::DeclarationChanged,
            ],
            out,
        );
    }
    invariants(old, new, out);

    for (what, a, b) in [
        ("rollback step", &old.rollback_steps, &new.rollback_steps),
        ("validation check", &old.validation, &new.validation),
        ("contingency step", &old.contingency, &new.contingency),
        ("notify before", &old.notify_before, &new.notify_before),
        ("notify after", &old.notify_after, &new.notify_after),
    ] {
        items(&Scope::Plan, what, a, b, out);
    }
    items(&Scope::Plan, "monitor", &monitors(old), &monitors(new), out);
    items(&Scope::Plan, "freeze", &freezes(old), &freezes(new), out);
    items(&Scope::Plan, "holiday", &holidays(old), &holidays(new), out);
}

/// Invariants by name: a removed one whose formula an added one has is a rename; a changed
/// formula is classified by [`invariant::compare`].
fn invariants(old: &Plan, new: &Plan, out: &mut Vec<Change>) {
    let text_of = |p: &Plan, i: &crate::model::Invariant| text::formula(p, &i.formula);
    let in_new: HashMap<&str, &crate::model::Invariant> = new
        .invariants
        .iter()
        .map(|i| (i.name.as_str(), i))
        .collect();
    let in_old: HashMap<&str, &crate::model::Invariant> = old
        .invariants
        .iter()
        .map(|i| (i.name.as_str(), i))
        .collect();
    let mut added: HashMap<String, Vec<&str>> = HashMap::new();
    for i in new
        .invariants
        .iter()
        .filter(|i| !in_old.contains_key(i.name.as_str()))
    {
        added
            .entry(text_of(new, i))
            .or_default()
            .push(i.name.as_str());
    }
    let mut renamed_to: Vec<&str> = Vec::new();
    for i in &old.invariants {
        if in_new.contains_key(i.name.as_str()) {
            continue;
        }
        let formula = text_of(old, i);
        let subject = format!("invariant `{}`", i.name);
        match added
            .get_mut(&formula)
            .and_then(|names| (!names.is_empty()).then(|| names.remove(0)))
        {
            Some(to) => {
                renamed_to.push(to);
                out.push(plan_change(
                    ChangeKind::InvariantRenamed,
                    subject,
                    Some(i.name.clone()),
                    Some(to.to_owned()),
                    None,
                ));
            }
            None => out.push(plan_change(
                ChangeKind::InvariantRemoved,
                subject,
                Some(formula),
                None,
                Some(Risk::RemovedInvariant),
            )),
        }
    }
    for i in &new.invariants {
        let subject = format!("invariant `{}`", i.name);
        let after = text_of(new, i);
        let Some(previous) = in_old.get(i.name.as_str()) else {
            if !renamed_to.contains(&i.name.as_str()) {
                out.push(plan_change(
                    ChangeKind::InvariantAdded,
                    subject,
                    None,
                    Some(after),
                    None,
                ));
            }
            continue;
        };
        let before = text_of(old, previous);
        if before == after {
            continue;
        }
        let (note, risk) = match invariant::compare(old, &previous.formula, new, &i.formula) {
            Some(Strength::Same) => continue,
            Some(Strength::Stronger) => ("stronger: allows fewer states", None),
            Some(Strength::Weaker) => ("weaker: allows more states", Some(Risk::ChangedInvariant)),
            Some(Strength::Other) => ("allows other states", Some(Risk::ChangedInvariant)),
            None => ("formula changed", Some(Risk::ChangedInvariant)),
        };
        let mut change = plan_change(
            ChangeKind::InvariantChanged,
            subject,
            Some(before),
            Some(after),
            risk,
        );
        change.note = Some(note.to_owned());
        out.push(change);
    }
}

fn plan_change(
    kind: ChangeKind,
    subject: impl Into<String>,
    old: Option<String>,
    new: Option<String>,
    risk: Option<Risk>,
) -> Change {
    Change {
        scope: Scope::Plan,
        kind,
        subject: subject.into(),
        old,
        new,
        note: None,
        risk,
    }
}

/// Named things compared by name: `kinds` are (added, removed, changed).
fn named(
    old: &[(String, String)],
    new: &[(String, String)],
    kinds: [ChangeKind; 3],
    out: &mut Vec<Change>,
) {
    let before: HashMap<&str, &str> = old.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let after: HashMap<&str, &str> = new.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    for (name, value) in old {
        if !after.contains_key(name.as_str()) {
            out.push(plan_change(kinds[1], name, Some(value.clone()), None, None));
        }
    }
    for (name, value) in new {
        match before.get(name.as_str()) {
            None => out.push(plan_change(kinds[0], name, None, Some(value.clone()), None)),
            Some(b) if *b != value => out.push(plan_change(
                kinds[2],
                name,
                Some((*b).to_owned()),
                Some(value.clone()),
                None,
            )),
            Some(_) => {}
        }
    }
}

fn item(text: String) -> TextItem {
    TextItem {
        text,
        span: Span::default(),
    }
}

/// Each monitor as one item: its title, what it watches and its items.
fn monitors(p: &Plan) -> Vec<TextItem> {
    p.monitors
        .iter()
        .map(|m| {
            let watched: Vec<&str> = m
                .metrics
                .iter()
                .map(|id| p.metric(*id).name.as_str())
                .collect();
            let listed: Vec<&str> = m.items.iter().map(|i| i.text.as_str()).collect();
            let mut text = m.title.clone();
            if !watched.is_empty() {
                let _ = write!(text, " (watch {})", watched.join(", "));
            }
            if !listed.is_empty() {
                let _ = write!(text, ": {}", listed.join("; "));
            }
            item(text)
        })
        .collect()
}

fn freezes(p: &Plan) -> Vec<TextItem> {
    p.freezes
        .iter()
        .map(|f| {
            let reason = f
                .reason
                .as_deref()
                .map(|r| format!(" {r:?}"))
                .unwrap_or_default();
            item(format!("{}..{}{reason}", f.from, f.to))
        })
        .collect()
}

fn holidays(p: &Plan) -> Vec<TextItem> {
    p.holidays
        .iter()
        .map(|h| {
            let name = h
                .name
                .as_deref()
                .map(|r| format!(" {r:?}"))
                .unwrap_or_default();
            item(format!("{}{name}", h.date))
        })
        .collect()
}
