//! Runs a spec: every (mode, workers) cell of the plan, warm-up plus timed repetitions on the
//! matching engine, in interleaved rounds; then each cell's run record, with its statistics and
//! verification (`threadlab-lab`). What the runs mean (speedups, verdict, claim) is the view
//! module's to say.
//!
//! Every sample is wall time on the page's clock, from handing the work to an engine until the
//! last result is back; for cold processes that includes starting the workers.

mod checks;
mod error;
mod kept;
mod paint;
mod passing;
mod pool;
mod sample;

use crate::env::Capabilities;
use kept::threads_engine;
use sample::sample;
use std::cell::Cell;
use threadlab_lab::checks::Checks;
use threadlab_lab::plan::{self, Cell as PlanCell};
use threadlab_lab::protocol::WorkerRequest;
use threadlab_lab::report::{Measured, RunRecord, Sample};
use threadlab_lab::spec::ProcessStart;
use threadlab_lab::{Mode, Spec};
use threadlab_workers::terminate_all;

pub use checks::worker_checks;
pub use error::RunError;
pub(crate) use kept::helper;
pub use kept::prestart;

thread_local! {
    /// Generation of the run that owns the run slot; 0 when none does.
    static OWNER: Cell<u64> = const { Cell::new(0) };
    static LAST_GENERATION: Cell<u64> = const { Cell::new(0) };
    /// Cancels so far: an await that failed while this changed failed because of the cancel.
    static CANCELS: Cell<u64> = const { Cell::new(0) };
}

pub struct Progress<'a> {
    /// Timed runs (repetitions of a cell, warm-ups included) done, of `total`.
    pub done: u32,
    pub total: u32,
    /// Tasks in each run.
    pub tasks: u32,
    pub cell: PlanCell,
    /// The results so far, after a sample was measured (charts update while a sweep runs):
    /// made when called, since the page redraws only every few hundred ms.
    pub partial: Option<&'a dyn Fn() -> Measured>,
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
pub fn claim() -> Result<RunSlot, RunError> {
    if is_running() {
        return Err(RunError::Busy);
    }
    let generation = LAST_GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    OWNER.with(|o| o.set(generation));
    Ok(RunSlot(generation))
}

/// `Err` once run `generation` was cancelled: checked before and after every await.
fn still_wanted(generation: u64) -> Result<(), RunError> {
    if OWNER.with(Cell::get) == generation {
        Ok(())
    } else {
        Err(RunError::Cancelled)
    }
}

/// The number of cancels so far, to tell afterwards whether one came meanwhile.
fn cancels() -> u64 {
    CANCELS.with(Cell::get)
}

/// What an await that began after `cancels` cancels and failed with `why` means: the
/// workers it waited for were terminated by a cancel, or something failed.
fn failed_since(cancels_before: u64, why: String) -> RunError {
    if cancels() == cancels_before {
        RunError::Engine(why)
    } else {
        RunError::Cancelled
    }
}

/// Stops the current run at once: every worker is terminated, the run slot is free at once (a
/// new run may start in the same turn), and engines start afresh on the next run.
pub fn cancel() {
    OWNER.with(|o| o.set(0));
    CANCELS.with(|c| c.set(c.get() + 1));
    terminate_all(&RunError::Cancelled.to_string());
    kept::reset();
}

/// Runs `spec` to completion. `Err` only for a cancelled run or when nothing can run at all;
/// a cell that fails keeps its error in the report and the run goes on.
/// `on_progress` returns true when it redrew the page: the next sample then waits for the
/// browser to paint it, so drawing never shares the cores with a timed sample.
pub async fn run(
    slot: RunSlot,
    spec: Spec,
    caps: &Capabilities,
    on_progress: &dyn Fn(Progress) -> bool,
) -> Result<Measured, RunError> {
    let result = run_cells(&spec, caps, on_progress, slot.0).await;
    still_wanted(slot.0)?;
    drop(slot);
    result.map(|runs| Measured { spec, env: caps.env(), runs })
}

