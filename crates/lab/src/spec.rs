//! The spec contract (docs/spec.md): parsing with defaults, and validation whose errors name
//! the field and the allowed range. Nothing runs unless `Spec::parse` said yes.

use crate::kinds::{self, Absent, FieldType, Kind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use threadlab_workloads::counter::Sync;
use threadlab_workloads::download::{check_url, Download};
use threadlab_workloads::fault::Fault;
use threadlab_workloads::pass::Via;
use threadlab_workloads::Workload;

pub use crate::limits::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    #[serde(rename = "sequential")]
    Sequential,
    #[serde(rename = "threads")]
    Threads,
    #[serde(rename = "threads-gil")]
    ThreadsGil,
    #[serde(rename = "processes")]
    Processes,
    #[serde(rename = "async")]
    Async,
}

impl Mode {
    pub const ALL: [Mode; 5] = [Mode::Sequential, Mode::Threads, Mode::ThreadsGil, Mode::Processes, Mode::Async];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Threads => "threads",
            Mode::ThreadsGil => "threads-gil",
            Mode::Processes => "processes",
            Mode::Async => "async",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Modes that run on one thread whatever the worker count.
    pub fn is_single_threaded(self) -> bool {
        matches!(self, Mode::Sequential | Mode::Async)
    }

    /// Modes that need shared memory (cross-origin isolation).
    pub fn needs_shared_memory(self) -> bool {
        matches!(self, Mode::Threads | Mode::ThreadsGil)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessStart {
    /// Workers are created inside the timed run (multiprocessing's default behaviour).
    Cold,
    /// A pool is created before timing starts.
    Warm,
}

impl ProcessStart {
    /// The name in a spec (`"cold"`, `"warm"`).
    pub fn name(self) -> &'static str {
        match self {
            ProcessStart::Cold => "cold",
            ProcessStart::Warm => "warm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GilSettings {
    pub switch_interval_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessSettings {
    pub start: ProcessStart,
    /// CPU tasks per message, as `Pool.map(f, it, chunksize=N)`; `None`: Pool.map's default
    /// (`plan::default_chunksize`). Waiting tasks go one per message whatever this says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunksize: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub workload: Workload,
    pub tasks: u32,
    pub modes: Vec<Mode>,
    pub workers: Vec<u32>,
    pub repeat: u32,
    pub warmup: u32,
    pub gil: GilSettings,
    pub processes: ProcessSettings,
    /// Longest time one run (a repetition of one mode at one worker count) may take, seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_s: u32,
}

fn default_time_limit() -> u32 {
    DEFAULT_TIME_LIMIT_S
}

/// A rejected spec: which field, and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid spec: {}: {}", self.field, self.message)
    }
}

impl std::error::Error for SpecError {}

fn err(field: &str, message: impl Into<String>) -> SpecError {
    SpecError { field: field.to_string(), message: message.into() }
}

fn describe(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// Reads an integer field in `min..=max`, or its default when absent.
fn int_field(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    min: u64,
    max: u64,
    default: Option<u64>,
) -> Result<u64, SpecError> {
    let range = || format!("must be an integer from {min} to {max}");
    match obj.get(key) {
        None => default.ok_or_else(|| err(path, format!("is required; {}", range()))),
        Some(v) => match v
            .as_u64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19).map(|f| f as u64))
        {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(err(path, format!("{} (got {})", range(), describe(v)))),
        },
    }
}

fn check_keys(obj: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), SpecError> {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            let list = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
            return Err(err(&field, format!("unknown field; allowed here: {list}")));
        }
    }
    Ok(())
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, SpecError> {
    v.as_object().ok_or_else(|| err(path, format!("must be an object (got {})", describe(v))))
}

