//! The shared counter: every task adds 1 to one counter `n` times, as the articles' threads
//! update a shared `Counter`. Without synchronisation the read and the write are two steps, and
//! an update made by another thread between them is lost; a lock or an atomic add keeps every
//! update. Processes count in their own memory instead and send their totals ([`count_alone`]).

use crate::Checkpoint;
use serde::{Deserialize, Serialize};
use std::hint::{black_box, spin_loop};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// How the tasks of a threads run synchronise their updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sync {
    /// A plain read-modify-write: a relaxed load, then a relaxed store of the value plus one.
    None,
    /// The read-modify-write inside a mutex.
    Lock,
    /// One atomic `fetch_add`.
    Atomic,
}

impl Sync {
    pub const ALL: [Sync; 3] = [Sync::None, Sync::Lock, Sync::Atomic];

    pub fn name(self) -> &'static str {
        match self {
            Sync::None => "none",
            Sync::Lock => "lock",
            Sync::Atomic => "atomic",
        }
    }

    pub fn from_name(name: &str) -> Option<Sync> {
        Sync::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether every update is kept, whatever the threads do.
    pub fn is_exact(self) -> bool {
        self != Sync::None
    }
}

/// A checkpoint that can also block: how a task waits for a lock another thread holds (under
/// the emulated GIL, with the GIL released, as CPython's `Lock.acquire` does), and where the wait
/// is timed.
pub trait Blocking: Checkpoint {
    fn block(&mut self, wait: &mut dyn FnMut());
}

impl Blocking for crate::NoCheckpoint {
    fn block(&mut self, wait: &mut dyn FnMut()) {
        wait()
    }
}

/// Failed `try_lock`s before a task blocks (and is timed as waiting): a lock held for one
/// increment is usually free again within a few, and reading the clock on every contended
/// acquisition would cost more than the increment.
const SPINS: u32 = 64;

/// One counter in the memory the tasks share.
#[derive(Debug, Default)]
pub struct SharedCounter {
    value: AtomicU64,
    lock: Mutex<()>,
}

impl SharedCounter {
    pub fn value(&self) -> u64 {
        self.value.load(Relaxed)
    }

    /// Adds 1 to the counter `n` times with `sync`; returns the updates this task made (`n`),
    /// which the counter keeps all of only when synchronised.
    ///
    /// The emulated GIL may switch threads at either checkpoint of an update: before its read,
    /// which loses nothing, or between its read and its write, which loses every update the
    /// other threads make until this one writes.
    #[inline(never)]
    pub fn add(&self, n: u64, sync: Sync, cp: &mut impl Blocking) -> u64 {
        match sync {
            Sync::None => (0..n).for_each(|_| self.increment(cp)),
            Sync::Lock => (0..n).for_each(|_| {
                let _held = self.acquire(cp);
                self.increment(cp);
            }),
            Sync::Atomic => (0..n).for_each(|_| {
                cp.tick();
                self.value.fetch_add(1, Relaxed);
            }),
        }
        n
    }

    /// A read, then a write: two atomic steps, never one, so that nothing but a lock makes the
    /// pair indivisible (`black_box` keeps the compiler from merging them).
    #[inline(always)]
    fn increment(&self, cp: &mut impl Checkpoint) {
        cp.tick();
        let read = self.value.load(Relaxed);
        cp.tick();
        self.value.store(modify(read), Relaxed);
    }

    fn acquire(&self, cp: &mut impl Blocking) -> MutexGuard<'_, ()> {
        for _ in 0..SPINS {
            match self.lock.try_lock() {
                Ok(held) => return held,
                // The lock guards no data of its own: a panic elsewhere leaves nothing broken.
                Err(TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(TryLockError::WouldBlock) => spin_loop(),
            }
        }
        let mut held = None;
        cp.block(&mut || held = Some(self.lock.lock().unwrap_or_else(|p| p.into_inner())));
        held.expect("block runs its wait")
    }
}

