//! Resolution of plan-wide items: the header, declarations, invariants and text blocks. Phases
//! are resolved in [`phase`]; names, literals and formulas in
//! [`names`]. Every check reports and carries on, so one run shows every problem.

mod gate;
mod names;
mod phase;
mod share;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::plan::{
    Attribute, AttributeId, Cohort, CohortId, Flag, FlagId, Freeze, Holiday, Invariant, Metric,
    MetricId, Monitor, Plan, TextItem,
};
use crate::model::time::parse_date;
use crate::model::value::{FlagState, Setting};
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, Item, Spanned};
use names::placeholder;

/// Resolves a parsed plan. Returns the plan when there is no error, and every diagnostic found.
pub fn resolve(file: &ast::File<'_>, source: &SourceFile) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut r = Resolver {
        source,
        diagnostics: Vec::new(),
        ..Resolver::default_for(source)
    };
    let plan = r.plan(file);
    if let Some(plan) = &plan {
        r.diagnostics
            .extend(crate::model::file_name::too_long(plan));
    }
    let has_error = r.diagnostics.iter().any(Diagnostic::is_error);
    (plan.filter(|_| !has_error), r.diagnostics)
}

pub(super) struct Resolver<'s> {
    pub(super) source: &'s SourceFile,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) flags: Vec<Flag>,
    pub(super) flag_ids: HashMap<String, FlagId>,
    pub(super) attributes: Vec<Attribute>,
    pub(super) attribute_ids: HashMap<String, AttributeId>,
    pub(super) metrics: Vec<Metric>,
    pub(super) metric_ids: HashMap<String, MetricId>,
    pub(super) cohorts: Vec<Cohort>,
    /// `None` for a cohort declared with a wrong attribute (reported where it is declared).
    pub(super) cohort_ids: HashMap<String, Option<CohortId>>,
    /// Code and primary span of each diagnostic reported, so none is reported twice.
    reported: HashSet<(Code, Span)>,
}

impl<'s> Resolver<'s> {
    fn default_for(source: &'s SourceFile) -> Self {
        Resolver {
            source,
            diagnostics: Vec::new(),
            flags: Vec::new(),
            flag_ids: HashMap::new(),
            attributes: Vec::new(),
            attribute_ids: HashMap::new(),
            metrics: Vec::new(),
            metric_ids: HashMap::new(),
            cohorts: Vec::new(),
            cohort_ids: HashMap::new(),
            reported: HashSet::new(),
        }
    }

