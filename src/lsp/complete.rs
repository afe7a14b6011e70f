//! Completion: what may be written at the cursor, read from the text of the current line and
//! the block around it (the item being typed has usually not parsed yet): keywords in place,
//! declared flags, attributes, metrics and phases, enum variants after `==` and `=`, units
//! after a number.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};

use super::document::Document;
use super::index::Kind;
use super::keywords as kw;

/// The completions at byte `offset` of the document.
pub(super) fn complete(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    let text = doc.text();
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    if in_comment_or_string(prefix) {
        return Vec::new();
    }
    let partial_len = prefix
        .chars()
        .rev()
        .take_while(|&c| is_name_char(c) || c == '%')
        .map(char::len_utf8)
        .sum::<usize>();
    let partial = &prefix[prefix.len() - partial_len..];
    let tokens = tokenize(&prefix[..prefix.len() - partial_len]);
    let out = Completions {
        doc,
        partial,
        range: doc.range(offset - partial_len..offset),
        items: Vec::new(),
    };
    let out = match tokens.first() {
        None => keywords_for_block(out, enclosing_block(text, line_start)),
        Some(&first) => statement(out, first, &tokens),
    };
    out.items
}

struct Completions<'d> {
    doc: &'d Document,
    partial: &'d str,
    range: lsp_types::Range,
    items: Vec<CompletionItem>,
}

impl Completions<'_> {
    fn add(mut self, words: &[&str], kind: CompletionItemKind) -> Self {
        for word in words {
            self.push(word, kind, None);
        }
        self
    }

    fn push(&mut self, label: &str, kind: CompletionItemKind, detail: Option<String>) {
        if !label.starts_with(self.partial) || self.items.iter().any(|i| i.label == label) {
            return;
        }
        self.items.push(CompletionItem {
            label: label.to_owned(),
            kind: Some(kind),
            detail,
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                self.range,
                label.to_owned(),
            ))),
            ..CompletionItem::default()
        });
    }

    /// The declared names of `kind`, with their declarations as detail.
    fn names(mut self, kind: Kind) -> Self {
        let item_kind = match kind {
            Kind::Flag => CompletionItemKind::VARIABLE,
            Kind::Attribute => CompletionItemKind::FIELD,
            Kind::Cohort => CompletionItemKind::ENUM,
            Kind::Metric => CompletionItemKind::EVENT,
            Kind::Phase => CompletionItemKind::MODULE,
            Kind::Plan | Kind::Invariant => CompletionItemKind::REFERENCE,
        };
        let doc = self.doc;
        for d in doc.index.declared(kind) {
            self.push(&d.name, item_kind, Some(d.detail.clone()));
        }
        self
    }

    /// The values a flag or attribute named `name` takes: its enum variants, or `true` and
    /// `false` for a bool.
    fn values_of(mut self, name: &str) -> Self {
        let doc = self.doc;
        let declared = doc
            .index
            .declaration(Kind::Flag, name)
            .or_else(|| doc.index.declaration(Kind::Attribute, name));
        let Some(d) = declared else { return self };
        for v in &d.variants {
            self.push(v, CompletionItemKind::ENUM_MEMBER, Some(name.to_owned()));
        }
        if d.detail
            .trim_start_matches(':')
            .trim_start()
            .starts_with("bool")
        {
            self = self.add(&["true", "false"], CompletionItemKind::VALUE);
        }
        self
    }

    /// `partial` is a number: offer it with each unit.
    fn units(mut self, units: &[&str]) -> Self {
        let number = self.partial.to_owned();
        for unit in units {
            self.push(&format!("{number}{unit}"), CompletionItemKind::UNIT, None);
        }
        self
    }
}

fn keywords_for_block<'d>(out: Completions<'d>, block: Option<&str>) -> Completions<'d> {
    let words = match block {
        None => kw::ITEMS,
        Some("phase") => kw::PHASE_STATEMENTS,
        Some("plan") => kw::PLAN_FIELDS,
        Some(other) => kw::BLOCK_ENTRIES
            .iter()
            .find(|(b, _)| *b == other)
            .map_or(&[][..], |(_, entries)| entries),
    };
    out.add(words, CompletionItemKind::KEYWORD)
}