/// `fetch` / `fetch_write` parameters: a user URL (http(s) only), or the built-in endpoint's
/// delay and size; a timeout for either.
fn parse_download(obj: &Map<String, Value>, kind: &Kind) -> Result<Download, SpecError> {
    let optional = |key: &str| -> Result<Option<u32>, SpecError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => workload_int(obj, kind, key).map(|n| Some(n as u32)),
        }
    };
    let url = match obj.get("url") {
        None | Some(Value::Null) => None,
        Some(Value::String(u)) if u.trim().is_empty() => None,
        Some(Value::String(u)) if u.len() > MAX_URL_LEN => {
            return Err(err("workload.url", format!("is longer than {MAX_URL_LEN} characters")))
        }
        Some(Value::String(u)) => {
            check_url(u.trim())
                .map_err(|m| err("workload.url", format!("{m} (got {})", describe(&Value::String(u.clone())))))?;
            Some(u.trim().to_string())
        }
        Some(other) => {
            return Err(err("workload.url", format!("must be a string, an http(s) URL (got {})", describe(other))))
        }
    };
    let download = Download {
        delay_ms: optional("delay_ms")?,
        bytes: optional("bytes")?,
        timeout_ms: optional("timeout_ms")?,
        url,
    };
    if download.url.is_some() {
        for key in ["delay_ms", "bytes"] {
            if obj.get(key).is_some_and(|v| !v.is_null()) {
                return Err(err(
                    &format!("workload.{key}"),
                    "applies to the built-in endpoint only; remove it or the url",
                ));
            }
        }
    }
    Ok(download)
}

/// A workload field's integer, in the range `kinds` gives it (and its default, if it has one).
fn workload_int(obj: &Map<String, Value>, kind: &Kind, key: &str) -> Result<u64, SpecError> {
    let field = kind.field(key).expect("kinds lists every field the parser reads");
    let FieldType::Int { min, max } = field.ty else { unreachable!("{key} is not an integer field") };
    let default = match field.absent {
        Absent::Default(d) => Some(d),
        Absent::Required | Absent::Optional => None,
    };
    int_field(obj, key, &format!("workload.{key}"), min, max, default)
}

fn parse_workload(v: &Value) -> Result<Workload, SpecError> {
    let obj = object(v, "workload")?;
    let names = || kinds::names().join(", ");
    let name = match obj.get("kind") {
        Some(Value::String(k)) => k.as_str(),
        Some(other) => return Err(err("workload.kind", format!("must be a string (got {})", describe(other)))),
        None => return Err(err("workload.kind", format!("is required; one of {}", names()))),
    };
    let Some(kind) = kinds::find(name) else {
        return Err(err(
            "workload.kind",
            format!("unknown kind {}; one of {}", describe(&Value::String(name.into())), names()),
        ));
    };
    check_keys(obj, "workload", &[&["kind"], kind.field_names().as_slice()].concat())?;
    let int = |key: &str| workload_int(obj, kind, key);
    let w = match kind.name {
        "fib" => Workload::Fib { n: int("n")? as u32 },
        "sum" => Workload::Sum { n: int("n")? },
        "primes" => Workload::Primes { n: int("n")? },
        "sample_append" => Workload::SampleAppend { n: int("n")? as u32 },
        "mandelbrot" => Workload::Mandelbrot {
            width: int("width")? as u32,
            height: int("height")? as u32,
            max_iter: int("max_iter")? as u32,
        },
        "letters" => Workload::Letters {},
        "sleep" => Workload::Sleep { ms: int("ms")? as u32 },
        "fetch" => Workload::Fetch(parse_download(obj, kind)?),
        "fetch_write" => Workload::FetchWrite(parse_download(obj, kind)?),
        "fault" => {
            let names = || Fault::ALL.map(Fault::name).join(", ");
            let fault = match obj.get("fault") {
                Some(Value::String(f)) => Fault::from_name(f).ok_or_else(|| {
                    err(
                        "workload.fault",
                        format!("unknown fault {}; one of {}", describe(&Value::String(f.clone())), names()),
                    )
                })?,
                Some(other) => {
                    return Err(err("workload.fault", format!("must be one of {} (got {})", names(), describe(other))))
                }
                None => return Err(err("workload.fault", format!("is required; one of {}", names()))),
            };
            Workload::Fault { fault, at_task: int("at_task")? as u32, n: int("n")? as u32 }
        }
        "counter" => Workload::Counter { n: int("n")?, sync: parse_syncs(obj.get("sync"))? },
        "pass" => Workload::Pass { mb: int("mb")? as u32, via: parse_vias(obj.get("via"))? },
        other => unreachable!("kinds lists {other}, which the parser does not build"),
    };
    Ok(w)
}

