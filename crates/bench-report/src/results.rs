//! bench/results.json, as bench/run.mjs writes it: every raw sample of a `make bench`. Only the
//! fields the analysis reads are named; reports keep everything the page returned but the verdict.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The version of the file's layout this reader reads. Bump it with any change to what
/// bench/run.mjs writes that the analysis depends on; older files are refused, not guessed at.
pub const SCHEMA: u64 = 2;

/// Parses a results file, refusing one of another schema with a sentence that says what to do.
pub fn parse(text: &str) -> Result<Results, String> {
    // Read straight from the text, not through a `Value`: its objects would lose their order.
    #[derive(Deserialize)]
    struct Version {
        schema: Option<Value>,
    }
    let version: Version = serde_json::from_str(text).map_err(|e| format!("results file is not JSON: {e}"))?;
    match version.schema.as_ref().and_then(Value::as_u64) {
        Some(SCHEMA) => {}
        found => {
            let found = found.map_or_else(
                || "no schema field (schema 1, files before 2026-12-07)".into(),
                |v| format!("schema {v}"),
            );
            return Err(format!(
                "results file has {found}; this report reads schema {SCHEMA} only: run `make bench` again to measure a new one"
            ));
        }
    }
    serde_json::from_str(text).map_err(|e| format!("results file (schema {SCHEMA}) is missing a figure: {e}"))
}

#[derive(Debug, Deserialize)]
pub struct Results {
    pub schema: u64,
    pub meta: Meta,
    pub startup: Startup,
    /// The 16-thread pool started on a settled page (as the playground starts it) and as the page loads.
    pub pool: Vec<PoolStart>,
    pub pool_at_load: Vec<PoolStart>,
    pub floor: Floor,
    pub size: Size,
    pub sessions: Vec<Session>,
    pub io: Io,
    #[serde(default)]
    pub engines: Vec<Engine>,
    /// Sharing data between workers: the shared counter (absent from files measured before it).
    #[serde(default)]
    pub sharing: Option<Sharing>,
}

#[derive(Debug, Deserialize)]
pub struct Sharing {
    pub counter: Report,
}

#[derive(Debug, Deserialize)]
pub struct Meta {
    pub capabilities: Capabilities,
    pub dispatch_tasks: DispatchTasks,
}

#[derive(Debug, Deserialize)]
pub struct Capabilities {
    pub cores: u32,
}

#[derive(Debug, Deserialize)]
pub struct DispatchTasks {
    pub wanted: u32,
    pub used: u32,
}

#[derive(Debug, Deserialize)]
pub struct Startup {
    pub first_visit: Vec<Ready>,
    pub reload: Vec<Ready>,
}

#[derive(Debug, Deserialize)]
pub struct Ready {
    pub ready_ms: Option<f64>,
    pub error: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct PoolStart {
    pub ms: Option<f64>,
    pub reply: Option<String>,
    pub isolated: Option<bool>,
}

/// What the browser costs with none of threadlab's engines (bench/pages), on a settled page.
#[derive(Debug, Deserialize)]
pub struct Floor {
    pub two: Vec<Workers>,
    pub two_process: Vec<Workers>,
    pub sixteen: Vec<Workers>,
    pub sixteen_threads: Vec<Workers>,
    pub message: Vec<Message>,
}

#[derive(Debug, Deserialize)]
pub struct Workers {
    pub all_ms: f64,
    pub each_ms: Vec<f64>,
}

#[derive(Debug, Deserialize)]
pub struct Message {
    pub median_ms: f64,
    pub p90_ms: f64,
}

#[derive(Debug, Deserialize)]
pub struct Size {
    pub at_load: Vec<File>,
    pub after_runs: Vec<File>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct File {
    pub path: String,
    pub bytes: u64,
    pub gzip_default: u64,
    pub gzip_best: u64,
}

#[derive(Debug, Deserialize)]
pub struct Session {
    /// Load average (1, 5, 15 min) at the session's start.
    pub load: Vec<f64>,
    pub page: Page,
    pub native: Native,
    pub python: Ordered<PythonCpu>,
}

/// The page's reports of one session: the single-kernel specs, and the experiments by name
/// (`fib_warm`, `fib_warm_default`, `fib_cold`, `sum_warm`, ..., `dispatch`, `dispatch_one`).
#[derive(Debug, Deserialize)]
pub struct Page {
    pub kernels: Ordered<Report>,
    #[serde(flatten)]
    pub experiments: BTreeMap<String, Report>,
}

impl Page {
    pub fn get(&self, name: &str) -> Result<&Report, String> {
        self.experiments.get(name).ok_or_else(|| format!("a session has no `{name}` report"))
    }
}

#[derive(Debug, Deserialize)]
pub struct Native {
    pub jobs: Vec<NativeJob>,
}

impl Native {
    pub fn job(&self, id: &str) -> Result<&NativeJob, String> {
        self.jobs.iter().find(|j| j.id == id).ok_or_else(|| format!("a session has no native job `{id}`"))
    }
}

#[derive(Debug, Deserialize)]
pub struct NativeJob {
    pub id: String,
    /// Per repetition, each task's time.
    pub task_ms: Vec<Vec<f64>>,
    /// Per thread count, the wall time of each repetition.
    #[serde(default)]
    pub threads_ms: BTreeMap<String, Vec<f64>>,
    pub verified: bool,
}

#[derive(Debug, Deserialize)]
pub struct PythonCpu {
    pub sequential_ms: Vec<f64>,
    pub threads_ms: Vec<f64>,
    pub processes_warm_ms: Vec<f64>,
    pub processes_cold_ms: Vec<f64>,
    pub pool_start_ms: Vec<f64>,
    #[serde(default)]
    pub single_ms: Vec<f64>,
    pub verified: bool,
}

/// A report as the page returned it (its verdict left out).
#[derive(Debug, Deserialize)]
pub struct Report {
    #[serde(default)]
    pub spec: Value,
    #[serde(default)]
    pub runs: Vec<Run>,
    /// Set instead of runs when the run failed as a whole (per-engine reports).
    #[serde(default)]
    pub error: Option<String>,
}

impl Report {
    pub fn find(&self, mode: &str, workers: u32) -> Option<&Run> {
        self.runs.iter().find(|r| r.mode == mode && r.workers == workers)
    }

