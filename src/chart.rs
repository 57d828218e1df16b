//! Charts for the reports, as SVG strings drawn with plotters.
//!
//! Every function is pure: data in, SVG text out, byte-identical for the same
//! input. Text is drawn with the font family [`FONT_FAMILY`] (the bundled
//! Noto Sans CJK SC), so Typst renders it with its own fonts when the SVG is
//! placed in a report. Layout (label columns, legends) is measured with the
//! font's advance widths (see [`text_width`]).
//!
//! Missing values (`None`) are never drawn as zero: lines break, bars read
//! "无数据". A chart with no data at all still shows its title and "暂无数据".

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The font family of all chart text; must match the bundled font's family.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

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

/// One segment type of [`stacked_bars`]: label and one value per category.
pub type StackedSeries = (String, Vec<Option<f64>>);

/// One Kaplan–Meier-type curve for [`km_curves`]: label, `(day, cumulative
/// incidence = 1 − S)` at each event time, and `(day, number at risk)`.
pub type KmCurve = (String, Vec<(u32, f64)>, Vec<(u32, u64)>);

const WIDTH: u32 = 720;
const TITLE_PX: f64 = 17.0;
const LABEL_PX: f64 = 12.5;
const SMALL_PX: f64 = 11.0;
const DAYS_PER_MONTH: f64 = 30.4375;
const AT_RISK_TOLERANCE_DAYS: u32 = 4;

const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(110, 110, 110);
const GRID: RGBColor = RGBColor(225, 225, 225);
const AXIS: RGBColor = RGBColor(120, 120, 120);
const REFERENCE: RGBColor = RGBColor(80, 80, 80);

/// Okabe–Ito colours: distinguishable with colour-vision deficiencies and in grey print.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Advance widths of ASCII 0x20..=0x7E in Noto Sans CJK SC Regular (units of 1/1000 em).
const ASCII_ADVANCE: [u16; 95] = [
    224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555,
    555, 555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589,
    552, 689, 728, 293, 535, 646, 543, 812, 723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573,
    531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510, 620, 554, 325, 564, 607, 275, 275, 552,
    284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555,
];

/// The width in pixels of `text` set in Noto Sans CJK SC at `px` pixels
/// (bold is about 6 % wider in Latin; CJK and full-width forms are 1 em).
pub fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    let units: f64 = text
        .chars()
        .map(|c| match c as u32 {
            0x20..=0x7E => {
                let w = f64::from(ASCII_ADVANCE[(c as u32 - 0x20) as usize]);
                if bold { w * 1.06 } else { w }
            }
            0x00A0..=0x024F => 600.0,
            0x2014 => 900.0,
            _ => 1000.0,
        })
        .sum();
    units / 1000.0 * px
}

/// A text style; `px` is the font size in SVG pixels.
fn style(px: f64, bold: bool, fill: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    // The plotters SVG backend writes `font-size = size / 1.24`.
    let font_style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    TextStyle {
        font: FontDesc::from((FontFamily::Name(FONT_FAMILY), px * 1.24, font_style)),
        color: fill.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

fn render(height: u32, draw: impl FnOnce(&Area) -> DrawResult) -> String {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        let result = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(Into::into));
        // The SVG backend writes into a String; it has no failure mode.
        if let Err(e) = result {
            panic!("drawing an SVG chart into a string failed: {e}");
        }
    }
    buf
}

fn px(v: f64) -> i32 {
    v.round() as i32
}

fn text(area: &Area, s: &str, (x, y): (f64, f64), st: &TextStyle) -> DrawResult {
    area.draw(&Text::new(s.to_string(), (px(x), px(y)), st.clone()))?;
    Ok(())
}

fn line(
    area: &Area,
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
    c: RGBColor,
    w: u32,
) -> DrawResult {
    area.draw(&PathElement::new(
        vec![(px(x0), px(y0)), (px(x1), px(y1))],
        c.stroke_width(w),
    ))?;
    Ok(())
}

fn dashed(area: &Area, from: (f64, f64), to: (f64, f64), c: RGBColor, w: u32) -> DrawResult {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    let (dash, gap) = (7.0, 4.0);
    let mut t = 0.0;
    while t < len {
        let t1 = (t + dash).min(len);
        let a = (from.0 + dx * t / len, from.1 + dy * t / len);
        let b = (from.0 + dx * t1 / len, from.1 + dy * t1 / len);
        line(area, a, b, c, w)?;
        t += dash + gap;
    }
    Ok(())
}

