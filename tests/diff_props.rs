//! Properties of `rollplan diff` over generated pairs of plans: it never panics, a plan compared
//! with itself has no change, "no change" is symmetric, and every output format renders (JSON
//! parses, Markdown stays under GitHub's limit).

use std::fmt::Write as _;

use proptest::prelude::*;
use rollplan::diff::{Side, diff, human, json, markdown};
use rollplan::source::SourceMap;

#[derive(Debug, Clone)]
struct GenPhase {
    id: usize,
    days: u8,
    sets: Vec<(usize, bool)>,
    gate: Option<(usize, u8)>,
    on_fail: u8,
    activity: bool,
}

fn phase() -> impl Strategy<Value = GenPhase> {
    (
        0usize..12,
        1u8..10,
        proptest::collection::vec((0usize..3, any::<bool>()), 0..3),
        proptest::option::of((0usize..4, 0u8..5)),
        0u8..3,
        any::<bool>(),
    )
        .prop_map(|(id, days, sets, gate, on_fail, activity)| GenPhase {
            id,
            days,
            sets,
            gate,
            on_fail,
            activity,
        })
}

fn plan_text(phases: &[GenPhase], invariant: bool) -> String {
    let mut s = String::from(
        "plan gen {\n  start 2027-02-01\n}\nflag f0: bool = false\nflag f1: bool = false\nflag f2: bool = false\nmetric m: percent\n",
    );
    if invariant {
        s.push_str("invariant inv: f1 -> f0\n");
    }
    let mut seen = std::collections::HashSet::new();
    for (i, p) in phases.iter().enumerate() {
        if !seen.insert(p.id) {
            continue;
        }
        let _ = writeln!(
            s,
            "phase p{} \"Phase {}\" {{\n  duration {}d",
            p.id, p.id, p.days
        );
        let mut set_flags = std::collections::HashSet::new();
        for (f, v) in &p.sets {
            if set_flags.insert(*f) {
                let _ = writeln!(s, "  set f{f} = {v}");
            }
        }
        if let Some((op, t)) = p.gate {
            let op = ["<", "<=", ">", ">="][op];
            let _ = writeln!(s, "  gate m {op} {t}%");
        }
        match p.on_fail {
            0 => s.push_str("  on_fail extend 1d\n"),
            1 => s.push_str("  on_fail rollback start\n"),
            _ if i > 0 => s.push_str("  on_fail extend 1d max 1 then rollback previous\n"),
            _ => {}
        }
        if p.activity {
            s.push_str("  activity \"Watch\"\n");
        }
        s.push_str("}\n");
    }
    s
}

fn side(name: &str, text: &str) -> Side {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    Side::compile(&sources, file).unwrap_or_else(|e| panic!("{text}\n{e:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn diff_is_total_reflexive_and_renders(
        a in proptest::collection::vec(phase(), 1..7),
        b in proptest::collection::vec(phase(), 1..7),
        inv_a in any::<bool>(),
        inv_b in any::<bool>(),
    ) {
        let (ta, tb) = (plan_text(&a, inv_a), plan_text(&b, inv_b));
        let (old, new) = (side("a", &ta), side("b", &tb));
        prop_assert!(diff(&old, &side("a2", &ta)).is_empty());
        let forward = diff(&old, &new);
        let backward = diff(&new, &old);
        prop_assert_eq!(forward.is_empty(), backward.is_empty());
        let value: serde_json::Value = serde_json::from_str(&json::render(&forward)).unwrap();
        prop_assert_eq!(value["changed"].as_bool(), Some(!forward.is_empty()));
        prop_assert!(markdown::render(&forward).len() <= markdown::GITHUB_COMMENT_LIMIT);
        let text = human::render(&forward, false);
        let expected = if forward.is_empty() { "no semantic change" } else { "change" };
        prop_assert!(text.contains(expected), "{}", text);
    }
}
