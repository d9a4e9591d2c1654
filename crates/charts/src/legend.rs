//! The legend column right of a chart's plots, drawn by plotters' series labels.
//!
//! plotters clips a legend to its chart's plotting area, where it would hide data; so the
//! legend gets a chart of its own (no axes, no data) that fills the column.

use crate::svg::{Area, Group, Marks};
use crate::theme::Palette;
use crate::ChartError;
use plotters::coord::types::RangedCoordi32;
use plotters::element::IntoDynElement;
use plotters::prelude::*;

/// Width of the legend column, in pixels.
pub(crate) const WIDTH: u32 = 200;

pub(crate) struct Legend<'a> {
    chart: ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordi32, RangedCoordi32>>,
}

impl<'a> Legend<'a> {
    /// Splits `body` into the plots' area and the legend column.
    pub fn split(body: &Area<'a>) -> Result<(Area<'a>, Legend<'a>), ChartError> {
        let (plots, column) = body.split_horizontally(body.dim_in_pixel().0.saturating_sub(WIDTH));
        let chart = ChartBuilder::on(&column).margin_top(20).margin_right(10).build_cartesian_2d(0..1, 0..1)?;
        Ok((plots, Legend { chart }))
    }

    /// One entry: `swatch` draws the sample at the given point (left middle of the entry).
    pub fn entry<E, F>(&mut self, label: &str, swatch: F) -> Result<(), ChartError>
    where
        E: IntoDynElement<'a, SVGBackend<'a>, (i32, i32)>,
        F: Fn((i32, i32)) -> E + 'a,
    {
        self.chart.draw_series(std::iter::empty::<Rectangle<(i32, i32)>>())?.label(label).legend(swatch);
        Ok(())
    }

    /// A filled square in `color`.
    pub fn swatch(&mut self, label: &str, color: RGBColor) -> Result<(), ChartError> {
        self.entry(label, move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()))
    }

    pub fn draw(mut self, root: &Area, marks: &mut Marks, p: &Palette) -> Result<(), ChartError> {
        marks.group(root, Group::new("legend"), |_| {
            self.chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .legend_area_size(26)
                .background_style(p.background.filled())
                .border_style(p.axis)
                .label_font(p.font(14))
                .draw()?;
            Ok(())
        })
    }
}
