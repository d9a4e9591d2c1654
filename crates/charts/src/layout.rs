//! How a chart is laid out for the width of the box that shows it.
//!
//! A chart is drawn at the width it is shown at, so that one SVG unit is one CSS pixel and its
//! text keeps the size written into it. It is never drawn wider than its design width: a wider
//! box scales it up (CSS `width: 100%`), as on a desktop screen. Below [`NARROW_BELOW`] pixels
//! (a phone, a narrow window) the chart is laid out for the width: the legend goes under the
//! plots, the scaling chart's two panels one above the other, axes get fewer ticks, titles and
//! notes wrap, and no text is smaller than [`MIN_TEXT_PX`].

use crate::text;
use crate::text::Area;
use crate::ChartError;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Boxes narrower than this (CSS pixels) get the narrow layout.
pub const NARROW_BELOW: u32 = 720;
/// Charts are never drawn narrower than this; a smaller box scales them down.
pub const MIN_WIDTH: u32 = 260;
/// The smallest text a narrow chart writes, in CSS pixels (plotters size [`SMALLEST`]).
pub const MIN_TEXT_PX: f64 = 11.0;
/// The plotters size of the smallest text: the SVG shows it at 14 / 1.24 = 11.3 px.
pub(crate) const SMALLEST: u32 = 14;
/// Value-axis ticks (at most) of the narrow layout; the wide one keeps plotters' default, 10.
const NARROW_TICKS: usize = 5;
/// Least distance (px) between the centres of two tick labels on a key-point axis (worker counts).
const KEY_GAP_PX: f64 = 32.0;

/// The width a chart is drawn at and whether it is narrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub width: u32,
    pub narrow: bool,
}

impl Layout {
    /// The layout for a box `box_width` CSS pixels wide, for a chart designed `design` wide.
    pub fn new(box_width: u32, design: u32) -> Layout {
        let width = box_width.clamp(MIN_WIDTH, design.max(MIN_WIDTH));
        Layout { width, narrow: width < NARROW_BELOW }
    }

    pub fn name(self) -> &'static str {
        if self.narrow {
            "narrow"
        } else {
            "wide"
        }
    }

    /// plotters size of the chart's title.
    pub fn title_size(self) -> u32 {
        if self.narrow {
            18
        } else {
            22
        }
    }

    /// At most this many ticks on an axis of values (time, speedup).
    pub fn value_ticks(self) -> usize {
        if self.narrow {
            NARROW_TICKS
        } else {
            10
        }
    }

    /// Width of the label area left of a plot (tick labels and the rotated axis name).
    pub fn y_label_area(self, wide: u32) -> u32 {
        if self.narrow {
            wide.min(52)
        } else {
            wide
        }
    }

    /// The lines of the title and the height they take, as [`titled`] draws them.
    pub fn title_lines(self, title: &str) -> (Vec<String>, u32) {
        let size = f64::from(self.title_size());
        let lines = text::wrap(title, size, self.width.saturating_sub(2 * TITLE_SIDE));
        let line = text::size("Ag", size).1;
        let height = 2 * (line / 2).min(5) + line * lines.len() as u32;
        (lines, height)
    }
}

/// Room left free on each side of a title line.
const TITLE_SIDE: u32 = 10;

/// Draws `title` centred at the top of `area` on as many lines as the layout's width needs and
/// returns the area below it (for a title on one line, what plotters' `titled` does).
pub(crate) fn titled<'a>(
    area: &Area<'a>,
    layout: Layout,
    title: &str,
    font: TextStyle<'static>,
) -> Result<Area<'a>, ChartError> {
    let (lines, height) = layout.title_lines(title);
    let line = text::size("Ag", f64::from(layout.title_size())).1 as i32;
    let pad = (line / 2).min(5);
    let x = area.dim_in_pixel().0 as i32 / 2;
    let style = font.pos(Pos::new(HPos::Center, VPos::Top));
    for (i, text) in lines.iter().enumerate() {
        area.draw(&Text::new(text.as_str(), (x, pad + line * i as i32), style.clone()))?;
    }
    Ok(area.split_vertically(height).1)
}

/// The keys of an axis of worker counts whose labels keep [`KEY_GAP_PX`] apart, first and last
/// kept: `at` gives a key's position as a fraction of the axis, `axis_px` its length.
pub(crate) fn thin<T: Copy>(keys: &[T], at: impl Fn(T) -> f64, axis_px: f64) -> Vec<T> {
    let mut kept: Vec<T> = Vec::new();
    for &key in keys {
        match kept.last() {
            Some(&last) if (at(key) - at(last)) * axis_px < KEY_GAP_PX => {}
            _ => kept.push(key),
        }
    }
    // The last key is the most telling (the most workers): it replaces its neighbour if needed.
    if let (Some(&last), Some(&kept_last)) = (keys.last(), kept.last()) {
        if at(last) != at(kept_last) {
            if (at(last) - at(kept_last)) * axis_px < KEY_GAP_PX {
                kept.pop();
            }
            kept.push(last);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_is_the_box_s_within_bounds() {
        assert_eq!(Layout::new(350, 880), Layout { width: 350, narrow: true });
        assert_eq!(Layout::new(1048, 880), Layout { width: 880, narrow: false });
        assert_eq!(Layout::new(800, 1040), Layout { width: 800, narrow: false });
        assert_eq!(Layout::new(0, 880).width, MIN_WIDTH);
        assert_eq!(Layout::new(u32::MAX, 1040).width, 1040);
    }

    #[test]
    fn thinning_keeps_labels_apart_and_both_ends() {
        let keys: Vec<u32> = (1..=16).collect();
        let at = |k: u32| f64::from(k - 1) / 15.0;
        let kept = thin(&keys, at, 160.0);
        assert_eq!(kept.first(), Some(&1));
        assert_eq!(kept.last(), Some(&16));
        for pair in kept.windows(2) {
            assert!((at(pair[1]) - at(pair[0])) * 160.0 >= KEY_GAP_PX, "{kept:?}");
        }
        assert_eq!(thin(&keys, at, 10_000.0), keys, "all fit a long axis");
        assert_eq!(thin(&[4u32], |_| 0.5, 100.0), [4]);
        assert!(thin::<u32>(&[], at, 100.0).is_empty());
    }
}
