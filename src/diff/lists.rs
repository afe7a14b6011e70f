//! Lists of texts (activities, checks, communication, rollback steps, …) compared as
//! multisets: what was removed, then what was added, each in its plan's order.

use std::collections::HashMap;

use super::compare::change;
use super::{Change, ChangeKind, Scope};
use crate::model::TextItem;

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
