//! An emulated Global Interpreter Lock with CPython's (>= 3.2) switching rules, built on std
//! `Mutex`/`Condvar` so it runs the same on native threads (tests) and on Wasm threads, where std
//! blocks with `memory.atomic.wait32`.
//!
//! The rules, as in CPython's `ceval_gil.c`:
//! - a thread must hold the lock to compute; kernels call [`GilThread::tick`] every few
//!   thousand operations, which costs one relaxed atomic load unless a drop was requested;
//! - a thread that has waited a whole switch interval without any hand-over meanwhile sets the
//!   drop request; the holder drops the lock at its next tick;
//! - a holder that drops on request waits until another thread has taken the lock before it
//!   competes again (FORCE_SWITCHING), so the waiter really gets its turn;
//! - sleeping and waiting for I/O release the lock ([`GilThread::release_while`]).
//!
//! The clock is injected because `std::time::Instant` does not exist on wasm32-unknown-unknown.
//!
//! The threads engine's other meeting point lives here too, for the same reason (it runs and is
//! tested the same on both): the start line of a run's k jobs ([`start_line`]).

pub mod start_line;
pub use start_line::StartLine;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;
use threadlab_workloads::Checkpoint;

/// Milliseconds on the caller's clock.
pub type Clock = fn() -> f64;

pub struct Gil {
    state: Mutex<State>,
    /// Signalled when the lock is released.
    released: Condvar,
    /// Signalled when the lock changes hands (for FORCE_SWITCHING).
    switched: Condvar,
    drop_request: AtomicBool,
    interval: Duration,
    listed_waits: usize,
}

#[derive(Default)]
struct State {
    locked: bool,
    /// Counts acquisitions, so a waiter can tell whether a hand-over happened while it slept.
    switches: u64,
}

impl Gil {
    pub fn new(switch_interval: Duration) -> Self {
        Gil {
            state: Mutex::new(State::default()),
            released: Condvar::new(),
            switched: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval: switch_interval,
            listed_waits: MAX_LISTED_WAITS,
        }
    }

    /// Lists at most `n` waits per thread between two `take_waits` (default
    /// [`MAX_LISTED_WAITS`]).
    pub fn listing_at_most(mut self, n: usize) -> Self {
        self.listed_waits = n;
        self
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        // A panic while holding `state` cannot leave it inconsistent (plain fields), so poison
        // is ignored.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock; returns whether it had to wait for it.
    fn acquire(&self) -> bool {
        let mut state = self.lock_state();
        let contended = state.locked;
        while state.locked {
            let seen = state.switches;
            let (guard, wait) = self.released.wait_timeout(state, self.interval).unwrap_or_else(|e| e.into_inner());
            state = guard;
            if wait.timed_out() && state.locked && state.switches == seen {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        state.locked = true;
        state.switches += 1;
        self.drop_request.store(false, Ordering::Relaxed);
        self.switched.notify_all();
        contended
    }

    fn release(&self, forced: bool) {
        let mut state = self.lock_state();
        state.locked = false;
        self.released.notify_one();
        if forced {
            // Wait until somebody else took the lock, so we do not snatch it straight back.
            let before = state.switches;
            while state.switches == before && !state.locked {
                state = self.switched.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        }
    }

    fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Relaxed)
    }

    /// Takes the lock for the calling thread, returning its handle.
    pub fn enter(&self, clock: Clock) -> GilThread<'_> {
        let mut thread = GilThread { gil: self, clock, waits: Vec::new(), unlisted_ms: 0.0 };
        thread.acquire_timed();
        thread
    }
}

/// Wait intervals a thread lists between two `take_waits`; longer waits beyond them are only
/// summed. A 0.1 ms switch interval over a long run would otherwise record millions (megabytes
/// of shared memory, and of report).
pub const MAX_LISTED_WAITS: usize = 1000;

/// One thread's hold on the GIL. Records the intervals it spent waiting for the lock.
pub struct GilThread<'a> {
    gil: &'a Gil,
    clock: Clock,
    waits: Vec<(f64, f64)>,
    unlisted_ms: f64,
}

impl GilThread<'_> {
    fn acquire_timed(&mut self) {
        let start = (self.clock)();
        if self.gil.acquire() {
            self.record(start);
        }
    }

    fn record(&mut self, start: f64) {
        let end = (self.clock)();
        if self.waits.len() < self.gil.listed_waits {
            self.waits.push((start, end));
        } else {
            self.unlisted_ms += end - start;
        }
    }

    /// Releases the lock around `wait` (a sleep or an I/O wait), then takes it back.
    pub fn release_while<T>(&mut self, wait: impl FnOnce() -> T) -> T {
        self.gil.release(false);
        let out = wait();
        self.acquire_timed();
        out
    }

    /// Intervals (start, end) on the injected clock spent waiting for the lock (at most
    /// [`MAX_LISTED_WAITS`]), and the total of the waits beyond those; clears both.
    pub fn take_waits(&mut self) -> (Vec<(f64, f64)>, f64) {
        (std::mem::take(&mut self.waits), std::mem::take(&mut self.unlisted_ms))
    }
}

impl Checkpoint for GilThread<'_> {
    #[inline]
    fn tick(&mut self) {
        if self.gil.drop_requested() {
            // From here until we hold the lock again we compute nothing: the hand-over wait
            // inside `release(true)` is GIL wait too.
            let start = (self.clock)();
            self.gil.release(true);
            self.gil.acquire();
            self.record(start);
        }
    }
}

impl Drop for GilThread<'_> {
    fn drop(&mut self) {
        self.gil.release(false);
    }
}
