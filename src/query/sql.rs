//! The SQL environment of `jindu query`: the canonical tables registered as lazy scans
//! under their names, the views of [`super::views`] built only when a query names
//! them, and error messages that point at the problem.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow, bail};
use polars::prelude::*;
use polars::sql::{SQLContext, extract_table_identifiers};

use super::views;
use crate::dataset::Data;
use crate::dates::Days;
use crate::metrics::model::Model;
use crate::schema::Table;

/// The data a query runs on.
pub struct Env {
    data: Data,
    /// Base tables (the tables the data has) at the cutoff, lazy.
    pub tables: BTreeMap<Table, LazyFrame>,
    /// An explicit cutoff (`--as-of`, or the one recorded at import).
    pub explicit_as_of: Option<Days>,
    /// The data cutoff `C`.
    pub cutoff: Days,
    model: Option<(Model, Vec<String>)>,
}

impl Env {
    /// The SQL environment over `data` (already at its cutoff: the snapshot is the
    /// dataset layer's, shared with the metrics).
    pub fn new(data: Data) -> Env {
        let tables = data.tables().map(|(t, lf)| (t, lf.clone())).collect();
        Env {
            explicit_as_of: data.explicit_as_of(),
            cutoff: data.cutoff(),
            tables,
            data,
            model: None,
        }
    }

    /// The metrics model (loaded once) and the person ids of its persons.
    pub fn model(&mut self) -> Result<&(Model, Vec<String>)> {
        if self.model.is_none() {
            let model = Model::load(&self.data)?;
            let ids = views::person_ids(&self.data, &model)?;
            self.model = Some((model, ids));
        }
        Ok(self.model.as_ref().expect("loaded"))
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
            Err(e) => bail!(
                "{}",
                crate::tr!(QuerySqlParse, detail = clean(&e.to_string()))
            ),
        };
        let ctx = SQLContext::new();
        for (t, lf) in &self.tables {
            ctx.register(t.name(), lf.clone());
        }
        ctx.register("regions", self.data.regions.to_frame().lazy());
        let wanted: BTreeSet<String> = named.iter().map(|s| s.to_lowercase()).collect();
        if wanted.contains("measures_in_force")
            && let Some(m) = self.tables.get(&Table::Measures)
        {
            ctx.register(
                "measures_in_force",
                views::measures_in_force(m.clone(), view_date),
            );
        }
        let model_views = [
            "person_status",
            "cohort_members",
            "stock_flow",
            "stock_flow_periods",
        ];
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
            if wanted.contains("stock_flow_periods") {
                ctx.register(
                    "stock_flow_periods",
                    views::stock_flow_periods(model)?.lazy(),
                );
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
            let tables = self.table_names().join(", ");
            return anyhow!(
                "{}",
                if absent {
                    crate::tr!(QueryAbsentTable, table = t, tables = tables)
                } else {
                    crate::tr!(QueryUnknownTable, table = format!("{t:?}"), tables = tables)
                }
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
                    "{}",
                    crate::tr!(
                        QueryUnknownColumn,
                        column = format!("{c:?}"),
                        columns = lists.join("\n  ")
                    )
                );
            }
            return anyhow!(
                "{}",
                crate::tr!(
                    QueryUnknownColumnDetail,
                    column = format!("{c:?}"),
                    detail = msg
                )
            );
        }
        anyhow!("{}", crate::tr!(QueryFailed, detail = msg))
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
