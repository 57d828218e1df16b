//! The SQL environment of `jindu query`: the canonical tables registered as lazy scans
//! under their names, the views of [`super::views`] built only when a query names
//! them, and error messages that point at the problem.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use polars::prelude::*;
use polars::sql::{SQLContext, extract_table_identifiers};

use super::views;
use crate::cli::load_data;
use crate::dataset::Dataset;
use crate::dates::{Days, iso};
use crate::input::values::parse_date;
use crate::metrics::model::{Model, TableSource};
use crate::regions::RegionTable;
use crate::schema::{ColType, Table};

/// The data a query runs on.
pub struct Env {
    source: Box<dyn TableSource>,
    regions: RegionTable,
    /// Base tables (the tables the data has), lazy.
    pub tables: BTreeMap<Table, LazyFrame>,
    /// An explicit cutoff (`--as-of`, or the one recorded at import).
    pub explicit_as_of: Option<Days>,
    /// The data cutoff `C`.
    pub cutoff: Days,
    model: Option<(Model, Vec<String>)>,
}

fn canonical_columns(t: Table) -> Vec<&'static str> {
    crate::input::rows::out_columns(t)
        .iter()
        .map(|c| c.name)
        .collect()
}

fn date_lit(d: Days) -> Expr {
    lit(d).cast(DataType::Date)
}

