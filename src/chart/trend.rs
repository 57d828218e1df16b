//! Trend charts: yearly values as lines, one per series, with an optional
//! target line and a note when a percent axis does not start at 0.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Scale, decimals_for, nice_ticks};
use super::legend::{Swatch, legend};
use super::numbers::{fmt_number, fmt_percent, value_decimals};
use super::{
    AXIS, DrawResult, GRID, INK, LABEL_PX, MUTED, REFERENCE, SMALL_PX, WIDTH, color, dashed,
    empty_chart, line, px, render, style, text, text_width, title,
};

/// How the value axis of [`trend_line`] is scaled and labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YAxis {
    /// Counts (people, cases): the axis starts at 0.
    Count,
    /// Proportions given as fractions (`0.99` = 99 %), labelled in percent.
    /// When all values are high the axis is cut (and says so in a note).
    Percent,
}

/// One line of [`trend_line`]: label and `(year, value)`; `None` is a missing value.
pub type TrendSeries = (String, Vec<(i32, Option<f64>)>);

/// The fixed words of a [`trend_line`] chart, in the caller's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendText<'a> {
    /// The title above the chart.
    pub title: &'a str,
    /// Shown under the title instead of a plot when there is no value at all.
    pub no_data: &'a str,
    /// The note under a percent axis that does not start at 0.
    pub axis_cut: &'a str,
}

