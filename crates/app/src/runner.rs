//! Runs a spec: every (mode, workers) cell of the plan, warm-up plus timed repetitions on the
//! matching engine, in interleaved rounds; then statistics, verification and the verdict (all
//! from `threadlab-lab`).
//!
//! Every sample is wall time on the page's clock, from handing the work to an engine until the
//! last result is back; for cold processes that includes starting the workers.

use crate::engines::port::terminate_all;
use crate::engines::processes::{ProcessWorker, Starting};
use crate::engines::threads::ThreadsEngine;
use crate::env::Capabilities;
use futures::future::{join_all, FutureExt, LocalBoxFuture, Shared};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use threadlab_clock::now_ms;
use threadlab_lab::plan::{self, Cell as PlanCell};
use threadlab_lab::protocol::{TaskOutcome, ThreadsRequest, WorkerRequest};
use threadlab_lab::report::{Report, RunRecord, Sample};
use threadlab_lab::spec::ProcessStart;
use threadlab_lab::{Mode, Spec};
use threadlab_workloads::Workload;

pub const CANCELLED: &str = "the run was cancelled";

type Starter<T> = Shared<LocalBoxFuture<'static, Result<T, String>>>;

/// Workers kept between runs. Dead ones (after a cancel) are replaced on next use.
#[derive(Default)]
struct Engines {
    /// Runs sequential and async work, and computes expected checksums.
    helper: Option<ProcessWorker>,
    /// Warm process pool.
    pool: Vec<ProcessWorker>,
    threads: Option<Starter<ThreadsEngine>>,
}

thread_local! {
    static ENGINES: RefCell<Engines> = RefCell::default();
    /// Generation of the run that owns the run slot; 0 when none does.
    static OWNER: Cell<u64> = const { Cell::new(0) };
    static LAST_GENERATION: Cell<u64> = const { Cell::new(0) };
}

pub struct Progress {
    pub done: u32,
    pub total: u32,
    pub cell: PlanCell,
}

pub fn is_running() -> bool {
    OWNER.with(Cell::get) != 0
}

/// Proof that a run owns the (single) run slot, with the run's generation; dropping it frees
/// the slot unless a cancel already gave it away.
pub struct RunSlot(u64);

impl Drop for RunSlot {
    fn drop(&mut self) {
        OWNER.with(|o| {
            if o.get() == self.0 {
                o.set(0)
            }
        });
    }
}

/// Takes the run slot synchronously, so that a `cancel()` or a second `run()` in the same
/// event-loop turn already sees the run.
pub fn claim() -> Result<RunSlot, String> {
    if is_running() {
        return Err("a run is already in progress: wait for it or cancel it".into());
    }
    let generation = LAST_GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    OWNER.with(|o| o.set(generation));
    Ok(RunSlot(generation))
}

/// `Err` once run `generation` was cancelled: checked before and after every await.
fn still_wanted(generation: u64) -> Result<(), String> {
    if OWNER.with(Cell::get) == generation {
        Ok(())
    } else {
        Err(CANCELLED.into())
    }
}

/// Stops the current run at once: every worker is terminated, the run slot is free at once (a
/// new run may start in the same turn), and engines start afresh on the next run.
pub fn cancel() {
    OWNER.with(|o| o.set(0));
    terminate_all(CANCELLED);
    ENGINES.with(|e| *e.borrow_mut() = Engines::default());
}

/// Starts the threads engine in the background (it takes a moment to spawn its pool).
pub fn prestart_threads() {
    let engine = threads_engine();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = engine.await;
    });
}

fn threads_engine() -> Starter<ThreadsEngine> {
    ENGINES.with(|e| {
        let mut e = e.borrow_mut();
        let alive = match e.threads.as_ref().and_then(|s| s.peek()) {
            Some(Ok(engine)) => engine.is_alive(),
            Some(Err(_)) => false,
            None => e.threads.is_some(), // still starting
        };
        if !alive {
            e.threads = Some(ThreadsEngine::start().boxed_local().shared());
        }
        e.threads.clone().expect("just set")
    })
}

async fn helper() -> Result<ProcessWorker, String> {
    if let Some(h) = ENGINES.with(|e| e.borrow().helper.clone()).filter(ProcessWorker::is_alive) {
        return Ok(h);
    }
    let h = ProcessWorker::start().await?;
    ENGINES.with(|e| e.borrow_mut().helper = Some(h.clone()));
    Ok(h)
}

