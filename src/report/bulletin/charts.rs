//! Charts on request: a template loads `/charts/KIND/OPTIONS.svg` (e.g.
//! `image("/charts/trend/metric=new_users&region=640000&from=2016.svg")`) and the
//! report's World draws it with [`crate::chart`] from the rows templates can reach
//! ([`Context::template_rows`](super::Context::template_rows)), so a chart shows
//! published values only. `docs/templates.md` lists the kinds and options.

use crate::chart::{self, TrendSeries, YAxis};
use crate::metrics::defs::{self, Kind};
use crate::regions::{Level, level_of, significant_prefix};

use super::data::Served;
use super::text::Lang;

/// The virtual folder of charts.
pub const CHARTS_PREFIX: &str = "/charts/";

/// The chart kinds a template can ask for.
pub const KINDS: &[&str] = &["trend", "bars"];

/// The options of a chart path, `key=value` pairs joined by `&`.
struct Options<'s> {
    pairs: Vec<(&'s str, &'s str)>,
    kind: &'s str,
}

impl<'s> Options<'s> {
    fn parse(kind: &'s str, text: &'s str, allowed: &[&str]) -> Result<Self, String> {
        let mut pairs = Vec::new();
        for part in text.split('&').filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(format!(
                    "chart option {part:?} of a {kind} chart: write key=value (options: {})",
                    allowed.join(", ")
                ));
            };
            if !allowed.contains(&k) {
                return Err(format!(
                    "unknown option {k:?} of a {kind} chart: the options are {}",
                    allowed.join(", ")
                ));
            }
            pairs.push((k, v));
        }
        Ok(Options { pairs, kind })
    }

    fn get(&self, key: &str) -> Option<&'s str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn list(&self, key: &str) -> Vec<&'s str> {
        self.get(key)
            .map(|v| v.split(',').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    fn year(&self, key: &str, default: i32) -> Result<i32, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("{key}={v:?} of a {} chart: give a year", self.kind)),
        }
    }
}

