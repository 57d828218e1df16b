//! A small hand-made dataset for the unit tests of the metrics stage.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::dataset::Data;
use crate::dates::Days;
use crate::input::values::parse_date;
use crate::metrics::Model;
use crate::regions::RegionTable;
use crate::schema::Table;

/// A total row of `metric` for a province in 2025, with its numbers as given.
pub fn metric_row(
    metric: &'static str,
    numerator: u64,
    denominator: Option<u64>,
    value: f64,
) -> crate::metrics::MetricRow {
    crate::metrics::MetricRow {
        metric,
        period: "2025".into(),
        as_of: 0,
        region_code: "640000".into(),
        region_name: String::new(),
        region_level: crate::regions::Level::Province,
        breakdown: "",
        breakdown_value: String::new(),
        numerator: Some(numerator),
        denominator,
        value: Some(value),
        ci_low: None,
        ci_high: None,
        partial: false,
        unstable: false,
        suppressed: false,
    }
}

pub fn d(s: &str) -> Option<Days> {
    Some(parse_date(s).expect("date"))
}

fn dates(name: &str, v: Vec<Option<Days>>) -> Column {
    Column::new(name.into(), v).cast(&DataType::Date).unwrap()
}

/// Two persons: `a` (found 2020, a measure decided 2020 that ends 2022, another
/// decided 2022, a death in 2022, one transfer in 2022 from 640104 to 640205) and
/// `b` (found 2022).
pub fn frames() -> BTreeMap<Table, DataFrame> {
    let s = |name: &str, v: Vec<Option<&str>>| Column::new(name.into(), v);
    let persons = DataFrame::new(
        2,
        vec![
            s("person_id", vec![Some("a"), Some("b")]),
            s("sex", vec![Some("male"), Some("female")]),
            dates("birth_date", vec![d("1990-01-01"), d("1991-01-01")]),
            s("hukou_region", vec![Some("640302"), Some("640302")]),
            s("residence_region", vec![Some("640302"), Some("640303")]),
            dates("first_found_date", vec![d("2020-01-01"), d("2022-01-01")]),
            s("first_found_region", vec![Some("640302"), Some("640303")]),
            s("primary_drug", vec![Some("heroin"), Some("heroin")]),
            dates("death_date", vec![d("2022-05-01"), None]),
            dates("departure_date", vec![None, None]),
        ],
    )
    .unwrap();
    let measures = DataFrame::new(
        2,
        vec![
            s("measure_id", vec![Some("m1"), Some("m2")]),
            s("person_id", vec![Some("a"), Some("a")]),
            s(
                "measure_type",
                vec![Some("community_detox"), Some("community_rehab")],
            ),
            dates("decision_date", vec![d("2020-02-01"), d("2022-01-05")]),
            dates("report_date", vec![d("2020-02-10"), None]),
            dates("end_date", vec![d("2022-03-01"), None]),
            s("end_reason", vec![Some("completed"), None]),
            s("region", vec![Some("640302"), Some("640302")]),
        ],
    )
    .unwrap();
    let transfers = DataFrame::new(
        1,
        vec![
            s("transfer_id", vec![Some("t1")]),
            s("person_id", vec![Some("a")]),
            dates("date", vec![d("2022-06-01")]),
            s("from_region", vec![Some("640104")]),
            s("to_region", vec![Some("640205")]),
        ],
    )
    .unwrap();
    BTreeMap::from([
        (Table::Persons, persons),
        (Table::Measures, measures),
        (Table::Transfers, transfers),
    ])
}

/// The model of [`frames`] at an explicit cutoff, or at the derived one.
pub fn model(as_of: Option<Days>) -> Model {
    let data = Data::from_frames(frames(), RegionTable::builtin(), as_of).unwrap();
    Model::load(&data).unwrap()
}
