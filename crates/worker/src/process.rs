//! Inside an isolated worker ("process"): its own instance of this module, its own memory.
//! Receives `WorkerRequest` JSON, replies `WorkerReply` JSON. Waiting (sleep, a download) is a
//! timer or a fetch the worker awaits: one task at a time, or all in flight at once for the
//! async mode.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use threadlab_clock::now_ms;
use threadlab_io::run_download_task;
use threadlab_lab::protocol::{TaskOutcome, WorkerReply, WorkerRequest};
use threadlab_workloads::{
    expected_checksum, once_per_kernel, run_cpu_task, sleep_checksum, warm_up, NoCheckpoint, Task, TaskKind, Workload,
};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Kernel warm-up before a spec's first timed run, in ms.
const WARM_UP_MS: f64 = 150.0;

/// Globals that www/process-worker.js reads when this worker dies (a trap, or a panic: the
/// release build aborts on panic, as a crashing process would): the task it was running and
/// the panic's message. They are plain JS values because after a trap the module's own state
/// cannot be trusted.
const CURRENT_TASK_GLOBAL: &str = "threadlabTask";
const PANIC_GLOBAL: &str = "threadlabPanic";

fn set_global(name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(&js_sys::global(), &JsValue::from_str(name), value);
}

/// Tells www/process-worker.js which task runs, should the worker die in it.
fn set_current_task(index: u32) {
    set_global(CURRENT_TASK_GLOBAL, &JsValue::from(index));
}

/// Called by www/process-worker.js once the module is instantiated.
///
/// Requests are handled strictly one at a time, in arrival order: the page keeps the next chunk
/// queued here, and a process that waits (sleep) must not start that chunk meanwhile.
#[wasm_bindgen]
pub fn process_worker_main() {
    std::panic::set_hook(Box::new(|info| {
        set_global(PANIC_GLOBAL, &JsValue::from_str(&threadlab_workloads::fault::panic_message(info)))
    }));
    let scope: Rc<DedicatedWorkerGlobalScope> = Rc::new(js_sys::global().unchecked_into());
    // Each message with the moment it arrived (a `pass` input's passing ends there).
    let queue: Rc<RefCell<VecDeque<(JsValue, f64)>>> = Rc::default();
    let busy = Rc::new(Cell::new(false));
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        queue.borrow_mut().push_back((event.data(), now_ms()));
        if busy.replace(true) {
            return; // the running loop below will get to it
        }
        let (scope, queue, busy) = (reply_to.clone(), queue.clone(), busy.clone());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let Some((data, received)) = queue.borrow_mut().pop_front() else { break };
                let reply = match data.as_string().map(|s| serde_json::from_str::<WorkerRequest>(&s)) {
                    Some(Ok(request)) => handle(request).await,
                    Some(Err(e)) => WorkerReply::Failed { error: format!("bad request: {e}") },
                    None => match crate::passed::Passed::of(&data, received) {
                        Some(Ok(passed)) => passed.run(set_current_task),
                        Some(Err(error)) => WorkerReply::Failed { error },
                        None => WorkerReply::Failed { error: "bad request: not a string".into() },
                    },
                };
                let json = serde_json::to_string(&reply).expect("replies serialize");
                let _ = scope.post_message(&JsValue::from_str(&json));
            }
            busy.set(false);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

async fn handle(request: WorkerRequest) -> WorkerReply {
    match request {
        WorkerRequest::Expected { workload, tasks } => WorkerReply::Expected {
            checksums: workload.tasks(tasks).iter().map(|t| expected_checksum(&workload, t)).collect(),
        },
        WorkerRequest::Ping { url } => match threadlab_io::download(&ping(url)).await {
            Ok(_) => WorkerReply::Done { outcomes: vec![] },
            Err(error) => WorkerReply::Failed { error },
        },
        WorkerRequest::Check => WorkerReply::Checks { checks: threadlab_io::checks::worker_checks().await },
        WorkerRequest::Input { mb } => crate::passed::send_input(mb),
        WorkerRequest::WarmUp { workload } => {
            once_per_kernel(&workload, || {
                warm_up(&workload, &mut NoCheckpoint, now_ms, WARM_UP_MS);
            });
            WorkerReply::Done { outcomes: vec![] }
        }
        WorkerRequest::Run { workload, tasks, indices, concurrent, worker, endpoint } => {
            let batch = Batch { workload: &workload, tasks, worker, endpoint: &endpoint };
            let outcomes =
                if concurrent { batch.run_concurrently(&indices).await } else { batch.run_one_by_one(&indices).await };
            WorkerReply::Done { outcomes }
        }
    }
}

