//! The per-engine tables (bench/lib/engines.mjs measures them): each engine's figures, or the
//! page's own reason where a mode could not run there.

use crate::results::{Engine, Report, Results};
use crate::stats::Spread;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Serialize)]
pub struct Figure {
    pub name: String,
    pub value: Option<f64>,
    pub unit: &'static str,
    pub range: Option<Spread>,
    /// Why there is no value.
    pub why: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EngineTable {
    pub engine: String,
    pub version: Option<String>,
    pub measured_at: Option<String>,
    pub capabilities: Option<Value>,
    pub figures: Vec<Figure>,
}

/// Why a run has no figure: the report failed, the run is missing, skipped or not verified.
fn skip_or_error(report: Option<&Report>, mode: &str, workers: u32) -> Option<String> {
    if let Some(e) = report.and_then(|r| r.error.clone()) {
        return Some(e);
    }
    let Some(run) = report.and_then(|r| r.find(mode, workers)) else { return Some("not run".into()) };
    if let Some(why) = &run.skipped {
        return Some(format!("skipped: {why}"));
    }
    if !run.verified {
        return Some(format!("not verified: {}", run.errors.first().map_or("wrong checksum", String::as_str)));
    }
    None
}

fn figure(name: impl Into<String>, unit: &'static str, value: Option<f64>, why: Option<String>) -> Figure {
    Figure { name: name.into(), value: if why.is_some() { None } else { value }, unit, range: None, why }
}

/// One engine's figures; `tasks_of` gives a kernel's task count (the bench's kernel spec).
pub fn figures(m: &Engine, tasks_of: impl Fn(&str) -> Option<u32>) -> Vec<Figure> {
    if let Some(e) = &m.error {
        return vec![figure("every figure", "", None, Some(e.clone()))];
    }
    let ready = Spread::of(m.ready_ms.iter().map(|&x| Some(x)));
    let mut out = vec![Figure {
        name: "Page ready (navigation to threadlab.ready)".into(),
        value: ready.median,
        unit: "ms",
        range: Some(ready),
        why: (ready.n == 0).then(|| "no ready mark".into()),
    }];
    for (id, k) in &m.kernels.0 {
        for (mode, module) in [("sequential", "plain module"), ("threads", "threaded module")] {
            let why = skip_or_error(Some(&k.page), mode, 1);
            let wasm =
                k.page.find(mode, 1).and_then(|r| r.median_ms).zip(tasks_of(id)).map(|(ms, t)| ms / f64::from(t));
            out.push(figure(
                format!("Kernel speed, {id}, {module}"),
                "x native",
                wasm.map(|w| w / k.native_task_ms),
                why,
            ));
        }
    }
    let efficiency = m.efficiency.as_ref();
    for (mode, name) in [
        ("threads", "Threads efficiency, fib, 2 workers"),
        ("processes", "Warm processes efficiency, fib, 2 workers (chunksize 1)"),
    ] {
        let why = skip_or_error(efficiency, mode, 2).or_else(|| skip_or_error(efficiency, "sequential", 1));
        out.push(figure(name, "", efficiency.and_then(|r| r.find(mode, 2)).and_then(|r| r.efficiency), why));
    }
    let cold = m.cold.as_ref();
    let why = skip_or_error(cold, "processes", 2);
    out.push(figure(
        "Cold start-up per worker (2 workers)",
        "ms",
        cold.and_then(|r| r.find("processes", 2)).and_then(|r| r.startup_ms),
        why,
    ));
    out
}

/// Every engine's table, kernels sized as the bench's kernel specs.
pub fn tables(r: &Results) -> Result<Vec<EngineTable>, String> {
    let kernels = &r.sessions.first().ok_or("the results have no session")?.page.kernels;
    let tasks_of = |id: &str| kernels.get(id).ok().and_then(|k| k.tasks().ok());
    Ok(r.engines
        .iter()
        .map(|m| EngineTable {
            engine: m.engine.clone(),
            version: m.version.clone(),
            measured_at: m.measured_at.clone(),
            capabilities: m.capabilities.clone(),
            figures: figures(m, tasks_of),
        })
        .collect())
}
