//! Exactly k threads pull tasks from one shared queue.

use crate::io_service::{call, IoJob};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use threadlab_gil::{Clock, Gil, GilThread, StartLine, MAX_LISTED_WAITS};
use threadlab_lab::protocol::{TaskOutcome, ThreadsRequest};
use threadlab_workloads::counter::{Blocking, SharedCounter};
use threadlab_workloads::download::{body_checksum, DownloadTask};
use threadlab_workloads::{run_cpu_task, sleep_checksum, Checkpoint, NoCheckpoint, Task, TaskKind, Workload};

/// Runs every task of the request on `req.workers` pool threads and returns one outcome per task.
///
/// The k jobs meet at a start line before taking tasks ([`StartLine`], threadlab-gil): a job waiting there
/// holds its thread, so the k jobs necessarily run on k distinct threads, all at once, even
/// when k exceeds the cores. The j-th job to arrive starts with task j; after that every thread
/// takes the next free task. (With a purely shared queue, the first thread past the line could
/// drain short tasks before the others woke up, and a "k threads" run would show fewer.) The
/// pool must have at least k threads. With no more jobs than `cores`, the early arrivals spin at
/// the line rather than block.
///
/// Returns the outcomes and, for a `counter` workload, the shared counter's final value.
pub fn run(req: &ThreadsRequest, cores: usize, now: Clock) -> (Vec<TaskOutcome>, Option<u64>) {
    let tasks = req.workload.tasks(req.tasks);
    // One counter in the memory every thread shares, for this run only.
    let counter = SharedCounter::default();
    let shared = Shared { req, counter: &counter, now };
    let k = req.workers as usize;
    let next = AtomicUsize::new(k);
    let start_line = StartLine::new(k, cores);
    let outcomes = Mutex::new(Vec::with_capacity(tasks.len()));
    let gil = req.gil_switch_interval_ms.map(|ms| Gil::new(Duration::from_secs_f64(ms / 1000.0)));

    rayon::scope(|s| {
        for _ in 0..k {
            s.spawn(|_| {
                crate::crash::listen_on_this_thread();
                let slot = start_line.wait(now);
                let worker = rayon::current_thread_index().map_or(0, |i| i as u32 + 1);
                // Like a CPython thread, hold the GIL from the first task until the thread ends.
                let mut holder: Option<GilThread> = None;
                let mut i = slot;
                while let Some(task) = tasks.get(i) {
                    crate::crash::set_current_task(Some(task.index));
                    let start = now();
                    let mut outcome = match &gil {
                        None => run_task(task, &shared, &mut NoCheckpoint),
                        Some(gil) => {
                            let h = holder.get_or_insert_with(|| gil.enter(now));
                            let mut outcome = run_task(task, &shared, &mut FreeDuringSleep(h));
                            (outcome.gil_waits, outcome.gil_wait_unlisted_ms) = h.take_waits();
                            outcome
                        }
                    };
                    (outcome.task, outcome.worker, outcome.start, outcome.end) = (task.index, worker, start, now());
                    outcomes.lock().unwrap().push(outcome);
                    i = next.fetch_add(1, Ordering::Relaxed);
                }
                crate::crash::set_current_task(None);
            });
        }
    });
    let counted = matches!(req.workload, Workload::Counter { .. }).then(|| counter.value());
    (outcomes.into_inner().unwrap(), counted)
}

/// What every task of one run shares.
struct Shared<'a> {
    req: &'a ThreadsRequest,
    counter: &'a SharedCounter,
    now: Clock,
}

/// Kernel warm-up per workload kind, in ms, for each checkpoint flavour.
const WARM_UP_MS: f64 = 100.0;
/// Updates of the shared counter per synchronisation and flavour at warm-up (a few ms).
const COUNTER_WARM_UP: u64 = 300_000;

