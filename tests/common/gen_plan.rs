//! A proptest generator of plan text that covers every construct of the grammar
//! (`grammar/rollplan.pest`, cohorts and shares included), laid out messily: any run of spaces, tabs, line breaks (LF or
//! CRLF) and `#` comments between any two tokens, and sometimes a byte order mark. Strings hold
//! escaped and raw quotes, backslashes, newlines and tabs. The plans parse; they are not meant
//! to resolve (names are random), so they exercise what works on the syntax tree: `fmt`, and
//! any fuzzing of the parser.
//!
//! Use it with `mod common;` and `common::gen_plan::plan()`.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

/// Tokens of a plan, in order; any separator may go between two of them.
type Tokens = Vec<String>;

/// A whole plan: a random sequence of top-level items, laid out messily.
pub(crate) fn plan() -> impl Strategy<Value = String> {
    (any::<bool>(), vec(item(), 0..10))
        .prop_map(|(bom, items)| {
            let tokens: Tokens = items.into_iter().flatten().collect();
            (bom, tokens)
        })
        .prop_flat_map(|(bom, tokens)| {
            let n = tokens.len() + 1;
            (Just(bom), Just(tokens), vec(separator(), n))
        })
        .prop_map(|(bom, tokens, separators)| {
            let mut text = String::new();
            if bom {
                text.push('\u{FEFF}');
            }
            for (token, sep) in tokens.iter().zip(&separators) {
                text.push_str(sep);
                text.push_str(token);
            }
            text.push_str(separators.last().map_or("", String::as_str));
            text
        })
}

/// What may stand between two tokens: never empty, so adjacent words stay apart.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => Just(" ".to_owned()),
        1 => Just("   ".to_owned()),
        1 => Just("\t".to_owned()),
        3 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => Just("\n\n".to_owned()),
        1 => Just("\r\n\r\n\r\n  ".to_owned()),
        1 => Just("\n      ".to_owned()),
        1 => comment().prop_map(|c| format!(" {c}\n")),
        1 => comment().prop_map(|c| format!("{c}\r\n")),
        1 => comment().prop_map(|c| format!("\n{c}\n\n")),
        1 => (comment(), comment()).prop_map(|(a, b)| format!("\r\n  {a}\r\n\t{b}\r\n")),
    ]
}

fn comment() -> impl Strategy<Value = String> {
    "#[ a-zA-Z0-9\"\\\\#{}()é]{0,12}"
}

fn one(s: &str) -> Tokens {
    vec![s.to_owned()]
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,5}".prop_filter("a keyword is not a name", |s| {
        !rollplan::syntax::RESERVED_WORDS.contains(&s.as_str())
    })
}

fn key() -> impl Strategy<Value = String> {
    vec(ident(), 1..3).prop_map(|parts| parts.join("."))
}

/// A string literal as written: escapes (known and unknown), raw line breaks and text.
fn string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9 #{}.,é→]{1,4}",
        1 => Just("\\\"".to_owned()),
        1 => Just("\\\\".to_owned()),
        1 => Just("\\n".to_owned()),
        1 => Just("\\t".to_owned()),
        1 => Just("\\r".to_owned()),
        1 => Just("\\q".to_owned()),
        1 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => Just("\t".to_owned()),
    ];
    vec(piece, 0..6).prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn opt_string() -> impl Strategy<Value = Tokens> {
    proptest::option::of(string()).prop_map(|s| s.into_iter().collect())
}

fn number() -> impl Strategy<Value = String> {
    "-?[0-9]{1,3}(\\.[0-9]{1,2})?"
}

fn duration() -> impl Strategy<Value = String> {
    "[0-9]{1,2}[wdh]"
}

/// A gate's window: minutes too.
fn window() -> impl Strategy<Value = String> {
    "[0-9]{1,2}[wdhm]"
}

fn date() -> impl Strategy<Value = String> {
    "20[0-9]{2}-[01][0-9]-[0-3][0-9]"
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("true".to_owned()),
        Just("false".to_owned()),
        string(),
        number(),
        ident(),
    ]
}

fn cmp_op() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("==".to_owned()),
        Just("!=".to_owned()),
        Just("<".to_owned()),
        Just("<=".to_owned()),
        Just(">".to_owned()),
        Just(">=".to_owned()),
    ]
}