/// A counter's synchronisations: one name or a list of distinct names; every one when absent.
fn parse_syncs(v: Option<&Value>) -> Result<Vec<Sync>, SpecError> {
    parse_names(v, "workload.sync", "synchronisation", &Sync::ALL, Sync::name, Sync::from_name)
}

/// A `pass` workload's ways to a process worker: one name or a list; every one when absent.
fn parse_vias(v: Option<&Value>) -> Result<Vec<Via>, SpecError> {
    parse_names(v, "workload.via", "way to pass the input", &Via::ALL, Via::name, Via::from_name)
}

/// One name of `all` or a list of distinct ones (`field`, naming a `what`); all when absent.
fn parse_names<T: Copy + PartialEq>(
    v: Option<&Value>,
    field: &str,
    what: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    from_name: fn(&str) -> Option<T>,
) -> Result<Vec<T>, SpecError> {
    let names = || all.iter().map(|&t| name(t)).collect::<Vec<_>>().join(", ");
    let one = |v: &Value, field: &str| {
        v.as_str()
            .and_then(from_name)
            .ok_or_else(|| err(field, format!("unknown {what} {}; one of {}", describe(v), names())))
    };
    match v {
        None => Ok(all.to_vec()),
        Some(Value::Array(list)) if !list.is_empty() => {
            let mut picked = Vec::new();
            for (i, item) in list.iter().enumerate() {
                let t = one(item, &format!("{field}[{i}]"))?;
                if !picked.contains(&t) {
                    picked.push(t);
                }
            }
            Ok(picked)
        }
        Some(Value::Array(_)) => Err(err(field, format!("must name at least one of {}", names()))),
        Some(other) => Ok(vec![one(other, field)?]),
    }
}

/// A fault's `at_task` must be a task of the run.
fn check_at_task(workload: &Workload, tasks: u32) -> Result<(), SpecError> {
    if let Workload::Fault { at_task, .. } = *workload {
        if at_task >= tasks {
            return Err(err(
                "workload.at_task",
                format!("must be a task of this run: from 0 to {} (got {at_task})", tasks - 1),
            ));
        }
    }
    Ok(())
}

/// `modes`: known names, at least one, duplicates dropped; every mode when absent.
fn parse_modes(obj: &Map<String, Value>) -> Result<Vec<Mode>, SpecError> {
    Ok(match obj.get("modes") {
        None => Mode::ALL.to_vec(),
        Some(v) => {
            let names = || Mode::ALL.map(Mode::name).join(", ");
            let list = v.as_array().ok_or_else(|| err("modes", format!("must be a list of modes: {}", names())))?;
            if list.is_empty() {
                return Err(err("modes", format!("must name at least one mode: {}", names())));
            }
            let mut modes = Vec::new();
            for (i, m) in list.iter().enumerate() {
                let mode = m.as_str().and_then(Mode::from_name).ok_or_else(|| {
                    err(&format!("modes[{i}]"), format!("unknown mode {}; one of {}", describe(m), names()))
                })?;
                if !modes.contains(&mode) {
                    modes.push(mode);
                }
            }
            modes
        }
    })
}

/// `workers`: 1 to MAX_WORKERS counts, sorted and de-duplicated; [1, 2, 4] when absent.
fn parse_workers(obj: &Map<String, Value>) -> Result<Vec<u32>, SpecError> {
    Ok(match obj.get("workers") {
        None => vec![1, 2, 4],
        Some(v) => {
            let range = format!("must be a list of integers from 1 to {MAX_WORKERS}");
            let list = v.as_array().ok_or_else(|| err("workers", range.clone()))?;
            if list.is_empty() || list.len() > MAX_WORKERS as usize {
                return Err(err("workers", format!("{range}, with 1 to {MAX_WORKERS} entries")));
            }
            let mut workers = Vec::new();
            for (i, w) in list.iter().enumerate() {
                let n = w.as_u64().filter(|n| (1..=u64::from(MAX_WORKERS)).contains(n));
                let n = n.ok_or_else(|| {
                    err(
                        &format!("workers[{i}]"),
                        format!("must be an integer from 1 to {MAX_WORKERS} (got {})", describe(w)),
                    )
                })?;
                workers.push(n as u32);
            }
            workers.sort_unstable();
            workers.dedup();
            workers
        }
    })
}

