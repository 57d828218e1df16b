//! The data interface of report templates (`docs/templates.md` is its contract): the
//! metric rows a template can reach, with display text and year-on-year comparisons,
//! the region names, the provenance of the data and the metric definitions; and the
//! virtual files served on request ([`Served`]): the rows of any region of the scope
//! (`/data/regions/CODE.json`) and charts named by their path (`/charts/KIND/…svg`,
//! see [`super::charts`]).
//!
//! Everything here reads [`Context::template_rows`]: published rows, completed across
//! levels and audited ([`crate::publish::audit_template_rows`]) before a render, or raw
//! rows in raw mode, which the document then says on every page. Generic over metric
//! ids: a metric added to `crate::metrics::defs` appears with no change here.

use chrono::Datelike;
use serde_json::{Value, json};

use crate::chart::thousands;
use crate::dates::{from_days, iso};
use crate::metrics::MetricRow;
use crate::metrics::defs::{self, Kind};
use crate::publish::{self, HIDDEN_RATE, Rule};
use crate::regions::{Level, ancestor, level_of, significant_prefix};
use crate::report::world::VirtualFiles;

use super::compare::{Comparison, Outcome};
use super::context::Context;
use super::text::{Lang, fmt_rate};

/// Virtual folder of the per-region rows (`/data/regions/CODE.json`).
pub const REGIONS_DIR: &str = "/data/regions/";

/// Virtual folder of the relapse cohorts of a region (`/data/cohorts/CODE.json`).
pub const COHORTS_DIR: &str = "/data/cohorts/";

/// Virtual folder of the per-region rows keyed for look-up (`/data/index/CODE.json`):
/// what `index-of` of `jindu.typ` reads, so that `row(…)` costs the template one
/// dictionary access instead of a loop over the rows in Typst.
pub const INDEX_DIR: &str = "/data/index/";

/// One value of a breakdown with its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownValue {
    pub value: String,
    pub zh: String,
    pub en: String,
}

/// The breakdowns of the rows templates reach, each with its values in the order of
/// the data contract (the enumerations of `crate::schema`, the age bands), labelled
/// in Chinese and English; a breakdown the schema does not enumerate lists the values
/// present, in code order, labelled by their code.
pub fn breakdown_values(cx: &Context) -> Vec<(&'static str, Vec<BreakdownValue>)> {
    use crate::schema;
    let mut names: Vec<&'static str> = Vec::new();
    for r in cx.template_rows() {
        if !r.breakdown.is_empty() && !names.contains(&r.breakdown) {
            names.push(r.breakdown);
        }
    }
    names.sort_unstable();
    let label = |v: &str, zh: &str| BreakdownValue {
        value: v.to_string(),
        zh: zh.to_string(),
        en: v.replace('_', " "),
    };
    names
        .into_iter()
        .map(|bd| {
            let e = match bd {
                "sex" => Some(schema::SEX),
                "primary_drug" => Some(schema::DRUG),
                "service_type" => Some(schema::SERVICE_TYPE),
                "kind" => Some(schema::INCIDENT_KIND),
                _ => None,
            };
            let values: Vec<BreakdownValue> = match e {
                Some(e) => e.codes().map(|v| label(v, e.zh(v).unwrap_or(v))).collect(),
                None if bd == "age_group" => crate::metrics::blocks::AGE_GROUPS
                    .iter()
                    .map(|v| label(v, v))
                    .collect(),
                None => {
                    let mut vs: Vec<&str> = cx
                        .template_rows()
                        .iter()
                        .filter(|r| r.breakdown == bd)
                        .map(|r| r.breakdown_value.as_str())
                        .collect();
                    vs.sort_unstable();
                    vs.dedup();
                    vs.into_iter().map(|v| label(v, v)).collect()
                }
            };
            (bd, values)
        })
        .collect()
}

/// `data.breakdowns`: breakdown → its values with labels.
fn breakdowns_json(cx: &Context) -> Value {
    let mut map = serde_json::Map::new();
    for (bd, values) in breakdown_values(cx) {
        let vs: Vec<Value> = values
            .iter()
            .map(|v| json!({"value": v.value, "zh": v.zh, "en": v.en}))
            .collect();
        map.insert(bd.to_string(), Value::Array(vs));
    }
    Value::Object(map)
}

