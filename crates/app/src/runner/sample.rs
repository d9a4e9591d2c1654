//! One timed repetition of a cell on its engine: wall time on the page's clock, from handing
//! the work over until the last result is back.

use super::kept::{helper, threads_engine, warm_pool};
use crate::engines::processes::{ProcessWorker, Starting};
use crate::service_worker::endpoint;
use futures::future::join_all;
use std::cell::Cell;
use std::rc::Rc;
use threadlab_clock::now_ms;
use threadlab_lab::plan::Cell as PlanCell;
use threadlab_lab::protocol::{TaskOutcome, ThreadsRequest, WorkerRequest};
use threadlab_lab::report::Sample;
use threadlab_lab::spec::ProcessStart;
use threadlab_lab::{Mode, Spec};

pub async fn sample(spec: &Spec, cell: PlanCell) -> Result<Sample, String> {
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
        endpoint: endpoint(),
    };
    let start = now_ms();
    let outcomes = worker.run(&request).await?;
    Ok(Sample { wall_ms: now_ms() - start, run_start: start, outcomes, startup_ms: None })
}

/// CPU tasks go to process workers in chunks, as `multiprocessing.Pool.map` sends them: chunks
/// of ceil(tasks / (4 k)) consecutive tasks, one message each. Worker `id` (1..=k) starts with
/// chunk id - 1 (so a cold worker that starts late still gets its share); after that each
/// worker takes the next free chunk. A worker always has its next chunk queued while it
/// computes the current one (as Pool's task queue does), so it never idles waiting for the
/// page's main thread, which hands chunks out and competes with the workers for the cores.
///
/// Waiting tasks (sleep, downloads) go one at a time, as `ProcessPoolExecutor` sends them: a
/// message costs a fraction of a millisecond against a wait of many, and chunks of waits
/// would leave some workers with a whole extra chunk to wait through at the end.
fn dispatch(spec: &Spec, k: u32) -> (u32, u32) {
    if spec.workload.is_waiting() {
        (1, 1)
    } else {
        (spec.tasks.div_ceil(4 * k).max(1), 2)
    }
}

async fn drain(worker: &ProcessWorker, id: u32, spec: &Spec, next: &Cell<u32>, k: u32) -> Result<Vec<TaskOutcome>, String> {
    // Chunks of `size` tasks; a worker may have `queued` chunks sent and unanswered.
    let (size, queued) = dispatch(spec, k);
    let mut outcomes = Vec::new();
    let mut seed = Some(id - 1);
    let mut in_flight = 0;
    loop {
        while in_flight < queued {
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
            let endpoint = endpoint();
            worker.send(&WorkerRequest::Run { workload: spec.workload.clone(), tasks: spec.tasks, indices, concurrent: false, worker: id, endpoint })?;
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
    let request = ThreadsRequest { workload: spec.workload.clone(), tasks: spec.tasks, workers: k, gil_switch_interval_ms, endpoint: endpoint() };
    let start = now_ms();
    let outcomes = engine.run(&request).await?;
    Ok(Sample { wall_ms: now_ms() - start, run_start: start, outcomes, startup_ms: None })
}
