//! pest errors to [`Diagnostic`]s: the position becomes a span, and what pest expected (rules
//! and literal tokens) becomes words a plan author knows.
//!
//! The error points at the furthest position the parser reached (pest's detailed attempts), not
//! at the start of the rule that failed: `flag a: bool false` is wrong at `false`, not at `flag`.
//! A few shapes of mistake get a help line of their own: a misspelt keyword (did you mean), a
//! keyword used as a name, a unit written as a word after a threshold, a word that runs on past a
//! keyword, and a string left open that swallowed the lines after it.

use std::collections::BTreeSet;

use pest::error::{Error, ErrorVariant, InputLocation};

use pest::Parser as _;

use super::grammar::{RollplanParser, Rule};
use crate::diagnostic::problem::{ReadProblem, SyntaxHint, SyntaxShape};
use crate::diagnostic::{Diagnostic, Problem, suggest};
use crate::source::SourceFile;

/// Alternatives listed in the label; past this many the label only names what was found.
const LABEL_ALTERNATIVES: usize = 3;

pub(super) fn to_diagnostic(error: &Error<Rule>, source: &SourceFile, offset: usize) -> Diagnostic {
    let text: &str = &source.text;
    let (relative, rules, tokens) = attempted(error);
    let at = (offset + relative).min(text.len());
    let expected = expected_words(&rules, &tokens);
    let expected_words = match expected.as_slice() {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    let shape = Shape::at(text, at);
    let (start, found) = match shape {
        Shape::RunsOn { word_start } | Shape::KeywordAsName { word_start } => {
            (word_start, found_at(text, word_start))
        }
        Shape::CutShort { word_start } => (word_start, &text[word_start..at]),
        Shape::Plain => (at, found_at(text, at)),
    };
    let span = source.span(start..start + found.len());
    let found_words = blank_in_words(found).map_or_else(|| format!("`{found}`"), str::to_owned);
    let unknown_unit = match shape {
        Shape::RunsOn { word_start } => unknown_duration_unit(&text[word_start..at], &rules),
        _ => false,
    };
    let problem = match shape {
        Shape::RunsOn { .. } if unknown_unit => SyntaxShape::UnknownUnit {
            found: found_words,
            unit: found_at(text, at).to_owned(),
        },
        Shape::RunsOn { word_start } => SyntaxShape::RunsOn {
            found: found_words,
            keyword: text[word_start..at].to_owned(),
            rest: found_at(text, at).to_owned(),
        },
        Shape::CutShort { .. } => SyntaxShape::CutShort {
            expected: expected_words,
            found: found_words,
            next: blank_in_words(found_at(text, at))
                .unwrap_or("a space")
                .to_owned(),
        },
        _ => SyntaxShape::Expected {
            listed: expected.len() <= LABEL_ALTERNATIVES,
            expected: expected_words,
            found: found_words,
        },
    };
    let hint = if unknown_unit {
        SyntaxHint::LengthUnit
    } else if let Shape::RunsOn { word_start } = shape {
        SyntaxHint::KeywordEnds {
            keyword: text[word_start..at].to_owned(),
        }
    } else if let Some(open) = unclosed_string(text, at) {
        SyntaxHint::UnclosedString {
            open: source.span(open..open + 1),
            line: source.line_col(open).0,
        }
    } else if let Some((keyword, keyword_at)) = item_swallowed(text, start) {
        SyntaxHint::Swallowed {
            keyword,
            at: source.span(keyword_at..keyword_at + keyword.len()),
        }
    } else {
        help_for(&expected, &tokens, found, text, start)
    };
    ReadProblem::Syntax {
        shape: problem,
        hint,
    }
    .at(span)
}

/// Whether a run-on word is a number where a length was expected (`90x`, `30min`): the unit
/// is what is wrong, not where the word ends.
fn unknown_duration_unit(number: &str, rules: &[Rule]) -> bool {
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && rules.contains(&Rule::duration_lit)
}

/// Where the parser got furthest (relative to the parsed slice), the rules it tried there that
/// have a name in words, and the literal tokens it tried.
fn attempted(error: &Error<Rule>) -> (usize, Vec<Rule>, Vec<String>) {
    let location = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
    };
    let positives: &[Rule] = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    let mut rules: Vec<Rule> = Vec::new();
    let mut tokens: Vec<String> = Vec::new();
    let relative = if let Some(attempts) = error.parse_attempts() {
        // The deepest rule of a call stack is the rule a token was tried in: a value or a
        // name is what was expected, but a statement rule (`flag_decl`) only contains the
        // token that was, which the tokens list names.
        rules.extend(
            attempts
                .call_stacks()
                .iter()
                .filter_map(|c| c.deepest.get_rule().copied())
                .filter(|r| rule_in_words(*r).is_some_and(|w| !w.starts_with('`'))),
        );
        // `ParsingToken` is not exported; its text is the literal token, `a..z` for a
        // character range, or a marker for built-in rules.
        tokens.extend(attempts.expected_tokens().iter().map(ToString::to_string));
        if attempts.max_position == location {
            // The tokens name keywords and punctuation already; keep the worded rules only.
            rules.extend(
                positives
                    .iter()
                    .filter(|r| rule_in_words(**r).is_some_and(|w| !w.starts_with('`'))),
            );
        }
        attempts.max_position
    } else {
        rules.extend_from_slice(positives);
        location
    };
    (relative, rules, tokens)
}

