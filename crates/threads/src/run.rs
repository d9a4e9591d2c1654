//! Exactly k threads pull tasks from one shared queue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::Duration;
use threadlab_gil::{Clock, Gil, GilThread};
use threadlab_lab::protocol::{TaskOutcome, ThreadsRequest};
use threadlab_workloads::{run_cpu_task, sleep_checksum, Checkpoint, NoCheckpoint, Task, TaskKind};

/// Runs every task of the request on `req.workers` pool threads and returns one outcome per task.
///
/// The k jobs meet at a barrier before taking tasks: a job blocked there holds its thread, so the
/// k jobs necessarily run on k distinct threads, all at once, even when k exceeds the cores.
/// Job j starts with task j; after that every thread takes the next free task. (With a purely
/// shared queue, the first thread past the barrier could drain short tasks before the others
/// woke up, and a "k threads" run would show fewer.) The pool must have at least k threads.
pub fn run(req: &ThreadsRequest, now: Clock) -> Vec<TaskOutcome> {
    let tasks = req.workload.tasks(req.tasks);
    let k = req.workers as usize;
    let next = AtomicUsize::new(k);
    let arrivals = AtomicUsize::new(0);
    let start_line = Barrier::new(k);
    let outcomes = Mutex::new(Vec::with_capacity(tasks.len()));
    let gil = req.gil_switch_interval_ms.map(|ms| Gil::new(Duration::from_secs_f64(ms / 1000.0)));

    rayon::scope(|s| {
        for _ in 0..k {
            s.spawn(|_| {
                let slot = arrivals.fetch_add(1, Ordering::Relaxed);
                start_line.wait();
                let worker = rayon::current_thread_index().map_or(0, |i| i as u32 + 1);
                // Like a CPython thread, hold the GIL from the first task until the thread ends.
                let mut holder: Option<GilThread> = None;
                let mut i = slot;
                while let Some(task) = tasks.get(i) {
                    let start = now();
                    let (checksum, gil_waits) = match &gil {
                        None => (run_task(task, &mut NoCheckpoint), vec![]),
                        Some(gil) => {
                            let h = holder.get_or_insert_with(|| gil.enter(now));
                            let checksum = run_task(task, &mut FreeDuringSleep(h));
                            (checksum, h.take_waits())
                        }
                    };
                    let outcome = TaskOutcome { task: task.index, worker, start, end: now(), checksum, gil_waits, ..Default::default() };
                    outcomes.lock().unwrap().push(outcome);
                    i = next.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    outcomes.into_inner().unwrap()
}

/// Kernel warm-up per workload kind, in ms, for each checkpoint flavour.
const WARM_UP_MS: f64 = 100.0;

thread_local! {
    static WARMED: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Gets a workload's kernels optimised before their first timed run (see
/// `threadlab_workloads::warm_up`), both the free and the GIL flavour, which are separate
/// functions. The compiled code is shared by every thread of the module.
pub fn warm_up_once(workload: &threadlab_workloads::Workload) {
    let kind = workload.kind_name();
    if WARMED.with(|w| w.borrow().contains(&kind)) {
        return;
    }
    let now = threadlab_clock::now_ms;
    threadlab_workloads::warm_up(workload, &mut NoCheckpoint, now, WARM_UP_MS);
    let gil = Gil::new(Duration::from_millis(5));
    let mut holder = gil.enter(now);
    threadlab_workloads::warm_up(workload, &mut FreeDuringSleep(&mut holder), now, WARM_UP_MS);
    WARMED.with(|w| w.borrow_mut().push(kind));
}

/// A checkpoint that can also release the lock around a blocking wait.
trait Waiter: Checkpoint {
    fn wait(&mut self, blocking: &mut dyn FnMut());
}

impl Waiter for NoCheckpoint {
    fn wait(&mut self, blocking: &mut dyn FnMut()) {
        blocking()
    }
}

struct FreeDuringSleep<'a, 'g>(&'a mut GilThread<'g>);

impl Checkpoint for FreeDuringSleep<'_, '_> {
    #[inline]
    fn tick(&mut self) {
        self.0.tick()
    }
}

impl Waiter for FreeDuringSleep<'_, '_> {
    fn wait(&mut self, blocking: &mut dyn FnMut()) {
        self.0.release_while(blocking)
    }
}

fn run_task(task: &Task, cp: &mut impl Waiter) -> u64 {
    if let TaskKind::Sleep { ms } = task.kind {
        // std's sleep on wasm threads is `memory.atomic.wait32` with a timeout: the thread blocks.
        cp.wait(&mut || std::thread::sleep(Duration::from_millis(u64::from(ms))));
        return sleep_checksum(ms);
    }
    run_cpu_task(task, cp).expect("every non-sleep task is CPU work")
}
