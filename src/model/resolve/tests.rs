use std::fmt::Write as _;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile};

/// Resolves `text` and returns each diagnostic with the text its label underlines.
fn diagnose(text: &str) -> Vec<(Diagnostic, String)> {
    let source = SourceFile::new(FileId(0), "t.roll", text);
    let ast = crate::syntax::parse(&source).expect("parses");
    let (_, diagnostics) = super::resolve(&ast, &source);
    diagnostics
        .into_iter()
        .map(|d| {
            let underlined = source.slice(d.primary.span).to_owned();
            (d, underlined)
        })
        .collect()
}

const HEAD: &str =
    "plan p { title \"T\" }\nflag checkout.v2: bool = false\nmetric error_rate: percent\n";

#[test]
fn a_misspelt_flag_gets_did_you_mean_on_the_name() {
    let text = format!("{HEAD}phase a \"A\" {{\n  duration 1w\n  set checkout.v3 = true\n}}\n");
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::UndefinedFlag);
    assert_eq!(d.message, "flag `checkout.v3` is not declared");
    assert_eq!(underlined, "checkout.v3");
    assert_eq!(d.primary.text, "undeclared flag");
    assert_eq!(d.help, "did you mean `checkout.v2`?");
}

#[test]
fn a_plan_level_on_fail_problem_is_reported_once_not_per_phase() {
    let text = format!(
        "{HEAD}on_fail extend 0d max 0 then rollback nowhere\n\
         phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true\n}}\n\
         phase b \"B\" {{\n  duration 1w\n  set checkout.v2 = false\n}}\n"
    );
    let found: Vec<(Code, String)> = diagnose(&text)
        .into_iter()
        .map(|(d, underlined)| (d.code, underlined))
        .collect();
    assert_eq!(
        found,
        [
            (Code::InvalidDuration, "0d".to_owned()),
            (Code::UndefinedPhase, "nowhere".to_owned()),
            (Code::InvalidNumber, "0".to_owned()),
        ]
    );
}

#[test]
fn an_undeclared_metric_is_offered_in_the_unit_its_threshold_uses() {
    let text = format!(
        "{HEAD}phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true\n  gate latency_p99 <= 250ms \"Fast\"\n}}\n"
    );
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::UndefinedMetric);
    assert_eq!(underlined, "latency_p99");
    assert_eq!(
        d.help,
        "declare it: `metric latency_p99: ms \"what it measures\"`"
    );
}

#[test]
fn a_scoped_value_on_an_undeclared_attribute_points_at_the_attribute() {
    let text = format!(
        "{HEAD}attribute http.method: string\nphase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true when http.methd == \"GET\" else false\n}}\n"
    );
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::UndefinedAttribute);
    assert_eq!(d.message, "context attribute `http.methd` is not declared");
    assert_eq!(underlined, "http.methd");
    assert_eq!(d.help, "did you mean `http.method`?");
}

#[test]
fn a_wrong_type_points_at_the_value_and_the_declaration() {
    let text = format!("{HEAD}phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = \"yes\"\n}}\n");
    let source = SourceFile::new(FileId(0), "t.roll", text.as_str());
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::TypeMismatch);
    assert_eq!(d.message, "flag `checkout.v2` takes a bool, found a string");
    assert_eq!(underlined, "\"yes\"");
    assert_eq!(source.slice(d.related[0].span), "checkout.v2");
    assert_eq!(d.related[0].text, "declared as bool here");
    assert_eq!(d.help, "write `true` or `false`");
}

#[test]
fn a_second_declaration_is_labelled_and_the_first_is_related() {
    let text = format!(
        "{HEAD}flag checkout.v2: bool = true\nphase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true\n}}\n"
    );
    let source = SourceFile::new(FileId(0), "t.roll", text.as_str());
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::DuplicateName);
    assert_eq!(d.message, "flag `checkout.v2` is declared twice");
    assert_eq!(underlined, "checkout.v2");
    assert!(d.primary.span.start > d.related[0].span.start);
    assert_eq!(source.slice(d.related[0].span), "checkout.v2");
    assert_eq!(d.related[0].text, "first declared here");
    assert_eq!(d.help, "rename one of them, or delete the second flag");
}

