//! One timed repetition of a cell on its engine: wall time on the page's clock, from handing
//! the work over until the last result is back.

use super::kept::{self, helper, threads_engine};
use super::pool::processes;
use crate::service_worker::endpoint;
use futures::future::{select, Either};
use futures::FutureExt;
use gloo_timers::future::TimeoutFuture;
use threadlab_clock::now_ms;
use threadlab_lab::plan::Cell as PlanCell;
use threadlab_lab::protocol::{ThreadsRequest, WorkerRequest};
use threadlab_lab::report::Sample;
use threadlab_lab::{Mode, Spec};
use threadlab_workers::terminate_all;

/// One timed run of `cell`, stopped at the spec's time limit: a hung task cannot be
/// interrupted from inside its worker, only by terminating it, so every worker goes (the
/// engines start afresh on next use) and the run reports why.
pub async fn sample(spec: &Spec, cell: PlanCell) -> Result<Sample, String> {
    let limit = TimeoutFuture::new(spec.time_limit_s * 1000);
    match select(run_on_engine(spec, cell).boxed_local(), limit).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => {
            terminate_all("stopped at the time limit");
            kept::reset();
            Err(format!(
                "a run did not finish within the time limit of {} s (time_limit_s), so it was stopped and its workers \
                 terminated: a task stuck in a loop cannot be interrupted from inside, only by ending its worker",
                spec.time_limit_s
            ))
        }
    }
}

async fn run_on_engine(spec: &Spec, cell: PlanCell) -> Result<Sample, String> {
    match cell.mode {
        Mode::Sequential => single_worker(spec, false).await,
        Mode::Async => single_worker(spec, true).await,
        Mode::Processes => processes(spec, cell.workers, spec.processes.start).await,
        Mode::Threads => threads(spec, cell.workers, None).await,
        Mode::ThreadsGil => threads(spec, cell.workers, Some(spec.gil.switch_interval_ms)).await,
    }
}

async fn single_worker(spec: &Spec, concurrent: bool) -> Result<Sample, String> {
    let worker = helper().await.map_err(|e| e.to_string())?;
    // A no-op unless the worker is new (replaced after a crash or a time limit).
    worker.warm_up(&spec.workload).await?;
    let request = WorkerRequest::Run {
        workload: spec.workload.clone(),
        tasks: spec.tasks,
        indices: (0..spec.tasks).collect(),
        concurrent,
        worker: 1,
        endpoint: endpoint(),
    };
    let start = now_ms();
    let outcomes = worker.run(&request).await.map_err(|e| match e.crash {
        Some(_) => format!(
            "{}. One worker runs every task here, so its crash ended the run: the tasks after it never ran \
             (a new worker is started for the next run)",
            e.message
        ),
        None => e.message,
    })?;
    Ok(Sample { wall_ms: now_ms() - start, run_start: start, outcomes, startup_ms: None, counted: None })
}

async fn threads(spec: &Spec, k: u32, gil_switch_interval_ms: Option<f64>) -> Result<Sample, String> {
    let engine = threads_engine().await?;
    // A no-op unless the engine is new (rebuilt after a crash or a time limit).
    engine.warm_up(&spec.workload).await?;
    let request = ThreadsRequest {
        workload: spec.workload.clone(),
        tasks: spec.tasks,
        workers: k,
        gil_switch_interval_ms,
        endpoint: endpoint(),
    };
    let start = now_ms();
    let (outcomes, counted) = engine.run(&request).await?;
    Ok(Sample { wall_ms: now_ms() - start, run_start: start, outcomes, startup_ms: None, counted })
}
