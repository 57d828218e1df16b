//! The convenience views of `jindu query` (documented in `docs/queries.md`), computed
//! with the metrics building blocks so that they agree with `jindu metrics`:
//!
//! - `person_status`: one row per person at the reference date `D`.
//! - `measures_in_force`: measures in force at `D`.
//! - `cohort_members`: every member of every relapse cohort (both entries, all years).
//! - `stock_flow`: per year and county, registered → existing → abstinent.
//! - `stock_flow_periods`: the same per quarter and per month (v1.2).

use polars::prelude::*;

use super::cohort::{self, Entry};
use crate::dataset::Data;
use crate::dates::{Days, age_years};
use crate::metrics::blocks::{self, AGE_GROUPS, age_group};
use crate::metrics::compute::{self, Period, PeriodKind, Request};
use crate::metrics::model::{Model, reason};
use crate::regions::{Level, county_of};
use crate::schema::{self, Table};

/// The view names.
pub const VIEWS: [&str; 5] = [
    "person_status",
    "measures_in_force",
    "cohort_members",
    "stock_flow",
    "stock_flow_periods",
];

fn date_col(name: &str, v: Vec<Option<Days>>) -> PolarsResult<Column> {
    Column::new(name.into(), v).cast(&DataType::Date)
}

/// The person ids of `model.persons`, in order: the model keeps persons with an id and
/// a first-found date not after `C`, in table order.
pub fn person_ids(src: &Data, model: &Model) -> PolarsResult<Vec<String>> {
    let df = src
        .columns(Table::Persons, &["person_id", "first_found_date"])
        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let ids = df.column("person_id")?.str()?.clone();
    let found = df.column("first_found_date")?.date()?.physical().clone();
    let out: Vec<String> = ids
        .iter()
        .zip(found.iter())
        .filter_map(|(id, f)| match (id, f) {
            (Some(id), Some(f)) if f <= model.cutoff => Some(id.to_string()),
            _ => None,
        })
        .collect();
    polars_ensure!(
        out.len() == model.persons.len(),
        ComputeError: "person ids do not line up with the model ({} ids, {} persons)",
        out.len(),
        model.persons.len()
    );
    Ok(out)
}

