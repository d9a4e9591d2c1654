//! The legend column right of a chart's plots.
//!
//! Drawn here rather than by plotters' series labels: those clip the legend to the chart's
//! plotting area (where it would hide data) and size its box with plotters' own text
//! measurement, which on wasm writes a `style` attribute into the page (see `text`). The box
//! is sized with `text::size`.

use crate::svg::{Area, Group, Marks};
use crate::text::{self, Backend};
use crate::theme::Palette;
use crate::ChartError;
use plotters::element::{DynElement, IntoDynElement};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of the legend column, in pixels.
pub(crate) const WIDTH: u32 = 200;
/// The box's top left corner in the column.
const ORIGIN: (i32, i32) = (5, 25);
/// Space between the box's edge and its content.
const PADDING: i32 = 10;
/// Width of the swatch column, gap to the label included.
const SWATCH: i32 = 26;
/// Distance between two entries' centres.
const PITCH: i32 = 18;
/// plotters size of the labels.
const FONT_SIZE: u32 = 14;

type Swatch<'a> = Box<dyn Fn((i32, i32)) -> DynElement<'a, Backend<'a>, (i32, i32)> + 'a>;

pub(crate) struct Legend<'a> {
    column: Area<'a>,
    entries: Vec<(String, Swatch<'a>)>,
}

impl<'a> Legend<'a> {
    /// Splits `body` into the plots' area and the legend column.
    pub fn split(body: &Area<'a>) -> Result<(Area<'a>, Legend<'a>), ChartError> {
        let (plots, column) = body.split_horizontally(body.dim_in_pixel().0.saturating_sub(WIDTH));
        Ok((plots, Legend { column, entries: Vec::new() }))
    }

    /// One entry: `swatch` draws the sample at the given point (left middle of the entry).
    pub fn entry<E, F>(&mut self, label: &str, swatch: F) -> Result<(), ChartError>
    where
        E: IntoDynElement<'a, Backend<'a>, (i32, i32)>,
        F: Fn((i32, i32)) -> E + 'a,
    {
        self.entries.push((label.to_string(), Box::new(move |at| swatch(at).into_dyn())));
        Ok(())
    }

    /// A filled square in `color`.
    pub fn swatch(&mut self, label: &str, color: RGBColor) -> Result<(), ChartError> {
        self.entry(label, move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()))
    }

    pub fn draw(self, root: &Area, marks: &mut Marks, p: &Palette) -> Result<(), ChartError> {
        let Legend { column, entries } = self;
        if entries.is_empty() {
            return marks.group(root, Group::new("legend"), |_| Ok(()));
        }
        let font = p.font(FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let widest =
            entries.iter().map(|(label, _)| text::size(label, f64::from(FONT_SIZE)).0).max().unwrap_or(0) as i32;
        let (x0, y0) = ORIGIN;
        let room = column.dim_in_pixel().0 as i32 - x0 - 5;
        let width = (widest + SWATCH + 2 * PADDING).min(room.max(SWATCH + 2 * PADDING));
        let height = 2 * PADDING + PITCH * entries.len() as i32;
        marks.group(root, Group::new("legend"), |_| {
            let corners = [(x0, y0), (x0 + width, y0 + height)];
            column.draw(&Rectangle::new(corners, p.background.filled()))?;
            column.draw(&Rectangle::new(corners, p.axis))?;
            for (i, (label, swatch)) in entries.iter().enumerate() {
                let y = y0 + PADDING + PITCH * i as i32 + PITCH / 2;
                column.draw(&swatch((x0 + PADDING, y)))?;
                column.draw(&Text::new(label.as_str(), (x0 + PADDING + SWATCH, y), font.clone()))?;
            }
            Ok(())
        })
    }
}