async fn run_cells(
    spec: &Spec,
    caps: &Capabilities,
    on_progress: &dyn Fn(Progress) -> bool,
    generation: u64,
) -> Result<Vec<RunRecord>, RunError> {
    let checks = caps_checked(caps, generation).await?;
    let skip = |mode: Mode| skip_reason(&checks, spec, mode);
    let expected = engines_ready(spec, &checks, &skip, generation).await?;
    // A variant may need what the mode does not (a pass's shared memory): skipped on its own.
    let skip_cell = |cell: PlanCell| skip(cell.mode).or_else(|| checks.variant_skip_reason(cell.variant));
    let mut sweep = Sweep::new(spec, caps, expected, skip_cell);
    sweep.skipped_first(on_progress).await;
    sweep.rounds(on_progress, generation).await?;
    Ok(sweep.records())
}

/// The page's capabilities with what only a worker can tell: asked once per page, of the
/// helper process worker, which every run needs anyway. They decide which cells are skipped.
async fn caps_checked(caps: &Capabilities, generation: u64) -> Result<Checks, RunError> {
    still_wanted(generation)?;
    let checked = worker_checks().await;
    still_wanted(generation)?;
    checked?;
    Ok(caps.checks())
}

/// Why `mode` cannot run here, as the report says it; `None` when it can.
fn skip_reason(checks: &Checks, spec: &Spec, mode: Mode) -> Option<String> {
    let writes_files = spec.workload.download().is_some_and(|(_, write)| write);
    checks.skip_reason(mode, writes_files)
}

/// Before anything is timed: every engine this run uses is started and its kernels warmed,
/// and no engine is still starting in the background (that would steal CPU from a sample).
/// Returns the expected checksums, computed by the helper.
async fn engines_ready(
    spec: &Spec,
    checks: &Checks,
    skip: &dyn Fn(Mode) -> Option<String>,
    generation: u64,
) -> Result<Vec<Option<u64>>, RunError> {
    // The built-in endpoint needs the service worker in control, of the page and of every kept
    // worker.
    if spec.workload.download().is_some_and(|(d, _)| d.url.is_none()) {
        crate::service_worker::endpoint_ready().await?;
        still_wanted(generation)?;
        kept::reach_endpoint(&crate::service_worker::ping_url()).await;
        still_wanted(generation)?;
    }
    // The threads engine first: its 16 workers starting would slow the other warm-ups down.
    // A failure to start is reported by the threads cells themselves.
    if checks.threads_blocked().is_none() {
        let engine = threads_engine().await;
        still_wanted(generation)?;
        let runs_threads = spec.modes.iter().any(|&m| m.needs_shared_memory() && skip(m).is_none());
        if let (Ok(engine), true) = (engine, runs_threads) {
            engine.warm_up(&spec.workload).await?;
        }
    }
    // The worker code is loaded once per page (the first run waits for it): a cancel that came
    // meanwhile must not be followed by a worker starting.
    crate::engines::processes::worker_code().await?;
    still_wanted(generation)?;
    let helper = helper().await?;
    still_wanted(generation)?;
    let expected =
        helper.expected(&WorkerRequest::Expected { workload: spec.workload.clone(), tasks: spec.tasks }).await?;
    still_wanted(generation)?;
    helper.warm_up(&spec.workload).await?;
    still_wanted(generation)?;
    passing::prepare(spec, &helper, checks).await?;
    still_wanted(generation)?;
    if spec.modes.contains(&Mode::Processes)
        && spec.processes.start == ProcessStart::Warm
        && skip(Mode::Processes).is_none()
    {
        kept::warm_pool(spec.max_workers() as usize, &spec.workload).await?;
    }
    still_wanted(generation)?;
    Ok(expected)
}

/// The plan's cells and what each has so far, with the count of timed runs done for progress.
struct Sweep<'a> {
    spec: &'a Spec,
    caps: &'a Capabilities,
    expected: Vec<Option<u64>>,
    cells: Vec<PlanCell>,
    state: Vec<Progressing>,
    per_cell: u32,
    done: u32,
}

impl<'a> Sweep<'a> {
    fn new(
        spec: &'a Spec,
        caps: &'a Capabilities,
        expected: Vec<Option<u64>>,
        skip: impl Fn(PlanCell) -> Option<String>,
    ) -> Self {
        let cells = plan::cells(spec);
        let state =
            cells.iter().map(|&cell| Progressing { samples: Vec::new(), failure: None, skipped: skip(cell) }).collect();
        Sweep { spec, caps, expected, cells, state, per_cell: plan::runs_per_cell(spec), done: 0 }
    }

