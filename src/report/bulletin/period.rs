//! The period rows of a monthly or quarterly brief (METRICS.md "Quarters and months",
//! v1.2; `jindu report --period quarter|month`): the period chosen by its label, the
//! metric rows of that period and of the same period a year earlier (computed with
//! [`compute_periods`], disclosure-controlled like `jindu metrics --period … --publish`
//! and audited), each row of the period with its comparison to the same period a year
//! earlier (the rule of [`super::compare`]). Handed to templates as `/data.json`
//! `period` and `period_rows` (`docs/templates.md`).

use serde_json::{Value, json};

use crate::dates::iso;
use crate::metrics::period::{Period, periods_of};
use crate::metrics::{MetricRow, Model, PeriodKind, Request, compute_periods};
use crate::publish::{self, Rule};
use crate::regions::Level;

use super::compare::Comparison;
use super::data::{comparison_json, display, display_ci};

/// Parses a period label of `kind` (`2025-Q3`, `2025-09`) into (year, index), with an
/// error that says what the label should look like.
pub fn parse_label(kind: PeriodKind, label: &str) -> Result<(i32, u8), String> {
    let example = match kind {
        PeriodKind::Year => "2025",
        PeriodKind::Quarter => "2025-Q3",
        PeriodKind::Month => "2025-09",
    };
    let bad = || {
        format!("--period-label {label:?}: a {kind} is written like {example} (--period {kind})")
    };
    let (y, rest) = match kind {
        PeriodKind::Year => (label, None),
        _ => {
            let (y, r) = label.split_once('-').ok_or_else(bad)?;
            (y, Some(r))
        }
    };
    if y.len() != 4 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let index = match (kind, rest) {
        (PeriodKind::Year, _) => 0,
        (PeriodKind::Quarter, Some(r)) => {
            let q = r.strip_prefix('Q').ok_or_else(bad)?;
            match q.parse::<u8>() {
                Ok(q @ 1..=4) if r.len() == 2 => q,
                _ => return Err(bad()),
            }
        }
        (PeriodKind::Month, Some(r)) => match r.parse::<u8>() {
            Ok(m @ 1..=12) if r.len() == 2 => m,
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    Ok((year, index))
}

/// The period of `kind` to report: the one labelled `label`, which must lie within the
/// data, or by default the last complete one (the last one if none is complete).
pub fn choose(model: &Model, kind: PeriodKind, label: Option<&str>) -> Result<Period, String> {
    let all = periods_of(model, kind);
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return Err("the data has no periods".into());
    };
    match label {
        None => Ok(*all.iter().rev().find(|p| !p.partial).unwrap_or(last)),
        Some(l) => {
            let (year, index) = parse_label(kind, l)?;
            all.iter()
                .find(|p| p.year == year && p.index == index)
                .copied()
                .ok_or_else(|| {
                    format!(
                        "--period-label {l}: the data has {kind}s from {} to {} (data cutoff {})",
                        first.label(),
                        last.label(),
                        iso(model.cutoff)
                    )
                })
        }
    }
}

/// The metric rows of a period and of the same period a year earlier at one level, for
/// every region of the level (so that disclosure control sees the same tables as
/// `jindu metrics --period KIND --publish --level LEVEL`).
pub struct PeriodRows {
    pub period: Period,
    pub year_ago: String,
    rows: Vec<MetricRow>,
    rule: Rule,
}

impl PeriodRows {
    /// Computes and (unless `raw`) publishes and audits the rows of `period` and of the
    /// same period a year earlier at `level`.
    pub fn new(
        model: &Model,
        period: Period,
        level: Level,
        rule: Rule,
        raw: bool,
    ) -> Result<PeriodRows, String> {
        let req = Request {
            metrics: Vec::new(),
            level,
            scope: None,
            from: Some(period.year - 1),
            to: Some(period.year),
        };
        let mut rows = compute_periods(model, &req, period.kind);
        if !raw {
            publish::publish_rows(&mut rows, rule);
            if let Err(bad) = publish::audit_template_rows(&rows, rule) {
                let list: Vec<String> = bad.iter().take(10).map(|v| format!("  {v}")).collect();
                return Err(format!(
                    "the disclosure audit refused the period rows ({} cells):\n{}",
                    bad.len(),
                    list.join("\n")
                ));
            }
        }
        let year_ago = Period::of(period.kind, period.year - 1, period.index, model.cutoff).label();
        let label = period.label();
        rows.retain(|r| r.period == label || r.period == year_ago);
        Ok(PeriodRows {
            period,
            year_ago,
            rows,
            rule,
        })
    }

    /// `period`: the chosen period (kind, label, dates, whether partial, the label of
    /// the same period a year earlier).
    pub fn period_json(&self) -> Value {
        let p = &self.period;
        json!({
            "kind": p.kind.as_str(),
            "label": p.label(),
            "year": p.year,
            "index": p.index,
            "start": iso(p.start),
            "end": iso(p.end),
            "as_of": iso(p.d),
            "partial": p.partial,
            "year_ago": self.year_ago,
        })
    }

    /// `period_rows`: the rows of `region` for the period and the same period a year
    /// earlier; a row of the period carries its comparison with the year-earlier one.
    pub fn rows_json(&self, region: &str) -> Value {
        let label = self.period.label();
        let mine: Vec<&MetricRow> = self
            .rows
            .iter()
            .filter(|r| r.region_code == region)
            .collect();
        let earlier = |r: &MetricRow| {
            mine.iter().copied().find(|e| {
                e.period == self.year_ago
                    && e.metric == r.metric
                    && e.breakdown == r.breakdown
                    && e.breakdown_value == r.breakdown_value
            })
        };
        Value::Array(
            mine.iter()
                .map(|r| {
                    let comparison = (r.period == label).then(|| earlier(r)).flatten().map(|e| {
                        comparison_json(&Comparison::of(r.metric, Some(e), Some(r), (None, None)))
                    });
                    let kind = crate::metrics::defs::find(r.metric).map(|d| d.kind);
                    json!({
                        "metric": r.metric,
                        "period": r.period,
                        "as_of": iso(r.as_of),
                        "region_code": r.region_code,
                        "region_name": r.region_name,
                        "region_level": r.region_level.as_str(),
                        "breakdown": r.breakdown,
                        "breakdown_value": r.breakdown_value,
                        "kind": kind.map(super::data::kind_str),
                        "numerator": r.numerator,
                        "denominator": r.denominator,
                        "value": r.value,
                        "ci_low": r.ci_low,
                        "ci_high": r.ci_high,
                        "partial": r.partial,
                        "unstable": r.unstable,
                        "suppressed": r.suppressed,
                        "text": display(r, self.rule),
                        "ci_text": display_ci(r),
                        "comparison": comparison,
                    })
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_or_say_how_to_write_them() {
        assert_eq!(parse_label(PeriodKind::Quarter, "2025-Q3"), Ok((2025, 3)));
        assert_eq!(parse_label(PeriodKind::Month, "2025-09"), Ok((2025, 9)));
        assert_eq!(parse_label(PeriodKind::Month, "2024-02"), Ok((2024, 2)));
        for (kind, bad) in [
            (PeriodKind::Quarter, "2025-Q5"),
            (PeriodKind::Quarter, "2025-09"),
            (PeriodKind::Quarter, "2025Q3"),
            (PeriodKind::Month, "2025-9"),
            (PeriodKind::Month, "2025-13"),
            (PeriodKind::Month, "2025-Q3"),
            (PeriodKind::Month, "25-09"),
        ] {
            let e = parse_label(kind, bad).unwrap_err();
            assert!(e.contains(bad) && e.contains("is written like"), "{e}");
        }
    }
}
