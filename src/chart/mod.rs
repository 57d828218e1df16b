//! Charts for the reports, as SVG strings drawn with plotters.
//!
//! Every function is pure: data and words in, SVG text out, byte-identical for
//! the same input. The charts hold no words of their own: titles, axis titles,
//! notes, legend entries and the "no data" texts come from the caller in a
//! text struct per chart family ([`TrendText`], [`BarText`], [`KmText`]), so
//! one chart serves every report language. Text is drawn with the font family
//! [`FONT_FAMILY`] (the bundled Noto Sans CJK SC, which has Latin too), so
//! Typst renders it with its own fonts when the SVG is placed in a report.
//! Layout (label columns, legends) is measured with the font's advance widths
//! (see [`text_width`]).
//!
//! Missing values (`None`) are never drawn as zero: lines break, bars carry
//! the caller's "missing" word. A chart with no data at all still shows its
//! title and the caller's "no data" words.
//!
//! This module owns the shared drawing style (sizes, colours, text styles,
//! primitives); the chart families live in [`trend`], [`bars`] and [`km`],
//! legends in `legend`, axis ticks and scales in `axis`, and number formats
//! (one home for thousands separators, [`thousands`]) in [`numbers`].

mod axis;
pub mod bars;
pub mod km;
mod legend;
pub mod numbers;
pub mod trend;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use bars::{BarText, StackedSeries, ranked_bars, stacked_bars};
pub use km::{KmCurve, KmText, km_curves};
pub use numbers::thousands;
pub use trend::{TrendSeries, TrendText, YAxis, trend_line};

/// The font family of all chart text; must match the bundled font's family.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

const WIDTH: u32 = 720;
const TITLE_PX: f64 = 17.0;
const LABEL_PX: f64 = 12.5;
const SMALL_PX: f64 = 11.0;

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

/// A chart with only its title and the caller's `no_data` words.
fn empty_chart(title_text: &str, no_data: &str) -> String {
    render(180, |area| {
        title(area, title_text)?;
        text(
            area,
            no_data,
            (f64::from(WIDTH) / 2.0, 100.0),
            &style(LABEL_PX, false, MUTED, HPos::Center, VPos::Center),
        )
    })
}

#[cfg(test)]
mod tests;