fn rect(area: &Area, (x0, y0): (f64, f64), (x1, y1): (f64, f64), c: RGBColor) -> DrawResult {
    area.draw(&Rectangle::new(
        [(px(x0), px(y0)), (px(x1), px(y1))],
        c.filled(),
    ))?;
    Ok(())
}

fn title(area: &Area, s: &str) -> DrawResult {
    text(
        area,
        s,
        (f64::from(WIDTH) / 2.0, 12.0),
        &style(TITLE_PX, true, INK, HPos::Center, VPos::Top),
    )
}

/// A chart with only its title and "暂无数据".
fn empty_chart(title_text: &str) -> String {
    render(180, |area| {
        title(area, title_text)?;
        text(
            area,
            "暂无数据",
            (f64::from(WIDTH) / 2.0, 100.0),
            &style(LABEL_PX, false, MUTED, HPos::Center, VPos::Center),
        )
    })
}

const LEGEND_ROW: f64 = 20.0;
const LEGEND_GAP: f64 = 18.0;

fn legend_widths(items: &[(String, RGBColor, Swatch)]) -> Vec<f64> {
    items
        .iter()
        .map(|(label, _, _)| 26.0 + text_width(label, LABEL_PX, false))
        .collect()
}

/// Legend entries wrapped into rows that fit the chart width.
fn legend_rows(widths: &[f64]) -> Vec<Vec<usize>> {
    let max_row = f64::from(WIDTH) - 40.0;
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut row_w = 0.0;
    for (i, w) in widths.iter().enumerate() {
        match rows.last_mut() {
            Some(cur) if row_w + LEGEND_GAP + w <= max_row => {
                cur.push(i);
                row_w += LEGEND_GAP + w;
            }
            _ => {
                rows.push(vec![i]);
                row_w = *w;
            }
        }
    }
    rows
}

/// The height of the legend of `items`.
fn legend_height(items: &[(String, RGBColor, Swatch)]) -> f64 {
    LEGEND_ROW * legend_rows(&legend_widths(items)).len() as f64
}

/// Legend entries: a swatch (line, dashed line or box) and a label, in centred
/// rows starting at `top`. Returns the y below the legend.
fn legend(
    area: &Area,
    items: &[(String, RGBColor, Swatch)],
    top: f64,
) -> Result<f64, Box<dyn std::error::Error>> {
    let widths = legend_widths(items);
    let rows = legend_rows(&widths);
    for (r, row) in rows.iter().enumerate() {
        let total: f64 =
            row.iter().map(|&i| widths[i]).sum::<f64>() + LEGEND_GAP * (row.len() as f64 - 1.0);
        let mut x = (f64::from(WIDTH) - total) / 2.0;
        let y = top + LEGEND_ROW * r as f64 + LEGEND_ROW / 2.0;
        for &i in row {
            let (label, c, swatch) = &items[i];
            match swatch {
                Swatch::Line => line(area, (x, y), (x + 20.0, y), *c, 3)?,
                Swatch::Dashed => dashed(area, (x, y), (x + 20.0, y), *c, 2)?,
                Swatch::Box => rect(area, (x + 3.0, y - 6.0), (x + 17.0, y + 6.0), *c)?,
            }
            text(
                area,
                label,
                (x + 26.0, y),
                &style(LABEL_PX, false, INK, HPos::Left, VPos::Center),
            )?;
            x += widths[i] + LEGEND_GAP;
        }
    }
    Ok(top + LEGEND_ROW * rows.len() as f64)
}

#[derive(Debug, Clone, Copy)]
enum Swatch {
    Line,
    Dashed,
    Box,
}

/// "Nice" axis ticks covering `lo..=hi` with at most about `max_ticks` ticks.
fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let raw = (hi - lo) / (max_ticks.max(2) - 1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    ((first as i64)..=(last as i64))
        .map(|k| {
            let v = k as f64 * step;
            (v * 1e9).round() / 1e9
        })
        .collect()
}

