//! The checklist of `plans/entity.roll` against the seed document's own lists: every
//! communication, activity, validation, contingency and rollback item, in every phase it
//! belongs to, dated from the planned timeline; the gates with their thresholds; and the flag
//! flips in the order the analysis proved safe.

use crate::emit_common;

use emit_common::{compile, input};
use rollplan::emit::{self, Target};
use rollplan::model::PhaseId;

const BEFORE: [&str; 3] = [
    "Send an announcement to all users",
    "Update documentation with new features",
    "Provide training materials for new functionality",
];
const AFTER: [&str; 3] = [
    "Share metrics and success criteria results",
    "Address any issues or questions",
    "Announce the timeline for the next phase",
];
const VALIDATION: [&str; 5] = [
    "Run automated tests to verify functionality",
    "Perform manual testing of key operations",
    "Validate data consistency between systems",
    "Review logs for any unexpected errors",
    "Benchmark performance against baseline metrics",
];
const ROLLBACK: [&str; 4] = [
    "Revert configurations to the previous phase",
    "Deploy an emergency fix if necessary",
    "Analyze the issue and determine if it requires architectural changes",
    "Update the rollout plan accordingly",
];
const CONTINGENCY: [&str; 4] = [
    "Extend the phase for further testing and fixes",
    "Consider rolling back to the previous phase",
    "Revise the implementation to address issues",
    "Update the rollout plan with revised timelines",
];
/// The seed's activities, phase by phase.
const ACTIVITIES: [&[&str]; 5] = [
    &[
        "Complete development of entity relationship functionality",
        "Run comprehensive unit and integration tests",
        "Verify backward compatibility with existing issue-based system",
        "Run migration tools in dry-run mode",
        "Fix any identified issues",
    ],
    &[
        "Deploy to production with read-only entity endpoints",
        "Run dual-write mode to populate entity relationships",
        "Monitor performance and error rates",
        "Run actual migration for existing dependencies",
        "Verify data consistency between issue dependencies and entity relationships",
    ],
    &[
        "Enable full entity relationship functionality",
        "Continue dual-write mode to ensure data consistency",
        "Monitor error rates, performance, and usage metrics",
        "Fix any issues identified",
        "Prepare for transition to entity-based repositories",
    ],
    &[
        "Switch to entity-based repository implementation",
        "Continue dual-write for safety",
        "Monitor performance and functionality",
        "Final validation of entity-based architecture",
    ],
    &[
        "Optionally disable dual-write mode to save resources",
        "Complete transition to entity-based architecture",
        "Remove legacy code if appropriate",
    ],
];
/// Planned (start, end) of each phase from 2026-12-01, as `tests/seed.rs` proves; the rollback
/// day is the end plus two one-week extensions.
const DATES: [(&str, Option<&str>, Option<&str>); 5] = [
    ("2026-12-01", Some("2026-12-15"), Some("2026-12-29")),
    ("2026-12-15", Some("2026-12-22"), Some("2027-01-05")),
    ("2026-12-22", Some("2027-01-05"), Some("2027-01-19")),
    ("2027-01-05", Some("2027-01-12"), Some("2027-01-26")),
    ("2027-01-12", None, None),
];

fn task(date: Option<&str>, text: &str) -> String {
    match date {
        Some(d) => format!("- [ ] {d} {text}\n"),
        None => format!("- [ ] open-ended: {text}\n"),
    }
}

fn phase_checklist(phase: usize) -> String {
    let c = compile("plans/entity.roll");
    let input = input(&c, "plans/entity.roll");
    let config = input.phase_config(PhaseId(phase));
    emit::document(&input, Target::Checklist, &config).unwrap()
}

#[test]
fn every_seed_item_is_in_every_phase_with_its_date() {
    for (p, (start, end, rollback)) in DATES.iter().enumerate() {
        let text = phase_checklist(p);
        let mut expected: Vec<String> = Vec::new();
        expected.extend(BEFORE.iter().map(|t| task(Some(start), t)));
        expected.extend(ACTIVITIES[p].iter().map(|t| task(Some(start), t)));
        expected.extend(VALIDATION.iter().map(|t| task(*end, t)));
        expected.extend(AFTER.iter().map(|t| task(*end, t)));
        expected.extend(CONTINGENCY.iter().map(|t| task(*end, t)));
        if rollback.is_some() {
            expected.extend(ROLLBACK.iter().map(|t| task(*rollback, t)));
        }
        for line in expected {
            assert!(
                text.contains(&line),
                "phase {}: missing {line:?}\n{text}",
                p + 1
            );
        }
    }
}