#[test]
fn an_attribute_in_an_invariant_is_not_told_to_be_declared() {
    let text = format!(
        "{HEAD}attribute region: string\ninvariant i: region -> checkout.v2\n\
         phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true\n}}\n"
    );
    let source = SourceFile::new(FileId(0), "t.roll", text.as_str());
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::UndefinedFlag);
    assert_eq!(underlined, "region");
    assert_eq!(source.slice(d.related[0].span), "region");
    assert_eq!(d.related[0].text, "`region` is a context attribute");
    assert!(
        d.help.starts_with("invariants and `set` range over flags"),
        "{}",
        d.help
    );
}

#[test]
fn two_gates_on_one_metric_are_not_told_to_rename_one() {
    let text = format!(
        "{HEAD}phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true\n  \
         gate error_rate < 1%\n  gate error_rate < 2%\n}}\n"
    );
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::DuplicateName);
    assert_eq!(d.message, "metric `error_rate` is gated twice in one phase");
    assert_eq!(underlined, "error_rate");
    assert!(!d.help.contains("rename"), "{}", d.help);
    assert!(d.help.starts_with("a phase checks each metric once"));
}

#[test]
fn a_threshold_too_large_for_a_float_is_an_invalid_number() {
    let huge = format!("1{}%", "0".repeat(400));
    let text = format!(
        "{HEAD}phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = true\n  \
         gate error_rate < {huge}\n}}\n"
    );
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::InvalidNumber);
    assert_eq!(underlined, &huge);
    assert_eq!(d.primary.text, "out of range");
}

#[test]
fn a_timeline_past_the_last_day_of_the_calendar_is_an_invalid_date() {
    let text = "plan p { start 9999-12-20 }\nflag f: bool = false\n\
                phase a \"A\" {\n  duration 1w\n  set f = true\n}\n\
                phase b \"B\" {\n  duration 1w\n  set f = false\n}\n";
    let found = diagnose(text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::InvalidDate);
    assert_eq!(
        d.message,
        "phase `b` would end after 9999-12-31, the last day the calendar holds"
    );
    assert_eq!(underlined, "1w");
    assert_eq!(d.primary.text, "runs 7 days from 9999-12-27");
}

#[test]
fn a_missing_duration_points_at_the_phase_and_its_closing_brace() {
    let text = format!("{HEAD}phase a \"A\" {{\n  set checkout.v2 = true\n}}\n");
    let source = SourceFile::new(FileId(0), "t.roll", text.as_str());
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::MissingDuration);
    assert_eq!(d.message, "phase `a` has no `duration`");
    assert_eq!(underlined, "a");
    assert_eq!(source.slice(d.related[0].span), "}");
    assert!(d.help.starts_with("say how long the phase runs"));
}

/// A statement given twice is its own code, not a name declared twice: `duration` has no name
/// to rename.
#[test]
fn a_second_duration_is_a_repeated_statement() {
    let text = format!(
        "{HEAD}phase a \"A\" {{\n  duration 1w\n  duration 2w\n  set checkout.v2 = true\n}}\n"
    );
    let source = SourceFile::new(FileId(0), "t.roll", text.as_str());
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::RepeatedStatement);
    assert_eq!(d.message, "`duration` is given twice in a phase");
    assert_eq!(underlined, "2w");
    assert_eq!(source.slice(d.related[0].span), "1w");
    assert_eq!(d.related[0].text, "first given here");
    assert_eq!(
        d.help,
        "a phase takes one `duration`: keep the one you mean and delete the other"
    );
}

/// The phase limits are their own code, not an `invalid_number`: no number was written wrong.
#[test]
fn too_many_optional_values_is_too_many_variants() {
    let flags = (0..7).fold(String::new(), |mut out, i| {
        let _ = writeln!(out, "flag f{i}: bool = false");
        out
    });
    let sets = (0..7).fold(String::new(), |mut out, i| {
        let _ = writeln!(out, "  set f{i} = true optional");
        out
    });
    let text = format!("{HEAD}{flags}phase a \"A\" {{\n  duration 1w\n{sets}}}\n");
    let found = diagnose(&text);
    let [(d, underlined)] = found.as_slice() else {
        panic!("{found:?}")
    };
    assert_eq!(d.code, Code::TooManyVariants);
    assert_eq!(
        d.message,
        "phase `a` has 7 optional values; at most 6 are checked"
    );
    assert_eq!(underlined, "set f6 = true optional");
    assert_eq!(d.primary.text, "one optional value too many");
}
