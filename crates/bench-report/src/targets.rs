//! Every figure and target of a bench run, from the raw samples: each PASS/MISS is computed here
//! from measurements, never written by hand. A figure is the median over repetitions (sessions,
//! or a cell's samples) with its range.

use crate::results::{Results, Run, Session, TraceTask};
use crate::schedule::{processes_bound, HandOut};
use crate::stats::{column_medians, fixed, median, sum, Spread};
use serde::Serialize;
use serde_json::Value;

/// Kernel speed: Wasm time over native time, either module.
pub const KERNEL_SPEED_MAX: f64 = 1.25;
/// Parallel efficiency of threads and warm processes (chunksize 1) at k = cores.
pub const EFFICIENCY_MIN: f64 = 0.90;
/// Cold processes: per worker, from `new Worker` to its first message.
pub const COLD_STARTUP_MAX_MS: f64 = 20.0;
/// The 16-thread pool, from `new Worker` to ready, started on a settled page.
pub const POOL_READY_MAX_MS: f64 = 300.0;
/// Dispatch overhead per task, threads and processes.
pub const DISPATCH_THREADS_MAX_US: f64 = 10.0;
pub const DISPATCH_PROCESSES_MAX_US: f64 = 100.0;
/// The GIL emulation's cost with 1 worker (threads-gil over threads).
pub const GIL_COST_MAX: f64 = 1.05;
/// threads-gil's speedup against CPython threads', at k = cores.
pub const GIL_FIDELITY: f64 = 0.10;
pub const FIRST_VISIT_MAX_MS: f64 = 500.0;
/// What a first visit loads before any interaction, gzip -9: 210 since issue 20 brought
/// gloo and serde-wasm-bindgen into the page (200 before).
pub const LOAD_MAX_KB: f64 = 210.0;
/// I/O: time over the ideal, judged up to `target_max_workers`.
pub const IO_MAX: f64 = 1.10;

/// How the floors were measured (schema 2: always on a settled page, in a fresh Chromium).
pub const FLOOR_WHEN: &str = "on a settled page, no DevTools client";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    PASS,
    MISS,
    /// Reported, with no threshold.
    INFO,
}

/// One line of the targets table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub group: &'static str,
    pub name: String,
    #[serde(flatten)]
    pub figure: Spread,
    pub unit: &'static str,
    pub digits: usize,
    pub target: String,
    pub status: Status,
    pub verified: bool,
    pub note: String,
}

/// A row's threshold: what it says, and whether a median meets it.
pub struct Target {
    pub says: String,
    pub ok: fn(f64, f64) -> bool,
    pub limit: f64,
}

fn at_most(says: String, limit: f64) -> Option<Target> {
    Some(Target { says, ok: |x, l| x <= l, limit })
}

fn at_least(says: String, limit: f64) -> Option<Target> {
    Some(Target { says, ok: |x, l| x >= l, limit })
}

impl Row {
    /// PASS when the median meets the target and every run was verified; INFO without a target.
    pub fn new(group: &'static str, name: String, figure: Spread, unit: &'static str, digits: usize) -> Row {
        Row {
            group,
            name,
            figure,
            unit,
            digits,
            target: "reported".into(),
            status: Status::INFO,
            verified: true,
            note: String::new(),
        }
    }

    pub fn judged(mut self, target: Option<Target>) -> Row {
        if let Some(t) = target {
            self.target = t.says;
            let met = self.figure.median.is_some_and(|m| (t.ok)(m, t.limit));
            self.status = if met && self.verified { Status::PASS } else { Status::MISS };
        }
        self
    }

    /// Set before `judged`: an unverified run fails its target whatever its figure.
    pub fn verified(mut self, verified: bool) -> Row {
        self.verified = verified;
        self
    }

    pub fn note(mut self, note: String) -> Row {
        self.note = note;
        self
    }
}

type Res<T> = Result<T, String>;

/// A figure per session, over the sessions; a session missing a figure is an error.
fn per(sessions: &[Session], f: impl Fn(&Session) -> Res<Option<f64>>) -> Res<Spread> {
    Ok(Spread::of(sessions.iter().map(f).collect::<Res<Vec<_>>>()?))
}

fn all(sessions: &[Session], f: impl Fn(&Session) -> Res<bool>) -> Res<bool> {
    sessions.iter().try_fold(true, |ok, s| Ok(ok && f(s)?))
}

/// The run of `mode` with `k` workers in a session's report `name`.
fn cell<'a>(s: &'a Session, name: &str, mode: &str, k: u32) -> Res<&'a Run> {
    s.page.get(name)?.run(mode, k)
}

