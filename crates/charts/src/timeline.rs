//! Timeline of one run: one lane per worker, tasks as bars, GIL and I/O waits shaded.

use crate::data::{clean, count, fmt_num};
use crate::layout::{self, Layout, SMALLEST};
use crate::legend::{Legend, Swatch};
use crate::svg::{render, Group, Marks};
use crate::text::Area;
use crate::text::{self, Backend};
use crate::theme::{self, Palette, FONT};
use crate::{ChartError, Theme};
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use threadlab_lab::report::{RunRecord, TraceEvent};
use threadlab_lab::Spec;

/// The design width (the wide layout's widest).
const WIDTH: u32 = 1040;
/// Height under the title of everything but the lanes: axes and margins.
const FRAME: u32 = 119;
/// The least height under the title (wide layout).
const MIN_BODY: u32 = 209;
/// y is in hundredths of a lane (plotters can put chosen ticks on an integer axis only).
const LANE: i32 = 100;
/// Narrower than this (px), a task is drawn as a line as well so that it stays visible.
const MIN_BAR_PX: i32 = 2;

/// The trace of `run` (its last measured repetition), laid out for a box `width` CSS pixels wide
/// (see the crate's documentation); `spec` names the workload in the title.
pub fn timeline(run: &RunRecord, spec: &Spec, theme: Theme, width: u32) -> Result<String, ChartError> {
    let what = format!("{} with {}", run.mode.name(), count(run.workers as usize, "worker"));
    if run.trace.is_empty() {
        return Err(ChartError::NoData(match &run.skipped {
            Some(reason) => format!("{what} was skipped: {}", clean(reason, 200)),
            None => format!("{what} has no trace"),
        }));
    }
    if let Some(e) = run.trace.iter().find(|e| !e.start_ms.is_finite() || !e.end_ms.is_finite()) {
        return Err(ChartError::Invalid(format!("task {} of {what} has no finite start and end", e.task)));
    }
    let p = theme.palette();
    let layout = Layout::new(width, WIDTH);
    let mut workers: Vec<u32> = run.trace.iter().map(|e| e.worker).collect();
    workers.sort_unstable();
    workers.dedup();
    let lanes = workers.len() as i32;
    let lane_px = (520 / lanes).clamp(12, 36) as u32;
    // Task numbers: written in lanes tall enough, at no less than the smallest size when narrow.
    let label_size = if layout.narrow { SMALLEST } else { 13 };
    let t0 = run.trace.iter().map(|e| e.start_ms.min(e.end_ms)).fold(0.0, f64::min);
    let end = run.trace.iter().map(|e| e.end_ms.max(e.start_ms)).fold(t0, f64::max);
    let t1 = if end > t0 { end + (end - t0) * 0.02 } else { t0 + 1.0 };
    if !(t1 - t0).is_finite() {
        return Err(ChartError::Invalid(format!("the trace of {what} spans more time than an axis can show")));
    }
    let (gil, io, failed) =
        (any(run, |e| &e.gil_waits), any(run, |e| &e.io_waits), run.trace.iter().any(|e| e.error.is_some()));
    let lock = any(run, |e| &e.lock_waits);
    let passing = any(run, |e| &e.passing);

    let title = format!(
        "{}: {what}, {} on {}, at most {} in progress and {} computing at once",
        spec.workload.kind_name(),
        count(run.trace.len(), "task"),
        count(workers.len(), "lane"),
        max_overlap(run.trace.iter().map(|e| (e.start_ms, e.end_ms.max(e.start_ms)))),
        max_overlap(run.trace.iter().flat_map(computing))
    );
    let mut legend = Legend::new(layout);
    legend.swatch(&format!("task ({})", run.mode.name()), p.task);
    if gil {
        legend.swatch("waiting for the GIL", p.gil);
    }
    if lock {
        legend.swatch("blocked on the lock", p.lock);
    }
    if passing {
        legend.swatch("passing the input", p.pass);
    }
    if io {
        legend.swatch("waiting for I/O", p.io);
    }
    if failed {
        legend.entry("✗ failed task", Swatch::Outline(p.error));
    }

    let root_attrs = [("data-mode", run.mode.name().to_string()), ("data-workers", run.workers.to_string())];
    let (_, title_height) = layout.title_lines(&title);
    let lanes_height = FRAME + lane_px * lanes as u32;
    let body_height = if layout.narrow { lanes_height } else { lanes_height.max(MIN_BODY) };
    let height = title_height + body_height + legend.height();
    render("timeline", theme, (layout, height), &title, &root_attrs, |root, marks| {
        let body = layout::titled(root, layout, &title, p.font(layout.title_size()))?;
        let (plot, legend_area) = legend.split(&body);
        let keys: Vec<i32> = (0..lanes).map(|i| i * LANE + LANE / 2).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(layout.y_label_area(64))
            .build_cartesian_2d(t0..t1, (0..lanes * LANE).with_key_points(keys))?;
        // Lane 0 (the lowest worker id) at the top.
        let lane_of = |y: &i32| (lanes - 1 - y / LANE).clamp(0, lanes - 1) as usize;
        let label = |y: &i32| workers[lane_of(y)].to_string();
        marks.group(root, Group::new("axes"), |_| {
            theme::mesh(&mut chart, p, "time since run start (ms)", "worker")
                .disable_y_mesh()
                .x_labels(layout.value_ticks())
                .x_label_formatter(&theme::tick)
                .y_label_formatter(&label)
                .draw()?;
            Ok(())
        })?;

        for (lane, &worker) in workers.iter().enumerate() {
            let top = (lanes - lane as i32) * LANE;
            let group = Group::new("lane")
                .attr("data-worker", worker)
                .attr("data-lane", lane)
                .title(format!("worker {worker}"));
            marks.group(root, group, |marks| {
                chart.draw_series([Rectangle::new([(t0, top - LANE), (t1, top)], p.lane.filled())])?;
                for e in run.trace.iter().filter(|e| e.worker == worker) {
                    draw_task(root, marks, &mut chart, p, e, top, (lane_px >= 18).then_some(label_size))?;
                }
                Ok(())
            })?;
        }

        legend.draw(&legend_area, root, marks, p)
    })
}

