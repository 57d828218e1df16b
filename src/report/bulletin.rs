//! The data of the annual bulletin (年度禁毒工作统计公报) and of the county briefs:
//! metric rows → published (disclosure-controlled) strings, narrative sentences,
//! tables and SVG charts, handed to `annual-bulletin.typ` / `county-brief.typ` as
//! `/data.json` and `/charts/NAME.svg`.
//!
//! Every number shown comes from a metric row that went through
//! [`publish::publish_rows`], or, for the tables this module builds with a total row
//! (children of the region plus the region itself), through
//! [`publish::complementary`]. Nothing here decides what is too small.
//!
//! The JSON has five top-level keys: `meta` (title, region, year, cutoff, language,
//! engine version), `labels` (fixed words of the templates), `headline` (the key
//! figures of the cover box), `sections` (an ordered list of `{id, title, blocks}`,
//! where a block is a paragraph, a table, a chart or a list of terms) and `notes`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::chart::{self, KmCurve, TrendSeries, YAxis};
use crate::dates::{Days, from_days};
use crate::metrics::compute::{Entry, Period, cohort_entry, periods, subject};
use crate::metrics::defs::{self, Kind};
use crate::metrics::output::display_value;
use crate::metrics::{MetricRow, Model, Request, compute};
use crate::publish::{self, Rule};
use crate::regions::{Level, level_of, significant_prefix};
use crate::schema;
use crate::stats::{KaplanMeier, Subject};

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// Which document to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    AnnualBulletin,
    CountyBrief,
}

impl Template {
    /// The Typst file of the template.
    pub fn main(self) -> &'static str {
        match self {
            Template::AnnualBulletin => "annual-bulletin.typ",
            Template::CountyBrief => "county-brief.typ",
        }
    }
}

/// What one document covers.
#[derive(Debug, Clone)]
pub struct Spec {
    pub template: Template,
    /// Region code (province, city or county).
    pub region: String,
    pub year: i32,
    pub lang: Lang,
    pub rule: Rule,
}

/// The data and charts of one document.
#[derive(Debug, Clone)]
pub struct Built {
    pub data: Value,
    pub charts: Vec<(String, String)>,
}

/// Number of years of the trend charts.
const TREND_YEARS: i32 = 10;
/// Number of entry cohorts drawn in the Kaplan–Meier chart.
const KM_COHORTS: i32 = 5;
/// Days of the numbers-at-risk table: 0, 6, 12, 24 and 36 months.
const AT_RISK_DAYS: [u32; 5] = [0, 183, 365, 730, 1096];
/// The caseload norm: one officer for 20 persons under community measures.
const CASELOAD_NORM: f64 = 20.0;

type Key = (&'static str, i32, String, &'static str, String);

/// Metric rows of one level, raw and published (same order), with an index.
struct LevelRows {
    raw: Vec<MetricRow>,
    publ: Vec<MetricRow>,
    index: HashMap<Key, usize>,
}

/// The metric rows the documents are built from, computed once per level and shared
/// by every document of a run (`--each county`).
pub struct Context<'a> {
    pub model: &'a Model,
    pub rule: Rule,
    /// Input files with SHA-256 and row accounting (`import_report` of the load).
    pub import_report: Value,
    levels: BTreeMap<Level, LevelRows>,
}

/// The level whose regions make up a region's per-area tables.
pub fn child_level(level: Level) -> Level {
    match level {
        Level::Province | Level::City => Level::County,
        _ => Level::Township,
    }
}

impl<'a> Context<'a> {
    /// Computes every metric at `levels` for the years `from..=to` (all regions).
    pub fn new(
        model: &'a Model,
        rule: Rule,
        import_report: Value,
        levels: &[(Level, i32, i32)],
    ) -> Context<'a> {
        let mut map = BTreeMap::new();
        for &(level, from, to) in levels {
            let req = Request {
                metrics: Vec::new(),
                level,
                scope: None,
                from: Some(from),
                to: Some(to),
            };
            let raw = compute(model, &req);
            let mut publ = raw.clone();
            publish::publish_rows(&mut publ, rule);
            let index = raw
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let year = r.period.parse().unwrap_or(0);
                    (
                        (
                            r.metric,
                            year,
                            r.region_code.clone(),
                            r.breakdown,
                            r.breakdown_value.clone(),
                        ),
                        i,
                    )
                })
                .collect();
            map.insert(level, LevelRows { raw, publ, index });
        }
        Context {
            model,
            rule,
            import_report,
            levels: map,
        }
    }

    fn find(&self, level: Level, metric: &'static str, year: i32, code: &str) -> Option<usize> {
        self.find_bd(level, metric, year, code, "", "")
    }

    fn find_bd(
        &self,
        level: Level,
        metric: &'static str,
        year: i32,
        code: &str,
        bd: &'static str,
        bv: &str,
    ) -> Option<usize> {
        self.levels
            .get(&level)?
            .index
            .get(&(metric, year, code.to_string(), bd, bv.to_string()))
            .copied()
    }

    fn publ(&self, level: Level, i: usize) -> &MetricRow {
        &self.levels[&level].publ[i]
    }

    fn raw(&self, level: Level, i: usize) -> &MetricRow {
        &self.levels[&level].raw[i]
    }

    /// Codes and names of the regions of `level` inside `scope`, in code order, as the
    /// metric rows list them (pseudo-regions included).
    pub fn regions_in(&self, level: Level, scope: &str, year: i32) -> Vec<(String, String)> {
        let prefix = significant_prefix(scope);
        let Some(l) = self.levels.get(&level) else {
            return Vec::new();
        };
        l.raw
            .iter()
            .filter(|r| {
                r.metric == "registered"
                    && r.period == year.to_string()
                    && r.region_code.starts_with(prefix)
            })
            .map(|r| (r.region_code.clone(), r.region_name.clone()))
            .collect()
    }
}

// ---------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------

struct Tr(Lang);

