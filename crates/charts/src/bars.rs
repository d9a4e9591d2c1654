//! Grouped bars: one group per worker count, one bar per mode measured at that count.

use crate::data::{self, fmt_num, Cell};
use crate::legend::Legend;
use crate::svg::{render, Group};
use crate::theme::{self, Theme, FONT};
use crate::ChartError;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use threadlab_lab::report::Report;
use threadlab_lab::Mode;

const WIDTH: u32 = 880;
const PLOT_HEIGHT: u32 = 440;
const NOTE_LINE: u32 = 20;
const GROUP: i32 = 1000;

/// Median time per (workers, mode) as grouped bars with min..max whiskers.
pub fn bars(report: &Report, theme: Theme) -> Result<String, ChartError> {
    let cells = data::measured(report)?;
    let p = theme.palette();
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

    let title = format!("{} ({} tasks): median time per mode", report.spec.workload.kind_name(), report.spec.tasks);
    let height = PLOT_HEIGHT + NOTE_LINE * notes.len() as u32 + if notes.is_empty() { 0 } else { 10 };
    render("bars", theme, (WIDTH, height), &title, &[], |root, marks| {
        let (top, bottom) = root.split_vertically(PLOT_HEIGHT);
        let (plot, mut legend) = Legend::split(&top.titled(&title, p.title_font())?)?;
        let keys: Vec<i32> = (0..groups.len() as i32).map(|g| g * GROUP).collect();
        let mut chart =
            ChartBuilder::on(&plot).margin(12).x_label_area_size(44).y_label_area_size(64).build_cartesian_2d(
                (-GROUP / 2..groups.len() as i32 * GROUP - GROUP / 2).with_key_points(keys),
                0.0..y_max,
            )?;
        let label = |x: &i32| groups.get((*x / GROUP).max(0) as usize).map(u32::to_string).unwrap_or_default();
        theme::mesh(&mut chart, p, "workers", "median time (ms)")
            .disable_x_mesh()
            .x_label_formatter(&label)
            .y_label_formatter(&theme::tick)
            .draw()?;

        for mode in Mode::ALL.into_iter().filter(|m| cells.iter().any(|c| c.mode == *m)) {
            let color = p.mode(mode);
            marks.group(root, Group::new("series").attr("data-mode", mode.name()), |marks| {
                legend.swatch(mode.name(), color)?;
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

        let whisker = p.text.stroke_width(1);
        legend
            .entry("min..max, ○ median", move |(x, y)| ErrorBar::new_vertical(x + 7, y - 7, y, y + 7, whisker, 8))?;
        if cells.iter().any(|c| !c.verified) {
            let error = p.error.stroke_width(2);
            legend.entry("✗ not verified", move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], error))?;
        }
        legend.draw(root, marks, p)?;

        for (i, (group, text, color)) in notes.into_iter().enumerate() {
            let y = (NOTE_LINE * i as u32 + NOTE_LINE / 2) as i32;
            marks.group(root, group, |_| Ok(bottom.draw(&Text::new(text, (20, y), p.note_font(color)))?))?;
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
