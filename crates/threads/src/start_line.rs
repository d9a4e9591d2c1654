//! Where the k jobs of a threads run meet before they take tasks, so that k threads start
//! together (see `run`).
//!
//! `std::sync::Barrier` did this at first, and cost runs their start. In Chromium on a 2-core
//! machine a thread blocked in a wait often ran again milliseconds after it was woken: in about
//! one run in three, the job that arrived first and blocked at the barrier started its tasks 2
//! to 4.5 ms after the last one, which started at once. In a run of 20 x fib(30), 30 ms on 2
//! threads, one of the two threads lost a tenth of it. A job that spins while it waits keeps its
//! core and starts within microseconds of the last. Measured in runs alternating with the
//! barrier build (20 tasks, 2 threads): the threads' first tasks started more than 1 ms apart in
//! 1 run of 18 against 8 of 18; efficiency medians 0.87 -> 0.93 (fib(30)), 0.91 -> 0.99 (sum).
//!
//! Spinning is bounded. Only when the run has no more jobs than cores (`spinners` = k − 1, else
//! 0): a spinning job must not take a core from the jobs still to arrive. And for at most
//! [`SPIN_MS`], which covers the slow wake-ups seen (the other jobs are themselves woken from
//! the pool's sleep, usually within 0.1 ms); after that a job blocks as at a barrier.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use threadlab_gil::Clock;

/// How long an early arrival spins before it blocks.
pub const SPIN_MS: f64 = 10.0;

pub struct StartLine {
    jobs: usize,
    spinners: usize,
    arrived: AtomicUsize,
    open: Mutex<bool>,
    opened: Condvar,
}

impl StartLine {
    /// A line for `jobs` jobs, of which the first `spinners` to arrive may spin.
    pub fn new(jobs: usize, spinners: usize) -> StartLine {
        StartLine { jobs, spinners, arrived: AtomicUsize::new(0), open: Mutex::new(false), opened: Condvar::new() }
    }

    /// Returns once every job has arrived, with this job's place in the order of arrival
    /// (0 for the first).
    pub fn wait(&self, now: Clock) -> usize {
        let place = self.arrived.fetch_add(1, Ordering::AcqRel);
        if place + 1 >= self.jobs {
            *self.open.lock().unwrap() = true;
            self.opened.notify_all();
            return place;
        }
        if place < self.spinners {
            let until = now() + SPIN_MS;
            loop {
                if self.arrived.load(Ordering::Acquire) >= self.jobs {
                    return place;
                }
                if now() > until {
                    break;
                }
                std::hint::spin_loop();
            }
        }
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
        place
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    fn now() -> f64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }

    /// Starts `jobs` threads at the line (thread i after `delay(i)`); each reports its place and
    /// when it passed. Fails instead of hanging if the line never opens.
    fn meet(jobs: usize, spinners: usize, delay: fn(usize) -> Duration) -> Vec<(usize, f64)> {
        let line = std::sync::Arc::new(StartLine::new(jobs, spinners));
        let (tx, rx) = mpsc::channel();
        for i in 0..jobs {
            let (line, tx) = (line.clone(), tx.clone());
            std::thread::spawn(move || {
                std::thread::sleep(delay(i));
                let place = line.wait(now);
                tx.send((place, now())).unwrap();
            });
        }
        (0..jobs).map(|_| rx.recv_timeout(Duration::from_secs(10)).expect("the line opened for every job")).collect()
    }

    fn places(passed: &[(usize, f64)]) -> Vec<usize> {
        let mut p: Vec<usize> = passed.iter().map(|&(place, _)| place).collect();
        p.sort_unstable();
        p
    }

    #[test]
    fn every_job_passes_once_all_arrived_with_distinct_places() {
        for spinners in [0, 1, 3] {
            let passed = meet(4, spinners, |_| Duration::ZERO);
            assert_eq!(places(&passed), vec![0, 1, 2, 3], "spinners {spinners}");
        }
    }

    #[test]
    fn nobody_passes_before_the_last_arrives() {
        // The last job arrives 50 ms late, after the spinner's budget: the spinner has blocked
        // by then and must be woken; the blocked one too.
        for spinners in [0, 1, 2] {
            let start = now();
            let passed = meet(3, spinners, |i| Duration::from_millis(if i == 2 { 50 } else { 0 }));
            for &(_, at) in &passed {
                assert!(at - start >= 50.0, "passed after {} ms with spinners {spinners}", at - start);
            }
            assert_eq!(places(&passed), vec![0, 1, 2]);
        }
    }

    #[test]
    fn a_single_job_passes_at_once() {
        assert_eq!(places(&meet(1, 0, |_| Duration::ZERO)), vec![0]);
    }
}
