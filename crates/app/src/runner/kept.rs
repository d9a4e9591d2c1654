//! Workers kept between runs: the helper (sequential, async, expected checksums), the warm
//! process pool and the threads engine. Dead ones (after a cancel or a crash) are replaced on
//! next use; `reset` forgets them all.

use super::RunError;
use crate::engines::processes::ProcessWorker;
use crate::engines::threads::ThreadsEngine;
use futures::future::{join_all, FutureExt, LocalBoxFuture, Shared};
use std::cell::RefCell;
use threadlab_workloads::Workload;

pub type Starter<T> = Shared<LocalBoxFuture<'static, Result<T, String>>>;

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
}

/// Forgets every kept worker (they have been terminated).
pub fn reset() {
    ENGINES.with(|e| *e.borrow_mut() = Engines::default());
}

/// Starts in the background what runs need and takes a moment to load: the worker code (the
/// compiled module, the workers' script) with the helper, which makes the workers' checks
/// (`runner::worker_checks`), and, when shared memory is available, the threads engine with its
/// pool, at once. Not while a run goes on: it starts what it needs itself, and
/// nothing may start while it times.
pub fn prestart(threads: bool) {
    if super::is_running() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        // The engine is looked up when first polled, so it is the one the kept engines hold.
        let engine = async {
            if threads {
                let _ = threads_engine().await;
            }
        };
        // The helper, started with the worker code, makes the checks only a worker can make.
        let _ = futures::join!(super::worker_checks(), engine);
    });
}

pub fn threads_engine() -> Starter<ThreadsEngine> {
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

/// Makes sure every kept worker reaches the built-in endpoint at `url`. A worker that was still
/// loading when the service worker took control of the page can stay uncontrolled for good
/// (`clients.claim()` skips it), and its requests then go to the server: such workers are
/// replaced (new ones start controlled). The threads engine is checked first and restarted
/// before anything is timed.
pub async fn reach_endpoint(url: &str) {
    let threads = ENGINES.with(|e| e.borrow().threads.clone());
    if let Some(Ok(engine)) = match threads {
        Some(starting) => Some(starting.await),
        None => None,
    } {
        if engine.ping(url).await.is_err() {
            engine.stop();
            let _ = threads_engine().await;
        }
    }
    let (helper, pool) = ENGINES.with(|e| (e.borrow().helper.clone(), e.borrow().pool.clone()));
    for worker in helper.iter().chain(&pool).filter(|w| w.is_alive()) {
        if worker.ping(url).await.is_err() {
            worker.stop(); // `helper` and `warm_pool` replace dead workers
        }
    }
}

/// The helper process worker, started if none is alive; `Err(Cancelled)` when a cancel
/// terminated it while it started.
pub async fn helper() -> Result<ProcessWorker, RunError> {
    if let Some(h) = ENGINES.with(|e| e.borrow().helper.clone()).filter(ProcessWorker::is_alive) {
        return Ok(h);
    }
    let cancels = super::cancels();
    let h = ProcessWorker::start().await.map_err(|why| super::failed_since(cancels, why))?;
    ENGINES.with(|e| e.borrow_mut().helper = Some(h.clone()));
    Ok(h)
}

/// Puts a worker that replaced a crashed one into the warm pool (the dead one leaves it on
/// next use).
pub fn adopt(worker: ProcessWorker) {
    ENGINES.with(|e| {
        let mut e = e.borrow_mut();
        e.pool.retain(ProcessWorker::is_alive);
        e.pool.push(worker);
    });
}

/// At least `k` started process workers, the first `k` warmed up for `workload` (a no-op for
/// a worker that already was: workers kept from an earlier run, or adopted after a crash, may
/// not have been).
pub async fn warm_pool(k: usize, workload: &Workload) -> Result<Vec<ProcessWorker>, String> {
    let mut pool: Vec<ProcessWorker> = ENGINES.with(|e| e.borrow().pool.clone());
    pool.retain(ProcessWorker::is_alive);
    let missing = k.saturating_sub(pool.len());
    let started = join_all((0..missing).map(|_| ProcessWorker::start())).await;
    let mut failure = started.iter().find_map(|w| w.as_ref().err().cloned());
    pool.extend(started.into_iter().flatten());
    if failure.is_none() {
        failure = join_all(pool.iter().take(k).map(|w| w.warm_up(workload))).await.into_iter().find_map(Result::err);
    }
    if let Some(e) = failure {
        // Not kept half-made: stop what did start.
        pool.iter().for_each(ProcessWorker::stop);
        ENGINES.with(|e| e.borrow_mut().pool.clear());
        return Err(e);
    }
    ENGINES.with(|e| e.borrow_mut().pool = pool.clone());
    Ok(pool)
}