/// Completions inside a statement that starts with `first`; `tokens` are those before the
/// word being typed.
fn statement<'d>(out: Completions<'d>, first: &str, tokens: &[&str]) -> Completions<'d> {
    let prev = tokens.last().copied().unwrap_or("");
    let before = |t: &str| {
        tokens
            .iter()
            .rposition(|x| *x == t)
            .and_then(|i| i.checked_sub(1))
            .map_or("", |i| tokens[i])
    };
    if is_number(out.partial) {
        return match first {
            "gate" if prev == "over" => out.units(kw::DURATION_UNITS),
            "duration" => out.units(kw::DURATION_UNITS),
            _ if matches!(prev, "extend" | "wait" | ".." | "likely") => {
                out.units(kw::DURATION_UNITS)
            }
            "gate" => {
                let unit = out
                    .doc
                    .index
                    .declaration(Kind::Metric, tokens.get(1).copied().unwrap_or(""))
                    .map(|m| m.detail.trim_start_matches(':').trim().to_owned());
                match unit.as_deref().and_then(|u| u.split_whitespace().next()) {
                    Some("percent") => out.units(&["%"]),
                    Some("ms") => out.units(&["ms"]),
                    Some(_) => out,
                    None => out.units(&["%", "ms"]),
                }
            }
            _ => out,
        };
    }
    let kw = CompletionItemKind::KEYWORD;
    match first {
        "set" => {
            let flag = tokens.get(1).copied().unwrap_or("");
            let open_list =
                tokens.iter().rposition(|t| *t == "[") > tokens.iter().rposition(|t| *t == "]");
            match prev {
                "set" => out.names(Kind::Flag),
                "[" | "," if open_list => out.values_of(before("in")),
                "=" | "else" | "," => out.values_of(flag),
                "when" | "by" | "&&" | "||" | "!" | "(" => out.names(Kind::Attribute),
                "of" => out.names(Kind::Cohort),
                p if p.ends_with('%') => out.add(kw::SHARE_BUCKETINGS, kw),
                "==" | "!=" => out.values_of(before(prev)),
                "in" | "for" | "<" | "<=" | ">" | ">=" => out,
                _ => out.add(kw::AFTER_SET_VALUE, kw),
            }
        }
        "gate" => match prev {
            "gate" => out.names(Kind::Metric),
            "inconclusive" => out.add(kw::INCONCLUSIVE_ACTIONS, kw),
            _ if tokens.len() >= 3 => out.add(kw::GATE_OPTIONS, kw),
            _ => out,
        },
        "watch" if tokens.len() == 1 => out.names(Kind::Metric),
        "on_fail" => match prev {
            "on_fail" => out.add(kw::FAIL_ACTIONS, kw),
            "rollback" => out
                .names(Kind::Phase)
                .add(kw::ROLLBACK_WORDS, CompletionItemKind::MODULE),
            "then" => out.add(&["rollback"], kw),
            _ => out,
        },
        "on_inconclusive" if tokens.len() == 1 => out.add(kw::INCONCLUSIVE_ACTIONS, kw),
        "notify" | "communicate" if tokens.len() == 1 => out.add(kw::MOMENTS, kw),
        "duration" if tokens.len() == 1 => out.add(kw::DURATION_WORDS, kw),
        "invariant" => match prev {
            "==" | "!=" => out.values_of(before(prev)),
            ":" | "&&" | "||" | "->" | "!" | "(" => out
                .names(Kind::Flag)
                .add(&["true", "false"], CompletionItemKind::VALUE),
            _ => out,
        },
        "cohort" if prev == "by" => out.names(Kind::Attribute),
        "flag" | "attribute" if prev == ":" => out.add(kw::TYPES, kw),
        "metric" if prev == ":" => out.add(kw::METRIC_UNITS, kw),
        "metric" if kw::METRIC_UNITS.contains(&prev) => out.add(kw::METRIC_OPTIONS, kw),
        _ => out,
    }
}

/// The keyword of the block the line starting at `line_start` is in, if any: the item that
/// starts last before it (at the start of a line), when its braces are still open.
fn enclosing_block(text: &str, line_start: usize) -> Option<&str> {
    let mut start = line_start;
    while start > 0 {
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..];
        let word: &str = &line[..line.find(|c: char| !is_name_char(c)).unwrap_or(line.len())];
        if kw::ITEMS.contains(&word) {
            let depth =
                tokenize_lines(&text[start..line_start])
                    .iter()
                    .fold(0i32, |d, t| match *t {
                        "{" => d + 1,
                        "}" => d - 1,
                        _ => d,
                    });
            return (depth > 0).then_some(word);
        }
    }
    None
}

fn tokenize_lines(text: &str) -> Vec<&str> {
    text.lines().flat_map(tokenize).collect()
}

