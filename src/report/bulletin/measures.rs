//! The sections about measures and services: execution of community detox and
//! rehabilitation, relapse (Kaplan–Meier curves by entry cohort), support services,
//! officers and cross-region transfers (supervision is written in
//! `report-templates/sections.typ`).

use serde_json::Value;

use crate::chart::{self, KmCurve, TrendSeries, YAxis, thousands};
use crate::publish::HIDDEN_RATE;
use crate::schema;
use crate::stats::KaplanMeier;

use super::context::cohort_subjects;
use super::doc::{Doc, chart_block, section};
use super::text::{show, show_ci};

/// Number of entry cohorts drawn in the Kaplan–Meier chart.
const KM_COHORTS: i32 = 5;
/// Days of the numbers-at-risk table: 0, 6, 12, 24 and 36 months.
const AT_RISK_DAYS: [u32; 5] = [0, 183, 365, 730, 1096];
/// The caseload norm: one officer for 20 persons under community measures.
const CASELOAD_NORM: f64 = 20.0;

impl Doc<'_, '_> {
    pub(super) fn execution(&mut self) -> Value {
        let y = self.year;
        let missing = self.tr.0.missing();
        let title = self.tr.t(
            &format!("{y}年各{}社区戒毒社区康复执行率（%）", self.area_word()),
            &format!("Execution rate by area, {y} (%)"),
        );
        let items = self.ranked("execution_rate", 100.0);
        let label = self.tr.t("目标 99%", "target 99%");
        let svg = chart::ranked_bars(&self.tr.0.bar_text(&title), &items, Some((99.0, &label)));
        let bars_what = self.tr.t("各地执行率", "Execution rate by area");
        self.add_bars("execution", &items, svg, &bars_what);
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
        let trend_caption = self.tr.t(
            "执行率与按期报到率变化",
            "Execution and timely reporting by year",
        );
        let svg = chart::trend_line(
            &self.tr.0.trend_text(&title),
            &trend,
            Some((0.99, &label)),
            YAxis::Percent,
        );
        self.add_trend(
            "execution-trend",
            &trend,
            svg,
            &trend_caption,
            String::new(),
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
                self.par(p),
                chart_block("execution-trend", trend_caption),
                chart_block(
                    "execution",
                    self.tr.t(
                        &format!("各地执行率（虚线为99%；“{missing}”为数量过少不予公布）"),
                        &format!(
                            "Execution rate by area (dashed: 99%; \"{missing}\" = too few to publish)"
                        ),
                    ),
                ),
                self.table(
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

    pub(super) fn relapse(&mut self) -> Value {
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
                    thousands(n)
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
        if curves.is_empty() {
            let why = self.tr.t(
                &format!("各入组年份入组人数或复吸人数均少于{}人，不绘制累计复吸率曲线。", rule.threshold),
                &format!("No cohort has {} or more persons and relapses, so no cumulative relapse curve is drawn.", rule.threshold),
            );
            self.empty.push(("relapse".to_string(), why));
        } else {
            let points = curves.iter().map(|(_, pts, _)| pts.len()).sum();
            self.add_chart(
                "relapse",
                chart::km_curves(&self.tr.0.km_text(&title), &curves),
                points,
            );
        }
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
                self.par(p),
                chart_block("relapse", self.tr.t(
                    "累计复吸率（Kaplan–Meier），图下为各时点仍在观察人数",
                    "Cumulative relapse (Kaplan–Meier), numbers at risk below",
                )),
                self.table(
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

    pub(super) fn services(&mut self) -> Value {
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
                    r.numerator.map_or_else(|| "—".into(), thousands)
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
        let svg = chart::ranked_bars(&self.tr.0.bar_text(&title), &items, None);
        let services_what = self
            .tr
            .t("帮扶覆盖率（按类型）", "Coverage by service type");
        self.add_bars("services", &items, svg, &services_what);
        let total = self.row("service_coverage", y);
        rows.push(vec![
            self.tr.t("合计（任一帮扶）", "Any service"),
            total
                .filter(|r| !r.suppressed)
                .and_then(|r| r.numerator)
                .map_or_else(|| rule.hidden_count(), thousands),
            total.map_or_else(|| "—".into(), |r| show(r, rule)),
        ]);
        let den = total
            .filter(|r| !r.suppressed)
            .and_then(|r| r.denominator)
            .map_or_else(|| rule.hidden_count(), thousands);
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
                self.par(p),
                chart_block(
                    "services",
                    self.tr
                        .t("帮扶覆盖率（按类型）", "Coverage by service type"),
                ),
                self.table(
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

    pub(super) fn officers(&mut self) -> Value {
        let y = self.year;
        let missing = self.tr.0.missing();
        let rule = self.cx.rule;
        // Persons under measures per child, disclosure-controlled as in the execution
        // table. Officers are not persons of the register and are never hidden
        // (METRICS.md "Publication", v1.2), so a ratio would give its numerator away:
        // it is shown only where that cell is.
        let mut rows = self.child_count_table(&[("under_community_measure", y)]);
        let hidden = rule.hidden_count();
        let persons_shown: Vec<bool> = rows.iter().map(|r| r[1] != hidden).collect();
        let title = self.tr.t(
            &format!("{y}年各{}专干配比（人/专干）", self.area_word()),
            &format!("Persons per officer by area, {y}"),
        );
        let items: Vec<(String, Option<f64>)> = self
            .ranked("officer_caseload", 1.0)
            .into_iter()
            .zip(&persons_shown)
            .map(|((name, v), shown)| (name, v.filter(|_| *shown)))
            .collect();
        let label = self.tr.t("标准 1:20", "norm 1:20");
        let svg = chart::ranked_bars(
            &self.tr.0.bar_text(&title),
            &items,
            Some((CASELOAD_NORM, &label)),
        );
        let caseload_what = self.tr.t("各地专干配比", "Persons per officer by area");
        self.add_bars("caseload", &items, svg, &caseload_what);
        // Officers per child: the caseload denominator.
        let officers =
            |r: Option<&crate::metrics::MetricRow>| r.and_then(|r| r.denominator).unwrap_or(0);
        let total = officers(self.raw_row("officer_caseload", y));
        let ratios = self.rate_rows(&["officer_caseload"]);
        for (i, (r, x)) in rows.iter_mut().zip(ratios).enumerate() {
            let n = match self.children.get(i) {
                Some((c, _)) => officers(self.child_raw("officer_caseload", y, c)),
                None => total,
            };
            r.push(thousands(n));
            r.extend(x.into_iter().skip(1).map(|v| {
                if persons_shown[i] {
                    v
                } else {
                    HIDDEN_RATE.to_string()
                }
            }));
        }
        let over: Vec<String> = items
            .iter()
            .filter(|(_, v)| v.is_some_and(|v| v > CASELOAD_NORM))
            .map(|(n, _)| n.clone())
            .collect();
        let shown_total = thousands(total);
        let average = if persons_shown.last().copied().unwrap_or(false) {
            self.val("officer_caseload", y)
        } else {
            HIDDEN_RATE.to_string()
        };
        let mut p = self.tr.t(
            &format!(
                "截至{}年底，共有在岗禁毒专干{}名，平均每名专干管理{}人（标准为1:20）。",
                y, shown_total, average
            ),
            &format!(
                "At the end of {}, {} officers were in post, {} persons per officer (norm 1:20).",
                y, shown_total, average
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
                self.par(p),
                chart_block(
                    "caseload",
                    self.tr.t(
                        &format!("各地专干配比（虚线为1:20；“{missing}”为数量过少不予公布）"),
                        &format!(
                            "Persons per officer (dashed: 1:20; \"{missing}\" = too few to publish)"
                        ),
                    ),
                ),
                self.table(
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

    pub(super) fn cross_region(&self) -> Value {
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
                self.par(p),
                self.table(
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
}