/// Dependent steps between an update's read and its write.
const MODIFY_STEPS: u32 = 8;

/// The update's "modify": the value plus one, through a few dependent steps that the compiler
/// must keep (about 10 ns). CPython's `counter += 1` spends tens of nanoseconds between its read
/// and its write (several bytecodes, a new int object). Wasm's atomic store is sequentially
/// consistent (an `xchg` on x86), and with nothing between the read and that store the other
/// core's read almost never lands between them: on an idle 2-core machine, 2 x 5 million
/// updates lost none in three runs. A window of a few steps makes the race show as it does in
/// Python, and costs every mode the same.
#[inline(always)]
fn modify(read: u64) -> u64 {
    let mut v = read;
    for _ in 0..MODIFY_STEPS {
        v = black_box(v);
    }
    v.wrapping_add(1)
}

/// A process's share: it counts `n` updates in its own memory, where no other thread writes,
/// with the same read-modify-write, and returns its total to be sent by message.
#[inline(never)]
pub fn count_alone(n: u64) -> u64 {
    let own = SharedCounter::default();
    own.add(n, Sync::None, &mut crate::NoCheckpoint);
    own.value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoCheckpoint;
    use std::thread;

    const THREADS: u64 = 2;
    const N: u64 = 2_000_000;

    /// Total counted when `THREADS` threads each add `N` with `sync`.
    fn race(sync: Sync) -> u64 {
        let counter = SharedCounter::default();
        thread::scope(|s| {
            for _ in 0..THREADS {
                s.spawn(|| assert_eq!(counter.add(N, sync, &mut NoCheckpoint), N));
            }
        });
        counter.value()
    }

    /// Unsynchronised native threads lose updates too: on any machine with two cores, and on
    /// one core whenever the OS preempts a thread between its read and its write. The loop is
    /// bounded, so a counter that never races fails the test rather than hanging it.
    #[test]
    fn unsynchronised_threads_lose_updates() {
        let attempts: Vec<u64> = (0..20).map(|_| race(Sync::None)).take_while(|&c| c == THREADS * N).collect();
        assert!(attempts.len() < 20, "no update was lost in 20 runs of {THREADS} x {N}");
        let counted = race(Sync::None);
        assert!(counted <= THREADS * N, "a lost update never adds one: {counted}");
    }

    #[test]
    fn a_lock_and_an_atomic_keep_every_update() {
        for _ in 0..3 {
            assert_eq!(race(Sync::Lock), THREADS * N);
            assert_eq!(race(Sync::Atomic), THREADS * N);
        }
    }

    #[test]
    fn processes_count_their_share_exactly() {
        let totals: Vec<u64> = thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS).map(|_| s.spawn(|| count_alone(N))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(totals.iter().sum::<u64>(), THREADS * N);
    }

    /// A lock held elsewhere blocks through `Blocking::block`, where the wait is timed.
    #[test]
    fn a_held_lock_is_waited_for_through_block() {
        struct Counting(u32);
        impl Checkpoint for Counting {
            fn tick(&mut self) {}
        }
        impl Blocking for Counting {
            fn block(&mut self, wait: &mut dyn FnMut()) {
                self.0 += 1;
                wait()
            }
        }
        let counter = SharedCounter::default();
        let held = counter.lock.lock().unwrap();
        thread::scope(|s| {
            let waiter = s.spawn(|| {
                let mut cp = Counting(0);
                counter.add(1, Sync::Lock, &mut cp);
                cp.0
            });
            thread::sleep(std::time::Duration::from_millis(20));
            drop(held);
            assert_eq!(waiter.join().unwrap(), 1);
        });
        assert_eq!(counter.value(), 1);
    }

    #[test]
    fn names_round_trip() {
        for s in Sync::ALL {
            assert_eq!(Sync::from_name(s.name()), Some(s));
        }
        assert!(!Sync::None.is_exact() && Sync::Lock.is_exact() && Sync::Atomic.is_exact());
    }
}
