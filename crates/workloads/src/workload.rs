//! What to compute, and how it splits into tasks.

use serde::{Deserialize, Serialize};

/// A workload as written in a spec (`{"kind": "fib", "n": 35}`). Parameters are validated by
/// `threadlab-lab` before a workload reaches this crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Workload {
    /// Every task computes fib(n) recursively (the articles' 10 x fib(35)).
    Fib { n: u32 },
    /// The integers 1..=n are summed, split into one contiguous chunk per task.
    Sum { n: u64 },
    /// Primes below n are counted by trial division, one range per task.
    Primes { n: u64 },
    /// Every task appends n pseudo-random integers to a growing list.
    SampleAppend { n: u32 },
    /// A width x height Mandelbrot image, split into bands of rows.
    Mandelbrot { width: u32, height: u32, max_iter: u32 },
    /// Task i does numeric processing for the letter 'a' + i % 26.
    Letters {},
    /// Every task sleeps (the articles' `time.sleep` work).
    Sleep { ms: u32 },
}

/// Operations per letter task: ~10 ms of work in Wasm.
pub const LETTER_OPS: u32 = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub index: u32,
    pub kind: TaskKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    Fib { n: u32 },
    /// Sum of start..end.
    Sum { start: u64, end: u64 },
    /// Number of primes in start..end.
    Primes { start: u64, end: u64 },
    SampleAppend { n: u32, seed: u64 },
    Mandelbrot { width: u32, height: u32, max_iter: u32, row_start: u32, row_end: u32 },
    Letter { letter: u8, n: u32 },
    Sleep { ms: u32 },
}

impl Workload {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Workload::Fib { .. } => "fib",
            Workload::Sum { .. } => "sum",
            Workload::Primes { .. } => "primes",
            Workload::SampleAppend { .. } => "sample_append",
            Workload::Mandelbrot { .. } => "mandelbrot",
            Workload::Letters {} => "letters",
            Workload::Sleep { .. } => "sleep",
        }
    }

    /// How long every task must at least take: a sleep's duration, 0 for CPU work.
    pub fn min_task_ms(&self) -> f64 {
        match self {
            Workload::Sleep { ms } => f64::from(*ms),
            _ => 0.0,
        }
    }

    /// True when tasks mostly wait instead of computing.
    pub fn is_waiting(&self) -> bool {
        matches!(self, Workload::Sleep { .. })
    }

    /// Task `index` of `count` (`index < count`). Splitting workloads give every task a
    /// near-equal share; the remainder goes to the first tasks.
    pub fn task(&self, index: u32, count: u32) -> Task {
        assert!(index < count, "task {index} of {count}");
        let kind = match *self {
            Workload::Fib { n } => TaskKind::Fib { n },
            Workload::Sum { n } => {
                let (start, end) = share(1, n + 1, index, count);
                TaskKind::Sum { start, end }
            }
            Workload::Primes { n } => {
                let (start, end) = share(0, n, index, count);
                TaskKind::Primes { start, end }
            }
            Workload::SampleAppend { n } => TaskKind::SampleAppend { n, seed: u64::from(index) },
            Workload::Mandelbrot { width, height, max_iter } => {
                let (row_start, row_end) = share(0, u64::from(height), index, count);
                TaskKind::Mandelbrot {
                    width,
                    height,
                    max_iter,
                    row_start: row_start as u32,
                    row_end: row_end as u32,
                }
            }
            Workload::Letters {} => TaskKind::Letter { letter: b'a' + (index % 26) as u8, n: LETTER_OPS },
            Workload::Sleep { ms } => TaskKind::Sleep { ms },
        };
        Task { index, kind }
    }

    /// A small instance of the same kernel (a few ms at most), for JIT warm-up.
    pub fn small(&self) -> Workload {
        match *self {
            Workload::Fib { n } => Workload::Fib { n: n.min(22) },
            Workload::Sum { n } => Workload::Sum { n: n.min(200_000) },
            Workload::Primes { n } => Workload::Primes { n: n.min(20_000) },
            Workload::SampleAppend { n } => Workload::SampleAppend { n: n.min(50_000) },
            Workload::Mandelbrot { max_iter, .. } => Workload::Mandelbrot { width: 32, height: 24, max_iter: max_iter.min(200) },
            Workload::Letters {} => Workload::Letters {},
            Workload::Sleep { ms } => Workload::Sleep { ms },
        }
    }

    pub fn tasks(&self, count: u32) -> Vec<Task> {
        (0..count).map(|i| self.task(i, count)).collect()
    }
}

/// The `index`-th of `count` near-equal parts of `start..end`.
fn share(start: u64, end: u64, index: u32, count: u32) -> (u64, u64) {
    let len = end - start;
    let (count, index) = (u64::from(count), u64::from(index));
    let base = len / count;
    let extra = len % count;
    let lo = start + index * base + index.min(extra);
    let hi = lo + base + u64::from(index < extra);
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_cover_the_range_exactly_once() {
        for count in 1..20u32 {
            let mut next = 1;
            for i in 0..count {
                let (lo, hi) = share(1, 101, i, count);
                assert_eq!(lo, next);
                assert!(hi >= lo);
                next = hi;
            }
            assert_eq!(next, 101);
        }
    }

    #[test]
    fn more_tasks_than_rows_gives_empty_tasks() {
        let w = Workload::Mandelbrot { width: 4, height: 3, max_iter: 10 };
        let rows: u32 = w
            .tasks(5)
            .iter()
            .map(|t| match t.kind {
                TaskKind::Mandelbrot { row_start, row_end, .. } => row_end - row_start,
                _ => unreachable!(),
            })
            .sum();
        assert_eq!(rows, 3);
    }

    #[test]
    fn spec_json_round_trips() {
        let w: Workload = serde_json::from_str(r#"{"kind":"mandelbrot","width":8,"height":6,"max_iter":50}"#).unwrap();
        assert_eq!(w, Workload::Mandelbrot { width: 8, height: 6, max_iter: 50 });
        let letters: Workload = serde_json::from_str(r#"{"kind":"letters"}"#).unwrap();
        assert_eq!(serde_json::to_string(&letters).unwrap(), r#"{"kind":"letters"}"#);
    }

    #[test]
    fn letters_cycle_through_the_alphabet() {
        let t = Workload::Letters {}.task(27, 30);
        assert!(matches!(t.kind, TaskKind::Letter { letter: b'b', .. }));
    }
}
