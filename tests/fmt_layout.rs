//! The canonical layout, shown on a deliberately messy plan: every construct, comments in every
//! position, odd spacing, tabs, CRLF line ends and a byte order mark. The snapshot is the layout
//! `docs/fmt.md` describes; a change to it is a change to every formatted plan.

use rollplan::source::{FileId, SourceFile};

/// Lines end in CRLF except where `\n` is written alone; the file starts with a byte order mark.
const MESSY: &str = concat!(
    "\u{FEFF}# A messy plan: every construct, comments everywhere.\r\n",
    "# Second line of the file's header comment.\r\n",
    "\r\n",
    "\r\n",
    "plan   messy{title \"Messy \\\"quoted\\\" \\\\ plan\"   # trails the title\r\n",
    "  owner\t\"Team\"\r\n",
    "\r\n",
    "start 2026-12-01 description \"two\\nlines\"\r\n",
    "  # dangles at the end of the plan block\r\n",
    "}\r\n",
    "attribute   region : enum( eu,us , ) \"Where\"\r\n",
    "attribute tier:string\r\n",
    "flag a.on : bool=false   \"first\"  # trails a flag\r\n",
    "\n",
    "\n",
    "# leads the second flag, after a blank line\r\n",
    "flag b.level:int = 3\r\n",
    "flag c.mode : enum(off,on)=off\r\n",
    "metric errors:percent \"Errors\"\r\n",
    "metric\tlatency : ms\r\n",
    "invariant one : a.on ->b.level!=0  \"desc on the same line\"\r\n",
    "invariant two:\r\n",
    "  !(a.on && # inside the formula\r\n",
    "    c.mode == on) || true -> false # trails the formula\r\n",
    "  \"desc below\" # trails the description\r\n",
    "on_fail extend 1w max 2 then rollback previous on_inconclusive wait 2d\r\n",
    "freeze 2026-12-20 .. 2027-01-02 \"holidays\"\r\n",
    "holiday 2026-12-25\r\n",
    "rollback { step \"undo\" step \"tell\" } # trails a closing brace\r\n",
    "validate{}\r\n",
    "contingency {\r\n",
    "\r\n",
    "  # only a comment inside\r\n",
    "\r\n",
    "}\r\n",
    "communicate before { notify \"announce\" }\r\n",
    "communicate after {notify \"report\"}\r\n",
    "monitor \"Errors\" { # trails the opening brace\r\n",
    "  watch errors\r\n",
    "   item \"people watch this\"\r\n",
    "}\r\n",
    "phase first \"First\" {\r\n",
    "  duration 1w..2w likely 10d\r\n",
    "\r\n",
    "  set a.on = true  set b.level = 1 when region in [eu, us,], 2 when tier != \"x\" else 0 optional \"maybe\"\r\n",
    "  set c.mode = on optional\r\n",
    "\r\n",
    "  # leads a gate\r\n",
    "  gate errors < 0.1% \"low\" pass 0.9 inconclusive extend\r\n",
    "  gate latency<=200ms inconclusive wait 1d\r\n",
    "  gate manual \"someone signs off\"\r\n",
    "  activity \"work\" check \"verify\" notify before \"heads up\"\r\n",
    "  on_fail rollback first on_inconclusive fail\r\n",
    "}\r\n",
    "phase last \"Last\" { duration indefinite }\r\n",
    "phase empty \"Empty\" {}\r\n",
    "# trailing comment at the end of the file\r\n",
);

#[test]
fn messy_plan_in_canonical_layout() {
    let source = SourceFile::new(FileId(0), "messy.roll", MESSY);
    let formatted = rollplan::fmt::format(&source).expect("the messy plan formats");
    insta::assert_snapshot!(formatted);
}

#[test]
fn formatted_messy_plan_is_a_fixed_point() {
    let source = SourceFile::new(FileId(0), "messy.roll", MESSY);
    let once = rollplan::fmt::format(&source).expect("the messy plan formats");
    let again = rollplan::fmt::format(&SourceFile::new(FileId(0), "messy.roll", once.as_str()))
        .expect("formatted text formats");
    assert_eq!(once, again);
}

#[test]
fn a_plan_with_syntax_errors_is_refused_with_its_diagnostics() {
    let source = SourceFile::new(FileId(0), "bad.roll", "plan p {}\nflag x bool = true\n");
    let errors = rollplan::fmt::format(&source).expect_err("a syntax error is not formatted");
    let first = &errors.as_slice()[0];
    assert_eq!(first.code.name(), "syntax_error");
    let (line, _) = source.line_col(first.primary.span.range().start);
    assert_eq!(line, 2, "the error points into the broken flag");
}

#[test]
fn empty_and_comment_only_files() {
    let format = |text: &str| rollplan::fmt::format(&SourceFile::new(FileId(0), "e.roll", text));
    assert_eq!(format("").expect("empty formats"), "");
    assert_eq!(format(" \r\n\n").expect("blank formats"), "");
    assert_eq!(
        format("\n\n# one\n\n\n# two   \n\n").expect("comments format"),
        "# one\n\n# two\n"
    );
}

/// `ast::File` equality ignores spans, including the bare spans of phases, gates, `set`s,
/// conditions, `on_fail`s, freezes, text blocks and the plan header: `fmt`'s guard and `diff`
/// both rely on it.
#[test]
fn syntax_trees_of_two_layouts_compare_equal() {
    let tight = "plan p{title \"T\"}rollback{step \"s\"}freeze 2026-01-01..2026-01-02\n\
                 phase a \"A\"{duration 1w set x=1 when k==v else 2 gate g<1% on_fail rollback a}";
    let loose = "\n\nplan p {\n  title \"T\"\n}\n\nrollback {\n  step \"s\"\n}\n\n\
                 freeze 2026-01-01..2026-01-02\n\nphase a \"A\" {\n  duration 1w\n  \
                 set x = 1 when k == v else 2\n  gate g < 1%\n  on_fail rollback a\n}\n";
    let tight = SourceFile::new(FileId(0), "t.roll", tight);
    let loose = SourceFile::new(FileId(0), "l.roll", loose);
    let parse = |s| rollplan::syntax::parse(s).expect("parses");
    assert_eq!(parse(&tight), parse(&loose));
    let other = SourceFile::new(
        FileId(0),
        "o.roll",
        "plan p{title \"T\"}rollback{step \"t\"}",
    );
    assert_ne!(parse(&tight), parse(&other));
}
