//! `query --publish`: disclosure control (METRICS.md "Publication", implemented in
//! [`crate::publish`]) applied to the count columns of an aggregate result.
//!
//! A **count column** is any integer column except those that name a dimension or a
//! duration: `year`, `month`, `quarter`, `age`, `followup_days`, and names ending in
//! `_year`, `_month`, `_quarter`, `_age`, `_days`, `_months` or starting with `days_`,
//! `age_`, `horizon_` or `median_`. (Erring towards suppression: `n`, `persons`,
//! `registered`, `n_services` … are all counts.) Its cells from 1 to threshold − 1 become `<10`; then, inside each count column, a
//! single hidden cell gets a partner (the smallest other non-zero cell), so it cannot
//! be recovered from a column total (complementary suppression). Count columns become
//! text columns. Results that list persons (a `person_id` column) are refused.

use polars::prelude::*;

use crate::publish::{Rule, complementary};

/// Whether a column counts as a count column (see the module documentation).
pub fn is_count_column(name: &str, dtype: &DataType) -> bool {
    let n = name.to_ascii_lowercase();
    let dimension = matches!(n.as_str(), "year" | "month" | "quarter" | "age")
        || ["_year", "_month", "_quarter", "_age", "_days", "_months"]
            .iter()
            .any(|s| n.ends_with(s))
        || ["days_", "age_", "horizon_", "median_"]
            .iter()
            .any(|s| n.starts_with(s));
    dtype.is_integer() && !dimension
}

/// The count columns of a frame.
pub fn count_columns(df: &DataFrame) -> Vec<String> {
    df.columns()
        .iter()
        .filter(|c| is_count_column(c.name(), c.dtype()))
        .map(|c| c.name().to_string())
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{}", crate::tr!(QueryListsPersons))]
    ListsPersons,
    #[error("{0}")]
    Polars(#[from] PolarsError),
}

/// Applies the rule to every count column; returns the frame and the names of the
/// count columns it treated.
pub fn publish_frame(df: &DataFrame, rule: Rule) -> Result<(DataFrame, Vec<String>), PublishError> {
    if df
        .get_column_names()
        .iter()
        .any(|n| n.as_str() == "person_id")
    {
        return Err(PublishError::ListsPersons);
    }
    let names = count_columns(df);
    let mut out = df.clone();
    for name in &names {
        let s = df
            .column(name)?
            .as_materialized_series()
            .cast(&DataType::Int64)?;
        let values: Vec<Option<i64>> = s.i64()?.iter().collect();
        let plain: Vec<u64> = values
            .iter()
            .map(|v| v.unwrap_or(0).max(0) as u64)
            .collect();
        let mut hidden: Vec<bool> = plain.iter().map(|&v| rule.too_small(v)).collect();
        complementary(&plain, &mut hidden, false);
        let text: Vec<Option<String>> = values
            .iter()
            .zip(&hidden)
            .map(|(v, h)| match (v, h) {
                (None, _) => None,
                (Some(_), true) => Some(rule.hidden_count()),
                (Some(x), false) => Some(x.to_string()),
            })
            .collect();
        out.with_column(Column::new(name.as_str().into(), text))?;
    }
    Ok((out, names))
}

/// Audits a published frame independently of [`publish_frame`]: in every count column,
/// a shown cell from 1 to threshold − 1, or exactly one hidden cell (recoverable from
/// the column total), refuses the output. Returns the problems, each naming the row
/// (1-based) and column.
pub fn audit_frame(published: &DataFrame, count_columns: &[String], rule: Rule) -> Vec<String> {
    let mut bad = Vec::new();
    for name in count_columns {
        let Ok(col) = published.column(name) else {
            bad.push(format!("count column {name} is missing"));
            continue;
        };
        let Ok(text) = col.str() else {
            bad.push(format!("count column {name} was not published"));
            continue;
        };
        let mut hidden = 0;
        for (i, v) in text.iter().enumerate() {
            match v {
                Some(v) if v == rule.hidden_count() => hidden += 1,
                Some(v) if v.parse::<u64>().is_ok_and(|n| rule.too_small(n)) => bad.push(format!(
                    "row {}, column {name}: a count of fewer persons than the threshold is shown",
                    i + 1
                )),
                _ => {}
            }
        }
        // A single row has no other cell to subtract.
        if hidden == 1 && published.height() > 1 {
            bad.push(format!(
                "column {name}: one hidden cell can be recovered from the column total"
            ));
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_hidden_with_a_partner() {
        let df = df!(
            "township" => ["a", "b", "c", "d"],
            "n" => [3i64, 40, 12, 0],
            "year" => [2024i32, 2024, 2024, 2024],
            "share" => [0.1f64, 0.2, 0.3, 0.4],
        )
        .unwrap();
        let (p, cols) = publish_frame(&df, Rule::default()).unwrap();
        assert_eq!(cols, vec!["n".to_string()]);
        let n: Vec<Option<&str>> = p.column("n").unwrap().str().unwrap().iter().collect();
        assert_eq!(n, vec![Some("<10"), Some("40"), Some("<10"), Some("0")]);
    }

    #[test]
    fn person_lists_are_refused() {
        let df = df!("person_id" => ["P1"], "n" => [1i64]).unwrap();
        assert!(publish_frame(&df, Rule::default()).is_err());
    }

    #[test]
    fn the_audit_passes_published_frames_and_refuses_hand_made_ones() {
        let df = df!("township" => ["a", "b", "c"], "n" => [3i64, 40, 12]).unwrap();
        let (p, cols) = publish_frame(&df, Rule::default()).unwrap();
        assert!(audit_frame(&p, &cols, Rule::default()).is_empty());
        // A single hidden cell, and a shown 7.
        let hand = df!("n" => ["<10", "40", "12"]).unwrap();
        assert_eq!(
            audit_frame(&hand, &cols, Rule::default()),
            ["column n: one hidden cell can be recovered from the column total"]
        );
        let one = df!("n" => ["<10"]).unwrap();
        assert!(audit_frame(&one, &cols, Rule::default()).is_empty());
        let hand = df!("n" => ["7", "40", "12"]).unwrap();
        assert_eq!(
            audit_frame(&hand, &cols, Rule::default()),
            ["row 1, column n: a count of fewer persons than the threshold is shown"]
        );
    }
}