/// The relapse cohorts of a region, one per year of its level: the year, the number
/// of persons (`null` and `"<10"` when too small, unless raw) and whether a `km` chart
/// draws its curve.
pub fn cohorts_json(cx: &Context, code: &str) -> Value {
    let level = level_of(code);
    let (from, to) = cx
        .level_years()
        .into_iter()
        .find(|(l, _, _)| *l == level)
        .map_or((0, -1), |(_, f, t)| (f, t));
    let rule = cx.rule;
    Value::Array(
        (from..=to)
            .map(|y| {
                let c = cx.cohort(code, y);
                let hidden = !cx.is_raw() && rule.too_small(c.persons);
                json!({
                    "year": y,
                    "persons": (!hidden).then_some(c.persons),
                    "text": if hidden { rule.hidden_count() } else { thousands(c.persons) },
                    "drawn": c.drawn,
                })
            })
            .collect(),
    )
}

/// The total of a count metric of `region` over the three years up to `year` (METRICS.md
/// "Publication", v1.2: a pooled figure for a small area), by metric: `{from, to,
/// total, text}`, or `null` when the total is too small, when a year is missing, or
/// when exactly one of the years is hidden (the total less the shown years would give
/// it away: the complementary suppression rule, Hundepool et al. 2012, §5.4).
fn pooled_json(cx: &Context, region: &str, year: i32) -> Value {
    let rule = cx.rule;
    let level = level_of(region);
    let mut map = serde_json::Map::new();
    for d in defs::METRICS
        .iter()
        .filter(|d| d.kind == Kind::Count && !publish::YEARS_NOT_PERSONS.contains(&d.id))
    {
        let window: Vec<(u64, bool)> = (year - 2..=year)
            .filter_map(|y| {
                let raw = cx.find(level, d.id, y, region).map(|i| cx.raw(level, i))?;
                let shown = cx.template_row(d.id, y, region, "", "")?;
                Some((raw.numerator.unwrap_or(0), shown.suppressed))
            })
            .collect();
        let total: u64 = window.iter().map(|(v, _)| v).sum();
        let hidden = window.iter().filter(|(_, h)| *h).count();
        let v = if window.len() < 3 || (!cx.is_raw() && (rule.too_small(total) || hidden == 1)) {
            Value::Null
        } else {
            json!({"from": year - 2, "to": year, "total": total, "text": thousands(total)})
        };
        map.insert(d.id.to_string(), v);
    }
    Value::Object(map)
}

/// How a row reads: hidden counts `<10`, hidden or undefined rates `—`, counts with
/// thousands separators, rates in percent with one decimal, ratios and rates per
/// inhabitants with one decimal,
/// numbers of years as integers.
pub fn display(r: &MetricRow, rule: Rule) -> String {
    let kind = defs::find(r.metric).map_or(Kind::Count, |d| d.kind);
    if r.suppressed {
        return match kind {
            Kind::Count if !publish::YEARS_NOT_PERSONS.contains(&r.metric) => rule.hidden_count(),
            _ => HIDDEN_RATE.to_string(),
        };
    }
    match (kind, r.value) {
        (_, None) => HIDDEN_RATE.to_string(),
        (Kind::Count, Some(v)) => thousands(v.round() as u64),
        (Kind::Ratio | Kind::PerInhabitants { .. }, Some(v)) => format!("{v:.1}"),
        (_, Some(v)) => fmt_rate(v),
    }
}

/// The 95% interval of a shown rate (`93.1–97.0%`; per inhabitants `11.9–12.7`), or `""`.
pub fn display_ci(r: &MetricRow) -> String {
    let per_inhabitants =
        defs::find(r.metric).is_some_and(|d| matches!(d.kind, Kind::PerInhabitants { .. }));
    match (r.suppressed, r.ci_low, r.ci_high) {
        (false, Some(l), Some(h)) if per_inhabitants => format!("{l:.1}–{h:.1}"),
        (false, Some(l), Some(h)) => format!("{:.1}–{:.1}%", l * 100.0, h * 100.0),
        _ => String::new(),
    }
}