/// A one-off request to the built-in endpoint.
fn ping(url: String) -> threadlab_workloads::download::DownloadTask {
    threadlab_workloads::download::DownloadTask { url, from_endpoint: true, timeout_ms: 5_000, file: None }
}

/// Tasks of one workload handed to this worker.
struct Batch<'a> {
    workload: &'a Workload,
    tasks: u32,
    worker: u32,
    endpoint: &'a str,
}

impl Batch<'_> {
    fn task(&self, index: u32) -> Task {
        self.workload.task(index.min(self.tasks.saturating_sub(1)), self.tasks)
    }

    fn cpu(&self, task: &Task) -> TaskOutcome {
        set_current_task(task.index);
        let start = now_ms();
        let checksum = run_cpu_task(task, &mut NoCheckpoint).expect("CPU task");
        TaskOutcome { task: task.index, worker: self.worker, start, end: now_ms(), checksum, ..Default::default() }
    }

    async fn download(&self, task: &Task) -> TaskOutcome {
        let request = self.workload.download_task(task.index, self.endpoint).expect("a fetch task has a download");
        run_download_task(&request, task.index, self.worker).await
    }

    async fn run_one_by_one(&self, indices: &[u32]) -> Vec<TaskOutcome> {
        let mut outcomes = Vec::with_capacity(indices.len());
        for &i in indices {
            let task = self.task(i);
            outcomes.push(match task.kind {
                TaskKind::Sleep { ms } => {
                    let start = now_ms();
                    let end = timer(ms).await;
                    TaskOutcome {
                        task: task.index,
                        worker: self.worker,
                        start,
                        end,
                        checksum: sleep_checksum(ms),
                        ..Default::default()
                    }
                }
                TaskKind::Fetch { .. } => self.download(&task).await,
                _ => self.cpu(&task),
            });
        }
        outcomes
    }

    /// The asyncio analogue: every task starts in order and runs until it would wait; then all
    /// waits are in flight together. CPU work has nothing to wait for, so it still runs task by
    /// task; a download's hashing runs when its response arrives.
    async fn run_concurrently(&self, indices: &[u32]) -> Vec<TaskOutcome> {
        let mut outcomes = Vec::with_capacity(indices.len());
        let mut sleeping = Vec::new();
        let mut downloads = Vec::new();
        for &i in indices {
            let task = self.task(i);
            match task.kind {
                TaskKind::Sleep { ms } => sleeping.push((task.index, now_ms(), sleep_checksum(ms), timer(ms))),
                TaskKind::Fetch { .. } => {
                    downloads.push(futures::FutureExt::boxed_local(async move { self.download(&task).await }))
                }
                _ => outcomes.push(self.cpu(&task)),
            }
        }
        // join_all polls every download once before waiting on any: all requests are in flight
        // together, and each is hashed as its response arrives.
        let downloads = futures::future::join_all(downloads);
        for (task, start, checksum, timer) in sleeping {
            // Each timer recorded the moment it fired, so awaiting them in order loses no precision.
            let end = timer.await;
            outcomes.push(TaskOutcome { task, worker: self.worker, start, end, checksum, ..Default::default() });
        }
        outcomes.extend(downloads.await);
        outcomes
    }
}

/// A timer started now that resolves, `ms` milliseconds later, to the clock reading when it
/// fired. The reading is taken in the timer's callback, so awaiting several in turn loses no
/// precision; a timer dropped before it fires is cleared (gloo-timers).
fn timer(ms: u32) -> impl std::future::Future<Output = f64> {
    let (fired, reading) = futures::channel::oneshot::channel();
    let timeout = gloo_timers::callback::Timeout::new(ms, move || {
        let _ = fired.send(now_ms());
    });
    async move {
        let end = reading.await.unwrap_or_else(|_| now_ms());
        drop(timeout);
        end
    }
}

