//! Fault injection: a workload whose task `at_task` fails on purpose, the others computing
//! fib(n). It shows the articles' other lesson: a crashing thread takes its siblings (the whole
//! shared-memory engine) down, a crashing process takes only itself.
//!
//! Each fault is real, not a flag: `panic` panics (the release builds abort on panic, so the
//! worker dies as a Rust process would), `trap` executes a WebAssembly `unreachable`, `oom`
//! allocates until the allocator refuses, `hang` loops for ever (ticking its checkpoint, so a
//! GIL holder still hands the lock over, as a CPython thread in `while True` does).

use crate::Checkpoint;
use serde::{Deserialize, Serialize};
use std::hint::black_box;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    Panic,
    Trap,
    Oom,
    Hang,
}

impl Fault {
    pub const ALL: [Fault; 4] = [Fault::Panic, Fault::Trap, Fault::Oom, Fault::Hang];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Panic => "panic",
            Fault::Trap => "trap",
            Fault::Oom => "oom",
            Fault::Hang => "hang",
        }
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The message every injected panic carries, so a report can tell it from a real bug.
pub const PANIC_MESSAGE: &str = "injected fault: panic";

/// Allocation step of the `oom` fault.
const OOM_STEP: usize = 64 << 20;

/// Fails as `fault` says; never returns. `oom_limit` caps what `oom` may take (tests); `None`
/// takes memory until the allocator refuses.
pub fn inject(fault: Fault, task: u32, cp: &mut impl Checkpoint, oom_limit: Option<usize>) -> ! {
    match fault {
        Fault::Panic => panic!("{PANIC_MESSAGE} in task {task}"),
        Fault::Trap => trap(),
        Fault::Oom => out_of_memory(task, oom_limit),
        Fault::Hang => hang(cp),
    }
}

/// How a crash report quotes a panic: "panicked: injected fault: panic in task 3 (at
/// crates/workloads/src/fault.rs:52)". For the panic hooks of the engines.
pub fn panic_message(info: &std::panic::PanicHookInfo) -> String {
    let payload = info.payload();
    let message =
        payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()));
    let place = info.location().map(|l| format!(" (at {}:{})", l.file(), l.line())).unwrap_or_default();
    format!("panicked: {}{place}", message.unwrap_or_else(|| "(no message)".into()))
}

#[cfg(target_arch = "wasm32")]
fn trap() -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(not(target_arch = "wasm32"))]
fn trap() -> ! {
    std::process::abort()
}

/// Takes memory in 64 MiB blocks until the allocator refuses, then dies as Rust does when an
/// allocation fails (`memory allocation of N bytes failed`, then abort). The blocks are reserved,
/// not written: the Wasm memory really grows to its maximum, but the machine only commits pages
/// that are touched. They are released before the panic, so its message can still be formatted
/// and delivered.
#[inline(never)]
fn out_of_memory(task: u32, limit: Option<usize>) -> ! {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    let mut taken = 0usize;
    loop {
        if limit.is_some_and(|l| taken + OOM_STEP > l) {
            break;
        }
        let mut block = Vec::new();
        if block.try_reserve_exact(OOM_STEP).is_err() {
            break;
        }
        taken += block.capacity();
        hoard.push(black_box(block));
    }
    drop(hoard);
    panic!(
        "out of memory in task {task}: memory allocation of {OOM_STEP} bytes failed after {} MiB were taken",
        taken >> 20
    )
}

#[inline(never)]
fn hang(cp: &mut impl Checkpoint) -> ! {
    let mut x = 0u64;
    loop {
        for i in 0..4096u64 {
            x = black_box(x.wrapping_add(i));
        }
        cp.tick();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoCheckpoint;

    #[test]
    fn names_round_trip() {
        for f in Fault::ALL {
            assert_eq!(Fault::from_name(f.name()), Some(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.name()));
        }
        assert_eq!(Fault::from_name("segfault"), None);
    }

    #[test]
    fn panic_names_the_task() {
        let e = std::panic::catch_unwind(|| inject(Fault::Panic, 3, &mut NoCheckpoint, None)).unwrap_err();
        assert_eq!(e.downcast_ref::<String>().unwrap(), "injected fault: panic in task 3");
    }

    #[test]
    fn oom_takes_memory_until_refused_then_dies_saying_so() {
        // Capped here: the real fault takes all the memory the allocator gives.
        let e = std::panic::catch_unwind(|| inject(Fault::Oom, 1, &mut NoCheckpoint, Some(200 << 20))).unwrap_err();
        let message = e.downcast_ref::<String>().unwrap();
        assert!(
            message.starts_with("out of memory in task 1: memory allocation of 67108864 bytes failed after 192 MiB"),
            "{message}"
        );
    }

    #[test]
    fn a_panic_is_quoted_with_its_place() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let keep = seen.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| *keep.lock().unwrap() = panic_message(info)));
        let _ = std::panic::catch_unwind(|| inject(Fault::Panic, 4, &mut NoCheckpoint, None));
        std::panic::set_hook(previous);
        let message = seen.lock().unwrap().clone();
        assert!(message.starts_with("panicked: injected fault: panic in task 4 (at "), "{message}");
        assert!(message.contains("fault.rs:"), "{message}");
    }

    #[test]
    fn hang_keeps_ticking() {
        struct StopAfter(u32);
        impl Checkpoint for StopAfter {
            fn tick(&mut self) {
                self.0 -= 1;
                if self.0 == 0 {
                    panic!("stopped");
                }
            }
        }
        assert!(std::panic::catch_unwind(|| inject(Fault::Hang, 0, &mut StopAfter(1000), None)).is_err());
    }
}
