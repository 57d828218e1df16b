//! One document under construction ([`Doc`]): the region, its child regions and
//! trend years, the charts made so far, the comparisons said so far, and the lookups,
//! sentences and table helpers the sections share; and the JSON blocks (paragraph,
//! table, chart, section) that sections are made of. A paragraph or table block
//! carries the numbers of the comparisons its text says (`comparisons`).

use std::cell::RefCell;

use serde_json::{Value, json};

use crate::chart::thousands;
use crate::metrics::MetricRow;
use crate::metrics::defs::{self, Kind};
use crate::publish::{self, Rule};
use crate::regions::Level;

use super::compare::Comparison;
use super::context::{Context, greenwood_se};
use super::text::{Tr, show, show_ci};

/// The fewest published points a chart is drawn with (METRICS.md "Publication", v1.2:
/// small areas); with fewer, a sentence says why there is no chart.
pub(super) const MIN_POINTS: usize = 3;

/// A chart block: the chart `/charts/NAME.svg` with its caption.
pub(super) fn chart_block(name: &str, caption: String) -> Value {
    json!({"kind": "chart", "name": name, "caption": caption})
}

/// A numbered section: id, title and its blocks.
pub(super) fn section(id: &str, title: String, blocks: Vec<Value>) -> Value {
    json!({"id": id, "title": title, "blocks": blocks})
}

/// One column of a table with a total row, disclosure-controlled as an additive
/// table: the cells of the children and the total of the region.
pub(super) fn count_column(values: &[u64], total: u64, rule: Rule) -> (Vec<String>, String) {
    let mut hidden: Vec<bool> = values.iter().map(|v| rule.too_small(*v)).collect();
    let total_hidden = publish::complementary(values, &mut hidden, rule.too_small(total));
    let cells = values
        .iter()
        .zip(&hidden)
        .map(|(v, h)| {
            if *h {
                rule.hidden_count()
            } else {
                thousands(*v)
            }
        })
        .collect();
    let t = if total_hidden {
        rule.hidden_count()
    } else {
        thousands(total)
    };
    (cells, t)
}

/// One document under construction: its region, children and years, and the charts
/// made so far.
pub(super) struct Doc<'c, 'a> {
    pub(super) cx: &'c Context<'a>,
    pub(super) tr: Tr,
    pub(super) level: Level,
    pub(super) child: Level,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) year: i32,
    pub(super) years: Vec<i32>,
    pub(super) children: Vec<(String, String)>,
    pub(super) charts: Vec<(String, String)>,
    /// Charts left out because too little in them can be published, with the
    /// sentence that replaces each.
    pub(super) empty: Vec<(String, String)>,
    /// The published points of each chart drawn (bars, years, or points of the
    /// cumulative relapse curves).
    pub(super) points: Vec<(String, usize)>,
    /// The comparisons said since the last paragraph or table block, as JSON.
    pub(super) said: RefCell<Vec<Value>>,
}

impl Doc<'_, '_> {
    pub(super) fn row(&self, metric: &'static str, year: i32) -> Option<&MetricRow> {
        self.cx
            .find(self.level, metric, year, &self.code)
            .map(|i| self.cx.publ(self.level, i))
    }

    pub(super) fn raw_row(&self, metric: &'static str, year: i32) -> Option<&MetricRow> {
        self.cx
            .find(self.level, metric, year, &self.code)
            .map(|i| self.cx.raw(self.level, i))
    }

    pub(super) fn child_row(
        &self,
        metric: &'static str,
        year: i32,
        code: &str,
    ) -> Option<&MetricRow> {
        self.cx
            .find(self.child, metric, year, code)
            .map(|i| self.cx.publ(self.child, i))
    }

    pub(super) fn child_raw(
        &self,
        metric: &'static str,
        year: i32,
        code: &str,
    ) -> Option<&MetricRow> {
        self.cx
            .find(self.child, metric, year, code)
            .map(|i| self.cx.raw(self.child, i))
    }

    pub(super) fn val(&self, metric: &'static str, year: i32) -> String {
        self.row(metric, year)
            .map_or_else(|| "—".to_string(), |r| show(r, self.cx.rule))
    }

    pub(super) fn child_name(&self, code: &str, name: &str) -> String {
        self.tr.area_name(code, name)
    }

    /// A paragraph block, with the comparisons said since the last block.
    pub(super) fn par(&self, text: String) -> Value {
        let mut b = json!({"kind": "par", "text": text});
        self.attach(&mut b);
        b
    }

    /// A table block: caption, header, rows and an optional note under it, with the
    /// comparisons said in its cells since the last block.
    pub(super) fn table(
        &self,
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        note: Option<String>,
    ) -> Value {
        let mut b = json!({"kind": "table", "caption": caption, "header": header, "rows": rows, "note": note});
        self.attach(&mut b);
        b
    }

    fn attach(&self, block: &mut Value) {
        let said = std::mem::take(&mut *self.said.borrow_mut());
        if !said.is_empty() {
            block["comparisons"] = Value::Array(said);
        }
    }

    /// The comparison of `metric` of the region with the year before (with the
    /// Greenwood standard errors of a Kaplan–Meier rate).
    pub(super) fn compare(&self, metric: &'static str) -> Comparison {
        let y = self.year;
        let se = |year| {
            Self::kind(metric)
                .eq(&Kind::Survival)
                .then(|| greenwood_se(self.cx.model, metric, &self.code, year))
                .flatten()
        };
        Comparison::of(
            metric,
            self.row(metric, y - 1),
            self.row(metric, y),
            (se(y - 1), se(y)),
        )
    }

