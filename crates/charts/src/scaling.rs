//! Scaling: time and speedup against the worker count, side by side, on a log2 worker axis.

use crate::bars::positive;
use crate::data::{self, count, fmt_num, Cell, Series};
use crate::layout::{self, Layout};
use crate::legend::{Legend, Swatch};
use crate::svg::{render, Group, Marks};
use crate::text;
use crate::text::Area;
use crate::theme::{self, Palette, Theme};
use crate::ChartError;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use threadlab_lab::report::Report;
use threadlab_lab::Mode;

/// The design width (the wide layout's widest).
const WIDTH: u32 = 1040;
/// Height under the title of the two panels side by side (wide), of one panel (narrow: the
/// panels are stacked).
const PLOTS_HEIGHT: (u32, u32) = (449, 270);
/// Points along an ideal curve (straight lines on a log axis are curves in pixels).
const IDEAL_POINTS: usize = 128;

struct Point {
    workers: u32,
    value: f64,
    lo: f64,
    hi: f64,
}

/// Perfect scaling: `at_one * k^exponent` at k workers (t1 / k for time, k for speedup).
struct Ideal {
    what: String,
    at_one: f64,
    exponent: f64,
}

struct Panel {
    name: &'static str,
    caption: &'static str,
    y_desc: &'static str,
    unit: &'static str,
    series: Vec<(Series, Vec<Point>)>,
    ideal: Option<Ideal>,
    y_max: f64,
}

/// Time vs workers and speedup vs workers for every mode, with ideal lines and the core count,
/// laid out for a box `width` CSS pixels wide (see the crate's documentation).
pub fn scaling(report: &Report, theme: Theme, width: u32) -> Result<String, ChartError> {
    let cells = data::measured(report)?;
    let p = theme.palette();
    let layout = Layout::new(width, WIDTH);
    let cores = report.env.cores;
    let mut keys: Vec<f64> = cells.iter().map(|c| f64::from(c.workers)).collect();
    keys.sort_by(f64::total_cmp);
    keys.dedup();
    let extent = keys.iter().copied().chain((cores > 0).then_some(f64::from(cores)));
    let lo = extent.clone().fold(f64::INFINITY, f64::min).max(1.0) / 1.5;
    let hi = extent.fold(0.0, f64::max).max(1.0) * 1.5;

    let mut legend = Legend::new(layout);
    for s in data::series(&cells) {
        legend.swatch(&s.name(), s.color(p));
    }
    legend.entry("ideal (linear scaling)", Swatch::Dashes { style: p.ideal.stroke_width(2), upright: false });
    if cores > 0 {
        legend.entry(&format!("{cores} cores"), Swatch::Dashes { style: p.cores.stroke_width(2), upright: true });
    }
    legend.entry("median, min..max", Swatch::Whisker(p.text.filled().stroke_width(2)));

    let panels = [time_panel(&cells), speedup_panel(&cells, cores)];
    let title = format!("{} ({} tasks): scaling with workers", report.spec.workload.kind_name(), report.spec.tasks);
    let (_, title_height) = layout.title_lines(&title);
    let plots_height = if layout.narrow { 2 * PLOTS_HEIGHT.1 } else { PLOTS_HEIGHT.0 };
    let height = title_height + plots_height + legend.height();
    render("scaling", theme, (layout, height), &title, &[], |root, marks| {
        let body = layout::titled(root, layout, &title, p.font(layout.title_size()))?;
        let (plots, legend_area) = legend.split(&body);
        let areas = plots.split_evenly(if layout.narrow { (2, 1) } else { (1, 2) });
        for (panel, area) in panels.iter().zip(areas) {
            draw_panel(root, marks, &area, p, layout, panel, (lo, hi), &keys, cores)?;
        }
        legend.draw(&legend_area, root, marks, p)
    })
}

fn time_panel(cells: &[Cell]) -> Panel {
    let series = by_series(cells, |c| Some((c.median, c.min, c.max)));
    // Perfect scaling of the sequential run, else of the fastest 1-worker run.
    let sequential = cells.iter().find(|c| c.mode == Mode::Sequential).map(|c| (c.median, "sequential time / k"));
    let one_worker = cells.iter().filter(|c| c.workers == 1).map(|c| c.median).min_by(f64::total_cmp);
    let t1 = sequential.or(one_worker.map(|t| (t, "fastest 1-worker time / k")));
    let data_max = cells.iter().map(|c| c.max).fold(0.0, f64::max);
    Panel {
        name: "time",
        caption: "time vs workers",
        y_desc: "median time (ms)",
        unit: "ms",
        series,
        y_max: positive(data_max.max(t1.map_or(0.0, |t| t.0)) * 1.1),
        ideal: t1.map(|(t1, what)| Ideal {
            what: format!("ideal: {what} ({} ms / k)", fmt_num(t1)),
            at_one: t1,
            exponent: -1.0,
        }),
    }
}

fn speedup_panel(cells: &[Cell], cores: u32) -> Panel {
    let series = by_series(cells, |c| c.speedup_range().map(|(lo, s, hi)| (s, lo, hi)));
    let data_max = series.iter().flat_map(|(_, pts)| pts.iter().map(|p| p.hi)).fold(1.0, f64::max);
    Panel {
        name: "speedup",
        caption: "speedup vs workers",
        y_desc: "speedup (×)",
        unit: "×",
        series,
        y_max: positive(data_max.max(f64::from(cores)) * 1.25),
        ideal: Some(Ideal { what: "ideal: speedup = k".into(), at_one: 1.0, exponent: 1.0 }),
    }
}