/// `person_status` at `d`.
pub fn person_status(model: &Model, ids: &[String], d: Days) -> PolarsResult<DataFrame> {
    let n = model.persons.len();
    let code = |c| model.codes.get(c).to_string();
    let mut sex = Vec::with_capacity(n);
    let mut birth = Vec::with_capacity(n);
    let mut age = Vec::with_capacity(n);
    let mut agegrp = Vec::with_capacity(n);
    let mut drug = Vec::with_capacity(n);
    let mut hukou = Vec::with_capacity(n);
    let mut hukou_c = Vec::with_capacity(n);
    let mut residence = Vec::with_capacity(n);
    let mut found = Vec::with_capacity(n);
    let mut found_region = Vec::with_capacity(n);
    let mut age_found = Vec::with_capacity(n);
    let mut agegrp_found = Vec::with_capacity(n);
    let mut mgmt = Vec::with_capacity(n);
    let mut mgmt_c = Vec::with_capacity(n);
    let mut registered = Vec::with_capacity(n);
    let mut gone = Vec::with_capacity(n);
    let mut existing = Vec::with_capacity(n);
    let mut abstinent = Vec::with_capacity(n);
    let mut last_use = Vec::with_capacity(n);
    let mut in_force = Vec::with_capacity(n);
    let mut community = Vec::with_capacity(n);
    let mut community_id: Vec<Option<String>> = Vec::with_capacity(n);
    let mut isolation = Vec::with_capacity(n);
    let mut lost = Vec::with_capacity(n);
    let mut lost_date = Vec::with_capacity(n);
    let mut death = Vec::with_capacity(n);
    let mut departure = Vec::with_capacity(n);
    for p in &model.persons {
        sex.push(schema::SEX.values[p.sex as usize].code);
        birth.push(Some(p.birth));
        let reg = blocks::registered(p, d);
        age.push(reg.then(|| age_years(p.birth, d)));
        agegrp.push(reg.then(|| AGE_GROUPS[age_group(age_years(p.birth, d))]));
        drug.push(schema::DRUG.values[p.drug as usize].code);
        hukou.push(code(p.hukou));
        hukou_c.push(county_of(model.codes.get(p.hukou)).to_string());
        residence.push(code(p.residence));
        found.push(Some(p.first_found));
        found_region.push(code(p.first_found_region));
        let af = age_years(p.birth, p.first_found);
        age_found.push(af);
        agegrp_found.push(AGE_GROUPS[age_group(af)]);
        let m = model.codes.get(blocks::mgmt(p, d));
        mgmt.push(m.to_string());
        mgmt_c.push(county_of(m).to_string());
        registered.push(reg);
        let g = blocks::gone(p, d);
        gone.push(g);
        existing.push(blocks::existing(p, d));
        abstinent.push(blocks::abstinent_3y(p, d));
        last_use.push(reg.then(|| blocks::last_use(p, d)));
        in_force.push(p.measures.iter().any(|m| blocks::in_force(m, d)));
        let cm = p
            .measures
            .iter()
            .filter(|m| m.is_community() && blocks::executing(m, d))
            .max_by(|a, b| (a.decision, a.id.as_bytes()).cmp(&(b.decision, b.id.as_bytes())));
        community.push(!g && cm.is_some());
        community_id.push(if g {
            None
        } else {
            cm.map(|m| m.id.to_string())
        });
        isolation.push(blocks::in_isolation(p, d));
        // Lost contact: not gone, no measure in force, and the latest community measure
        // decided by D ended as lost_contact by D.
        let latest = p
            .measures
            .iter()
            .filter(|m| m.is_community() && m.decision <= d)
            .max_by(|a, b| (a.decision, a.id.as_bytes()).cmp(&(b.decision, b.id.as_bytes())));
        let l = latest
            .filter(|m| m.reason == Some(reason::LOST_CONTACT) && m.end.is_some_and(|e| e <= d));
        let is_lost =
            reg && !g && l.is_some() && !p.measures.iter().any(|m| blocks::in_force(m, d));
        lost.push(is_lost);
        lost_date.push(if is_lost { l.and_then(|m| m.end) } else { None });
        death.push(p.death.filter(|x| *x <= d));
        departure.push(p.departure.filter(|x| *x <= d));
    }
    let s = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    let b = |name: &str, v: Vec<bool>| Column::new(name.into(), v);
    DataFrame::new(
        n,
        vec![
            Column::new("person_id".into(), ids),
            Column::new("sex".into(), sex),
            date_col("birth_date", birth)?,
            Column::new("age".into(), age),
            Column::new("age_group".into(), agegrp),
            Column::new("primary_drug".into(), drug),
            s("hukou_region", hukou),
            s("hukou_county", hukou_c),
            s("residence_region", residence),
            date_col("first_found_date", found)?,
            s("first_found_region", found_region),
            Column::new("age_at_found".into(), age_found),
            Column::new("age_group_at_found".into(), agegrp_found),
            s("mgmt_region", mgmt),
            s("mgmt_county", mgmt_c),
            b("registered", registered),
            b("gone", gone),
            b("existing", existing),
            b("abstinent_3y", abstinent),
            date_col("last_use", last_use)?,
            b("measure_in_force", in_force),
            b("under_community_measure", community),
            Column::new("community_measure_id".into(), community_id),
            b("in_isolation", isolation),
            b("lost_contact", lost),
            date_col("lost_contact_date", lost_date)?,
            date_col("death_date", death)?,
            date_col("departure_date", departure)?,
            date_col("as_of", vec![Some(d); n])?,
        ],
    )
}

