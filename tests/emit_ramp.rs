//! The checklist and the calendar of a plan with shares (`tests/fixtures/payments-ramp.roll`):
//! a change of share is a ramp ("Ramp `payments.v2` from 1% to 5% of `early`"), a decrease a
//! ramp down (rollbacks), a flag's own bucketing "bucketed by `user.id`"; an optional ramp keeps
//! the "Decide whether" wording. A plan without shares keeps its words (`tests/emit.rs`
//! snapshots).

use crate::emit_common;

use emit_common::{compile, compile_text, input};
use rollplan::emit::{self, Target};

const PLAN: &str = "tests/fixtures/payments-ramp.roll";

fn emitted(target: Target) -> String {
    let compiled = compile(PLAN);
    emit::stdout(&input(&compiled, PLAN), target, None).expect("emits")
}

#[test]
fn the_checklist_ramps_up_forward_and_down_in_rollbacks() {
    let out = emitted(Target::Checklist);
    for line in [
        "- [ ] 2027-03-01 Ramp `payments.v2` from 0% to 1% of `early` (`true for 1% of early else false`)",
        "- [ ] 2027-03-02 Ramp `payments.v2` from 1% to 5% of `early` (`true for 5% of early else false`)",
        "- [ ] 2027-03-04 Ramp `payments.v2` from 5% to 25% of `early` when `region == eu` \
         (`true when region == eu for 25% of early, true for 5% of early else false`)",
        "- [ ] 2027-03-07 Ramp `payments.banner` from 0% to 50%, bucketed by `user.id` \
         (`true for 50% by user.id else false`)",
        // canary_5's rollback to canary_1.
        "- [ ] 2027-03-05 Ramp down `payments.ledger_v2` from 1% to 0% of `early` (`false`)",
    ] {
        assert!(
            out.contains(&format!("{line}\n")),
            "no line {line:?} in\n{out}"
        );
    }
    assert!(
        !out.contains("Set `payments."),
        "every change here is a ramp:\n{out}"
    );
    insta::assert_snapshot!("ramp_checklist", out);
}

#[test]
fn the_calendar_describes_each_phase_with_the_same_words() {
    let out = emitted(Target::Ics);
    let unfolded = out.replace("\r\n ", "");
    assert!(unfolded.contains(
        "DESCRIPTION:tests/fixtures/payments-ramp.roll: phase 2 `canary_5`. \
         Ramp `payments.v2` from 1% to 5% of `early` (`true for 5% of early else false`). \
         Ramp `payments.ledger_v2` from 0% to 1% of `early` (`true for 1% of early else false`).\r\n"
    ));
    insta::assert_snapshot!("ramp_ics", out);
}

#[test]
fn an_optional_ramp_is_a_decision_in_the_checklist_and_marked_in_the_calendar() {
    let text = "plan p {\n  start 2027-03-01\n}\n\
        attribute user.id: string\n\
        cohort early by user.id\n\
        flag a: bool = false\n\
        phase one \"one\" {\n  duration 1d\n  set a = true for 5% of early else false\n}\n\
        phase two \"two\" {\n  duration 1d\n  \
        set a = true for 20% of early else false optional \"if support is staffed\"\n}\n";
    let compiled = compile_text("optional.roll", text);
    let checklist = emit::stdout(&input(&compiled, "optional.roll"), Target::Checklist, None)
        .expect("checklist");
    assert!(checklist.contains(
        "- [ ] 2027-03-02 Decide whether to set `a` to `true for 20% of early else false` \
         (if support is staffed): it is optional; if not, it stays `true for 5% of early else false`\n"
    ), "{checklist}");
    let ics = emit::stdout(&input(&compiled, "optional.roll"), Target::Ics, None)
        .expect("ics")
        .replace("\r\n ", "");
    assert!(ics.contains(
        "phase 2 `two`. Optional: Ramp `a` from 5% to 20% of `early` (`true for 20% of early else false`).\r\n"
    ), "{ics}");
}