/// Gets a workload's kernels optimised before their first timed run (see
/// `threadlab_workloads::warm_up`), both the free and the GIL flavour, which are separate
/// functions. The compiled code is shared by every thread of the module.
pub fn warm_up_once(workload: &threadlab_workloads::Workload) {
    threadlab_workloads::once_per_kernel(workload, || {
        let now = threadlab_clock::now_ms;
        threadlab_workloads::warm_up(workload, &mut NoCheckpoint, now, WARM_UP_MS);
        let gil = Gil::new(Duration::from_millis(5));
        let mut holder = gil.enter(now);
        threadlab_workloads::warm_up(workload, &mut FreeDuringSleep(&mut holder), now, WARM_UP_MS);
        drop(holder);
        // A counter's threads update the shared one, a function of its own per flavour.
        if let Workload::Counter { .. } = workload {
            let counter = SharedCounter::default();
            for sync in threadlab_workloads::counter::Sync::ALL {
                counter.add(COUNTER_WARM_UP, sync, &mut TimedLock::new(&mut NoCheckpoint, now));
                let mut holder = gil.enter(now);
                counter.add(COUNTER_WARM_UP, sync, &mut TimedLock::new(&mut FreeDuringSleep(&mut holder), now));
            }
        }
    });
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

/// Runs one task on this thread; the caller fills in its identity and times.
fn run_task(task: &Task, shared: &Shared, cp: &mut impl Waiter) -> TaskOutcome {
    let (req, now) = (shared.req, shared.now);
    match task.kind {
        TaskKind::Count { n } => {
            let mut timed = TimedLock::new(cp, now);
            let checksum = shared.counter.add(n, req.workload.sync(), &mut timed);
            let (lock_waits, lock_wait_unlisted_ms) = (timed.waits, timed.unlisted_ms);
            TaskOutcome { checksum, lock_waits, lock_wait_unlisted_ms, ..Default::default() }
        }
        TaskKind::Sleep { ms } => {
            // std's sleep on wasm threads is `memory.atomic.wait32` with a timeout: the thread blocks.
            cp.wait(&mut || std::thread::sleep(Duration::from_millis(u64::from(ms))));
            TaskOutcome { checksum: sleep_checksum(ms), ..Default::default() }
        }
        TaskKind::Fetch { .. } => {
            let request = req.workload.download_task(task.index, &req.endpoint).expect("a fetch task has a download");
            download(request, cp, now)
        }
        _ => TaskOutcome {
            checksum: run_cpu_task(task, cp).expect("every other task is CPU work"),
            ..Default::default()
        },
    }
}

/// A counter's checkpoint: the run's own (free or GIL), and a lock's waits timed. Only the
/// blocking itself is timed: under the GIL, taking the GIL back afterwards is GIL wait.
struct TimedLock<'a, W> {
    cp: &'a mut W,
    now: Clock,
    waits: Vec<(f64, f64)>,
    unlisted_ms: f64,
}

impl<'a, W> TimedLock<'a, W> {
    fn new(cp: &'a mut W, now: Clock) -> Self {
        TimedLock { cp, now, waits: Vec::new(), unlisted_ms: 0.0 }
    }
}

impl<W: Waiter> Checkpoint for TimedLock<'_, W> {
    #[inline(always)]
    fn tick(&mut self) {
        self.cp.tick()
    }
}

impl<W: Waiter> Blocking for TimedLock<'_, W> {
    fn block(&mut self, wait: &mut dyn FnMut()) {
        let (now, waits, unlisted_ms) = (self.now, &mut self.waits, &mut self.unlisted_ms);
        self.cp.wait(&mut || {
            let start = now();
            wait();
            let end = now();
            if waits.len() < MAX_LISTED_WAITS {
                waits.push((start, end));
            } else {
                *unlisted_ms += end - start;
            }
        });
    }
}

/// A download as a Python thread does one: block while the coordinator fetches (GIL released),
/// hash the body (GIL held), block again to write the file. Each wait is traced.
fn download(request: DownloadTask, cp: &mut impl Waiter, now: Clock) -> TaskOutcome {
    let mut outcome = TaskOutcome::default();
    let wait = |cp: &mut dyn Waiter, job: IoJob, waits: &mut Vec<(f64, f64)>| {
        let (mut job, mut result) = (Some(job), Err(String::new()));
        cp.wait(&mut || {
            let started = now();
            result = call(job.take().expect("called once"));
            waits.push((started, now()));
        });
        result
    };
    let file = request.file.clone();
    match wait(cp, IoJob::Download(request), &mut outcome.io_waits) {
        Ok(body) => {
            outcome.bytes = body.len() as u64;
            outcome.checksum = body_checksum(&body, &mut *cp);
            if let Some(file) = file {
                outcome.error = wait(cp, IoJob::Write { file, body }, &mut outcome.io_waits).err();
            }
        }
        Err(e) => outcome.error = Some(e),
    }
    outcome
}