/// Where a syntax error sits relative to the word around it.
#[derive(Clone, Copy)]
enum Shape {
    /// At a token boundary.
    Plain,
    /// Inside a word: a keyword matched its start (`percent` in `percentage`).
    RunsOn { word_start: usize },
    /// Right after a reserved word where a name belongs (`flag when: …`).
    KeywordAsName { word_start: usize },
    /// At a space right after a token that needed more (`1` in `duration 1 week`).
    CutShort { word_start: usize },
}

impl Shape {
    fn at(text: &str, at: usize) -> Shape {
        let word_start = text[..at].rfind(|c: char| !is_word_char(c)).map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
        if word_start == at {
            return Shape::Plain;
        }
        let next = text[at..].chars().next();
        if next.is_some_and(is_word_char) {
            Shape::RunsOn { word_start }
        } else if super::RESERVED_WORDS.contains(&&text[word_start..at]) {
            // pest fails after the keyword, inside the grammar's `!keyword` check.
            Shape::KeywordAsName { word_start }
        } else if next.is_some_and(char::is_whitespace) {
            Shape::CutShort { word_start }
        } else {
            Shape::Plain
        }
    }
}

/// The top-level keyword that starts (unindented) the line of `at`, when the statement before
/// did not end and the parser read the keyword as part of it: parsed on its own, the item on
/// this line gets past `at`.
fn item_swallowed(text: &str, at: usize) -> Option<(&'static str, usize)> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    let keyword = super::ITEM_KEYWORDS.iter().find(|k| {
        line.strip_prefix(**k)
            .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    })?;
    // Only up to the next item: the check stays linear however many errors a file has.
    let end = super::resume_point(text, at).unwrap_or(text.len());
    let gets_past = match RollplanParser::parse(Rule::file, &text[line_start..end]) {
        Ok(_) => true,
        Err(e) => match e.location {
            InputLocation::Pos(p) | InputLocation::Span((p, _)) => line_start + p > at,
        },
    };
    (line_start > 0 && gets_past).then_some((*keyword, line_start))
}

/// The end of the file or a whitespace character in words: a raw line break or tab in a
/// message would break the line it is printed on.
fn blank_in_words(found: &str) -> Option<&'static str> {
    match found {
        "" => Some("the end of the file"),
        "\n" | "\r" => Some("a line break"),
        "\t" => Some("a tab"),
        " " => Some("a space"),
        _ => None,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// What was expected, in words: rules as a plan author names them, literal tokens in backticks,
/// and nothing for the characters that may start a comment, a name or a number.
fn expected_words(rules: &[Rule], tokens: &[String]) -> Vec<String> {
    let mut expected: BTreeSet<String> = rules
        .iter()
        .filter_map(|r| rule_in_words(*r))
        .map(str::to_owned)
        .collect();
    // A value rule in the list already names its `true` and `false`.
    let values_named = rules
        .iter()
        .any(|r| matches!(r, Rule::value | Rule::bool_lit | Rule::set_value));
    for token in tokens {
        let noise = token
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .is_empty()
            || ["BUILTIN_RULE", "#", "\"", "\\", "-", "_"].contains(&token.as_str())
            || is_char_range(token)
            || (values_named && (token == "true" || token == "false"));
        if !noise {
            expected.insert(format!("`{token}`"));
        }
    }
    // A comparison operator is one phrase, not six tokens.
    if expected.contains(COMPARISON_OPERATOR) {
        for op in ["==", "!=", "<", "<=", ">", ">="] {
            expected.remove(&format!("`{op}`"));
        }
    }
    // Where an item may end, every top-level keyword may follow: one phrase says it.
    let items: Vec<String> = super::ITEM_KEYWORDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect();
    if items.iter().all(|k| expected.contains(k)) {
        for k in &items {
            expected.remove(k);
        }
        expected.insert("a new item (`flag`, `phase`, …)".to_owned());
    }
    expected.into_iter().collect()
}

/// Whether a token is pest's rendering of a character range, like `a..z`.
fn is_char_range(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    chars.len() == 4 && chars[1] == '.' && chars[2] == '.'
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
        let mut end = end.min(40);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        &rest[..end]
    } else {
        &rest[..first.len_utf8()]
    }
}

