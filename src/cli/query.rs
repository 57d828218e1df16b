//! `jindu query`: ad-hoc SQL and saved queries over a dataset. The work is done in
//! [`crate::query`]; this module parses, validates and prints.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use super::args::{OutputArgs, PublishArgs};
use super::open_data;
use crate::query::disclosure::{audit_frame, publish_frame};
use crate::query::saved::{self, Builtins};
use crate::query::sql::Env;
use crate::tr;

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A dataset written by `jindu import`, or an export folder.
    #[arg(value_name = "DATA", required_unless_present = "list")]
    pub data: Option<PathBuf>,
    /// The SQL statement, or a saved query: `queries/NAME.sql` or `NAME`.
    #[arg(value_name = "SQL|QUERY", required_unless_present = "list")]
    pub query: Option<String>,
    /// A parameter: NAME=VALUE (repeatable). For ad-hoc SQL, NAME:TYPE=VALUE with TYPE
    /// integer, date or text (default text). `date=` sets the views' reference date.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// List the saved queries (from ./queries/ and built in) and exit.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Disclosure control of the count columns (see docs/queries.md).
    #[command(flatten)]
    pub publish: PublishArgs,
    /// Folder of saved queries.
    #[arg(long, value_name = "DIR", default_value = "queries")]
    pub queries: PathBuf,
}

fn list(a: &QueryArgs) -> Result<ExitCode> {
    let all = saved::all_saved(&a.queries)?;
    let mut s = String::new();
    for q in &all {
        s.push_str(&format!("{}  {}  [{}]\n", q.name, q.title, q.origin));
        if !q.description.is_empty() {
            s.push_str(&format!("    {}\n", q.description));
        }
        for p in &q.params {
            let def = match &p.default {
                Some(d) if p.ty == saved::ParamType::Text && !d.starts_with('$') => {
                    format!(" = {d:?}")
                }
                Some(d) => format!(" = {d}"),
                None => tr!(CliQueryRequired),
            };
            s.push_str(&format!(
                "    --param {}=<{}>{def}  {}\n",
                p.name,
                p.ty.as_str(),
                p.description
            ));
        }
    }
    std::io::stdout().lock().write_all(s.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(a: QueryArgs) -> Result<ExitCode> {
    if a.list {
        return list(&a);
    }
    a.output.validate()?;
    let (Some(data), Some(text)) = (&a.data, &a.query) else {
        bail!(tr!(CliQueryNeedsArgs));
    };
    let as_of = a.output.as_of()?;
    let given = a
        .params
        .iter()
        .map(|p| saved::split_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    let saved_q = saved::find_saved(text, &a.queries)?;
    if saved_q.is_none() && text.trim_end().ends_with(".sql") {
        let names: Vec<String> = saved::all_saved(&a.queries)?
            .into_iter()
            .map(|q| q.name)
            .collect();
        bail!(tr!(
            CliQueryUnknownSaved,
            name = format!("{text:?}"),
            names = names.join(", ")
        ));
    }
    // Parameters are checked before the data is read.
    let date_param = given
        .iter()
        .find(|g| g.0 == "date")
        .map(|g| {
            crate::input::values::parse_date(&g.2)
                .map_err(|_| anyhow::anyhow!(tr!(CliQueryParamDate, value = format!("{:?}", g.2))))
        })
        .transpose()?;
    let probe = Builtins {
        cutoff: 0,
        as_of: 0,
    };
    let declared = saved_q.as_ref().map(|q| q.params.as_slice());
    let sql_text = match &saved_q {
        Some(q) => q.sql.clone(),
        None => text.clone(),
    };
    saved::substitute(
        &sql_text,
        &saved::resolve(declared, &given, &probe)?,
        declared,
    )?;

    let mut env = Env::new(open_data(data, as_of)?);
    let view_date = date_param.unwrap_or(env.cutoff);
    if view_date > env.cutoff {
        bail!(tr!(
            CliQueryDateAfterCutoff,
            date = crate::dates::iso(view_date),
            cutoff = crate::dates::iso(env.cutoff)
        ));
    }
    let b = Builtins {
        cutoff: env.cutoff,
        as_of: view_date,
    };
    let values = saved::resolve(declared, &given, &b)?;
    let sql = saved::substitute(&sql_text, &values, declared)?;
    let mut df = env.run(&sql, view_date)?;
    let rule = a.publish.rule();
    if a.publish.publish {
        let (p, cols) = publish_frame(&df, rule)?;
        // Nothing is written unless every published cell passes the audit.
        let bad = audit_frame(&p, &cols, rule);
        if let Some(first) = bad.first() {
            bail!(tr!(
                CliQueryAuditFailed,
                first = first,
                more = bad.len() - 1
            ));
        }
        if cols.is_empty() {
            eprintln!("{}", tr!(CliQueryNoCountColumns));
        }
        df = p;
    }
    a.output.write(&df)?;
    Ok(ExitCode::SUCCESS)
}
