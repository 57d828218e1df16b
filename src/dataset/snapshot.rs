//! The data cutoff `C` and the snapshot of the canonical tables at `C` (METRICS.md
//! "Time" and "Snapshot semantics"), defined and applied here once: `jindu metrics`,
//! the SQL tables and views of `jindu query`, `jindu cohort` and the reports all read
//! the tables through [`Snapshot::apply`], so none of them can see a record the others
//! do not.
//!
//! The snapshot at `C`:
//! - a row dated after `C` does not exist (the date of [`Table::row_date`]: persons by
//!   `first_found_date`, measures by `decision_date`, officers by `start_date`, the
//!   event tables by `date`);
//! - a person first found after `C` is left out together with all their records;
//! - every other date field after `C` is empty (a `report_date` after `C` = not yet
//!   reported, an `end_date` after `C` = still in force, and then `end_reason` is empty
//!   too; a `death_date`/`departure_date` after `C` = alive and present; an officer's
//!   `end_date` after `C` = still serving).
//!
//! It is applied at the effective `C`: the explicit `--as-of` (or the one recorded at
//! import), or else the latest date of the cutoff columns ([`Table::cutoff_columns`]).
//! With a derived `C` it changes only fields that do not define `C` (death, departure
//! and officer dates after the latest record date), so that every front end reads the
//! data exactly as the metrics do.
//!
//! One record after `C` still matters: a transfer after `C` tells where its person was
//! managed before it (METRICS.md "Management region"). [`Snapshot::late_transfers`]
//! gives those rows, for the metrics model only; they are not in the `transfers` table.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::dates::Days;
use crate::schema::{ColType, Table};

/// The cutoff the tables are read at.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The data cutoff `C`.
    pub cutoff: Days,
    /// Whether `C` was given (`--as-of`, or recorded at import) rather than derived.
    pub explicit: bool,
    /// The persons of the snapshot, when some persons of the data were first found
    /// after `C` (their records are then left out by this list).
    kept_persons: Option<Series>,
}

fn date_lit(d: Days) -> Expr {
    lit(d).cast(DataType::Date)
}

/// The latest date among the cutoff columns of the given tables, or `None` when no
/// table has a dated record.
pub fn derive_cutoff(tables: &BTreeMap<Table, LazyFrame>) -> PolarsResult<Option<Days>> {
    let mut c: Option<Days> = None;
    for (t, lf) in tables {
        let cols = t.cutoff_columns();
        if cols.is_empty() {
            continue;
        }
        let maxes: Vec<Expr> = cols
            .iter()
            .map(|n| col(*n).max().cast(DataType::Int32).alias(*n))
            .collect();
        let df = lf.clone().select(maxes).collect()?;
        for n in cols {
            if let Some(d) = df.column(n)?.i32()?.get(0) {
                c = Some(c.map_or(d, |x| x.max(d)));
            }
        }
    }
    Ok(c)
}

impl Snapshot {
    /// The snapshot at `cutoff` of data whose `persons` table is `persons`.
    pub fn new(cutoff: Days, explicit: bool, persons: &LazyFrame) -> PolarsResult<Snapshot> {
        let later = persons
            .clone()
            .filter(col("first_found_date").gt(date_lit(cutoff)))
            .select([len()])
            .collect()?;
        let later = later.column("len")?.u32()?.get(0).unwrap_or(0);
        let kept_persons = if later > 0 {
            let df = persons
                .clone()
                .filter(col("first_found_date").lt_eq(date_lit(cutoff)))
                .select([col("person_id")])
                .collect()?;
            Some(df.column("person_id")?.as_materialized_series().clone())
        } else {
            None
        };
        Ok(Snapshot {
            cutoff,
            explicit,
            kept_persons,
        })
    }

    /// Keeps the rows whose person is in the snapshot.
    fn of_kept_persons(&self, t: Table, lf: LazyFrame) -> LazyFrame {
        match &self.kept_persons {
            Some(ids) if t != Table::Persons && t.column("person_id").is_some() => {
                lf.filter(col("person_id").is_in(lit(ids.clone()).implode(false), false))
            }
            _ => lf,
        }
    }