#[test]
fn the_whole_plan_checklist_holds_every_phase() {
    let c = compile("plans/entity.roll");
    let whole = emit::stdout(&input(&c, "plans/entity.roll"), Target::Checklist, None).unwrap();
    for p in 0..5 {
        let section = phase_checklist(p);
        let body = &section[section.find("\n## ").unwrap()..];
        assert!(
            whole.contains(body),
            "phase {} is not in the whole checklist",
            p + 1
        );
    }
    let tasks = whole.lines().filter(|l| l.starts_with("- [ ] ")).count();
    // 3+3 communication, 5 validation, 4 contingency, 10 monitor items and 3 gates per phase;
    // activities 5+5+5+4+3; rollback steps and flips where a phase rolls back; the optional.
    assert!(tasks > 5 * (3 + 3 + 5 + 4 + 10 + 3) + 22, "{tasks} tasks");
}

#[test]
fn gates_carry_their_thresholds() {
    let text = phase_checklist(2);
    assert!(text.contains("- [ ] 2027-01-05 Error rates below 0.1% (`error_rate < 0.1%`)\n"));
    assert!(text.contains(
        "- [ ] 2027-01-05 Performance within 10% of baseline (`latency_delta <= 10%`)\n"
    ));
    assert!(text.contains("- [ ] 2027-01-05 All data operations preserve consistency (`consistency_preserved`, checked by a person)\n"));
}

#[test]
fn flips_follow_the_proven_safe_order() {
    // The invariants force master switch, then relationships, then dual-write on the way in,
    // and the reverse on the way back to the start.
    let text = phase_checklist(0);
    let flips = |heading: &str| -> Vec<String> {
        let from = text.find(heading).unwrap();
        text[from..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with("- [ ]"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        flips("### Flag changes, one at a time in this order"),
        [
            "- [ ] 2026-12-01 Set `entity.enabled` to `true`",
            "- [ ] 2026-12-01 Set `entity.relationships_enabled` to `true`",
            "- [ ] 2026-12-01 Set `entity.dual_write_enabled` to `true`",
        ]
    );
    assert_eq!(
        flips("Flag changes back to `start`, one at a time in this order:"),
        [
            "- [ ] 2026-12-29 Set `entity.dual_write_enabled` to `false`",
            "- [ ] 2026-12-29 Set `entity.relationships_enabled` to `false`",
            "- [ ] 2026-12-29 Set `entity.enabled` to `false`",
        ]
    );
    let read_only = phase_checklist(1);
    assert!(read_only.contains(
        "- [ ] 2026-12-15 Set `entity.handler_enabled` to `true when http.method == \"GET\" else false`\n"
    ));
    let completion = phase_checklist(4);
    assert!(completion.contains("- [ ] 2027-01-12 Decide whether to set `entity.dual_write_enabled` to `false` (based on stability): it is optional; if not, it stays `true`\n"));
}

#[test]
fn the_calendar_has_an_event_per_phase_and_communication_item() {
    let c = compile("plans/entity.roll");
    let ics = emit::stdout(&input(&c, "plans/entity.roll"), Target::Ics, None).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "a bare LF");
    // 5 phases, 3 before-items each, 3 after-items for the 4 phases that end.
    assert_eq!(ics.matches("BEGIN:VEVENT\r\n").count(), 5 + 5 * 3 + 4 * 3);
    let mut uids: Vec<&str> = ics.lines().filter(|l| l.starts_with("UID:")).collect();
    let all = uids.len();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), all, "UIDs are unique");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261215\r\nDTEND;VALUE=DATE:20261222\r\nSUMMARY:Phase 2: Limited Production (Read-only) (read_only)\r\n"));
    assert!(ics.contains("DTSTART;VALUE=DATE:20261215\r\nDTEND;VALUE=DATE:20261216\r\nSUMMARY:Announce the timeline for the next phase\r\n"));
}

/// Issue 13.12: a section with nothing in it has no heading; an optional value is one "decide"
/// box, not also a "Set" box; enum variants are written bare, as a plan writes them.
#[test]
fn checklist_sections_optional_values_and_enums_read_as_a_plan() {
    let c = compile("tests/clients/plans/scopes.roll");
    let whole = emit::stdout(&input(&c, "scopes.roll"), Target::Checklist, None).unwrap();
    let lines: Vec<&str> = whole.lines().filter(|l| !l.is_empty()).collect();
    for pair in lines.windows(2) {
        assert!(
            !(pair[0].starts_with("### ") && pair[1].starts_with('#')),
            "empty section `{}`",
            pair[0]
        );
    }
    assert!(
        whole.contains("Set `search.ranking` to `learned when region != \"us\" else classic`"),
        "{whole}"
    );
    assert!(
        whole.contains("Set `search.ranking` to `hybrid`"),
        "{whole}"
    );
    let wide = emit::document(
        &input(&c, "scopes.roll"),
        Target::Checklist,
        &input(&c, "scopes.roll").phase_config(PhaseId(1)),
    )
    .unwrap();
    let advance = wide.split("### If a gate fails").next().unwrap();
    assert_eq!(advance.matches("`banner`").count(), 1, "{wide}");
    assert!(wide.contains("Decide whether to set `banner` to `\"none\"` (keep the banner while support asks for it): it is optional; if not, it stays `\"Try the new search\" when region in [\"eu\", \"apac\"] else \"none\"`"), "{wide}");
}