/// At least `k` started process workers, new ones warmed up for `workload`.
async fn warm_pool(k: usize, workload: &Workload) -> Result<Vec<ProcessWorker>, String> {
    let mut pool: Vec<ProcessWorker> = ENGINES.with(|e| e.borrow().pool.clone());
    pool.retain(ProcessWorker::is_alive);
    let missing = k.saturating_sub(pool.len());
    let started = join_all((0..missing).map(|_| async {
        let w = ProcessWorker::start().await?;
        w.warm_up(workload).await?;
        Ok::<_, String>(w)
    }))
    .await;
    let failure = started.iter().find_map(|w| w.as_ref().err().cloned());
    pool.extend(started.into_iter().flatten());
    if let Some(e) = failure {
        // Not kept half-made: stop what did start.
        pool.iter().for_each(ProcessWorker::stop);
        ENGINES.with(|e| e.borrow_mut().pool.clear());
        return Err(e);
    }
    ENGINES.with(|e| e.borrow_mut().pool = pool.clone());
    Ok(pool)
}

/// Runs `spec` to completion. `Err` only for a cancelled run or when nothing can run at all;
/// a cell that fails keeps its error in the report and the run goes on.
pub async fn run(slot: RunSlot, spec: Spec, caps: &Capabilities, on_progress: &dyn Fn(Progress)) -> Result<Report, String> {
    let result = run_cells(&spec, caps, on_progress, slot.0).await;
    if still_wanted(slot.0).is_err() {
        return Err(CANCELLED.into());
    }
    drop(slot);
    result.map(|runs| Report::new(spec, caps.env(), runs))
}

async fn run_cells(spec: &Spec, caps: &Capabilities, on_progress: &dyn Fn(Progress), generation: u64) -> Result<Vec<RunRecord>, String> {
    // Before anything is timed: every engine this run uses is started and its kernels warmed,
    // and no engine is still starting in the background (that would steal CPU from a sample).
    still_wanted(generation)?;
    // The threads engine first: its 16 workers starting would slow the other warm-ups down.
    // A failure to start is reported by the threads cells themselves.
    if caps.threads_available() {
        let engine = threads_engine().await;
        still_wanted(generation)?;
        if let (Ok(engine), true) = (engine, spec.modes.iter().any(|m| m.needs_shared_memory())) {
            engine.warm_up(&spec.workload).await?;
        }
    }
    let helper = helper().await?;
    let expected = helper.expected(&WorkerRequest::Expected { workload: spec.workload.clone(), tasks: spec.tasks }).await?;
    helper.warm_up(&spec.workload).await?;
    still_wanted(generation)?;
    let cells = plan::cells(spec);
    let per_cell = plan::runs_per_cell(spec);
    let total = cells.len() as u32 * per_cell;
    let mut done = 0;

    // What each cell has so far: samples, or the error that stopped it, or why it cannot run.
    struct Progressing {
        samples: Vec<Sample>,
        failure: Option<String>,
        skipped: Option<&'static str>,
    }
    let mut state: Vec<Progressing> = cells
        .iter()
        .map(|cell| Progressing {
            samples: Vec::new(),
            failure: None,
            skipped: (cell.mode.needs_shared_memory() && !caps.threads_available()).then(|| caps.threads_unavailable_reason()),
        })
        .collect();
    for (cell, s) in cells.iter().zip(&state) {
        if s.skipped.is_some() {
            done += per_cell;
            on_progress(Progress { done, total, cell: *cell });
        }
    }

    // Rounds: repetition r of every cell, then r + 1. The machine's speed drifts (shared,
    // throttled, busy), and interleaving spreads a slow phase over all modes instead of
    // pinning it on one: ratios between modes are measured side by side.
    for repetition in 0..per_cell {
        for (cell, s) in cells.iter().zip(state.iter_mut()) {
            if s.skipped.is_some() || s.failure.is_some() {
                continue;
            }
            // A cancel from a progress callback must stop the next sample before it starts
            // engines afresh.
            still_wanted(generation)?;
            let result = sample(spec, *cell).await;
            still_wanted(generation)?;
            match result {
                Ok(sample) if repetition >= spec.warmup => s.samples.push(sample),
                Ok(_) => {}
                Err(e) => {
                    s.failure = Some(e);
                    // The cell's remaining repetitions will not run.
                    done += per_cell - repetition - 1;
                }
            }
            done += 1;
            on_progress(Progress { done, total, cell: *cell });
        }
    }

    let records = cells
        .into_iter()
        .zip(state)
        .map(|(cell, s)| {
            if let Some(reason) = s.skipped {
                return RunRecord::skipped(cell, reason);
            }
            let mut record = RunRecord::measured(cell, &s.samples, &expected, spec.workload.min_task_ms());
            if let Some(e) = s.failure {
                record.verified = false;
                record.errors.insert(0, e);
            }
            record
        })
        .collect();
    Ok(records)
}

