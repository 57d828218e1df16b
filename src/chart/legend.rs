//! Chart legends: entries (a swatch and a label) wrapped into centred rows that
//! fit the chart width.

use plotters::prelude::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Area, INK, LABEL_PX, WIDTH, dashed, line, rect, style, text, text_width};

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
pub(super) fn legend_height(items: &[(String, RGBColor, Swatch)]) -> f64 {
    LEGEND_ROW * legend_rows(&legend_widths(items)).len() as f64
}

/// Legend entries: a swatch (line, dashed line or box) and a label, in centred
/// rows starting at `top`. Returns the y below the legend.
pub(super) fn legend(
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

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    Line,
    Dashed,
    Box,
}