fn num(x: Option<f64>) -> Res<f64> {
    x.ok_or_else(|| "a run has no figure".to_string())
}

fn task_ms(t: &TraceTask) -> f64 {
    t.end_ms - t.start_ms
}

/// A trace's tasks grouped by worker (in order of first appearance), each in start order.
fn by_worker(trace: &[TraceTask]) -> Vec<Vec<&TraceTask>> {
    let mut workers: Vec<(u32, Vec<&TraceTask>)> = Vec::new();
    for t in trace {
        match workers.iter_mut().find(|(w, _)| *w == t.worker) {
            Some((_, ts)) => ts.push(t),
            None => workers.push((t.worker, vec![t])),
        }
    }
    workers
        .into_iter()
        .map(|(_, mut ts)| {
            ts.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
            ts
        })
        .collect()
}

/// Every pause between two consecutive tasks of one worker, in ms (hand-out, reply, wake-up).
pub fn between_tasks(trace: &[TraceTask]) -> Vec<f64> {
    by_worker(trace)
        .iter()
        .flat_map(|ts| ts.windows(2).map(|p| p[1].start_ms - p[0].end_ms).collect::<Vec<_>>())
        .collect()
}

/// How long the workers other than the last stood idle at the end, waiting for it: their mean,
/// in ms (`None` with one worker).
pub fn idle_at_end(trace: &[TraceTask]) -> Option<f64> {
    let ends: Vec<f64> =
        by_worker(trace).iter().map(|ts| ts.iter().map(|t| t.end_ms).fold(f64::NEG_INFINITY, f64::max)).collect();
    let last = ends.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (ends.len() > 1).then(|| sum(&ends.iter().map(|e| last - e).collect::<Vec<_>>()) / (ends.len() - 1) as f64)
}

#[derive(Debug, Serialize)]
pub struct Kernel {
    pub id: String,
    pub tasks: u32,
    pub verified: bool,
    pub native_ms: Spread,
    pub plain_ms: Spread,
    pub threaded_ms: Spread,
    pub gil_ms: Spread,
    /// Wasm over native, each module.
    pub plain: Spread,
    pub threaded: Spread,
    /// threads-gil over threads, 1 worker.
    pub gil: Spread,
}

fn kernels(r: &Results, rows: &mut Vec<Row>) -> Res<Vec<Kernel>> {
    let first = r.sessions.first().ok_or("the results have no session")?;
    let mut table = Vec::new();
    for (id, report) in &first.page.kernels.0 {
        let tasks = report.tasks()?;
        let ss = &r.sessions;
        let wasm = |s: &Session, mode: &str| -> Res<f64> { num(s.page.kernels.get(id)?.run(mode, 1)?.median_ms) };
        let native = |s: &Session| -> Res<f64> {
            let job = s.native.job(id)?;
            num(median(&job.task_ms.iter().map(|t| sum(t)).collect::<Vec<_>>()))
        };
        let verified =
            all(ss, |s| Ok(s.page.kernels.get(id)?.runs.iter().all(|r| r.verified) && s.native.job(id)?.verified))?;
        let t = f64::from(tasks);
        let k = Kernel {
            id: id.clone(),
            tasks,
            verified,
            native_ms: per(ss, |s| Ok(Some(native(s)? / t)))?,
            plain_ms: per(ss, |s| Ok(Some(wasm(s, "sequential")? / t)))?,
            threaded_ms: per(ss, |s| Ok(Some(wasm(s, "threads")? / t)))?,
            gil_ms: per(ss, |s| Ok(Some(wasm(s, "threads-gil")? / t)))?,
            plain: per(ss, |s| Ok(Some(wasm(s, "sequential")? / native(s)?)))?,
            threaded: per(ss, |s| Ok(Some(wasm(s, "threads")? / native(s)?)))?,
            gil: per(ss, |s| Ok(Some(wasm(s, "threads-gil")? / wasm(s, "threads")?)))?,
        };
        let speed = || at_most(format!("<= {KERNEL_SPEED_MAX}x native"), KERNEL_SPEED_MAX);
        for (module, figure) in
            [("plain module (sequential)", k.plain), ("threaded module (threads, 1 worker)", k.threaded)]
        {
            rows.push(
                Row::new("Kernel speed", format!("{id}, {module}"), figure, "x native", 2)
                    .verified(verified)
                    .judged(speed()),
            );
        }
        table.push(k);
    }
    Ok(table)
}

/// Figures per mode (threads, processes).
#[derive(Debug, Default, Serialize)]
pub struct PerMode {
    pub threads: Option<Spread>,
    pub processes: Option<Spread>,
}

