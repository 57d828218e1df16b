//! The metric definitions of the methods appendix, as data (the appendix and the
//! annex tables are written in `report-templates/`).

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
            "new_users_yoy",
            "本期新发现人数 ÷ 上年同期新发现人数 − 1；上年同期为0或无数据时不计算。",
            "New users in the period ÷ new users in the same period a year earlier − 1; not computed when the earlier figure is 0 or missing.",
        ),
        (
            "existing_per_10k",
            "参照日现有吸毒人员数 ÷ 当年常住人口 × 10000；95%置信区间为比例的Wilson区间乘以10000。",
            "Existing users on the reference date ÷ resident population of the year × 10,000; the 95% interval is the Wilson interval of the proportion times 10,000.",
        ),
        (
            "new_users_per_100k",
            "本期新发现吸毒人员数 ÷ 当年常住人口 × 100000，区间同上乘以100000。",
            "New users in the period ÷ resident population of the year × 100,000, interval as above times 100,000.",
        ),
        (
            "incidents",
            "本期发生的吸毒人员肇事肇祸案事件数，按案事件发生地统计，并按类型（自伤自残、伤害他人、毒驾、滋事、其他）分列。",
            "Incidents caused by drug users dated in the period, by place of the incident, also by kind (self-harm, harm to others, drug driving, public disorder, other).",
        ),
        (
            "incident_free_streak",
            "截至本年，连续未发生吸毒人员肇事肇祸案事件的完整年数（自有数据的第一年起计算）；本年有案事件为0，本年数据不完整时不计算。",
            "Consecutive complete years, up to this one, without an incident caused by drug users (counted from the first year of the data); 0 for a year with an incident, not computed for an incomplete year.",
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
