//! A processes run: k isolated workers fed chunks of tasks, as `multiprocessing.Pool` feeds its
//! workers, and a crashed worker replaced as a pool replaces one.

use super::kept::{self, warm_pool};
use crate::engines::processes::{worker_code, ProcessWorker, Starting, WorkerError};
use crate::service_worker::endpoint;
use futures::future::join_all;
use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;
use threadlab_clock::now_ms;
use threadlab_lab::plan::{self, Dispatch};
use threadlab_lab::protocol::{TaskOutcome, WorkerRequest};
use threadlab_lab::report::Sample;
use threadlab_lab::spec::ProcessStart;
use threadlab_lab::Spec;

/// What one worker slot of a processes run did: its outcomes, and the worker it ended with (a
/// replacement, when the first one crashed).
struct Drained {
    outcomes: Vec<TaskOutcome>,
    worker: ProcessWorker,
    replaced: bool,
}

/// Feeds worker `id` chunks until none is left, sized and queued as [`plan::dispatch`] says:
/// worker `id` (1..=k) starts with chunk id - 1 (so a cold worker that starts late still gets
/// its share), then takes the next free chunk. When the worker crashes, as a process pool does:
/// the task it was running fails with the cause, a new worker takes its place (started inside
/// the timed run, as `multiprocessing` starts one), and the tasks it had not answered go to the
/// new one, one at a time. Only that worker's tasks are touched: the other workers never notice.
async fn drain(worker: ProcessWorker, id: u32, spec: &Spec, next: &Cell<u32>, k: u32) -> Result<Drained, String> {
    let mut worker = worker;
    let mut replaced = false;
    match feed(&mut worker, &mut replaced, id, spec, next, k).await {
        Ok(outcomes) => Ok(Drained { outcomes, worker, replaced }),
        Err(e) => {
            worker.stop(); // not trusted again, and never left running
            Err(e)
        }
    }
}

async fn feed(
    worker: &mut ProcessWorker,
    replaced: &mut bool,
    id: u32,
    spec: &Spec,
    next: &Cell<u32>,
    k: u32,
) -> Result<Vec<TaskOutcome>, String> {
    let Dispatch { size, queued } = plan::dispatch(spec, k);
    let mut outcomes = Vec::new();
    let mut seed = Some(id - 1);
    let mut sent: VecDeque<Vec<u32>> = VecDeque::new();
    let mut retry: VecDeque<u32> = VecDeque::new();
    loop {
        while sent.len() < queued as usize {
            let indices: Vec<u32> = match retry.pop_front() {
                Some(task) => vec![task],
                None => {
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
                    (first..(first + size).min(spec.tasks)).collect()
                }
            };
            let endpoint = endpoint();
            let request = WorkerRequest::Run {
                workload: spec.workload.clone(),
                tasks: spec.tasks,
                indices: indices.clone(),
                concurrent: false,
                worker: id,
                endpoint,
            };
            match spec.workload.via() {
                // A `pass` input goes with the request, the way the cell passes it.
                Some(via) => super::passing::send(worker, &request, via)?,
                None => worker.send(&request)?,
            }
            sent.push_back(indices);
        }
        if sent.is_empty() {
            return Ok(outcomes);
        }
        match worker.receive().await {
            Ok(done) => {
                sent.pop_front();
                outcomes.extend(done);
            }
            Err(WorkerError { crash: Some(crash), .. }) => {
                let lost: Vec<u32> = sent.drain(..).flatten().collect();
                let culprit = crash.task.filter(|t| lost.contains(t)).unwrap_or(lost[0]);
                let at = now_ms();
                let error = format!("the process running it crashed ({}); the pool replaced it", crash.cause);
                outcomes.push(TaskOutcome {
                    task: culprit,
                    worker: id,
                    start: at,
                    end: at,
                    error: Some(error),
                    ..Default::default()
                });
                retry.extend(lost.into_iter().filter(|&t| t != culprit));
                *worker = ProcessWorker::start().await?;
                *replaced = true;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

pub async fn processes(spec: &Spec, k: u32, start: ProcessStart) -> Result<Sample, String> {
    let next = Rc::new(Cell::new(k));
    let (run_start, results) = match start {
        ProcessStart::Warm => {
            let pool = warm_pool(k as usize, &spec.workload).await?;
            let run_start = now_ms();
            let results = join_all(pool.iter().take(k as usize).zip(1..).map(|(w, id)| {
                let next = next.clone();
                async move {
                    let drained = drain(w.clone(), id, spec, &next, k).await?;
                    if drained.replaced {
                        kept::adopt(drained.worker); // the crashed one leaves the pool
                    }
                    Ok::<_, String>((drained.outcomes, None))
                }
            }))
            .await;
            (run_start, results)
        }
        ProcessStart::Cold => {
            let code = worker_code().await?; // loaded once per page, before timing
            let run_start = now_ms();
            let starting = (0..k).map(|_| Starting::spawn(&code)).collect::<Result<Vec<_>, _>>()?;
            let results = join_all(starting.into_iter().zip(1..).map(|(s, id)| {
                let next = next.clone();
                async move {
                    let worker = s.ready().await?; // a failed start terminates its worker
                    let startup_ms = worker.startup_ms;
                    let drained = drain(worker, id, spec, &next, k).await?;
                    drained.worker.stop();
                    Ok::<_, String>((drained.outcomes, Some(startup_ms)))
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
    Ok(Sample { wall_ms, run_start, outcomes, startup_ms, counted: None })
}