/// The opening quote of a string that ends right before `at` and spans several lines: most
/// likely a string left open, which swallowed text up to the next quote.
fn unclosed_string(text: &str, at: usize) -> Option<usize> {
    let before = text[..at].trim_end();
    let body = before.strip_suffix('"')?;
    let open = body.rfind('"')?;
    body[open..].contains('\n').then_some(open)
}

fn help_for(
    expected: &[String],
    tokens: &[String],
    found: &str,
    text: &str,
    at: usize,
) -> SyntaxHint {
    if found.is_empty() {
        return SyntaxHint::EndsEarly;
    }
    let name_expected = expected.iter().any(|e| e.contains("name"));
    if name_expected && !found.is_ascii() {
        return SyntaxHint::NonAsciiName;
    }
    if name_expected && super::RESERVED_WORDS.contains(&found) {
        return SyntaxHint::KeywordAsName {
            keyword: found.to_owned(),
        };
    }
    let after_number = text[..at]
        .trim_end()
        .ends_with(|c: char| c.is_ascii_digit());
    if after_number && matches!(found, "percent" | "ms" | "count" | "ratio") {
        return SyntaxHint::UnitAsWord;
    }
    // `=` for `==`, `-` for `->`, `&` for `&&`: a token one character short.
    if let Some(longer) = tokens.iter().find(|t| {
        t.len() > found.len() && t.starts_with(found) && !t.starts_with(char::is_alphanumeric)
    }) {
        return SyntaxHint::DidYouMean {
            token: longer.clone(),
        };
    }
    if found.chars().all(|c| c.is_ascii_digit()) && tokens.iter().any(|t| t == "w") {
        return SyntaxHint::SpaceBeforeUnit {
            number: found.to_owned(),
        };
    }
    let words = tokens
        .iter()
        .filter(|t| t.len() > 1 && t.chars().all(|c| c.is_ascii_alphabetic() || c == '_'))
        .map(String::as_str);
    if let Some(keyword) = suggest(found, words) {
        return SyntaxHint::DidYouMean {
            token: keyword.to_owned(),
        };
    }
    if expected.iter().any(|e| e == "`}`") {
        return SyntaxHint::MisspeltOrUnclosed;
    }
    SyntaxHint::SeeDocs
}

/// How an expected `cmp_op` is named.
const COMPARISON_OPERATOR: &str = "a comparison operator (==, !=, <, <=, > or >=)";

