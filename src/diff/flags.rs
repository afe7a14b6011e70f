//! Effective flag values, phase by phase: each phase's value of each flag after inheritance
//! (scoped values written out, `optional` marked), and when a difference is risky: a flag turned
//! on where it was not, or a value reached earlier than the old plan reached it. A difference
//! that continues one in the phase before is the same change carried on, so its risk is given
//! once, where it starts.

use std::collections::HashMap;

use super::compare::{PhasePair, Sides, change};
use super::{Change, ChangeKind, Risk, scope, text};
use crate::model::{FlagId, Plan, Setting, Value};

/// A flag in either plan, by name.
pub(super) struct FlagPair {
    pub(super) name: String,
    pub(super) old: Option<FlagId>,
    pub(super) new: Option<FlagId>,
}

pub(super) fn flag_pairs(old: &Plan, new: &Plan) -> Vec<FlagPair> {
    let mut pairs: Vec<FlagPair> = new
        .flags
        .iter()
        .enumerate()
        .map(|(i, f)| FlagPair {
            name: f.name.clone(),
            old: old.flag_named(&f.name),
            new: Some(FlagId(i)),
        })
        .collect();
    let in_new: std::collections::HashSet<&str> =
        new.flags.iter().map(|f| f.name.as_str()).collect();
    for (i, f) in old.flags.iter().enumerate() {
        if !in_new.contains(f.name.as_str()) {
            pairs.push(FlagPair {
                name: f.name.clone(),
                old: Some(FlagId(i)),
                new: None,
            });
        }
    }
    pairs
}

/// How "on" a boolean setting is: 2 everywhere, 1 in some contexts, 0 nowhere.
fn on_level(setting: &Setting) -> u8 {
    let on = |v: &Value| *v == Value::Bool(true);
    match setting {
        Setting::Fixed(v) => 2 * u8::from(on(v)),
        Setting::Scoped { rules, default } => {
            if on(default) && rules.iter().all(|r| on(&r.value)) {
                2
            } else {
                u8::from(on(default) || rules.iter().any(|r| on(&r.value)))
            }
        }
    }
}

pub(super) fn flag_values(
    sides: &Sides<'_>,
    pair: &PhasePair<'_>,
    flags: &[FlagPair],
    first_old: &HashMap<(usize, String), usize>,
    running: &mut [Option<(String, String)>],
    out: &mut Vec<Change>,
) {
    let (old, new) = (sides.old, sides.new);
    for (f, flag) in flags.iter().enumerate() {
        // A flag only one plan declares stands at its declared value in the other: the code
        // reads its default there.
        let a = match (flag.old, flag.new) {
            (Some(id), _) => text::effective(old, pair.old, id),
            (None, Some(id)) => new.flag(id).initial.to_string(),
            (None, None) => continue,
        };
        let b = match (flag.new, flag.old) {
            (Some(id), _) => text::effective(new, pair.new, id),
            (None, Some(id)) => old.flag(id).initial.to_string(),
            (None, None) => continue,
        };
        if a == b {
            running[f] = None;
            continue;
        }
        let own_a = flag
            .old
            .and_then(|id| text::own_assignment(old, pair.old, id));
        let own_b = flag
            .new
            .and_then(|id| text::own_assignment(new, pair.new, id));
        let inherited = own_a == own_b;
        let key = (a.clone(), b.clone());
        let continues = running[f].as_ref() == Some(&key);
        running[f] = Some(key);
        let (risk, earlier) = if continues {
            (None, None)
        } else {
            flag_risk(sides, pair, flag, f, first_old)
        };
        let note = match (inherited, earlier) {
            (true, Some(e)) => Some(format!("inherited; {e}")),
            (false, Some(e)) => Some(e),
            (true, None) => Some("inherited".to_owned()),
            (false, None) => None,
        };
        out.push(change(
            pair.scope.clone(),
            ChangeKind::FlagValue,
            format!("flag `{}`", flag.name),
            Some(a),
            Some(b),
            note,
            risk,
        ));
    }
}

fn flag_risk(
    sides: &Sides<'_>,
    pair: &PhasePair<'_>,
    flag: &FlagPair,
    f: usize,
    first_old: &HashMap<(usize, String), usize>,
) -> (Option<Risk>, Option<String>) {
    let Some(id_new) = flag.new else {
        return (None, None);
    };
    let setting_new = pair.new.planned.get(id_new);
    let reached_at = first_old
        .get(&(f, crate::plan_text::setting(sides.new, setting_new)))
        .copied()
        .filter(|&at| at > pair.o);
    let reached_later = reached_at.is_some();
    let earlier =
        reached_at.map(|at| format!("the old plan reached it in `{}`", sides.old.phases[at].id));
    let before = flag.old.map_or(0, |id| on_level(pair.old.planned.get(id)));
    let is_bool = sides.new.flag(id_new).ty == crate::model::FlagType::Bool;
    // A scoped value can reach more (or fewer) contexts while its text merely changes.
    let reach = flag.old.and_then(|id_old| {
        let setting_old = pair.old.planned.get(id_old);
        let scoped = |s: &Setting| matches!(s, Setting::Scoped { .. });
        (scoped(setting_old) || scoped(setting_new)).then(|| {
            let rest = if is_bool {
                Value::Bool(false)
            } else {
                sides.new.flag(id_new).initial.clone()
            };
            scope::reach(sides.old, setting_old, sides.new, setting_new, &rest)
        })
    });
    let widened = reach.as_ref().is_some_and(|r| r.widened);
    let risk = if is_bool {
        if on_level(setting_new) <= before && !widened {
            None
        } else if reached_later {
            Some(Risk::FlagEnabledEarlier)
        } else {
            Some(Risk::FlagEnabled)
        }
    } else if reached_later {
        Some(Risk::FlagEnabledEarlier)
    } else {
        widened.then_some(Risk::ValueWidened)
    };
    // Shares say how far they moved; other scoped values only that they narrowed.
    let reach_note = match &reach {
        Some(r) if !r.shares.is_empty() => Some(r.shares.join("; ")),
        Some(r) if r.narrowed && !r.widened => Some("narrowed: fewer contexts get it".to_owned()),
        _ => None,
    };
    let note = match (earlier, reach_note) {
        (Some(e), Some(r)) => Some(format!("{e}; {r}")),
        (e, r) => e.or(r),
    };
    (risk, note)
}