/// `gil.switch_interval_ms`: 0.1 to 1000 ms, CPython's 5 ms when absent.
fn parse_gil(obj: &Map<String, Value>) -> Result<GilSettings, SpecError> {
    Ok(match obj.get("gil") {
        None => GilSettings { switch_interval_ms: 5.0 },
        Some(v) => {
            let g = object(v, "gil")?;
            check_keys(g, "gil", &["switch_interval_ms"])?;
            let ms = match g.get("switch_interval_ms") {
                None => 5.0,
                Some(x) => x.as_f64().filter(|ms| (0.1..=1000.0).contains(ms)).ok_or_else(|| {
                    err("gil.switch_interval_ms", format!("must be a number from 0.1 to 1000 (got {})", describe(x)))
                })?,
            };
            GilSettings { switch_interval_ms: ms }
        }
    })
}

/// `processes`: how workers start (cold when absent) and the chunksize (Pool.map's default when absent).
fn parse_processes(obj: &Map<String, Value>) -> Result<ProcessSettings, SpecError> {
    Ok(match obj.get("processes") {
        None => ProcessSettings { start: ProcessStart::Cold, chunksize: None },
        Some(v) => {
            let p = object(v, "processes")?;
            check_keys(p, "processes", &["start", "chunksize"])?;
            let start = match p.get("start") {
                None => ProcessStart::Cold,
                Some(Value::String(s)) if s == "cold" => ProcessStart::Cold,
                Some(Value::String(s)) if s == "warm" => ProcessStart::Warm,
                Some(x) => {
                    return Err(err("processes.start", format!("must be \"cold\" or \"warm\" (got {})", describe(x))))
                }
            };
            let chunksize = match p.get("chunksize") {
                None | Some(Value::Null) => None,
                Some(_) => {
                    Some(int_field(p, "chunksize", "processes.chunksize", 1, u64::from(MAX_TASKS), None)? as u32)
                }
            };
            ProcessSettings { start, chunksize }
        }
    })
}

impl Spec {
    /// Parses spec JSON text.
    pub fn parse(json: &str) -> Result<Spec, SpecError> {
        let value: Value = serde_json::from_str(json).map_err(|e| err("spec", format!("is not valid JSON: {e}")))?;
        Spec::from_value(&value)
    }

    /// Validates a JSON value and fills in defaults.
    pub fn from_value(value: &Value) -> Result<Spec, SpecError> {
        let obj = object(value, "spec")?;
        check_keys(
            obj,
            "",
            &["workload", "tasks", "modes", "workers", "repeat", "warmup", "gil", "processes", "time_limit_s"],
        )?;
        let workload = parse_workload(
            obj.get("workload").ok_or_else(|| err("workload", "is required, e.g. {\"kind\": \"fib\", \"n\": 35}"))?,
        )?;
        let tasks = int_field(obj, "tasks", "tasks", 1, u64::from(MAX_TASKS), Some(10))? as u32;
        let repeat = int_field(obj, "repeat", "repeat", 1, u64::from(MAX_REPEAT), Some(3))? as u32;
        let warmup = int_field(obj, "warmup", "warmup", 0, u64::from(MAX_WARMUP), Some(1))? as u32;
        let time_limit_s = int_field(
            obj,
            "time_limit_s",
            "time_limit_s",
            1,
            u64::from(MAX_TIME_LIMIT_S),
            Some(u64::from(DEFAULT_TIME_LIMIT_S)),
        )? as u32;
        check_at_task(&workload, tasks)?;
        let modes = parse_modes(obj)?;
        let workers = parse_workers(obj)?;
        let gil = parse_gil(obj)?;
        let processes = parse_processes(obj)?;
        let spec = Spec { workload, tasks, modes, workers, repeat, warmup, gil, processes, time_limit_s };
        spec.check_memory()?;
        Ok(spec)
    }