fn rule_in_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::ident | Rule::rollback_target => "a name",
        Rule::key => "a flag or attribute name",
        Rule::string | Rule::string_body => "a string in double quotes",
        Rule::value | Rule::set_value | Rule::scoped_rule => {
            "a value (true, false, a number, a string or a name)"
        }
        Rule::bool_lit => "`true` or `false`",
        Rule::flag_type => "a type (bool, int, string or enum(...))",
        Rule::unit => "a unit (percent, ms, count or ratio)",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::date_time => "a date-time (YYYY-MM-DDTHH:MM:SSZ)",
        Rule::duration_lit => "a duration (like 30m, 12h, 3d or 2w)",
        Rule::metric_query => "`query` and a PromQL expression in double quotes",
        Rule::gate_over => "`over` and a window (like 30m or 1h)",
        Rule::duration_spec => "a duration (2w, 1w..2w or indefinite)",
        Rule::number | Rule::num_lit | Rule::integer => "a number",
        Rule::quantity => "a threshold (like 0.1%, 250ms or 0)",
        Rule::expr | Rule::implies | Rule::or_expr | Rule::and_expr | Rule::unary => "a formula",
        Rule::comparison => "a comparison",
        Rule::gate_cmp => "a comparison operator (<, <=, >, >=, == or !=)",
        Rule::cmp_op => COMPARISON_OPERATOR,
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
        Rule::condition
        | Rule::cond_and
        | Rule::cond_unary
        | Rule::cond_group
        | Rule::cond_test => "a condition (attribute == value)",
        Rule::inconclusive_action => "`wait`, `extend` or `fail`",
        Rule::rollback_action => "`rollback`",
        Rule::optional_mark => "`optional`",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::source::{FileId, SourceFile};

    fn first_error(text: &str) -> crate::diagnostic::Diagnostic {
        let source = SourceFile::new(FileId(0), "t.roll", text);
        let errors = crate::syntax::parse(&source).expect_err("does not parse");
        errors.as_slice()[0].clone()
    }

    fn underlined(text: &str, d: &crate::diagnostic::Diagnostic) -> String {
        text[d.primary.span.range()].to_owned()
    }

    #[test]
    fn points_at_the_token_after_the_last_good_one() {
        let text = "plan p { title \"T\" }\nflag a.b: bool false\n";
        let d = first_error(text);
        assert_eq!(d.message, "expected `=`, found `false`");
        assert_eq!(underlined(text, &d), "false");
        assert_eq!(d.primary.text, "expected `=`");
    }

    #[test]
    fn names_a_value_in_words_at_the_end_of_the_file() {
        let text = "plan p { title \"T\" }\nphase a \"A\" {\n  set x.y =\n";
        let d = first_error(text);
        assert_eq!(
            d.message,
            "expected a value (true, false, a number, a string or a name), found the end of the file"
        );
        assert!(d.help.starts_with("the plan ends too early"), "{}", d.help);
    }

    #[test]
    fn suggests_the_keyword_a_misspelt_statement_meant() {
        let text = "plan p { title \"T\" }\nphase a \"A\" {\n  durration 1w\n}\n";
        let d = first_error(text);
        assert_eq!(underlined(text, &d), "durration");
        assert_eq!(d.primary.text, "unexpected `durration`");
        assert_eq!(d.help, "did you mean `duration`?");
        assert!(!d.message.contains("`\t`"), "{}", d.message);
    }

    #[test]
    fn shows_a_word_that_runs_on_past_a_keyword_whole() {
        let text = "plan p { title \"T\" }\nmetric m: percentage\n";
        let d = first_error(text);
        assert_eq!(underlined(text, &d), "percentage");
        assert_eq!(
            d.help,
            "did you mean `percent`? a keyword must end where the word does"
        );
    }

    #[test]
    fn points_back_at_a_string_left_open() {
        let text = "plan p { title \"T }\n\nphase a \"A\" {\n  duration 1w\n}\n";
        let d = first_error(text);
        assert_eq!(underlined(text, &d), "A");
        assert_eq!(d.related.len(), 1);
        assert_eq!(&text[d.related[0].span.range()], "\"");
        assert_eq!(d.related[0].span.start, 15);
    }

    #[test]
    fn says_a_keyword_cannot_be_a_name() {
        let text = "plan p { title \"T\" }\nflag when: bool = false\n";
        let d = first_error(text);
        assert_eq!(d.message, "expected a flag or attribute name, found `when`");
        assert_eq!(
            d.help,
            "`when` is a keyword and cannot be used as a name: choose another name"
        );
    }

    #[test]
    fn suggests_the_longer_operator_one_character_was_short_of() {
        let text = "plan p { title \"T\" }\nflag a: bool = false\ninvariant i: a = true\n";
        let d = first_error(text);
        assert_eq!(underlined(text, &d), "=");
        assert_eq!(d.help, "did you mean `==`?");
    }

    #[test]
    fn a_number_cut_short_by_a_space_is_underlined_and_completed() {
        let text = "plan p { title \"T\" }\nphase a \"A\" {\n  duration 2 weeks\n}\n";
        let d = first_error(text);
        assert_eq!(underlined(text, &d), "2");
        assert_eq!(d.primary.text, "`2` is not complete");
        assert_eq!(
            d.help,
            "write the unit right after the number, without a space: `2w`, `2d`, `2h` or `2m`"
        );
    }

    #[test]
    fn an_item_keyword_swallowed_by_an_unfinished_statement_is_pointed_at() {
        let text = "plan p { title \"T\" }\nflag a: bool = false\ninvariant i: a &&\nphase x \"X\" {\n  duration 1w\n}\n";
        let d = first_error(text);
        assert_eq!(underlined(text, &d), "x");
        assert_eq!(&text[d.related[0].span.range()], "phase");
        assert!(
            d.help
                .starts_with("the statement before this line is unfinished")
        );
    }

    #[test]
    fn an_error_inside_a_one_line_item_is_not_blamed_on_the_line_above() {
        let text = "plan p { title \"T\" }\nflag a: bool false\n";
        let d = first_error(text);
        assert!(d.related.is_empty(), "{:?}", d.related);
    }
}