type Chart<'a> = ChartContext<'a, Backend<'a>, Cartesian2d<RangedCoordf64, WithKeyPoints<RangedCoordi32>>>;

/// One task in the lane whose top edge is at `top`: its bar, waits, label and failure mark.
fn draw_task(
    root: &Area,
    marks: &mut Marks,
    chart: &mut Chart,
    p: &Palette,
    e: &TraceEvent,
    top: i32,
    label_size: Option<u32>,
) -> Result<(), ChartError> {
    let class = if e.error.is_some() { "task failed" } else { "task" };
    let mut group = Group::new(class)
        .attr("data-task", e.task)
        .attr("data-worker", e.worker)
        .attr("data-start-ms", e.start_ms)
        .attr("data-end-ms", e.end_ms)
        .title(tooltip(e));
    if let Some(error) = &e.error {
        group = group.attr("data-error", error);
    }
    let (y0, y1) = (top - LANE * 9 / 10, top - LANE / 10);
    marks.group(root, group, |marks| {
        let (start, end) = (e.start_ms.min(e.end_ms), e.end_ms.max(e.start_ms));
        let bar = [(start, y0), (end, y1)];
        chart.draw_series([Rectangle::new(bar, p.task.filled())])?;
        let (x_start, x_end) = (chart.backend_coord(&(start, y0)).0, chart.backend_coord(&(end, y0)).0);
        if x_end - x_start < MIN_BAR_PX {
            chart.draw_series([PathElement::new(vec![(start, y0), (start, y1)], p.task.stroke_width(2))])?;
        }
        let kinds = [
            ("gil-waits", &e.gil_waits, p.gil),
            ("lock-waits", &e.lock_waits, p.lock),
            ("passing", &e.passing, p.pass),
            ("io-waits", &e.io_waits, p.io),
        ];
        for (class, waits, color) in kinds {
            let spans = clamp_waits(waits, e);
            if !spans.is_empty() {
                marks.group(root, Group::new(class), |_| {
                    chart
                        .draw_series(spans.iter().map(|&(a, b)| Rectangle::new([(a, y0), (b, y1)], color.filled())))?;
                    Ok(())
                })?;
            }
        }
        // A background-coloured edge keeps back-to-back tasks apart.
        chart.draw_series([Rectangle::new(bar, p.background.stroke_width(1))])?;
        let number = format!("#{}", e.task);
        let fits = |size: &u32| x_end - x_start >= (text::size(&number, f64::from(*size)).0 as i32 + 4).max(28);
        if let Some(size) = label_size.filter(fits) {
            let style = (FONT, size).into_font().color(&p.task_label).pos(Pos::new(HPos::Center, VPos::Center));
            chart.draw_series([Text::new(number, ((start + end) / 2.0, top - LANE / 2), style)])?;
        }
        if e.error.is_none() {
            return Ok(());
        }
        marks.group(root, Group::new("failed"), |_| {
            chart.draw_series([Rectangle::new(bar, p.error.stroke_width(2))])?;
            let style = (FONT, 16).into_font().color(&p.error).pos(Pos::new(HPos::Left, VPos::Center));
            let at = chart.backend_coord(&(end, top - LANE / 2));
            root.draw(&Text::new("✗", (at.0 + 3, at.1), style))?;
            Ok(())
        })
    })
}

