//! Kaplan–Meier-type charts: cumulative-incidence step curves over months of
//! follow-up, with a numbers-at-risk table under the time axis.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Scale, decimals_for, nice_ticks};
use super::legend::{Swatch, legend, legend_height};
use super::numbers::{fmt_number, fmt_percent};
use super::{
    AXIS, GRID, INK, LABEL_PX, MUTED, SMALL_PX, WIDTH, color, empty_chart, line, px, render, style,
    text, text_width, title,
};

/// One Kaplan–Meier-type curve for [`km_curves`]: label, `(day, cumulative
/// incidence = 1 − S)` at each event time, and `(day, number at risk)`.
pub type KmCurve = (String, Vec<(u32, f64)>, Vec<(u32, u64)>);

/// The fixed words of a [`km_curves`] chart, in the caller's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KmText<'a> {
    /// The title above the chart.
    pub title: &'a str,
    /// Shown under the title instead of curves when there is no curve point.
    pub no_data: &'a str,
    /// The title of the value axis, above it (e.g. cumulative relapse).
    pub y_axis: &'a str,
    /// The title of the time axis, with its unit (months).
    pub x_axis: &'a str,
    /// The heading of the numbers-at-risk table.
    pub at_risk: &'a str,
}

const DAYS_PER_MONTH: f64 = 30.4375;
const AT_RISK_TOLERANCE_DAYS: u32 = 4;

/// Month ticks for a follow-up of `max_day` days.
pub(super) fn month_ticks(max_day: u32) -> Vec<u32> {
    // A follow-up a few days past a whole month (1,096 days = 36 months) ends there.
    let days = f64::from(max_day.saturating_sub(AT_RISK_TOLERANCE_DAYS));
    let months = (days / DAYS_PER_MONTH).ceil().max(1.0) as u32;
    let step = match months {
        0..=12 => 3,
        13..=36 => 6,
        _ => 12,
    };
    let last = months.div_ceil(step) * step;
    (0..=last).step_by(step as usize).collect()
}

fn month_to_day(m: u32) -> u32 {
    (f64::from(m) * DAYS_PER_MONTH).round() as u32
}

/// The days of the at-risk table: every day given in the curves' at-risk data
/// (a day within a few days of a month tick is put on the tick), or, when
/// that is more than 10 columns, only the days on month ticks.
fn at_risk_columns(curves: &[KmCurve], ticks_m: &[u32]) -> Vec<u32> {
    let tick_days: Vec<u32> = ticks_m.iter().map(|m| month_to_day(*m)).collect();
    let snap = |d: u32| {
        tick_days
            .iter()
            .copied()
            .find(|t| t.abs_diff(d) <= AT_RISK_TOLERANCE_DAYS)
    };
    let mut days: Vec<u32> = curves
        .iter()
        .flat_map(|(_, _, risk)| risk.iter().map(|(d, _)| snap(*d).unwrap_or(*d)))
        .collect();
    days.sort_unstable();
    days.dedup();
    if days.len() > 10 {
        days.retain(|d| tick_days.contains(d));
    }
    days
}