    /// The wording of a comparison, recorded with its numbers for the next block;
    /// `cell` is its (row, column) in a table.
    pub(super) fn say(
        &self,
        c: &Comparison,
        metric: &str,
        code: &str,
        cell: Option<(usize, usize)>,
    ) -> String {
        let text = self.tr.comparison(c);
        let mut v = c.json(metric, code, self.year, &text);
        if let Some((r, col)) = cell {
            v["cell"] = json!([r, col]);
        }
        let mut said = self.said.borrow_mut();
        // The Chinese and the English of a sentence are both built: say it once.
        if !said.contains(&v) {
            said.push(v);
        }
        text
    }

    /// The comparison of `metric` of the region with the year before, said.
    pub(super) fn change_text(&self, metric: &'static str) -> String {
        self.say(&self.compare(metric), metric, &self.code, None)
    }

    pub(super) fn total_label(&self) -> String {
        self.tr.t(
            &format!("{}（合计）", self.name),
            &format!("{} (total)", self.name),
        )
    }

    /// Published values of a metric for the trend years (suppressed → None).
    pub(super) fn trend(&self, metric: &'static str, scale: f64) -> Vec<(i32, Option<f64>)> {
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

    pub(super) fn kind(metric: &str) -> Kind {
        defs::find(metric).map_or(Kind::Count, |d| d.kind)
    }

    /// `名称数值，同比…`: a figure of the region and its comparison with the year before.
    pub(super) fn sentence(&self, metric: &'static str) -> String {
        self.sentence_ci(metric, false)
    }

    /// As [`sentence`](Self::sentence), with the 95% interval of the value when `ci`.
    pub(super) fn sentence_ci(&self, metric: &'static str, ci: bool) -> String {
        let v = self.val(metric, self.year);
        let unit = if Self::kind(metric) == Kind::Count && !v.starts_with('<') {
            "名"
        } else {
            ""
        };
        let interval = if ci {
            self.ci_paren(self.row(metric, self.year))
        } else {
            String::new()
        };
        let ch = self.change_text(metric);
        self.tr.t(
            &format!("{}{}{unit}{interval}，{ch}", self.tr.metric(metric), v),
            &format!("{}: {}{interval}, {ch}", self.tr.metric(metric), v),
        )
    }

    /// The decline streak of new users, shown only where the counts it compares are
    /// published (the streak is a number of years, not of persons).
    pub(super) fn streak(&self, code: &str, child: bool) -> Option<u64> {
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
    pub(super) fn ci_paren(&self, r: Option<&MetricRow>) -> String {
        match r.map(show_ci).filter(|c| !c.is_empty()) {
            Some(c) => self.tr.t(
                &format!("（95%置信区间{c}）"),
                &format!(" (95% interval {c})"),
            ),
            None => String::new(),
        }
    }

    /// A bar chart with at least [`MIN_POINTS`] published bars, else a sentence about
    /// `what` instead.
    pub(super) fn add_bars(
        &mut self,
        name: &str,
        items: &[(String, Option<f64>)],
        svg: String,
        what: &str,
    ) {
        let shown = items.iter().filter(|(_, v)| v.is_some()).count();
        self.add_if(name, shown, svg, what, String::new());
    }

    /// A trend chart with at least [`MIN_POINTS`] years where some series is
    /// published, else a sentence about `what` (followed by `pooled`) instead.
    pub(super) fn add_trend(
        &mut self,
        name: &str,
        series: &[crate::chart::TrendSeries],
        svg: String,
        what: &str,
        pooled: String,
    ) {
        let shown = self
            .years
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                series
                    .iter()
                    .any(|(_, s)| s.get(*i).is_some_and(|p| p.1.is_some()))
            })
            .count();
        self.add_if(name, shown, svg, what, pooled);
    }

    fn add_if(&mut self, name: &str, shown: usize, svg: String, what: &str, pooled: String) {
        if shown >= MIN_POINTS {
            self.add_chart(name, svg, shown);
        } else {
            let why = self.tr.t(
                &format!("可公布的数值不足三个（人数过少的不予公布），不绘制“{what}”图。"),
                &format!("Fewer than three values can be published (too few persons), so there is no chart of {}.", what.to_lowercase()),
            );
            self.empty
                .push((name.to_string(), format!("{why}{pooled}")));
        }
    }

    pub(super) fn add_chart(&mut self, name: &str, svg: String, points: usize) {
        self.charts.push((name.to_string(), svg));
        self.points.push((name.to_string(), points));
    }

    /// A table with one row per child region and the region's total row, for count
    /// metrics (each column disclosure-controlled as an additive table).
    pub(super) fn child_count_table(&self, cols: &[(&'static str, i32)]) -> Vec<Vec<String>> {
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

    pub(super) fn area_word(&self) -> String {
        match self.child {
            Level::Township => self.tr.t("乡镇（街道）", "Township"),
            _ => self.tr.t("县（市、区）", "County"),
        }
    }

    /// Rates per child region and the region's total row.
    pub(super) fn rate_rows(&self, metrics: &[&'static str]) -> Vec<Vec<String>> {
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

    /// Published values of a metric per child region (suppressed → None), scaled.
    pub(super) fn ranked(&self, metric: &'static str, scale: f64) -> Vec<(String, Option<f64>)> {
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
}
