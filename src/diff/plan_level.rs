//! Plan-wide changes: the header, declarations (flags, attributes, metrics), invariants, and
//! the plan's own lists (rollback steps, validation, contingency, communication, monitors,
//! freeze windows and holidays). Descriptions of declarations are documentation, not meaning,
//! and are not compared.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::compare::items;
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
            .map(|m| (format!("metric `{}`", m.name), m.unit.keyword().to_owned()))
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
            [None, None],
            out,
        );
    }
    let invariants = |p: &Plan| -> Vec<(String, String)> {
        p.invariants
            .iter()
            .map(|i| {
                (
                    format!("invariant `{}`", i.name),
                    text::formula(p, &i.formula),
                )
            })
            .collect()
    };
    named(
        &invariants(old),
        &invariants(new),
        [
            ChangeKind::InvariantAdded,
            ChangeKind::InvariantRemoved,
            ChangeKind::InvariantChanged,
        ],
        [Some(Risk::RemovedInvariant), Some(Risk::ChangedInvariant)],
        out,
    );

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

/// Named things compared by name: `kinds` are (added, removed, changed), `risks` are (removed,
/// changed).
fn named(
    old: &[(String, String)],
    new: &[(String, String)],
    kinds: [ChangeKind; 3],
    risks: [Option<Risk>; 2],
    out: &mut Vec<Change>,
) {
    let before: HashMap<&str, &str> = old.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let after: HashMap<&str, &str> = new.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    for (name, value) in old {
        if !after.contains_key(name.as_str()) {
            out.push(plan_change(
                kinds[1],
                name,
                Some(value.clone()),
                None,
                risks[0],
            ));
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
                risks[1],
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
