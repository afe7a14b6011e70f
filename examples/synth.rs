//! Synthetic rollout plans: the input of every benchmark, of the scaling measurements and of
//! the fuzz corpus.
//!
//! ```text
//! cargo run --release --example synth -- --phases N --flags F --seed S [--yaml]
//! ```
//!
//! prints a valid plan: F flags of every type, N phases each setting about 20 flags and carrying
//! 3 gates (metric and manual), scoped and optional values, about F/10 invariants, a failure
//! policy and a communication plan. `--yaml` prints the same plan in the YAML form a user would
//! otherwise write, for the `serde_yaml` peer benchmark (`benches/check.rs` holds its types).
//! The same arguments give the same bytes: the generator is a seeded splitmix64, and nothing
//! else (time, hashing, threads) feeds it.
//!
//! Every generated phase satisfies every invariant, and every transition between phases has a
//! safe one-flag-at-a-time order: each invariant is `a -> b` over its own two boolean flags, and
//! every phase that touches the pair sets both flags to one of four levels that all satisfy
//! it (`a` off/`b` off, `a` off/`b` on, `a` scoped/`b` on, `a` on/`b` on). Between any two levels
//! `b` can go up before `a`, and `a` down before `b`. Optional values only fall on flags no
//! invariant reads, and the next phase sets the flag again, so variants never pile up.

use std::fmt::Write as _;

/// Flags set by one phase, at most.
const SETS_PER_PHASE: usize = 20;
/// Context attributes and the values scoped settings test.
const ATTRIBUTES: [(&str, [&str; 3]); 2] = [
    ("region", ["eu", "us", "apac"]),
    ("client", ["web", "ios", "android"]),
];
const ENUM_VARIANTS: [&str; 3] = ["off", "shadow", "on"];
const METRICS: [(&str, &str); 4] = [
    ("error_rate", "percent"),
    ("p99_latency", "ms"),
    ("incidents", "count"),
    ("conversion", "ratio"),
];

/// splitmix64: tiny, seedable, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n, which is a usize")
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Bool,
    Int,
    Str,
    Enum,
}

#[derive(Clone)]
enum Val {
    Bool(bool),
    Int(i64),
    Str(String),
    Variant(&'static str),
}

impl Val {
    fn roll(&self) -> String {
        match self {
            Val::Bool(b) => b.to_string(),
            Val::Int(i) => i.to_string(),
            Val::Str(s) => quote(s),
            Val::Variant(v) => (*v).to_owned(),
        }
    }

