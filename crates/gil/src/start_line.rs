//! Where the k jobs of a threads run meet before they take tasks, so that k threads start
//! together (crates/threads/src/run.rs).
//!
//! Why not `std::sync::Barrier`: in Chromium a thread woken from a blocking wait often ran again
//! milliseconds late (2 to 4.5 ms seen, on 2-thread runs of 30 ms), so the job that arrived
//! first started that much after the last. A job that spins while it waits keeps its core.
//!
//! Spinning is bounded. Jobs spin only when the run has no more jobs than cores (a spinner must
//! not take a core from a job still to arrive), and for at most [`SPIN_MS`] of waiting for the
//! last arrival; then they block as at a barrier.

use crate::Clock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// How long an early arrival spins before it blocks: twice the slowest wake-up seen.
pub const SPIN_MS: f64 = 10.0;

pub struct StartLine {
    jobs: usize,
    /// How many of the first arrivals may spin: jobs - 1 when jobs <= cores, else 0.
    spinners: usize,
    spin_ms: f64,
    arrived: AtomicUsize,
    open: Mutex<bool>,
    opened: Condvar,
}

impl StartLine {
    /// A line for `jobs` jobs running on a machine of `cores` cores.
    pub fn new(jobs: usize, cores: usize) -> StartLine {
        let spinners = if jobs <= cores { jobs.saturating_sub(1) } else { 0 };
        StartLine {
            jobs,
            spinners,
            spin_ms: SPIN_MS,
            arrived: AtomicUsize::new(0),
            open: Mutex::new(false),
            opened: Condvar::new(),
        }
    }

    /// Returns once every job has arrived, with this job's place in the order of arrival
    /// (0 for the first).
    pub fn wait(&self, now: Clock) -> usize {
        self.arrive(now).0
    }

    /// [`wait`](Self::wait), also telling whether this job blocked.
    fn arrive(&self, now: Clock) -> (usize, bool) {
        let place = self.arrived.fetch_add(1, Ordering::AcqRel);
        if place + 1 >= self.jobs {
            *self.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
            self.opened.notify_all();
            return (place, false);
        }
        if place < self.spinners {
            let until = now() + self.spin_ms;
            loop {
                if self.arrived.load(Ordering::Acquire) >= self.jobs {
                    return (place, false);
                }
                if now() > until {
                    break;
                }
                std::hint::spin_loop();
            }
        }
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        while !*open {
            open = self.opened.wait(open).unwrap_or_else(|e| e.into_inner());
        }
        (place, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{mpsc, Arc, OnceLock};
    use std::time::{Duration, Instant};

    fn now() -> f64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }

    struct Passed {
        place: usize,
        blocked: bool,
        at_ms: f64,
    }

    /// Starts `line`'s jobs on std threads (job i after `delay(i)`) and reports how each
    /// passed. Fails instead of hanging if the line never opens.
    fn meet(line: StartLine, delay: fn(usize) -> Duration) -> Vec<Passed> {
        let (jobs, line) = (line.jobs, Arc::new(line));
        let (tx, rx) = mpsc::channel();
        for i in 0..jobs {
            let (line, tx) = (line.clone(), tx.clone());
            std::thread::spawn(move || {
                std::thread::sleep(delay(i));
                let (place, blocked) = line.arrive(now);
                tx.send(Passed { place, blocked, at_ms: now() }).unwrap();
            });
        }
        (0..jobs).map(|_| rx.recv_timeout(Duration::from_secs(10)).expect("the line opened for every job")).collect()
    }

    fn places(passed: &[Passed]) -> Vec<usize> {
        let mut p: Vec<usize> = passed.iter().map(|p| p.place).collect();
        p.sort_unstable();
        p
    }

    #[test]
    fn nobody_passes_before_the_last_arrives_and_places_are_the_arrival_order() {
        // Job 2 arrives 50 ms late. With 3 cores the first two spin, run out of time (10 ms)
        // and block; with 2 cores, or 0 spinners, they block at once. Both must be woken.
        for cores in [1, 2, 3] {
            let start = now();
            let passed = meet(StartLine::new(3, cores), |i| Duration::from_millis(if i == 2 { 50 } else { 0 }));
            for p in &passed {
                assert!(p.at_ms - start >= 50.0, "passed after {} ms with {cores} cores", p.at_ms - start);
            }
            assert_eq!(places(&passed), vec![0, 1, 2]);
            assert!(
                passed.iter().all(|p| p.blocked == (p.place < 2)),
                "with {cores} cores the first two blocked, the last did not"
            );
        }
    }

    #[test]
    fn early_arrivals_spin_when_there_are_cores_for_every_job() {
        // A generous budget, so a slow test machine cannot make a spinner block.
        let line = StartLine { spin_ms: 5_000.0, ..StartLine::new(3, 3) };
        let passed = meet(line, |i| Duration::from_millis(20 * i as u64));
        assert!(passed.iter().all(|p| !p.blocked), "nobody blocked");
        assert_eq!(places(&passed), vec![0, 1, 2]);
    }

    #[test]
    fn more_jobs_than_cores_block_without_spinning() {
        let line = StartLine { spin_ms: 5_000.0, ..StartLine::new(3, 2) };
        let passed = meet(line, |i| Duration::from_millis(20 * i as u64));
        assert!(passed.iter().all(|p| p.blocked == (p.place < 2)), "the first two blocked");
    }

    #[test]
    fn a_single_job_passes_at_once() {
        let passed = meet(StartLine::new(1, 1), |_| Duration::ZERO);
        assert_eq!((passed[0].place, passed[0].blocked), (0, false));
    }
}
