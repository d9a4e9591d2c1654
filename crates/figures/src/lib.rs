//! The figures module (plain Wasm): draws the report's charts with `threadlab-charts` for the
//! page (crates/app/src/ui/charts.rs). The charts and plotters are a sixth of what the page's
//! module would otherwise weigh, and nothing needs them before a first result, so the page
//! loads this module then. It holds one report at a time: `set_report`, then any chart of it.

use std::cell::RefCell;
use threadlab_charts::{ChartError, Theme};
use threadlab_lab::report::Report;
use wasm_bindgen::prelude::*;

thread_local! {
    static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// Takes the report to draw, as JSON (what `threadlab.run` resolves to).
#[wasm_bindgen]
pub fn set_report(json: &str) -> Result<(), String> {
    let report = serde_json::from_str(json).map_err(|e| format!("the report could not be read for its charts: {e}"))?;
    REPORT.with(|r| *r.borrow_mut() = Some(report));
    Ok(())
}

/// The grouped bars: median per mode and worker count, min..max whiskers.
#[wasm_bindgen]
pub fn bars(dark: bool) -> Result<String, String> {
    draw(|report| threadlab_charts::bars(report, theme(dark)))
}

/// Time and speedup against workers (a sweep).
#[wasm_bindgen]
pub fn scaling(dark: bool) -> Result<String, String> {
    draw(|report| threadlab_charts::scaling(report, theme(dark)))
}

/// The timeline of `report.runs[run]`: a lane per worker.
#[wasm_bindgen]
pub fn timeline(run: usize, dark: bool) -> Result<String, String> {
    draw(|report| match report.runs.get(run) {
        Some(r) => threadlab_charts::timeline(r, &report.spec, theme(dark)),
        None => Err(ChartError::NoData("no run has a timeline".into())),
    })
}

fn theme(dark: bool) -> Theme {
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

fn draw(chart: impl FnOnce(&Report) -> Result<String, ChartError>) -> Result<String, String> {
    REPORT.with(|r| match r.borrow().as_ref() {
        Some(report) => chart(report).map_err(|e| e.to_string()),
        None => Err(ChartError::NoData("no report yet".into()).to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlab_lab::plan::Cell;
    use threadlab_lab::protocol::TaskOutcome;
    use threadlab_lab::report::{Env, RunRecord, Sample};
    use threadlab_lab::{Mode, Spec};

    /// A report as the page sends it: JSON of a sweep of threads over 1 and 2 workers.
    fn report_json() -> String {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}, "tasks": 2, "modes": ["threads"], "workers": [1, 2]}"#).unwrap();
        let run = |workers: u32, ms: f64| {
            let outcomes = (0..2).map(|task| TaskOutcome { task, worker: task % workers + 1, start: 0.0, end: ms, checksum: 6765, ..Default::default() }).collect();
            RunRecord::measured(Cell { mode: Mode::Threads, workers }, &[Sample { wall_ms: ms, run_start: 0.0, outcomes, startup_ms: None }], &[Some(6765), Some(6765)], 0.0)
        };
        let env = Env { cores: 2, cross_origin_isolated: true, user_agent: "test".into(), timer_resolution_ms: 0.005, version: "test".into() };
        Report::new(spec, env, vec![run(1, 20.0), run(2, 10.0)]).to_json()
    }

    #[test]
    fn draws_every_chart_of_the_report_it_was_given_last() {
        assert_eq!(bars(false).unwrap_err(), "nothing to chart: no report yet");
        set_report(&report_json()).unwrap();
        for svg in [bars(false), scaling(true), timeline(1, false)] {
            let svg = svg.unwrap();
            assert!(svg.starts_with("<svg") && svg.contains("threadlab-chart"), "{svg:.80}");
        }
        assert!(bars(true).unwrap().contains(r#"data-theme="dark""#));
        assert_eq!(timeline(7, false).unwrap_err(), "nothing to chart: no run has a timeline");
    }

    #[test]
    fn a_report_it_cannot_read_is_refused_in_a_sentence() {
        assert!(set_report("{not json").unwrap_err().starts_with("the report could not be read for its charts"));
    }
}