    fn yaml(&self) -> String {
        match self {
            Val::Bool(b) => b.to_string(),
            Val::Int(i) => i.to_string(),
            Val::Str(s) => quote(s),
            Val::Variant(v) => (*v).to_owned(),
        }
    }
}

struct Rule {
    value: Val,
    attribute: usize,
    /// One value: `==`; several: `in [...]`.
    values: Vec<&'static str>,
}

enum Setting {
    Fixed(Val),
    Scoped { rules: Vec<Rule>, default: Val },
}

struct Set {
    flag: usize,
    setting: Setting,
    optional: bool,
}

enum Gate {
    Metric {
        metric: usize,
        op: &'static str,
        threshold: String,
        text: String,
        pass: Option<&'static str>,
    },
    Manual {
        id: String,
        text: String,
    },
}

struct Phase {
    id: String,
    title: String,
    duration: String,
    sets: Vec<Set>,
    activities: Vec<String>,
    gates: Vec<Gate>,
    rollback: bool,
    check: Option<String>,
}

struct Flag {
    name: String,
    ty: Ty,
    default: Val,
}

pub(crate) struct Plan {
    flags: Vec<Flag>,
    /// `(a, b)`: the invariant `a -> b`, by flag index.
    invariants: Vec<(usize, usize)>,
    phases: Vec<Phase>,
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn random_value(rng: &mut Rng, ty: Ty) -> Val {
    match ty {
        Ty::Bool => Val::Bool(rng.chance(2)),
        Ty::Int => Val::Int(i64::try_from(rng.below(1000)).expect("small") - 100),
        Ty::Str => Val::Str(format!("v{}", rng.below(50))),
        Ty::Enum => Val::Variant(ENUM_VARIANTS[rng.below(ENUM_VARIANTS.len())]),
    }
}

fn random_setting(rng: &mut Rng, ty: Ty) -> Setting {
    if !rng.chance(8) {
        return Setting::Fixed(random_value(rng, ty));
    }
    let attribute = rng.below(ATTRIBUTES.len());
    let values = ATTRIBUTES[attribute].1;
    let first = rng.below(values.len());
    let rule = if rng.chance(2) {
        Rule {
            value: random_value(rng, ty),
            attribute,
            values: vec![values[first]],
        }
    } else {
        Rule {
            value: random_value(rng, ty),
            attribute,
            values: vec![values[first], values[(first + 1) % values.len()]],
        }
    };
    Setting::Scoped {
        rules: vec![rule],
        default: random_value(rng, ty),
    }
}

pub(crate) fn generate(phases: usize, flags: usize, seed: u64) -> Plan {
    let mut rng = Rng(seed);
    let pairs = if flags >= 2 { (flags / 10).max(1) } else { 0 };
    let flag_list: Vec<Flag> = (0..flags)
        .map(|i| {
            let ty = if i < 2 * pairs {
                Ty::Bool
            } else {
                [Ty::Bool, Ty::Bool, Ty::Int, Ty::Str, Ty::Enum][i % 5]
            };
            let default = match ty {
                Ty::Bool => Val::Bool(false),
                Ty::Int => Val::Int(0),
                Ty::Str => Val::Str("default".to_owned()),
                Ty::Enum => Val::Variant("off"),
            };
            Flag {
                name: format!("svc{}.flag_{i}", i / 10),
                ty,
                default,
            }
        })
        .collect();
    let invariants: Vec<(usize, usize)> = (0..pairs).map(|k| (2 * k, 2 * k + 1)).collect();
    let others: Vec<usize> = (2 * pairs..flags).collect();

    let mut phase_list = Vec::with_capacity(phases);
    // A flag left optional by the phase before: this phase sets it again.
    let mut carry: Option<usize> = None;
    let shape = Shape {
        phases,
        flags: &flag_list,
        invariants: &invariants,
        others: &others,
    };
    for p in 0..phases {
        phase_list.push(generate_phase(&mut rng, &shape, p, &mut carry));
    }
    Plan {
        flags: flag_list,
        invariants,
        phases: phase_list,
    }
}

/// What every phase draws from.
struct Shape<'a> {
    phases: usize,
    flags: &'a [Flag],
    invariants: &'a [(usize, usize)],
    /// The flags no invariant reads.
    others: &'a [usize],
}

fn generate_phase(rng: &mut Rng, shape: &Shape<'_>, p: usize, carry: &mut Option<usize>) -> Phase {
    let (phases, invariants, others) = (shape.phases, shape.invariants, shape.others);
    let pairs = invariants.len();
    let mut sets = Vec::new();
    let pair_count = pairs.min(2);
    for k in 0..pair_count {
        let (a, b) = invariants[(2 * p + k) % pairs];
        let (a_setting, b_on) = match rng.below(4) {
            0 => (Setting::Fixed(Val::Bool(false)), false),
            1 => (Setting::Fixed(Val::Bool(false)), true),
            2 => (
                Setting::Scoped {
                    rules: vec![Rule {
                        value: Val::Bool(true),
                        attribute: 0,
                        values: vec![ATTRIBUTES[0].1[rng.below(3)]],
                    }],
                    default: Val::Bool(false),
                },
                true,
            ),
            _ => (Setting::Fixed(Val::Bool(true)), true),
        };
        sets.push(Set {
            flag: a,
            setting: a_setting,
            optional: false,
        });
        sets.push(Set {
            flag: b,
            setting: Setting::Fixed(Val::Bool(b_on)),
            optional: false,
        });
    }
    let window = (SETS_PER_PHASE - sets.len()).min(others.len());
    let base = if others.is_empty() {
        0
    } else {
        (p * window) % others.len()
    };
    let mut chosen: Vec<usize> = (0..window)
        .map(|k| others[(base + k) % others.len()])
        .collect();
    if let Some(c) = carry.take() {
        if !chosen.contains(&c) {
            chosen.push(c);
        }
    }
    let optional_here = p % 5 == 2 && p + 1 < phases && !chosen.is_empty();
    for (k, &flag) in chosen.iter().enumerate() {
        let optional = optional_here && k == 0;
        if optional {
            *carry = Some(flag);
        }
        sets.push(Set {
            flag,
            setting: random_setting(rng, shape.flags[flag].ty),
            optional,
        });
    }
    let gates = generate_gates(rng, p);
    let duration = if p + 1 == phases {
        "indefinite".to_owned()
    } else if rng.chance(3) {
        "3d..2w likely 1w".to_owned()
    } else {
        format!("{}d", 1 + rng.below(14))
    };
    Phase {
        id: format!("phase_{p}"),
        title: format!("Phase {p}: widen the rollout"),
        duration,
        sets,
        activities: vec![
            format!("Deploy the configuration of phase {p}"),
            "Watch the dashboards for regressions".to_owned(),
        ],
        gates,
        rollback: p > 0 && p % 7 == 0,
        check: (p % 4 == 0).then(|| format!("Verify the flags of phase {p} in staging")),
    }
}

/// A metric gate and two manual ones.
fn generate_gates(rng: &mut Rng, p: usize) -> Vec<Gate> {
    let metric = p % METRICS.len();
    let (op, threshold) = match METRICS[metric].1 {
        "percent" => ("<", format!("{}.{}%", rng.below(2), rng.below(10))),
        "ms" => ("<=", format!("{}ms", 100 + rng.below(400))),
        "count" => ("==", "0".to_owned()),
        _ => (">=", format!("0.{}", 80 + rng.below(20))),
    };
    vec![
        Gate::Metric {
            metric,
            op,
            threshold,
            text: format!("{} within bounds in phase {p}", METRICS[metric].0),
            pass: if rng.chance(3) { Some("0.9") } else { None },
        },
        Gate::Manual {
            id: format!("sign_off_{p}"),
            text: "The owning team signs off".to_owned(),
        },
        Gate::Manual {
            id: format!("dashboards_{p}"),
            text: "Dashboards reviewed; no alert fired".to_owned(),
        },
    ]
}

fn type_roll(ty: Ty) -> String {
    match ty {
        Ty::Bool => "bool".to_owned(),
        Ty::Int => "int".to_owned(),
        Ty::Str => "string".to_owned(),
        Ty::Enum => format!("enum({})", ENUM_VARIANTS.join(", ")),
    }
}

fn setting_roll(plan: &Plan, setting: &Setting) -> String {
    let _ = plan;
    match setting {
        Setting::Fixed(v) => v.roll(),
        Setting::Scoped { rules, default } => {
            let mut out = String::new();
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let name = ATTRIBUTES[r.attribute].0;
                if let [one] = r.values.as_slice() {
                    let _ = write!(out, "{} when {name} == {}", r.value.roll(), quote(one));
                } else {
                    let list: Vec<String> = r.values.iter().map(|v| quote(v)).collect();
                    let _ = write!(
                        out,
                        "{} when {name} in [{}]",
                        r.value.roll(),
                        list.join(", ")
                    );
                }
            }
            let _ = write!(out, " else {}", default.roll());
            out
        }
    }
}