    /// Records a diagnostic once: plan-level statements (`on_fail`) are resolved again for
    /// every phase that inherits them, and their problems must not be reported per phase.
    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        if self
            .reported
            .insert((diagnostic.code, diagnostic.primary.span))
        {
            self.diagnostics.push(diagnostic);
        }
    }

    fn plan(&mut self, file: &ast::File<'_>) -> Option<Plan> {
        let header = self.header(file);
        self.declarations(file);

        let wide = self.plan_wide_items(file);
        let initial = FlagState::new(self.flags.iter().map(|f| Setting::Fixed(f.initial.clone())));
        let phases = self.phases(file, &initial);
        let header = header?;
        if let Some(start) = header.start {
            self.check_calendar_end(start, &phases);
        }
        if phases.is_empty() {
            self.report(
                Diagnostic::new(
                    Code::NoPhases,
                    "the plan has no phases",
                    header.span,
                    "this plan",
                )
                .help("add at least one `phase ID \"Title\" { duration 1w  set flag = value }`"),
            );
            return None;
        }
        Some(Plan {
            name: header.name,
            title: header.title,
            owner: header.owner,
            description: header.description,
            start: header.start,
            header_span: header.span,
            attributes: std::mem::take(&mut self.attributes),
            cohorts: std::mem::take(&mut self.cohorts),
            flags: std::mem::take(&mut self.flags),
            metrics: std::mem::take(&mut self.metrics),
            invariants: wide.invariants,
            phases,
            initial,
            freezes: wide.freezes,
            holidays: wide.holidays,
            rollback_steps: wide.texts.rollback,
            validation: wide.texts.validation,
            contingency: wide.texts.contingency,
            notify_before: wide.texts.before,
            notify_after: wide.texts.after,
            monitors: wide.monitors,
            on_fail_text: file.items.iter().find_map(|item| match item {
                Item::OnFail(f) => self
                    .source
                    .text
                    .get(f.span.range())
                    .map(|t| t.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")),
                _ => None,
            }),
        })
    }

    /// Invariants, calendar entries, monitors and text blocks: everything but declarations
    /// and phases.
    fn plan_wide_items(&mut self, file: &ast::File<'_>) -> PlanWide {
        let mut invariants = Vec::new();
        let mut seen_invariants: HashMap<&str, Span> = HashMap::new();
        let mut texts = TextBlocks::default();
        let mut freezes = Vec::new();
        let mut holidays = Vec::new();
        let mut monitors = Vec::new();
        for item in &file.items {
            match item {
                Item::Invariant(decl) => {
                    self.check_unique("invariant", decl.name, &mut seen_invariants);
                    if let Some(formula) = self.formula(&decl.expr) {
                        invariants.push(Invariant {
                            name: decl.name.node.to_owned(),
                            flags: formula.flags(),
                            formula,
                            description: decl.description.as_ref().map(|d| d.node.to_string()),
                            span: decl.name.span,
                            formula_span: decl.expr.span,
                        });
                    }
                }
                Item::Rollback(block) => texts.rollback.extend(text_items(&block.items)),
                Item::Validate(block) => texts.validation.extend(text_items(&block.items)),
                Item::Contingency(block) => texts.contingency.extend(text_items(&block.items)),
                Item::Communicate(c) => match c.moment.node {
                    ast::Moment::Before => texts.before.extend(text_items(&c.items)),
                    ast::Moment::After => texts.after.extend(text_items(&c.items)),
                },
                Item::Freeze(f) => {
                    let from = self.date(f.from);
                    let to = self.date(f.to);
                    if let (Some(from), Some(to)) = (from, to) {
                        if to < from {
                            self.report(
                                Diagnostic::new(
                                    Code::InvalidDate,
                                    format!(
                                        "freeze window ends on {to}, before it starts on {from}"
                                    ),
                                    f.from.span.to(f.to.span),
                                    "the end comes before the start",
                                )
                                .help("write the first frozen day first: `freeze FROM..TO`"),
                            );
                        } else {
                            freezes.push(Freeze {
                                from,
                                to,
                                reason: f.reason.as_ref().map(|r| r.node.to_string()),
                                span: f.keyword,
                            });
                        }
                    }
                }
                Item::Holiday(h) => {
                    if let Some(date) = self.date(h.date) {
                        holidays.push(Holiday {
                            date,
                            name: h.name.as_ref().map(|n| n.node.to_string()),
                            span: h.date.span,
                        });
                    }
                }
                Item::Monitor(m) => {
                    let mut monitor = Monitor {
                        title: m.title.node.to_string(),
                        metrics: Vec::new(),
                        items: Vec::new(),
                        span: m.title.span,
                    };
                    for entry in &m.entries {
                        match entry {
                            ast::MonitorEntry::Watch(name) => {
                                if let Some(id) = self.metric(*name, None) {
                                    monitor.metrics.push(id);
                                }
                            }
                            ast::MonitorEntry::Item(text) => monitor.items.push(text_item(text)),
                        }
                    }
                    monitors.push(monitor);
                }
                _ => {}
            }
        }
        PlanWide {
            invariants,
            texts,
            freezes,
            holidays,
            monitors,
        }
    }

    fn header(&mut self, file: &ast::File<'_>) -> Option<Header> {
        let mut headers = file.items.iter().filter_map(|i| match i {
            Item::Plan(h) => Some(h),
            _ => None,
        });
        let Some(first) = headers.next() else {
            self.report(
                Diagnostic::new(
                    Code::PlanHeader,
                    "the file has no `plan` block",
                    self.source.span(0..0),
                    "expected `plan NAME { … }` in this file",
                )
                .help("start the file with `plan my_rollout { title \"…\" }`"),
            );
            return None;
        };
        for extra in headers {
            self.report(
                Diagnostic::new(
                    Code::PlanHeader,
                    format!("a second `plan` block, `{}`", extra.name.node),
                    extra.keyword,
                    "second plan block",
                )
                .related(first.keyword, "first plan block")
                .help("a file holds one plan: merge the blocks, or move the second plan to its own file"),
            );
        }
        let mut header = Header {
            name: first.name.node.to_owned(),
            span: first.name.span,
            title: None,
            owner: None,
            description: None,
            start: None,
        };
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for field in &first.fields {
            let (name, span) = match field {
                ast::PlanField::Title(t) => ("title", t.span),
                ast::PlanField::Owner(t) => ("owner", t.span),
                ast::PlanField::Start(t) => ("start", t.span),
                ast::PlanField::Description(t) => ("description", t.span),
            };
            self.check_unique("plan field", Spanned::new(name, span), &mut seen);
            match field {
                ast::PlanField::Title(t) => header.title = Some(t.node.to_string()),
                ast::PlanField::Owner(t) => header.owner = Some(t.node.to_string()),
                ast::PlanField::Description(t) => header.description = Some(t.node.to_string()),
                ast::PlanField::Start(d) => header.start = self.start(*d),
            }
        }
        Some(header)
    }

    fn declarations(&mut self, file: &ast::File<'_>) {
        let mut seen_flags = HashMap::new();
        let mut seen_attributes = HashMap::new();
        let mut seen_metrics = HashMap::new();
        for item in &file.items {
            match item {
                Item::Attribute(decl)
                    if self.check_unique("attribute", decl.name, &mut seen_attributes) =>
                {
                    let ty = self.flag_type(&decl.ty);
                    self.attribute_ids.insert(
                        decl.name.node.to_owned(),
                        AttributeId(self.attributes.len()),
                    );
                    self.attributes.push(Attribute {
                        name: decl.name.node.to_owned(),
                        ty,
                        description: decl.description.as_ref().map(|d| d.node.to_string()),
                        span: decl.name.span,
                    });
                }
                Item::Flag(decl) if self.check_unique("flag", decl.name, &mut seen_flags) => {
                    let ty = self.flag_type(&decl.ty);
                    let what = format!("flag `{}`", decl.name.node);
                    let initial = self
                        .literal(&decl.initial, &ty, &what, decl.ty.span)
                        .unwrap_or_else(|| placeholder(&ty));
                    self.flag_ids
                        .insert(decl.name.node.to_owned(), FlagId(self.flags.len()));
                    self.flags.push(Flag {
                        name: decl.name.node.to_owned(),
                        ty,
                        initial,
                        description: decl.description.as_ref().map(|d| d.node.to_string()),
                        span: decl.name.span,
                    });
                }
                Item::Metric(decl) if self.check_unique("metric", decl.name, &mut seen_metrics) => {
                    self.metric_ids
                        .insert(decl.name.node.to_owned(), MetricId(self.metrics.len()));
                    let query = decl.query.as_ref().map(|q| TextItem {
                        text: q.node.to_string(),
                        span: q.span,
                    });
                    if let Some(q) = &query
                        && q.text.trim().is_empty()
                    {
                        self.report(
                            Diagnostic::new(
                                Code::EmptyQuery,
                                format!("metric `{}` has an empty query", decl.name.node),
                                q.span,
                                "no PromQL expression",
                            )
                            .help(format!(
                                "write the PromQL expression that gives `{}` in {}, or leave out `query`",
                                decl.name.node,
                                decl.unit.node.keyword()
                            )),
                        );
                    }
                    self.metrics.push(Metric {
                        name: decl.name.node.to_owned(),
                        unit: decl.unit.node,
                        query,
                        description: decl.description.as_ref().map(|d| d.node.to_string()),
                        span: decl.name.span,
                    });
                }
                _ => {}
            }
        }
        self.cohorts(file);
    }

    /// Records `name` in `seen`; reports and returns `false` when it is there already.
    pub(super) fn check_unique<'a>(
        &mut self,
        kind: &str,
        name: Spanned<&'a str>,
        seen: &mut HashMap<&'a str, Span>,
    ) -> bool {
        if let Some(&first) = seen.get(name.node) {
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("{kind} `{}` is declared twice", name.node),
                    name.span,
                    "declared again here",
                )
                .related(first, "first declared here")
                .help(format!("rename one of them, or delete the second {kind}")),
            );
            return false;
        }
        seen.insert(name.node, name.span);
        true
    }

    /// The planned timeline from the plan's `start` must end on a day the calendar holds
    /// (9999-12-31 at the latest): the first phase that would end past it is an error, where a
    /// date would otherwise stop at the last day without a word. Freeze windows and working
    /// days only move dates later; `simulate` checks those.
    fn check_calendar_end(&mut self, start: crate::model::Moment, phases: &[crate::model::Phase]) {
        let mut day = start;
        for phase in phases {
            let Some(length) = phase.duration.planned() else {
                return;
            };
            let minutes = i64::try_from(length.0).unwrap_or(i64::MAX);
            let Some(end) = day.checked_add(minutes) else {
                let runs = if length.is_whole_days() {
                    format!(
                        "runs {} days from {day}",
                        minutes / crate::model::DAY_MINUTES
                    )
                } else {
                    format!("runs {length} from {day}")
                };
                self.report(
                    Diagnostic::new(
                        Code::InvalidDate,
                        format!(
                            "phase `{}` would end after {}, the last day the calendar holds",
                            phase.id,
                            crate::model::Date::MAX
                        ),
                        phase.duration_span,
                        runs,
                    )
                    .help("start the rollout earlier, or shorten the phases, so that it ends by 9999-12-31"),
                );
                return;
            };
            day = end;
        }
    }

    /// A plan's `start`: a date (00:00 UTC) or an RFC 3339 date-time, turned into UTC.
    fn start(&mut self, raw: ast::Raw<'_>) -> Option<crate::model::Moment> {
        use crate::model::MomentError;
        let error = match crate::model::Moment::parse(raw.node) {
            Ok(moment) => return Some(moment),
            Err(e) => e,
        };
        let (message, label, help) = match error {
            MomentError::NoSuchDay => (
                format!("`{}` is not a date on the calendar", raw.node),
                "no such day",
                "write a real day as YYYY-MM-DD, like 2026-12-01, or a date-time like 2026-12-01T09:00:00Z",
            ),
            MomentError::NoOffset => (
                format!("the date-time `{}` has no time zone offset", raw.node),
                "which time zone?",
                "end the time with `Z` for UTC (`T09:00:00Z`) or with its offset from UTC (`T09:00:00+02:00`)",
            ),
            MomentError::NotATime => (
                format!("`{}` is not an RFC 3339 date-time", raw.node),
                "not a time of day",
                "write the time as HH:MM:SS on a 24-hour clock with `Z` or an offset, like 2026-12-01T09:00:00Z",
            ),
            MomentError::NotAWholeMinute => (
                format!("the start `{}` is not on a whole minute", raw.node),
                "seconds",
                "plans count whole minutes: write the seconds as `:00`, like 2026-12-01T09:00:00Z",
            ),
        };
        self.report(Diagnostic::new(Code::InvalidDate, message, raw.span, label).help(help));
        None
    }

    pub(super) fn date(&mut self, raw: ast::Raw<'_>) -> Option<crate::model::Date> {
        let date = parse_date(raw.node);
        if date.is_none() {
            self.report(
                Diagnostic::new(
                    Code::InvalidDate,
                    format!("`{}` is not a date on the calendar", raw.node),
                    raw.span,
                    "no such day",
                )
                .help("write a real day as YYYY-MM-DD, like 2026-12-01"),
            );
        }
        date
    }
}

struct Header {
    name: String,
    span: Span,
    title: Option<String>,
    owner: Option<String>,
    description: Option<String>,
    start: Option<crate::model::Moment>,
}

struct PlanWide {
    invariants: Vec<Invariant>,
    texts: TextBlocks,
    freezes: Vec<Freeze>,
    holidays: Vec<Holiday>,
    monitors: Vec<Monitor>,
}

#[derive(Default)]
struct TextBlocks {
    rollback: Vec<TextItem>,
    validation: Vec<TextItem>,
    contingency: Vec<TextItem>,
    before: Vec<TextItem>,
    after: Vec<TextItem>,
}

pub(super) fn text_item(text: &ast::Text<'_>) -> TextItem {
    TextItem {
        text: text.node.to_string(),
        span: text.span,
    }
}

fn text_items<'a>(items: &'a [ast::Text<'a>]) -> impl Iterator<Item = TextItem> + 'a {
    items.iter().map(text_item)
}

#[cfg(test)]
mod tests {
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
        let text =
            format!("{HEAD}phase a \"A\" {{\n  duration 1w\n  set checkout.v2 = \"yes\"\n}}\n");
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
}
