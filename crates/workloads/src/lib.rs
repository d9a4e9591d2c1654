//! Pure Rust workload kernels, shared by every executor (native tests, the plain Wasm module and
//! the threaded one). No wasm dependencies.
//!
//! A [`Workload`] is split into numbered tasks. Each task is run by [`run_cpu_task`] and returns a
//! checksum; [`expected_checksum`] computes the same value by an independent route (closed form,
//! sieve, periodicity...) so a result can be verified without trusting the kernel.
//!
//! Kernels call [`Checkpoint::tick`] every few thousand operations. Executors use it for the
//! emulated GIL; [`NoCheckpoint`] compiles to nothing.

pub mod counter;
pub mod download;
pub mod fault;
mod kernels;
pub mod pass;
mod workload;

pub use kernels::{fib, letter_sum, mandelbrot_rows, primes_in, sample_append, sum_range};
pub use workload::{Task, TaskKind, Workload};

/// Hook called by kernels between small units of work (about 10-100 microseconds apart).
pub trait Checkpoint {
    fn tick(&mut self);
}

/// A checkpoint that does nothing: free threads, processes, sequential runs.
pub struct NoCheckpoint;

impl Checkpoint for NoCheckpoint {
    #[inline(always)]
    fn tick(&mut self) {}
}

impl<C: Checkpoint + ?Sized> Checkpoint for &mut C {
    #[inline(always)]
    fn tick(&mut self) {
        (**self).tick()
    }
}

/// Runs one CPU task to completion and returns its checksum.
/// Returns `None` for tasks that are not CPU work (sleep, fetch): the executor performs those
/// itself.
pub fn run_cpu_task(task: &Task, checkpoint: &mut impl Checkpoint) -> Option<u64> {
    Some(match task.kind {
        TaskKind::Fib { n } => fib(n, checkpoint),
        TaskKind::Sum { start, end } => sum_range(start, end, checkpoint),
        TaskKind::Primes { start, end } => primes_in(start, end, checkpoint),
        TaskKind::SampleAppend { n, seed } => sample_append(n, seed, checkpoint),
        TaskKind::Mandelbrot { width, height, max_iter, row_start, row_end } => {
            mandelbrot_rows(width, height, max_iter, row_start..row_end, checkpoint)
        }
        TaskKind::Letter { letter, n } => letter_sum(letter, n, checkpoint),
        TaskKind::Fault { fault } => fault::inject(fault, task.index, checkpoint, None),
        // Outside a threads run, a task counts in memory of its own (`counter::count_alone`).
        TaskKind::Count { n } => counter::count_alone(n),
        // The input in this memory, built on first use: executors build it before timing
        // (`pass::input` at warm-up) and read it in place, or read a message's buffer.
        TaskKind::Read { mb } => pass::read(&pass::input(mb), checkpoint),
        TaskKind::Sleep { .. } | TaskKind::Fetch { .. } => return None,
    })
}

/// Runs a small instance of `workload`'s kernel for about `budget_ms` (on the caller's clock),
/// before anything is timed. Browsers start Wasm in a baseline compiler and optimise hot
/// functions later (V8's dynamic tiering): without this, whichever mode runs first is measured
/// on slower code. Returns how many small tasks ran.
pub fn warm_up(workload: &Workload, checkpoint: &mut impl Checkpoint, now: impl Fn() -> f64, budget_ms: f64) -> u32 {
    if workload.is_waiting() {
        return 0;
    }
    let task = workload.small().task(0, 1);
    let until = now() + budget_ms;
    let mut runs = 0;
    while runs < 3 || now() < until {
        std::hint::black_box(run_cpu_task(&task, checkpoint));
        runs += 1;
    }
    runs
}

thread_local! {
    /// Kernels this thread has warmed up (see [`once_per_kernel`]).
    static WARMED: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `warm` (a [`warm_up`] of `workload`) unless this thread already warmed the kernel it
/// exercises: the engine keeps optimised code for the instance's lifetime, so one warm-up per
/// kernel is enough, and asking again before every timed run costs nothing.
pub fn once_per_kernel(workload: &Workload, warm: impl FnOnce()) {
    let kernel = workload.small().kind_name();
    if WARMED.with(|w| w.borrow().contains(&kernel)) {
        return;
    }
    warm();
    WARMED.with(|w| w.borrow_mut().push(kernel));
}

/// The checksum a correct run of `workload`'s `task` must return, computed independently of the
/// kernel; `None` when it cannot be known in advance (a download from a user's URL).
pub fn expected_checksum(workload: &Workload, task: &Task) -> Option<u64> {
    Some(match task.kind {
        TaskKind::Fib { n } => kernels::fib_iterative(n),
        TaskKind::Sum { start, end } => kernels::sum_closed_form(start, end),
        TaskKind::Primes { start, end } => kernels::primes_by_sieve(start, end),
        TaskKind::SampleAppend { n, seed } => kernels::sample_stream_checksum(n, seed),
        TaskKind::Mandelbrot { width, height, max_iter, row_start, row_end } => {
            kernels::mandelbrot_reference(width, height, max_iter, row_start..row_end)
        }
        TaskKind::Letter { letter, n } => kernels::letter_sum_periodic(letter, n),
        TaskKind::Sleep { ms } => sleep_checksum(ms),
        TaskKind::Fetch { .. } => return workload.download()?.0.expected_checksum(task.index),
        // Every update the task made: the count it sends, or its share of the shared counter.
        TaskKind::Count { n } => n,
        // The generator's words folded, without building or reading the input.
        TaskKind::Read { mb } => pass::expected(mb),
        // It never returns: there is nothing to expect.
        TaskKind::Fault { .. } => return None,
    })
}

/// What a sleep task reports: its duration. That it really waited is checked from its trace
/// (`Workload::min_task_ms`).
pub fn sleep_checksum(ms: u32) -> u64 {
    u64::from(ms)
}

/// Sum of task checksums, the run-level checksum shown in reports.
pub fn combine(checksums: impl IntoIterator<Item = u64>) -> u64 {
    checksums.into_iter().fold(0u64, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kernel_is_warmed_once_per_thread() {
        let mut runs = 0;
        once_per_kernel(&Workload::Fib { n: 30 }, || runs += 1);
        once_per_kernel(&Workload::Fib { n: 25 }, || runs += 1);
        // A fault workload's other tasks run fib: the same kernel, already warm.
        once_per_kernel(&Workload::Fault { fault: fault::Fault::Panic, at_task: 0, n: 20 }, || runs += 1);
        once_per_kernel(&Workload::Sum { n: 10 }, || runs += 1);
        assert_eq!(runs, 2);
        std::thread::spawn(|| {
            let mut again = 0;
            once_per_kernel(&Workload::Fib { n: 30 }, || again += 1);
            assert_eq!(again, 1, "another thread warms its own");
        })
        .join()
        .unwrap();
    }
}
