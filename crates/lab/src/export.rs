//! Exports of a report: CSV (one row per run, the table's columns) and Chrome trace-event JSON
//! (opens in ui.perfetto.dev or chrome://tracing). The JSON report itself is `Report::to_json`.

use crate::report::{Report, RunRecord};
use serde_json::{json, Value};

/// New columns go at the end, so a script that reads columns by position keeps working.
const CSV_COLUMNS: [&str; 17] = [
    "mode",
    "workers",
    "skipped",
    "samples",
    "median_ms",
    "mean_ms",
    "stddev_ms",
    "min_ms",
    "max_ms",
    "speedup",
    "efficiency",
    "verified",
    "checksum",
    "startup_ms",
    "errors",
    "warnings",
    "chunksize",
];

/// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn number(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn row(r: &RunRecord) -> Vec<String> {
    let samples: Vec<String> = r.samples_ms.iter().map(f64::to_string).collect();
    vec![
        r.mode.name().to_string(),
        r.workers.to_string(),
        r.skipped.clone().unwrap_or_default(),
        samples.join(" "),
        number(r.median_ms),
        number(r.mean_ms),
        number(r.stddev_ms),
        number(r.min_ms),
        number(r.max_ms),
        number(r.speedup),
        number(r.efficiency),
        r.verified.to_string(),
        r.checksum.clone(),
        number(r.startup_ms),
        r.errors.join("; "),
        r.warnings.join("; "),
        r.chunksize.map(|c| c.to_string()).unwrap_or_default(),
    ]
}

/// One header line, then one line per run (samples space-separated in one column).
pub fn csv(report: &Report) -> String {
    let mut out = CSV_COLUMNS.join(",") + "\r\n";
    for r in &report.runs {
        out += &row(r).iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
        out += "\r\n";
    }
    out
}

/// Trace-event JSON: one process per measured run ("threads x 4"), one thread per worker, each
/// task a complete event with its GIL and I/O waits nested inside. Times in microseconds from
/// the start of that run's last repetition.
pub fn chrome_trace(report: &Report) -> String {
    let us = |ms: f64| (ms * 1000.0).round();
    let mut events: Vec<Value> = Vec::new();
    for (i, r) in report.runs.iter().enumerate().filter(|(_, r)| !r.trace.is_empty()) {
        let pid = i + 1;
        let name = if r.mode.is_single_threaded() {
            r.mode.name().to_string()
        } else {
            format!("{} x {}", r.mode.name(), r.workers)
        };
        events.push(json!({"ph": "M", "name": "process_name", "pid": pid, "args": {"name": name}}));
        events.push(json!({"ph": "M", "name": "process_sort_index", "pid": pid, "args": {"sort_index": pid}}));
        let mut workers: Vec<u32> = r.trace.iter().map(|e| e.worker).collect();
        workers.sort_unstable();
        workers.dedup();
        for w in workers {
            events.push(json!({"ph": "M", "name": "thread_name", "pid": pid, "tid": w, "args": {"name": format!("worker {w}")}}));
        }
        for e in &r.trace {
            let mut args = json!({"task": e.task, "gil_wait_ms": e.gil_wait_ms, "io_wait_ms": e.io_wait_ms});
            if e.bytes > 0 {
                args["bytes"] = json!(e.bytes);
            }
            if let Some(error) = &e.error {
                args["error"] = json!(error);
            }
            let base = json!({"ph": "X", "pid": pid, "tid": e.worker, "cat": r.mode.name()});
            let complete = |name: String, start: f64, end: f64, args: Value| {
                let mut ev = base.clone();
                ev["name"] = json!(name);
                ev["ts"] = json!(us(start));
                ev["dur"] = json!(us(end - start).max(0.0));
                ev["args"] = args;
                ev
            };
            events.push(complete(format!("task {}", e.task), e.start_ms, e.end_ms, args));
            for [a, b] in &e.gil_waits {
                events.push(complete("GIL wait".into(), *a, *b, json!({"task": e.task})));
            }
            for [a, b] in &e.io_waits {
                events.push(complete("I/O wait".into(), *a, *b, json!({"task": e.task})));
            }
        }
    }
    json!({"traceEvents": events, "displayTimeUnit": "ms", "otherData": {"version": report.env.version, "workload": report.spec.workload}})
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Cell;
    use crate::protocol::TaskOutcome;
    use crate::report::{Env, Sample};
    use crate::{Mode, Spec};

    fn report() -> Report {
        let spec =
            Spec::parse(r#"{"workload": {"kind": "fetch"}, "modes": ["threads-gil", "threads"], "workers": [2]}"#)
                .unwrap();
        let env = Env {
            cores: 2,
            cross_origin_isolated: true,
            user_agent: "t".into(),
            timer_resolution_ms: 0.005,
            version: "9.9".into(),
        };
        let outcome = |task, worker, start: f64| TaskOutcome {
            task,
            worker,
            start,
            end: start + 10.0,
            checksum: 1,
            gil_waits: vec![(start, start + 1.0)],
            io_waits: vec![(start + 2.0, start + 8.0)],
            bytes: 100,
            ..Default::default()
        };
        let sample = Sample {
            wall_ms: 20.0,
            run_start: 1000.0,
            outcomes: vec![outcome(0, 1, 1000.0), outcome(1, 2, 1001.0)],
            startup_ms: None,
            counted: None,
        };
        let mut failed =
            RunRecord::measured(Cell::new(Mode::Threads, 2), std::slice::from_ref(&sample), &[Some(1), Some(1)], 0.0);
        failed.verified = false;
        failed.errors = vec!["timed out, \"twice\"".into()];
        let gil = RunRecord::measured(Cell::new(Mode::ThreadsGil, 2), &[sample], &[Some(1), Some(1)], 0.0);
        let skipped = RunRecord::skipped(Cell::new(Mode::Processes, 2), "not today, thanks");
        Report::new(spec, env, vec![gil, failed, skipped])
    }

    #[test]
    fn csv_has_a_header_and_a_quoted_row_per_run() {
        let text = csv(&report());
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].split(',').count(), CSV_COLUMNS.len());
        assert!(lines[0].ends_with(",errors,warnings,chunksize"), "new columns go last: {}", lines[0]);
        assert!(lines[1].starts_with("threads-gil,2,,20,20,20,0,20,20,"), "{}", lines[1]);
        assert!(lines[2].contains(r#""timed out, ""twice""""#), "{}", lines[2]);
        assert!(lines[3].starts_with("processes,2,\"not today, thanks\",,"), "{}", lines[3]);
    }

    #[test]
    fn trace_json_has_a_process_per_run_and_a_thread_per_worker() {
        let trace: Value = serde_json::from_str(&chrome_trace(&report())).unwrap();
        let events = trace["traceEvents"].as_array().unwrap();
        let of = |ph: &str, name: &str| events.iter().filter(|e| e["ph"] == ph && e["name"] == name).count();
        assert_eq!(of("M", "process_name"), 2, "the skipped run has no trace");
        assert_eq!(of("M", "thread_name"), 4);
        assert_eq!(of("X", "task 0"), 2);
        assert_eq!(of("X", "GIL wait"), 4);
        assert_eq!(of("X", "I/O wait"), 4);
        let task = events.iter().find(|e| e["name"] == "task 1").unwrap();
        assert_eq!(
            (task["ts"].as_f64(), task["dur"].as_f64(), task["tid"].as_u64()),
            (Some(1000.0), Some(10000.0), Some(2))
        );
        assert_eq!(task["args"]["bytes"], 100);
        assert_eq!(trace["otherData"]["version"], "9.9");
    }
}
