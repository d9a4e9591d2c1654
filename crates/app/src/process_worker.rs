//! Inside an isolated worker ("process"): its own instance of this module, its own memory.
//! Receives `WorkerRequest` JSON, replies `WorkerReply` JSON. Waiting (sleep) is a timer the
//! worker awaits: one task at a time, or all in flight at once for the async mode.

use js_sys::Promise;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use threadlab_clock::now_ms;
use threadlab_lab::protocol::{TaskOutcome, WorkerReply, WorkerRequest};
use threadlab_workloads::{expected_checksum, warm_up, run_cpu_task, sleep_checksum, NoCheckpoint, Task, TaskKind, Workload};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Kernel warm-up before a spec's first timed run, in ms.
const WARM_UP_MS: f64 = 150.0;

/// Called by www/process-worker.js once the module is instantiated.
///
/// Requests are handled strictly one at a time, in arrival order: the page keeps the next chunk
/// queued here, and a process that waits (sleep) must not start that chunk meanwhile.
#[wasm_bindgen]
pub fn process_worker_main() {
    let scope: Rc<DedicatedWorkerGlobalScope> = Rc::new(js_sys::global().unchecked_into());
    let queue: Rc<RefCell<VecDeque<JsValue>>> = Rc::default();
    let busy = Rc::new(Cell::new(false));
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        queue.borrow_mut().push_back(event.data());
        if busy.replace(true) {
            return; // the running loop below will get to it
        }
        let (scope, queue, busy) = (reply_to.clone(), queue.clone(), busy.clone());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let Some(data) = queue.borrow_mut().pop_front() else { break };
                let reply = match data.as_string().map(|s| serde_json::from_str::<WorkerRequest>(&s)) {
                    Some(Ok(request)) => handle(request).await,
                    Some(Err(e)) => WorkerReply::Failed { error: format!("bad request: {e}") },
                    None => WorkerReply::Failed { error: "bad request: not a string".into() },
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
        WorkerRequest::Expected { workload, tasks } => {
            WorkerReply::Expected { checksums: workload.tasks(tasks).iter().map(expected_checksum).collect() }
        }
        WorkerRequest::WarmUp { workload } => {
            warm_up(&workload, &mut NoCheckpoint, now_ms, WARM_UP_MS);
            WorkerReply::Done { outcomes: vec![] }
        }
        WorkerRequest::Run { workload, tasks, indices, concurrent, worker } => {
            let outcomes = if concurrent {
                run_concurrently(&workload, tasks, &indices, worker).await
            } else {
                run_one_by_one(&workload, tasks, &indices, worker).await
            };
            WorkerReply::Done { outcomes }
        }
    }
}

fn task_of(workload: &Workload, tasks: u32, index: u32) -> Task {
    workload.task(index.min(tasks.saturating_sub(1)), tasks)
}

async fn run_one_by_one(workload: &Workload, tasks: u32, indices: &[u32], worker: u32) -> Vec<TaskOutcome> {
    let mut outcomes = Vec::with_capacity(indices.len());
    for &i in indices {
        let task = task_of(workload, tasks, i);
        let start = now_ms();
        let (checksum, end) = match task.kind {
            TaskKind::Sleep { ms } => (sleep_checksum(ms), timer(ms).await),
            _ => (run_cpu_task(&task, &mut NoCheckpoint).expect("CPU task"), now_ms()),
        };
        outcomes.push(TaskOutcome { task: task.index, worker, start, end, checksum, gil_waits: vec![], ..Default::default() });
    }
    outcomes
}

/// The asyncio analogue: every task starts in order and runs until it would wait; then all waits
/// are in flight together. CPU work has nothing to wait for, so it still runs task by task.
async fn run_concurrently(workload: &Workload, tasks: u32, indices: &[u32], worker: u32) -> Vec<TaskOutcome> {
    let mut outcomes = Vec::with_capacity(indices.len());
    let mut waiting = Vec::new();
    for &i in indices {
        let task = task_of(workload, tasks, i);
        let start = now_ms();
        match task.kind {
            TaskKind::Sleep { ms } => waiting.push((task.index, start, sleep_checksum(ms), timer_promise(ms))),
            _ => {
                let checksum = run_cpu_task(&task, &mut NoCheckpoint).expect("CPU task");
                outcomes.push(TaskOutcome { task: task.index, worker, start, end: now_ms(), checksum, gil_waits: vec![], ..Default::default() });
            }
        }
    }
    for (task, start, checksum, promise) in waiting {
        // Each timer recorded the moment it fired, so awaiting them in order loses no precision.
        let end = JsFuture::from(promise).await.ok().and_then(|v| v.as_f64()).unwrap_or_else(now_ms);
        outcomes.push(TaskOutcome { task, worker, start, end, checksum, gil_waits: vec![], ..Default::default() });
    }
    outcomes
}

/// A promise that resolves, `ms` milliseconds from now, to the clock reading when it fired.
fn timer_promise(ms: u32) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        let fire = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_f64(now_ms()));
        });
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(fire.unchecked_ref(), ms as i32);
    })
}

async fn timer(ms: u32) -> f64 {
    JsFuture::from(timer_promise(ms)).await.ok().and_then(|v| v.as_f64()).unwrap_or_else(now_ms)
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
        let concurrent = run_concurrently(&sleep, 4, &all, 7).await;
        let queued = run_one_by_one(&sleep, 4, &all, 7).await;
        assert_eq!(concurrent.len(), 4);
        assert!(concurrent.iter().all(|o| o.worker == 7 && o.checksum == 100 && o.end - o.start >= 99.0));
        assert!(span(&concurrent) < 250.0, "async sleeps took {} ms", span(&concurrent));
        assert!(span(&queued) >= 399.0, "sequential sleeps took {} ms", span(&queued));
    }

    #[wasm_bindgen_test]
    async fn cpu_tasks_run_one_at_a_time_even_when_concurrent_and_verify() {
        let fib = Workload::Fib { n: 24 };
        let outcomes = run_concurrently(&fib, 3, &[0, 1, 2], 1).await;
        for pair in outcomes.windows(2) {
            assert!(pair[1].start >= pair[0].end, "CPU tasks overlapped on one thread");
        }
        let expected = match handle(WorkerRequest::Expected { workload: fib.clone(), tasks: 3 }).await {
            WorkerReply::Expected { checksums } => checksums,
            other => panic!("unexpected reply {other:?}"),
        };
        assert_eq!(expected, vec![46_368; 3]);
        assert!(outcomes.iter().all(|o| o.checksum == expected[o.task as usize]));
    }

    #[wasm_bindgen_test]
    async fn warm_up_replies_with_no_outcomes() {
        match handle(WorkerRequest::WarmUp { workload: Workload::Sum { n: 1000 } }).await {
            WorkerReply::Done { outcomes } => assert!(outcomes.is_empty()),
            other => panic!("unexpected reply {other:?}"),
        }
    }
}