fn metric(id: &str) -> Result<&'static defs::MetricDef, String> {
    defs::find(id).ok_or_else(|| {
        format!(
            "unknown metric {id:?}: the metrics are {}",
            defs::METRICS
                .iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

impl Served<'_, '_> {
    fn name_of(&self, d: &defs::MetricDef) -> String {
        match self.lang {
            Lang::Zh => d.zh.to_string(),
            Lang::En => d.en.to_string(),
        }
    }

    fn region_name(&self, code: &str) -> String {
        self.cx
            .template_rows_of(code)
            .next()
            .map(|r| r.region_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| code.to_string())
    }

    /// The shown value of a metric (scaled), none when hidden or missing.
    fn value(&self, m: &defs::MetricDef, year: i32, code: &str, scale: f64) -> Option<f64> {
        self.cx
            .template_row(m.id, year, code, "", "")
            .filter(|r| !r.suppressed)
            .and_then(|r| r.value)
            .map(|v| v * scale)
    }
}

/// Draws the chart named by `spec` (the path after `/charts/`, e.g.
/// `trend/metric=new_users.svg`).
pub(super) fn draw(s: &Served, spec: &str) -> Result<String, String> {
    let Some(spec) = spec.strip_suffix(".svg") else {
        return Err(format!("chart path /charts/{spec}: it must end in .svg"));
    };
    let (kind, opts) = spec.split_once('/').unwrap_or((spec, ""));
    match kind {
        "trend" => trend(s, opts),
        "bars" => bars(s, opts),
        _ => Err(format!(
            "unknown chart kind {kind:?}: the kinds are {} (e.g. /charts/trend/metric=new_users.svg)",
            KINDS.join(", ")
        )),
    }
}

/// `trend`: one line per metric (`metric=a,b`) of one region, or per region
/// (`region=a,b`) of one metric, over `from`..`to`.
fn trend(s: &Served, opts: &str) -> Result<String, String> {
    let o = Options::parse(
        "trend",
        opts,
        &["metric", "region", "from", "to", "title", "axis"],
    )?;
    let metrics = o.list("metric");
    if metrics.is_empty() {
        return Err("a trend chart needs metric=ID (e.g. metric=new_users)".into());
    }
    let mut regions = o.list("region");
    if regions.is_empty() {
        regions.push(&s.region);
    }
    if metrics.len() > 1 && regions.len() > 1 {
        return Err("a trend chart has several metrics of one region, or one metric of several regions, not both".into());
    }
    let defs: Vec<&defs::MetricDef> = metrics
        .iter()
        .map(|m| metric(m))
        .collect::<Result<_, _>>()?;
    for r in &regions {
        s.check_region(r)?;
    }
    let to = o.year("to", s.year)?;
    let from = o.year("from", to - 9)?;
    let first =
        s.cx.level_years()
            .into_iter()
            .filter(|(l, _, _)| regions.iter().all(|r| level_of(r) == *l))
            .map(|(_, f, _)| f)
            .min()
            .unwrap_or(from);
    let from = from.max(first);
    let axis = match o.get("axis") {
        Some("count") => YAxis::Count,
        Some("percent") => YAxis::Percent,
        Some(v) => return Err(format!("axis={v:?} of a trend chart: count or percent")),
        None if defs[0].kind == Kind::Count => YAxis::Count,
        None => YAxis::Percent,
    };
    let series: Vec<TrendSeries> = if regions.len() > 1 {
        regions
            .iter()
            .map(|r| {
                let pts = (from..=to)
                    .map(|y| (y, s.value(defs[0], y, r, 1.0)))
                    .collect();
                (s.region_name(r), pts)
            })
            .collect()
    } else {
        defs.iter()
            .map(|d| {
                let pts = (from..=to)
                    .map(|y| (y, s.value(d, y, regions[0], 1.0)))
                    .collect();
                (s.name_of(d), pts)
            })
            .collect()
    };
    let title = o.get("title").map_or_else(
        || {
            series
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        },
        str::to_string,
    );
    Ok(chart::trend_line(
        &s.lang.trend_text(&title),
        &series,
        None,
        axis,
    ))
}

/// `bars`: one metric (`metric=ID`) of the regions one level below `region` (or of the
/// regions listed in `regions=a,b`) in `year`, ranked; rates in percent. `norm=20`
/// draws a reference line labelled `norm_label`.
fn bars(s: &Served, opts: &str) -> Result<String, String> {
    let o = Options::parse(
        "bars",
        opts,
        &[
            "metric",
            "region",
            "regions",
            "year",
            "title",
            "norm",
            "norm_label",
        ],
    )?;
    let Some(id) = o.get("metric") else {
        return Err("a bars chart needs metric=ID (e.g. metric=new_users)".into());
    };
    let d = metric(id)?;
    let year = o.year("year", s.year)?;
    let listed = o.list("regions");
    let codes: Vec<String> = if listed.is_empty() {
        let parent = o.get("region").unwrap_or(&s.region);
        s.check_region(parent)?;
        let child = match level_of(parent) {
            Level::Province => Level::City,
            Level::City => Level::County,
            _ => Level::Township,
        };
        let mut codes: Vec<String> =
            s.cx.template_rows()
                .iter()
                .filter(|r| {
                    r.region_level == child
                        && r.region_code.starts_with(significant_prefix(parent))
                        && r.metric == d.id
                        && r.period == year.to_string()
                        && r.breakdown.is_empty()
                })
                .map(|r| r.region_code.clone())
                .collect();
        codes.dedup();
        codes
    } else {
        for r in &listed {
            s.check_region(r)?;
        }
        listed.iter().map(|c| c.to_string()).collect()
    };
    // Counts, ratios and rates per inhabitants are drawn as they read; rates in percent.
    let scale = if matches!(
        d.kind,
        Kind::Count | Kind::Ratio | Kind::PerInhabitants { .. }
    ) {
        1.0
    } else {
        100.0
    };
    let items: Vec<(String, Option<f64>)> = codes
        .iter()
        .map(|c| (s.region_name(c), s.value(d, year, c, scale)))
        .collect();
    let norm = match o.get("norm") {
        None => None,
        Some(v) => Some(
            v.parse::<f64>()
                .map_err(|_| format!("norm={v:?} of a bars chart: give a number"))?,
        ),
    };
    let label = o.get("norm_label").unwrap_or("").to_string();
    let title = o.get("title").map_or_else(|| s.name_of(d), str::to_string);
    Ok(chart::ranked_bars(
        &s.lang.bar_text(&title),
        &items,
        norm.map(|n| (n, label.as_str())),
    ))
}