pub(super) fn kind_str(k: Kind) -> &'static str {
    match k {
        Kind::Count => "count",
        Kind::Rate => "rate",
        Kind::Survival => "survival",
        Kind::Ratio => "ratio",
        Kind::PerInhabitants { .. } => "per_inhabitants",
        Kind::Change => "change",
    }
}

/// The numbers of a comparison (the rule of METRICS.md "Publication", v1.2, see
/// [`super::compare`]) without words: the template says them.
pub fn comparison_json(c: &Comparison) -> Value {
    let fig = |f: Option<super::compare::Figure>| {
        f.map(|f| {
            json!({
                "value": f.value,
                "numerator": f.numerator,
                "denominator": f.denominator,
                "se": f.se,
            })
        })
    };
    let compared = c.outcome != Outcome::NotCompared;
    let abs = c.change.abs();
    json!({
        "kind": kind_str(c.kind),
        "outcome": match c.outcome {
            Outcome::Up => "up",
            Outcome::Down => "down",
            Outcome::Equal => "equal",
            Outcome::NotCompared => "not_compared",
        },
        "prev": fig(c.prev),
        "cur": fig(c.cur),
        "change": compared.then_some(c.change),
        "change_text": compared.then(|| match c.kind {
            Kind::Count => thousands(abs.round() as u64),
            _ => format!("{abs:.1}"),
        }),
        "relative": c.relative.filter(|_| compared),
        "relative_text": c.relative.filter(|_| compared).map(|r| format!("{:.1}%", r.abs())),
        "relative_small": c.relative.filter(|_| compared).is_some_and(|r| r.abs() < 0.05),
        "difference": c.difference.map(|d| json!({
            "d": d.d,
            "low": d.low,
            "high": d.high,
            "significant": !d.contains_zero(),
        })),
        "significant": match (c.outcome, c.difference) {
            (Outcome::Up | Outcome::Down, Some(d)) => Value::Bool(!d.contains_zero()),
            _ => Value::Null,
        },
    })
}

/// One row for a template: the fields of the machine output, display text and the
/// comparison with the year before.
pub fn row_json(cx: &Context, r: &MetricRow) -> Value {
    let year: i32 = r.period.parse().unwrap_or(0);
    let kind = defs::find(r.metric).map_or(Kind::Count, |d| d.kind);
    let prev = cx.template_row(
        r.metric,
        year - 1,
        &r.region_code,
        r.breakdown,
        &r.breakdown_value,
    );
    // A number of years is not compared like a count of persons.
    let prev = prev.filter(|_| !publish::YEARS_NOT_PERSONS.contains(&r.metric));
    let comparison = prev.map(|p| {
        let se = |row: &MetricRow, y: i32| {
            (kind == Kind::Survival && row.breakdown.is_empty() && !row.suppressed)
                .then(|| cx.greenwood_se(r.metric, &r.region_code, y))
                .flatten()
        };
        let c = Comparison::of(r.metric, Some(p), Some(r), (se(p, year - 1), se(r, year)));
        comparison_json(&c)
    });
    // Officers (the denominator of persons per officer) are not persons of the
    // register and are never hidden (METRICS.md "Publication", v1.2).
    let denominator = match (kind, r.suppressed) {
        (Kind::Ratio, true) => cx
            .find_bd(
                r.region_level,
                r.metric,
                year,
                &r.region_code,
                r.breakdown,
                &r.breakdown_value,
            )
            .and_then(|i| cx.raw(r.region_level, i).denominator),
        _ => r.denominator,
    };
    json!({
        "metric": r.metric,
        "period": r.period,
        "year": year,
        "as_of": iso(r.as_of),
        "region_code": r.region_code,
        "region_name": r.region_name,
        "region_level": r.region_level.as_str(),
        "breakdown": r.breakdown,
        "breakdown_value": r.breakdown_value,
        "kind": kind_str(kind),
        "numerator": r.numerator,
        "denominator": denominator,
        "value": r.value,
        "ci_low": r.ci_low,
        "ci_high": r.ci_high,
        "partial": r.partial,
        "unstable": r.unstable,
        "suppressed": r.suppressed,
        "text": display(r, cx.rule),
        "ci_text": display_ci(r),
        "comparison": comparison,
    })
}

