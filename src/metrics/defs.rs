//! The catalogue of metrics: stable ids, Chinese and English names, kinds and the
//! tables each one needs (METRICS.md "Metrics").

use crate::schema::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count: `value = numerator`, no denominator.
    Count,
    /// A proportion with a 95% Wilson score interval.
    Rate,
    /// numerator / denominator without interval (persons per officer).
    Ratio,
    /// A Kaplan–Meier cumulative incidence `1 − S(w)` with a log(−log) interval.
    Survival,
    /// Persons per `scale` inhabitants (v1.2): `scale × numerator / population`, with
    /// the Wilson interval of numerator / population times `scale`; never unstable.
    PerInhabitants { scale: u32 },
    /// A relative change `numerator / denominator − 1` without interval (v1.2,
    /// `new_users_yoy`); numerator and denominator are counts of persons.
    Change,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricDef {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: Kind,
    pub needs: &'static [Table],
}

impl MetricDef {
    /// Rates whose intervals make small denominators "unstable" (the per-inhabitant
    /// rates have an interval too, but their denominators are inhabitants: never
    /// unstable).
    pub fn has_interval(&self) -> bool {
        matches!(self.kind, Kind::Rate | Kind::Survival)
    }
}

use Kind::*;
use Table::{Incidents, Measures, Officers, Persons, Population, Services, Tests, Transfers};

macro_rules! m {
    ($id:literal, $zh:literal, $en:literal, $kind:expr, [$($t:expr),*]) => {
        MetricDef { id: $id, zh: $zh, en: $en, kind: $kind, needs: &[$($t),*] }
    };
}

/// Every metric, in id order (the order of the machine output).
pub const METRICS: &[MetricDef] = &[
    m!(
        "abstinent_3y",
        "戒断三年未发现复吸人员",
        "Abstinent for 3 years",
        Count,
        [Persons]
    ),
    m!(
        "consolidation_rate",
        "戒断巩固率",
        "Consolidation rate",
        Rate,
        [Persons]
    ),
    m!(
        "cross_region_share",
        "人户分离占比",
        "Cross-region share",
        Rate,
        [Persons]
    ),
    m!(
        "escalation_rate",
        "转强制隔离戒毒率",
        "Escalation rate",
        Rate,
        [Persons, Measures]
    ),
    m!(
        "execution_rate",
        "社区戒毒社区康复执行率",
        "Execution rate of community measures",
        Rate,
        [Persons, Measures]
    ),
    m!(
        "existing",
        "现有吸毒人员",
        "Existing drug users",
        Count,
        [Persons]
    ),
    m!(
        "existing_per_10k",
        "每万人口现有吸毒人员数",
        "Existing drug users per 10,000 inhabitants",
        PerInhabitants { scale: 10_000 },
        [Persons, Population]
    ),
    m!(
        "in_society",
        "社会面吸毒人员",
        "Users in society",
        Count,
        [Persons, Measures]
    ),
    m!(
        "incident_free_streak",
        "连续未发生肇事肇祸年数",
        "Consecutive years without incidents",
        Count,
        [Persons, Incidents]
    ),
    m!(
        "incidents",
        "吸毒人员肇事肇祸案事件数",
        "Incidents caused by drug users",
        Count,
        [Persons, Incidents]
    ),
    m!(
        "loss_of_contact_rate",
        "失控率",
        "Loss-of-contact rate",
        Rate,
        [Persons, Measures]
    ),
    m!(
        "new_users",
        "新发现吸毒人员",
        "New drug users",
        Count,
        [Persons]
    ),
    m!(
        "new_users_decline_streak",
        "新发现人数连续下降年数",
        "Consecutive years of decline in new users",
        Count,
        [Persons]
    ),
    m!(
        "new_users_per_100k",
        "每十万人口新发现吸毒人员数",
        "New drug users per 100,000 inhabitants",
        PerInhabitants { scale: 100_000 },
        [Persons, Population]
    ),
    m!(
        "new_users_yoy",
        "新发现人数同比",
        "New drug users, change on the same period a year earlier",
        Change,
        [Persons]
    ),
    m!(
        "officer_caseload",
        "专干配比（人/专干）",
        "Persons per officer",
        Ratio,
        [Persons, Measures, Officers]
    ),
    m!(
        "registered",
        "登记在册吸毒人员",
        "Registered drug users",
        Count,
        [Persons]
    ),
    m!(
        "relapse_12m",
        "12个月复吸率",
        "12-month relapse",
        Survival,
        [Persons, Measures]
    ),
    m!(
        "relapse_36m",
        "36个月复吸率",
        "36-month relapse",
        Survival,
        [Persons, Measures]
    ),
    m!(
        "relapse_after_release_12m",
        "解除强戒后12个月复吸率",
        "12-month relapse after release from isolation",
        Survival,
        [Persons, Measures]
    ),
    m!(
        "service_coverage",
        "帮扶覆盖率",
        "Support service coverage",
        Rate,
        [Persons, Measures, Services]
    ),
    m!(
        "test_compliance",
        "检测履约率",
        "Test compliance",
        Rate,
        [Persons, Measures, Tests]
    ),
    m!(
        "timely_report_rate",
        "按期报到率",
        "Timely reporting rate",
        Rate,
        [Persons, Measures]
    ),
    m!(
        "transfers_in",
        "移入人次",
        "Transfers in",
        Count,
        [Persons, Transfers]
    ),
    m!(
        "transfers_out",
        "移出人次",
        "Transfers out",
        Count,
        [Persons, Transfers]
    ),
    m!(
        "under_community_measure",
        "正在执行社区戒毒社区康复人员",
        "Persons under community measures",
        Count,
        [Persons, Measures]
    ),
];

pub fn find(id: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.id == id)
}

/// Metrics that exist for years only (METRICS.md "Quarters and months", v1.2): with
/// `--period quarter|month` they have no rows.
pub const YEAR_ONLY: &[&str] = &["incident_free_streak", "new_users_decline_streak"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sorted_and_unique() {
        for w in METRICS.windows(2) {
            assert!(w[0].id < w[1].id, "{} !< {}", w[0].id, w[1].id);
        }
        assert_eq!(METRICS.len(), 26);
    }
}