    fn total(&self) -> u32 {
        self.cells.len() as u32 * self.per_cell
    }

    /// Tells `on_progress`; when it redrew the page, waits for the browser to paint it.
    async fn tell(
        &self,
        on_progress: &dyn Fn(Progress) -> bool,
        cell: PlanCell,
        partial: Option<&dyn Fn() -> Measured>,
    ) {
        let progress = Progress { done: self.done, total: self.total(), tasks: self.spec.tasks, cell, partial };
        if on_progress(progress) {
            paint::after_next_paint().await;
        }
    }

    /// Cells that cannot run here count as done at once.
    async fn skipped_first(&mut self, on_progress: &dyn Fn(Progress) -> bool) {
        for i in 0..self.cells.len() {
            if self.state[i].skipped.is_some() {
                self.done += self.per_cell;
                self.tell(on_progress, self.cells[i], None).await;
            }
        }
    }

    /// Rounds: repetition r of every cell, then r + 1. The machine's speed drifts (shared,
    /// throttled, busy), and interleaving spreads a slow phase over all modes instead of
    /// pinning it on one: ratios between modes are measured side by side. A cell that fails
    /// keeps its error and runs no more.
    async fn rounds(&mut self, on_progress: &dyn Fn(Progress) -> bool, generation: u64) -> Result<(), RunError> {
        for repetition in 0..self.per_cell {
            for i in 0..self.cells.len() {
                let cell = self.cells[i];
                let s = &self.state[i];
                if s.skipped.is_some() || s.failure.is_some() {
                    continue;
                }
                // A cancel from a progress callback must stop the next sample before it starts
                // engines afresh.
                still_wanted(generation)?;
                let result = sample(&plan::cell_spec(self.spec, cell), cell).await;
                still_wanted(generation)?;
                let measured = result.is_ok() && repetition >= self.spec.warmup;
                let s = &mut self.state[i];
                match result {
                    Ok(sample) if repetition >= self.spec.warmup => s.samples.push(sample),
                    Ok(_) => {}
                    Err(e) => {
                        s.failure = Some(e);
                        // The cell's remaining repetitions will not run.
                        self.done += self.per_cell - repetition - 1;
                    }
                }
                self.done += 1;
                let so_far = || self.partial();
                let partial: Option<&dyn Fn() -> Measured> = if measured { Some(&so_far) } else { None };
                self.tell(on_progress, cell, partial).await;
            }
        }
        Ok(())
    }

    /// The runs of the cells with a sample so far, and of those skipped.
    fn partial(&self) -> Measured {
        let so_far = self.cells.iter().zip(&self.state).filter(|(_, s)| !s.samples.is_empty() || s.skipped.is_some());
        let runs = so_far.map(|(c, s)| s.record(*c, &self.expected, self.spec)).collect();
        Measured { spec: self.spec.clone(), env: self.caps.env(), runs }
    }

    fn records(self) -> Vec<RunRecord> {
        self.cells.into_iter().zip(&self.state).map(|(cell, s)| s.record(cell, &self.expected, self.spec)).collect()
    }
}

/// What a cell has so far: samples, or the error that stopped it, or why it cannot run.
struct Progressing {
    samples: Vec<Sample>,
    failure: Option<String>,
    skipped: Option<String>,
}

impl Progressing {
    fn record(&self, cell: PlanCell, expected: &[Option<u64>], spec: &Spec) -> RunRecord {
        if let Some(reason) = &self.skipped {
            return RunRecord::skipped(cell, reason);
        }
        let mut record = RunRecord::measured(cell, &self.samples, expected, spec.workload.min_task_ms());
        record.count(&plan::cell_spec(spec, cell).workload, spec.tasks, &self.samples);
        record.pass(&plan::cell_spec(spec, cell).workload, &self.samples);
        if let Some(e) = &self.failure {
            record.verified = false;
            record.errors.insert(0, e.clone());
        }
        record
    }
}