/// Whether `code` is in the scope of a document about `region`: the region, one of
/// its ancestors, or a region inside it.
pub fn in_scope(region: &str, code: &str) -> bool {
    code.starts_with(significant_prefix(region))
        || Level::ALL
            .iter()
            .any(|&l| ancestor(region, l).as_deref() == Some(code))
}

/// Codes of the regions of the scope that have rows, ancestors first, then the region
/// and its descendants in code order.
pub fn scope_codes(cx: &Context, region: &str) -> Vec<String> {
    let mut out: Vec<String> = Level::ALL
        .iter()
        .filter_map(|&l| ancestor(region, l))
        .filter(|c| c != region)
        .collect();
    let mut inside: Vec<String> = cx
        .template_codes()
        .filter(|c| c.starts_with(significant_prefix(region)))
        .map(str::to_string)
        .collect();
    inside.sort_by(|a, b| (level_of(a), a).cmp(&(level_of(b), b)));
    out.retain(|c| cx.template_rows_of(c).next().is_some());
    out.extend(inside);
    out
}

/// The regions of the scope: code → name, level, parent, whether the region table has
/// the code, and whether the template can load rows for it.
pub fn regions_json(cx: &Context, region: &str) -> Value {
    let mut map = serde_json::Map::new();
    for code in scope_codes(cx, region) {
        let level = cx
            .template_rows_of(&code)
            .next()
            .map_or_else(|| level_of(&code), |r| r.region_level);
        let name = cx
            .model
            .regions
            .name(&code)
            .map(str::to_string)
            .unwrap_or_else(|| {
                cx.template_rows_of(&code)
                    .next()
                    .map(|r| r.region_name.clone())
                    .unwrap_or_default()
            });
        let parent = match level {
            Level::Province => None,
            Level::City => ancestor(&code, Level::Province),
            Level::County => ancestor(&code, Level::City),
            Level::Township => ancestor(&code, Level::County),
        };
        map.insert(
            code.clone(),
            json!({
                "code": code,
                "name": name,
                "level": level.as_str(),
                "parent": parent,
                "in_table": cx.model.regions.contains(&code),
            }),
        );
    }
    Value::Object(map)
}

/// The rows of one region as a JSON array.
pub fn region_rows_json(cx: &Context, code: &str) -> Value {
    Value::Array(cx.template_rows_of(code).map(|r| row_json(cx, r)).collect())
}

/// The key of a row in `/data/index/CODE.json`: `metric|year|breakdown|value`, as
/// `index-of` of `jindu.typ` has always built it in Typst
/// (`r.metric + "|" + str(r.year) + "|" + r.breakdown + "|" + r.breakdown_value`).
pub fn index_key(r: &MetricRow) -> String {
    let year: i32 = r.period.parse().unwrap_or(0);
    format!("{}|{year}|{}|{}", r.metric, r.breakdown, r.breakdown_value)
}

/// The rows of one region as a JSON object keyed by [`index_key`], in row order; a key
/// given twice keeps its first place and its last row (the insertion of a Typst
/// dictionary, which the loop this replaces did).
pub fn region_index_json(cx: &Context, code: &str) -> Value {
    let mut map = serde_json::Map::new();
    for r in cx.template_rows_of(code) {
        map.insert(index_key(r), row_json(cx, r));
    }
    Value::Object(map)
}

/// The rows of a region as JSON: [`region_rows_json`] or [`region_index_json`].
type RowsJson = fn(&Context, &str) -> Value;

/// The bytes of the file `DIR` + `CODE.json` made by `json` (`/data/regions/`:
/// [`region_rows_json`], `/data/index/`: [`region_index_json`]), once per run.
fn rows_file(
    cx: &Context,
    dir: &str,
    code: &str,
    json: RowsJson,
) -> Result<std::sync::Arc<Vec<u8>>, String> {
    cx.region_file(&format!("{dir}{code}"), || {
        serde_json::to_vec(&json(cx, code)).map_err(|e| e.to_string())
    })
}