    /// The run of `mode` with `workers`, or a sentence naming what is missing.
    pub fn run(&self, mode: &str, workers: u32) -> Result<&Run, String> {
        self.find(mode, workers).ok_or_else(|| format!("a report has no {mode} run with {workers} workers"))
    }

    /// The spec as lab parses it (for the hand-out of its processes run).
    pub fn parsed_spec(&self) -> Result<threadlab_lab::Spec, String> {
        threadlab_lab::Spec::parse(&self.spec.to_string()).map_err(|e| format!("a report's spec: {e}"))
    }

    pub fn tasks(&self) -> Result<u32, String> {
        self.spec
            .get("tasks")
            .and_then(Value::as_u64)
            .map(|t| t as u32)
            .ok_or_else(|| "a report's spec has no tasks".into())
    }
}

#[derive(Debug, Deserialize)]
pub struct Run {
    pub mode: String,
    pub workers: u32,
    /// A counter's synchronisation (threads modes).
    pub variant: Option<String>,
    /// What a counter run counted.
    pub counter: Option<Counted>,
    #[serde(default)]
    pub samples_ms: Vec<f64>,
    pub median_ms: Option<f64>,
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    pub startup_ms: Option<f64>,
    #[serde(default)]
    pub verified: bool,
    #[serde(default)]
    pub trace: Vec<TraceTask>,
    pub skipped: Option<String>,
    #[serde(default)]
    pub errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Counted {
    pub expected: u64,
    pub lost: Vec<u64>,
    pub racy: bool,
}

#[derive(Debug, Deserialize)]
pub struct TraceTask {
    pub worker: u32,
    pub start_ms: f64,
    pub end_ms: f64,
}

#[derive(Debug, Deserialize)]
pub struct Io {
    pub params: IoParams,
    pub zero: Report,
    pub page: Report,
    pub python: IoPython,
}

#[derive(Debug, Deserialize)]
pub struct IoParams {
    pub tasks: u32,
    pub delay_ms: f64,
    pub target_max_workers: u32,
}

#[derive(Debug, Deserialize)]
pub struct IoPython {
    pub workers: u32,
    pub threads_ms: Vec<f64>,
    pub processes_warm_ms: Vec<f64>,
    pub asyncio_ms: Vec<f64>,
    pub verified: bool,
}

/// One engine's table (bench/lib/engines.mjs), or why it could not be measured.
#[derive(Debug, Deserialize)]
pub struct Engine {
    pub engine: String,
    pub version: Option<String>,
    pub measured_at: Option<String>,
    pub error: Option<String>,
    #[serde(default)]
    pub ready_ms: Vec<f64>,
    #[serde(default)]
    pub kernels: Ordered<EngineKernel>,
    pub capabilities: Option<Value>,
    pub efficiency: Option<Report>,
    pub cold: Option<Report>,
}

#[derive(Debug, Deserialize)]
pub struct EngineKernel {
    pub native_task_ms: f64,
    pub page: Report,
}

/// A JSON object read in the order it was written (the kernels' order is the bench's).
#[derive(Debug)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn get(&self, key: &str) -> Result<&T, String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v).ok_or_else(|| format!("no `{key}` in the results"))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_another_schema_is_refused_with_what_to_do() {
        let old = parse(r#"{"meta": {}}"#).unwrap_err();
        assert!(old.contains("no schema field") && old.contains("make bench"), "{old}");
        let newer = parse(r#"{"schema": 3}"#).unwrap_err();
        assert!(newer.starts_with("results file has schema 3;"), "{newer}");
        assert!(parse("not json").unwrap_err().contains("not JSON"));
        // The right schema with a figure missing names it.
        let missing = parse(r#"{"schema": 2, "meta": {}}"#).unwrap_err();
        assert!(missing.contains("missing a figure"), "{missing}");
    }

    #[test]
    fn objects_keep_the_order_they_were_written_in() {
        let o: Ordered<u32> = serde_json::from_str(r#"{"fib": 1, "sum": 2, "mandelbrot": 3}"#).unwrap();
        assert_eq!(o.0.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["fib", "sum", "mandelbrot"]);
        assert_eq!(o.get("sum"), Ok(&2));
    }
}