    /// Threads share one memory: lists built at once by concurrent threads must fit in it. A
    /// download's body is held until it is hashed (and written): async holds every task's.
    fn check_memory(&self) -> Result<(), SpecError> {
        if let Some((download, _)) = self.workload.download() {
            let in_flight =
                if self.modes.contains(&Mode::Async) { self.tasks } else { self.max_workers().min(self.tasks) };
            let need_mb = u64::from(in_flight) * u64::from(download.bytes()) / (1 << 20);
            if need_mb > DOWNLOAD_MEMORY_BUDGET_MB {
                return Err(err(
                    "workload.bytes",
                    format!(
                        "{in_flight} downloads of {} bytes in flight need about {need_mb} MB; the limit is \
                         {DOWNLOAD_MEMORY_BUDGET_MB} MB: lower bytes, tasks or workers",
                        download.bytes()
                    ),
                ));
            }
            return Ok(());
        }
        if let Workload::Pass { mb, .. } = self.workload {
            // Each process worker gets its own copy of the input (none with a SharedArrayBuffer,
            // counted anyway: the spec may list copy or transfer too).
            let copies = u64::from(self.max_workers());
            let need_mb = copies * u64::from(mb);
            if self.modes.contains(&Mode::Processes) && need_mb > PASS_MEMORY_BUDGET_MB {
                return Err(err(
                    "workload.mb",
                    format!(
                        "{copies} process workers each receiving a copy of {mb} MB need {need_mb} MB at once; the \
                         limit is {PASS_MEMORY_BUDGET_MB} MB: lower mb or workers"
                    ),
                ));
            }
            return Ok(());
        }
        let Workload::SampleAppend { n } = self.workload else { return Ok(()) };
        if !self.modes.iter().any(|m| m.needs_shared_memory()) {
            return Ok(());
        }
        let concurrent = u64::from(self.max_workers().min(self.tasks));
        // u32 items in a Vec that doubles: capacity reaches the next power of two, and while it
        // grows it briefly holds the old buffer (half that) beside the new one.
        let need_mb = concurrent * u64::from(n).next_power_of_two() * 4 * 3 / 2 / (1 << 20);
        if need_mb > THREAD_MEMORY_BUDGET_MB {
            return Err(err(
                "workload.n",
                format!(
                    "{concurrent} threads appending {n} integers each need about {need_mb} MB of shared memory; \
                     the limit is {THREAD_MEMORY_BUDGET_MB} MB: lower n, tasks or workers, or drop the threads modes"
                ),
            ));
        }
        Ok(())
    }

    pub fn max_workers(&self) -> u32 {
        self.workers.iter().copied().max().unwrap_or(1)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a spec always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(s: &str) -> Result<Spec, SpecError> {
        Spec::parse(s)
    }

    #[test]
    fn process_start_names_are_the_spec_names() {
        for start in [ProcessStart::Cold, ProcessStart::Warm] {
            assert_eq!(serde_json::to_value(start).unwrap(), start.name());
        }
    }

    #[test]
    fn the_contract_example_parses() {
        let spec = parse(
            r#"{"workload": {"kind": "fib", "n": 35}, "tasks": 10,
                "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                "workers": [1, 2, 4, 8, 16], "repeat": 3, "warmup": 1,
                "gil": {"switch_interval_ms": 5}, "processes": {"start": "cold"}}"#,
        )
        .unwrap();
        assert_eq!(spec.workload, Workload::Fib { n: 35 });
        assert_eq!(spec.workers, vec![1, 2, 4, 8, 16]);
        assert_eq!(spec.modes.len(), 5);
    }

