//! The closing parts of a bulletin: the annex tables (every indicator of the region,
//! persons by area) and the methods appendix (definitions, reference dates,
//! disclosure control, statistical methods, input files).

use serde_json::{Value, json};

use crate::chart::thousands;
use crate::metrics::defs::{self, Kind};

use super::doc::{Doc, section};
use super::text::{show, show_ci};

impl Doc<'_, '_> {
    pub(super) fn annex(&self) -> Value {
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
                            format!("{}/{}", thousands(n), thousands(m))
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
                self.table(
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
                self.table(
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

    pub(super) fn methods(&self) -> Value {
        let rule = self.cx.rule;
        let cutoff = self.cx.model.cutoff;
        let terms: Vec<Value> = definitions()
            .iter()
            .map(|(id, zh, en)| json!({"term": self.tr.metric(id), "text": self.tr.t(zh, en)}))
            .collect();
        let th = rule.threshold;
        let rules = vec![
            self.par(self.tr.t(
                &format!("数据截止日期为{}。各年指标的参照日为该年12月31日（不晚于截止日）；存量指标按参照日统计，流量指标按年内发生统计。", self.tr.date(cutoff)),
                &format!("The data cutoff is {}. Stocks are counted on 31 December of each year (not after the cutoff); flows are counted within the year.", self.tr.date(cutoff)),
            )),
            self.par(self.tr.t(
                &format!("数据发布控制：1至{}之间的人数以“<{th}”表示，分子或分母在1至{}之间的比率以“—”表示，0照常显示；凡有合计的表格，若仅有一个单元格被隐藏，则另隐藏一个最小的非零单元格（补充隐藏），使隐藏数无法由合计相减得出。分母小于20的比率标为不稳定。", th - 1, th - 1),
                &format!("Disclosure control: counts from 1 to {} are shown as \"<{th}\", rates whose numerator or denominator is from 1 to {} as \"—\"; zero is shown. In a table with a total, when a single cell is hidden the smallest other non-zero cell is hidden too (complementary suppression), so no hidden count can be recovered by subtraction. Rates with a denominator below 20 are marked unstable.", th - 1, th - 1),
            )),
            self.par(self.tr.t(
                "比率的95%置信区间为Wilson得分区间。复吸率用Kaplan–Meier法估计，方差用Greenwood公式，95%置信区间在log(−log)尺度上构造（Kaplan–Meier, Greenwood variance, log(−log) 95% interval）；死亡、离境及截止日作删失处理。",
                "Rates have 95% Wilson score intervals. Relapse is estimated with the Kaplan–Meier method, Greenwood variance, log(−log) 95% interval; death, departure and the data cutoff censor follow-up.",
            )),
            self.par(self.tr.t(
                "同比表述：人数给出增减人数和增减百分比，两年人数相等时记为“持平”。比率给出两年公布值（保留一位小数）之差的百分点，两年公布值相等时记为“持平”；差值的95%置信区间对一般比率用Newcombe混合得分法（Newcombe 1998，方法10，由两年的Wilson区间构成），对Kaplan–Meier复吸率用差值±1.96×两年Greenwood方差之和的平方根；区间包含0时注明“差异无统计学意义”。存量指标相邻两年多为同一批人员，按独立样本计算的区间偏宽（结论偏保守）。任一年数值被隐藏时不作比较。连续下降年数指截至本年新发现人数逐年严格下降的年数，仅在比较所涉人数可公布时给出。",
                "Year-on-year wording: a count gives the change in persons and in percent, and is \"unchanged\" only when the two counts are equal. A rate gives the change in percentage points between the two published (one-decimal) values, \"unchanged\" only when those are equal; the 95% interval of the difference is Newcombe's hybrid score interval (Newcombe 1998, method 10, built from the two Wilson intervals), and for Kaplan–Meier relapse rates the difference ± 1.96 × the square root of the sum of the two Greenwood variances; when it contains 0 the change is marked \"not statistically significant\". Stocks of consecutive years largely share persons, so treating the years as independent makes the interval wider than it should be (conservative). No comparison is made when either value is hidden. Years of decline count consecutive strict falls of new users up to the year, given only where the counts compared can be published.",
            )),
            self.par(self.tr.t(
                &format!("发布控制只保护登记在册人员：专干人数不隐藏，专干配比仅在所涉人数为1至{}时隐藏（所在行人数被补充隐藏时亦不显示）。可公布数值不足三个的图改以文字说明（新发现人数另给近三年合计，单年仅一年被隐藏时不给，以免相减得出）；各项数值均被隐藏的表格改以文字说明。区划表未收录的代码标为“（区划表未收录）”。", th - 1),
                &format!("Disclosure control protects persons of the register only: officer counts are never hidden, and persons per officer is hidden only when the persons are from 1 to {} (or their cell is hidden by complementary suppression). A chart with fewer than three publishable values is replaced by a sentence (for new users with the total of the last three years, unless exactly one of those years is hidden, which the total would give away); a table whose every figure is hidden is replaced by a sentence. Codes missing from the region table are marked \"not in the region table\".", th - 1),
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
                .map(|(t, q)| format!("{t} {}", thousands(*q)))
                .collect();
            format!("{open}{}{close}", list.join(sep))
        };
        let version = env!("CARGO_PKG_VERSION");
        blocks.push(self.par(self.tr.t(
            &format!(
                "输入数据共{}个文件，隔离（拒收）记录{}行{}。本公报由 jindu {version} 生成。",
                files.len(),
                thousands(total_q),
                per_table("（", "，", "）"),
            ),
            &format!(
                "The input has {} files; {} rows were quarantined{}. Produced by jindu {version}.",
                files.len(),
                thousands(total_q),
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
pub(super) fn definitions() -> Vec<(&'static str, &'static str, &'static str)> {
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
                thousands(num(&f["rows_read"])),
                thousands(num(&f["accepted"])),
                thousands(num(&f["merged"])),
                thousands(num(&f["quarantined"])),
            ]);
        }
    }
    (files, quarantine)
}