fn invariant_text(plan: &Plan, k: usize) -> String {
    let (a, b) = plan.invariants[k];
    let (a, b) = (&plan.flags[a].name, &plan.flags[b].name);
    // Two spellings of the same rule, so the parser sees `->`, `!`, `&&` and parentheses.
    if k % 2 == 0 {
        format!("{a} -> {b}")
    } else {
        format!("!({a} && !{b})")
    }
}

const HEADER: &str = "A synthetic rollout generated by examples/synth.rs";

pub(crate) fn render_roll(plan: &Plan, seed: u64) -> String {
    let mut out = String::with_capacity(plan.phases.len() * 1400 + 4096);
    let _ = writeln!(out, "# {HEADER} (seed {seed}).\n");
    out.push_str("plan synthetic {\n  title \"Synthetic rollout\"\n  owner \"Platform team\"\n  start 2027-01-04\n  description \"Generated to benchmark and fuzz rollplan\"\n}\n\n");
    for (name, _) in ATTRIBUTES {
        let _ = writeln!(out, "attribute {name}: string \"Request {name}\"");
    }
    out.push('\n');
    for (i, f) in plan.flags.iter().enumerate() {
        let _ = writeln!(
            out,
            "flag {}: {} = {} \"Synthetic flag {i}\"",
            f.name,
            type_roll(f.ty),
            f.default.roll()
        );
    }
    out.push('\n');
    for (name, unit) in METRICS {
        let _ = writeln!(out, "metric {name}: {unit} \"Synthetic metric {name}\"");
    }
    out.push('\n');
    for k in 0..plan.invariants.len() {
        let _ = writeln!(
            out,
            "invariant rule_{k}: {}\n  \"Flag pair {k} turns on in order\"",
            invariant_text(plan, k)
        );
    }
    out.push_str("\non_fail extend 2d max 2 then rollback previous\non_inconclusive wait 1d\n\n");
    out.push_str(
        "holiday 2027-05-01 \"Labour day\"\nfreeze 2027-12-20..2028-01-02 \"Year-end freeze\"\n\n",
    );
    out.push_str("rollback {\n  step \"Revert the flags to the previous phase\"\n  step \"Open an incident\"\n}\n\n");
    out.push_str("monitor \"Health\" {\n  item \"Error budget\"\n  watch error_rate\n  watch p99_latency\n}\n\n");
    out.push_str(
        "communicate before {\n  notify \"Announce the phase in the release channel\"\n}\n\n",
    );
    out.push_str("communicate after {\n  notify \"Share the phase's metrics\"\n}\n\n");
    out.push_str("validate {\n  check \"Run the smoke tests\"\n}\n");
    for phase in &plan.phases {
        let _ = write!(
            out,
            "\nphase {} {} {{\n  duration {}\n",
            phase.id,
            quote(&phase.title),
            phase.duration
        );
        for s in &phase.sets {
            let _ = write!(
                out,
                "  set {} = {}",
                plan.flags[s.flag].name,
                setting_roll(plan, &s.setting)
            );
            if s.optional {
                out.push_str(" optional \"if capacity allows\"");
            }
            out.push('\n');
        }
        for a in &phase.activities {
            let _ = writeln!(out, "  activity {}", quote(a));
        }
        if let Some(c) = &phase.check {
            let _ = writeln!(out, "  check {}", quote(c));
        }
        if phase.rollback {
            out.push_str("  on_fail rollback previous\n");
        }
        for g in &phase.gates {
            match g {
                Gate::Metric {
                    metric,
                    op,
                    threshold,
                    text,
                    pass,
                } => {
                    let _ = write!(
                        out,
                        "  gate {} {op} {threshold} {}",
                        METRICS[*metric].0,
                        quote(text)
                    );
                    if let Some(p) = pass {
                        let _ = write!(out, " pass {p}");
                    }
                    out.push('\n');
                }
                Gate::Manual { id, text } => {
                    let _ = writeln!(out, "  gate {id} {}", quote(text));
                }
            }
        }
        out.push_str("}\n");
    }
    out
}