/// Cumulative-incidence step curves (1 − S, e.g. relapse after release) with
/// a numbers-at-risk table under the time axis, aligned with its month ticks.
/// The table has a column for each day of the at-risk data (give them at the
/// ticks, e.g. 0/6/12/24/36 months = day 0/183/365/730/1096); a curve without
/// an entry for a column shows "—" there. Every word drawn comes from `words`
/// and the curve labels.
pub fn km_curves(words: &KmText, curves: &[KmCurve]) -> String {
    let max_day = curves
        .iter()
        .flat_map(|(_, pts, risk)| {
            pts.iter()
                .map(|(d, _)| *d)
                .chain(risk.iter().map(|(d, _)| *d))
        })
        .max();
    let values: Vec<f64> = curves
        .iter()
        .flat_map(|(_, pts, _)| pts.iter().map(|(_, v)| *v))
        .filter(|v| v.is_finite())
        .collect();
    let Some(max_day) = max_day.filter(|_| !values.is_empty()) else {
        return empty_chart(words.title, words.no_data);
    };
    let ticks_m = month_ticks(max_day);
    let x_max = month_to_day(*ticks_m.last().expect("ticks are never empty"));
    let columns = at_risk_columns(curves, &ticks_m);
    let hi = values.iter().copied().fold(0.0, f64::max).clamp(0.0, 1.0);
    let mut y_ticks = nice_ticks(0.0, (hi * 1.1).max(0.05), 6);
    y_ticks.retain(|t| *t <= 1.0 + 1e-9);
    let y_step = if y_ticks.len() > 1 {
        y_ticks[1] - y_ticks[0]
    } else {
        0.1
    };
    let y_dec = decimals_for(y_step * 100.0);

    let legend_items: Vec<(String, RGBColor, Swatch)> = curves
        .iter()
        .enumerate()
        .map(|(i, (l, _, _))| (l.clone(), color(i), Swatch::Line))
        .collect();
    let legend_h = legend_height(&legend_items);
    let top = 40.0 + legend_h + 30.0;
    let plot_h = 250.0;
    let bottom = top + plot_h;
    let table_top = bottom + 62.0;
    let risk_row = 20.0;
    let height = (table_top + 24.0 + risk_row * curves.len() as f64 + 8.0).ceil() as u32;

    render(height, |area| {
        title(area, words.title)?;
        legend(area, &legend_items, 40.0)?;
        let y_label = |v: f64| fmt_percent(v, y_dec);
        let y_label_w = y_ticks
            .iter()
            .map(|t| text_width(&y_label(*t), LABEL_PX, false))
            .fold(0.0, f64::max);
        // At-risk row labels end left of the first count, which is centred on x = left.
        let count_w = curves
            .iter()
            .flat_map(|(_, _, risk)| risk.iter())
            .map(|(_, n)| text_width(&fmt_number(*n as f64, 0), LABEL_PX, false))
            .fold(text_width("—", LABEL_PX, false), f64::max);
        let risk_label_gap = count_w / 2.0 + 12.0;
        let risk_label_w = curves
            .iter()
            .map(|(l, _, _)| text_width(l, LABEL_PX, false))
            .fold(0.0, f64::max);
        let left = 18.0 + f64::max(y_label_w + 10.0, risk_label_w + risk_label_gap);
        let right = f64::from(WIDTH) - 30.0;
        let xs = Scale {
            d0: 0.0,
            d1: f64::from(x_max),
            p0: left,
            p1: right,
        };
        let ys = Scale {
            d0: 0.0,
            d1: *y_ticks.last().expect("ticks are never empty"),
            p0: bottom,
            p1: top,
        };
        text(
            area,
            words.y_axis,
            (left - 8.0, top - 20.0),
            &style(SMALL_PX, false, MUTED, HPos::Right, VPos::Center),
        )?;
        for t in &y_ticks {
            let y = ys.map(*t);
            line(area, (left, y), (right, y), GRID, 1)?;
            text(
                area,
                &y_label(*t),
                (left - 8.0, y),
                &style(LABEL_PX, false, MUTED, HPos::Right, VPos::Center),
            )?;
        }
        line(area, (left, bottom), (right, bottom), AXIS, 1)?;
        line(area, (left, top), (left, bottom), AXIS, 1)?;
        for m in &ticks_m {
            let x = xs.map(f64::from(month_to_day(*m)));
            line(area, (x, bottom), (x, bottom + 4.0), AXIS, 1)?;
            text(
                area,
                &m.to_string(),
                (x, bottom + 8.0),
                &style(LABEL_PX, false, INK, HPos::Center, VPos::Top),
            )?;
        }
        text(
            area,
            words.x_axis,
            ((left + right) / 2.0, bottom + 34.0),
            &style(LABEL_PX, false, INK, HPos::Center, VPos::Center),
        )?;

        for (i, (_, pts, risk)) in curves.iter().enumerate() {
            let mut pts: Vec<(u32, f64)> =
                pts.iter().copied().filter(|(_, v)| v.is_finite()).collect();
            pts.sort_by_key(|(d, _)| *d);
            let mut path = vec![(px(xs.map(0.0)), px(ys.map(0.0)))];
            let mut prev = 0.0;
            for (d, v) in pts {
                let x = px(xs.map(f64::from(d)));
                path.push((x, px(ys.map(prev))));
                path.push((x, px(ys.map(v.clamp(0.0, 1.0)))));
                prev = v.clamp(0.0, 1.0);
            }
            // The curve stays flat until the end of follow-up (last at-risk day).
            let last_event = path.last().map_or(0, |p| p.0);
            if let Some(end) = risk.iter().map(|(d, _)| *d).max() {
                let x = px(xs.map(f64::from(end)));
                if x > last_event {
                    path.push((x, px(ys.map(prev))));
                }
            }
            area.draw(&PathElement::new(path, color(i).stroke_width(3)))?;
        }

        text(
            area,
            words.at_risk,
            (16.0, table_top),
            &style(LABEL_PX, true, INK, HPos::Left, VPos::Center),
        )?;
        for (i, (label, _, risk)) in curves.iter().enumerate() {
            let y = table_top + 24.0 + risk_row * i as f64;
            text(
                area,
                label,
                (left - risk_label_gap, y),
                &style(LABEL_PX, false, color(i), HPos::Right, VPos::Center),
            )?;
            for day in &columns {
                // Months are not whole days: an entry within a few days of the
                // column is the count there.
                let cell = risk
                    .iter()
                    .filter(|(d, _)| d.abs_diff(*day) <= AT_RISK_TOLERANCE_DAYS)
                    .min_by_key(|(d, _)| (d.abs_diff(*day), *d))
                    .map_or_else(|| "—".to_string(), |(_, n)| fmt_number(*n as f64, 0));
                text(
                    area,
                    &cell,
                    (xs.map(f64::from(*day)), y),
                    &style(LABEL_PX, false, INK, HPos::Center, VPos::Center),
                )?;
            }
        }
        Ok(())
    })
}