/// The regions whose rows a document of `region` most likely loads: its ancestors and
/// the regions of its area tables ([`child_level`](super::child_level)), in the order the
/// shipped templates load them.
pub fn likely_regions(cx: &Context, region: &str) -> Vec<String> {
    let level = level_of(region);
    let child = super::child_level(level);
    let mut out: Vec<String> = scope_codes(cx, region)
        .into_iter()
        .filter(|c| level_of(c) == child && c != region)
        .collect();
    out.extend(
        Level::ALL
            .iter()
            .filter_map(|&l| ancestor(region, l))
            .filter(|c| c != region && cx.template_rows_of(c).next().is_some()),
    );
    out
}

/// Makes the files of `codes` that the shipped templates load (`/data/index/CODE.json`)
/// ahead of the template ([`likely_regions`]): run beside the render, on the second
/// core.
pub fn make_region_files(cx: &Context, codes: &[String]) {
    for code in codes {
        // An error is the template's to see when it loads the file.
        let _ = rows_file(cx, INDEX_DIR, code, region_index_json);
    }
}

/// Input files with SHA-256 and row accounting, the cutoff and the engine.
pub fn provenance_json(cx: &Context) -> Value {
    let report = &cx.import_report;
    let num = |v: &Value| v.as_u64().unwrap_or(0);
    let mut inputs = Vec::new();
    let mut quarantined = Vec::new();
    let mut total = 0;
    for t in report["tables"].as_array().into_iter().flatten() {
        let table = t["table"].as_str().unwrap_or("");
        let q = num(&t["quarantined"]);
        total += q;
        if q > 0 {
            quarantined.push(json!({"table": table, "rows": q}));
        }
        for f in t["files"].as_array().into_iter().flatten() {
            inputs.push(json!({
                "file": f["file"].as_str().unwrap_or(""),
                "table": table,
                "sha256": f["sha256"].as_str().unwrap_or(""),
                "rows_read": num(&f["rows_read"]),
                "accepted": num(&f["accepted"]),
                "merged": num(&f["merged"]),
                "quarantined": num(&f["quarantined"]),
            }));
        }
    }
    let cut = from_days(cx.model.cutoff);
    json!({
        "engine": format!("jindu {}", env!("CARGO_PKG_VERSION")),
        "version": env!("CARGO_PKG_VERSION"),
        "cutoff": iso(cx.model.cutoff),
        "cutoff_date": {"year": cut.year(), "month": cut.month(), "day": cut.day()},
        "inputs": inputs,
        "quarantined": quarantined,
        "quarantined_total": total,
    })
}

/// Every metric: id, names, kind and the definition of the methods appendix.
pub fn definitions_json() -> Value {
    let texts = super::methods::definitions();
    // Metrics with a definition text in the order of the methods appendix, then the rest.
    let mut order: Vec<&defs::MetricDef> = texts
        .iter()
        .filter_map(|(id, _, _)| defs::find(id))
        .collect();
    let rest: Vec<&defs::MetricDef> = defs::METRICS
        .iter()
        .filter(|d| !order.iter().any(|o| o.id == d.id))
        .collect();
    order.extend(rest);
    Value::Array(
        order
            .into_iter()
            .map(|d| {
                let def = texts.iter().find(|(id, _, _)| *id == d.id);
                json!({
                    "id": d.id,
                    "zh": d.zh,
                    "en": d.en,
                    "kind": kind_str(d.kind),
                    "definition": def.map(|(_, zh, en)| json!({"zh": zh, "en": en})),
                })
            })
            .collect(),
    )
}