fn flag_type() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        Just(one("bool")),
        Just(one("int")),
        Just(one("string")),
        (vec(ident(), 1..4), any::<bool>()).prop_map(|(variants, trailing_comma)| {
            let mut t = vec!["enum".to_owned(), "(".to_owned()];
            for (i, v) in variants.into_iter().enumerate() {
                if i > 0 {
                    t.push(",".to_owned());
                }
                t.push(v);
            }
            if trailing_comma {
                t.push(",".to_owned());
            }
            t.push(")".to_owned());
            t
        }),
    ]
}

/// A formula. Joining formulas with binary operators, or prefixing one with `!`, always gives a
/// formula (the grammar's operators are flat over unary terms), so any nesting is valid text.
fn expr() -> BoxedStrategy<Tokens> {
    let leaf = prop_oneof![
        key().prop_map(|k| vec![k]),
        prop_oneof![Just(one("true")), Just(one("false"))],
        (key(), cmp_op(), value()).prop_map(|(k, op, v)| vec![k, op, v]),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let binary = prop_oneof![
            Just("&&".to_owned()),
            Just("||".to_owned()),
            Just("->".to_owned())
        ];
        prop_oneof![
            inner.clone().prop_map(|e| {
                let mut t = one("(");
                t.extend(e);
                t.push(")".to_owned());
                t
            }),
            (1..3usize, inner.clone()).prop_map(|(nots, e)| {
                let mut t = vec!["!".to_owned(); nots];
                t.extend(e);
                t
            }),
            (inner.clone(), vec((binary, inner), 1..4)).prop_map(|(first, rest)| {
                let mut t = first;
                for (op, e) in rest {
                    t.push(op);
                    t.extend(e);
                }
                t
            }),
        ]
    })
    .boxed()
}

fn inconclusive_action() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        duration().prop_map(|d| vec!["wait".to_owned(), d]),
        Just(one("extend")),
        Just(one("fail")),
    ]
}

fn on_fail() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        duration().prop_map(|d| vec!["on_fail".into(), "extend".into(), d]),
        (duration(), "[0-9]{1,2}", ident()).prop_map(|(d, n, target)| {
            [
                "on_fail", "extend", &d, "max", &n, "then", "rollback", &target,
            ]
            .map(str::to_owned)
            .to_vec()
        }),
        ident().prop_map(|target| vec!["on_fail".into(), "rollback".into(), target]),
    ]
}

fn on_inconclusive() -> impl Strategy<Value = Tokens> {
    inconclusive_action().prop_map(|a| {
        let mut t = one("on_inconclusive");
        t.extend(a);
        t
    })
}

/// `keyword [head…] { entry… }`, each entry `entry_keyword "…"`.
fn braced(head: Tokens, entries: Vec<Tokens>) -> Tokens {
    let mut t = head;
    t.push("{".to_owned());
    t.extend(entries.into_iter().flatten());
    t.push("}".to_owned());
    t
}

fn text_block(keyword: &'static str, entry: &'static str) -> impl Strategy<Value = Tokens> {
    vec(string(), 0..4).prop_map(move |items| {
        let entries = items
            .into_iter()
            .map(|s| vec![entry.to_owned(), s])
            .collect();
        braced(one(keyword), entries)
    })
}