/// Decimals needed to print ticks of spacing `step` exactly.
fn decimals_for(step: f64) -> usize {
    let mut d = 0;
    while d < 4
        && ((step * 10f64.powi(d as i32)).round() - step * 10f64.powi(d as i32)).abs() > 1e-6
    {
        d += 1;
    }
    d
}

/// A number with `decimals` decimals and thousands separators.
fn fmt_number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Decimals for data labels: none if all values are whole numbers, else one.
fn value_decimals(values: impl IntoIterator<Item = f64>) -> usize {
    if values.into_iter().all(|v| (v - v.round()).abs() < 1e-9) {
        0
    } else {
        1
    }
}

fn fmt_percent(v: f64, decimals: usize) -> String {
    format!("{}%", fmt_number(v * 100.0, decimals))
}

/// A linear mapping from data to pixels.
#[derive(Debug, Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    fn map(&self, v: f64) -> f64 {
        if (self.d1 - self.d0).abs() < f64::EPSILON {
            return self.p0;
        }
        self.p0 + (v - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }
}

/// Yearly trends, one line per series, with an optional published target
/// (e.g. `Some((0.99, "目标 99%"))`). `None` values and missing years break
/// the line. With one series every point carries its value.
pub fn trend_line(
    title_text: &str,
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
        return empty_chart(title_text);
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
        title(area, title_text)?;
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
                "注：纵轴未从 0 开始",
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

/// Horizontal bars ranked from the highest value down (e.g. counties by
/// caseload), with an optional reference line (e.g. `Some((20.0, "标准 1:20"))`).
/// Items without a value come last and read "无数据".
pub fn ranked_bars(
    title_text: &str,
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
    horizontal_bars(title_text, &categories, &series, reference, false)
}

/// Horizontal stacked bars, one per category (in the given order), one
/// segment per series (e.g. service coverage by type), with the total at the
/// end. `None` adds nothing to a bar; a category with no value reads "无数据".
pub fn stacked_bars(title_text: &str, categories: &[String], series: &[StackedSeries]) -> String {
    horizontal_bars(title_text, categories, series, None, true)
}

fn horizontal_bars(
    title_text: &str,
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
        return empty_chart(title_text);
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
        title(area, title_text)?;
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
            .fold(text_width("无数据", SMALL_PX, false), f64::max);
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
                None => ("无数据".to_string(), MUTED),
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

/// Month ticks for a follow-up of `max_day` days.
fn month_ticks(max_day: u32) -> Vec<u32> {
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
/// an entry for a column shows "—" there.
pub fn km_curves(title_text: &str, curves: &[KmCurve]) -> String {
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
        return empty_chart(title_text);
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
        title(area, title_text)?;
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
            "累计复吸率",
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
            "随访时间（月）",
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
            "风险人数",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_svg(svg: &str, title: &str) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(200)]);
        assert!(svg.contains(title), "title missing");
        assert!(svg.contains(r#"font-family="Noto Sans CJK SC""#));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    fn trend() -> Vec<TrendSeries> {
        vec![
            (
                "执行率".to_string(),
                vec![
                    (2019, Some(0.962)),
                    (2020, Some(0.975)),
                    (2021, None),
                    (2022, Some(0.981)),
                    (2023, Some(0.99)),
                ],
            ),
            (
                "全省".to_string(),
                vec![(2019, Some(0.95)), (2020, Some(0.97)), (2023, Some(0.985))],
            ),
        ]
    }

    #[test]
    fn trend_line_has_title_family_and_target() {
        let svg = trend_line(
            "社区戒毒执行率",
            &trend(),
            Some((0.99, "目标 99%")),
            YAxis::Percent,
        );
        assert_svg(&svg, "社区戒毒执行率");
        assert!(svg.contains("目标 99%"));
        assert!(svg.contains("2021"));
        assert!(svg.contains("纵轴未从 0 开始"));
        assert_eq!(
            svg,
            trend_line(
                "社区戒毒执行率",
                &trend(),
                Some((0.99, "目标 99%")),
                YAxis::Percent
            )
        );
    }

    #[test]
    fn trend_line_single_series_counts() {
        let s = vec![(
            "人数".to_string(),
            vec![(2021, Some(1234.0)), (2022, Some(1500.0)), (2023, None)],
        )];
        let svg = trend_line("在册吸毒人员数", &s, None, YAxis::Count);
        assert_svg(&svg, "在册吸毒人员数");
        assert!(svg.contains("1,234"), "data labels with separators");
    }

    #[test]
    fn empty_inputs_give_placeholder() {
        for svg in [
            trend_line("空", &[], None, YAxis::Count),
            trend_line(
                "空",
                &[("a".into(), vec![(2020, None)])],
                None,
                YAxis::Count,
            ),
            ranked_bars("空", &[], Some((20.0, "标准"))),
            ranked_bars("空", &[("甲县".into(), None)], None),
            km_curves("空", &[]),
            km_curves("空", &[("a".into(), vec![], vec![])]),
            stacked_bars("空", &[], &[]),
            stacked_bars("空", &["甲县".into()], &[("a".into(), vec![None])]),
        ] {
            assert_svg(&svg, "空");
            assert!(svg.contains("暂无数据"));
        }
    }

    #[test]
    fn ranked_bars_sorts_and_marks_missing() {
        let items = vec![
            ("甲县".to_string(), Some(18.0)),
            ("乙县".to_string(), None),
            ("丙区".to_string(), Some(31.5)),
        ];
        let svg = ranked_bars(
            "各县（区）社工人均管理人数",
            &items,
            Some((20.0, "标准 1:20")),
        );
        assert_svg(&svg, "各县（区）社工人均管理人数");
        assert!(svg.contains("无数据"));
        assert!(svg.contains("标准 1:20"));
        let (a, b, c) = (
            svg.find("丙区").unwrap(),
            svg.find("甲县").unwrap(),
            svg.find("乙县").unwrap(),
        );
        assert!(a < b && b < c, "ranked descending, missing last");
        assert_eq!(
            svg,
            ranked_bars(
                "各县（区）社工人均管理人数",
                &items,
                Some((20.0, "标准 1:20"))
            )
        );
    }

    #[test]
    fn km_curves_have_at_risk_table() {
        let curves = vec![
            (
                "2021年出所".to_string(),
                vec![(30, 0.05), (200, 0.12), (400, 0.2), (700, 0.26)],
                vec![(0, 250), (183, 210), (365, 180), (730, 120)],
            ),
            (
                "2022年出所".to_string(),
                vec![(60, 0.04), (300, 0.1)],
                vec![(0, 300), (183, 260), (365, 200)],
            ),
        ];
        let svg = km_curves("出所人员累计复吸率", &curves);
        assert_svg(&svg, "出所人员累计复吸率");
        assert!(svg.contains("风险人数"));
        assert!(svg.contains("250") && svg.contains("120"));
        assert!(svg.contains("—"), "no count past the follow-up");
        assert_eq!(svg, km_curves("出所人员累计复吸率", &curves));
    }

    #[test]
    fn stacked_bars_totals_and_none() {
        let cats = vec!["甲县".to_string(), "乙县".to_string()];
        let series = vec![
            ("就业帮扶".to_string(), vec![Some(12.0), None]),
            ("心理辅导".to_string(), vec![Some(30.0), Some(8.0)]),
        ];
        let svg = stacked_bars("服务覆盖情况", &cats, &series);
        assert_svg(&svg, "服务覆盖情况");
        assert!(svg.contains("就业帮扶") && svg.contains("42"));
        assert_eq!(svg, stacked_bars("服务覆盖情况", &cats, &series));
    }

    #[test]
    fn titles_are_escaped() {
        let svg = ranked_bars("<10 & more", &[("a".into(), Some(1.0))], None);
        assert!(svg.contains("&lt;10 &amp; more"));
    }

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_number(1234567.0, 0), "1,234,567");
        assert_eq!(fmt_number(-1234.5, 1), "-1,234.5");
        assert_eq!(fmt_number(-0.01, 1), "0.0");
        assert_eq!(fmt_percent(0.99, 0), "99%");
        assert_eq!(
            nice_ticks(0.0, 97.0, 6),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(month_ticks(730), vec![0, 6, 12, 18, 24]);
        assert_eq!(month_ticks(1096), vec![0, 6, 12, 18, 24, 30, 36]);
        assert_eq!(month_ticks(1400), vec![0, 12, 24, 36, 48]);
        assert!((text_width("禁毒ab", 10.0, false) - 31.81).abs() < 0.01);
    }
}
