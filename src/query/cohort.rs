//! Relapse cohorts (METRICS.md "Relapse cohorts"): who enters the cohort of a year,
//! with which index date and region, and their Kaplan–Meier survival by group.
//!
//! Entry and follow-up are exactly those of the `relapse_*` metrics: the subject of
//! each member comes from [`crate::metrics::compute::subject`].

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::dates::{Days, age_years};
use crate::metrics::blocks::{AGE_GROUPS, age_group};
use crate::metrics::compute::{Period, cohort_entry, subject};
use crate::metrics::model::Model;
use crate::output::{Grid, Printable, Sheet};
use crate::schema;
use crate::stats::{KaplanMeier, Subject, logrank};

pub use crate::metrics::compute::Entry;

impl Entry {
    pub fn as_str(self) -> &'static str {
        match self {
            Entry::Community => "community",
            Entry::Release => "release",
        }
    }
}

/// Grouping of the curves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Drug,
    Sex,
    /// Age at the index date, in the national bands.
    AgeGroup,
    /// County (first 6 digits) of the measure that put the person into the cohort.
    County,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Drug => "drug",
            By::Sex => "sex",
            By::AgeGroup => "age_group",
            By::County => "county",
        }
    }
}

/// One member of a cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Index into `model.persons`.
    pub person: usize,
    pub measure_id: String,
    pub region: String,
    pub index: Days,
    pub subject: Subject,
}

/// The members of the cohort of `entry` and `year`, in person order.
pub fn members(model: &Model, entry: Entry, year: i32) -> Vec<Member> {
    let per = Period::new(year, model.cutoff);
    let c = model.cutoff;
    let mut out = Vec::new();
    for (i, p) in model.persons.iter().enumerate() {
        let Some((m, index)) = cohort_entry(p, entry, &per) else {
            continue;
        };
        if let Some(s) = subject(p, index, c) {
            out.push(Member {
                person: i,
                measure_id: m.id.to_string(),
                region: model.codes.get(m.region).to_string(),
                index,
                subject: s,
            });
        }
    }
    out
}

/// The group label of a member.
pub fn group_of(model: &Model, m: &Member, by: By) -> String {
    let p = &model.persons[m.person];
    match by {
        By::Drug => schema::DRUG.values[p.drug as usize].code.to_string(),
        By::Sex => schema::SEX.values[p.sex as usize].code.to_string(),
        By::AgeGroup => AGE_GROUPS[age_group(age_years(p.birth, m.index))].to_string(),
        By::County => crate::regions::county_of(&m.region).to_string(),
    }
}

/// The horizons reported: 6, 12, 24 and 36 months.
pub const HORIZONS: [(u32, u32); 4] = [(6, 183), (12, 365), (24, 730), (36, 1095)];

/// The result of `jindu cohort`.
#[derive(Debug, Clone)]
pub struct CohortResult {
    pub table: DataFrame,
    /// (label, subjects) per group, the total first.
    pub groups: Vec<(String, Vec<Subject>)>,
    /// (statistic, df, p) of the log-rank test between the groups, if any.
    pub logrank: Option<(f64, u32, f64)>,
    /// The grouping asked for.
    pub by: Option<By>,
}

