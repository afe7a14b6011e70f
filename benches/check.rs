//! `check` throughput against its peer: the same synthetic plan (`examples/synth.rs`, 100 flags,
//! seed 1) checked by rollplan, parsed alone by the pest grammar, and parsed by `serde_yaml`
//! into typed structs from its YAML form, the format a user would otherwise write it in.
//!
//! ```text
//! cargo bench --bench check
//! ```
//!
//! Figures and how to read them: `docs/performance.md`.

use std::collections::HashMap;
use std::sync::OnceLock;

use divan::counter::BytesCount;
use serde::Deserialize;

#[path = "../examples/synth.rs"]
#[expect(
    dead_code,
    reason = "the bench uses the generator; the command line is the example's"
)]
mod synth;

fn main() {
    divan::main();
}

/// Phases of the synthetic plans: about 1 MB and 10 MB of `.roll` text with 100 flags.
const PHASES: [usize; 2] = [1_000, 10_000];
const FLAGS: usize = 100;

/// The plan text, `.roll` and YAML, for each size (generated once).
fn plans() -> &'static HashMap<usize, (String, String)> {
    static PLANS: OnceLock<HashMap<usize, (String, String)>> = OnceLock::new();
    PLANS.get_or_init(|| {
        PHASES
            .iter()
            .map(|&n| {
                let plan = synth::generate(n, FLAGS, 1);
                (
                    n,
                    (synth::render_roll(&plan, 1), synth::render_yaml(&plan, 1)),
                )
            })
            .collect()
    })
}

/// The whole of `rollplan check` but printing: decode, parse, resolve, analyse.
#[divan::bench(args = PHASES, sample_count = 10, sample_size = 1)]
fn check_roll(bencher: divan::Bencher, phases: usize) {
    let text = &plans()[&phases].0;
    bencher.counter(BytesCount::of_str(text)).bench(|| {
        let loaded = rollplan::cli::input::from_bytes("synth.roll".to_owned(), text.as_bytes());
        let compiled = rollplan::compile(&loaded.sources, loaded.file).expect("valid plan");
        divan::black_box(compiled.analysis.transitions.len())
    });
}

/// The pest grammar and the tree walk to the AST alone.
#[divan::bench(args = PHASES, sample_count = 10, sample_size = 1)]
fn parse_roll(bencher: divan::Bencher, phases: usize) {
    let text = &plans()[&phases].0;
    let mut sources = rollplan::source::SourceMap::new();
    let file = sources.add("synth.roll", text.as_str());
    let source = sources.get(file);
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| divan::black_box(rollplan::syntax::parse(source).expect("parses").items.len()));
}

/// The peer: the same plan as YAML, deserialised by `serde_yaml` into typed structs.
#[divan::bench(args = PHASES, sample_count = 10, sample_size = 1)]
fn serde_yaml_typed(bencher: divan::Bencher, phases: usize) {
    let text = &plans()[&phases].1;
    bencher.counter(BytesCount::of_str(text)).bench(|| {
        let plan: YamlPlan = serde_yaml::from_str(text).expect("valid YAML");
        divan::black_box(plan.phases.len())
    });
}

/// `plans/entity.roll` in-process: the work `check` does beyond starting and reading.
#[divan::bench]
fn check_entity(bencher: divan::Bencher) {
    let text = include_str!("../plans/entity.roll");
    bencher.counter(BytesCount::of_str(text)).bench(|| {
        let loaded = rollplan::cli::input::from_bytes("entity.roll".to_owned(), text.as_bytes());
        let compiled = rollplan::compile(&loaded.sources, loaded.file).expect("valid plan");
        divan::black_box(compiled.analysis.transitions.len())
    });
}

// ---- the YAML form's types: every field typed, unknown fields refused ---------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct YamlPlan {
    plan: Header,
    attributes: Vec<Attribute>,
    flags: Vec<Flag>,
    metrics: Vec<Metric>,
    invariants: Vec<Invariant>,
    on_fail: OnFail,
    on_inconclusive: OnInconclusive,
    holidays: Vec<Holiday>,
    freezes: Vec<Freeze>,
    rollback: Vec<String>,
    monitors: Vec<Monitor>,
    communicate: Communicate,
    validate: Vec<String>,
    phases: Vec<Phase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Header {
    name: String,
    title: String,
    owner: String,
    start: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Attribute {
    name: String,
    #[serde(rename = "type")]
    ty: FlagType,
    description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum FlagType {
    Bool,
    Int,
    String,
    Enum,
}

#[derive(Deserialize)]
#[serde(untagged)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
enum Value {
    Bool(bool),
    Int(i64),
    String(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Flag {
    name: String,
    #[serde(rename = "type")]
    ty: FlagType,
    /// The variants of an `enum` flag.
    values: Option<Vec<String>>,
    default: Value,
    description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Percent,
    Ms,
    Count,
    Ratio,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Metric {
    name: String,
    unit: Unit,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Invariant {
    name: String,
    rule: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct OnFail {
    extend: Option<String>,
    max: Option<u32>,
    then_rollback: Option<String>,
    rollback: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct OnInconclusive {
    wait: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Holiday {
    date: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Freeze {
    from: String,
    to: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Monitor {
    title: String,
    items: Vec<String>,
    watch: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Communicate {
    before: Vec<String>,
    after: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Phase {
    id: String,
    title: String,
    duration: String,
    set: Vec<Set>,
    activities: Vec<String>,
    #[serde(default)]
    checks: Vec<String>,
    on_fail: Option<OnFail>,
    gates: Vec<Gate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Set {
    flag: String,
    value: Option<Value>,
    rules: Option<Vec<Rule>>,
    #[serde(rename = "else")]
    default: Option<Value>,
    optional: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Rule {
    value: Value,
    attribute: String,
    equals: Option<Vec<String>>,
    #[serde(rename = "in")]
    any_of: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "deserialised to measure parsing, never read")]
struct Gate {
    metric: Option<String>,
    id: Option<String>,
    op: Option<String>,
    threshold: Option<String>,
    text: String,
    pass: Option<f64>,
}