    /// Table `t` as it stood at `C`.
    pub fn apply(&self, t: Table, lf: LazyFrame) -> LazyFrame {
        let c = self.cutoff;
        let row_date = t.row_date();
        let mut lf = lf;
        if let Some(rd) = row_date {
            lf = lf.filter(col(rd).lt_eq(date_lit(c)));
        }
        lf = self.of_kept_persons(t, lf);
        // Only the columns the frame has (a table read for a few columns, or a test).
        let schema = lf.clone().collect_schema().ok();
        let has = |name: &str| schema.as_ref().is_none_or(|s| s.contains(name));
        let mut exprs = Vec::new();
        if t == Table::Measures && has("end_reason") {
            exprs.push(
                when(col("end_date").gt(date_lit(c)))
                    .then(lit(NULL).cast(DataType::String))
                    .otherwise(col("end_reason"))
                    .alias("end_reason"),
            );
        }
        for cd in t.columns() {
            if cd.ty == ColType::Date && Some(cd.name) != row_date && has(cd.name) {
                exprs.push(
                    when(col(cd.name).gt(date_lit(c)))
                        .then(lit(NULL).cast(DataType::Date))
                        .otherwise(col(cd.name))
                        .alias(cd.name),
                );
            }
        }
        if exprs.is_empty() {
            lf
        } else {
            lf.with_columns(exprs)
        }
    }

    /// The transfers dated after `C` of the persons in the snapshot (see the module
    /// documentation): only their `from_region` and date are meaningful at `C`.
    pub fn late_transfers(&self, transfers: LazyFrame) -> LazyFrame {
        let lf = transfers.filter(col("date").gt(date_lit(self.cutoff)));
        self.of_kept_persons(Table::Transfers, lf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::values::parse_date;

    fn d(s: &str) -> Days {
        parse_date(s).expect("date")
    }

    fn persons() -> LazyFrame {
        df!(
            "person_id" => ["a", "b"],
            "first_found_date" => [d("2020-01-01"), d("2022-01-01")],
            "death_date" => [Some(d("2021-06-01")), None],
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("first_found_date").cast(DataType::Date),
            col("death_date").cast(DataType::Date),
        ])
    }

    fn measures() -> LazyFrame {
        df!(
            "measure_id" => ["m1", "m2", "m3"],
            "person_id" => ["a", "a", "b"],
            "decision_date" => [d("2020-02-01"), d("2021-09-01"), d("2022-02-01")],
            "report_date" => [Some(d("2020-02-10")), Some(d("2021-09-05")), None],
            "end_date" => [Some(d("2021-03-01")), None, None],
            "end_reason" => [Some("completed"), None, None],
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("decision_date").cast(DataType::Date),
            col("report_date").cast(DataType::Date),
            col("end_date").cast(DataType::Date),
        ])
    }

    #[test]
    fn derived_cutoff_is_the_latest_cutoff_date() {
        let mut t = BTreeMap::new();
        t.insert(Table::Persons, persons());
        t.insert(Table::Measures, measures());
        // death_date does not define C; the latest decision does.
        assert_eq!(derive_cutoff(&t).unwrap(), Some(d("2022-02-01")));
        assert_eq!(derive_cutoff(&BTreeMap::new()).unwrap(), None);
    }

    #[test]
    fn snapshot_drops_later_rows_and_empties_later_dates() {
        let s = Snapshot::new(d("2021-01-01"), true, &persons()).unwrap();
        let p = s.apply(Table::Persons, persons()).collect().unwrap();
        // b is first found after C; a died after C, so is alive at C.
        assert_eq!(p.height(), 1);
        assert_eq!(p.column("death_date").unwrap().null_count(), 1);
        let m = s.apply(Table::Measures, measures()).collect().unwrap();
        // m2 (decided after C) and m3 (b's) are gone; m1 ends after C: in force at C,
        // its end and end_reason empty.
        assert_eq!(m.height(), 1);
        assert_eq!(m.column("end_date").unwrap().null_count(), 1);
        assert_eq!(m.column("end_reason").unwrap().null_count(), 1);
        assert_eq!(m.column("report_date").unwrap().null_count(), 0);
    }

    #[test]
    fn late_transfers_are_kept_only_for_persons_in_the_snapshot() {
        let s = Snapshot::new(d("2021-01-01"), true, &persons()).unwrap();
        let t = df!(
            "transfer_id" => ["t1", "t2", "t3"],
            "person_id" => ["a", "a", "b"],
            "date" => [d("2020-05-01"), d("2021-05-01"), d("2022-05-01")],
        )
        .unwrap()
        .lazy()
        .with_columns([col("date").cast(DataType::Date)]);
        let late = s.late_transfers(t.clone()).collect().unwrap();
        assert_eq!(
            late.column("transfer_id").unwrap().str().unwrap().get(0),
            Some("t2")
        );
        assert_eq!(late.height(), 1);
        assert_eq!(s.apply(Table::Transfers, t).collect().unwrap().height(), 1);
    }
}
