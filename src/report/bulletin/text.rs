//! The words of the documents: the report language, the Chinese/English pairs of
//! every phrase ([`Tr`]), how published values, year-on-year comparisons and area
//! names read, and
//! the fixed words of the charts in each language ([`Lang::trend_text`],
//! [`Lang::bar_text`], [`Lang::km_text`]).

use crate::chart::{BarText, KmText, TrendText, thousands};
use crate::metrics::MetricRow;
use crate::metrics::defs::{self, Kind};
use crate::metrics::output::display_value;
use crate::publish::Rule;

use super::compare::{Comparison, Outcome};

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
        Some(Kind::Ratio | Kind::PerInhabitants { .. }) => format!("{v:.1}"),
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

impl Tr {
    /// The wording of a year-on-year comparison (METRICS.md "Publication", v1.2; see
    /// [`super::compare`]): `同比增加15名（上升12.3%）`, `同比上升18.0个百分点`
    /// with `（差异无统计学意义）` when the interval of the difference contains 0,
    /// `与上年持平`, `不作比较`.
    pub(super) fn comparison(&self, c: &Comparison) -> String {
        let x = c.change.abs();
        let (up, zh_verb, en_verb) = match c.outcome {
            Outcome::Equal => return self.t("与上年持平", "unchanged from the previous year"),
            Outcome::NotCompared => return self.not_compared(),
            Outcome::Up => (true, "上升", "up"),
            Outcome::Down => (false, "下降", "down"),
        };
        if c.kind == Kind::Count {
            let n = thousands(x.round() as u64);
            let (zh_more, sign) = if up {
                ("增加", "+")
            } else {
                ("减少", "−")
            };
            return match c.relative.map(f64::abs) {
                Some(r) => {
                    let pct = if r < 0.05 {
                        self.t("不足0.1%", "<0.1%")
                    } else {
                        format!("{r:.1}%")
                    };
                    self.t(
                        &format!("同比{zh_more}{n}名（{zh_verb}{pct}）"),
                        &format!("{en_verb} {n} ({sign}{pct}) year on year"),
                    )
                }
                None => self.t(
                    &format!("同比{zh_more}{n}名"),
                    &format!("{en_verb} {n} year on year"),
                ),
            };
        }
        let note = if c.not_significant() {
            self.t("（差异无统计学意义）", " (not statistically significant)")
        } else {
            String::new()
        };
        if let Kind::PerInhabitants { .. } = c.kind {
            // Persons per 10,000 or 100,000 inhabitants: the change of the published
            // one-decimal value, the unit said by the sentence around it.
            return self.t(
                &format!("同比{zh_verb}{x:.1}{note}"),
                &format!("{en_verb} {x:.1} year on year{note}"),
            );
        }
        self.t(
            &format!("同比{zh_verb}{x:.1}个百分点{note}"),
            &format!("{en_verb} {x:.1} percentage points year on year{note}"),
        )
    }

    /// What a comparison says when either figure is hidden or missing.
    pub(super) fn not_compared(&self) -> String {
        self.t("不作比较", "not compared")
    }

    /// The name of an area in a table or chart; a code missing from the region table
    /// says so (METRICS.md "Publication", v1.2).
    pub(super) fn area_name(&self, code: &str, name: &str) -> String {
        if name.is_empty() {
            self.t(
                &format!("{code}（区划表未收录）"),
                &format!("{code} (not in the region table)"),
            )
        } else {
            name.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testdata::metric_row as row;

    /// The example of issue 15: 19.4% → 37.4% whose interval contains 0 is a rise of
    /// 18.0 points, not "unchanged".
    #[test]
    fn a_rate_that_nearly_doubled_is_not_unchanged() {
        let prev = row("relapse_12m", 6, Some(31), 0.194);
        let cur = row("relapse_12m", 7, Some(19), 0.374);
        let c = Comparison::of(
            "relapse_12m",
            Some(&prev),
            Some(&cur),
            (Some(0.071), Some(0.111)),
        );
        assert!(c.difference.unwrap().contains_zero());
        assert_eq!(
            Tr(Lang::Zh).comparison(&c),
            "同比上升18.0个百分点（差异无统计学意义）"
        );
        assert_eq!(
            Tr(Lang::En).comparison(&c),
            "up 18.0 percentage points year on year (not statistically significant)"
        );
        // Same rates with tight intervals: significant, no note.
        let c = Comparison::of(
            "relapse_12m",
            Some(&prev),
            Some(&cur),
            (Some(0.01), Some(0.01)),
        );
        assert_eq!(Tr(Lang::Zh).comparison(&c), "同比上升18.0个百分点");
        // Proportions: Newcombe's interval of 7/19 − 6/31 (Newcombe 1998, method 10).
        let (p, q) = (
            row("execution_rate", 6, Some(31), 6.0 / 31.0),
            row("execution_rate", 7, Some(19), 7.0 / 19.0),
        );
        let c = Comparison::of("execution_rate", Some(&p), Some(&q), (None, None));
        assert_eq!(
            c.difference,
            crate::stats::difference::newcombe(7, 19, 6, 31)
        );
        assert_eq!(c.change, 17.4);
        assert!(
            Tr(Lang::Zh)
                .comparison(&c)
                .ends_with("（差异无统计学意义）")
        );
    }

    #[test]
    fn counts_rates_and_hidden_figures() {
        let zh = |m: &'static str, a: MetricRow, b: MetricRow| {
            Tr(Lang::Zh).comparison(&Comparison::of(m, Some(&a), Some(&b), (None, None)))
        };
        let count = |v: u64| row("new_users", v, None, v as f64);
        assert_eq!(
            zh("new_users", count(122), count(137)),
            "同比增加15名（上升12.3%）"
        );
        assert_eq!(
            zh("new_users", count(137), count(122)),
            "同比减少15名（下降10.9%）"
        );
        assert_eq!(zh("new_users", count(0), count(12)), "同比增加12名");
        assert_eq!(zh("new_users", count(12), count(12)), "与上年持平");
        assert_eq!(
            zh("existing", count(27953), count(27954)),
            "同比增加1名（上升不足0.1%）"
        );
        // Rates equal to one decimal of a percent are unchanged, whatever the interval.
        let rate = |x: u64, n: u64| row("execution_rate", x, Some(n), x as f64 / n as f64);
        assert_eq!(
            zh("execution_rate", rate(9900, 10000), rate(19802, 20000)),
            "与上年持平"
        );
        let mut hidden = rate(5, 50);
        hidden.suppressed = true;
        assert_eq!(zh("execution_rate", hidden, rate(10, 20)), "不作比较");
        assert_eq!(
            Tr(Lang::En).comparison(&Comparison::of(
                "new_users",
                Some(&count(137)),
                Some(&count(122)),
                (None, None)
            )),
            "down 15 (−10.9%) year on year"
        );
        // No rule for ratios.
        let ratio = |x: u64| row("officer_caseload", x, Some(10), x as f64 / 10.0);
        assert_eq!(zh("officer_caseload", ratio(100), ratio(200)), "不作比较");
    }

    #[test]
    fn unknown_codes_are_labelled() {
        assert_eq!(
            Tr(Lang::Zh).area_name("640111", ""),
            "640111（区划表未收录）"
        );
        assert_eq!(
            Tr(Lang::En).area_name("640111", ""),
            "640111 (not in the region table)"
        );
        assert_eq!(Tr(Lang::Zh).area_name("640104", "兴庆区"), "兴庆区");
    }
}
