//! jindu (禁毒): a statistics and reporting engine for community drug-rehabilitation
//! data. The pipeline runs one way: exports → [`input`] (validated, pseudonymised
//! canonical tables, written by [`dataset`]) → metrics → charts → report.

pub mod chart;
pub mod cli;
pub mod dataset;
pub mod dates;
pub mod i18n;
pub mod input;
pub mod metrics;
pub mod output;
pub mod publish;
pub mod query;
pub mod regions;
pub mod report;
pub mod sample;
pub mod schema;
pub mod serve;
pub mod stats;