fn item() -> BoxedStrategy<Tokens> {
    let plan_field = prop_oneof![
        string().prop_map(|s| vec!["title".to_owned(), s]),
        string().prop_map(|s| vec!["owner".to_owned(), s]),
        date().prop_map(|d| vec!["start".to_owned(), d]),
        string().prop_map(|s| vec!["description".to_owned(), s]),
    ];
    let unit = prop_oneof![
        Just("percent".to_owned()),
        Just("ms".to_owned()),
        Just("count".to_owned()),
        Just("ratio".to_owned()),
    ];
    let moment = prop_oneof![Just("before".to_owned()), Just("after".to_owned())];
    let monitor_entry = prop_oneof![
        ident().prop_map(|m| vec!["watch".to_owned(), m]),
        string().prop_map(|s| vec!["item".to_owned(), s]),
    ];
    prop_oneof![
        (ident(), vec(plan_field, 0..5))
            .prop_map(|(name, fields)| braced(vec!["plan".into(), name], fields)),
        (key(), flag_type(), opt_string()).prop_map(|(k, ty, d)| {
            let mut t = vec!["attribute".to_owned(), k, ":".to_owned()];
            t.extend(ty);
            t.extend(d);
            t
        }),
        (key(), flag_type(), value(), opt_string()).prop_map(|(k, ty, v, d)| {
            let mut t = vec!["flag".to_owned(), k, ":".to_owned()];
            t.extend(ty);
            t.push("=".to_owned());
            t.push(v);
            t.extend(d);
            t
        }),
        (ident(), key(), opt_string()).prop_map(|(name, attribute, d)| {
            let mut t = vec!["cohort".to_owned(), name, "by".to_owned(), attribute];
            t.extend(d);
            t
        }),
        (ident(), unit, proptest::option::of(string()), opt_string()).prop_map(|(m, u, q, d)| {
            let mut t = vec!["metric".to_owned(), m, ":".to_owned(), u];
            if let Some(q) = q {
                t.push("query".to_owned());
                t.push(q);
            }
            t.extend(d);
            t
        }),
        (ident(), expr(), opt_string()).prop_map(|(name, e, d)| {
            let mut t = vec!["invariant".to_owned(), name, ":".to_owned()];
            t.extend(e);
            t.extend(d);
            t
        }),
        on_fail(),
        on_inconclusive(),
        (date(), date(), opt_string()).prop_map(|(a, b, d)| {
            let mut t = vec!["freeze".to_owned(), a, "..".to_owned(), b];
            t.extend(d);
            t
        }),
        (date(), opt_string()).prop_map(|(a, d)| {
            let mut t = vec!["holiday".to_owned(), a];
            t.extend(d);
            t
        }),
        text_block("rollback", "step"),
        text_block("validate", "check"),
        text_block("contingency", "step"),
        (moment, vec(string(), 0..4)).prop_map(|(m, items)| {
            let entries = items
                .into_iter()
                .map(|s| vec!["notify".into(), s])
                .collect();
            braced(vec!["communicate".into(), m], entries)
        }),
        (string(), vec(monitor_entry, 0..4))
            .prop_map(|(title, entries)| braced(vec!["monitor".into(), title], entries)),
        (ident(), string(), vec(phase_stmt(), 0..8))
            .prop_map(|(id, title, stmts)| braced(vec!["phase".into(), id, title], stmts)),
    ]
    .boxed()
}

fn phase_stmt() -> BoxedStrategy<Tokens> {
    let duration_spec = prop_oneof![
        Just(one("indefinite")),
        duration().prop_map(|d| vec![d]),
        (duration(), duration(), proptest::option::of(duration())).prop_map(|(a, b, likely)| {
            let mut t = vec![a, "..".to_owned(), b];
            if let Some(l) = likely {
                t.push("likely".to_owned());
                t.push(l);
            }
            t
        }),
    ];
    let gate_cmp = prop_oneof![
        Just("<".to_owned()),
        Just("<=".to_owned()),
        Just(">".to_owned()),
        Just(">=".to_owned()),
        Just("==".to_owned()),
        Just("!=".to_owned()),
    ];
    let quantity = (number(), prop_oneof![Just(""), Just("%"), Just("ms")])
        .prop_map(|(n, unit)| format!("{n}{unit}"));
    let gate_option = prop_oneof![
        number().prop_map(|p| vec!["pass".to_owned(), p]),
        inconclusive_action().prop_map(|a| {
            let mut t = one("inconclusive");
            t.extend(a);
            t
        }),
    ];
    let gate = (
        ident(),
        proptest::option::of((gate_cmp, quantity, proptest::option::of(window()))),
        opt_string(),
        vec(gate_option, 0..3),
    )
        .prop_map(|(id, threshold, text, options)| {
            let mut t = vec!["gate".to_owned(), id];
            if let Some((op, q, over)) = threshold {
                t.push(op);
                t.push(q);
                if let Some(w) = over {
                    t.push("over".to_owned());
                    t.push(w);
                }
            }
            t.extend(text);
            t.extend(options.into_iter().flatten());
            t
        });
    prop_oneof![
        duration_spec.prop_map(|d| {
            let mut t = one("duration");
            t.extend(d);
            t
        }),
        set_stmt(),
        string().prop_map(|s| vec!["activity".to_owned(), s]),
        gate,
        on_fail(),
        on_inconclusive(),
        string().prop_map(|s| vec!["check".to_owned(), s]),
        (
            prop_oneof![Just("before".to_owned()), Just("after".to_owned())],
            string()
        )
            .prop_map(|(m, s)| vec!["notify".to_owned(), m, s]),
    ]
    .boxed()
}