fn any(run: &RunRecord, waits: impl Fn(&TraceEvent) -> &Vec<[f64; 2]>) -> bool {
    run.trace.iter().any(|e| !clamp_waits(waits(e), e).is_empty())
}

/// The waits that lie (at least partly) inside the task, cut to its span.
fn clamp_waits(waits: &[[f64; 2]], e: &TraceEvent) -> Vec<(f64, f64)> {
    let (lo, hi) = (e.start_ms.min(e.end_ms), e.end_ms.max(e.start_ms));
    waits
        .iter()
        .filter(|[a, b]| a.is_finite() && b.is_finite() && a <= b)
        .map(|&[a, b]| (a.max(lo), b.min(hi)))
        .filter(|(a, b)| a < b)
        .collect()
}

/// The most tasks running at the same moment (a task ending as another starts does not count).
/// Most intervals overlapping at one moment.
fn max_overlap(intervals: impl Iterator<Item = (f64, f64)>) -> usize {
    let mut edges: Vec<(f64, i32)> = intervals.flat_map(|(a, b)| [(a, 1), (b, -1)]).collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in edges {
        now += step;
        most = most.max(now);
    }
    most as usize
}

/// A clock tick's worth (ms) trimmed off both ends of each computing stretch, so a hand-over
/// of the GIL timed on two threads' clocks does not count as two computing at once.
const HAND_OVER_MS: f64 = 0.02;

/// The parts of a task spent computing: its span minus its GIL, lock and I/O waits and its input's
/// passing (concurrency is tasks in progress; parallelism is tasks computing).
fn computing(e: &TraceEvent) -> Vec<(f64, f64)> {
    let mut waits: Vec<[f64; 2]> =
        e.gil_waits.iter().chain(&e.lock_waits).chain(&e.io_waits).chain(&e.passing).copied().collect();
    waits.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let mut parts = Vec::new();
    let mut cursor = e.start_ms;
    for [a, b] in waits {
        if a > cursor {
            parts.push((cursor, a.min(e.end_ms)));
        }
        cursor = cursor.max(b);
    }
    if e.end_ms > cursor {
        parts.push((cursor, e.end_ms));
    }
    parts.into_iter().map(|(a, b)| (a + HAND_OVER_MS, b - HAND_OVER_MS)).filter(|(a, b)| b > a).collect()
}

fn tooltip(e: &TraceEvent) -> String {
    let mut tip = format!(
        "task {} on worker {}: {}..{} ms ({} ms)",
        e.task,
        e.worker,
        fmt_num(e.start_ms),
        fmt_num(e.end_ms),
        fmt_num(e.end_ms - e.start_ms)
    );
    if e.gil_wait_ms > 0.0 {
        tip += &format!(", waited {} ms for the GIL", fmt_num(e.gil_wait_ms));
    }
    if e.io_wait_ms > 0.0 {
        tip += &format!(", waited {} ms for I/O", fmt_num(e.io_wait_ms));
    }
    if let Some(error) = &e.error {
        tip += &format!(", failed: {}", clean(error, 300));
    }
    tip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(worker: u32, start: f64, end: f64, gil: &[[f64; 2]]) -> TraceEvent {
        TraceEvent {
            task: 0,
            worker,
            start_ms: start,
            end_ms: end,
            gil_wait_ms: 0.0,
            gil_waits: gil.to_vec(),
            lock_wait_ms: 0.0,
            lock_waits: vec![],
            pass_ms: 0.0,
            passing: vec![],
            io_wait_ms: 0.0,
            io_waits: vec![],
            bytes: 0,
            error: None,
        }
    }

    #[test]
    fn threads_taking_turns_are_in_progress_together_but_compute_one_at_a_time() {
        // Two threads, 0..10 ms each, handing the GIL over at 5 ms (timed on both clocks).
        let trace = [event(1, 0.0, 10.0, &[[5.0, 10.0]]), event(2, 0.0, 10.0, &[[0.0, 5.01]])];
        let spans = trace.iter().map(|e| (e.start_ms, e.end_ms));
        assert_eq!(max_overlap(spans), 2);
        assert_eq!(max_overlap(trace.iter().flat_map(computing)), 1);
        // Free threads compute together.
        let free = [event(1, 0.0, 10.0, &[]), event(2, 1.0, 9.0, &[])];
        assert_eq!(max_overlap(free.iter().flat_map(computing)), 2);
    }
}
