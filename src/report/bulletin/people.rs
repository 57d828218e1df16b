//! The sections about persons (the overview is written in `report-templates/sections.typ`):
//! new drug users
//! (trend, decline streaks, breakdown by sex, age and drug) and the stocks of
//! existing and abstinent users with the consolidation rate.

use serde_json::Value;

use crate::chart::{self, TrendSeries, YAxis, thousands};
use crate::schema;

use super::compare::Comparison;
use super::doc::{Doc, chart_block, section};
use super::text::show;

impl Doc<'_, '_> {
    pub(super) fn new_users(&mut self) -> Value {
        let y = self.year;
        let series: Vec<TrendSeries> =
            vec![(self.tr.metric("new_users"), self.trend("new_users", 1.0))];
        let title = self
            .tr
            .t("新发现吸毒人员（人）", "New drug users (persons)");
        let caption = self
            .tr
            .t("新发现吸毒人员变化趋势", "New drug users by year");
        let svg = chart::trend_line(&self.tr.0.trend_text(&title), &series, None, YAxis::Count);
        let pooled = self.pooled_new_users();
        self.add_trend("new-users", &series, svg, &caption, pooled);
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
                self.change_text("new_users"),
                streak_text
            ),
            &format!(
                "In {}, {} new drug users were found in {}, {}{}.",
                y,
                self.val("new_users", y),
                self.name,
                self.change_text("new_users"),
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
        let p = self.par(p);
        let mut rows = self.child_count_table(&[("new_users", y - 1), ("new_users", y)]);
        let hidden = self.cx.rule.hidden_count();
        for (i, r) in rows.iter_mut().enumerate() {
            let (code, prev, cur, streak) = match self.children.get(i) {
                Some((c, _)) => (
                    c.as_str(),
                    self.child_row("new_users", y - 1, c),
                    self.child_row("new_users", y, c),
                    self.streak(c, true),
                ),
                None => (
                    self.code.as_str(),
                    self.row("new_users", y - 1),
                    self.row("new_users", y),
                    self.streak(&self.code, false),
                ),
            };
            // A cell hidden by complementary suppression hides the comparison too.
            let shown = r[1] != hidden && r[2] != hidden;
            let (prev, cur) = if shown { (prev, cur) } else { (None, None) };
            let ch = Comparison::of("new_users", prev, cur, (None, None));
            let text = self.say(&ch, "new_users", code, Some((i, 3)));
            r.push(text);
            r.push(
                streak
                    .filter(|_| shown)
                    .map_or_else(|| "—".to_string(), |s| s.to_string()),
            );
        }
        let mut blocks = vec![
            p,
            chart_block("new-users", caption),
            self.table(
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

    /// The new users of the last three years together, for a region whose single years
    /// are too few to chart (METRICS.md "Publication", v1.2: a pooled figure). Empty
    /// when the total is too small, or when exactly one of the years is hidden: the
    /// total less the published years would give it away (the complementary
    /// suppression rule, Hundepool et al. 2012, §5.4).
    fn pooled_new_users(&self) -> String {
        let rule = self.cx.rule;
        let y = self.year;
        let window: Vec<u64> = self
            .years
            .iter()
            .filter(|&&yr| yr > y - 3)
            .map(|&yr| {
                self.raw_row("new_users", yr)
                    .and_then(|r| r.numerator)
                    .unwrap_or(0)
            })
            .collect();
        let total: u64 = window.iter().sum();
        let hidden = window.iter().filter(|&&v| rule.too_small(v)).count();
        if window.len() < 3 || rule.too_small(total) || hidden == 1 {
            return String::new();
        }
        let (a, n) = (y - 2, thousands(total));
        self.tr.t(
            &format!("{a}–{y}年合计新发现吸毒人员{n}名。"),
            &format!(" In {a}–{y}, {n} new drug users were found in all."),
        )
    }

    /// Sex, age group and drug of a count metric for the region (published rows,
    /// complementary suppression inside each breakdown done by `publish_rows`).
    pub(super) fn breakdown_table(&self, metric: &'static str) -> Value {
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
        let mut t = self.table(
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
        );
        // The group and the group value name a row.
        t["labels"] = 2.into();
        t
    }

    pub(super) fn stocks(&mut self) -> Value {
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
        let stocks_caption = self.tr.t(
            "现有与戒断三年未复吸人员变化",
            "Existing and abstinent users by year",
        );
        let svg = chart::trend_line(&self.tr.0.trend_text(&title), &series, None, YAxis::Count);
        self.add_trend("stocks", &series, svg, &stocks_caption, String::new());
        let rate_series: Vec<TrendSeries> = vec![(
            self.tr.metric("consolidation_rate"),
            self.trend("consolidation_rate", 1.0),
        )];
        let title = self.tr.t("戒断巩固率", "Consolidation rate");
        let rate_caption = self.tr.t("戒断巩固率变化", "Consolidation rate by year");
        let svg = chart::trend_line(
            &self.tr.0.trend_text(&title),
            &rate_series,
            None,
            YAxis::Percent,
        );
        self.add_trend(
            "consolidation",
            &rate_series,
            svg,
            &rate_caption,
            String::new(),
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
        let p = self.par(p);
        let p2 = format!(
            "{}{}",
            self.sentence_ci("consolidation_rate", true),
            self.tr.t("。", ".")
        );
        let p2 = self.par(p2);
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
                p,
                chart_block("stocks", stocks_caption),
                p2,
                chart_block("consolidation", rate_caption),
                self.table(
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
}