/// The generic part of `/data.json`: `rule`, `scope`, `levels`, `regions`, `metrics`
/// (the rows of the region; other regions' are served on request), `provenance`,
/// `definitions`.
pub fn template_json(cx: &Context, region: &str, year: i32, lang: Lang) -> Value {
    use rayon::prelude::*;
    // The rows (with their comparisons) on one core, the rest on the other.
    let own: Vec<&MetricRow> = cx.template_rows_of(region).collect();
    let (rows, (regions, (pooled, cohorts))) = rayon::join(
        || -> Vec<Value> { own.par_iter().map(|r| row_json(cx, r)).collect() },
        || {
            rayon::join(
                || regions_json(cx, region),
                || {
                    rayon::join(
                        || pooled_json(cx, region, year),
                        || cohorts_json(cx, region),
                    )
                },
            )
        },
    );
    let levels: Vec<Value> = cx
        .level_years()
        .into_iter()
        .map(|(l, from, to)| json!({"level": l.as_str(), "from": from, "to": to}))
        .collect();
    json!({
        "rule": {
            "threshold": cx.rule.threshold,
            "hidden_count": cx.rule.hidden_count(),
            "hidden_rate": HIDDEN_RATE,
            "published": !cx.is_raw(),
        },
        "scope": {
            "region": region,
            "level": level_of(region).as_str(),
            "year": year,
            "lang": match lang { Lang::Zh => "zh", Lang::En => "en" },
        },
        "levels": levels,
        "regions": regions,
        "metrics": rows,
        "breakdowns": breakdowns_json(cx),
        "pooled": pooled,
        "cohorts": cohorts,
        "provenance": provenance_json(cx),
        "definitions": definitions_json(),
    })
}

/// The virtual files of one document, made when the template loads them.
pub struct Served<'c, 'a> {
    pub cx: &'c Context<'a>,
    pub region: String,
    pub year: i32,
    pub lang: Lang,
}

impl Served<'_, '_> {
    /// Refuses a region outside the scope, listing the ones that exist.
    pub(super) fn check_region(&self, code: &str) -> Result<(), String> {
        if in_scope(&self.region, code) && self.cx.template_rows_of(code).next().is_some() {
            return Ok(());
        }
        let codes = scope_codes(self.cx, &self.region);
        let shown: Vec<String> = codes
            .iter()
            .take(40)
            .map(|c| {
                let name = self.cx.model.regions.name(c).unwrap_or("");
                format!("{c} {name}").trim_end().to_string()
            })
            .collect();
        let more = codes.len().saturating_sub(shown.len());
        Err(format!(
            "unknown region {code:?} for this report (region {}): regions with data are {}{}",
            self.region,
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more (see data.regions)")
            } else {
                String::new()
            }
        ))
    }
}

impl VirtualFiles for Served<'_, '_> {
    fn load(&self, path: &str) -> Option<Result<Vec<u8>, String>> {
        // The rows of a region, as an array or keyed, made once per run.
        let rows: [(&str, &str, RowsJson); 2] = [
            (REGIONS_DIR, "region rows", region_rows_json),
            (INDEX_DIR, "indexed region rows", region_index_json),
        ];
        for (dir, what, json) in rows {
            if let Some(rest) = path.strip_prefix(dir) {
                let Some(code) = rest.strip_suffix(".json") else {
                    return Some(Err(format!("{path}: {what} are loaded as {dir}CODE.json")));
                };
                return Some(
                    self.check_region(code)
                        .and_then(|()| rows_file(self.cx, dir, code, json))
                        .map(|bytes| bytes.to_vec()),
                );
            }
        }
        if let Some(rest) = path.strip_prefix(COHORTS_DIR) {
            let Some(code) = rest.strip_suffix(".json") else {
                return Some(Err(format!(
                    "{path}: relapse cohorts are loaded as {COHORTS_DIR}CODE.json"
                )));
            };
            return Some(self.check_region(code).and_then(|()| {
                serde_json::to_vec(&cohorts_json(self.cx, code)).map_err(|e| e.to_string())
            }));
        }
        let spec = path.strip_prefix(super::charts::CHARTS_PREFIX)?;
        // `/charts/NAME.svg` without a kind folder are charts handed to the renderer.
        if !spec.contains('/') {
            return None;
        }
        Some(super::charts::draw(self, spec).map(String::into_bytes))
    }
}
