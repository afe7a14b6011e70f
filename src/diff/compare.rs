//! Phase by phase: for each phase of the new plan, what differs from the old phase it continues
//! (see [`super::matching`]); removed phases where they stood. Flag values are compared as each
//! phase's *effective* state, so a change inherited from an earlier phase is reported on every
//! phase it reaches, and its risk once, where it starts.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::matching::{How, Matching};
use super::{Change, ChangeKind, Risk, Scope, text};
use crate::model::{
    Criterion, FlagId, Gate, Phase, PhaseDuration, Plan, Quantity, Setting, TextItem, Value,
};
use crate::simulate::Timeline;
use crate::simulate::timeline::{days_between, whole_days};
use crate::syntax::ast::CmpOp;

pub(super) struct Sides<'a> {
    pub(super) old: &'a Plan,
    pub(super) new: &'a Plan,
    pub(super) timeline_old: &'a Timeline,
    pub(super) timeline_new: &'a Timeline,
}

/// A flag in either plan, by name.
struct FlagPair {
    name: String,
    old: Option<FlagId>,
    new: Option<FlagId>,
}

pub(super) fn phases(sides: &Sides<'_>, matching: &Matching, out: &mut Vec<Change>) {
    let (old, new) = (sides.old, sides.new);
    let flags = flag_pairs(old, new);
    // The first old phase at which each flag takes each effective value.
    let mut first_old: HashMap<(usize, String), usize> = HashMap::new();
    for (o, phase) in old.phases.iter().enumerate() {
        for (f, pair) in flags.iter().enumerate() {
            if let Some(id) = pair.old {
                first_old
                    .entry((f, text::setting(old, phase.planned.get(id))))
                    .or_insert(o);
            }
        }
    }
    let renamed: HashMap<&str, &str> = matching
        .new_to_old
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|(o, _)| (old.phases[o].id.as_str(), new.phases[n].id.as_str())))
        .collect();
    let rename = |id: &str| renamed.get(id).map_or(id, |n| *n).to_owned();

    // Removed phases go after the new position of the nearest earlier old phase that survived.
    let mut removed_after: Vec<Vec<usize>> = vec![Vec::new(); new.phases.len() + 1];
    let mut anchor = 0;
    for (o, m) in matching.old_to_new.iter().enumerate() {
        match m {
            Some(n) => anchor = n + 1,
            None => removed_after[anchor].push(o),
        }
    }

    let mut running: Vec<Option<(String, String)>> = vec![None; flags.len()];
    for (n, removed) in removed_after.iter().enumerate() {
        for &o in removed {
            let phase = &old.phases[o];
            out.push(change(
                Scope::Phase(phase.id.clone()),
                ChangeKind::PhaseRemoved,
                "phase",
                Some(phase.title.clone()),
                None,
                Some(format!("was phase {} of {}", o + 1, old.phases.len())),
                Some(Risk::RemovedPhase),
            ));
        }
        let Some(phase) = new.phases.get(n) else {
            break;
        };
        match matching.new_to_old[n] {
            None => {
                added(sides, n, out);
                running.fill(None);
            }
            Some((o, how)) => {
                let pair = PhasePair {
                    old: &old.phases[o],
                    new: phase,
                    o,
                    n,
                    scope: Scope::Phase(phase.id.clone()),
                };
                identity(&pair, how, matching.moved[n], new.phases.len(), out);
                timing(sides, &pair, out);
                flag_values(sides, &pair, &flags, &first_old, &mut running, out);
                gates(sides, &pair, out);
                let (p_old, p_new) = (
                    text::policy(old, pair.old.on_fail, &rename),
                    text::policy(new, pair.new.on_fail, &str::to_owned),
                );
                if p_old != p_new {
                    let lost = pair.old.on_fail.rollback_target().is_some()
                        && pair.new.on_fail.rollback_target().is_none();
                    out.push(change(
                        pair.scope.clone(),
                        ChangeKind::FailurePolicy,
                        "on_fail",
                        Some(p_old),
                        Some(p_new),
                        lost.then(|| "no rollback on failure".to_owned()),
                        lost.then_some(Risk::RollbackRemoved),
                    ));
                }
                for (what, a, b) in [
                    ("activity", &pair.old.activities, &pair.new.activities),
                    ("check", &pair.old.checks, &pair.new.checks),
                    (
                        "notify before",
                        &pair.old.notify_before,
                        &pair.new.notify_before,
                    ),
                    (
                        "notify after",
                        &pair.old.notify_after,
                        &pair.new.notify_after,
                    ),
                ] {
                    items(&pair.scope, what, a, b, out);
                }
            }
        }
    }
}

struct PhasePair<'a> {
    old: &'a Phase,
    new: &'a Phase,
    o: usize,
    n: usize,
    scope: Scope,
}