/// The tokens of one line: names and numbers, operators, brackets; a string is one `"` token
/// and a comment ends the line.
fn tokenize(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let run = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                   f: fn(char) -> bool| {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !f(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            end
        };
        match c {
            '#' => break,
            '"' => {
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    if d == '"' && !escaped {
                        break;
                    }
                    escaped = d == '\\' && !escaped;
                }
                out.push("\"");
            }
            c if c.is_whitespace() => {}
            c if is_name_char(c) || c == '%' => {
                let end = run(&mut chars, |d| is_name_char(d) || d == '%');
                out.push(&line[i..end]);
            }
            '=' | '!' | '<' | '>' | '&' | '|' | '-' | ':' => {
                let end = run(&mut chars, |d| matches!(d, '=' | '<' | '>' | '&' | '|'));
                out.push(&line[i..end]);
            }
            _ => out.push(&line[i..i + c.len_utf8()]),
        }
    }
    out
}

fn in_comment_or_string(prefix: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for c in prefix.chars() {
        match c {
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => return true,
            _ => {}
        }
        escaped = in_string && c == '\\' && !escaped;
    }
    in_string
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "plan x { title \"X\" }\n\
        attribute region: enum(eu, us)\n\
        flag mode: enum(legacy, modern) = legacy\n\
        flag dark: bool = false\n\
        metric error_rate: percent\n\
        phase a \"A\" {\n  duration 1w\n  set mode = modern\n}\n";

    /// The labels offered where `|` stands in `line`, typed as a new line after the plan.
    fn labels(line: &str) -> Vec<String> {
        let (before, after) = line.split_once('|').expect("a cursor");
        let text = format!("{PLAN}{before}{after}\n");
        let uri: lsp_types::Uri = "file:///t.roll".parse().expect("a URI");
        let doc = Document::new(uri, text);
        complete(&doc, PLAN.len() + before.len())
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn offers_what_fits_the_place() {
        assert_eq!(labels("ph|"), ["phase"]);
        assert_eq!(labels("phase b \"B\" {\n  du|"), ["duration"]);
        assert_eq!(labels("phase b \"B\" {\n  set |"), ["mode", "dark"]);
        assert_eq!(
            labels("phase b \"B\" {\n  set mode = |"),
            ["legacy", "modern"]
        );
        assert_eq!(labels("phase b \"B\" {\n  set dark = |"), ["true", "false"]);
        assert_eq!(
            labels("phase b \"B\" {\n  set dark = true when |"),
            ["region"]
        );
        assert_eq!(
            labels("phase b \"B\" {\n  set dark = true when region == |"),
            ["eu", "us"]
        );
        for joined in ["region == eu && ", "region == eu && !", "!("] {
            assert_eq!(
                labels(&format!(
                    "phase b \"B\" {{\n  set dark = true when {joined}|"
                )),
                ["region"],
                "{joined}"
            );
        }
        assert_eq!(
            labels("phase b \"B\" {\n  set dark = true when (region != eu) && region == |"),
            ["eu", "us"]
        );
        assert_eq!(
            labels("phase b \"B\" {\n  set dark = true when region in [eu, |"),
            ["eu", "us"]
        );
        assert_eq!(labels("phase b \"B\" {\n  gate |"), ["error_rate"]);
        assert_eq!(labels("phase b \"B\" {\n  gate error_rate < 1|"), ["1%"]);
        assert_eq!(
            labels("phase b \"B\" {\n  duration 2|"),
            ["2m", "2h", "2d", "2w"]
        );
        assert_eq!(
            labels("phase b \"B\" {\n  on_fail extend 3|"),
            ["3m", "3h", "3d", "3w"]
        );
        assert_eq!(
            labels("phase b \"B\" {\n  on_fail rollback |"),
            ["a", "previous", "start"]
        );
        assert_eq!(labels("invariant i: dark -> mode == m|"), ["modern"]);
        assert_eq!(labels("flag f: |"), ["bool", "int", "string", "enum"]);
        assert_eq!(labels("metric m: c|"), ["count"]);
        assert_eq!(labels("metric m: count |"), ["query"]);
        assert_eq!(
            labels("phase b \"B\" {\n  gate error_rate < 1% |"),
            ["over", "pass", "inconclusive"]
        );
        assert_eq!(
            labels("phase b \"B\" {\n  gate error_rate < 1% over 30|"),
            ["30m", "30h", "30d", "30w"]
        );
    }

    #[test]
    fn offers_nothing_in_comments_and_strings() {
        assert!(labels("# set |").is_empty());
        assert!(labels("phase b \"B |").is_empty());
    }
}
