//! The words of the documents: the report language, the Chinese/English pairs of
//! every phrase ([`Tr`]), how published values and year-on-year changes read, and
//! the fixed words of the charts in each language ([`Lang::trend_text`],
//! [`Lang::bar_text`], [`Lang::km_text`]).

use crate::chart::{BarText, KmText, TrendText, thousands};
use crate::dates::{Days, from_days};
use crate::metrics::MetricRow;
use crate::metrics::defs::{self, Kind};
use crate::metrics::output::display_value;
use crate::publish::Rule;

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The Chinese or the English of a phrase.
    fn word<'s>(self, zh: &'s str, en: &'s str) -> &'s str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Shown instead of the plot of a chart that has no data at all.
    fn no_data(self) -> &'static str {
        self.word("暂无数据", "No data")
    }

    /// The label of a bar without a published value (too few to publish).
    pub fn missing(self) -> &'static str {
        self.word("无数据", "no data")
    }

    /// The words of a trend chart titled `title`.
    pub fn trend_text(self, title: &str) -> TrendText<'_> {
        TrendText {
            title,
            no_data: self.no_data(),
            axis_cut: self.word("注：纵轴未从 0 开始", "Note: the axis does not start at 0"),
        }
    }

    /// The words of a bar chart titled `title`.
    pub fn bar_text(self, title: &str) -> BarText<'_> {
        BarText {
            title,
            no_data: self.no_data(),
            missing: self.missing(),
        }
    }

    /// The words of a cumulative-relapse (Kaplan–Meier) chart titled `title`.
    pub fn km_text(self, title: &str) -> KmText<'_> {
        KmText {
            title,
            no_data: self.no_data(),
            y_axis: self.word("累计复吸率", "Cumulative relapse"),
            x_axis: self.word("随访时间（月）", "Follow-up (months)"),
            at_risk: self.word("风险人数", "Number at risk"),
        }
    }
}

/// Chooses between the Chinese and the English of a phrase.
pub(super) struct Tr(pub(super) Lang);

impl Tr {
    pub(super) fn t(&self, zh: &str, en: &str) -> String {
        self.0.word(zh, en).to_string()
    }

    pub(super) fn metric(&self, id: &str) -> String {
        let d = defs::find(id).expect("known metric");
        self.t(d.zh, d.en)
    }

    pub(super) fn year(&self, y: i32) -> String {
        self.t(&format!("{y}年"), &y.to_string())
    }

    pub(super) fn date(&self, d: Days) -> String {
        let d = from_days(d);
        match self.0 {
            Lang::Zh => d.format("%Y年%-m月%-d日").to_string(),
            Lang::En => d.format("%-d %B %Y").to_string(),
        }
    }
}

/// A fraction as a percentage with one decimal (`95.2%`).
pub fn fmt_rate(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// How a published row reads: suppressed cells as the disclosure module writes them,
/// counts with thousands separators, rates in percent, ratios with one decimal.
pub(super) fn show(r: &MetricRow, rule: Rule) -> String {
    if r.suppressed || r.value.is_none() {
        return display_value(r, rule);
    }
    let v = r.value.expect("checked");
    match defs::find(r.metric).map(|d| d.kind) {
        Some(Kind::Count) => thousands(v.round() as u64),
        Some(Kind::Ratio) => format!("{v:.1}"),
        _ => fmt_rate(v),
    }
}

/// The 95% interval of a published rate (`93.1–97.0%`), or nothing when hidden.
pub(super) fn show_ci(r: &MetricRow) -> String {
    match (r.suppressed, r.ci_low, r.ci_high) {
        (false, Some(l), Some(h)) => format!("{:.1}–{:.1}%", l * 100.0, h * 100.0),
        _ => String::new(),
    }
}

/// The direction of a change between two published rows of the same metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Change {
    Up(f64),
    Down(f64),
    Flat,
    /// One of the values is hidden or missing: no comparison.
    None,
}

/// Counts: relative change, "flat" under 1%. Rates: "flat" when the 95% intervals
/// overlap, else the change in percentage points.
pub(super) fn change(prev: Option<&MetricRow>, cur: Option<&MetricRow>) -> Change {
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
    pub(super) fn change(&self, ch: Change, kind: Kind) -> String {
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