/// The snapshot of a base table at an explicit `C` (METRICS.md "Snapshot semantics"):
/// rows dated after `C` dropped, date fields after `C` emptied (with `end_reason`).
fn snapshot(t: Table, lf: LazyFrame, c: Days, persons: &Series) -> LazyFrame {
    let row_date = match t {
        Table::Persons => Some("first_found_date"),
        Table::Measures => Some("decision_date"),
        Table::Detections | Table::Tests | Table::Transfers | Table::Services => Some("date"),
        Table::Officers => Some("start_date"),
        Table::Regions => None,
    };
    let mut lf = lf;
    if let Some(rd) = row_date {
        lf = lf.filter(col(rd).lt_eq(date_lit(c)));
    }
    if t != Table::Persons && t.column("person_id").is_some() {
        lf = lf.filter(col("person_id").is_in(lit(persons.clone()).implode(false), false));
    }
    let mut exprs = Vec::new();
    if t == Table::Measures {
        exprs.push(
            when(col("end_date").gt(date_lit(c)))
                .then(lit(NULL).cast(DataType::String))
                .otherwise(col("end_reason"))
                .alias("end_reason"),
        );
    }
    for cd in t.columns() {
        if cd.ty == ColType::Date && Some(cd.name) != row_date {
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

fn cutoff_from_report(v: &serde_json::Value) -> Option<Days> {
    match v.get("cutoff")? {
        serde_json::Value::Number(n) => n.as_i64().map(|x| x as Days),
        serde_json::Value::String(s) => parse_date(s).ok(),
        _ => None,
    }
}

impl Env {
    /// Opens a dataset folder (lazy Parquet scans) or imports an export folder in memory.
    pub fn open(path: &Path, as_of: Option<Days>) -> Result<Env> {
        let loaded = load_data(path)?;
        let explicit_as_of = as_of.or(loaded.as_of);
        let mut tables = BTreeMap::new();
        let ds = if Dataset::is_dataset(path) {
            Some(Dataset::open(path)?)
        } else {
            None
        };
        for t in Table::ALL {
            if t == Table::Regions || !loaded.source.has(t) {
                continue;
            }
            let lf = match &ds {
                Some(ds) => ds.scan(t)?,
                None => loaded
                    .source
                    .columns(t, &canonical_columns(t))
                    .map_err(|e| anyhow!("reading table {t}: {e}"))?
                    .lazy(),
            };
            tables.insert(t, lf);
        }
        let mut cutoff = explicit_as_of.or_else(|| {
            ds.as_ref()
                .and_then(|d| d.manifest.cutoff.as_deref())
                .and_then(|s| parse_date(s).ok())
                .or_else(|| cutoff_from_report(&loaded.import_report))
        });
        let mut env = Env {
            source: loaded.source,
            regions: loaded.regions,
            tables,
            explicit_as_of,
            cutoff: 0,
            model: None,
        };
        if cutoff.is_none() {
            cutoff = Some(env.model()?.0.cutoff);
        }
        env.cutoff = cutoff.expect("cutoff");
        if let Some(c) = explicit_as_of {
            let persons = env.tables[&Table::Persons]
                .clone()
                .filter(col("first_found_date").lt_eq(date_lit(c)))
                .select([col("person_id")])
                .collect()?;
            let ids = persons
                .column("person_id")?
                .as_materialized_series()
                .clone();
            let snap: BTreeMap<Table, LazyFrame> = std::mem::take(&mut env.tables)
                .into_iter()
                .map(|(t, lf)| (t, snapshot(t, lf, c, &ids)))
                .collect();
            env.tables = snap;
        }
        Ok(env)
    }

    /// The metrics model (loaded once) and the person ids of its persons.
    pub fn model(&mut self) -> Result<&(Model, Vec<String>)> {
        if self.model.is_none() {
            let model = Model::load(
                self.source.as_ref(),
                self.regions.clone(),
                self.explicit_as_of,
            )?;
            let ids = views::person_ids(self.source.as_ref(), &model)?;
            self.model = Some((model, ids));
        }
        Ok(self.model.as_ref().expect("loaded"))
    }

    /// The effective region table as a frame: code, name, level, parent.
    pub fn regions_frame(&self) -> PolarsResult<DataFrame> {
        let r: Vec<&crate::regions::Region> = self.regions.by_code.values().collect();
        DataFrame::new(
            r.len(),
            vec![
                Column::new(
                    "code".into(),
                    r.iter().map(|x| x.code.clone()).collect::<Vec<_>>(),
                ),
                Column::new(
                    "name".into(),
                    r.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                ),
                Column::new(
                    "level".into(),
                    r.iter().map(|x| x.level.as_str()).collect::<Vec<_>>(),
                ),
                Column::new(
                    "parent".into(),
                    r.iter().map(|x| x.parent.clone()).collect::<Vec<_>>(),
                ),
            ],
        )
    }

    /// Every name a query can use: base tables, `regions`, then the views.
    pub fn table_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tables.keys().map(|t| t.name().to_string()).collect();
        v.push("regions".into());
        v.sort();
        v.extend(views::VIEWS.iter().map(|s| s.to_string()));
        v
    }

    /// Runs one SQL statement; views are computed at `view_date`.
    pub fn run(&mut self, sql: &str, view_date: Days) -> Result<DataFrame> {
        let named: Vec<String> = match extract_table_identifiers(sql, false, true) {
            Ok(v) => v,
            Err(e) => bail!("the SQL does not parse: {}", clean(&e.to_string())),
        };
        let ctx = SQLContext::new();
        for (t, lf) in &self.tables {
            ctx.register(t.name(), lf.clone());
        }
        ctx.register("regions", self.regions_frame()?.lazy());
        let wanted: BTreeSet<String> = named.iter().map(|s| s.to_lowercase()).collect();
        if wanted.contains("measures_in_force")
            && let Some(m) = self.tables.get(&Table::Measures)
        {
            ctx.register(
                "measures_in_force",
                views::measures_in_force(m.clone(), view_date),
            );
        }
        let model_views = ["person_status", "cohort_members", "stock_flow"];
        if model_views.iter().any(|v| wanted.contains(*v)) {
            let (model, ids) = self.model()?;
            if wanted.contains("person_status") {
                ctx.register(
                    "person_status",
                    views::person_status(model, ids, view_date)?.lazy(),
                );
            }
            if wanted.contains("cohort_members") {
                ctx.register("cohort_members", views::cohort_members(model, ids)?.lazy());
            }
            if wanted.contains("stock_flow") {
                ctx.register("stock_flow", views::stock_flow(model)?.lazy());
            }
        }
        let mut ctx = ctx;
        let lf = ctx
            .execute(sql)
            .map_err(|e| self.explain(&e, &named, &ctx))?;
        let df = lf.collect().map_err(|e| self.explain(&e, &named, &ctx))?;
        Ok(df)
    }

    /// Rewrites a polars error so it points at the problem.
    fn explain(&self, e: &PolarsError, named: &[String], ctx: &SQLContext) -> anyhow::Error {
        let msg = clean(&e.to_string());
        let registered = ctx.get_tables();
        if let Some(t) = between(&msg, "relation '", "' was not found") {
            let absent = Table::from_name(&t)
                .filter(|t| *t != Table::Regions && !self.tables.contains_key(t))
                .is_some();
            let also = if absent {
                format!(" (the data has no {t} table)")
            } else {
                String::new()
            };
            return anyhow!(
                "unknown table {t:?}{also}; tables are: {}",
                self.table_names().join(", ")
            );
        }
        let column = match e {
            PolarsError::ColumnNotFound(_) => first_quoted(&msg),
            _ if msg.contains("not found") || msg.contains("unable to find column") => {
                first_quoted(&msg)
            }
            _ => None,
        };
        if let Some(c) = column.filter(|c| !c.starts_with("_POLARS")) {
            let mut lists = Vec::new();
            for n in named {
                let key = n.to_lowercase();
                if !registered.contains(&key) {
                    continue;
                }
                if let Some(cols) = self.columns_of(&key, ctx) {
                    lists.push(format!("{key}: {}", cols.join(", ")));
                }
            }
            if !lists.is_empty() {
                return anyhow!(
                    "unknown column {c:?}; the columns are\n  {}",
                    lists.join("\n  ")
                );
            }
            return anyhow!("unknown column {c:?}: {msg}");
        }
        anyhow!("query failed: {msg}")
    }

    fn columns_of(&self, name: &str, ctx: &SQLContext) -> Option<Vec<String>> {
        let mut c = ctx.clone();
        let lf = c
            .execute(&format!("SELECT * FROM \"{name}\" LIMIT 0"))
            .ok()?;
        let schema = lf.clone().collect_schema().ok()?;
        Some(schema.iter_names().map(|s| s.to_string()).collect())
    }
}

/// The first '…' or "…" quoted word of a message.
fn first_quoted(s: &str) -> Option<String> {
    for q in ['"', '\''] {
        if let Some(a) = s.find(q)
            && let Some(b) = s[a + 1..].find(q)
        {
            return Some(s[a + 1..a + 1 + b].to_string());
        }
    }
    None
}

fn between(s: &str, a: &str, b: &str) -> Option<String> {
    let i = s.find(a)? + a.len();
    let j = s[i..].find(b)? + i;
    Some(s[i..j].to_string())
}

/// Only the first line of a polars message (they append plan dumps).
fn clean(s: &str) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    first.to_string()
}

/// ISO form for messages.
pub fn show(d: Days) -> String {
    iso(d)
}
