//! Gates of a matched pair of phases, by name: added, removed, and for a changed criterion
//! whether it is stricter or looser. For `<` and `<=` a higher threshold lets more through; for
//! `>` and `>=` a lower one does; at an equal threshold the inclusive operator is the looser.
//! Any other change of comparison has no clear direction and counts as risky.

use std::collections::HashMap;

use super::compare::{PhasePair, Sides, change};
use super::{Change, ChangeKind, Risk, text};
use crate::model::{Criterion, Gate, Plan, Quantity};
use crate::syntax::ast::CmpOp;

pub(super) fn gates(sides: &Sides<'_>, pair: &PhasePair<'_>, out: &mut Vec<Change>) {
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
        window_change(pair, before, g, out);
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

/// A changed `over` window. Every sample of the window must hold (`docs/gates.md`), so a longer
/// window is stricter and a shorter one, or the instant value, looser.
fn window_change(pair: &PhasePair<'_>, before: &Gate, after: &Gate, out: &mut Vec<Change>) {
    let length = |g: &Gate| g.window.map(|w| w.length);
    let (a, b) = (length(before), length(after));
    if a == b {
        return;
    }
    let show = |w: Option<crate::model::Minutes>| {
        w.map_or_else(|| "instant".to_owned(), |w| format!("over {w}"))
    };
    // `None` (the instant value, one sample) orders before every window.
    let (kind, note, risk) = if b > a {
        (
            ChangeKind::GateTightened,
            "longer window: more samples must hold: stricter",
            None,
        )
    } else {
        (
            ChangeKind::GateLoosened,
            "shorter window: fewer samples must hold: looser",
            Some(Risk::LoosenedGate),
        )
    };
    out.push(change(
        pair.scope.clone(),
        kind,
        format!("gate `{}` window", after.id),
        Some(show(a)),
        Some(show(b)),
        Some(note.to_owned()),
        risk,
    ));
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
}
