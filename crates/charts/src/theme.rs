//! Light and dark palettes. Mode colours follow Okabe-Ito (safe for colour-blind readers); the
//! dark variants are lighter so they keep their contrast on a dark background.

use crate::text::Backend;
use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use threadlab_lab::Mode;

/// Which colour scheme a chart is drawn in; the page picks it from `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

pub(crate) struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub axis: RGBColor,
    pub grid: RGBColor,
    /// Indexed like `Mode::ALL`.
    pub modes: [RGBColor; 5],
    pub task: RGBColor,
    pub task_label: RGBColor,
    pub gil: RGBColor,
    /// Blocked on a lock another thread holds.
    pub lock: RGBColor,
    /// A `pass` input on its way to a process worker.
    pub pass: RGBColor,
    pub io: RGBColor,
    pub error: RGBColor,
    pub ideal: RGBColor,
    pub cores: RGBColor,
    pub lane: RGBColor,
}

const LIGHT: Palette = Palette {
    background: RGBColor(0xFF, 0xFF, 0xFF),
    text: RGBColor(0x1F, 0x23, 0x28),
    axis: RGBColor(0x57, 0x60, 0x6A),
    grid: RGBColor(0xE4, 0xE7, 0xEB),
    modes: [
        RGBColor(0x6E, 0x77, 0x81),
        RGBColor(0x00, 0x72, 0xB2),
        RGBColor(0xD5, 0x5E, 0x00),
        RGBColor(0x00, 0x9E, 0x73),
        RGBColor(0xCC, 0x79, 0xA7),
    ],
    task: RGBColor(0x5B, 0x6B, 0x7F),
    task_label: RGBColor(0xFF, 0xFF, 0xFF),
    gil: RGBColor(0xE6, 0x9F, 0x00),
    lock: RGBColor(0x88, 0x22, 0x55),
    pass: RGBColor(0x00, 0x9E, 0x73),
    io: RGBColor(0x56, 0xB4, 0xE9),
    error: RGBColor(0xCF, 0x22, 0x2E),
    ideal: RGBColor(0x44, 0x4C, 0x56),
    cores: RGBColor(0x82, 0x50, 0xDF),
    lane: RGBColor(0xF3, 0xF5, 0xF7),
};

const DARK: Palette = Palette {
    // The page's dark card (www/style.css `--card`), so a chart sits flush in its figure.
    background: RGBColor(0x1D, 0x20, 0x27),
    text: RGBColor(0xE6, 0xED, 0xF3),
    axis: RGBColor(0x8B, 0x94, 0x9E),
    grid: RGBColor(0x30, 0x35, 0x3F),
    modes: [
        RGBColor(0xB1, 0xBA, 0xC4),
        RGBColor(0x56, 0xB4, 0xE9),
        RGBColor(0xF0, 0x88, 0x3E),
        RGBColor(0x3F, 0xCF, 0x9F),
        RGBColor(0xE8, 0x9B, 0xCB),
    ],
    task: RGBColor(0x8F, 0x9F, 0xB3),
    task_label: RGBColor(0x0D, 0x11, 0x17),
    gil: RGBColor(0xFF, 0xC1, 0x3B),
    lock: RGBColor(0xFF, 0x8F, 0xC8),
    pass: RGBColor(0x3D, 0xDB, 0xA8),
    io: RGBColor(0x4F, 0xC3, 0xF7),
    error: RGBColor(0xFF, 0x7B, 0x72),
    ideal: RGBColor(0xC9, 0xD1, 0xD9),
    cores: RGBColor(0xD2, 0xA8, 0xFF),
    lane: RGBColor(0x26, 0x2A, 0x33),
};

pub(crate) const FONT: &str = "sans-serif";
/// plotters size of the notes under a chart.
pub(crate) const NOTE_SIZE: u32 = 15;

impl Theme {
    /// `"light"` or `"dark"`, as written to the chart's `data-theme`.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub(crate) fn palette(self) -> &'static Palette {
        match self {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }
}

impl Palette {
    /// The `i`-th shade of `color`, towards the background: a mode's variants side by side.
    pub fn shade(&self, color: RGBColor, i: usize) -> RGBColor {
        let toward = [0.0, 0.45, 0.7][i.min(2)];
        let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * toward).round() as u8;
        let bg = self.background;
        RGBColor(mix(color.0, bg.0), mix(color.1, bg.1), mix(color.2, bg.2))
    }

    pub fn mode(&self, mode: Mode) -> RGBColor {
        let i = Mode::ALL.iter().position(|m| *m == mode).unwrap_or(0);
        self.modes[i]
    }

    pub fn font(&self, size: u32) -> TextStyle<'static> {
        (FONT, size).into_font().color(&self.text)
    }

    /// Text anchored at its left edge, vertically centred on the point.
    pub fn note_font(&self, color: RGBColor) -> TextStyle<'static> {
        (FONT, NOTE_SIZE).into_font().color(&color).pos(Pos::new(HPos::Left, VPos::Center))
    }
}

/// Axes, grid and labels in the theme's colours; the caller adds formatters and draws.
pub(crate) fn mesh<'a, 'b, X, Y>(
    chart: &'b mut ChartContext<'a, Backend<'a>, Cartesian2d<X, Y>>,
    p: &Palette,
    x_desc: &str,
    y_desc: &str,
) -> MeshStyle<'a, 'b, X, Y, Backend<'a>>
where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .axis_style(p.axis)
        .bold_line_style(p.grid)
        .light_line_style(TRANSPARENT)
        .label_style(p.font(14))
        .axis_desc_style(p.font(15));
    mesh
}

/// A tick label: at most two decimals, no trailing zeros.
pub(crate) fn tick(v: &f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