impl PerMode {
    fn set(&mut self, mode: &str, s: Spread) {
        if mode == "threads" {
            self.threads = Some(s)
        } else {
            self.processes = Some(s)
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Efficiency {
    pub id: String,
    pub tasks: u32,
    /// Native std threads on the same tasks at the same time.
    pub native: Spread,
    /// The warm processes' chunksize (None: Pool.map's default).
    pub chunksize: Option<u64>,
    pub bound: HandOut,
    pub default_bound: HandOut,
    pub threads: Spread,
    pub processes: Spread,
    pub by_default: Spread,
    pub cold: Option<Spread>,
    pub startup: Option<Spread>,
    /// The sequential run's mean task time (ms), from the traces.
    pub sequential_task_ms: Spread,
    /// The tasks' summed time over the sequential run's.
    pub inflation: PerMode,
    /// The share of k x the wall time the workers spent in tasks.
    pub busy: PerMode,
    /// The median pause between two tasks of one worker (ms).
    pub gap: PerMode,
    /// All those pauses over k x the wall time.
    pub pauses: PerMode,
    /// How long the other workers waited for the last at the end (ms).
    pub idle_end: PerMode,
}

/// The experiments of the CPU part, in the order the bench ran them (its CPython references').
fn cpu_ids(r: &Results) -> Res<Vec<String>> {
    Ok(r.sessions.first().ok_or("the results have no session")?.python.0.iter().map(|(id, _)| id.clone()).collect())
}

fn efficiency(r: &Results, cores: u32, floor: &Floors, rows: &mut Vec<Row>) -> Res<Vec<Efficiency>> {
    let ss = &r.sessions;
    let first = &ss[0];
    let mut table = Vec::new();
    for id in cpu_ids(r)? {
        let warm_name = format!("{id}_warm");
        let default_name = format!("{id}_warm_default");
        let cold_name = format!("{id}_cold");
        let warm0 = first.page.get(&warm_name)?;
        let tasks = warm0.tasks()?;
        let native = per(ss, |s| {
            let job = s.native.job(&format!("cpu_{id}"))?;
            let wall = job.threads_ms.get(&cores.to_string()).and_then(|w| median(w));
            Ok(wall.map(|wall| sum(&column_medians(&job.task_ms)) / wall / f64::from(cores)))
        })?;
        let chunksize = warm0.spec.pointer("/processes/chunksize").and_then(Value::as_u64);
        let task_sum = |s: &Session, mode: &str, k: u32| -> Res<f64> {
            Ok(sum(&cell(s, &warm_name, mode, k)?.trace.iter().map(task_ms).collect::<Vec<_>>()))
        };
        let mut e = Efficiency {
            id: id.clone(),
            tasks,
            native,
            chunksize,
            bound: processes_bound(&warm0.parsed_spec()?, cores),
            default_bound: processes_bound(&first.page.get(&default_name)?.parsed_spec()?, cores),
            threads: Spread::of([]),
            processes: Spread::of([]),
            by_default: Spread::of([]),
            cold: None,
            startup: None,
            sequential_task_ms: per(ss, |s| Ok(Some(task_sum(s, "sequential", 1)? / f64::from(tasks))))?,
            inflation: PerMode::default(),
            busy: PerMode::default(),
            gap: PerMode::default(),
            pauses: PerMode::default(),
            idle_end: PerMode::default(),
        };
        for mode in ["threads", "processes"] {
            // k x the last repetition's wall time: the workers' time, which its trace is set against.
            let core_time = |s: &Session| -> Res<f64> {
                Ok(f64::from(cores) * num(cell(s, &warm_name, mode, cores)?.samples_ms.last().copied())?)
            };
            e.inflation.set(mode, per(ss, |s| Ok(Some(task_sum(s, mode, cores)? / task_sum(s, "sequential", 1)?)))?);
            e.busy.set(mode, per(ss, |s| Ok(Some(task_sum(s, mode, cores)? / core_time(s)?)))?);
            e.gap.set(mode, per(ss, |s| Ok(median(&between_tasks(&cell(s, &warm_name, mode, cores)?.trace))))?);
            e.pauses.set(
                mode,
                per(ss, |s| Ok(Some(sum(&between_tasks(&cell(s, &warm_name, mode, cores)?.trace)) / core_time(s)?)))?,
            );
            e.idle_end.set(mode, per(ss, |s| Ok(idle_at_end(&cell(s, &warm_name, mode, cores)?.trace)))?);
            let verified = all(ss, |s| {
                Ok(cell(s, &warm_name, mode, cores)?.verified && cell(s, &warm_name, "sequential", 1)?.verified)
            })?;
            let figure = per(ss, |s| Ok(cell(s, &warm_name, mode, cores)?.efficiency))?;
            let who = match (mode, chunksize) {
                ("threads", _) => "threads".to_string(),
                (_, Some(c)) => format!("warm processes (chunksize {c})"),
                (_, None) => "warm processes".to_string(),
            };
            rows.push(
                Row::new("Parallel efficiency", format!("{id}, {who}, {cores} workers"), figure, "", 2)
                    .verified(verified)
                    .note(format!("native std threads at the same time: {}", fixed(native.mid(), 2)))
                    .judged(at_least(format!(">= {EFFICIENCY_MIN:.2}"), EFFICIENCY_MIN)),
            );
            if mode == "threads" {
                e.threads = figure;
            } else {
                e.processes = figure;
            }
        }
        e.by_default = per(ss, |s| Ok(cell(s, &default_name, "processes", cores)?.efficiency))?;
        let verified = all(ss, |s| {
            Ok(cell(s, &default_name, "processes", cores)?.verified
                && cell(s, &default_name, "sequential", 1)?.verified)
        })?;
        let b = e.default_bound;
        rows.push(
            Row::new(
                "Parallel efficiency",
                format!(
                    "{id}, warm processes, {cores} workers, default chunks ceil({tasks}/4k)={}: capped at {}",
                    b.size,
                    fixed(b.bound, 3)
                ),
                e.by_default,
                "",
                2,
            )
            .verified(verified)
            .note("Pool.map's default chunksize; CPython has the same cap".into()),
        );
        // Cold processes are measured for some experiments only (fib).
        if first.page.experiments.contains_key(&cold_name) {
            let startup = per(ss, |s| Ok(cell(s, &cold_name, "processes", cores)?.startup_ms))?;
            let figure = per(ss, |s| Ok(cell(s, &cold_name, "processes", cores)?.efficiency))?;
            let verified = all(ss, |s| Ok(cell(s, &cold_name, "processes", cores)?.verified))?;
            let floors = format!(
                "2 bare module Workers at once ({FLOOR_WHEN}): {} ms each; 2 that only instantiate the worker module: {} ms",
                fixed(floor.two.mid(), 1),
                fixed(floor.two_process.mid(), 1)
            );
            rows.push(
                Row::new("Parallel efficiency", format!("{id}, cold processes: start-up per worker"), startup, "ms", 1)
                    .verified(verified)
                    .note(floors)
                    .judged(at_most(format!("<= {COLD_STARTUP_MAX_MS} ms"), COLD_STARTUP_MAX_MS)),
            );
            rows.push(
                Row::new(
                    "Parallel efficiency",
                    format!("{id}, cold processes, {cores} workers (start-up inside the run)"),
                    figure,
                    "",
                    2,
                )
                .verified(verified),
            );
            e.cold = Some(figure);
            e.startup = Some(startup);
        }
        table.push(e);
    }
    rows.push(
        Row::new("Parallel efficiency", "browser floor: a bare worker's postMessage of a task reply's size to the idle page, after 3 ms of computing, median of 200 posts".into(), floor.message, "ms", 3)
            .note(format!("p90: {} ms", fixed(floor.message_p90.mid(), 3))),
    );
    Ok(table)
}

#[derive(Debug, Serialize)]
pub struct DispatchRow {
    pub mode: &'static str,
    pub k: u32,
    /// Wall time over the tasks (us).
    pub per_task: Spread,
    /// The same without a run's fixed cost (us).
    pub marginal: Spread,
    /// A run of 1 task (ms).
    pub fixed: Spread,
    pub verified: bool,
}

#[derive(Debug, Serialize)]
pub struct Dispatch {
    pub tasks: u32,
    /// How the processes run handed its tasks out (Pool.map's default chunks).
    pub hand_out: HandOut,
    pub table: Vec<DispatchRow>,
}

fn dispatch(r: &Results, cores: u32, rows: &mut Vec<Row>) -> Res<Dispatch> {
    let ss = &r.sessions;
    let tasks = r.meta.dispatch_tasks.used;
    let t = f64::from(tasks);
    let mut table = Vec::new();
    for mode in ["sequential", "threads", "processes"] {
        let k = if mode == "sequential" { 1 } else { cores };
        let many = |s: &Session| -> Res<f64> { num(s.page.get("dispatch")?.run(mode, k)?.median_ms) };
        let one = |s: &Session| -> Res<f64> { num(s.page.get("dispatch_one")?.run(mode, k)?.median_ms) };
        let verified = all(ss, |s| {
            Ok(s.page.get("dispatch")?.run(mode, k)?.verified && s.page.get("dispatch_one")?.run(mode, k)?.verified)
        })?;
        let row = DispatchRow {
            mode,
            k,
            per_task: per(ss, |s| Ok(Some(many(s)? * 1000.0 / t)))?,
            marginal: per(ss, |s| Ok(Some((many(s)? - one(s)?) * 1000.0 / (t - 1.0))))?,
            fixed: per(ss, |s| Ok(Some(one(s)?)))?,
            verified,
        };
        let who = if mode == "sequential" { mode.to_string() } else { format!("{mode}, {k} workers") };
        let limit = match mode {
            "threads" => Some(DISPATCH_THREADS_MAX_US),
            "processes" => Some(DISPATCH_PROCESSES_MAX_US),
            _ => None,
        };
        let mut line =
            Row::new("Dispatch overhead", format!("{who}: wall time / {tasks} tasks"), row.per_task, "us", 1)
                .verified(verified);
        if let Some(limit) = limit {
            if tasks < r.meta.dispatch_tasks.wanted {
                line = line.note(format!("{tasks} tasks: the spec allows no more"));
            }
            line = line.judged(at_most(format!("<= {limit} us per task"), limit));
        }
        rows.push(line);
        table.push(row);
    }
    let hand_out =
        processes_bound(&ss.first().ok_or("the results have no session")?.page.get("dispatch")?.parsed_spec()?, cores);
    Ok(Dispatch { tasks, hand_out, table })
}

/// The CPython anchor of one CPU experiment, beside the playground's figures.
#[derive(Debug, Serialize)]
pub struct Anchor {
    pub id: String,
    pub tasks: u32,
    pub python_threads: Spread,
    pub python_warm: Spread,
    pub python_cold: Spread,
    pub python_pool_start: Spread,
    pub gil: Spread,
    pub threads: Spread,
    /// Warm processes with Pool.map's default chunks, like CPython's.
    pub warm: Spread,
    pub cold: Option<Spread>,
    pub gil1: Spread,
    pub python_verified: bool,
}

fn gil_and_anchor(r: &Results, cores: u32, kernels: &[Kernel], rows: &mut Vec<Row>) -> Res<(Vec<Anchor>, Spread)> {
    let ss = &r.sessions;
    for k in kernels {
        rows.push(
            Row::new("GIL emulation", format!("1 worker, {}: threads-gil / threads (wall time)", k.id), k.gil, "x", 2)
                .verified(k.verified)
                .judged(at_most(format!("<= {GIL_COST_MAX}x"), GIL_COST_MAX)),
        );
    }
    let mut anchors = Vec::new();
    for id in cpu_ids(r)? {
        let warm_name = format!("{id}_warm");
        let cold_name = format!("{id}_cold");
        let py_speed = |s: &Session, key: fn(&crate::results::PythonCpu) -> &Vec<f64>| -> Res<Option<f64>> {
            let py = s.python.get(&id)?;
            Ok(median(&py.sequential_ms).zip(median(key(py))).map(|(seq, x)| seq / x))
        };
        let a = Anchor {
            id: id.clone(),
            tasks: ss[0].page.get(&warm_name)?.tasks()?,
            python_threads: per(ss, |s| py_speed(s, |p| &p.threads_ms))?,
            python_warm: per(ss, |s| py_speed(s, |p| &p.processes_warm_ms))?,
            python_cold: per(ss, |s| py_speed(s, |p| &p.processes_cold_ms))?,
            python_pool_start: per(ss, |s| Ok(median(&s.python.get(&id)?.pool_start_ms)))?,
            gil: per(ss, |s| Ok(cell(s, &warm_name, "threads-gil", cores)?.speedup))?,
            threads: per(ss, |s| Ok(cell(s, &warm_name, "threads", cores)?.speedup))?,
            warm: per(ss, |s| Ok(cell(s, &format!("{id}_warm_default"), "processes", cores)?.speedup))?,
            cold: match ss[0].page.experiments.contains_key(&cold_name) {
                true => Some(per(ss, |s| Ok(cell(s, &cold_name, "processes", cores)?.speedup))?),
                false => None,
            },
            gil1: per(ss, |s| {
                Ok(cell(s, &warm_name, "threads-gil", 1)?
                    .median_ms
                    .zip(cell(s, &warm_name, "threads", 1)?.median_ms)
                    .map(|(g, t)| g / t))
            })?,
            python_verified: all(ss, |s| Ok(s.python.get(&id)?.verified))?,
        };
        let diff = per(ss, |s| {
            Ok(cell(s, &warm_name, "threads-gil", cores)?
                .speedup
                .zip(py_speed(s, |p| &p.threads_ms)?)
                .map(|(g, p)| g - p))
        })?;
        let verified = a.python_verified && all(ss, |s| Ok(cell(s, &warm_name, "threads-gil", cores)?.verified))?;
        let gap = Spread { median: Some(a.gil.mid() - a.python_threads.mid()), ..diff };
        rows.push(
            Row::new(
                "GIL emulation",
                format!("{id}, {cores} workers: threads-gil speedup minus CPython threads speedup"),
                gap,
                "",
                2,
            )
            .verified(verified)
            .note(format!(
                "threads-gil {}x, CPython threads {}x",
                fixed(a.gil.mid(), 2),
                fixed(a.python_threads.mid(), 2)
            ))
            .judged(Some(Target {
                says: format!("within +-{GIL_FIDELITY:.2}"),
                ok: |x, l| x.abs() <= l,
                limit: GIL_FIDELITY,
            })),
        );
        rows.push(
            Row::new(
                "GIL emulation",
                format!("{id}, 1 worker: threads-gil / threads (wall time of the experiment)"),
                a.gil1,
                "x",
                2,
            )
            .verified(verified),
        );
        rows.push(
            Row::new(
                "CPython anchor",
                format!("{id}: CPython threads / processes (warm) speedups, {cores} workers"),
                a.python_threads,
                "x",
                2,
            )
            .verified(a.python_verified)
            .note(format!(
                "processes warm {}x, cold {}x; playground threads-gil {}x, processes warm {}x",
                fixed(a.python_warm.mid(), 2),
                fixed(a.python_cold.mid(), 2),
                fixed(a.gil.mid(), 2),
                fixed(a.warm.mid(), 2)
            ))
            .judged(Some(Target { says: "measured in this run".into(), ok: |_, _| true, limit: 0.0 })),
        );
        anchors.push(a);
    }
    // Absolute speed: one fib task of the plain module's sequential run against one fib in CPython.
    let fib = ss[0].page.get("fib_warm")?;
    let n = fib.spec.pointer("/workload/n").and_then(Value::as_u64).ok_or("fib_warm has no n")?;
    let fib_ratio = per(ss, |s| {
        let task = median(&s.page.get("fib_warm")?.run("sequential", 1)?.trace.iter().map(task_ms).collect::<Vec<_>>());
        Ok(task.zip(median(&s.python.get("fib")?.single_ms)).map(|(w, p)| w / p))
    })?;
    rows.push(Row::new(
        "CPython anchor",
        format!("fib({n}): Wasm (plain module) time / CPython time"),
        fib_ratio,
        "x",
        4,
    ));
    Ok((anchors, fib_ratio))
}

/// What the browser itself costs (bench/pages): 2 bare workers started at once (the mean of
/// the two), 2 that instantiate the worker module as process workers do, 16 bare ones until
/// the last answered, 16 that instantiate the threaded module, and a bare worker's postMessage
/// (median and p90 of each browser's medians and p90s).
#[derive(Debug, Serialize)]
pub struct Floors {
    pub when: &'static str,
    pub two: Spread,
    pub two_process: Spread,
    pub sixteen: Spread,
    pub sixteen_threads: Spread,
    pub message: Spread,
    pub message_p90: Spread,
}

fn floors(r: &Results) -> Floors {
    let mean =
        |w: &[crate::results::Workers]| Spread::of(w.iter().map(|f| Some(sum(&f.each_ms) / f.each_ms.len() as f64)));
    let last = |w: &[crate::results::Workers]| Spread::of(w.iter().map(|f| Some(f.all_ms)));
    let f = &r.floor;
    Floors {
        when: FLOOR_WHEN,
        two: mean(&f.two),
        two_process: mean(&f.two_process),
        sixteen: last(&f.sixteen),
        sixteen_threads: last(&f.sixteen_threads),
        message: Spread::of(f.message.iter().map(|m| Some(m.median_ms))),
        message_p90: Spread::of(f.message.iter().map(|m| Some(m.p90_ms))),
    }
}

#[derive(Debug, Serialize)]
pub struct Startup {
    pub first: Spread,
    pub reload: Spread,
    /// Started on a settled page, and as the page loads.
    pub pool: Spread,
    pub pool_at_load: Spread,
    pub floor: Floors,
}

fn startup(r: &Results, floor: Floors, rows: &mut Vec<Row>) -> Startup {
    let ready = |v: &[crate::results::Ready]| Spread::of(v.iter().map(|x| x.ready_ms));
    let pool = |v: &[crate::results::PoolStart]| Spread::of(v.iter().map(|p| p.ms));
    let pool_ok = |v: &[crate::results::PoolStart]| {
        v.iter().all(|p| p.reply.as_deref() == Some("ready") && p.isolated == Some(true))
    };
    let ok_ready = r.startup.first_visit.iter().all(|x| x.error.as_ref().is_none_or(Value::is_null));
    let s = Startup {
        first: ready(&r.startup.first_visit),
        reload: ready(&r.startup.reload),
        pool: pool(&r.pool),
        pool_at_load: pool(&r.pool_at_load),
        floor,
    };
    let when = s.floor.when;
    let f = &s.floor;
    rows.extend([
        Row::new("Start-up", "page load to threadlab.ready, first visit".into(), s.first, "ms", 0)
            .verified(ok_ready)
            .judged(at_most(format!("<= {FIRST_VISIT_MAX_MS} ms"), FIRST_VISIT_MAX_MS)),
        Row::new("Start-up", "page load to threadlab.ready, reload".into(), s.reload, "ms", 0).verified(ok_ready),
        Row::new("Start-up", "16-thread pool: new Worker to ready, started on a settled page (as the playground does, on the first interaction)".into(), s.pool, "ms", 0)
            .verified(pool_ok(&r.pool))
            .note(format!("16 bare module Workers: {} ms; 16 that instantiate the threaded module: {} ms", fixed(f.sixteen.mid(), 0), fixed(f.sixteen_threads.mid(), 0)))
            .judged(at_most(format!("<= {POOL_READY_MAX_MS} ms"), POOL_READY_MAX_MS)),
        Row::new("Start-up", "16-thread pool: new Worker to ready, started as the page loads".into(), s.pool_at_load, "ms", 0).verified(pool_ok(&r.pool_at_load)),
        Row::new("Start-up", format!("browser floor: 2 bare module Workers at once {when}, new Worker to first message, mean of the 2"), f.two, "ms", 1),
        Row::new("Start-up", format!("wasm process floor: 2 module Workers started at once ({when}) that each start from a Blob of pkg/worker.js with a bootstrap appended, as process workers do, and instantiate the worker module (compiled before) with a memory of their own, new Worker to ready, mean of the 2"), f.two_process, "ms", 1),
        Row::new("Start-up", format!("browser floor: 16 bare module Workers at once {when}, new Worker to the last first message"), f.sixteen, "ms", 0),
        Row::new("Start-up", format!("wasm threads floor: 16 module Workers started at once ({when}) that each start from a Blob of pkg/threads.js with a bootstrap appended, as the pool's threads do, and instantiate the threaded module (compiled before), new Worker to the last ready"), f.sixteen_threads, "ms", 0),
    ]);
    s
}

fn size(r: &Results, rows: &mut Vec<Row>) {
    let total = |files: &[crate::results::File], key: fn(&crate::results::File) -> u64| {
        files.iter().map(key).sum::<u64>() as f64 / 1000.0
    };
    let note = |files: &[crate::results::File]| {
        format!(
            "gzip -6: {} KB; raw {} KB",
            fixed(total(files, |f| f.gzip_default), 1),
            fixed(total(files, |f| f.bytes), 1)
        )
    };
    let (load, all) = (&r.size.at_load, &r.size.after_runs);
    rows.push(
        Row::new(
            "Size",
            format!("Wasm + JS a first visit loads before any interaction ({} files), gzip -9", load.len()),
            Spread::single(total(load, |f| f.gzip_best)),
            "KB",
            1,
        )
        .verified(!load.is_empty())
        .note(note(load))
        .judged(at_most(format!("<= {LOAD_MAX_KB} KB"), LOAD_MAX_KB)),
    );
    rows.push(
        Row::new(
            "Size",
            format!("Wasm + JS after runs of every mode ({} files), gzip -9", all.len()),
            Spread::single(total(all, |f| f.gzip_best)),
            "KB",
            1,
        )
        .verified(!all.is_empty())
        .note(note(all)),
    );
}

#[derive(Debug, Serialize)]
pub struct IoRow {
    pub who: String,
    pub ms: Spread,
    pub ideal: f64,
    pub ratio: Spread,
    pub verified: bool,
}

#[derive(Debug, Serialize)]
pub struct IoFigures {
    pub table: Vec<IoRow>,
    pub python: Vec<IoRow>,
    /// What the requests of async cost besides waiting (delay 0, median ms).
    pub overhead: f64,
    /// One request alone (sequential, delay 0), ms.
    pub alone: f64,
}

fn io(r: &Results, rows: &mut Vec<Row>) -> Res<IoFigures> {
    let p = &r.io.params;
    let (tasks, delay) = (p.tasks, p.delay_ms);
    let zero_async = r.io.zero.run("async", 1)?;
    let overhead = num(zero_async.median_ms)?;
    let alone = num(r.io.zero.run("sequential", 1)?.median_ms)? / f64::from(tasks);
    let ratio = |ms: &[f64], ideal: f64| Spread::of(ms.iter().map(|x| Some(x / ideal)));
    let mut table = Vec::new();
    for run in &r.io.page.runs {
        let k = match run.mode.as_str() {
            "sequential" => 1,
            "async" => tasks,
            _ => run.workers,
        };
        let ideal = if run.mode == "async" { delay + overhead } else { f64::from(tasks.div_ceil(k)) * delay };
        let judged = run.mode == "async" || k <= p.target_max_workers;
        let who = match run.mode.as_str() {
            "sequential" | "async" => run.mode.clone(),
            mode => format!("{mode}, {} workers", run.workers),
        };
        let row = IoRow {
            who,
            ms: Spread::of(run.samples_ms.iter().map(|&x| Some(x))),
            ideal,
            ratio: ratio(&run.samples_ms, ideal),
            verified: run.verified,
        };
        let line = Row::new("I/O", format!("{}: time / ideal ({} ms)", row.who, fixed(ideal, 0)), row.ratio, "x", 2)
            .verified(run.verified);
        rows.push(if judged { line.judged(at_most(format!("<= {IO_MAX:.2}x"), IO_MAX)) } else { line });
        table.push(row);
    }
    let py = &r.io.python;
    let pyk = py.workers;
    let python = [
        ("CPython threads", pyk, &py.threads_ms, f64::from(tasks.div_ceil(pyk)) * delay),
        ("CPython processes (warm)", pyk, &py.processes_warm_ms, f64::from(tasks.div_ceil(pyk)) * delay),
        ("CPython asyncio", tasks, &py.asyncio_ms, delay),
    ]
    .into_iter()
    .map(|(who, k, ms, ideal)| IoRow {
        who: if k == tasks { who.to_string() } else { format!("{who}, {k} workers") },
        ms: Spread::of(ms.iter().map(|&x| Some(x))),
        ideal,
        ratio: ratio(ms, ideal),
        verified: py.verified,
    })
    .collect();
    rows.push(
        Row::new(
            "I/O",
            format!("{tasks} requests with delay 0, async: their cost besides waiting"),
            Spread::of(zero_async.samples_ms.iter().map(|&x| Some(x))),
            "ms",
            1,
        )
        .verified(zero_async.verified)
        .note(format!("one request alone (sequential): {} ms", fixed(alone, 2))),
    );
    Ok(IoFigures { table, python, overhead, alone })
}

/// The shared counter's runs, also as INFO rows of the targets table; `None` for a results file
/// measured before the experiment existed.
fn sharing(r: &Results, rows: &mut Vec<Row>) -> Option<Vec<crate::sharing::CounterRow>> {
    let table = crate::sharing::counter(&r.sharing.as_ref()?.counter);
    for c in &table {
        let lost = c.lost.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        rows.push(
            Row::new("sharing", format!("{} with {}, per update", c.series, c.workers), c.ns_per_update, "ns", 1)
                .verified(c.verified)
                .note(format!("updates lost per repetition: {lost} of {}", c.expected)),
        );
    }
    Some(table)
}

/// Every figure and target of a bench run.
#[derive(Debug, Serialize)]
pub struct Analysis {
    pub schema: u64,
    pub cores: u32,
    pub rows: Vec<Row>,
    pub kernels: Vec<Kernel>,
    pub efficiency: Vec<Efficiency>,
    pub dispatch: Dispatch,
    pub anchor: Vec<Anchor>,
    pub fib_ratio: Spread,
    pub startup: Startup,
    pub io: IoFigures,
    pub engines: Vec<crate::engines::EngineTable>,
    /// The shared counter: cost per update and updates lost, per synchronisation.
    pub sharing: Option<Vec<crate::sharing::CounterRow>>,
}

pub fn analyse(r: &Results) -> Res<Analysis> {
    let cores = r.meta.capabilities.cores;
    let mut rows = Vec::new();
    let floor = floors(r);
    let kernels = kernels(r, &mut rows)?;
    let efficiency = efficiency(r, cores, &floor, &mut rows)?;
    let dispatch = dispatch(r, cores, &mut rows)?;
    let (anchor, fib_ratio) = gil_and_anchor(r, cores, &kernels, &mut rows)?;
    let startup = startup(r, floor, &mut rows);
    size(r, &mut rows);
    let io = io(r, &mut rows)?;
    let engines = crate::engines::tables(r)?;
    let sharing = sharing(r, &mut rows);
    Ok(Analysis {
        schema: r.schema,
        cores,
        rows,
        kernels,
        efficiency,
        dispatch,
        anchor,
        fib_ratio,
        startup,
        io,
        engines,
        sharing,
    })
}