pub(crate) fn render_yaml(plan: &Plan, seed: u64) -> String {
    let mut out = String::with_capacity(plan.phases.len() * 2000 + 4096);
    let _ = writeln!(out, "# {HEADER} (seed {seed}).");
    out.push_str("plan:\n  name: synthetic\n  title: \"Synthetic rollout\"\n  owner: \"Platform team\"\n  start: 2027-01-04\n  description: \"Generated to benchmark and fuzz rollplan\"\n");
    out.push_str("attributes:\n");
    for (name, _) in ATTRIBUTES {
        let _ = writeln!(
            out,
            "  - name: {name}\n    type: string\n    description: \"Request {name}\""
        );
    }
    out.push_str("flags:\n");
    for (i, f) in plan.flags.iter().enumerate() {
        let ty = match f.ty {
            Ty::Enum => format!("enum\n    values: [{}]", ENUM_VARIANTS.join(", ")),
            other => type_roll(other),
        };
        let _ = writeln!(
            out,
            "  - name: {}\n    type: {ty}\n    default: {}\n    description: \"Synthetic flag {i}\"",
            f.name,
            f.default.yaml()
        );
    }
    out.push_str("metrics:\n");
    for (name, unit) in METRICS {
        let _ = writeln!(
            out,
            "  - name: {name}\n    unit: {unit}\n    description: \"Synthetic metric {name}\""
        );
    }
    out.push_str("invariants:\n");
    for k in 0..plan.invariants.len() {
        let _ = writeln!(
            out,
            "  - name: rule_{k}\n    rule: {}\n    description: \"Flag pair {k} turns on in order\"",
            quote(&invariant_text(plan, k))
        );
    }
    out.push_str("on_fail:\n  extend: 2d\n  max: 2\n  then_rollback: previous\non_inconclusive:\n  wait: 1d\n");
    out.push_str("holidays:\n  - date: 2027-05-01\n    name: \"Labour day\"\nfreezes:\n  - from: 2027-12-20\n    to: 2028-01-02\n    reason: \"Year-end freeze\"\n");
    out.push_str(
        "rollback:\n  - \"Revert the flags to the previous phase\"\n  - \"Open an incident\"\n",
    );
    out.push_str("monitors:\n  - title: \"Health\"\n    items: [\"Error budget\"]\n    watch: [error_rate, p99_latency]\n");
    out.push_str("communicate:\n  before:\n    - \"Announce the phase in the release channel\"\n  after:\n    - \"Share the phase's metrics\"\n");
    out.push_str("validate:\n  - \"Run the smoke tests\"\n");
    out.push_str("phases:\n");
    for phase in &plan.phases {
        yaml_phase(&mut out, plan, phase);
    }
    out
}

