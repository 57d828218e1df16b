//! The integration tests: one test binary (linking polars and typst once instead of
//! once per file), one module per area. They run the `jindu` binary on small fixtures
//! with hand-worked answers and on the bundled sample.

mod cohort_km;
#[allow(dead_code)]
mod common;
mod crash;
mod import_dataset;
mod import_fuzz;
mod import_malformed;
mod messages;
mod metrics_cli;
mod periods_cli;
mod privacy;
mod query_cli;
mod report_national;
mod report_pdf;
mod report_render;
mod report_rules;
mod report_templates;
mod report_v12;
mod sample_data;
mod serve;
#[allow(dead_code)]
mod splitmix;
