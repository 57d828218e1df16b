//! Ad-hoc questions over the canonical dataset: `jindu query` (polars SQL over the
//! canonical tables and a few views) and `jindu cohort` (Kaplan–Meier relapse curves).
//!
//! This stage owns the SQL environment ([`sql`]: tables registered as lazy scans under
//! their canonical names, error messages that name the table, column or parameter at
//! fault), the views computed with the metrics building blocks ([`views`]), the saved
//! queries of `queries/` with their typed, safely substituted parameters ([`saved`]),
//! relapse cohorts ([`cohort`]), disclosure control for aggregate results
//! ([`disclosure`]). It reads data only through the dataset layer
//! ([`crate::dataset::Data`], the same snapshot the metrics read), prints nothing and
//! never writes to a dataset; results go out through [`crate::output`]. User
//! documentation: `docs/queries.md`.

pub mod cohort;
pub mod disclosure;
pub mod saved;
pub mod sql;
pub mod views;