impl Tr {
    fn t(&self, zh: &str, en: &str) -> String {
        match self.0 {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }

    fn metric(&self, id: &str) -> String {
        let d = defs::find(id).expect("known metric");
        self.t(d.zh, d.en)
    }

    fn year(&self, y: i32) -> String {
        self.t(&format!("{y}年"), &y.to_string())
    }

    fn date(&self, d: Days) -> String {
        let d = from_days(d);
        match self.0 {
            Lang::Zh => d.format("%Y年%-m月%-d日").to_string(),
            Lang::En => d.format("%-d %B %Y").to_string(),
        }
    }
}

/// A count with thousands separators (`27,953`).
pub fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fraction as a percentage with one decimal (`95.2%`).
pub fn fmt_rate(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// How a published row reads: suppressed cells as the disclosure module writes them,
/// counts with thousands separators, rates in percent, ratios with one decimal.
fn show(r: &MetricRow, rule: Rule) -> String {
    if r.suppressed || r.value.is_none() {
        return display_value(r, rule);
    }
    let v = r.value.expect("checked");
    match defs::find(r.metric).map(|d| d.kind) {
        Some(Kind::Count) => fmt_count(v.round() as u64),
        Some(Kind::Ratio) => format!("{v:.1}"),
        _ => fmt_rate(v),
    }
}

fn show_ci(r: &MetricRow) -> String {
    match (r.suppressed, r.ci_low, r.ci_high) {
        (false, Some(l), Some(h)) => format!("{:.1}–{:.1}%", l * 100.0, h * 100.0),
        _ => String::new(),
    }
}

/// The direction of a change between two published rows of the same metric.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    Up(f64),
    Down(f64),
    Flat,
    /// One of the values is hidden or missing: no comparison.
    None,
}

/// Counts: relative change, "flat" under 1%. Rates: "flat" when the 95% intervals
/// overlap, else the change in percentage points.
fn change(prev: Option<&MetricRow>, cur: Option<&MetricRow>) -> Change {
    let (Some(p), Some(c)) = (prev, cur) else {
        return Change::None;
    };
    if p.suppressed || c.suppressed {
        return Change::None;
    }
    let (Some(pv), Some(cv)) = (p.value, c.value) else {
        return Change::None;
    };
    match defs::find(c.metric).map(|d| d.kind) {
        Some(Kind::Count) => {
            if pv == 0.0 {
                return if cv == 0.0 {
                    Change::Flat
                } else {
                    Change::None
                };
            }
            let pct = (cv - pv) / pv * 100.0;
            if pct.abs() < 1.0 {
                Change::Flat
            } else if pct > 0.0 {
                Change::Up(pct)
            } else {
                Change::Down(-pct)
            }
        }
        Some(Kind::Ratio) => {
            let d = cv - pv;
            if pv != 0.0 && (d / pv).abs() < 0.01 {
                Change::Flat
            } else if d > 0.0 {
                Change::Up(d)
            } else {
                Change::Down(-d)
            }
        }
        _ => {
            let overlap = match (p.ci_low, p.ci_high, c.ci_low, c.ci_high) {
                (Some(pl), Some(ph), Some(cl), Some(ch)) => pl <= ch && cl <= ph,
                _ => true,
            };
            let d = (cv - pv) * 100.0;
            if overlap {
                Change::Flat
            } else if d > 0.0 {
                Change::Up(d)
            } else {
                Change::Down(-d)
            }
        }
    }
}

impl Tr {
    fn change(&self, ch: Change, kind: Kind) -> String {
        let unit_zh = if kind == Kind::Count {
            "%"
        } else {
            "个百分点"
        };
        let unit_en = if kind == Kind::Count {
            "%"
        } else {
            " percentage points"
        };
        let (dec, unit_zh, unit_en) = match kind {
            Kind::Ratio => (1, "", ""),
            _ => (1, unit_zh, unit_en),
        };
        match ch {
            Change::Up(x) => self.t(
                &format!("同比上升{x:.dec$}{unit_zh}"),
                &format!("up {x:.dec$}{unit_en} year on year"),
            ),
            Change::Down(x) => self.t(
                &format!("同比下降{x:.dec$}{unit_zh}"),
                &format!("down {x:.dec$}{unit_en} year on year"),
            ),
            Change::Flat => self.t("与上年持平", "about the same as the previous year"),
            Change::None => self.t("不作比较", "not compared"),
        }
    }
}

// ---------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------

fn par(text: String) -> Value {
    json!({"kind": "par", "text": text})
}

fn table(
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    note: Option<String>,
) -> Value {
    json!({"kind": "table", "caption": caption, "header": header, "rows": rows, "note": note})
}

fn chart_block(name: &str, caption: String) -> Value {
    json!({"kind": "chart", "name": name, "caption": caption})
}

fn section(id: &str, title: String, blocks: Vec<Value>) -> Value {
    json!({"id": id, "title": title, "blocks": blocks})
}

/// One column of a table with a total row, disclosure-controlled as an additive
/// table: the cells of the children and the total of the region.
fn count_column(values: &[u64], total: u64, rule: Rule) -> (Vec<String>, String) {
    let mut hidden: Vec<bool> = values.iter().map(|v| rule.too_small(*v)).collect();
    let total_hidden = publish::complementary(values, &mut hidden, rule.too_small(total));
    let cells = values
        .iter()
        .zip(&hidden)
        .map(|(v, h)| {
            if *h {
                rule.hidden_count()
            } else {
                fmt_count(*v)
            }
        })
        .collect();
    let t = if total_hidden {
        rule.hidden_count()
    } else {
        fmt_count(total)
    };
    (cells, t)
}

// ---------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------

struct Doc<'c, 'a> {
    cx: &'c Context<'a>,
    tr: Tr,
    level: Level,
    child: Level,
    code: String,
    name: String,
    year: i32,
    years: Vec<i32>,
    children: Vec<(String, String)>,
    charts: Vec<(String, String)>,
    /// Charts left out because nothing in them can be published.
    empty: Vec<String>,
}

impl Doc<'_, '_> {
    fn row(&self, metric: &'static str, year: i32) -> Option<&MetricRow> {
        self.cx
            .find(self.level, metric, year, &self.code)
            .map(|i| self.cx.publ(self.level, i))
    }

    fn raw_row(&self, metric: &'static str, year: i32) -> Option<&MetricRow> {
        self.cx
            .find(self.level, metric, year, &self.code)
            .map(|i| self.cx.raw(self.level, i))
    }

    fn child_row(&self, metric: &'static str, year: i32, code: &str) -> Option<&MetricRow> {
        self.cx
            .find(self.child, metric, year, code)
            .map(|i| self.cx.publ(self.child, i))
    }

    fn child_raw(&self, metric: &'static str, year: i32, code: &str) -> Option<&MetricRow> {
        self.cx
            .find(self.child, metric, year, code)
            .map(|i| self.cx.raw(self.child, i))
    }

    fn val(&self, metric: &'static str, year: i32) -> String {
        self.row(metric, year)
            .map_or_else(|| "—".to_string(), |r| show(r, self.cx.rule))
    }

    fn child_name(&self, code: &str, name: &str) -> String {
        if name.is_empty() {
            code.to_string()
        } else {
            name.to_string()
        }
    }

    fn total_label(&self) -> String {
        self.tr.t(
            &format!("{}（合计）", self.name),
            &format!("{} (total)", self.name),
        )
    }

    /// Published values of a metric for the trend years (suppressed → None).
    fn trend(&self, metric: &'static str, scale: f64) -> Vec<(i32, Option<f64>)> {
        self.years
            .iter()
            .map(|&y| {
                let v = self
                    .row(metric, y)
                    .filter(|r| !r.suppressed)
                    .and_then(|r| r.value)
                    .map(|v| v * scale);
                (y, v)
            })
            .collect()
    }

    fn kind(metric: &str) -> Kind {
        defs::find(metric).map_or(Kind::Count, |d| d.kind)
    }

    fn sentence(&self, metric: &'static str) -> String {
        let cur = self.row(metric, self.year);
        let prev = self.row(metric, self.year - 1);
        let ch = change(prev, cur);
        let v = self.val(metric, self.year);
        let unit = if Self::kind(metric) == Kind::Count && !v.starts_with('<') {
            "名"
        } else {
            ""
        };
        self.tr.t(
            &format!(
                "{}{}{unit}，{}",
                self.tr.metric(metric),
                v,
                self.tr.change(ch, Self::kind(metric))
            ),
            &format!(
                "{}: {}, {}",
                self.tr.metric(metric),
                v,
                self.tr.change(ch, Self::kind(metric))
            ),
        )
    }

    /// The decline streak of new users, shown only where the counts it compares are
    /// published (the streak is a number of years, not of persons).
    fn streak(&self, code: &str, child: bool) -> Option<u64> {
        let (level, published) = if child {
            (
                self.child,
                [self.year, self.year - 1].iter().all(|&y| {
                    self.child_row("new_users", y, code)
                        .is_some_and(|r| !r.suppressed)
                }),
            )
        } else {
            (
                self.level,
                [self.year, self.year - 1]
                    .iter()
                    .all(|&y| self.row("new_users", y).is_some_and(|r| !r.suppressed)),
            )
        };
        if !published {
            return None;
        }
        let i = self
            .cx
            .find(level, "new_users_decline_streak", self.year, code)?;
        self.cx.raw(level, i).numerator
    }

    /// ` (95% interval a–b)` / `（95%置信区间a–b）`, or nothing when hidden or empty.
    fn ci_paren(&self, r: Option<&MetricRow>) -> String {
        match r.map(show_ci).filter(|c| !c.is_empty()) {
            Some(c) => self.tr.t(
                &format!("（95%置信区间{c}）"),
                &format!(" (95% interval {c})"),
            ),
            None => String::new(),
        }
    }

    /// A bar chart, unless no bar has a published value (then it is left out).
    fn add_bars(&mut self, name: &str, items: &[(String, Option<f64>)], svg: String) {
        if items.iter().any(|(_, v)| v.is_some()) {
            self.add_chart(name, svg);
        } else {
            self.empty.push(name.to_string());
        }
    }

    fn add_chart(&mut self, name: &str, svg: String) {
        self.charts.push((name.to_string(), svg));
    }