fn change(
    scope: Scope,
    kind: ChangeKind,
    subject: impl Into<String>,
    old: Option<String>,
    new: Option<String>,
    note: Option<String>,
    risk: Option<Risk>,
) -> Change {
    Change {
        scope,
        kind,
        subject: subject.into(),
        old,
        new,
        note,
        risk,
    }
}

fn flag_pairs(old: &Plan, new: &Plan) -> Vec<FlagPair> {
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

fn added(sides: &Sides<'_>, n: usize, out: &mut Vec<Change>) {
    let new = sides.new;
    let phase = &new.phases[n];
    let sets: Vec<String> = phase
        .assignments
        .iter()
        .map(|a| {
            format!(
                "{} = {}",
                new.flag(a.flag).name,
                text::own_assignment(new, phase, a.flag).unwrap_or_default()
            )
        })
        .collect();
    let mut note = format!("duration {}", phase.duration);
    if let Some(w) = sides.timeline_new.phases.get(n) {
        let _ = write!(note, ", starts {}", w.start);
    }
    if !sets.is_empty() {
        let _ = write!(note, "; sets {}", sets.join(", "));
    }
    out.push(change(
        Scope::Phase(phase.id.clone()),
        ChangeKind::PhaseAdded,
        "phase",
        None,
        Some(phase.title.clone()),
        Some(note),
        None,
    ));
}

fn identity(pair: &PhasePair<'_>, how: How, moved: bool, count: usize, out: &mut Vec<Change>) {
    if how != How::Id {
        out.push(change(
            pair.scope.clone(),
            ChangeKind::PhaseRenamed,
            "id",
            Some(pair.old.id.clone()),
            Some(pair.new.id.clone()),
            Some(
                match how {
                    How::Content => "same content",
                    _ => "same title",
                }
                .to_owned(),
            ),
            None,
        ));
    }
    if moved {
        out.push(change(
            pair.scope.clone(),
            ChangeKind::PhaseMoved,
            "position",
            Some((pair.o + 1).to_string()),
            Some((pair.n + 1).to_string()),
            Some(format!("of {count}")),
            None,
        ));
    }
    if pair.old.title != pair.new.title {
        out.push(change(
            pair.scope.clone(),
            ChangeKind::PhaseTitle,
            "title",
            Some(pair.old.title.clone()),
            Some(pair.new.title.clone()),
            None,
            None,
        ));
    }
}

fn timing(sides: &Sides<'_>, pair: &PhasePair<'_>, out: &mut Vec<Change>) {
    let (before, after) = (pair.old.duration, pair.new.duration);
    if before != after {
        let shorter = is_shorter(before, after);
        let note = match (before.planned(), after.planned()) {
            (Some(x), Some(y)) if x != y => {
                let days = whole_days(y) - whole_days(x);
                let n = days.unsigned_abs();
                let unit = if n == 1 { "day" } else { "days" };
                Some(match days.cmp(&0) {
                    std::cmp::Ordering::Less => format!("{n} {unit} shorter"),
                    std::cmp::Ordering::Greater => format!("{n} {unit} longer"),
                    std::cmp::Ordering::Equal => "same planned days".to_owned(),
                })
            }
            (None, Some(_)) => Some("no longer indefinite".to_owned()),
            (Some(_), None) => Some("now indefinite".to_owned()),
            _ => None,
        };
        out.push(change(
            pair.scope.clone(),
            ChangeKind::Duration,
            "duration",
            Some(before.to_string()),
            Some(after.to_string()),
            note,
            shorter.then_some(Risk::ShorterPhase),
        ));
    }
    let old_window = sides.timeline_old.phases.get(pair.o);
    let new_window = sides.timeline_new.phases.get(pair.n);
    if let (Some(x), Some(y)) = (old_window, new_window) {
        if x.start != y.start {
            out.push(change(
                pair.scope.clone(),
                ChangeKind::StartShift,
                "planned start",
                Some(x.start.to_string()),
                Some(y.start.to_string()),
                Some(text::shift(days_between(x.start, y.start))),
                None,
            ));
        }
    }
}

/// Whether `new` gives less time than `old`: a shorter planned length, or (for ranges with the
/// same planned length) a shorter minimum. Indefinite is longer than anything.
fn is_shorter(old: PhaseDuration, new: PhaseDuration) -> bool {
    let min = |d: PhaseDuration| match d {
        PhaseDuration::Indefinite => None,
        PhaseDuration::Fixed(h) | PhaseDuration::Range { min: h, .. } => Some(h),
    };
    match (old.planned(), new.planned()) {
        (None, Some(_)) => true,
        (Some(_) | None, None) => false,
        (Some(a), Some(b)) => b < a || (b == a && min(new) < min(old)),
    }
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

fn flag_values(
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
        .get(&(f, text::setting(sides.new, setting_new)))
        .copied()
        .filter(|&at| at > pair.o);
    let reached_later = reached_at.is_some();
    let earlier =
        reached_at.map(|at| format!("the old plan reached it in `{}`", sides.old.phases[at].id));
    let before = flag.old.map_or(0, |id| on_level(pair.old.planned.get(id)));
    let is_bool = sides.new.flag(id_new).ty == crate::model::FlagType::Bool;
    let risk = if is_bool {
        if on_level(setting_new) <= before {
            None
        } else if reached_later {
            Some(Risk::FlagEnabledEarlier)
        } else {
            Some(Risk::FlagEnabled)
        }
    } else {
        reached_later.then_some(Risk::FlagEnabledEarlier)
    };
    (risk, earlier)
}

fn gates(sides: &Sides<'_>, pair: &PhasePair<'_>, out: &mut Vec<Change>) {
    let (old, new) = (sides.old, sides.new);
    let by_id: HashMap<&str, &Gate> = pair.old.gates.iter().map(|g| (g.id.as_str(), g)).collect();
    let in_new: std::collections::HashSet<&str> =
        pair.new.gates.iter().map(|g| g.id.as_str()).collect();
    let subject = |g: &Gate| format!("gate `{}`", g.id);
    for g in &pair.old.gates {
        if !in_new.contains(g.id.as_str()) {
            out.push(change(
                pair.scope.clone(),
                ChangeKind::GateRemoved,
                subject(g),
                Some(text::criterion(old, g)),
                None,
                None,
                Some(Risk::RemovedGate),
            ));
        }
    }
    for g in &pair.new.gates {
        let Some(before) = by_id.get(g.id.as_str()) else {
            out.push(change(
                pair.scope.clone(),
                ChangeKind::GateAdded,
                subject(g),
                None,
                Some(text::criterion(new, g)),
                None,
                None,
            ));
            continue;
        };
        let (a, b) = (text::criterion(old, before), text::criterion(new, g));
        if a != b {
            let (kind, note, risk) = criterion_change(old, new, before, g);
            out.push(change(
                pair.scope.clone(),
                kind,
                subject(g),
                Some(a),
                Some(b),
                note,
                risk,
            ));
        }
        let (a, b) = (
            text::inconclusive(before.on_inconclusive),
            text::inconclusive(g.on_inconclusive),
        );
        if a != b {
            out.push(change(
                pair.scope.clone(),
                ChangeKind::GateOption,
                format!("gate `{}` inconclusive", g.id),
                Some(a),
                Some(b),
                None,
                None,
            ));
        }
        if (before.pass_probability - g.pass_probability).abs() > f64::EPSILON {
            out.push(change(
                pair.scope.clone(),
                ChangeKind::GateOption,
                format!("gate `{}` pass", g.id),
                Some(before.pass_probability.to_string()),
                Some(g.pass_probability.to_string()),
                None,
                None,
            ));
        }
    }
}

/// The direction a threshold bound faces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// `<` or `<=`: observed values below pass, so a higher threshold lets more through.
    Upper,
    /// `>` or `>=`: a lower threshold lets more through.
    Lower,
}

fn bound(op: CmpOp) -> Option<(Bound, bool)> {
    match op {
        CmpOp::Lt => Some((Bound::Upper, false)),
        CmpOp::Le => Some((Bound::Upper, true)),
        CmpOp::Gt => Some((Bound::Lower, false)),
        CmpOp::Ge => Some((Bound::Lower, true)),
        CmpOp::Eq | CmpOp::Ne => None,
    }
}

fn criterion_change(
    old: &Plan,
    new: &Plan,
    before: &Gate,
    after: &Gate,
) -> (ChangeKind, Option<String>, Option<Risk>) {
    let changed = |why: &str| {
        (
            ChangeKind::GateChanged,
            Some(why.to_owned()),
            Some(Risk::ChangedGate),
        )
    };
    match (&before.criterion, &after.criterion) {
        (Criterion::Manual, Criterion::Manual) => (ChangeKind::ManualGateChanged, None, None),
        (Criterion::Metric { .. }, Criterion::Manual) => changed("measured gate became manual"),
        (Criterion::Manual, Criterion::Metric { .. }) => (
            ChangeKind::GateChanged,
            Some("manual gate became measured".to_owned()),
            None,
        ),
        (
            Criterion::Metric {
                metric: m_old,
                op: op_old,
                threshold: t_old,
            },
            Criterion::Metric {
                metric: m_new,
                op: op_new,
                threshold: t_new,
            },
        ) => {
            if old.metric(*m_old).name != new.metric(*m_new).name {
                return changed("reads another metric");
            }
            if t_old.unit != t_new.unit {
                return changed("threshold unit changed");
            }
            match direction(*op_old, *t_old, *op_new, *t_new) {
                Some(std::cmp::Ordering::Greater) => (
                    ChangeKind::GateLoosened,
                    Some(describe_move(*op_old, *t_old, *op_new, *t_new, "looser")),
                    Some(Risk::LoosenedGate),
                ),
                Some(std::cmp::Ordering::Less) => (
                    ChangeKind::GateTightened,
                    Some(describe_move(*op_old, *t_old, *op_new, *t_new, "stricter")),
                    None,
                ),
                _ => changed("comparison changed; no clear direction"),
            }
        }
    }
}

/// `Greater` when the new criterion accepts strictly more observed values than the old.
fn direction(
    op_old: CmpOp,
    t_old: Quantity,
    op_new: CmpOp,
    t_new: Quantity,
) -> Option<std::cmp::Ordering> {
    let (b_old, incl_old) = bound(op_old)?;
    let (b_new, incl_new) = bound(op_new)?;
    if b_old != b_new {
        return None;
    }
    // Upper bounds grow with the threshold; lower bounds with its negation. At an equal
    // threshold, an inclusive bound accepts one value more.
    let sign = if b_old == Bound::Upper { 1.0 } else { -1.0 };
    let ord = (sign * t_new.value)
        .partial_cmp(&(sign * t_old.value))?
        .then(incl_new.cmp(&incl_old));
    (ord != std::cmp::Ordering::Equal).then_some(ord)
}

fn describe_move(
    op_old: CmpOp,
    t_old: Quantity,
    op_new: CmpOp,
    t_new: Quantity,
    how: &str,
) -> String {
    if op_old == op_new {
        let verb = if t_new.value > t_old.value {
            "raised"
        } else {
            "lowered"
        };
        format!("threshold {verb}: {how}")
    } else {
        format!("`{}` became `{}`: {how}", op_old.symbol(), op_new.symbol())
    }
}

/// Items of a list added or removed, compared as multisets of their text.
pub(super) fn items(
    scope: &Scope,
    what: &str,
    old: &[TextItem],
    new: &[TextItem],
    out: &mut Vec<Change>,
) {
    let mut count: HashMap<&str, isize> = HashMap::new();
    for i in new {
        *count.entry(i.text.as_str()).or_default() += 1;
    }
    for i in old {
        *count.entry(i.text.as_str()).or_default() -= 1;
    }
    let mut left = count.clone();
    for i in old {
        let c = left.get_mut(i.text.as_str()).expect("counted");
        if *c < 0 {
            *c += 1;
            out.push(change(
                scope.clone(),
                ChangeKind::ItemRemoved,
                what,
                Some(i.text.clone()),
                None,
                None,
                None,
            ));
        }
    }
    for i in new {
        let c = count.get_mut(i.text.as_str()).expect("counted");
        if *c > 0 {
            *c -= 1;
            out.push(change(
                scope.clone(),
                ChangeKind::ItemAdded,
                what,
                None,
                Some(i.text.clone()),
                None,
                None,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Unit;

    fn q(value: f64) -> Quantity {
        Quantity {
            value,
            unit: Unit::Percent,
        }
    }

    #[test]
    fn a_higher_upper_bound_is_looser_and_a_higher_lower_bound_stricter() {
        use std::cmp::Ordering::{Greater, Less};
        assert_eq!(
            direction(CmpOp::Lt, q(0.1), CmpOp::Lt, q(1.0)),
            Some(Greater)
        );
        assert_eq!(direction(CmpOp::Le, q(10.0), CmpOp::Le, q(5.0)), Some(Less));
        assert_eq!(
            direction(CmpOp::Gt, q(99.0), CmpOp::Gt, q(95.0)),
            Some(Greater)
        );
        assert_eq!(
            direction(CmpOp::Ge, q(95.0), CmpOp::Ge, q(99.0)),
            Some(Less)
        );
        assert_eq!(
            direction(CmpOp::Lt, q(1.0), CmpOp::Le, q(1.0)),
            Some(Greater)
        );
        assert_eq!(direction(CmpOp::Ge, q(1.0), CmpOp::Gt, q(1.0)), Some(Less));
        assert_eq!(direction(CmpOp::Lt, q(1.0), CmpOp::Gt, q(1.0)), None);
        assert_eq!(direction(CmpOp::Eq, q(0.0), CmpOp::Eq, q(1.0)), None);
    }

    #[test]
    fn shorter_means_less_planned_time() {
        use crate::model::Hours;
        let fixed = |d: u64| PhaseDuration::Fixed(Hours(24 * d));
        assert!(is_shorter(fixed(7), fixed(3)));
        assert!(!is_shorter(fixed(3), fixed(7)));
        assert!(is_shorter(PhaseDuration::Indefinite, fixed(3)));
        assert!(!is_shorter(fixed(3), PhaseDuration::Indefinite));
    }
}