fn yaml_phase(out: &mut String, plan: &Plan, phase: &Phase) {
    let _ = write!(
        out,
        "  - id: {}\n    title: {}\n    duration: {}\n    set:\n",
        phase.id,
        quote(&phase.title),
        quote(&phase.duration)
    );
    for s in &phase.sets {
        let _ = writeln!(*out, "      - flag: {}", plan.flags[s.flag].name);
        match &s.setting {
            Setting::Fixed(v) => {
                let _ = writeln!(*out, "        value: {}", v.yaml());
            }
            Setting::Scoped { rules, default } => {
                out.push_str("        rules:\n");
                for r in rules {
                    let op = if r.values.len() == 1 { "equals" } else { "in" };
                    let values: Vec<String> = r.values.iter().map(|v| quote(v)).collect();
                    let _ = writeln!(
                        out,
                        "          - value: {}\n            attribute: {}\n            {op}: [{}]",
                        r.value.yaml(),
                        ATTRIBUTES[r.attribute].0,
                        values.join(", ")
                    );
                }
                let _ = writeln!(*out, "        else: {}", default.yaml());
            }
        }
        if s.optional {
            out.push_str("        optional: \"if capacity allows\"\n");
        }
    }
    out.push_str("    activities:\n");
    for a in &phase.activities {
        let _ = writeln!(*out, "      - {}", quote(a));
    }
    if let Some(c) = &phase.check {
        let _ = writeln!(*out, "    checks:\n      - {}", quote(c));
    }
    if phase.rollback {
        out.push_str("    on_fail:\n      rollback: previous\n");
    }
    out.push_str("    gates:\n");
    for g in &phase.gates {
        match g {
            Gate::Metric {
                metric,
                op,
                threshold,
                text,
                pass,
            } => {
                let _ = writeln!(
                    out,
                    "      - metric: {}\n        op: \"{op}\"\n        threshold: {}\n        text: {}",
                    METRICS[*metric].0,
                    quote(threshold),
                    quote(text)
                );
                if let Some(p) = pass {
                    let _ = writeln!(*out, "        pass: {p}");
                }
            }
            Gate::Manual { id, text } => {
                let _ = writeln!(*out, "      - id: {id}\n        text: {}", quote(text));
            }
        }
    }
}

struct Args {
    phases: usize,
    flags: usize,
    seed: u64,
    yaml: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        phases: 5,
        flags: 20,
        seed: 1,
        yaml: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let v = it.next().ok_or(format!("{name} needs a value"))?;
            v.parse()
                .map_err(|e| format!("{name}: `{v}` is not a number: {e}"))
        };
        match arg.as_str() {
            "--phases" => {
                args.phases = usize::try_from(number("--phases")?).map_err(|e| e.to_string())?;
            }
            "--flags" => {
                args.flags = usize::try_from(number("--flags")?).map_err(|e| e.to_string())?;
            }
            "--seed" => args.seed = number("--seed")?,
            "--yaml" => args.yaml = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.phases == 0 || args.flags == 0 {
        return Err("--phases and --flags must be at least 1".to_owned());
    }
    Ok(args)
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("synth: {e}\nusage: synth --phases N --flags F --seed S [--yaml]");
            return std::process::ExitCode::from(2);
        }
    };
    let plan = generate(args.phases, args.flags, args.seed);
    let text = if args.yaml {
        render_yaml(&plan, args.seed)
    } else {
        render_roll(&plan, args.seed)
    };
    print!("{text}");
    std::process::ExitCode::SUCCESS
}