    /// A table with one row per child region and the region's total row, for count
    /// metrics (each column disclosure-controlled as an additive table).
    fn child_count_table(&self, cols: &[(&'static str, i32)]) -> Vec<Vec<String>> {
        let rule = self.cx.rule;
        let mut columns = Vec::new();
        let mut totals = Vec::new();
        for &(m, y) in cols {
            let values: Vec<u64> = self
                .children
                .iter()
                .map(|(c, _)| {
                    self.child_raw(m, y, c)
                        .and_then(|r| r.numerator)
                        .unwrap_or(0)
                })
                .collect();
            let total = self.raw_row(m, y).and_then(|r| r.numerator).unwrap_or(0);
            let (cells, t) = count_column(&values, total, rule);
            columns.push(cells);
            totals.push(t);
        }
        let mut rows: Vec<Vec<String>> = self
            .children
            .iter()
            .enumerate()
            .map(|(i, (c, n))| {
                let mut r = vec![self.child_name(c, n)];
                r.extend(columns.iter().map(|col| col[i].clone()));
                r
            })
            .collect();
        let mut t = vec![self.total_label()];
        t.extend(totals);
        rows.push(t);
        rows
    }

    fn area_word(&self) -> String {
        match self.child {
            Level::Township => self.tr.t("乡镇（街道）", "Township"),
            _ => self.tr.t("县（市、区）", "County"),
        }
    }

    // --- sections -------------------------------------------------------------

    fn overview(&self) -> Value {
        let y = self.year;
        let ids: [&'static str; 9] = [
            "registered",
            "existing",
            "abstinent_3y",
            "consolidation_rate",
            "new_users",
            "under_community_measure",
            "in_society",
            "execution_rate",
            "relapse_12m",
        ];
        let rows: Vec<Vec<String>> = ids
            .iter()
            .map(|&m| {
                let ch = change(self.row(m, y - 1), self.row(m, y));
                vec![
                    self.tr.metric(m),
                    self.val(m, y - 1),
                    self.val(m, y),
                    self.tr.change(ch, Self::kind(m)),
                ]
            })
            .collect();
        let as_of = self
            .tr
            .date(self.row("registered", y).map_or(0, |r| r.as_of));
        let (registered, existing, abstinent, rate, new_users) = (
            self.val("registered", y),
            self.val("existing", y),
            self.val("abstinent_3y", y),
            self.val("consolidation_rate", y),
            self.val("new_users", y),
        );
        let new_change = self.tr.change(
            change(self.row("new_users", y - 1), self.row("new_users", y)),
            Kind::Count,
        );
        let name = &self.name;
        let intro = self.tr.t(
            &format!(
                "截至{as_of}，{name}登记在册吸毒人员{registered}名，其中现有吸毒人员{existing}名，戒断三年未发现复吸人员{abstinent}名，戒断巩固率{rate}。{y}年新发现吸毒人员{new_users}名，{new_change}。"
            ),
            &format!(
                "As of {as_of}, {name} had {registered} registered drug users, of whom {existing} were existing users and {abstinent} had been abstinent for three years; the consolidation rate was {rate}. In {y} there were {new_users} new users ({new_change})."
            ),
        );
        let more = [
            "under_community_measure",
            "in_society",
            "execution_rate",
            "consolidation_rate",
        ]
        .iter()
        .map(|m| self.sentence(m))
        .collect::<Vec<_>>()
        .join(self.tr.t("；", "; ").as_str());
        section(
            "overview",
            self.tr.t("一、总体情况", "1. Overview"),
            vec![
                par(intro),
                par(self.tr.t(&format!("{more}。"), &format!("{more}."))),
                table(
                    self.tr.t("主要指标", "Key figures"),
                    vec![
                        self.tr.t("指标", "Indicator"),
                        self.tr.year(y - 1),
                        self.tr.year(y),
                        self.tr.t("变化", "Change"),
                    ],
                    rows,
                    None,
                ),
            ],
        )
    }

    fn new_users(&mut self) -> Value {
        let y = self.year;
        let series: Vec<TrendSeries> =
            vec![(self.tr.metric("new_users"), self.trend("new_users", 1.0))];
        let title = self
            .tr
            .t("新发现吸毒人员（人）", "New drug users (persons)");
        self.add_chart(
            "new-users",
            chart::trend_line(&title, &series, None, YAxis::Count),
        );
        let streak = self.streak(&self.code, false);
        let streak_text = match streak {
            Some(n) if n >= 2 => self.tr.t(
                &format!("，连续{n}年下降"),
                &format!(", the {n}th consecutive year of decline"),
            ),
            Some(1) => self.tr.t("，较上年下降", ", lower than the year before"),
            _ => String::new(),
        };
        let mut p = self.tr.t(
            &format!(
                "{}年，{}新发现吸毒人员{}名，{}{}。",
                y,
                self.name,
                self.val("new_users", y),
                self.tr.change(
                    change(self.row("new_users", y - 1), self.row("new_users", y)),
                    Kind::Count
                ),
                streak_text
            ),
            &format!(
                "In {}, {} new drug users were found in {}, {}{}.",
                y,
                self.val("new_users", y),
                self.name,
                self.tr.change(
                    change(self.row("new_users", y - 1), self.row("new_users", y)),
                    Kind::Count
                ),
                streak_text
            ),
        );
        let falling: Vec<String> = self
            .children
            .iter()
            .filter_map(|(c, n)| {
                let s = self.streak(c, true)?;
                (s >= 3).then(|| {
                    self.tr.t(
                        &format!("{}（{}年）", self.child_name(c, n), s),
                        &format!("{} ({} years)", self.child_name(c, n), s),
                    )
                })
            })
            .collect();
        if !falling.is_empty() {
            p.push_str(&self.tr.t(
                &format!("连续3年以上下降的有：{}。", falling.join("、")),
                &format!(
                    " Areas with at least 3 consecutive years of decline: {}.",
                    falling.join(", ")
                ),
            ));
        }
        let mut rows = self.child_count_table(&[("new_users", y - 1), ("new_users", y)]);
        for (i, r) in rows.iter_mut().enumerate() {
            let (streak, ch) = if i < self.children.len() {
                let c = &self.children[i].0;
                (
                    self.streak(c, true),
                    change(
                        self.child_row("new_users", y - 1, c),
                        self.child_row("new_users", y, c),
                    ),
                )
            } else {
                (
                    self.streak(&self.code, false),
                    change(self.row("new_users", y - 1), self.row("new_users", y)),
                )
            };
            r.push(self.tr.change(ch, Kind::Count));
            r.push(streak.map_or_else(|| "—".to_string(), |s| s.to_string()));
        }
        let mut blocks = vec![
            par(p),
            chart_block("new-users", self.tr.t("新发现吸毒人员变化趋势", "New drug users by year")),
            table(
                self.tr.t(
                    &format!("各{}新发现吸毒人员", self.area_word()),
                    &format!("New drug users by {}", self.area_word().to_lowercase()),
                ),
                vec![
                    self.area_word(),
                    self.tr.year(y - 1),
                    self.tr.year(y),
                    self.tr.t("同比", "Change"),
                    self.tr.t("连续下降年数", "Years of decline"),
                ],
                rows,
                Some(self.tr.t(
                    "注：连续下降年数仅在相关年份人数可公布时给出。",
                    "Note: years of decline are given only where the counts compared can be published.",
                )),
            ),
        ];
        blocks.push(self.breakdown_table("new_users"));
        section(
            "new_users",
            self.tr.t("二、新发现吸毒人员", "2. New drug users"),
            blocks,
        )
    }

    /// Sex, age group and drug of a count metric for the region (published rows,
    /// complementary suppression inside each breakdown done by `publish_rows`).
    fn breakdown_table(&self, metric: &'static str) -> Value {
        let y = self.year;
        let mut rows = Vec::new();
        let dims: [(&'static str, Vec<&'static str>, &str, &str); 3] = [
            ("sex", schema::SEX.codes().collect(), "性别", "Sex"),
            (
                "age_group",
                vec!["<18", "18-35", "36-59", "60+"],
                "年龄",
                "Age",
            ),
            (
                "primary_drug",
                schema::DRUG.codes().collect(),
                "主要滥用毒品",
                "Main drug",
            ),
        ];
        for (bd, values, zh, en) in dims {
            for v in values {
                let Some(i) = self.cx.find_bd(self.level, metric, y, &self.code, bd, v) else {
                    continue;
                };
                let r = self.cx.publ(self.level, i);
                let label = match bd {
                    "sex" => self.tr.t(schema::SEX.zh(v).unwrap_or(v), v),
                    "primary_drug" => self
                        .tr
                        .t(schema::DRUG.zh(v).unwrap_or(v), &v.replace('_', " ")),
                    _ => self.tr.t(&format!("{v}岁"), v),
                };
                let group = if rows.last().is_some_and(|l: &Vec<String>| l[3] == bd) {
                    String::new()
                } else {
                    self.tr.t(zh, en)
                };
                rows.push(vec![group, label, show(r, self.cx.rule), bd.to_string()]);
            }
        }
        for r in &mut rows {
            r.truncate(3);
        }
        table(
            self.tr.t(
                &format!("{}年{}构成", y, self.tr.metric(metric)),
                &format!("{} in {} by sex, age and drug", self.tr.metric(metric), y),
            ),
            vec![
                self.tr.t("分组", "Breakdown"),
                self.tr.t("类别", "Group"),
                self.tr.t("人数", "Persons"),
            ],
            rows,
            None,
        )
    }

    fn stocks(&mut self) -> Value {
        let y = self.year;
        let ex = self.trend("existing", 1.0);
        let ab = self.trend("abstinent_3y", 1.0);
        let series: Vec<TrendSeries> = vec![
            (self.tr.metric("existing"), ex.clone()),
            (self.tr.metric("abstinent_3y"), ab.clone()),
        ];
        let title = self.tr.t(
            "现有吸毒人员与戒断三年未复吸人员（人）",
            "Existing and abstinent users (persons)",
        );
        self.add_chart(
            "stocks",
            chart::trend_line(&title, &series, None, YAxis::Count),
        );
        let rate_series: Vec<TrendSeries> = vec![(
            self.tr.metric("consolidation_rate"),
            self.trend("consolidation_rate", 1.0),
        )];
        let title = self.tr.t("戒断巩固率", "Consolidation rate");
        self.add_chart(
            "consolidation",
            chart::trend_line(&title, &rate_series, None, YAxis::Percent),
        );
        // Where the curves cross: the first year abstinent ≥ existing after a year below.
        let cross = ex.iter().zip(&ab).zip(ex.iter().zip(&ab).skip(1)).find_map(
            |(((_, e0), (_, a0)), ((y1, e1), (_, a1)))| match (e0, a0, e1, a1) {
                (Some(e0), Some(a0), Some(e1), Some(a1)) if a0 < e0 && a1 >= e1 => Some(*y1),
                _ => None,
            },
        );
        let cross_text = match cross {
            Some(cy) => self.tr.t(
                &format!("{cy}年起，戒断三年未复吸人员数超过现有吸毒人员数。"),
                &format!("From {cy}, abstinent users outnumbered existing users."),
            ),
            None => match (ex.last(), ab.last()) {
                (Some((_, Some(e))), Some((_, Some(a)))) if a >= e => self.tr.t(
                    &format!(
                        "{}年以来，戒断三年未复吸人员数始终多于现有吸毒人员数。",
                        self.years[0]
                    ),
                    &format!(
                        "Since {}, abstinent users have outnumbered existing users.",
                        self.years[0]
                    ),
                ),
                _ => self.tr.t(
                    "图示期间内，戒断三年未复吸人员数未超过现有吸毒人员数。",
                    "In the period shown, abstinent users did not outnumber existing users.",
                ),
            },
        };
        let p = self.tr.t(
            &format!(
                "{}。{}。{}",
                self.sentence("existing"),
                self.sentence("abstinent_3y"),
                cross_text
            ),
            &format!(
                "{}. {}. {}",
                self.sentence("existing"),
                self.sentence("abstinent_3y"),
                cross_text
            ),
        );
        let p2 = format!(
            "{}{}{}",
            self.sentence("consolidation_rate"),
            self.ci_paren(self.row("consolidation_rate", y)),
            self.tr.t("。", ".")
        );
        let mut rows = self.child_count_table(&[("existing", y), ("abstinent_3y", y)]);
        for (i, r) in rows.iter_mut().enumerate() {
            let row = if i < self.children.len() {
                self.child_row("consolidation_rate", y, &self.children[i].0)
            } else {
                self.row("consolidation_rate", y)
            };
            r.push(row.map_or_else(|| "—".into(), |r| show(r, self.cx.rule)));
        }
        section(
            "stocks",
            self.tr.t(
                "三、现有吸毒人员与戒断三年未复吸人员",
                "3. Existing and abstinent users",
            ),
            vec![
                par(p),
                chart_block(
                    "stocks",
                    self.tr.t(
                        "现有与戒断三年未复吸人员变化",
                        "Existing and abstinent users by year",
                    ),
                ),
                par(p2),
                chart_block(
                    "consolidation",
                    self.tr.t("戒断巩固率变化", "Consolidation rate by year"),
                ),
                table(
                    self.tr.t(
                        &format!("各{}现有与戒断人员", self.area_word()),
                        "Existing and abstinent users by area",
                    ),
                    vec![
                        self.area_word(),
                        self.tr.metric("existing"),
                        self.tr.t("戒断三年未复吸", "Abstinent 3 years"),
                        self.tr.metric("consolidation_rate"),
                    ],
                    rows,
                    None,
                ),
            ],
        )
    }

    fn rate_rows(&self, metrics: &[&'static str]) -> Vec<Vec<String>> {
        let y = self.year;
        let mut rows: Vec<Vec<String>> = self
            .children
            .iter()
            .map(|(c, n)| {
                let mut r = vec![self.child_name(c, n)];
                for m in metrics {
                    r.push(
                        self.child_row(m, y, c)
                            .map_or_else(|| "—".into(), |r| show(r, self.cx.rule)),
                    );
                }
                r
            })
            .collect();
        let mut t = vec![self.total_label()];
        for m in metrics {
            t.push(self.val(m, y));
        }
        rows.push(t);
        rows
    }

    fn ranked(&self, metric: &'static str, scale: f64) -> Vec<(String, Option<f64>)> {
        self.children
            .iter()
            .map(|(c, n)| {
                (
                    self.child_name(c, n),
                    self.child_row(metric, self.year, c)
                        .filter(|r| !r.suppressed)
                        .and_then(|r| r.value)
                        .map(|v| v * scale),
                )
            })
            .collect()
    }

    fn execution(&mut self) -> Value {
        let y = self.year;
        let title = self.tr.t(
            &format!("{y}年各{}社区戒毒社区康复执行率（%）", self.area_word()),
            &format!("Execution rate by area, {y} (%)"),
        );
        let items = self.ranked("execution_rate", 100.0);
        let label = self.tr.t("目标 99%", "target 99%");
        let svg = chart::ranked_bars(&title, &items, Some((99.0, &label)));
        self.add_bars("execution", &items, svg);
        let trend: Vec<TrendSeries> = vec![
            (
                self.tr.metric("execution_rate"),
                self.trend("execution_rate", 1.0),
            ),
            (
                self.tr.metric("timely_report_rate"),
                self.trend("timely_report_rate", 1.0),
            ),
        ];
        let title = self
            .tr
            .t("执行率与按期报到率", "Execution and timely reporting");
        self.add_chart(
            "execution-trend",
            chart::trend_line(&title, &trend, Some((0.99, &label)), YAxis::Percent),
        );
        let below: Vec<String> = self
            .children
            .iter()
            .filter(|(c, _)| {
                self.child_row("execution_rate", y, c)
                    .is_some_and(|r| !r.suppressed && r.value.is_some_and(|v| v < 0.99))
            })
            .map(|(c, n)| self.child_name(c, n))
            .collect();
        let mut p = self.tr.t(
            &format!(
                "{}；{}。",
                self.sentence("execution_rate"),
                self.sentence("timely_report_rate")
            ),
            &format!(
                "{}; {}.",
                self.sentence("execution_rate"),
                self.sentence("timely_report_rate")
            ),
        );
        p.push_str(&if below.is_empty() {
            self.tr.t(
                "可公布的各地执行率均达到99%。",
                " Every published area rate reached 99%.",
            )
        } else {
            self.tr.t(
                &format!("执行率低于99%的有：{}。", below.join("、")),
                &format!(" Areas below 99%: {}.", below.join(", ")),
            )
        });
        let mut rows = self.child_count_table(&[("under_community_measure", y)]);
        let rates = self.rate_rows(&["execution_rate", "timely_report_rate"]);
        for (r, x) in rows.iter_mut().zip(rates) {
            r.extend(x.into_iter().skip(1));
        }
        section(
            "execution",
            self.tr.t(
                "四、社区戒毒社区康复执行",
                "4. Community detox and rehabilitation",
            ),
            vec![
                par(p),
                chart_block(
                    "execution-trend",
                    self.tr.t(
                        "执行率与按期报到率变化",
                        "Execution and timely reporting by year",
                    ),
                ),
                chart_block(
                    "execution",
                    self.tr.t(
                        "各地执行率（虚线为99%；“无数据”为数量过少不予公布）",
                        "Execution rate by area (dashed: 99%; 无数据 = too few to publish)",
                    ),
                ),
                table(
                    self.tr.t(
                        &format!("各{}社区戒毒社区康复执行情况", self.area_word()),
                        "Community measures by area",
                    ),
                    vec![
                        self.area_word(),
                        self.tr.t("在执行人数", "Under measures"),
                        self.tr.t("执行率", "Execution"),
                        self.tr.t("按期报到率", "Timely reporting"),
                    ],
                    rows,
                    None,
                ),
            ],
        )
    }

    fn relapse(&mut self) -> Value {
        let rule = self.cx.rule;
        let y = self.year;
        let mut curves: Vec<KmCurve> = Vec::new();
        let mut rows = Vec::new();
        let first = self.years.first().copied().unwrap_or(y);
        for cy in ((y - KM_COHORTS + 1).max(first)..=y).rev() {
            let subjects = cohort_subjects(self.cx.model, &self.code, cy);
            let n = subjects.len() as u64;
            let r12 = self.row("relapse_12m", cy);
            let r36 = self.row("relapse_36m", cy);
            rows.push(vec![
                self.tr.year(cy),
                if rule.too_small(n) {
                    rule.hidden_count()
                } else {
                    fmt_count(n)
                },
                r12.map_or_else(|| "—".into(), |r| show(r, rule)),
                r12.map(show_ci).unwrap_or_default(),
                r36.map_or_else(|| "—".into(), |r| show(r, rule)),
            ]);
            if n < rule.threshold.max(1) {
                continue;
            }
            let km = KaplanMeier::fit(&subjects);
            // The curve stops where fewer than `threshold` persons remain at risk.
            let pts: Vec<(u32, f64)> = km
                .steps
                .iter()
                .filter(|s| s.events > 0 && s.at_risk >= rule.threshold)
                .map(|s| (s.time, 1.0 - s.survival))
                .collect();
            let max_t = km.steps.last().map_or(0, |s| s.time);
            let risk: Vec<(u32, u64)> = AT_RISK_DAYS
                .iter()
                .filter(|&&d| d <= max_t)
                .map(|&d| (d, km.at_risk_at(d)))
                .filter(|(_, k)| *k >= rule.threshold)
                .collect();
            // A curve drawn from 1 to threshold−1 relapses would show a small count.
            let drawn: u64 = km
                .steps
                .iter()
                .filter(|s| s.events > 0 && s.at_risk >= rule.threshold)
                .map(|s| s.events)
                .sum();
            if rule.too_small(drawn) {
                continue;
            }
            let mut pts = pts;
            pts.insert(0, (0, 0.0));
            curves.push((
                self.tr.t(&format!("{cy}年入组"), &format!("{cy} cohort")),
                pts,
                risk,
            ));
        }
        curves.reverse();
        let title = self.tr.t(
            "社区戒毒社区康复人员累计复吸率（按入组年份）",
            "Cumulative relapse by entry cohort",
        );
        self.add_chart("relapse", chart::km_curves(&title, &curves));
        let p = self.tr.t(
            &format!(
                "{}年开始执行社区戒毒社区康复的人员，12个月复吸率为{}{}；{}年入组人员36个月复吸率为{}。解除强制隔离戒毒人员12个月复吸率为{}。",
                y - 1,
                self.val("relapse_12m", y - 1),
                self.ci_paren(self.row("relapse_12m", y - 1)),
                y - 3,
                self.val("relapse_36m", y - 3),
                self.val("relapse_after_release_12m", y - 1),
            ),
            &format!(
                "Of the persons who started community measures in {}, {} relapsed within 12 months{}; the 36-month relapse of the {} cohort was {}. The 12-month relapse after release from compulsory isolation ({} releases) was {}.",
                y - 1,
                self.val("relapse_12m", y - 1),
                self.ci_paren(self.row("relapse_12m", y - 1)),
                y - 3,
                self.val("relapse_36m", y - 3),
                y - 1,
                self.val("relapse_after_release_12m", y - 1),
            ),
        );
        section(
            "relapse",
            self.tr.t("五、复吸", "5. Relapse"),
            vec![
                par(p),
                chart_block("relapse", self.tr.t(
                    "累计复吸率（Kaplan–Meier），图下为各时点仍在观察人数",
                    "Cumulative relapse (Kaplan–Meier), numbers at risk below",
                )),
                table(
                    self.tr.t("各入组年份复吸率", "Relapse by entry cohort"),
                    vec![
                        self.tr.t("入组年份", "Entry year"),
                        self.tr.t("入组人数", "Cohort"),
                        self.tr.t("12个月复吸率", "12-month"),
                        self.tr.t("95%置信区间", "95% interval"),
                        self.tr.t("36个月复吸率", "36-month"),
                    ],
                    rows,
                    Some(self.tr.t(
                        &format!("注：随访不足12（36）个月的入组年份无对应复吸率；仍在观察人数少于{th}人的时点不显示，曲线在该处截止；入组少于{th}人或复吸少于{th}人的年份不绘曲线。", th = rule.threshold),
                        &format!("Note: cohorts followed for less than 12 (36) months have no such rate; numbers at risk below {th} are not shown and the curve stops there; cohorts with fewer than {th} persons or relapses are not drawn.", th = rule.threshold),
                    )),
                ),
            ],
        )
    }

    fn control(&mut self) -> Value {
        let ms = ["loss_of_contact_rate", "escalation_rate", "test_compliance"];
        // Test compliance (near 100%) is left to the table so the two small rates read.
        let trend: Vec<TrendSeries> = ms[..2]
            .iter()
            .map(|m| (self.tr.metric(m), self.trend(m, 1.0)))
            .collect();
        let title = self
            .tr
            .t("失控率与转强制隔离戒毒率", "Loss of contact and escalation");
        self.add_chart(
            "control",
            chart::trend_line(&title, &trend, None, YAxis::Percent),
        );
        let p = ms
            .iter()
            .map(|m| self.sentence(m))
            .collect::<Vec<_>>()
            .join(&self.tr.t("；", "; "));
        let rows = self.rate_rows(&ms);
        let mut header = vec![self.area_word()];
        header.extend(ms.iter().map(|m| self.tr.metric(m)));
        section(
            "control",
            self.tr.t("六、管控", "6. Supervision"),
            vec![
                par(self.tr.t(&format!("{p}。"), &format!("{p}."))),
                chart_block(
                    "control",
                    self.tr.t("管控指标变化", "Supervision indicators by year"),
                ),
                table(
                    self.tr.t("各地管控指标", "Supervision by area"),
                    header,
                    rows,
                    None,
                ),
            ],
        )
    }

    fn services(&mut self) -> Value {
        let y = self.year;
        let rule = self.cx.rule;
        let mut rows = Vec::new();
        let mut items = Vec::new();
        for t in schema::SERVICE_TYPE.codes() {
            let Some(i) = self.cx.find_bd(
                self.level,
                "service_coverage",
                y,
                &self.code,
                "service_type",
                t,
            ) else {
                continue;
            };
            let r = self.cx.publ(self.level, i);
            let label = self.tr.t(
                schema::SERVICE_TYPE.zh(t).unwrap_or(t),
                &t.replace('_', " "),
            );
            rows.push(vec![
                label.clone(),
                if r.suppressed {
                    rule.hidden_count()
                } else {
                    r.numerator.map_or_else(|| "—".into(), fmt_count)
                },
                show(r, rule),
            ]);
            items.push((
                label,
                (!r.suppressed)
                    .then_some(r.value)
                    .flatten()
                    .map(|v| v * 100.0),
            ));
        }
        let title = self.tr.t(
            &format!("{y}年帮扶覆盖率（按帮扶类型，%）"),
            &format!("Support coverage by service type, {y} (%)"),
        );
        let svg = chart::ranked_bars(&title, &items, None);
        self.add_bars("services", &items, svg);
        let total = self.row("service_coverage", y);
        rows.push(vec![
            self.tr.t("合计（任一帮扶）", "Any service"),
            total
                .filter(|r| !r.suppressed)
                .and_then(|r| r.numerator)
                .map_or_else(|| rule.hidden_count(), fmt_count),
            total.map_or_else(|| "—".into(), |r| show(r, rule)),
        ]);
        let den = total
            .filter(|r| !r.suppressed)
            .and_then(|r| r.denominator)
            .map_or_else(|| rule.hidden_count(), fmt_count);
        let p = self.tr.t(
            &format!(
                "{y}年，应帮扶人员{den}名，{}。",
                self.sentence("service_coverage")
            ),
            &format!(
                "In {y}, {den} persons were eligible for support; {}.",
                self.sentence("service_coverage")
            ),
        );
        section(
            "services",
            self.tr.t("七、帮扶救助", "7. Support services"),
            vec![
                par(p),
                chart_block(
                    "services",
                    self.tr
                        .t("帮扶覆盖率（按类型）", "Coverage by service type"),
                ),
                table(
                    self.tr.t("帮扶救助覆盖情况", "Support coverage"),
                    vec![
                        self.tr.t("帮扶类型", "Service"),
                        self.tr.t("受帮扶人数", "Persons"),
                        self.tr.t("覆盖率", "Coverage"),
                    ],
                    rows,
                    Some(self.tr.t(
                        "注：一人可接受多种帮扶，各类型人数不相加。",
                        "Note: a person may receive several services; types do not add up.",
                    )),
                ),
            ],
        )
    }

    fn officers(&mut self) -> Value {
        let y = self.year;
        let rule = self.cx.rule;
        let title = self.tr.t(
            &format!("{y}年各{}专干配比（人/专干）", self.area_word()),
            &format!("Persons per officer by area, {y}"),
        );
        let items = self.ranked("officer_caseload", 1.0);
        let label = self.tr.t("标准 1:20", "norm 1:20");
        let svg = chart::ranked_bars(&title, &items, Some((CASELOAD_NORM, &label)));
        self.add_bars("caseload", &items, svg);
        // Officers per child: the caseload denominator, an additive count.
        let values: Vec<u64> = self
            .children
            .iter()
            .map(|(c, _)| {
                self.child_raw("officer_caseload", y, c)
                    .and_then(|r| r.denominator)
                    .unwrap_or(0)
            })
            .collect();
        let total = self
            .raw_row("officer_caseload", y)
            .and_then(|r| r.denominator)
            .unwrap_or(0);
        let (cells, tot) = count_column(&values, total, rule);
        let mut rows = self.child_count_table(&[("under_community_measure", y)]);
        let ratios = self.rate_rows(&["officer_caseload"]);
        for (i, (r, x)) in rows.iter_mut().zip(ratios).enumerate() {
            r.push(if i < cells.len() {
                cells[i].clone()
            } else {
                tot.clone()
            });
            r.extend(x.into_iter().skip(1));
        }
        let over: Vec<String> = self
            .children
            .iter()
            .filter(|(c, _)| {
                self.child_row("officer_caseload", y, c)
                    .is_some_and(|r| !r.suppressed && r.value.is_some_and(|v| v > CASELOAD_NORM))
            })
            .map(|(c, n)| self.child_name(c, n))
            .collect();
        let shown_total = if rule.too_small(total) {
            rule.hidden_count()
        } else {
            fmt_count(total)
        };
        let mut p = self.tr.t(
            &format!(
                "截至{}年底，共有在岗禁毒专干{}名，平均每名专干管理{}人（标准为1:20）。",
                y,
                shown_total,
                self.val("officer_caseload", y)
            ),
            &format!(
                "At the end of {}, {} officers were in post, {} persons per officer (norm 1:20).",
                y,
                shown_total,
                self.val("officer_caseload", y)
            ),
        );
        p.push_str(&if over.is_empty() {
            self.tr.t(
                "可公布的各地配比均未超过1:20。",
                " No published area exceeded 1:20.",
            )
        } else {
            self.tr.t(
                &format!("超过1:20的有：{}。", over.join("、")),
                &format!(" Above 1:20: {}.", over.join(", ")),
            )
        });
        section(
            "officers",
            self.tr.t("八、专干队伍", "8. Officers"),
            vec![
                par(p),
                chart_block(
                    "caseload",
                    self.tr.t(
                        "各地专干配比（虚线为1:20；“无数据”为数量过少不予公布）",
                        "Persons per officer (dashed: 1:20; 无数据 = too few to publish)",
                    ),
                ),
                table(
                    self.tr.t("专干配备情况", "Officers and caseload"),
                    vec![
                        self.area_word(),
                        self.tr.t("在执行人数", "Under measures"),
                        self.tr.t("专干人数", "Officers"),
                        self.tr.t("人/专干", "Per officer"),
                    ],
                    rows,
                    None,
                ),
            ],
        )
    }

    fn cross_region(&self) -> Value {
        let y = self.year;
        let mut rows = self.child_count_table(&[("transfers_in", y), ("transfers_out", y)]);
        let shares = self.rate_rows(&["cross_region_share"]);
        for (r, x) in rows.iter_mut().zip(shares) {
            r.extend(x.into_iter().skip(1));
        }
        let p = self.tr.t(
            &format!(
                "{}；全年移入{}人次、移出{}人次（双向帮扶交接）。",
                self.sentence("cross_region_share"),
                self.val("transfers_in", y),
                self.val("transfers_out", y)
            ),
            &format!(
                "{}; {} transfers in and {} out during the year (two-way hand-over).",
                self.sentence("cross_region_share"),
                self.val("transfers_in", y),
                self.val("transfers_out", y)
            ),
        );
        section(
            "cross_region",
            self.tr.t("九、人户分离与双向帮扶", "9. Living away from home and transfers"),
            vec![
                par(p),
                table(
                    self.tr.t("各地移交与人户分离情况", "Transfers and cross-region share by area"),
                    vec![
                        self.area_word(),
                        self.tr.t("移入人次", "In"),
                        self.tr.t("移出人次", "Out"),
                        self.tr.metric("cross_region_share"),
                    ],
                    rows,
                    Some(self.tr.t(
                        "注：区域内部的移交在该区域同时计为移入和移出，故合计不等于各地之和。",
                        "Note: a transfer inside an area counts as both in and out there, so totals are not sums of the areas.",
                    )),
                ),
            ],
        )
    }

    fn annex(&self) -> Value {
        let y = self.year;
        let rule = self.cx.rule;
        let order = [
            "registered",
            "existing",
            "abstinent_3y",
            "consolidation_rate",
            "in_society",
            "under_community_measure",
            "new_users",
            "new_users_decline_streak",
            "execution_rate",
            "timely_report_rate",
            "loss_of_contact_rate",
            "escalation_rate",
            "test_compliance",
            "relapse_12m",
            "relapse_36m",
            "relapse_after_release_12m",
            "service_coverage",
            "officer_caseload",
            "cross_region_share",
            "transfers_in",
            "transfers_out",
        ];
        let rows: Vec<Vec<String>> = order
            .iter()
            .filter_map(|id| defs::find(id))
            .filter_map(|d| {
                let r = self.row(d.id, y)?;
                if d.id == "new_users_decline_streak" {
                    // A number of years, shown as in the text (see `streak`).
                    let v = self
                        .streak(&self.code, false)
                        .map_or_else(|| "—".to_string(), |s| s.to_string());
                    return Some(vec![
                        self.tr.metric(d.id),
                        v,
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
                let nd = if r.suppressed {
                    String::new()
                } else {
                    match (r.numerator, r.denominator) {
                        (Some(n), Some(m)) if d.kind != Kind::Count => {
                            format!("{}/{}", fmt_count(n), fmt_count(m))
                        }
                        _ => String::new(),
                    }
                };
                let flag = if r.unstable {
                    self.tr.t("不稳定", "unstable")
                } else {
                    String::new()
                };
                Some(vec![
                    self.tr.metric(d.id),
                    show(r, rule),
                    show_ci(r),
                    nd,
                    flag,
                ])
            })
            .collect();
        let full = self.child_count_table(&[
            ("registered", y),
            ("existing", y),
            ("abstinent_3y", y),
            ("in_society", y),
            ("new_users", y),
        ]);
        section(
            "annex",
            self.tr.t("附表", "Annex tables"),
            vec![
                table(
                    self.tr.t(
                        &format!("{}{}年全部指标", self.name, y),
                        &format!("All indicators, {} {}", self.name, y),
                    ),
                    vec![
                        self.tr.t("指标", "Indicator"),
                        self.tr.t("数值", "Value"),
                        self.tr.t("95%置信区间", "95% interval"),
                        self.tr.t("分子/分母", "Num./den."),
                        self.tr.t("标记", "Flag"),
                    ],
                    rows,
                    Some(self.tr.t(
                        "注：“不稳定”指分母小于20的比率。",
                        "Note: \"unstable\" marks rates with a denominator below 20.",
                    )),
                ),
                table(
                    self.tr.t(
                        &format!("各{}人员情况", self.area_word()),
                        "Persons by area",
                    ),
                    vec![
                        self.area_word(),
                        self.tr.t("在册", "Registered"),
                        self.tr.t("现有", "Existing"),
                        self.tr.t("戒断三年", "Abstinent"),
                        self.tr.t("社会面", "In society"),
                        self.tr.t("新发现", "New"),
                    ],
                    full,
                    None,
                ),
            ],
        )
    }

    fn methods(&self) -> Value {
        let rule = self.cx.rule;
        let cutoff = self.cx.model.cutoff;
        let terms: Vec<Value> = definitions()
            .iter()
            .map(|(id, zh, en)| json!({"term": self.tr.metric(id), "text": self.tr.t(zh, en)}))
            .collect();
        let th = rule.threshold;
        let rules = vec![
            par(self.tr.t(
                &format!("数据截止日期为{}。各年指标的参照日为该年12月31日（不晚于截止日）；存量指标按参照日统计，流量指标按年内发生统计。", self.tr.date(cutoff)),
                &format!("The data cutoff is {}. Stocks are counted on 31 December of each year (not after the cutoff); flows are counted within the year.", self.tr.date(cutoff)),
            )),
            par(self.tr.t(
                &format!("数据发布控制：1至{}之间的人数以“<{th}”表示，分子或分母在1至{}之间的比率以“—”表示，0照常显示；凡有合计的表格，若仅有一个单元格被隐藏，则另隐藏一个最小的非零单元格（补充隐藏），使隐藏数无法由合计相减得出。分母小于20的比率标为不稳定。", th - 1, th - 1),
                &format!("Disclosure control: counts from 1 to {} are shown as \"<{th}\", rates whose numerator or denominator is from 1 to {} as \"—\"; zero is shown. In a table with a total, when a single cell is hidden the smallest other non-zero cell is hidden too (complementary suppression), so no hidden count can be recovered by subtraction. Rates with a denominator below 20 are marked unstable.", th - 1, th - 1),
            )),
            par(self.tr.t(
                "比率的95%置信区间为Wilson得分区间。复吸率用Kaplan–Meier法估计，方差用Greenwood公式，95%置信区间在log(−log)尺度上构造（Kaplan–Meier, Greenwood variance, log(−log) 95% interval）；死亡、离境及截止日作删失处理。",
                "Rates have 95% Wilson score intervals. Relapse is estimated with the Kaplan–Meier method, Greenwood variance, log(−log) 95% interval; death, departure and the data cutoff censor follow-up.",
            )),
            par(self.tr.t(
                "同比表述：人数变化不足1%的记为“持平”，否则给出升降百分比；比率在两年的95%置信区间重叠时记为“持平”，否则给出升降的百分点；任一年数值被隐藏时不作比较。连续下降年数指截至本年新发现人数逐年严格下降的年数，仅在比较所涉人数可公布时给出。",
                "Year-on-year wording: a count that changed by less than 1% is \"about the same\", otherwise the percentage change is given; a rate is \"about the same\" when the 95% intervals of the two years overlap, otherwise the change in percentage points is given; no comparison is made when either value is hidden. Years of decline count consecutive strict falls of new users up to the year, given only where the counts compared can be published.",
            )),
        ];
        let (files, quarantine) = input_files(&self.cx.import_report);
        let mut blocks =
            vec![json!({"kind": "terms", "sep": self.tr.t("：", ": "), "items": terms})];
        blocks.extend(rules);
        let total_q: u64 = quarantine.iter().map(|(_, q)| *q).sum();
        let per_table = |open: &str, sep: &str, close: &str| -> String {
            if quarantine.is_empty() {
                return String::new();
            }
            let list: Vec<String> = quarantine
                .iter()
                .map(|(t, q)| format!("{t} {}", fmt_count(*q)))
                .collect();
            format!("{open}{}{close}", list.join(sep))
        };
        let version = env!("CARGO_PKG_VERSION");
        blocks.push(par(self.tr.t(
            &format!(
                "输入数据共{}个文件，隔离（拒收）记录{}行{}。本公报由 jindu {version} 生成。",
                files.len(),
                fmt_count(total_q),
                per_table("（", "，", "）"),
            ),
            &format!(
                "The input has {} files; {} rows were quarantined{}. Produced by jindu {version}.",
                files.len(),
                fmt_count(total_q),
                per_table(" (", ", ", ")"),
            ),
        )));
        blocks.push(json!({
            "kind": "files",
            "caption": self.tr.t("输入文件", "Input files"),
            "header": [
                self.tr.t("文件", "File"), self.tr.t("表", "Table"), "SHA-256",
                self.tr.t("读入", "Read"), self.tr.t("接受", "Accepted"),
                self.tr.t("合并", "Merged"), self.tr.t("隔离", "Quarantined"),
            ],
            "rows": files,
        }));
        section(
            "methods",
            self.tr
                .t("指标口径与数据说明", "Definitions and data notes"),
            blocks,
        )
    }
}

/// The definitions of the methods appendix: (metric id, Chinese, English), written
/// from METRICS.md.
fn definitions() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "registered",
            "首次发现日期不晚于参照日的人员（含已死亡、离境人员）。",
            "Persons first found on or before the reference date (the dead and departed included).",
        ),
        (
            "existing",
            "在册、未死亡未离境，且不属于戒断三年未发现复吸的人员。",
            "Registered persons, alive and present, who are not abstinent for three years.",
        ),
        (
            "abstinent_3y",
            "在册、未死亡未离境，最近一次吸毒（首次发现、查获或阳性检测）距参照日满三年，且参照日无任何在执行或待执行措施的人员。",
            "Registered persons, alive and present, whose last use (first finding, detection or positive test) is at least three years before the reference date and who have no measure in force.",
        ),
        (
            "consolidation_rate",
            "戒断三年未发现复吸人员 ÷（戒断三年未发现复吸人员＋现有吸毒人员）。",
            "Abstinent ÷ (abstinent + existing).",
        ),
        (
            "in_society",
            "现有吸毒人员中未在强制隔离戒毒所内执行的人员。",
            "Existing users not held in compulsory isolation.",
        ),
        (
            "under_community_measure",
            "参照日正在执行社区戒毒或社区康复（已报到、未结束）的在世在境人员。",
            "Persons, alive and present, with a community detox or rehabilitation measure reported and not ended.",
        ),
        (
            "officer_caseload",
            "正在执行社区戒毒社区康复人数 ÷ 参照日在岗禁毒专干人数。",
            "Persons under community measures ÷ officers in post.",
        ),
        (
            "cross_region_share",
            "现有吸毒人员中户籍县与管理县不同者所占比例。",
            "Share of existing users whose household-registration county differs from the managing county.",
        ),
        (
            "new_users",
            "首次发现日期在本年的人员，按首次发现地统计。",
            "Persons first found in the year, by place of first finding.",
        ),
        (
            "new_users_decline_streak",
            "截至本年，新发现人数逐年严格下降的连续年数。",
            "Consecutive years, up to this one, in which new users strictly fell.",
        ),
        (
            "execution_rate",
            "本年决定的社区戒毒社区康复措施中已报到的比例；未报到而死亡、离境、被判刑的，以及决定不足15天仍待报到的不计入分母。",
            "Share of community measures decided in the year that were reported; unreported measures ended by death, departure or imprisonment, and those pending for less than 15 days, are left out.",
        ),
        (
            "timely_report_rate",
            "同一分母中在决定后15日内报到的比例。",
            "Share of the same measures reported within 15 days of the decision.",
        ),
        (
            "loss_of_contact_rate",
            "本年执行过的社区措施中，本年以失控结束的比例。",
            "Share of community measures executed in the year that ended in loss of contact in the year.",
        ),
        (
            "escalation_rate",
            "本年执行过的社区措施中，本年转为强制隔离戒毒的比例。",
            "Share of community measures executed in the year that were escalated to compulsory isolation in the year.",
        ),
        (
            "test_compliance",
            "在执行社区措施的整季度中，至少有一次有效（阴性或阳性）检测的季度所占比例。",
            "Share of full quarters under a community measure with at least one valid (negative or positive) test.",
        ),
        (
            "service_coverage",
            "本年处于社区措施执行期的人员中，本年接受过帮扶的比例，另按十类帮扶分列。",
            "Share of persons under community measures in the year who received a support service in the year, also by each of ten service types.",
        ),
        (
            "transfers_in",
            "本年移入本地的交接人次。",
            "Hand-overs into the area in the year.",
        ),
        (
            "transfers_out",
            "本年由本地移出的交接人次。",
            "Hand-overs out of the area in the year.",
        ),
        (
            "relapse_12m",
            "本年开始执行（报到）社区措施的人员，12个月内再次被查获或检测阳性的Kaplan–Meier累计比例。",
            "Kaplan–Meier cumulative share of persons starting a community measure in the year who were detected again or tested positive within 12 months.",
        ),
        (
            "relapse_36m",
            "同上，观察36个月。",
            "As above, within 36 months.",
        ),
        (
            "relapse_after_release_12m",
            "本年期满或提前解除强制隔离戒毒的人员，12个月内复吸的累计比例。",
            "The same for persons released from compulsory isolation in the year, within 12 months.",
        ),
    ]
}

/// The Kaplan–Meier subjects of the community-measure entry cohort of `year` inside
/// `region`, with exactly the rules of `relapse_12m` (METRICS.md "Relapse cohorts"):
/// the earliest community measure reported in the year (ties: smaller id), the
/// region of that measure, follow-up by [`subject`].
pub fn cohort_subjects(model: &Model, region: &str, year: i32) -> Vec<Subject> {
    let per = Period::new(year, model.cutoff);
    let prefix = significant_prefix(region);
    let mut out = Vec::new();
    for p in &model.persons {
        if let Some((m, index)) = cohort_entry(p, Entry::Community, &per)
            && model.codes.get(m.region).starts_with(prefix)
            && let Some(s) = subject(p, index, model.cutoff)
        {
            out.push(s);
        }
    }
    out
}

/// Input files (name, table, SHA-256, read, accepted, merged, quarantined) and the
/// quarantined rows per table, from an import report.
fn input_files(report: &Value) -> (Vec<Vec<String>>, Vec<(String, u64)>) {
    let mut files = Vec::new();
    let mut quarantine = Vec::new();
    let num = |v: &Value| v.as_u64().unwrap_or(0);
    for t in report["tables"].as_array().into_iter().flatten() {
        let name = t["table"].as_str().unwrap_or("").to_string();
        let q = num(&t["quarantined"]);
        if q > 0 {
            quarantine.push((name.clone(), q));
        }
        for f in t["files"].as_array().into_iter().flatten() {
            files.push(vec![
                f["file"].as_str().unwrap_or("").to_string(),
                name.clone(),
                f["sha256"].as_str().unwrap_or("").to_string(),
                fmt_count(num(&f["rows_read"])),
                fmt_count(num(&f["accepted"])),
                fmt_count(num(&f["merged"])),
                fmt_count(num(&f["quarantined"])),
            ]);
        }
    }
    (files, quarantine)
}

/// Builds the data and charts of one document. The region and year must have been
/// validated (see [`validate`]).
pub fn build(cx: &Context, spec: &Spec) -> Built {
    let level = level_of(&spec.region);
    let child = child_level(level);
    let tr = Tr(spec.lang);
    let name = cx
        .model
        .regions
        .name(&spec.region)
        .unwrap_or(&spec.region)
        .to_string();
    let first = periods(cx.model).first().map_or(spec.year, |p| p.year);
    let years: Vec<i32> = ((spec.year - TREND_YEARS + 1).max(first)..=spec.year).collect();
    let children = cx.regions_in(child, &spec.region, spec.year);
    let mut doc = Doc {
        cx,
        tr,
        level,
        child,
        code: spec.region.clone(),
        name: name.clone(),
        year: spec.year,
        years,
        children,
        charts: Vec::new(),
        empty: Vec::new(),
    };
    let partial = Period::new(spec.year, cx.model.cutoff).partial;
    let y = spec.year;
    let title = match spec.template {
        Template::AnnualBulletin => doc.tr.t(
            &format!("{name}{y}年度禁毒工作统计公报"),
            &format!("{name}: Annual Statistical Bulletin on Drug Control, {y}"),
        ),
        Template::CountyBrief => doc.tr.t(
            &format!("{name}{y}年禁毒工作统计简报"),
            &format!("{name}: Drug Control Brief, {y}"),
        ),
    };
    let title_lines = match spec.template {
        Template::AnnualBulletin => vec![
            name.clone(),
            doc.tr.t(
                &format!("{y}年度禁毒工作统计公报"),
                &format!("Annual Statistical Bulletin on Drug Control, {y}"),
            ),
        ],
        Template::CountyBrief => vec![title.clone()],
    };
    let headline: Vec<Value> = [
        "existing",
        "abstinent_3y",
        "consolidation_rate",
        "new_users",
        "execution_rate",
        "under_community_measure",
    ]
    .iter()
    .map(|m| {
        let ch = change(doc.row(m, y - 1), doc.row(m, y));
        json!({
            "label": doc.tr.metric(m),
            "value": doc.val(m, y),
            "change": doc.tr.change(ch, Doc::kind(m)),
        })
    })
    .collect();
    let sections = match spec.template {
        Template::AnnualBulletin => vec![
            doc.overview(),
            doc.new_users(),
            doc.stocks(),
            doc.execution(),
            doc.relapse(),
            doc.control(),
            doc.services(),
            doc.officers(),
            doc.cross_region(),
            doc.annex(),
            doc.methods(),
        ],
        Template::CountyBrief => {
            let mut s = vec![
                doc.overview(),
                doc.new_users(),
                doc.stocks(),
                doc.execution(),
            ];
            // A brief keeps the text, one chart or table per section: two pages.
            for sec in &mut s {
                let id = sec["id"].as_str().unwrap_or("").to_string();
                if let Some(blocks) = sec["blocks"].as_array_mut() {
                    let n = blocks.len();
                    let mut i = 0;
                    blocks.retain(|b| {
                        i += 1;
                        let kind = b["kind"].as_str().unwrap_or("");
                        kind == "par"
                            || match id.as_str() {
                                "new_users" => kind == "chart" || (kind == "table" && i < n),
                                "stocks" => b["name"] == "stocks",
                                "execution" => kind == "table",
                                _ => false,
                            }
                    });
                }
            }
            doc.charts
                .retain(|(n, _)| n == "new-users" || n == "stocks");
            s
        }
    };
    let mut sections = sections;
    for sec in &mut sections {
        if let Some(blocks) = sec["blocks"].as_array_mut() {
            blocks.retain(|b| {
                b["kind"] != "chart" || !doc.empty.iter().any(|e| b["name"] == e.as_str())
            });
        }
    }
    let cutoff = doc.tr.date(cx.model.cutoff);
    let data = json!({
        "meta": {
            "template": spec.template.main().trim_end_matches(".typ"),
            "lang": match spec.lang { Lang::Zh => "zh", Lang::En => "en" },
            "title": title,
            "title_lines": title_lines,
            "subtitle": doc.tr.t(
                &format!("（数据截至{cutoff}{}）", if partial { "，本年数据不完整" } else { "" }),
                &format!("(data as of {cutoff}{})", if partial { "; the year is incomplete" } else { "" }),
            ),
            "region_code": spec.region,
            "region_name": name,
            "region_level": level.as_str(),
            "year": y,
            "partial": partial,
            "cutoff": cutoff,
            "engine": format!("jindu {}", env!("CARGO_PKG_VERSION")),
        },
        "labels": {
            "headline": doc.tr.t("主要数据", "Key figures"),
            "contents": doc.tr.t("目　录", "Contents"),
            "suppression": doc.tr.t(
                &format!("说明：1至{}的人数以“<{}”表示，相应比率以“—”表示。", cx.rule.threshold - 1, cx.rule.threshold),
                &format!("Counts from 1 to {} are shown as \"<{}\", the corresponding rates as \"—\".", cx.rule.threshold - 1, cx.rule.threshold),
            ),
            "generated": doc.tr.t(
                &format!("jindu {} 生成", env!("CARGO_PKG_VERSION")),
                &format!("Produced by jindu {}", env!("CARGO_PKG_VERSION")),
            ),
        },
        "headline": headline,
        "sections": sections,
        "notes": doc.tr.t(
            "本报告所用数据为统计汇总结果，不含个人信息。",
            "This report contains aggregate statistics only, no personal data.",
        ),
    });
    Built {
        data,
        charts: doc.charts,
    }
}

/// Checks a region and year against the data: a clear message when they do not fit.
pub fn validate(model: &Model, region: &str, year: i32) -> Result<(), String> {
    let ps = periods(model);
    let (Some(first), Some(last)) = (ps.first(), ps.last()) else {
        return Err("the data has no periods".into());
    };
    if year < first.year || year > last.year {
        return Err(format!(
            "--year {year}: the data covers {}–{} (cutoff {})",
            first.year,
            last.year,
            crate::dates::iso(model.cutoff)
        ));
    }
    if !region.bytes().all(|b| b.is_ascii_digit()) || region.len() != 6 {
        return Err(format!(
            "--region {region:?}: give a 6-digit province, city or county code"
        ));
    }
    if !model.regions.contains(region) {
        let known: Vec<String> = model
            .regions
            .by_code
            .values()
            .filter(|r| r.level != Level::Township)
            .take(8)
            .map(|r| format!("{} {}", r.code, r.name))
            .collect();
        return Err(format!(
            "--region {region}: no such region in the region table (e.g. {} …)",
            known.join(", ")
        ));
    }
    Ok(())
}
