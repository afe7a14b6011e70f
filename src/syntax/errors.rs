//! pest errors to [`Diagnostic`]s: the position becomes a span, and what pest expected (rules
//! and literal tokens) becomes words a plan author knows.

use std::collections::BTreeSet;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::grammar::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;

pub(super) fn to_diagnostic(error: &Error<Rule>, source: &SourceFile, offset: usize) -> Diagnostic {
    let text: &str = &source.text;
    let reported = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
    };
    // In detail mode pest also tracks the literal tokens it tried at the furthest position it
    // reached; that position is the more precise one when it lies further.
    let attempts = error
        .parse_attempts()
        .filter(|a| a.max_position >= reported);
    let position = attempts.as_ref().map_or(reported, |a| a.max_position);
    let at = (offset + position).min(text.len());
    let found = found_at(text, at);
    let span = source.span(at..at + found.len());

    let mut expected: BTreeSet<String> = BTreeSet::new();
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        if position == reported {
            expected.extend(
                positives
                    .iter()
                    .filter_map(|r| rule_in_words(*r))
                    .map(str::to_owned),
            );
        }
    }
    if let Some(attempts) = &attempts {
        for token in attempts.expected_tokens() {
            // `ParsingToken` is not exported; its text is the literal token, or a marker for
            // built-in rules and character ranges, which say nothing to a plan author, nor do
            // whitespace and the characters that start comments and strings.
            let token = token.to_string();
            let noise = token == "BUILTIN_RULE"
                || token.contains("..")
                || token
                    .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .is_empty()
                || matches!(token.as_str(), "#" | "\"" | "\\" | "-");
            if !noise {
                expected.insert(format!("`{token}`"));
            }
        }
        // The enclosing rules of a failed token say little ("expected `flag`" inside a flag
        // declaration), so they only speak when no token or rule is known.
        if expected.is_empty() {
            for stack in attempts.call_stacks() {
                // `ParseAttempt` is not exported either: `get_rule` is its public face.
                if let Some(rule) = stack.deepest.get_rule() {
                    expected.extend(rule_in_words(*rule).map(str::to_owned));
                }
            }
        }
    }
    let expected: Vec<String> = expected.into_iter().collect();
    let expected_words = match expected.as_slice() {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    let found_words = if found.is_empty() {
        "the end of the file".to_owned()
    } else {
        format!("`{found}`")
    };
    let label = format!("expected {expected_words}");
    Diagnostic::new(
        Code::SyntaxError,
        format!("expected {expected_words}, found {found_words}"),
        span,
        label,
    )
    .help(help_for(&expected, found))
}

/// The token at `at`: a word, a number, or one character; empty at the end of the file.
fn found_at(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let Some(first) = rest.chars().next() else {
        return "";
    };
    if first.is_alphanumeric() || first == '_' {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        &rest[..end.min(40)]
    } else {
        &rest[..first.len_utf8()]
    }
}

fn help_for(expected: &[String], found: &str) -> String {
    if found.is_empty() {
        return "the plan ends too early: close every `{` with `}` and finish the last statement"
            .to_owned();
    }
    if expected.iter().any(|e| e == "`}`") {
        return "a statement is misspelt, or a block is missing its closing `}`; see docs/language.md for the statements each block takes".to_owned();
    }
    "see docs/language.md for the syntax of this statement".to_owned()
}

fn rule_in_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::ident | Rule::rollback_target => "a name",
        Rule::key => "a flag or attribute name",
        Rule::string => "a string in double quotes",
        Rule::value => "a value (true, false, a number, a string or a name)",
        Rule::bool_lit => "`true` or `false`",
        Rule::flag_type => "a type (bool, int, string or enum(...))",
        Rule::unit => "a unit (percent, ms, count or ratio)",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::duration_lit => "a duration (like 2w, 3d or 12h)",
        Rule::duration_spec => "a duration (2w, 1w..2w or indefinite)",
        Rule::number | Rule::num_lit | Rule::integer => "a number",
        Rule::quantity => "a threshold (like 0.1%, 250ms or 0)",
        Rule::expr | Rule::implies | Rule::or_expr | Rule::and_expr | Rule::unary => "a formula",
        Rule::comparison => "a comparison",
        Rule::gate_cmp => "a comparison operator (<, <=, >, >=, == or !=)",
        Rule::cmp_eq => "`==` or `!=`",
        Rule::moment => "`before` or `after`",
        Rule::plan_block => "`plan`",
        Rule::attribute_decl => "`attribute`",
        Rule::flag_decl => "`flag`",
        Rule::metric_decl => "`metric`",
        Rule::invariant_decl => "`invariant`",
        Rule::phase_block => "`phase`",
        Rule::on_fail_stmt => "`on_fail`",
        Rule::set_stmt => "`set`",
        Rule::gate_stmt => "`gate`",
        Rule::duration_stmt => "`duration`",
        Rule::activity_stmt => "`activity`",
        Rule::condition => "a condition (attribute == value)",
        Rule::inconclusive_action => "`wait`, `extend` or `fail`",
        Rule::rollback_action => "`rollback`",
        Rule::optional_mark => "`optional`",
        _ => return None,
    })
}
