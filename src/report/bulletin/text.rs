//! The report language, how a rate reads, and the fixed words of the charts in each
//! language ([`Lang::trend_text`],
//! [`Lang::bar_text`], [`Lang::km_text`]).

use crate::chart::{BarText, KmText, TrendText};

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

/// A fraction as a percentage with one decimal (`95.2%`).
pub fn fmt_rate(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::super::compare::Comparison;
    use super::super::data::comparison_json;
    use crate::metrics::testdata::metric_row as row;

    /// The numbers templates word a comparison with (`change-words` of `jindu.typ`).
    fn said(
        m: &'static str,
        a: &crate::metrics::MetricRow,
        b: &crate::metrics::MetricRow,
        se: (Option<f64>, Option<f64>),
    ) -> (String, String, String, bool, serde_json::Value) {
        let j = comparison_json(&Comparison::of(m, Some(a), Some(b), se));
        (
            j["outcome"].as_str().unwrap().to_string(),
            j["change_text"].as_str().unwrap_or("").to_string(),
            j["relative_text"].as_str().unwrap_or("").to_string(),
            j["relative_small"].as_bool().unwrap(),
            j["significant"].clone(),
        )
    }

    /// The example of issue 15: 19.4% → 37.4% whose interval contains 0 is a rise of
    /// 18.0 points, not "unchanged" (jindu.typ words it
    /// “同比上升18.0个百分点（差异无统计学意义）”).
    #[test]
    fn a_rate_that_nearly_doubled_is_not_unchanged() {
        let prev = row("relapse_12m", 6, Some(31), 0.194);
        let cur = row("relapse_12m", 7, Some(19), 0.374);
        let (o, ch, _, _, sig) = said("relapse_12m", &prev, &cur, (Some(0.071), Some(0.111)));
        assert_eq!((o.as_str(), ch.as_str(), sig), ("up", "18.0", false.into()));
        // Same rates with tight intervals: significant.
        let (o, _, _, _, sig) = said("relapse_12m", &prev, &cur, (Some(0.01), Some(0.01)));
        assert_eq!((o.as_str(), sig), ("up", true.into()));
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
        assert_eq!(comparison_json(&c)["significant"], false);
    }

    /// Counts give the change in persons and percent (“同比增加15名（上升12.3%）”),
    /// equal figures 持平, hidden ones and ratios are not compared.
    #[test]
    fn counts_rates_and_hidden_figures() {
        let count = |v: u64| row("new_users", v, None, v as f64);
        let n = (None, None);
        let t = |o: &str, c: &str, r: &str, small: bool| {
            (o.to_string(), c.to_string(), r.to_string(), small)
        };
        let four = |x: (String, String, String, bool, serde_json::Value)| (x.0, x.1, x.2, x.3);
        assert_eq!(
            four(said("new_users", &count(122), &count(137), n)),
            t("up", "15", "12.3%", false)
        );
        assert_eq!(
            four(said("new_users", &count(137), &count(122), n)),
            t("down", "15", "10.9%", false)
        );
        assert_eq!(
            four(said("new_users", &count(0), &count(12), n)),
            t("up", "12", "", false)
        );
        assert_eq!(
            four(said("new_users", &count(12), &count(12), n)).0,
            "equal"
        );
        assert_eq!(
            four(said("existing", &count(27953), &count(27954), n)),
            t("up", "1", "0.0%", true)
        );
        // Rates equal to one decimal of a percent are unchanged, whatever the interval.
        let rate = |x: u64, m: u64| row("execution_rate", x, Some(m), x as f64 / m as f64);
        assert_eq!(
            said("execution_rate", &rate(9900, 10000), &rate(19802, 20000), n).0,
            "equal"
        );
        let mut hidden = rate(5, 50);
        hidden.suppressed = true;
        assert_eq!(
            said("execution_rate", &hidden, &rate(10, 20), n).0,
            "not_compared"
        );
        // No rule for ratios.
        let ratio = |x: u64| row("officer_caseload", x, Some(10), x as f64 / 10.0);
        assert_eq!(
            said("officer_caseload", &ratio(100), &ratio(200), n).0,
            "not_compared"
        );
    }
}
