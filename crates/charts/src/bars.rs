//! Grouped bars: one group per worker count, one bar per mode measured at that count.

use crate::data::{self, fmt_num, Cell, Series};
use crate::layout::{self, Layout};
use crate::legend::{Legend, Swatch};
use crate::svg::{render, Group, Marks};
use crate::text::{self, Area, Backend};
use crate::theme::{self, Palette, Theme, FONT};
use crate::ChartError;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use threadlab_lab::report::Report;

/// The design width (the wide layout's widest).
const WIDTH: u32 = 880;
/// Height of the plot under the title: wide, narrow (where the legend goes under it).
const PLOT_HEIGHT: (u32, u32) = (409, 300);
const NOTE_LINE: u32 = 20;
/// Notes start this far from the left edge.
const NOTE_X: i32 = 20;
const GROUP: i32 = 1000;

/// Median time per (workers, mode) as grouped bars with min..max whiskers, laid out for a box
/// `width` CSS pixels wide (see the crate's documentation).
pub fn bars(report: &Report, theme: Theme, width: u32) -> Result<String, ChartError> {
    let cells = data::measured(report)?;
    let p = theme.palette();
    let layout = Layout::new(width, WIDTH);
    let slots = Slots::new(&cells);
    let y_max = positive(cells.iter().map(|c| c.max).fold(0.0, f64::max) * 1.12);
    let notes = notes(report, p, layout);
    let lines = notes.iter().map(|n| n.lines.len()).sum::<usize>() as u32;
    let series = data::series(&cells);
    let legend = legend(&cells, &series, layout, p);

    let title = format!("{} ({} tasks): median time per mode", report.spec.workload.kind_name(), report.spec.tasks);
    let (_, title_height) = layout.title_lines(&title);
    let plot_height = if layout.narrow { PLOT_HEIGHT.1 } else { PLOT_HEIGHT.0 };
    let top_height = title_height + plot_height + legend.height();
    let height = top_height + NOTE_LINE * lines + if notes.is_empty() { 0 } else { 10 };
    render("bars", theme, (layout, height), &title, &[], |root, marks| {
        let (top, bottom) = root.split_vertically(top_height);
        let body = layout::titled(&top, layout, &title, p.font(layout.title_size()))?;
        let (plot, legend_area) = legend.split(&body);
        let mut chart = axes(&plot, root, marks, layout, p, &slots.groups, y_max)?;
        for s in &series {
            marks.group(root, s.attrs(Group::new("series")), |marks| {
                for c in cells.iter().filter(|c| c.series == *s) {
                    draw_bar(root, marks, &mut chart, p, c, &slots, y_max)?;
                }
                Ok(())
            })?;
        }
        legend.draw(&legend_area, root, marks, p)?;
        draw_notes(&bottom, root, marks, p, notes)
    })
}

/// Where bars stand. x is in thousandths of a group (plotters can put chosen ticks on an integer
/// axis only): group g, of the g-th smallest worker count, is centred on g * GROUP, its bars
/// side by side around it in the order of the report's runs, all as wide as the fullest
/// group's.
struct Slots<'a> {
    cells: &'a [Cell],
    groups: Vec<u32>,
    bar_width: i32,
}

impl<'a> Slots<'a> {
    fn new(cells: &'a [Cell]) -> Slots<'a> {
        let mut groups: Vec<u32> = cells.iter().map(|c| c.workers).collect();
        groups.sort_unstable();
        groups.dedup();
        let mut slots = Slots { cells, groups, bar_width: 0 };
        let fullest = slots.groups.iter().map(|&w| slots.in_group(w).count()).max().unwrap_or(1);
        slots.bar_width = GROUP * 8 / 10 / fullest as i32;
        slots
    }

    fn in_group(&self, workers: u32) -> impl Iterator<Item = &'a Cell> {
        self.cells.iter().filter(move |c| c.workers == workers)
    }

    /// The centre of `c`'s bar.
    fn x(&self, c: &Cell) -> i32 {
        let g = self.groups.iter().position(|&w| w == c.workers).unwrap_or(0) as i32;
        let n = self.in_group(c.workers).count() as i32;
        let i = self.in_group(c.workers).position(|o| o.series == c.series).unwrap_or(0) as i32;
        g * GROUP + (2 * i - (n - 1)) * self.bar_width / 2
    }
}

/// A sentence under the plot, wrapped to the chart's width: a mode not run, or a run not verified.
struct Note {
    group: Group,
    lines: Vec<String>,
    color: RGBColor,
}

/// What the bars cannot show: runs skipped (by mode, with their reason) and why a run is not
/// verified (its first error).
fn notes(report: &Report, p: &Palette, layout: Layout) -> Vec<Note> {
    let room = layout.width.saturating_sub(2 * NOTE_X as u32);
    let note =
        |group, text: String, color| Note { group, lines: text::wrap(&text, f64::from(theme::NOTE_SIZE), room), color };
    let skipped = data::not_measured(report).into_iter().map(|n| {
        let group = Group::new("skipped").attr("data-mode", n.mode.name()).attr("data-workers", n.workers_attr());
        note(group, format!("not run: {}", n.text()), p.axis)
    });
    let unverified = report.runs.iter().filter(|r| Cell::of(r).is_some_and(|c| !c.verified)).map(|run| {
        let why = run.errors.first().map(|e| data::clean(e, 90)).unwrap_or_else(|| "not verified".into());
        let group = Group::new("unverified-note").attr("data-mode", run.mode.name()).attr("data-workers", run.workers);
        note(group, format!("✗ {} at {}: {why}", run.series(), data::count(run.workers as usize, "worker")), p.error)
    });
    skipped.chain(unverified).collect()
}

