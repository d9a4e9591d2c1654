//! What to compute, and how it splits into tasks.

use crate::counter::Sync;
use crate::download::Download;
use crate::fault::Fault;
use crate::pass::Via;
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
    /// Every task downloads a URL (default: the built-in latency endpoint) and hashes the body.
    Fetch(Download),
    /// As `fetch`, then writes the body to `{letter}.txt` in the Origin Private File System and
    /// reads it back.
    FetchWrite(Download),
    /// Task `at_task` fails on purpose (`crate::fault`); every other task computes fib(n).
    Fault { fault: Fault, at_task: u32, n: u32 },
    /// Every task adds 1 to one shared counter n times (`crate::counter`). `sync` lists the
    /// synchronisations to compare: threads runs take one each (`with_variant`).
    Counter { n: u64, sync: Vec<Sync> },
    /// Every task reads one input of `mb` megabytes (`crate::pass`). `via` lists how a
    /// processes run hands it to its workers: processes runs take one each (`with_variant`).
    Pass { mb: u32, via: Vec<Via> },
}

/// Operations per letter task: ~150 ms of work in Wasm, so that starting a process worker
/// (20-70 ms) is small beside a letter, as a fork is beside the article's CPython loop.
pub const LETTER_OPS: u32 = 64_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub index: u32,
    pub kind: TaskKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    Fib {
        n: u32,
    },
    /// Sum of start..end.
    Sum {
        start: u64,
        end: u64,
    },
    /// Number of primes in start..end.
    Primes {
        start: u64,
        end: u64,
    },
    SampleAppend {
        n: u32,
        seed: u64,
    },
    Mandelbrot {
        width: u32,
        height: u32,
        max_iter: u32,
        row_start: u32,
        row_end: u32,
    },
    Letter {
        letter: u8,
        n: u32,
    },
    Sleep {
        ms: u32,
    },
    /// A download (`write`: then a file write); its request comes from `Workload::download_task`.
    Fetch {
        write: bool,
    },
    /// The injected fault of a `fault` workload.
    Fault {
        fault: Fault,
    },
    /// n updates of the shared counter (threads) or of the task's own (other modes).
    Count {
        n: u64,
    },
    /// One read of the whole `mb`-megabyte input, wherever it lives (`crate::pass`).
    Read {
        mb: u32,
    },
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
            Workload::Fetch(_) => "fetch",
            Workload::FetchWrite(_) => "fetch_write",
            Workload::Fault { .. } => "fault",
            Workload::Counter { .. } => "counter",
            Workload::Pass { .. } => "pass",
        }
    }

    /// The variants this workload lists for its runs to compare, by name: a counter's
    /// synchronisations, a pass's ways of passing (`lab::plan::runs_variants` says which modes
    /// run them). Empty for every other workload.
    pub fn variants(&self) -> Vec<&'static str> {
        match self {
            Workload::Counter { sync, .. } => sync.iter().map(|s| s.name()).collect(),
            Workload::Pass { via, .. } => via.iter().map(|v| v.name()).collect(),
            _ => vec![],
        }
    }

    /// The name of a variant any workload may list, as a `'static` string (run records keep
    /// theirs as text).
    pub fn variant_name(name: &str) -> Option<&'static str> {
        Sync::from_name(name).map(Sync::name).or_else(|| Via::from_name(name).map(Via::name))
    }

    /// The same workload with only the variant `name` (one of `variants`).
    pub fn with_variant(&self, name: &str) -> Workload {
        match self {
            Workload::Counter { n, .. } => {
                Workload::Counter { n: *n, sync: Sync::from_name(name).into_iter().collect() }
            }
            Workload::Pass { mb, .. } => Workload::Pass { mb: *mb, via: Via::from_name(name).into_iter().collect() },
            other => other.clone(),
        }
    }

    /// How a processes run hands a `pass` workload's input to its workers: the first listed (a
    /// processes run is given a workload with one, `with_variant`); `None` for other workloads.
    pub fn via(&self) -> Option<Via> {
        match self {
            Workload::Pass { via, .. } => via.first().copied(),
            _ => None,
        }
    }

    /// The synchronisation a counter's threads use: the first listed (a threads run is given a
    /// workload with one, `with_variant`), else none.
    pub fn sync(&self) -> Sync {
        match self {
            Workload::Counter { sync, .. } => sync.first().copied().unwrap_or(Sync::None),
            _ => Sync::None,
        }
    }

    /// How long every task must at least take: a sleep's duration, the built-in endpoint's
    /// delay, 0 for CPU work and user URLs.
    pub fn min_task_ms(&self) -> f64 {
        match self {
            Workload::Sleep { ms } => f64::from(*ms),
            Workload::Fetch(d) | Workload::FetchWrite(d) if d.url.is_none() => f64::from(d.delay_ms()),
            _ => 0.0,
        }
    }

    /// True when tasks mostly wait instead of computing.
    pub fn is_waiting(&self) -> bool {
        matches!(self, Workload::Sleep { .. } | Workload::Fetch(_) | Workload::FetchWrite(_))
    }

    /// The download parameters of an I/O workload, and whether its tasks also write a file.
    pub fn download(&self) -> Option<(&Download, bool)> {
        match self {
            Workload::Fetch(d) => Some((d, false)),
            Workload::FetchWrite(d) => Some((d, true)),
            _ => None,
        }
    }

    /// Task `index`'s resolved request, for I/O workloads. `endpoint` is the absolute URL of the
    /// built-in endpoint.
    pub fn download_task(&self, index: u32, endpoint: &str) -> Option<crate::download::DownloadTask> {
        self.download().map(|(d, write)| d.task(index, endpoint, write))
    }

    /// Task `index` of `count` (`index < count`). Splitting workloads give every task a
    /// near-equal share; the remainder goes to the first tasks.
    pub fn task(&self, index: u32, count: u32) -> Task {
        assert!(index < count, "task {index} of {count}");
        let kind = match self.clone() {
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
                TaskKind::Mandelbrot { width, height, max_iter, row_start: row_start as u32, row_end: row_end as u32 }
            }
            Workload::Letters {} => TaskKind::Letter { letter: b'a' + (index % 26) as u8, n: LETTER_OPS },
            Workload::Sleep { ms } => TaskKind::Sleep { ms },
            Workload::Fetch(_) => TaskKind::Fetch { write: false },
            Workload::FetchWrite(_) => TaskKind::Fetch { write: true },
            Workload::Fault { fault, at_task, .. } if at_task == index => TaskKind::Fault { fault },
            Workload::Fault { n, .. } => TaskKind::Fib { n },
            Workload::Counter { n, .. } => TaskKind::Count { n },
            Workload::Pass { mb, .. } => TaskKind::Read { mb },
        };
        Task { index, kind }
    }

    /// A small instance of the same kernel (a few ms at most), for JIT warm-up.
    pub fn small(&self) -> Workload {
        match self.clone() {
            Workload::Fib { n } => Workload::Fib { n: n.min(22) },
            Workload::Sum { n } => Workload::Sum { n: n.min(200_000) },
            Workload::Primes { n } => Workload::Primes { n: n.min(20_000) },
            Workload::SampleAppend { n } => Workload::SampleAppend { n: n.min(50_000) },
            Workload::Mandelbrot { max_iter, .. } => {
                Workload::Mandelbrot { width: 32, height: 24, max_iter: max_iter.min(200) }
            }
            Workload::Letters {} => Workload::Letters {},
            // The fault itself is never warmed up: only the kernel of the other tasks.
            Workload::Fault { n, .. } => Workload::Fib { n: n.min(22) },
            Workload::Counter { n, sync } => Workload::Counter { n: n.min(100_000), sync },
            Workload::Pass { via, .. } => Workload::Pass { mb: 1, via },
            waiting @ (Workload::Sleep { .. } | Workload::Fetch(_) | Workload::FetchWrite(_)) => waiting,
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
        let fetch: Workload = serde_json::from_str(r#"{"kind":"fetch_write","delay_ms":50}"#).unwrap();
        assert_eq!(fetch, Workload::FetchWrite(Download { delay_ms: Some(50), ..Default::default() }));
        assert_eq!(serde_json::to_string(&fetch).unwrap(), r#"{"kind":"fetch_write","delay_ms":50}"#);
        assert_eq!(fetch.min_task_ms(), 50.0);
    }

    #[test]
    fn a_fault_workload_fails_one_task_and_computes_fib_in_the_others() {
        let w: Workload = serde_json::from_str(r#"{"kind":"fault","fault":"hang","at_task":2,"n":20}"#).unwrap();
        assert_eq!(w, Workload::Fault { fault: Fault::Hang, at_task: 2, n: 20 });
        let kinds: Vec<TaskKind> = w.tasks(4).into_iter().map(|t| t.kind).collect();
        assert_eq!(kinds[2], TaskKind::Fault { fault: Fault::Hang });
        assert!([0, 1, 3].iter().all(|&i| kinds[i] == TaskKind::Fib { n: 20 }));
        assert_eq!(w.small(), Workload::Fib { n: 20 });
        assert!(!w.is_waiting());
    }

    #[test]
    fn a_counter_lists_its_synchronisations_and_runs_one_at_a_time() {
        let w: Workload = serde_json::from_str(r#"{"kind":"counter","n":5,"sync":["none","lock"]}"#).unwrap();
        assert_eq!(w.variants(), ["none", "lock"]);
        let lock = w.with_variant("lock");
        assert_eq!(lock, Workload::Counter { n: 5, sync: vec![Sync::Lock] });
        assert_eq!(lock.sync(), Sync::Lock);
        assert_eq!(w.task(1, 3).kind, TaskKind::Count { n: 5 });
        assert!(Workload::Fib { n: 3 }.variants().is_empty());
    }

    #[test]
    fn a_pass_lists_its_ways_and_runs_one_at_a_time() {
        let w: Workload = serde_json::from_str(r#"{"kind":"pass","mb":3,"via":["copy","shared"]}"#).unwrap();
        assert_eq!(w.variants(), ["copy", "shared"]);
        let shared = w.with_variant("shared");
        assert_eq!(shared, Workload::Pass { mb: 3, via: vec![Via::Shared] });
        assert_eq!(shared.via(), Some(Via::Shared));
        assert_eq!(w.task(2, 4).kind, TaskKind::Read { mb: 3 });
        assert_eq!(w.small(), Workload::Pass { mb: 1, via: vec![Via::Copy, Via::Shared] });
        assert_eq!(Workload::Fib { n: 3 }.via(), None);
        assert_eq!(Workload::variant_name("transfer"), Some("transfer"));
        assert_eq!(Workload::variant_name("lock"), Some("lock"));
        assert_eq!(Workload::variant_name("nope"), None);
    }

    #[test]
    fn letters_cycle_through_the_alphabet() {
        let t = Workload::Letters {}.task(27, 30);
        assert!(matches!(t.kind, TaskKind::Letter { letter: b'b', .. }));
    }
}
