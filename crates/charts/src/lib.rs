//! Results -> standalone SVG charts, drawn with the plotters SVG backend.
//!
//! - [`bars`]: grouped bars, one group per worker count, one bar per mode (median time, with a
//!   min..max whisker); skipped runs are listed under the chart, unverified runs are marked.
//! - [`scaling`]: time and speedup vs workers (log2 axis), one series per mode, ideal line,
//!   the machine's core count marked.
//! - [`timeline`]: one run's trace, one lane per worker, GIL and I/O waits shaded.
//!
//! Every function returns a complete `<svg>` document (with a `viewBox`, so CSS can scale it) or
//! a [`ChartError`]; none panics on odd input.
//!
//! # Width
//! Each function takes the width, in CSS pixels, of the box the chart will fill, and draws the
//! chart that wide, so that its text shows at the size written (one SVG unit = one CSS pixel):
//! never wider than the chart's design width (880 px for bars, 1040 for the others; a wider box
//! scales it up), never narrower than [`MIN_WIDTH`] (a narrower box scales it down); pass
//! `u32::MAX` for the design width. Below [`NARROW_BELOW`] the layout is made for the width: the
//! legend under the plots, the scaling panels one above the other, at most 5 ticks on an axis of
//! values, worker counts thinned so that their labels keep apart, titles and notes wrapped, and
//! no text under [`MIN_TEXT_PX`]. The page redraws its charts when their box changes width.
//!
//! # Structure for tests and scripts
//! plotters emits bare shapes, so the charts wrap what belongs together in `<g>` elements with
//! a class and `data-*` attributes (values escaped; numbers as plain decimals, e.g. `100.4`);
//! a group with a tooltip has a `<title>` as its first child. Inside a group, plotters' own
//! elements follow in drawing order. Counting these groups is the supported way to read a chart:
//!
//! - root: `<svg class="threadlab-chart" data-chart="bars|scaling|timeline" data-theme="light|dark"
//!   data-layout="wide|narrow">` whose first child is a `<title>`. Every chart has one `g.legend`,
//!   and a `g.axes` per plot (`data-panel` in the scaling chart) holding its axes, grid, tick
//!   labels and axis names.
//! - bars: one `g.series[data-mode]` per mode with a measured run, in `Mode::ALL` order, each
//!   holding one `g.bar[data-mode][data-workers][data-median-ms][data-min-ms][data-max-ms][data-verified]`
//!   per measured run, ascending workers. A bar group's first `<rect>` is the bar (from 0 to the
//!   median); an unverified run's bar also holds a `g.unverified` mark. Runs not measured are not
//!   drawn: each (mode, reason) gets a `g.skipped[data-mode][data-workers]` note line, where
//!   `data-workers` lists worker counts separated by spaces; each unverified run also gets a
//!   `g.unverified-note[data-mode][data-workers]` line with its first error.
//! - scaling: two panels, `P` = `time` and `speedup`. Per panel, one `g.series[data-panel=P][data-mode]`
//!   per mode with a value there, each holding one `g.point[data-workers][data-value][data-min][data-max]`
//!   per run (ms for time; × for speedup, whose spread is the baseline over the slowest and
//!   fastest sample); `g.ideal[data-panel=P]` (absent from the time panel without a sequential or
//!   1-worker run); `g.cores[data-panel=P][data-cores]` (absent when `env.cores` is 0).
//! - timeline: the root also has `data-mode` and `data-workers`. One `g.lane[data-worker][data-lane]`
//!   per distinct worker id (ids ascending, lane 0 drawn at the top); its first `<rect>` is the
//!   lane's background. Each holds one `g.task[data-task][data-worker][data-start-ms][data-end-ms]`
//!   per trace event of that worker (class `task failed` and `data-error` when it failed). A task
//!   group's first `<rect>` is the bar, from start to end on the x axis (width 0 for a zero-length
//!   task, which is also drawn as a line); inside, `g.gil-waits`, `g.lock-waits`, `g.io-waits`
//!   and `g.passing` (a `pass` input on its way to a process worker), present only when there
//!   are any, hold one `<rect>` per interval, and a failed task holds a `g.failed` mark.
//!
//! plotters writes each `<text>`'s content on a line of its own: trim `textContent` before
//! comparing it.
//!
//! # Text and wasm size
//! No font is embedded: SVG text is laid out by whoever displays the SVG. The layout (titles,
//! legend boxes) needs text sizes, which the charts compute themselves ([`text_size`]: a table
//! of DejaVu Sans advance widths, an upper bound for the usual `sans-serif` fonts) and hand to
//! plotters through their own backend, so plotters never measures text. (Left to itself,
//! plotters measures text on wasm with a `<span style="...">` in the page's DOM, which the page's
//! Content-Security-Policy refuses.) So the output is the same natively and in the browser, and
//! these functions need no DOM.
//!
//! In a release wasm module (LTO, opt-level 3, then wasm-bindgen and `wasm-opt -O3`) the three
//! charts add about 200 KB (80 KB gzipped) to one that already reads reports and writes the
//! verdict.

mod bars;
mod data;
mod layout;
mod legend;
mod scaling;
mod svg;
mod text;
mod theme;
mod timeline;

pub use bars::bars;
pub use layout::{MIN_TEXT_PX, MIN_WIDTH, NARROW_BELOW};
pub use scaling::scaling;
pub use text::size as text_size;
pub use theme::Theme;
pub use timeline::timeline;

use plotters::drawing::DrawingAreaErrorKind;
use std::fmt;

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartError {
    /// Nothing to draw (no measured run, an empty trace); says why in plain words.
    NoData(String),
    /// Numbers that cannot be placed on an axis (NaN, infinite).
    Invalid(String),
    /// plotters failed to draw.
    Draw(String),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::NoData(why) => write!(f, "nothing to chart: {why}"),
            ChartError::Invalid(why) => write!(f, "cannot chart: {why}"),
            ChartError::Draw(why) => write!(f, "chart drawing failed: {why}"),
        }
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}
