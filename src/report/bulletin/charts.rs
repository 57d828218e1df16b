//! Charts on request: a template loads `/charts/KIND/OPTIONS.svg` (e.g.
//! `image("/charts/trend/metric=new_users&region=640000&from=2016.svg")`) and the
//! report's World draws it with [`crate::chart`] from the rows templates can reach
//! ([`Context::template_rows`](super::Context::template_rows)), so a chart shows
//! published values only. `docs/templates.md` lists the kinds and options.

use crate::chart::{self, KmCurve, TrendSeries, YAxis};
use crate::metrics::defs::{self, Kind};
use crate::regions::{Level, level_of, significant_prefix};

use super::data::Served;
use super::text::Lang;

/// The virtual folder of charts.
pub const CHARTS_PREFIX: &str = "/charts/";

/// The chart kinds a template can ask for.
pub const KINDS: &[&str] = &["trend", "bars", "breakdown", "km"];

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

    fn number(&self, key: &str) -> Result<Option<f64>, String> {
        self.get(key)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| format!("{key}={v:?} of a {} chart: give a number", self.kind))
            })
            .transpose()
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
        "breakdown" => breakdown(s, opts),
        "km" => km(s, opts),
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
        &[
            "metric",
            "region",
            "from",
            "to",
            "title",
            "axis",
            "norm",
            "norm_label",
        ],
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
    let norm = o.number("norm")?;
    let label = o.get("norm_label").unwrap_or("");
    Ok(chart::trend_line(
        &s.lang.trend_text(&title),
        &series,
        norm.map(|n| (n, label)),
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
    let norm = o.number("norm")?;
    let label = o.get("norm_label").unwrap_or("").to_string();
    let title = o.get("title").map_or_else(|| s.name_of(d), str::to_string);
    Ok(chart::ranked_bars(
        &s.lang.bar_text(&title),
        &items,
        norm.map(|n| (n, label.as_str())),
    ))
}

/// `breakdown`: one metric (`metric=ID`) of one region (`region`, default the
/// document's) in `year`, one bar per value of a breakdown (`by=sex`, `age_group`,
/// `primary_drug`, `service_type`, …; `values=a,b` keeps and orders some), ranked;
/// rates in percent. Bars are labelled as in `data.breakdowns`.
fn breakdown(s: &Served, opts: &str) -> Result<String, String> {
    let o = Options::parse(
        "breakdown",
        opts,
        &[
            "metric",
            "by",
            "values",
            "region",
            "year",
            "title",
            "norm",
            "norm_label",
        ],
    )?;
    let Some(id) = o.get("metric") else {
        return Err(
            "a breakdown chart needs metric=ID (e.g. metric=service_coverage&by=service_type)"
                .into(),
        );
    };
    let d = metric(id)?;
    let code = o.get("region").unwrap_or(&s.region);
    s.check_region(code)?;
    let year = o.year("year", s.year)?;
    let by_all = super::data::breakdown_values(s.cx);
    let Some(by) = o.get("by") else {
        return Err(format!(
            "a breakdown chart needs by=NAME: the breakdowns are {}",
            by_all
                .iter()
                .map(|(b, _)| *b)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    let Some((_, values)) = by_all.iter().find(|(b, _)| *b == by) else {
        return Err(format!(
            "unknown breakdown {by:?} of a breakdown chart: the breakdowns are {}",
            by_all
                .iter()
                .map(|(b, _)| *b)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    let wanted = o.list("values");
    for w in &wanted {
        if !values.iter().any(|v| v.value == *w) {
            return Err(format!(
                "unknown value {w:?} of breakdown {by}: the values are {}",
                values
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let chosen: Vec<&super::data::BreakdownValue> = if wanted.is_empty() {
        values.iter().collect()
    } else {
        wanted
            .iter()
            .filter_map(|w| values.iter().find(|v| v.value == *w))
            .collect()
    };
    let scale = if d.kind == Kind::Count || d.kind == Kind::Ratio {
        1.0
    } else {
        100.0
    };
    let items: Vec<(String, Option<f64>)> = chosen
        .into_iter()
        .filter_map(|v| {
            let r = s.cx.template_row(d.id, year, code, by, &v.value)?;
            let label = match s.lang {
                Lang::Zh => v.zh.clone(),
                Lang::En => v.en.clone(),
            };
            let shown = (!r.suppressed).then_some(r.value).flatten();
            Some((label, shown.map(|x| x * scale)))
        })
        .collect();
    let norm = o.number("norm")?;
    let label = o.get("norm_label").unwrap_or("").to_string();
    let title = o.get("title").map_or_else(|| s.name_of(d), str::to_string);
    Ok(chart::ranked_bars(
        &s.lang.bar_text(&title),
        &items,
        norm.map(|n| (n, label.as_str())),
    ))
}

/// `km`: cumulative relapse curves (Kaplan–Meier) of the community-measure entry
/// cohorts of one region (`region`, default the document's), one per year of
/// `from`..`to` (default: the five years up to the document's year) or of
/// `years=a,b`, with the numbers at risk below. Only cohorts that may be drawn
/// ([`super::context::Cohort`], `drawn` in `/data/cohorts/CODE.json`) are; `label`
/// names a curve, `{year}` standing for its year (default `{year}`).
fn km(s: &Served, opts: &str) -> Result<String, String> {
    let o = Options::parse(
        "km",
        opts,
        &["region", "from", "to", "years", "title", "label"],
    )?;
    let code = o.get("region").unwrap_or(&s.region);
    s.check_region(code)?;
    let listed = o.list("years");
    let years: Vec<i32> = if listed.is_empty() {
        let to = o.year("to", s.year)?;
        let from = o.year("from", to - 4)?;
        (from..=to).collect()
    } else {
        listed
            .iter()
            .map(|y| {
                y.parse().map_err(|_| {
                    format!("years={y:?} of a km chart: give years (e.g. years=2021,2022)")
                })
            })
            .collect::<Result<_, _>>()?
    };
    let label = o.get("label").unwrap_or("{year}");
    let curves: Vec<KmCurve> = years
        .iter()
        .map(|&y| s.cx.cohort(code, y))
        .filter(|c| c.drawn)
        .map(|c| {
            (
                label.replace("{year}", &c.year.to_string()),
                c.points.clone(),
                c.at_risk.clone(),
            )
        })
        .collect();
    let title = o.get("title").unwrap_or("");
    Ok(chart::km_curves(&s.lang.km_text(title), &curves))
}
