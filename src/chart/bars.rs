//! Horizontal bar charts: ranked bars (one value per category, highest first,
//! with an optional reference line) and stacked bars (one segment per series,
//! the total at the end).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Scale, decimals_for, nice_ticks};
use super::legend::{Swatch, legend, legend_height};
use super::numbers::{fmt_number, value_decimals};
use super::{
    AXIS, GRID, INK, LABEL_PX, MUTED, REFERENCE, SMALL_PX, WIDTH, color, dashed, empty_chart, line,
    rect, render, style, text, text_width, title,
};

/// One segment type of [`stacked_bars`]: label and one value per category.
pub type StackedSeries = (String, Vec<Option<f64>>);

/// The fixed words of a bar chart ([`ranked_bars`], [`stacked_bars`]), in the
/// caller's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarText<'a> {
    /// The title above the chart.
    pub title: &'a str,
    /// Shown under the title instead of bars when no bar has a value.
    pub no_data: &'a str,
    /// Written at the start of the bar of a category without a value.
    pub missing: &'a str,
}

/// Horizontal bars ranked from the highest value down (e.g. counties by
/// caseload), with an optional reference line (value and label, e.g.
/// `Some((20.0, "norm 1:20"))`). Items without a value come last and carry
/// `words.missing`.
pub fn ranked_bars(
    words: &BarText,
    items: &[(String, Option<f64>)],
    reference: Option<(f64, &str)>,
) -> String {
    let mut rows: Vec<(String, Option<f64>)> = items
        .iter()
        .map(|(n, v)| (n.clone(), v.filter(|v| v.is_finite())))
        .collect();
    rows.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.0.cmp(&b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    let series = vec![(String::new(), rows.iter().map(|(_, v)| *v).collect())];
    let categories: Vec<String> = rows.iter().map(|(n, _)| n.clone()).collect();
    horizontal_bars(words, &categories, &series, reference, false)
}

/// Horizontal stacked bars, one per category (in the given order), one
/// segment per series (e.g. service coverage by type), with the total at the
/// end. `None` adds nothing to a bar; a category with no value carries
/// `words.missing`.
pub fn stacked_bars(words: &BarText, categories: &[String], series: &[StackedSeries]) -> String {
    horizontal_bars(words, categories, series, None, true)
}

fn horizontal_bars(
    words: &BarText,
    categories: &[String],
    series: &[StackedSeries],
    reference: Option<(f64, &str)>,
    with_legend: bool,
) -> String {
    let value = |s: usize, c: usize| -> Option<f64> {
        series[s]
            .1
            .get(c)
            .copied()
            .flatten()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let totals: Vec<Option<f64>> = (0..categories.len())
        .map(|c| {
            let vs: Vec<f64> = (0..series.len()).filter_map(|s| value(s, c)).collect();
            if vs.is_empty() {
                None
            } else {
                Some(vs.iter().sum())
            }
        })
        .collect();
    if categories.is_empty() || totals.iter().all(Option::is_none) {
        return empty_chart(words.title, words.no_data);
    }
    let mut hi = totals.iter().flatten().copied().fold(0.0, f64::max);
    if let Some((r, _)) = reference {
        hi = hi.max(r);
    }
    let ticks = nice_ticks(0.0, if hi > 0.0 { hi * 1.05 } else { 1.0 }, 6);
    let step = if ticks.len() > 1 {
        ticks[1] - ticks[0]
    } else {
        1.0
    };
    let decimals = value_decimals(totals.iter().flatten().copied());

    let row_h = 26.0;
    let legend_items: Vec<(String, RGBColor, Swatch)> = if with_legend {
        series
            .iter()
            .enumerate()
            .map(|(i, (l, _))| (l.clone(), color(i), Swatch::Box))
            .collect()
    } else {
        Vec::new()
    };
    let legend_h = legend_height(&legend_items);
    let top = 44.0 + legend_h + if reference.is_some() { 22.0 } else { 6.0 };
    let plot_h = row_h * categories.len() as f64;
    let height = (top + plot_h + 40.0).ceil() as u32;

    render(height, |area| {
        title(area, words.title)?;
        legend(area, &legend_items, 40.0)?;
        let name_w = categories
            .iter()
            .map(|n| text_width(n, LABEL_PX, false))
            .fold(0.0, f64::max);
        let left = 16.0 + name_w + 10.0;
        let max_label = totals
            .iter()
            .flatten()
            .map(|v| text_width(&fmt_number(*v, decimals), SMALL_PX, false))
            .fold(text_width(words.missing, SMALL_PX, false), f64::max);
        let right = f64::from(WIDTH) - 14.0 - max_label - 8.0;
        let bottom = top + plot_h;
        let xs = Scale {
            d0: 0.0,
            d1: *ticks.last().expect("ticks are never empty"),
            p0: left,
            p1: right,
        };
        for t in &ticks {
            let x = xs.map(*t);
            line(area, (x, top), (x, bottom), GRID, 1)?;
            text(
                area,
                &fmt_number(*t, decimals_for(step)),
                (x, bottom + 8.0),
                &style(LABEL_PX, false, MUTED, HPos::Center, VPos::Top),
            )?;
        }
        line(area, (left, top), (left, bottom), AXIS, 1)?;
        for (c, name) in categories.iter().enumerate() {
            let y_mid = top + row_h * (c as f64 + 0.5);
            text(
                area,
                name,
                (left - 10.0, y_mid),
                &style(LABEL_PX, false, INK, HPos::Right, VPos::Center),
            )?;
            let (y0, y1) = (y_mid - 8.0, y_mid + 8.0);
            let mut acc = 0.0;
            for s in 0..series.len() {
                if let Some(v) = value(s, c) {
                    let (x0, x1) = (xs.map(acc), xs.map(acc + v));
                    if x1 > x0 {
                        rect(area, (x0, y0), (x1, y1), color(s))?;
                    }
                    acc += v;
                }
            }
            let (label, fill) = match totals[c] {
                Some(t) => (fmt_number(t, decimals), INK),
                None => (words.missing.to_string(), MUTED),
            };
            text(
                area,
                &label,
                (xs.map(acc) + 5.0, y_mid),
                &style(SMALL_PX, false, fill, HPos::Left, VPos::Center),
            )?;
        }
        if let Some((r, label)) = reference {
            let x = xs.map(r);
            dashed(area, (x, top - 4.0), (x, bottom), REFERENCE, 2)?;
            text(
                area,
                label,
                (x, top - 12.0),
                &style(SMALL_PX, false, REFERENCE, HPos::Center, VPos::Center),
            )?;
        }
        Ok(())
    })
}
