//! The best efficiency a processes run can reach with equal tasks, from how it hands them out:
//! [`lab::plan::dispatch`] says the chunk size and how many chunks a worker has queued, and
//! `crates/app/src/runner/pool.rs` hands them out so: worker j starts with chunk j, fills its
//! queue with the next free chunks, and takes the next free one whenever it finishes one.

use serde::Serialize;
use threadlab_lab::plan::{dispatch, Dispatch};
use threadlab_lab::Spec;

/// The hand-out of `tasks` equal tasks to `k` workers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HandOut {
    /// Tasks a chunk.
    pub size: u32,
    pub chunks: u32,
    /// Tasks the busiest worker ran.
    pub busiest: u32,
    /// tasks / k over the busiest worker's tasks: efficiency cannot exceed it even on free cores.
    pub bound: f64,
}

/// The hand-out of `spec`'s processes run on `k` workers, as [`dispatch`] plans it.
pub fn processes_bound(spec: &Spec, k: u32) -> HandOut {
    simulate(spec.tasks, k, dispatch(spec, k))
}

/// Every task takes one unit of time; each worker's queue holds up to `queued` chunks.
pub fn simulate(tasks: u32, k: u32, Dispatch { size, queued }: Dispatch) -> HandOut {
    let size = size.max(1);
    let k = k.max(1);
    let chunks = tasks.div_ceil(size);
    let len = |c: u32| size.min(tasks - c * size);
    struct Worker {
        queue: std::collections::VecDeque<u32>,
        end: u32,
        done: u32,
    }
    let mut next = 0;
    let mut claim = || (next < chunks).then(|| (next, next += 1).0);
    // Worker j's first chunk is chunk j; then each fills its queue, in worker order.
    let mut workers: Vec<Worker> =
        (0..k).map(|_| Worker { queue: claim().into_iter().collect(), end: 0, done: 0 }).collect();
    for w in &mut workers {
        while w.queue.len() < queued.max(1) as usize {
            match claim() {
                Some(c) => w.queue.push_back(c),
                None => break,
            }
        }
        w.end = w.queue.front().map_or(0, |&c| len(c));
    }
    // The worker whose current chunk ends first (the lowest-numbered one on a tie) finishes it.
    while let Some(w) =
        workers.iter_mut().filter(|w| !w.queue.is_empty()).reduce(|a, b| if b.end < a.end { b } else { a })
    {
        let finished = w.queue.pop_front().expect("an active worker has a chunk");
        w.done += len(finished);
        if let Some(c) = claim() {
            w.queue.push_back(c);
        }
        if let Some(&c) = w.queue.front() {
            w.end += len(c);
        }
    }
    let busiest = workers.iter().map(|w| w.done).max().unwrap_or(0);
    HandOut { size, chunks, busiest, bound: f64::from(tasks) / f64::from(k) / f64::from(busiest) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(processes: &str) -> Spec {
        Spec::parse(&format!(r#"{{"workload": {{"kind": "fib", "n": 30}}, "tasks": 20{processes}}}"#)).unwrap()
    }

    #[test]
    fn pool_maps_default_chunks_cap_twenty_tasks_on_two_workers_at_ten_elevenths() {
        // ceil(20 / 8) = 3: chunks 3,3,3,3,3,3,2; worker 1 runs chunks 0, 2, 4, 6 (11 tasks).
        let b = processes_bound(&spec(""), 2);
        assert_eq!((b.size, b.chunks, b.busiest), (3, 7, 11));
        assert!((b.bound - 10.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn one_task_a_message_shares_equal_tasks_evenly() {
        let one = spec(r#", "processes": {"start": "warm", "chunksize": 1}"#);
        assert_eq!(processes_bound(&one, 2), HandOut { size: 1, chunks: 20, busiest: 10, bound: 1.0 });
        // 20 tasks on 3 workers: 7, 7, 6.
        assert_eq!(processes_bound(&one, 3).busiest, 7);
        // More workers than tasks: each runs at most one.
        assert_eq!(processes_bound(&one, 16).busiest, 2);
    }

    #[test]
    fn the_chunk_size_and_queue_are_lab_plans() {
        // The simulation takes its chunks from lab::plan::dispatch, not from a copy of its rule.
        for (processes, k) in [("", 2), ("", 4), (r#", "processes": {"chunksize": 4}"#, 2), ("", 1)] {
            let s = spec(processes);
            let d = dispatch(&s, k);
            let b = processes_bound(&s, k);
            assert_eq!(b.size, d.size);
            assert_eq!(b, simulate(s.tasks, k, d));
        }
        // Larger than the run: one chunk, one worker runs all.
        let whole = processes_bound(&spec(r#", "processes": {"chunksize": 50}"#), 2);
        assert_eq!((whole.chunks, whole.busiest, whole.bound), (1, 20, 0.5));
    }

    #[test]
    fn a_deeper_queue_can_leave_the_last_chunks_on_a_busy_worker() {
        // 6 tasks in chunks of 2 on 2 workers: with one chunk queued ahead each worker keeps
        // what it claimed; worker 1 holds chunks 0 and 2.
        assert_eq!(simulate(6, 2, Dispatch { size: 2, queued: 2 }).busiest, 4);
        // Taking a chunk only when free gives the same here (worker 1 is free first, on a tie).
        assert_eq!(simulate(6, 2, Dispatch { size: 2, queued: 1 }).busiest, 4);
        // Uneven last chunk: 5 tasks, size 2 → 2, 2, 1; worker 1 runs chunks 0 and 2.
        assert_eq!(simulate(5, 2, Dispatch { size: 2, queued: 2 }).busiest, 3);
    }
}
