//! What the charts read from a report: measured cells, and the cells that were not measured.

use crate::svg::Group;
use crate::theme::Palette;
use crate::ChartError;
use plotters::style::RGBColor;
use threadlab_lab::report::{Report, RunRecord};
use threadlab_lab::{Mode, Workload};

/// What one set of bars or one line stands for: a mode, with its variant when the workload
/// lists some (a counter's `threads (lock)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Series {
    pub mode: Mode,
    pub variant: Option<&'static str>,
    /// Which of its mode's variants this is, in the report's order: it shades the mode's colour.
    pub shade: usize,
}

impl Series {
    pub fn name(&self) -> String {
        match self.variant {
            Some(v) => format!("{} ({v})", self.mode.name()),
            None => self.mode.name().to_string(),
        }
    }

    pub fn color(&self, p: &Palette) -> RGBColor {
        p.shade(p.mode(self.mode), self.shade)
    }

    /// `data-mode`, and `data-variant` when there is one.
    pub fn attrs(&self, group: Group) -> Group {
        let group = group.attr("data-mode", self.mode.name());
        match self.variant {
            Some(v) => group.attr("data-variant", v),
            None => group,
        }
    }
}

/// The series the measured cells make, in their order (`Mode::ALL`, then the report's).
pub(crate) fn series(cells: &[Cell]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for c in cells {
        if !out.contains(&c.series) {
            out.push(c.series);
        }
    }
    out
}

/// A measured (mode, variant, workers) cell: median and spread in ms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub mode: Mode,
    pub series: Series,
    pub workers: u32,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub speedup: Option<f64>,
    pub verified: bool,
}

impl Cell {
    /// The run's numbers when it was measured.
    pub fn of(run: &RunRecord) -> Option<Cell> {
        if run.skipped.is_some() {
            return None;
        }
        let median = run.median_ms.filter(|m| m.is_finite() && *m >= 0.0)?;
        let finite = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(median);
        let variant = run.variant.as_deref().and_then(Workload::variant_name);
        Some(Cell {
            mode: run.mode,
            series: Series { mode: run.mode, variant, shade: 0 },
            workers: run.workers,
            median,
            min: finite(run.min_ms).min(median),
            max: finite(run.max_ms).max(median),
            speedup: run.speedup.filter(|s| s.is_finite() && *s > 0.0),
            verified: run.verified,
        })
    }

    /// The speedup's spread: the same baseline over the slowest and the fastest sample.
    pub fn speedup_range(&self) -> Option<(f64, f64, f64)> {
        let s = self.speedup?;
        let over = |t: f64| if t > 0.0 { s * self.median / t } else { s };
        Some((over(self.max), s, over(self.min)))
    }
}

/// The measured cells, in `Mode::ALL` order then by workers; an error naming why when there are
/// none.
pub(crate) fn measured(report: &Report) -> Result<Vec<Cell>, ChartError> {
    let mut cells: Vec<Cell> = report.runs.iter().filter_map(Cell::of).collect();
    // Stable: a mode's variants at one worker count keep the report's (the spec's) order.
    cells.sort_by_key(|c| (mode_index(c.mode), c.workers));
    let mut variants: Vec<(Mode, &str)> = Vec::new();
    for c in &mut cells {
        if let Some(v) = c.series.variant {
            if !variants.contains(&(c.mode, v)) {
                variants.push((c.mode, v));
            }
            c.series.shade = variants.iter().filter(|(m, _)| *m == c.mode).position(|&(_, w)| w == v).unwrap_or(0);
        }
    }
    if cells.is_empty() {
        let why = if report.runs.is_empty() {
            "the report has no runs".to_string()
        } else {
            let notes: Vec<String> = not_measured(report).iter().map(|n| n.text()).collect();
            format!("no run was measured ({})", notes.join("; "))
        };
        return Err(ChartError::NoData(why));
    }
    Ok(cells)
}

pub(crate) fn mode_index(mode: Mode) -> usize {
    Mode::ALL.iter().position(|m| *m == mode).unwrap_or(usize::MAX)
}

/// Runs of one mode that were not measured, for the same reason.
pub(crate) struct NotMeasured {
    pub mode: Mode,
    pub workers: Vec<u32>,
    pub reason: String,
}

impl NotMeasured {
    pub fn text(&self) -> String {
        let workers: Vec<String> = self.workers.iter().map(u32::to_string).collect();
        let plural = if self.workers == [1] { "" } else { "s" };
        format!("{} at {} worker{plural}: {}", self.mode.name(), workers.join(", "), self.reason)
    }

    /// Space-separated worker counts, for `data-workers`.
    pub fn workers_attr(&self) -> String {
        let workers: Vec<String> = self.workers.iter().map(u32::to_string).collect();
        workers.join(" ")
    }
}

/// Skipped runs (and runs without a usable median) grouped by mode and reason, in report order.
pub(crate) fn not_measured(report: &Report) -> Vec<NotMeasured> {
    let mut out: Vec<NotMeasured> = Vec::new();
    for run in report.runs.iter().filter(|r| Cell::of(r).is_none()) {
        let reason = match &run.skipped {
            Some(reason) if !reason.trim().is_empty() => clean(reason, 100),
            Some(_) => "skipped".to_string(),
            None => "no samples".to_string(),
        };
        match out.iter_mut().find(|n| n.mode == run.mode && n.reason == reason) {
            Some(n) => n.workers.push(run.workers),
            None => out.push(NotMeasured { mode: run.mode, workers: vec![run.workers], reason }),
        }
    }
    out
}

/// Report text made safe to draw: one line, no control characters, at most `max` characters.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let one_line = one_line.trim();
    if one_line.chars().count() <= max {
        return one_line.to_string();
    }
    let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A measurement with as many decimals as its size warrants.
pub(crate) fn fmt_num(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

/// "1 worker", "2 workers".
pub(crate) fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