    #[test]
    fn everything_but_the_workload_has_a_default() {
        let spec = parse(r#"{"workload": {"kind": "letters"}}"#).unwrap();
        assert_eq!(spec.tasks, 10);
        assert_eq!(spec.repeat, 3);
        assert_eq!(spec.warmup, 1);
        assert_eq!(spec.modes, Mode::ALL.to_vec());
        assert_eq!(spec.gil.switch_interval_ms, 5.0);
        assert_eq!(spec.processes.start, ProcessStart::Cold);
        assert_eq!(spec.processes.chunksize, None);
        // Round trip: the serialized spec parses to itself.
        assert_eq!(parse(&spec.to_json()).unwrap(), spec);
    }

    #[test]
    fn errors_name_the_field_and_the_range() {
        let cases = [
            (r#"{"workload": {"kind": "fib", "n": 99}}"#, "workload.n", "from 1 to 45"),
            (r#"{"workload": {"kind": "fib"}}"#, "workload.n", "required"),
            (r#"{"workload": {"kind": "fibonacci"}}"#, "workload.kind", "one of fib"),
            (r#"{"workload": {"kind": "fib", "n": 30}, "tasks": 0}"#, "tasks", "from 1 to 1024"),
            (r#"{"workload": {"kind": "fib", "n": 30}, "time_limit_s": 0}"#, "time_limit_s", "from 1 to 3600"),
            (r#"{"workload": {"kind": "fault"}}"#, "workload.fault", "required; one of panic, trap, oom, hang"),
            (r#"{"workload": {"kind": "fault", "fault": "segv"}}"#, "workload.fault", "unknown fault"),
            (
                r#"{"workload": {"kind": "counter", "n": 5, "sync": "mutex"}}"#,
                "workload.sync",
                "unknown synchronisation \"mutex\"; one of none, lock, atomic",
            ),
            (r#"{"workload": {"kind": "counter", "n": 5, "sync": []}}"#, "workload.sync", "must name at least one"),
            (
                r#"{"workload": {"kind": "counter", "n": 5, "sync": ["lock", 3]}}"#,
                "workload.sync[1]",
                "unknown synchronisation 3",
            ),
            (r#"{"workload": {"kind": "counter", "n": 0}}"#, "workload.n", "from 1 to 100000000"),
            (r#"{"workload": {"kind": "fault", "fault": 1}}"#, "workload.fault", "one of panic"),
            (
                r#"{"workload": {"kind": "fault", "fault": "hang", "at_task": 10}, "tasks": 10}"#,
                "workload.at_task",
                "from 0 to 9",
            ),
            (r#"{"workload": {"kind": "fault", "fault": "trap", "n": 41}}"#, "workload.n", "from 1 to 40"),
            (r#"{"workload": {"kind": "fib", "n": 30}, "workers": [1, 17]}"#, "workers[1]", "from 1 to 16"),
            (r#"{"workload": {"kind": "fib", "n": 30}, "workers": []}"#, "workers", "1 to 16 entries"),
            (r#"{"workload": {"kind": "fib", "n": 30}, "modes": ["threadz"]}"#, "modes[0]", "threads-gil"),
            (r#"{"workload": {"kind": "fib", "n": 30}, "repeat": 2.5}"#, "repeat", "integer"),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "gil": {"switch_interval_ms": 0}}"#,
                "gil.switch_interval_ms",
                "0.1 to 1000",
            ),
            (r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"start": "hot"}}"#, "processes.start", "cold"),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"chunksize": 0}}"#,
                "processes.chunksize",
                "from 1 to 1024 (got 0)",
            ),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"chunksize": -2}}"#,
                "processes.chunksize",
                "(got -2)",
            ),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"chunksize": 1.5}}"#,
                "processes.chunksize",
                "integer",
            ),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"chunksize": "3"}}"#,
                "processes.chunksize",
                "integer",
            ),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"chunksize": 1025}}"#,
                "processes.chunksize",
                "from 1 to 1024",
            ),
            (
                r#"{"workload": {"kind": "fib", "n": 30}, "processes": {"chunk": 2}}"#,
                "processes.chunk",
                "allowed here: start, chunksize",
            ),
            (r#"{"workload": {"kind": "fib", "n": 30}, "task": 3}"#, "task", "unknown field"),
            (r#"{"workload": {"kind": "fib", "n": 30, "m": 1}}"#, "workload.m", "unknown field"),
            (r#"{"tasks": 3}"#, "workload", "required"),
            (r#"[1, 2]"#, "spec", "object"),
            (r#"{"workload": "#, "spec", "JSON"),
            (r#"{"workload": {"kind": "fetch", "url": "ftp://example.org/"}}"#, "workload.url", "http"),
            (r#"{"workload": {"kind": "fetch", "url": "javascript:alert(1)"}}"#, "workload.url", "only http"),
            (r#"{"workload": {"kind": "fetch", "url": 5}}"#, "workload.url", "string"),
            (
                r#"{"workload": {"kind": "fetch", "url": "https://x/", "delay_ms": 5}}"#,
                "workload.delay_ms",
                "built-in endpoint only",
            ),
            (r#"{"workload": {"kind": "fetch_write", "delay_ms": 60001}}"#, "workload.delay_ms", "0 to 60000"),
            (r#"{"workload": {"kind": "fetch", "bytes": 5000000}}"#, "workload.bytes", "0 to 4194304"),
            (r#"{"workload": {"kind": "fetch", "timeout_ms": 0}}"#, "workload.timeout_ms", "1 to 120000"),
            (r#"{"workload": {"kind": "fetch", "method": "POST"}}"#, "workload.method", "unknown field"),
            (
                r#"{"workload": {"kind": "fetch", "bytes": 4194304}, "tasks": 100, "modes": ["async"]}"#,
                "workload.bytes",
                "256 MB",
            ),
        ];
        for (json, field, words) in cases {
            let e = parse(json).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
            assert!(e.to_string().contains(words), "{json}: {e}");
        }
    }

    /// Thousands of specs with odd values in random fields: never a panic, and every error
    /// names a field that exists.
    #[test]
    fn odd_values_anywhere_give_a_spec_or_a_field_error() {
        let odd = [
            json!(null),
            json!(-1),
            json!(0),
            json!(1),
            json!(2.5),
            json!(1e300),
            json!(-1e300),
            json!(u64::MAX),
            json!(i64::MIN),
            json!("x"),
            json!(""),
            json!([]),
            json!([1, "a"]),
            json!({}),
            json!({"kind": "fib"}),
            json!(true),
            json!("fib"),
            json!([0]),
            json!([17]),
        ];
        let fields = ["workload", "tasks", "modes", "workers", "repeat", "warmup", "gil", "processes"];
        let inner = ["n", "ms", "width", "height", "max_iter", "kind", "switch_interval_ms", "start", "chunksize"];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..5000 {
            let mut spec = json!({"workload": {"kind": "fib", "n": 20}, "gil": {}, "processes": {}});
            for _ in 0..1 + next(3) {
                let value = odd[next(odd.len())].clone();
                let field = fields[next(fields.len())];
                if next(2) == 0 && spec[field].is_object() {
                    spec[field][inner[next(inner.len())]] = value;
                } else {
                    spec[field] = value;
                }
            }
            match Spec::from_value(&spec) {
                Ok(parsed) => {
                    accepted += 1;
                    assert_eq!(Spec::parse(&parsed.to_json()).as_ref(), Ok(&parsed));
                }
                Err(e) => {
                    let top = e.field.split(['.', '[']).next().unwrap_or_default();
                    assert!(fields.contains(&top) || top == "spec", "{spec}: error names {:?}", e.field);
                    assert!(!e.message.is_empty());
                }
            }
        }
        assert!(accepted > 0, "some mutations are valid specs");
    }

    #[test]
    fn chunksize_is_optional_and_round_trips() {
        let absent = parse(r#"{"workload": {"kind": "fib", "n": 20}, "processes": {"start": "warm"}}"#).unwrap();
        assert_eq!(absent.processes.chunksize, None);
        assert!(!absent.to_json().contains("chunksize"), "absent stays absent: {}", absent.to_json());
        let null = parse(r#"{"workload": {"kind": "fib", "n": 20}, "processes": {"chunksize": null}}"#).unwrap();
        assert_eq!(null.processes.chunksize, None);
        for n in [1, 7, MAX_TASKS] {
            let spec =
                parse(&format!(r#"{{"workload": {{"kind": "fib", "n": 20}}, "processes": {{"chunksize": {n}}}}}"#))
                    .unwrap();
            assert_eq!(spec.processes, ProcessSettings { start: ProcessStart::Cold, chunksize: Some(n) });
            assert_eq!(parse(&spec.to_json()).unwrap(), spec);
        }
        // 2.0 is the integer 2, as for every other integer field.
        assert_eq!(
            parse(r#"{"workload": {"kind": "fib", "n": 20}, "processes": {"chunksize": 2.0}}"#)
                .unwrap()
                .processes
                .chunksize,
            Some(2)
        );
        // Accepted for waiting work too (where it does not apply: plan::dispatch).
        assert!(parse(r#"{"workload": {"kind": "sleep", "ms": 1}, "processes": {"chunksize": 4}}"#).is_ok());
    }

    #[test]
    fn fetch_parameters_default_and_round_trip() {
        let spec = parse(r#"{"workload": {"kind": "fetch"}, "tasks": 12, "workers": [4]}"#).unwrap();
        let Workload::Fetch(d) = &spec.workload else { panic!("{:?}", spec.workload) };
        assert_eq!((d.delay_ms(), d.bytes(), d.timeout_ms(), d.url.as_deref()), (200, 10_240, 10_000, None));
        assert_eq!(parse(&spec.to_json()).unwrap(), spec);
        let user = parse(
            r#"{"workload": {"kind": "fetch_write", "url": " https://example.org/{letter}.txt ", "timeout_ms": 500}}"#,
        )
        .unwrap();
        assert_eq!(user.workload.download().unwrap().0.url.as_deref(), Some("https://example.org/{letter}.txt"));
        assert_eq!(parse(&user.to_json()).unwrap(), user);
        // An empty URL field (a cleared form input) means the built-in endpoint.
        assert_eq!(
            parse(r#"{"workload": {"kind": "fetch", "url": ""}}"#).unwrap().workload,
            Workload::Fetch(Download::default())
        );
    }

    #[test]
    fn fault_parameters_default_and_round_trip() {
        let spec = parse(r#"{"workload": {"kind": "fault", "fault": "oom"}, "time_limit_s": 5}"#).unwrap();
        assert_eq!(spec.workload, Workload::Fault { fault: Fault::Oom, at_task: 0, n: 27 });
        assert_eq!(spec.time_limit_s, 5);
        assert_eq!(parse(&spec.to_json()).unwrap(), spec);
        assert_eq!(parse(r#"{"workload": {"kind": "letters"}}"#).unwrap().time_limit_s, DEFAULT_TIME_LIMIT_S);
    }

    #[test]
    fn duplicate_workers_and_modes_collapse() {
        let spec =
            parse(r#"{"workload": {"kind": "sleep", "ms": 1}, "workers": [4, 1, 4], "modes": ["async", "async"]}"#)
                .unwrap();
        assert_eq!(spec.workers, vec![1, 4]);
        assert_eq!(spec.modes, vec![Mode::Async]);
    }

    #[test]
    fn shared_memory_budget_is_checked_for_threads_only() {
        let big = r#"{"workload": {"kind": "sample_append", "n": 10000000}, "tasks": 16, "workers": [16]"#;
        let e = parse(&format!("{big}}}")).unwrap_err();
        assert_eq!(e.field, "workload.n");
        assert!(parse(&format!(r#"{big}, "modes": ["processes"]}}"#)).is_ok());
        // The articles' experiment: 2 x 10 million in 1 vs 2 workers fits.
        assert!(
            parse(r#"{"workload": {"kind": "sample_append", "n": 10000000}, "tasks": 2, "workers": [1, 2]}"#).is_ok()
        );
    }

    #[test]
    fn a_pass_lists_its_ways_names_the_field_and_bounds_its_copies() {
        let spec = parse(r#"{"workload": {"kind": "pass", "mb": 10}}"#).unwrap();
        assert_eq!(spec.workload, Workload::Pass { mb: 10, via: Via::ALL.to_vec() });
        assert_eq!(parse(&spec.to_json()).unwrap(), spec);
        let one = parse(r#"{"workload": {"kind": "pass", "mb": 1, "via": "shared"}}"#).unwrap();
        assert_eq!(one.workload, Workload::Pass { mb: 1, via: vec![Via::Shared] });
        let e = parse(r#"{"workload": {"kind": "pass", "mb": 257}}"#).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("workload.mb", "must be an integer from 1 to 256 (got 257)")
        );
        let e = parse(r#"{"workload": {"kind": "pass", "mb": 1, "via": ["copy", "pickle"]}}"#).unwrap_err();
        assert_eq!(e.field, "workload.via[1]");
        assert!(e.message.contains("one of copy, transfer, shared"), "{}", e.message);
        let e = parse(r#"{"workload": {"kind": "pass", "mb": 1, "via": []}}"#).unwrap_err();
        assert_eq!(e.field, "workload.via");
        // 16 workers each receiving 100 MB is more than the page should hold at once...
        let many = r#"{"workload": {"kind": "pass", "mb": 100}, "workers": [16]"#;
        let e = parse(&format!("{many}}}")).unwrap_err();
        assert_eq!(e.field, "workload.mb");
        assert!(e.message.contains("1600 MB"), "{}", e.message);
        // ...but threads read it in place, once.
        assert!(parse(&format!(r#"{many}, "modes": ["threads"]}}"#)).is_ok());
    }
}