/// Yearly trends, one line per series, with an optional published target
/// (value and legend label, e.g. `Some((0.99, "target 99%"))`). `None` values
/// and missing years break the line. With one series every point carries its
/// value. Every word drawn comes from `words` and the series and target labels.
pub fn trend_line(
    words: &TrendText,
    series: &[TrendSeries],
    target: Option<(f64, &str)>,
    y_axis: YAxis,
) -> String {
    let values: Vec<f64> = series
        .iter()
        .flat_map(|(_, pts)| pts.iter().filter_map(|(_, v)| *v))
        .filter(|v| v.is_finite())
        .collect();
    let years: Vec<i32> = series
        .iter()
        .flat_map(|(_, pts)| pts.iter().map(|(y, _)| *y))
        .collect();
    if values.is_empty() || years.is_empty() {
        return empty_chart(words.title, words.no_data);
    }
    let (y_min, y_max) = (
        *years.iter().min().expect("non-empty"),
        *years.iter().max().expect("non-empty"),
    );

    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if let Some((t, _)) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    let (axis_lo, cut) = match y_axis {
        YAxis::Count => (lo.min(0.0), false),
        YAxis::Percent if lo > 0.5 => {
            let pad = (0.15 * (hi - lo)).max(0.02);
            ((lo - pad).max(0.0), true)
        }
        YAxis::Percent => (lo.min(0.0), false),
    };
    let axis_hi = match y_axis {
        YAxis::Count => hi * 1.08,
        YAxis::Percent => hi + (hi - axis_lo) * 0.06,
    };
    let mut ticks = nice_ticks(axis_lo, axis_hi, 6);
    if y_axis == YAxis::Percent && hi <= 1.0 {
        ticks.retain(|t| *t <= 1.0 + 1e-9);
    }
    let step = if ticks.len() > 1 {
        ticks[1] - ticks[0]
    } else {
        1.0
    };
    let tick_label = |v: f64| match y_axis {
        YAxis::Count => fmt_number(v, decimals_for(step)),
        YAxis::Percent => fmt_percent(v, decimals_for(step * 100.0)),
    };
    let label_decimals = match y_axis {
        YAxis::Count => value_decimals(values.iter().copied()),
        YAxis::Percent => 1,
    };
    let value_label = |v: f64| match y_axis {
        YAxis::Count => fmt_number(v, label_decimals),
        YAxis::Percent => fmt_percent(v, label_decimals),
    };

    let height = 420;
    render(height, |area| {
        title(area, words.title)?;
        let mut items: Vec<(String, RGBColor, Swatch)> = Vec::new();
        if series.len() > 1 || target.is_some() {
            for (i, (label, _)) in series.iter().enumerate() {
                items.push((label.clone(), color(i), Swatch::Line));
            }
            if let Some((_, label)) = target {
                items.push((label.to_string(), REFERENCE, Swatch::Dashed));
            }
        }
        let top = legend(area, &items, 40.0)? + 14.0;
        let label_w = ticks
            .iter()
            .map(|t| text_width(&tick_label(*t), LABEL_PX, false))
            .fold(0.0, f64::max);
        let left = 18.0 + label_w + 8.0;
        let right = f64::from(WIDTH) - 24.0;
        let bottom = f64::from(height) - if cut { 58.0 } else { 40.0 };
        let ys = Scale {
            d0: ticks[0],
            d1: *ticks.last().expect("ticks are never empty"),
            p0: bottom,
            p1: top,
        };
        let pad = 0.4;
        let xs = Scale {
            d0: f64::from(y_min) - pad,
            d1: f64::from(y_max) + pad,
            p0: left,
            p1: right,
        };

        for t in &ticks {
            let y = ys.map(*t);
            line(area, (left, y), (right, y), GRID, 1)?;
            text(
                area,
                &tick_label(*t),
                (left - 8.0, y),
                &style(LABEL_PX, false, MUTED, HPos::Right, VPos::Center),
            )?;
        }
        line(area, (left, bottom), (right, bottom), AXIS, 1)?;
        let n_years = (y_max - y_min + 1) as usize;
        let every = n_years.div_ceil(12).max(1);
        for (k, year) in (y_min..=y_max).enumerate() {
            let x = xs.map(f64::from(year));
            line(area, (x, bottom), (x, bottom + 4.0), AXIS, 1)?;
            if k % every == 0 {
                text(
                    area,
                    &year.to_string(),
                    (x, bottom + 8.0),
                    &style(LABEL_PX, false, INK, HPos::Center, VPos::Top),
                )?;
            }
        }
        if cut {
            text(
                area,
                words.axis_cut,
                (right, f64::from(height) - 14.0),
                &style(SMALL_PX, false, MUTED, HPos::Right, VPos::Center),
            )?;
        }

        if let Some((t, label)) = target {
            let y = ys.map(t);
            dashed(area, (left, y), (right, y), REFERENCE, 2)?;
            if series.len() == 1 && items.is_empty() {
                text(
                    area,
                    label,
                    (right, y - 9.0),
                    &style(SMALL_PX, false, REFERENCE, HPos::Right, VPos::Center),
                )?;
            }
        }

        for (i, (_, pts)) in series.iter().enumerate() {
            let c = color(i);
            let mut pts: Vec<(i32, Option<f64>)> = pts.clone();
            pts.sort_by_key(|(y, _)| *y);
            let mut segment: Vec<(i32, i32)> = Vec::new();
            let mut prev_year: Option<i32> = None;
            let flush = |segment: &mut Vec<(i32, i32)>| -> DrawResult {
                if segment.len() > 1 {
                    area.draw(&PathElement::new(segment.clone(), c.stroke_width(3)))?;
                }
                segment.clear();
                Ok(())
            };
            for (year, v) in &pts {
                let v = v.filter(|v| v.is_finite());
                let contiguous = prev_year.is_some_and(|p| year - p == 1);
                if !contiguous || v.is_none() {
                    flush(&mut segment)?;
                }
                if let Some(v) = v {
                    segment.push((px(xs.map(f64::from(*year))), px(ys.map(v))));
                }
                prev_year = Some(*year);
            }
            flush(&mut segment)?;
            for (year, v) in &pts {
                let Some(v) = v.filter(|v| v.is_finite()) else {
                    continue;
                };
                let (x, y) = (xs.map(f64::from(*year)), ys.map(v));
                area.draw(&Circle::new((px(x), px(y)), 4, c.filled()))?;
                area.draw(&Circle::new((px(x), px(y)), 2, WHITE.filled()))?;
                if series.len() == 1 {
                    text(
                        area,
                        &value_label(v),
                        (x, y - 13.0),
                        &style(SMALL_PX, false, INK, HPos::Center, VPos::Center),
                    )?;
                }
            }
        }
        Ok(())
    })
}