/// One line per series (a mode, or a mode's variant) with at least one value, in
/// `data::series` order.
fn by_series(cells: &[Cell], value: impl Fn(&Cell) -> Option<(f64, f64, f64)>) -> Vec<(Series, Vec<Point>)> {
    data::series(cells)
        .into_iter()
        .map(|s| {
            let points = cells
                .iter()
                .filter(|c| c.series == s)
                .filter_map(|c| value(c).map(|(value, lo, hi)| Point { workers: c.workers, value, lo, hi }))
                .collect::<Vec<_>>();
            (s, points)
        })
        .filter(|(_, points)| !points.is_empty())
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn draw_panel(
    root: &Area,
    marks: &mut Marks,
    area: &Area,
    p: &Palette,
    layout: Layout,
    panel: &Panel,
    (lo, hi): (f64, f64),
    keys: &[f64],
    cores: u32,
) -> Result<(), ChartError> {
    let y_max = panel.y_max;
    let y_area = layout.y_label_area(60);
    let axis_px = f64::from(area.dim_in_pixel().0.saturating_sub(y_area + 20));
    let keys = layout::thin(keys, |k| (k / lo).ln() / (hi / lo).ln(), axis_px);
    let mut chart = ChartBuilder::on(area)
        .caption(panel.caption, p.font(17))
        .margin(10)
        .x_label_area_size(44)
        .y_label_area_size(y_area)
        .build_cartesian_2d((lo..hi).log_scale().base(2.0).with_key_points(keys), 0.0..y_max)?;
    marks.group(root, Group::new("axes").attr("data-panel", panel.name), |_| {
        theme::mesh(&mut chart, p, "workers (log₂ scale)", panel.y_desc)
            .y_labels(layout.value_ticks())
            .x_label_formatter(&|w| format!("{w}"))
            .y_label_formatter(&theme::tick)
            .draw()?;
        Ok(())
    })?;

    if let Some(ideal) = &panel.ideal {
        let points: Vec<(f64, f64)> = (0..IDEAL_POINTS)
            .map(|i| lo * (hi / lo).powf(i as f64 / (IDEAL_POINTS - 1) as f64))
            .map(|k| (k, ideal.at_one * k.powf(ideal.exponent)))
            .filter(|(_, y)| (0.0..=y_max).contains(y))
            .collect();
        let group = Group::new("ideal").attr("data-panel", panel.name).title(ideal.what.as_str());
        marks.group(root, group, |_| {
            Ok(chart.draw_series([DashedPathElement::new(points, 6, 4, p.ideal.stroke_width(2))]).map(|_| ())?)
        })?;
    }
    if cores > 0 {
        let c = f64::from(cores);
        // The label goes on the side of the line with more room, at the bottom: the ideal line
        // leaves the speedup panel through its top, near the core count.
        let right_half = (c / lo).ln() > 0.6 * (hi / lo).ln();
        let (x, anchor) = if right_half { (c / 1.05, HPos::Right) } else { (c * 1.05, HPos::Left) };
        let style = p.font(14).color(&p.cores).pos(Pos::new(anchor, VPos::Bottom));
        let group = Group::new("cores")
            .attr("data-panel", panel.name)
            .attr("data-cores", cores)
            .title(format!("this machine has {cores} cores"));
        marks.group(root, group, |_| {
            chart.draw_series([DashedPathElement::new(vec![(c, 0.0), (c, y_max)], 4, 4, p.cores.stroke_width(2))])?;
            chart.draw_series([Text::new(format!("{cores} cores"), (x, y_max * 0.02), style)])?;
            Ok(())
        })?;
    }
    if panel.series.is_empty() {
        // In the middle of the plot, on as many lines as its width needs.
        let style = p.font(15).pos(Pos::new(HPos::Center, VPos::Center));
        let text = "no baseline: needs a sequential or a 1-worker run";
        let lines = text::wrap(text, 15.0, axis_px as u32);
        let line = text::size(text, 15.0).1 as i32;
        let (x, y) = chart.backend_coord(&((lo * hi).sqrt(), y_max / 2.0));
        for (i, text) in lines.iter().enumerate() {
            let dy = (2 * i as i32 - (lines.len() as i32 - 1)) * line / 2;
            root.draw(&Text::new(text.as_str(), (x, y + dy), style.clone()))?;
        }
    }
    for (series, points) in &panel.series {
        let color = series.color(p);
        let group = series.attrs(Group::new("series").attr("data-panel", panel.name));
        marks.group(root, group, |marks| {
            let line: Vec<(f64, f64)> = points.iter().map(|pt| (f64::from(pt.workers), pt.value)).collect();
            chart.draw_series([PathElement::new(line, color.stroke_width(2))])?;
            for pt in points {
                let tip = format!(
                    "{} at {}: {} {} (min {}, max {})",
                    series.name(),
                    count(pt.workers as usize, "worker"),
                    fmt_num(pt.value),
                    panel.unit,
                    fmt_num(pt.lo),
                    fmt_num(pt.hi)
                );
                let group = Group::new("point")
                    .attr("data-workers", pt.workers)
                    .attr("data-value", pt.value)
                    .attr("data-min", pt.lo)
                    .attr("data-max", pt.hi)
                    .title(tip);
                let w = f64::from(pt.workers);
                let bar = ErrorBar::new_vertical(w, pt.lo, pt.value, pt.hi, color.filled().stroke_width(2), 10);
                marks.group(root, group, |_| Ok(chart.draw_series([bar]).map(|_| ())?))?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