async fn sample(spec: &Spec, cell: PlanCell) -> Result<Sample, String> {
    match cell.mode {
        Mode::Sequential => single_worker(spec, false).await,
        Mode::Async => single_worker(spec, true).await,
        Mode::Processes => processes(spec, cell.workers, spec.processes.start).await,
        Mode::Threads => threads(spec, cell.workers, None).await,
        Mode::ThreadsGil => threads(spec, cell.workers, Some(spec.gil.switch_interval_ms)).await,
    }
}

async fn single_worker(spec: &Spec, concurrent: bool) -> Result<Sample, String> {
    let worker = helper().await?;
    let request = WorkerRequest::Run {
        workload: spec.workload.clone(),
        tasks: spec.tasks,
        indices: (0..spec.tasks).collect(),
        concurrent,
        worker: 1,
    };
    let start = now_ms();
    let outcomes = worker.run(&request).await?;
    Ok(Sample { wall_ms: now_ms() - start, run_start: start, outcomes, startup_ms: None })
}

/// Tasks go to process workers in chunks, as `multiprocessing.Pool.map` sends them: chunks of
/// ceil(tasks / (4 k)) consecutive tasks, one message each. Worker `id` (1..=k) starts with chunk
/// id - 1 (so a cold worker that starts late still gets its share); after that each worker
/// takes the next free chunk. A worker always has its next chunk queued while it computes the
/// current one (as Pool's task queue does), so it never idles waiting for the page's main
/// thread, which hands chunks out and competes with the workers for the cores.
fn chunk_size(tasks: u32, k: u32) -> u32 {
    tasks.div_ceil(4 * k).max(1)
}

/// Chunks a worker may have sent and unanswered.
const QUEUED_CHUNKS: u32 = 2;

async fn drain(worker: &ProcessWorker, id: u32, spec: &Spec, next: &Cell<u32>, k: u32) -> Result<Vec<TaskOutcome>, String> {
    let size = chunk_size(spec.tasks, k);
    let mut outcomes = Vec::new();
    let mut seed = Some(id - 1);
    let mut in_flight = 0;
    loop {
        while in_flight < QUEUED_CHUNKS {
            // A chunk is claimed only when it is sent, so no worker holds one it cannot start.
            let chunk = seed.take().unwrap_or_else(|| {
                let c = next.get();
                next.set(c + 1);
                c
            });
            let first = chunk * size;
            if first >= spec.tasks {
                break;
            }
            let indices = (first..(first + size).min(spec.tasks)).collect();
            worker.send(&WorkerRequest::Run { workload: spec.workload.clone(), tasks: spec.tasks, indices, concurrent: false, worker: id })?;
            in_flight += 1;
        }
        if in_flight == 0 {
            return Ok(outcomes);
        }
        outcomes.extend(worker.receive().await?);
        in_flight -= 1;
    }
}

async fn processes(spec: &Spec, k: u32, start: ProcessStart) -> Result<Sample, String> {
    let next = Rc::new(Cell::new(k));
    let (run_start, results) = match start {
        ProcessStart::Warm => {
            let pool = warm_pool(k as usize, &spec.workload).await?;
            let run_start = now_ms();
            let results = join_all(pool.iter().take(k as usize).zip(1..).map(|(w, id)| {
                let next = next.clone();
                async move { drain(w, id, spec, &next, k).await.map(|o| (o, None)) }
            }))
            .await;
            (run_start, results)
        }
        ProcessStart::Cold => {
            let run_start = now_ms();
            let starting = (0..k).map(|_| Starting::spawn()).collect::<Result<Vec<_>, _>>()?;
            let results = join_all(starting.into_iter().zip(1..).map(|(s, id)| {
                let next = next.clone();
                async move {
                    let worker = s.ready().await?; // a failed start terminates its worker
                    let outcome = drain(&worker, id, spec, &next, k).await;
                    worker.stop();
                    outcome.map(|o| (o, Some(worker.startup_ms)))
                }
            }))
            .await;
            (run_start, results)
        }
    };
    let wall_ms = now_ms() - run_start;
    let mut outcomes = Vec::new();
    let mut startups = Vec::new();
    for r in results {
        let (o, startup) = r?;
        outcomes.extend(o);
        startups.extend(startup);
    }
    let startup_ms = (!startups.is_empty()).then(|| startups.iter().sum::<f64>() / startups.len() as f64);
    Ok(Sample { wall_ms, run_start, outcomes, startup_ms })
}

async fn threads(spec: &Spec, k: u32, gil_switch_interval_ms: Option<f64>) -> Result<Sample, String> {
    let engine = threads_engine().await?;
    let request = ThreadsRequest { workload: spec.workload.clone(), tasks: spec.tasks, workers: k, gil_switch_interval_ms };
    let start = now_ms();
    let outcomes = engine.run(&request).await?;
    Ok(Sample { wall_ms: now_ms() - start, run_start: start, outcomes, startup_ms: None })
}