/// Browser tests (wasm-bindgen-test, in a real dedicated worker of headless Chromium): the
/// process executor's timers, its two schedules and its replies.
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn span(outcomes: &[TaskOutcome]) -> f64 {
        let start = outcomes.iter().map(|o| o.start).fold(f64::INFINITY, f64::min);
        let end = outcomes.iter().map(|o| o.end).fold(0.0, f64::max);
        end - start
    }

    #[wasm_bindgen_test]
    async fn a_timer_fires_after_its_delay_on_the_shared_clock() {
        let start = now_ms();
        let fired = timer(50).await;
        assert!(fired - start >= 49.0, "fired after {} ms", fired - start);
        assert!(fired <= now_ms());
    }

    #[wasm_bindgen_test]
    async fn sleeps_overlap_when_concurrent_and_queue_when_one_by_one() {
        let sleep = Workload::Sleep { ms: 100 };
        let all = [0, 1, 2, 3];
        let batch = Batch { workload: &sleep, tasks: 4, worker: 7, endpoint: "" };
        let concurrent = batch.run_concurrently(&all).await;
        let queued = batch.run_one_by_one(&all).await;
        assert_eq!(concurrent.len(), 4);
        assert!(concurrent.iter().all(|o| o.worker == 7 && o.checksum == 100 && o.end - o.start >= 99.0));
        assert!(span(&concurrent) < 250.0, "async sleeps took {} ms", span(&concurrent));
        assert!(span(&queued) >= 399.0, "sequential sleeps took {} ms", span(&queued));
    }

    #[wasm_bindgen_test]
    async fn cpu_tasks_run_one_at_a_time_even_when_concurrent_and_verify() {
        let fib = Workload::Fib { n: 24 };
        let outcomes = Batch { workload: &fib, tasks: 3, worker: 1, endpoint: "" }.run_concurrently(&[0, 1, 2]).await;
        for pair in outcomes.windows(2) {
            assert!(pair[1].start >= pair[0].end, "CPU tasks overlapped on one thread");
        }
        let expected = match handle(WorkerRequest::Expected { workload: fib.clone(), tasks: 3 }).await {
            WorkerReply::Expected { checksums } => checksums,
            other => panic!("unexpected reply {other:?}"),
        };
        assert_eq!(expected, vec![Some(46_368); 3]);
        assert!(outcomes.iter().all(|o| Some(o.checksum) == expected[o.task as usize]));
    }

    /// Through sync access handles here (a dedicated worker of Chromium): the longer first version
    /// must not survive past the shorter second one.
    #[wasm_bindgen_test]
    async fn files_are_written_read_back_and_replaced() {
        threadlab_io::write_and_read_back("test.txt", b"first version, longer").await.unwrap();
        threadlab_io::write_and_read_back("test.txt", b"second").await.unwrap();
        assert_eq!(threadlab_io::read_file("test.txt").await.unwrap(), b"second");
        assert!(threadlab_io::read_file("missing.txt")
            .await
            .unwrap_err()
            .contains("cannot open threadlab/missing.txt"));
    }

    #[wasm_bindgen_test]
    async fn a_dedicated_worker_reports_its_file_system_and_sync_handles() {
        let checks = match handle(WorkerRequest::Check).await {
            WorkerReply::Checks { checks } => checks,
            other => panic!("unexpected reply {other:?}"),
        };
        assert!(checks.opfs && checks.opfs_error.is_none(), "{checks:?}");
        assert!(checks.sync_access_handle, "Chromium's dedicated workers have createSyncAccessHandle: {checks:?}");
        assert!(checks.ms >= 0.0 && checks.ms < 1000.0, "{checks:?}");
    }

    #[wasm_bindgen_test]
    async fn a_failed_download_ends_its_task_with_the_cause_and_the_wait() {
        use threadlab_workloads::download::Download;
        // Port 9 (discard) is closed on loopback: the connection is refused at once.
        let w = Workload::FetchWrite(Download {
            url: Some("http://127.0.0.1:9/{letter}".into()),
            timeout_ms: Some(3000),
            ..Default::default()
        });
        let outcomes = Batch { workload: &w, tasks: 2, worker: 3, endpoint: "" }.run_concurrently(&[0, 1]).await;
        assert_eq!(outcomes.len(), 2);
        for o in &outcomes {
            let error = o.error.as_deref().unwrap_or_default();
            assert!(error.contains("could not be reached"), "{error}");
            assert_eq!((o.worker, o.bytes, o.io_waits.len()), (3, 0, 1));
            assert!(o.end >= o.io_waits[0].1);
        }
    }

    #[wasm_bindgen_test]
    async fn warm_up_replies_with_no_outcomes() {
        match handle(WorkerRequest::WarmUp { workload: Workload::Sum { n: 1000 } }).await {
            WorkerReply::Done { outcomes } => assert!(outcomes.is_empty()),
            other => panic!("unexpected reply {other:?}"),
        }
    }
}