/// A swatch per series drawn, the whisker, and the not-verified mark when a bar has it.
fn legend(cells: &[Cell], series: &[Series], layout: Layout, p: &Palette) -> Legend {
    let mut legend = Legend::new(layout);
    for s in series {
        legend.swatch(&s.name(), s.color(p));
    }
    legend.entry("min..max, ○ median", Swatch::Whisker(p.text.stroke_width(1)));
    if cells.iter().any(|c| !c.verified) {
        legend.entry("✗ not verified", Swatch::Outline(p.error));
    }
    legend
}

type Chart<'a> = ChartContext<'a, Backend<'a>, Cartesian2d<WithKeyPoints<RangedCoordi32>, RangedCoordf64>>;

/// The plot's coordinates and its axes: a tick per worker count (thinned where they would
/// crowd), time from 0 to `y_max`.
fn axes<'a>(
    plot: &Area<'a>,
    root: &Area,
    marks: &mut Marks,
    layout: Layout,
    p: &Palette,
    groups: &[u32],
    y_max: f64,
) -> Result<Chart<'a>, ChartError> {
    let y_area = layout.y_label_area(64);
    let axis_px = f64::from(plot.dim_in_pixel().0.saturating_sub(y_area + 24));
    let n = groups.len() as f64;
    let keys: Vec<i32> = (0..groups.len() as i32).map(|g| g * GROUP).collect();
    let keys = layout::thin(&keys, |k| (f64::from(k / GROUP) + 0.5) / n, axis_px);
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(y_area)
        .build_cartesian_2d((-GROUP / 2..groups.len() as i32 * GROUP - GROUP / 2).with_key_points(keys), 0.0..y_max)?;
    let label = |x: &i32| groups.get((*x / GROUP).max(0) as usize).map(u32::to_string).unwrap_or_default();
    marks.group(root, Group::new("axes"), |_| {
        theme::mesh(&mut chart, p, "workers", "median time (ms)")
            .disable_x_mesh()
            .y_labels(layout.value_ticks())
            .x_label_formatter(&label)
            .y_label_formatter(&theme::tick)
            .draw()?;
        Ok(())
    })?;
    Ok(chart)
}

/// One bar: its median, the min..max whisker, and for a run not verified an outline and a ✗.
fn draw_bar(
    root: &Area,
    marks: &mut Marks,
    chart: &mut Chart,
    p: &Palette,
    c: &Cell,
    slots: &Slots,
    y_max: f64,
) -> Result<(), ChartError> {
    let (x, half) = (slots.x(c), slots.bar_width * 9 / 20);
    let tip = format!(
        "{} at {}: median {} ms (min {}, max {}){}",
        c.series.name(),
        data::count(c.workers as usize, "worker"),
        fmt_num(c.median),
        fmt_num(c.min),
        fmt_num(c.max),
        if c.verified { "" } else { ", NOT verified" }
    );
    let bar = c
        .series
        .attrs(Group::new("bar"))
        .attr("data-workers", c.workers)
        .attr("data-median-ms", c.median)
        .attr("data-min-ms", c.min)
        .attr("data-max-ms", c.max)
        .attr("data-verified", c.verified)
        .title(tip);
    marks.group(root, bar, |marks| {
        chart.draw_series([Rectangle::new([(x - half, 0.0), (x + half, c.median)], c.series.color(p).filled())])?;
        chart.draw_series([ErrorBar::new_vertical(x, c.min, c.median, c.max, p.text.stroke_width(1), 8)])?;
        if c.verified {
            return Ok(());
        }
        marks.group(root, Group::new("unverified"), |_| {
            chart.draw_series([Rectangle::new([(x - half, 0.0), (x + half, c.median)], p.error.stroke_width(2))])?;
            let style = (FONT, 16).into_font().color(&p.error).pos(Pos::new(HPos::Center, VPos::Bottom));
            chart.draw_series([Text::new("✗", (x, c.max + y_max * 0.01), style)])?;
            Ok(())
        })
    })
}

/// The notes under the plot, a line each.
fn draw_notes(bottom: &Area, root: &Area, marks: &mut Marks, p: &Palette, notes: Vec<Note>) -> Result<(), ChartError> {
    let mut line = 0;
    for note in notes {
        marks.group(root, note.group, |_| {
            for text in &note.lines {
                let y = (NOTE_LINE * line + NOTE_LINE / 2) as i32;
                bottom.draw(&Text::new(text.as_str(), (NOTE_X, y), p.note_font(note.color)))?;
                line += 1;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// An axis maximum that plotters can use (a range of zero width has no scale).
pub(crate) fn positive(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    }
}