/// A `when` condition: attribute tests joined by `&&` and `||`, under `!` or in parentheses.
/// As with formulas, any nesting of these is valid text.
fn condition() -> BoxedStrategy<Tokens> {
    let test = prop_oneof![
        (key(), cmp_op(), value()).prop_map(|(k, op, v)| vec![k, op, v]),
        (key(), vec(value(), 1..4), any::<bool>()).prop_map(|(k, values, trailing_comma)| {
            let mut t = vec![k, "in".to_owned(), "[".to_owned()];
            for (i, v) in values.into_iter().enumerate() {
                if i > 0 {
                    t.push(",".to_owned());
                }
                t.push(v);
            }
            if trailing_comma {
                t.push(",".to_owned());
            }
            t.push("]".to_owned());
            t
        }),
    ];
    test.prop_recursive(3, 16, 3, |inner| {
        let binary = prop_oneof![Just("&&".to_owned()), Just("||".to_owned())];
        prop_oneof![
            inner.clone().prop_map(|c| {
                let mut t = one("(");
                t.extend(c);
                t.push(")".to_owned());
                t
            }),
            (1..3usize, inner.clone()).prop_map(|(nots, c)| {
                let mut t = vec!["!".to_owned(); nots];
                t.extend(c);
                t
            }),
            (inner.clone(), vec((binary, inner), 1..3)).prop_map(|(first, rest)| {
                let mut t = first;
                for (op, c) in rest {
                    t.push(op);
                    t.extend(c);
                }
                t
            }),
        ]
    })
    .boxed()
}

fn set_stmt() -> impl Strategy<Value = Tokens> {
    let condition = condition();
    // A rule has a condition, a share, or both; `else` may be left out.
    let rule = prop_oneof![
        condition.clone().prop_map(|c| (Some(c), None)),
        share().prop_map(|s| (None, Some(s))),
        (condition, share()).prop_map(|(c, s)| (Some(c), Some(s))),
    ];
    let scoped =
        (vec((value(), rule), 1..4), proptest::option::of(value())).prop_map(|(rules, default)| {
            let mut t = Vec::new();
            for (i, (v, (cond, share))) in rules.into_iter().enumerate() {
                if i > 0 {
                    t.push(",".to_owned());
                }
                t.push(v);
                if let Some(cond) = cond {
                    t.push("when".to_owned());
                    t.extend(cond);
                }
                t.extend(share.into_iter().flatten());
            }
            if let Some(default) = default {
                t.push("else".to_owned());
                t.push(default);
            }
            t
        });
    let set_value = prop_oneof![value().prop_map(|v| vec![v]), scoped];
    let optional = proptest::option::of(opt_string());
    (key(), set_value, optional).prop_map(|(k, v, optional)| {
        let mut t = vec!["set".to_owned(), k, "=".to_owned()];
        t.extend(v);
        if let Some(reason) = optional {
            t.push("optional".to_owned());
            t.extend(reason);
        }
        t
    })
}

/// `for 5% of early`, `for 0.125% by user.id`: any digits, which the grammar takes (the
/// resolver checks the range).
fn share() -> impl Strategy<Value = Tokens> {
    let percent = "[0-9]{1,3}(\\.[0-9]{1,3})?%";
    let bucketing = prop_oneof![
        ident().prop_map(|c| vec!["of".to_owned(), c]),
        key().prop_map(|a| vec!["by".to_owned(), a]),
    ];
    (percent, bucketing).prop_map(|(p, b)| {
        let mut t = vec!["for".to_owned(), p];
        t.extend(b);
        t
    })
}