/// Kaplan–Meier summaries per group (and in total) with a log-rank test between the
/// groups. One row per (group, horizon).
pub fn analyse(
    model: &Model,
    entry: Entry,
    year: i32,
    by: Option<By>,
    window: u32,
) -> PolarsResult<CohortResult> {
    let mem = members(model, entry, year);
    let mut groups: Vec<(String, Vec<Subject>)> =
        vec![("(all)".into(), mem.iter().map(|m| m.subject).collect())];
    if let Some(by) = by {
        let mut map: BTreeMap<String, Vec<Subject>> = BTreeMap::new();
        for m in &mem {
            map.entry(group_of(model, m, by))
                .or_default()
                .push(m.subject);
        }
        groups.extend(map);
    }
    let lr = if groups.len() > 2 {
        // Follow-up is cut at the window (censored there) for the test.
        let cut: Vec<Vec<Subject>> = groups[1..]
            .iter()
            .map(|g| {
                g.1.iter()
                    .map(|s| {
                        if s.time > window {
                            Subject::censored(window)
                        } else {
                            *s
                        }
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&[Subject]> = cut.iter().map(Vec::as_slice).collect();
        logrank(&refs).map(|l| (l.statistic, l.df, l.p_value))
    } else {
        None
    };
    let mut horizons: Vec<(u32, u32)> = HORIZONS.to_vec();
    if !horizons.iter().any(|h| h.1 == window) {
        horizons.push((0, window));
        horizons.sort_by_key(|h| h.1);
    }
    let mut cols: BTreeMap<&str, Vec<AnyValue<'static>>> = BTreeMap::new();
    let order = [
        "entry",
        "year",
        "by",
        "group",
        "n",
        "events",
        "median_days",
        "median_low",
        "median_high",
        "horizon_days",
        "horizon_months",
        "at_risk",
        "events_by",
        "survival",
        "survival_low",
        "survival_high",
        "relapse",
        "relapse_low",
        "relapse_high",
        "logrank_chi2",
        "logrank_df",
        "logrank_p",
    ];
    let mut push = |k: &'static str, v: AnyValue<'static>| cols.entry(k).or_default().push(v);
    let opt_u = |v: Option<u32>| v.map_or(AnyValue::Null, |x| AnyValue::Int64(i64::from(x)));
    let opt_f = |v: Option<f64>| v.map_or(AnyValue::Null, AnyValue::Float64);
    for (label, subjects) in &groups {
        let km = KaplanMeier::fit(subjects);
        // Events within the window: the follow-up of the cohort command.
        let events = subjects
            .iter()
            .filter(|s| s.event && s.time <= window)
            .count() as i64;
        let median = km.median().filter(|m| *m <= window);
        let (mlo, mhi) = km.median_interval();
        for &(months, days) in &horizons {
            if days > window {
                continue;
            }
            push("entry", AnyValue::StringOwned(entry.as_str().into()));
            push("year", AnyValue::Int64(i64::from(year)));
            push(
                "by",
                AnyValue::StringOwned(by.map_or("", |b| b.as_str()).into()),
            );
            push("group", AnyValue::StringOwned(label.as_str().into()));
            push("n", AnyValue::Int64(subjects.len() as i64));
            push("events", AnyValue::Int64(events));
            push("median_days", opt_u(median));
            push("median_low", opt_u(mlo.filter(|m| *m <= window)));
            push("median_high", opt_u(mhi.filter(|m| *m <= window)));
            push("horizon_days", AnyValue::Int64(i64::from(days)));
            push(
                "horizon_months",
                if months > 0 {
                    AnyValue::Int64(i64::from(months))
                } else {
                    AnyValue::Null
                },
            );
            push("at_risk", AnyValue::Int64(km.at_risk_at(days) as i64));
            push("events_by", AnyValue::Int64(km.events_by(days) as i64));
            let s = km.survival_at(days);
            let ci = km.interval_at(days);
            push("survival", opt_f(s));
            push("survival_low", opt_f(ci.map(|c| c.0)));
            push("survival_high", opt_f(ci.map(|c| c.1)));
            let r = km.relapse_at(days);
            push("relapse", opt_f(r.map(|r| r.0)));
            push("relapse_low", opt_f(r.map(|r| r.1)));
            push("relapse_high", opt_f(r.map(|r| r.2)));
            push("logrank_chi2", opt_f(lr.map(|l| l.0)));
            push("logrank_df", opt_u(lr.map(|l| l.1)));
            push("logrank_p", opt_f(lr.map(|l| l.2)));
        }
    }
    let height = cols.get("entry").map_or(0, Vec::len);
    let columns: Vec<Column> = order
        .iter()
        .map(|name| {
            let vals = cols.remove(name).unwrap_or_default();
            let dtype = match *name {
                "entry" | "by" | "group" => DataType::String,
                "survival" | "survival_low" | "survival_high" | "relapse" | "relapse_low"
                | "relapse_high" | "logrank_chi2" | "logrank_p" => DataType::Float64,
                _ => DataType::Int64,
            };
            Series::from_any_values_and_dtype((*name).into(), &vals, &dtype, true).map(Column::from)
        })
        .collect::<PolarsResult<_>>()?;
    Ok(CohortResult {
        table: DataFrame::new(height, columns)?,
        groups,
        logrank: lr,
        by,
    })
}

/// The curves for [`crate::chart::km_curves`]: cumulative incidence at each event time
/// up to the window, and numbers at risk at 0/6/12/24/36 months.
/// The cohort table is written by the output layer: the full table in the machine
/// formats and the workbook; for the terminal, without the repeated entry, year and
/// log-rank columns, rates to four decimals, and the log-rank result underneath.
impl Printable for CohortResult {
    fn frame(&self) -> PolarsResult<DataFrame> {
        Ok(self.table.clone())
    }

    fn grid(&self) -> PolarsResult<Grid> {
        let keep: Vec<Column> = self
            .table
            .columns()
            .iter()
            .filter(|c| {
                !matches!(c.name().as_str(), "entry" | "year" | "by")
                    && !c.name().starts_with("logrank")
            })
            .map(|c| -> PolarsResult<Column> {
                if c.dtype() == &DataType::Float64 {
                    let v: Vec<Option<String>> = c
                        .f64()?
                        .iter()
                        .map(|x| x.map(|x| format!("{x:.4}")))
                        .collect();
                    Ok(Column::new(c.name().clone(), v))
                } else {
                    Ok(c.clone())
                }
            })
            .collect::<PolarsResult<_>>()?;
        let mut g = DataFrame::new(self.table.height(), keep)?.grid()?;
        let line = match (self.by, self.logrank) {
            (None, _) => None,
            (Some(_), Some((chi2, df, p))) => Some(format!(
                "log-rank test: chi2 = {chi2:.3}, df = {df}, p = {p:.4}"
            )),
            (Some(_), None) => {
                Some("log-rank test: not computable (fewer than two groups with events)".into())
            }
        };
        if let Some(line) = line {
            let rows = g.footer.take().unwrap_or_default();
            g.footer = Some(format!("{rows}\n{line}"));
        }
        Ok(g)
    }

    fn sheets(&self) -> PolarsResult<Vec<Sheet>> {
        self.table.sheets()
    }
}

pub fn curves(groups: &[(String, Vec<Subject>)], window: u32) -> Vec<crate::chart::KmCurve> {
    let show: Vec<&(String, Vec<Subject>)> = if groups.len() > 1 {
        groups[1..].iter().collect()
    } else {
        groups.iter().collect()
    };
    show.iter()
        .map(|(label, subjects)| {
            let km = KaplanMeier::fit(subjects);
            let mut pts = vec![(0u32, 0.0)];
            pts.extend(
                km.steps
                    .iter()
                    .filter(|s| s.events > 0 && s.time <= window)
                    .map(|s| (s.time, 1.0 - s.survival)),
            );
            let mut risk = vec![(0u32, km.at_risk_at(0))];
            risk.extend(
                HORIZONS
                    .iter()
                    .filter(|h| h.1 <= window)
                    .map(|h| (h.1, km.at_risk_at(h.1))),
            );
            (format!("{label} (n={})", subjects.len()), pts, risk)
        })
        .collect()
}