fn date_lit(d: Days) -> Expr {
    lit(d).cast(DataType::Date)
}

/// `measures_in_force` at `d`, from the (snapshot) measures table.
pub fn measures_in_force(measures: LazyFrame, d: Days) -> LazyFrame {
    let community = col("measure_type").is_in(
        lit(Series::new(
            "c".into(),
            ["community_detox", "community_rehab"],
        ))
        .implode(false),
        false,
    );
    let reported = col("report_date")
        .is_not_null()
        .and(col("report_date").lt_eq(date_lit(d)));
    measures
        .filter(
            col("decision_date").lt_eq(date_lit(d)).and(
                col("end_date")
                    .is_null()
                    .or(col("end_date").gt(date_lit(d))),
            ),
        )
        .select([
            col("measure_id"),
            col("person_id"),
            col("measure_type"),
            community.alias("community"),
            col("decision_date"),
            when(reported.clone())
                .then(col("report_date"))
                .otherwise(lit(NULL).cast(DataType::Date))
                .alias("report_date"),
            reported.alias("executing"),
            col("region"),
            col("region").str().slice(lit(0), lit(6)).alias("county"),
            col("officer_id"),
            (lit(d) - col("decision_date").cast(DataType::Int32)).alias("days_in_force"),
            date_lit(d).alias("as_of"),
        ])
}

/// `cohort_members`: both entries, every year from the first period to the year of C.
pub fn cohort_members(model: &Model, ids: &[String]) -> PolarsResult<DataFrame> {
    let years: Vec<i32> = compute::periods(model).iter().map(|p| p.year).collect();
    let mut entry = Vec::new();
    let mut year = Vec::new();
    let mut pid = Vec::new();
    let mut mid = Vec::new();
    let mut region = Vec::new();
    let mut cty = Vec::new();
    let mut index = Vec::new();
    let mut event = Vec::new();
    let mut followup = Vec::new();
    let mut event_date = Vec::new();
    let mut end_date = Vec::new();
    let mut sex = Vec::new();
    let mut drug = Vec::new();
    let mut age = Vec::new();
    let mut agegrp = Vec::new();
    let (mut quarter, mut month) = (Vec::new(), Vec::new());
    for e in [Entry::Community, Entry::Release] {
        for &y in &years {
            for m in cohort::members(model, e, y) {
                let p = &model.persons[m.person];
                entry.push(e.as_str());
                year.push(y);
                pid.push(ids[m.person].clone());
                mid.push(m.measure_id.clone());
                cty.push(county_of(&m.region).to_string());
                region.push(m.region.clone());
                index.push(Some(m.index));
                event.push(m.subject.event);
                followup.push(m.subject.time as i32);
                let end = m.index + m.subject.time as i32;
                event_date.push(m.subject.event.then_some(end));
                end_date.push(Some(end));
                sex.push(schema::SEX.values[p.sex as usize].code);
                drug.push(schema::DRUG.values[p.drug as usize].code);
                let a = age_years(p.birth, m.index);
                age.push(a);
                agegrp.push(AGE_GROUPS[age_group(a)]);
                // The quarter and month of the index date: the cohorts of
                // `--period quarter|month` (v1.2).
                quarter
                    .push(Period::containing(PeriodKind::Quarter, m.index, model.cutoff).label());
                month.push(Period::containing(PeriodKind::Month, m.index, model.cutoff).label());
            }
        }
    }
    DataFrame::new(
        entry.len(),
        vec![
            Column::new("entry".into(), entry),
            Column::new("year".into(), year),
            Column::new("person_id".into(), pid),
            Column::new("measure_id".into(), mid),
            Column::new("region".into(), region),
            Column::new("county".into(), cty),
            date_col("index_date", index)?,
            Column::new("relapsed".into(), event),
            date_col("relapse_date", event_date)?,
            date_col("followup_end", end_date)?,
            Column::new("followup_days".into(), followup),
            Column::new("sex".into(), sex),
            Column::new("primary_drug".into(), drug),
            Column::new("age".into(), age),
            Column::new("age_group".into(), agegrp),
            Column::new("quarter".into(), quarter),
            Column::new("month".into(), month),
        ],
    )
}

