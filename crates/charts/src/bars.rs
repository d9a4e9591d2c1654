//! Grouped bars: one group per worker count, one bar per mode measured at that count.

use crate::data::{self, fmt_num, Cell};
use crate::layout::{self, Layout};
use crate::legend::{Legend, Swatch};
use crate::svg::{render, Group};
use crate::text;
use crate::theme::{self, Theme, FONT};
use crate::ChartError;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use threadlab_lab::report::Report;
use threadlab_lab::Mode;

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
    let mut groups: Vec<u32> = cells.iter().map(|c| c.workers).collect();
    groups.sort_unstable();
    groups.dedup();
    let in_group = |w: u32| cells.iter().filter(move |c| c.workers == w);
    let slots = groups.iter().map(|&w| in_group(w).count()).max().unwrap_or(1);
    // x is in thousandths of a group (plotters can put chosen ticks on an integer axis only):
    // group g is centred on g * GROUP, its bars side by side around it.
    let bar_width = GROUP * 8 / 10 / slots as i32;
    let x_of = |c: &Cell| {
        let g = groups.iter().position(|&w| w == c.workers).unwrap_or(0) as i32;
        let n = in_group(c.workers).count() as i32;
        let i = in_group(c.workers).position(|o| o.mode == c.mode).unwrap_or(0) as i32;
        g * GROUP + (2 * i - (n - 1)) * bar_width / 2
    };
    let y_max = positive(cells.iter().map(|c| c.max).fold(0.0, f64::max) * 1.12);

    let mut notes: Vec<(Group, String, RGBColor)> = data::not_measured(report)
        .into_iter()
        .map(|n| {
            let group = Group::new("skipped").attr("data-mode", n.mode.name()).attr("data-workers", n.workers_attr());
            (group, format!("not run: {}", n.text()), p.axis)
        })
        .collect();
    for run in report.runs.iter().filter(|r| Cell::of(r).is_some_and(|c| !c.verified)) {
        let why = run.errors.first().map(|e| data::clean(e, 90)).unwrap_or_else(|| "not verified".into());
        let group = Group::new("unverified-note").attr("data-mode", run.mode.name()).attr("data-workers", run.workers);
        notes.push((
            group,
            format!("✗ {} at {}: {why}", run.mode.name(), data::count(run.workers as usize, "worker")),
            p.error,
        ));
    }

    let note_lines: Vec<Vec<String>> = notes
        .iter()
        .map(|(_, text, _)| {
            let room = layout.width.saturating_sub(2 * NOTE_X as u32);
            text::wrap(text, f64::from(theme::NOTE_SIZE), room)
        })
        .collect();
    let lines = note_lines.iter().map(Vec::len).sum::<usize>() as u32;

    let modes: Vec<Mode> = Mode::ALL.into_iter().filter(|m| cells.iter().any(|c| c.mode == *m)).collect();
    let mut legend = Legend::new(layout);
    for &mode in &modes {
        legend.swatch(mode.name(), p.mode(mode));
    }
    legend.entry("min..max, ○ median", Swatch::Whisker(p.text.stroke_width(1)));
    if cells.iter().any(|c| !c.verified) {
        legend.entry("✗ not verified", Swatch::Outline(p.error));
    }

    let title = format!("{} ({} tasks): median time per mode", report.spec.workload.kind_name(), report.spec.tasks);
    let (_, title_height) = layout.title_lines(&title);
    let plot_height = if layout.narrow { PLOT_HEIGHT.1 } else { PLOT_HEIGHT.0 };
    let top_height = title_height + plot_height + legend.height();
    let height = top_height + NOTE_LINE * lines + if notes.is_empty() { 0 } else { 10 };
    render("bars", theme, (layout, height), &title, &[], |root, marks| {
        let (top, bottom) = root.split_vertically(top_height);
        let body = layout::titled(&top, layout, &title, p.font(layout.title_size()))?;
        let (plot, legend_area) = legend.split(&body);
        let y_area = layout.y_label_area(64);
        let axis_px = f64::from(plot.dim_in_pixel().0.saturating_sub(y_area + 24));
        let n = groups.len() as f64;
        let keys: Vec<i32> = (0..groups.len() as i32).map(|g| g * GROUP).collect();
        let keys = layout::thin(&keys, |k| (f64::from(k / GROUP) + 0.5) / n, axis_px);
        let mut chart =
            ChartBuilder::on(&plot).margin(12).x_label_area_size(44).y_label_area_size(y_area).build_cartesian_2d(
                (-GROUP / 2..groups.len() as i32 * GROUP - GROUP / 2).with_key_points(keys),
                0.0..y_max,
            )?;
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

        for &mode in &modes {
            let color = p.mode(mode);
            marks.group(root, Group::new("series").attr("data-mode", mode.name()), |marks| {
                for c in cells.iter().filter(|c| c.mode == mode) {
                    let (x, half) = (x_of(c), bar_width * 9 / 20);
                    let tip = format!(
                        "{} at {}: median {} ms (min {}, max {}){}",
                        mode.name(),
                        data::count(c.workers as usize, "worker"),
                        fmt_num(c.median),
                        fmt_num(c.min),
                        fmt_num(c.max),
                        if c.verified { "" } else { ", NOT verified" }
                    );
                    let bar = Group::new("bar")
                        .attr("data-mode", mode.name())
                        .attr("data-workers", c.workers)
                        .attr("data-median-ms", c.median)
                        .attr("data-min-ms", c.min)
                        .attr("data-max-ms", c.max)
                        .attr("data-verified", c.verified)
                        .title(tip);
                    marks.group(root, bar, |marks| {
                        chart.draw_series([Rectangle::new([(x - half, 0.0), (x + half, c.median)], color.filled())])?;
                        chart.draw_series([ErrorBar::new_vertical(
                            x,
                            c.min,
                            c.median,
                            c.max,
                            p.text.stroke_width(1),
                            8,
                        )])?;
                        if c.verified {
                            return Ok(());
                        }
                        marks.group(root, Group::new("unverified"), |_| {
                            chart.draw_series([Rectangle::new(
                                [(x - half, 0.0), (x + half, c.median)],
                                p.error.stroke_width(2),
                            )])?;
                            let style =
                                (FONT, 16).into_font().color(&p.error).pos(Pos::new(HPos::Center, VPos::Bottom));
                            chart.draw_series([Text::new("✗", (x, c.max + y_max * 0.01), style)])?;
                            Ok(())
                        })
                    })?;
                }
                Ok(())
            })?;
        }

        legend.draw(&legend_area, root, marks, p)?;

        let mut line = 0;
        for ((group, _, color), texts) in notes.into_iter().zip(&note_lines) {
            marks.group(root, group, |_| {
                for text in texts {
                    let y = (NOTE_LINE * line + NOTE_LINE / 2) as i32;
                    bottom.draw(&Text::new(text.as_str(), (NOTE_X, y), p.note_font(color)))?;
                    line += 1;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// An axis maximum that plotters can use (a range of zero width has no scale).
pub(crate) fn positive(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    }
}
