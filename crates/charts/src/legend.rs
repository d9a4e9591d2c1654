//! A chart's legend: a column right of the plots, or, in the narrow layout, rows under them.
//!
//! Drawn here rather than by plotters' series labels: those clip the legend to the chart's
//! plotting area (where it would hide data) and size its box with plotters' own text
//! measurement, which on wasm writes a `style` attribute into the page (see `text`). The box
//! is sized with `text::size`. Entries are known before drawing, so that a narrow chart's height
//! can include the legend's rows.

use crate::layout::{Layout, SMALLEST};
use crate::svg::{Group, Marks};
use crate::text;
use crate::text::Area;
use crate::theme::Palette;
use crate::ChartError;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of the legend column, in pixels.
const WIDTH: u32 = 200;
/// The box's top left corner in the column.
const ORIGIN: (i32, i32) = (5, 25);
/// Space between the box's edge and its content.
const PADDING: i32 = 10;
/// Width of the swatch column, gap to the label included.
const SWATCH: i32 = 26;
/// Distance between two entries' centres.
const PITCH: i32 = 18;
/// Space between two entries side by side, and above and below the box under the plots.
const GAP: i32 = 16;
/// plotters size of the labels.
const FONT_SIZE: u32 = SMALLEST;

/// The sample drawn before a label.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    /// A filled square.
    Square(RGBColor),
    /// A square's outline.
    Outline(RGBColor),
    /// A min..max whisker around a median circle.
    Whisker(ShapeStyle),
    /// A dashed line, across or (for a vertical marker) upright.
    Dashes { style: ShapeStyle, upright: bool },
}

impl Swatch {
    /// Draws the sample with its left middle at `(x, y)`.
    fn draw(self, area: &Area, (x, y): (i32, i32)) -> Result<(), ChartError> {
        match self {
            Swatch::Square(color) => area.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()))?,
            Swatch::Outline(color) => {
                area.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.stroke_width(2)))?
            }
            Swatch::Whisker(style) => area.draw(&ErrorBar::new_vertical(x + 7, y - 7, y, y + 7, style, 8))?,
            Swatch::Dashes { style, upright: false } => {
                area.draw(&DashedPathElement::new(vec![(x, y), (x + 18, y)], 5, 3, style))?
            }
            Swatch::Dashes { style, upright: true } => {
                area.draw(&DashedPathElement::new(vec![(x + 9, y - 8), (x + 9, y + 8)], 3, 3, style))?
            }
        }
        Ok(())
    }
}

pub(crate) struct Legend {
    layout: Layout,
    entries: Vec<(String, Swatch)>,
}

impl Legend {
    pub fn new(layout: Layout) -> Legend {
        Legend { layout, entries: Vec::new() }
    }

    pub fn entry(&mut self, label: &str, swatch: Swatch) {
        self.entries.push((label.to_string(), swatch));
    }

    /// A filled square in `color`.
    pub fn swatch(&mut self, label: &str, color: RGBColor) {
        self.entry(label, Swatch::Square(color));
    }

    /// Width of one entry, swatch and label.
    fn entry_width(&self) -> i32 {
        let widest = self.entries.iter().map(|(label, _)| text::size(label, f64::from(FONT_SIZE)).0).max();
        widest.unwrap_or(0) as i32 + SWATCH
    }

    /// Entries side by side in the narrow layout's rows (one per row in the column): as many as
    /// fit, spread evenly over the rows they need.
    fn columns(&self) -> i32 {
        let n = self.entries.len().max(1) as i32;
        if !self.layout.narrow {
            return 1;
        }
        let room = self.layout.width as i32 - GAP - 2 * PADDING;
        let fit = ((room + GAP) / (self.entry_width() + GAP)).clamp(1, n);
        let rows = (n + fit - 1) / fit;
        (n + rows - 1) / rows
    }

    fn rows(&self) -> i32 {
        let n = self.entries.len() as i32;
        (n + self.columns() - 1) / self.columns()
    }

    /// Height of the band the narrow layout puts under the plots (0 in the wide layout).
    pub fn height(&self) -> u32 {
        if !self.layout.narrow || self.entries.is_empty() {
            return 0;
        }
        (GAP + 2 * PADDING + PITCH * self.rows()) as u32
    }

    /// Splits `body` into the plots' area and the legend's: a column on the right, or in the
    /// narrow layout a band of [`Legend::height`] at the bottom.
    pub fn split<'a>(&self, body: &Area<'a>) -> (Area<'a>, Area<'a>) {
        let (w, h) = body.dim_in_pixel();
        if self.layout.narrow {
            body.split_vertically(h.saturating_sub(self.height()))
        } else {
            body.split_horizontally(w.saturating_sub(WIDTH))
        }
    }

    /// Draws the legend in `area` (from [`Legend::split`]) as a `g.legend` group.
    pub fn draw(&self, area: &Area, root: &Area, marks: &mut Marks, p: &Palette) -> Result<(), ChartError> {
        if self.entries.is_empty() {
            return marks.group(root, Group::new("legend"), |_| Ok(()));
        }
        let font = p.font(FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let columns = self.columns();
        let room = area.dim_in_pixel().0 as i32;
        let (x0, y0, width) = if self.layout.narrow {
            let width = (columns * (self.entry_width() + GAP) - GAP + 2 * PADDING).min(room - GAP);
            ((room - width) / 2, GAP / 2, width)
        } else {
            let (x0, y0) = ORIGIN;
            let fits = room - x0 - 5;
            (x0, y0, (self.entry_width() + 2 * PADDING).min(fits.max(SWATCH + 2 * PADDING)))
        };
        let height = 2 * PADDING + PITCH * self.rows();
        marks.group(root, Group::new("legend"), |_| {
            let corners = [(x0, y0), (x0 + width, y0 + height)];
            area.draw(&Rectangle::new(corners, p.background.filled()))?;
            area.draw(&Rectangle::new(corners, p.axis))?;
            for (i, (label, swatch)) in self.entries.iter().enumerate() {
                let (row, column) = (i as i32 / columns, i as i32 % columns);
                let x = x0 + PADDING + column * (self.entry_width() + GAP);
                let y = y0 + PADDING + PITCH * row + PITCH / 2;
                swatch.draw(area, (x, y))?;
                area.draw(&Text::new(label.as_str(), (x + SWATCH, y), font.clone()))?;
            }
            Ok(())
        })
    }
}
