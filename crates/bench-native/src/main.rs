//! The native reference of `make bench` (bench/lib/native.mjs): the kernels of
//! `threadlab-workloads`, compiled for this machine with the workspace's release profile, run
//! with the same `NoCheckpoint` as the Wasm free-threads, sequential and process modes.
//!
//! Reads a plan (JSON) on stdin and writes the measurements (JSON) on stdout:
//!
//! ```json
//! {"jobs": [{"id": "fib", "workload": {"kind": "fib", "n": 35}, "tasks": 4, "reps": 3, "threads": [2]}]}
//! ```
//!
//! For each job, every task runs once untimed (page faults, caches, CPU frequency), then `reps`
//! rounds time each task alone (`task_ms[rep][task]`, what the Wasm traces' task durations are
//! compared with), then for each k in `threads`, `reps` rounds time all tasks on k std threads
//! scheduled as the Wasm threads engine does (crates/threads/src/run.rs: k threads meet at a
//! start line, `threadlab_gil::StartLine`, the same code; thread j starts with task j, then each
//! takes the next free task): `threads_ms[k]`.
//! Every checksum is compared with `expected_checksum`, so the work cannot be optimised away
//! unnoticed and a wrong kernel fails the job.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;
use threadlab_gil::StartLine;
use threadlab_workloads::{expected_checksum, run_cpu_task, NoCheckpoint, Task, Workload};

#[derive(Deserialize)]
struct Plan {
    jobs: Vec<Job>,
}

#[derive(Deserialize)]
struct Job {
    id: String,
    workload: Workload,
    tasks: u32,
    reps: u32,
    #[serde(default)]
    threads: Vec<u32>,
}

#[derive(Serialize)]
struct Measured {
    id: String,
    /// task_ms[rep][task]: each task timed alone.
    task_ms: Vec<Vec<f64>>,
    /// threads_ms["k"][rep]: wall time of all tasks on k threads.
    threads_ms: BTreeMap<String, Vec<f64>>,
    verified: bool,
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Runs one task, checks its checksum.
fn run(task: &Task, expected: &[Option<u64>]) -> bool {
    let checksum = run_cpu_task(task, &mut NoCheckpoint).expect("the bench plans CPU work only");
    expected[task.index as usize].is_none_or(|want| want == checksum)
}

/// All tasks on exactly k threads, as the Wasm threads engine schedules them, at the engine's
/// own start line. Returns wall ms (from the first thread's passing the line, as a Wasm run
/// starts with its pool already up, to the last thread's end) and whether every checksum was
/// right.
fn on_threads(tasks: &[Task], expected: &[Option<u64>], k: usize) -> (f64, bool) {
    let next = AtomicUsize::new(k);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let start_line = StartLine::new(k, cores);
    let ok = AtomicUsize::new(0);
    let spans: Vec<(f64, f64)> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..k)
            .map(|_| {
                s.spawn(|| {
                    let mut i = start_line.wait(now_ms);
                    let passed = now_ms();
                    while let Some(task) = tasks.get(i) {
                        if run(task, expected) {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        i = next.fetch_add(1, Ordering::Relaxed);
                    }
                    (passed, now_ms())
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("a bench thread panicked")).collect()
    });
    let first = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
    let last = spans.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
    (last - first, ok.load(Ordering::Relaxed) == tasks.len())
}

/// Milliseconds since the first call: the start line's clock.
fn now_ms() -> f64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn measure(job: &Job) -> Measured {
    let tasks = job.workload.tasks(job.tasks);
    let expected: Vec<Option<u64>> = tasks.iter().map(|t| expected_checksum(&job.workload, t)).collect();
    let mut verified = tasks.iter().all(|t| run(t, &expected));
    let mut task_ms = Vec::new();
    for _ in 0..job.reps {
        let mut round = Vec::new();
        for task in &tasks {
            let t = Instant::now();
            verified &= run(task, &expected);
            round.push(ms_since(t));
        }
        task_ms.push(round);
    }
    let mut threads_ms = BTreeMap::new();
    for &k in &job.threads {
        let mut walls = Vec::new();
        for _ in 0..job.reps {
            let (wall, ok) = on_threads(&tasks, &expected, k as usize);
            verified &= ok;
            walls.push(wall);
        }
        threads_ms.insert(k.to_string(), walls);
    }
    Measured { id: job.id.clone(), task_ms, threads_ms, verified }
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("a plan on stdin");
    let plan: Plan = serde_json::from_str(&input).unwrap_or_else(|e| {
        eprintln!("bad plan: {e}");
        std::process::exit(2);
    });
    let measured: Vec<Measured> = plan.jobs.iter().map(measure).collect();
    println!("{}", serde_json::json!({ "jobs": measured }));
}