/// `stock_flow`: per year and county, the counts of `jindu metrics` at `D` of the year.
pub fn stock_flow(model: &Model) -> PolarsResult<DataFrame> {
    let (n, cols) = stock_flow_columns(model, PeriodKind::Year, false)?;
    DataFrame::new(n, cols)
}

/// `stock_flow_periods` (v1.2): the counts of `stock_flow` per quarter and per month,
/// each at its `D = min(E(p), C)`, with the period kind and label.
pub fn stock_flow_periods(model: &Model) -> PolarsResult<DataFrame> {
    let (nq, q) = stock_flow_columns(model, PeriodKind::Quarter, true)?;
    let (nm, m) = stock_flow_columns(model, PeriodKind::Month, true)?;
    DataFrame::new(nq, q)?.vstack(&DataFrame::new(nm, m)?)
}

/// The columns of a stock-flow view for periods of `kind`; with `labelled`, led by
/// `period_kind` and `period` (the label of the `metrics` output).
fn stock_flow_columns(
    model: &Model,
    kind: PeriodKind,
    labelled: bool,
) -> PolarsResult<(usize, Vec<Column>)> {
    let ids = [
        "registered",
        "new_users",
        "existing",
        "abstinent_3y",
        "under_community_measure",
    ];
    let req = Request {
        metrics: ids
            .iter()
            .filter_map(|i| crate::metrics::defs::find(i))
            .collect(),
        level: Level::County,
        scope: None,
        from: None,
        to: None,
    };
    let rows = compute::compute_periods(model, &req, kind);
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct R {
        as_of: Days,
        partial: bool,
        name: String,
        v: [i64; 5],
    }
    // Labels sort in time order as byte strings.
    let mut map: BTreeMap<(String, String), R> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.breakdown.is_empty()) {
        let Some(k) = ids.iter().position(|i| *i == r.metric) else {
            continue;
        };
        let e = map
            .entry((r.period.clone(), r.region_code.clone()))
            .or_default();
        e.as_of = r.as_of;
        e.partial = r.partial;
        e.name = r.region_name.clone();
        e.v[k] = r.numerator.unwrap_or(0) as i64;
    }
    let n = map.len();
    let year = |label: &str| label[..4].parse::<i32>().unwrap_or(0);
    let mut cols: Vec<Column> = Vec::new();
    if labelled {
        cols.push(Column::new("period_kind".into(), vec![kind.as_str(); n]));
        cols.push(Column::new(
            "period".into(),
            map.keys().map(|k| k.0.clone()).collect::<Vec<_>>(),
        ));
    }
    cols.extend([
        Column::new(
            "year".into(),
            map.keys().map(|k| year(&k.0)).collect::<Vec<_>>(),
        ),
        date_col("as_of", map.values().map(|r| Some(r.as_of)).collect())?,
        Column::new(
            "partial".into(),
            map.values().map(|r| r.partial).collect::<Vec<_>>(),
        ),
        Column::new(
            "county".into(),
            map.keys().map(|k| k.1.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "county_name".into(),
            map.values().map(|r| r.name.clone()).collect::<Vec<_>>(),
        ),
    ]);
    for (k, id) in ids.iter().enumerate() {
        cols.push(Column::new(
            (*id).into(),
            map.values().map(|r| r.v[k]).collect::<Vec<_>>(),
        ));
    }
    cols.push(Column::new(
        "gone".into(),
        map.values()
            .map(|r| r.v[0] - r.v[2] - r.v[3])
            .collect::<Vec<_>>(),
    ));
    Ok((n, cols))
}
