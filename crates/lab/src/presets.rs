//! The articles' experiments, one click each.

use crate::spec::{Mode, Spec};
use serde_json::Value;
use threadlab_workloads::Workload;

/// What the claim is about, by the kind of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// CPU work: threads with the GIL about 1x, processes about min(workers, cores)x.
    Compute,
    /// Waiting work: the waits overlap in every concurrent mode.
    Waiting,
    /// One task crashes: processes lose only it, threads lose the run.
    Crash,
    /// A shared counter: unsynchronised threads lose updates, a lock and processes do not.
    Race,
    /// One large input for every worker: threads and a SharedArrayBuffer share it, copies cost.
    Pass,
}

impl Shape {
    pub fn of(workload: &Workload) -> Shape {
        match workload {
            Workload::Fault { .. } => Shape::Crash,
            Workload::Counter { .. } => Shape::Race,
            Workload::Pass { .. } => Shape::Pass,
            w if w.is_waiting() => Shape::Waiting,
            _ => Shape::Compute,
        }
    }
}

pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    /// What the original article claimed.
    pub claim: &'static str,
    /// How the experiment was sized for the browser, and why.
    pub scaling: &'static str,
    /// The article it reproduces, with the figures it gives; `None` for threadlab's own.
    pub article: Option<Article>,
    pub spec: Value,
}

/// A source article and the figures it reports (facts only: timings, core counts).
pub struct Article {
    pub title: &'static str,
    /// Where it ran: interpreter and core count, as far as the article says.
    pub setup: &'static str,
    pub figures: &'static [Figure],
    /// What the article shows instead, where it gives no figure.
    pub note: &'static str,
}

/// One timing from an article: `mode` at `workers` took `seconds`. CPython's threads are
/// threadlab's `threads-gil`.
pub struct Figure {
    pub mode: Mode,
    pub workers: u32,
    pub seconds: f64,
}

impl Article {
    /// The figure's ratio to the article's baseline: its sequential time, else the same mode
    /// with 1 worker (as `Report::new` computes speedups).
    pub fn ratio(&self, f: &Figure) -> Option<f64> {
        let find = |mode: Mode, workers: u32| self.figures.iter().find(|g| g.mode == mode && g.workers == workers);
        let base = find(Mode::Sequential, 1).or_else(|| find(f.mode, 1))?;
        Some(base.seconds / f.seconds)
    }
}

const fn fig(mode: Mode, workers: u32, seconds: f64) -> Figure {
    Figure { mode, workers, seconds }
}

const FIB_AND_DOWNLOADS: &str = "Multithreading vs Multiprocessing in Python, and when to use which! (2024)";
const SLEEPING_THREADS: &str = "Multithreading and Multiprocessing in Python";
const LETTERS: &str = "Multithreading v/s Multiprocessing in Python (May 2021)";
const WORKER_TABLES: &str = "Multiprocessing vs Multithreading in Python: What You Need to Know";
const DEEP_DIVE: &str = "Multi-threading and Multi-processing in Python (concurrency and parallelism)";

use Mode::{Processes, Sequential, ThreadsGil};

const SUM_TABLE: &[Figure] = &[
    fig(ThreadsGil, 1, 36.13),
    fig(ThreadsGil, 2, 36.98),
    fig(ThreadsGil, 4, 37.41),
    fig(ThreadsGil, 8, 38.19),
    fig(ThreadsGil, 16, 39.52),
    fig(Processes, 1, 36.21),
    fig(Processes, 2, 18.74),
    fig(Processes, 4, 9.87),
    fig(Processes, 8, 9.91),
    fig(Processes, 16, 10.06),
];

const APPEND_TIMES: &[Figure] = &[fig(Sequential, 1, 35.087), fig(Processes, 2, 15.251)];

const FETCH_TABLE: &[Figure] = &[
    fig(ThreadsGil, 1, 15.21),
    fig(ThreadsGil, 2, 7.73),
    fig(ThreadsGil, 4, 4.21),
    fig(ThreadsGil, 8, 2.34),
    fig(ThreadsGil, 16, 1.53),
    fig(Processes, 1, 14.98),
    fig(Processes, 2, 7.69),
    fig(Processes, 4, 4.12),
    fig(Processes, 8, 2.31),
    fig(Processes, 16, 1.49),
];

pub fn all() -> Vec<Preset> {
    vec![
        Preset {
            id: "fib-threads-vs-processes",
            title: "10 x fib(35): threads vs processes",
            claim: "With the GIL, 10 threads take as long as doing the work sequentially; 10 processes use every core.",
            scaling: "fib(41) here stands in for the article's fib(35). Wasm computes fib about 50x faster than \
                      CPython, so fib(35) would take ~25 ms here, less than starting a worker (20-70 ms), where in \
                      CPython a fork costs a thousandth of the task. At fib(41), ~0.4 s a task, starting the 10 \
                      process workers inside the run is again a small part of it.",
            article: Some(Article {
                title: FIB_AND_DOWNLOADS,
                setup: "CPython; the core count is not given",
                figures: &[],
                note: "The article shows its timings only as screenshots: no figure to compare here.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "fib", "n": 41}, "tasks": 10,
                    "modes": ["sequential", "threads", "threads-gil", "processes"],
                    "workers": [10], "repeat": 2, "warmup": 0}"#,
            ),
        },
        Preset {
            id: "sum-sweep",
            title: "Sum of the first 100 million integers, 1 to 16 workers",
            claim: "Threads do not speed up the sum; processes do, up to the number of cores.",
            scaling: "4 billion integers here stand in for the article's 100 million: Wasm sums about 1000x faster \
                      than CPython's loop, and 100 million would take 36 ms, too short to split 16 ways. The \
                      processes are a pool started before timing, as a Pool reused across the sweep is.",
            article: Some(Article {
                title: WORKER_TABLES,
                setup: "CPython, 4 cores",
                figures: SUM_TABLE,
                note: "",
            }),
            spec: parse(
                r#"{"workload": {"kind": "sum", "n": 4000000000}, "tasks": 16,
                    "modes": ["sequential", "threads-gil", "processes"],
                    "workers": [1, 2, 4, 8, 16], "repeat": 2, "warmup": 0,
                    "processes": {"start": "warm"}}"#,
            ),
        },
        Preset {
            id: "append-1-vs-2-processes",
            title: "Append 10 million random integers to a list, 1 vs 2 processes",
            claim: "Two processes finish two lists in about the time one process takes for one.",
            scaling: "The article's sizes: 2 lists of 10 million. Wasm appends about 400x faster than CPython \
                      (~40 ms a list here, 17 s there), so a new worker's start and its fresh memory would cost more \
                      than a list: the processes here are a pool started and warmed up before timing. Set Process \
                      start to cold to see what starting them inside the run costs.",
            article: Some(Article {
                title: DEEP_DIVE,
                setup: "CPython, `time` of the whole script; the core count is not given",
                figures: APPEND_TIMES,
                note: "",
            }),
            spec: parse(
                r#"{"workload": {"kind": "sample_append", "n": 10000000}, "tasks": 2,
                    "modes": ["sequential", "processes"], "workers": [2], "repeat": 5, "warmup": 1,
                    "processes": {"start": "warm"}}"#,
            ),
        },
        Preset {
            id: "sleep-threads-vs-processes",
            title: "Sleep-based work: 2 threads vs 2 processes",
            claim: "Sleeping releases the GIL, so threads overlap waits as well as processes do, without the start-up cost.",
            scaling: "Each of the 2 workers sleeps 5 times, as each of the article's threads prints 5 numbers; 0.5 s \
                      sleeps instead of 1 s halve the wait and keep every proportion (a sleep is not faster in Wasm).",
            article: Some(Article {
                title: SLEEPING_THREADS,
                setup: "CPython; the core count is not given",
                figures: &[],
                note: "The article gives no timing: its output shows the two threads printing each number together, \
                       so both finish in the time of one.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "sleep", "ms": 500}, "tasks": 10,
                    "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                    "workers": [2], "repeat": 1, "warmup": 0}"#,
            ),
        },
        Preset {
            id: "mandelbrot-sweep",
            title: "Mandelbrot rows, 1 to 8 workers",
            claim: "A CPU-bound image splits into rows; parallel workers help up to the core count.",
            scaling: "threadlab's own experiment, not an article's: 16 bands of a 1600 x 1200 image, handed to \
                      the processes one band at a time (chunksize 1): the bands through the middle of the set \
                      cost several times the outer ones, and larger chunks leave one worker the heavy ones.",
            article: None,
            spec: parse(
                r#"{"workload": {"kind": "mandelbrot", "width": 1600, "height": 1200, "max_iter": 500}, "tasks": 16,
                    "modes": ["sequential", "threads", "threads-gil", "processes"],
                    "workers": [1, 2, 4, 8], "repeat": 2, "warmup": 0, "processes": {"start": "warm", "chunksize": 1}}"#,
            ),
        },
        Preset {
            id: "download-threads-vs-processes",
            title: "Download 10 pages: 10 threads vs 10 processes",
            claim: "Downloading is I/O-bound: threads wait in parallel despite the GIL, so they beat sequential code as much as processes do, without starting processes.",
            scaling: "The article's counts, from the built-in endpoint with a 200 ms delay, a stand-in for a public \
                      API's latency that every visitor gets alike (a wait is not faster in Wasm).",
            article: Some(Article {
                title: FIB_AND_DOWNLOADS,
                setup: "CPython; the core count is not given",
                figures: &[],
                note: "The article shows its timings only as screenshots: no figure to compare here.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "fetch", "delay_ms": 200, "bytes": 20480}, "tasks": 10,
                    "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                    "workers": [10], "repeat": 3, "warmup": 1}"#,
            ),
        },
        Preset {
            id: "letters-fetch-write",
            title: "Fetch 26 letters and write each to {letter}.txt",
            claim: "Fetching and writing files is waiting, not computing: threads finish in a fraction of the sequential time.",
            scaling: "The article's 26 letters, each fetched from the built-in endpoint (100 ms) and written to \
                      {letter}.txt in the browser's private file system.",
            article: Some(Article {
                title: LETTERS,
                setup: "CPython, concurrent.futures pools of the default size; the core count is not given",
                figures: &[],
                note: "The article gives its times only as screenshots; it says the thread pool finished almost 4x \
                       sooner than the process pool.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "fetch_write", "delay_ms": 100, "bytes": 1024}, "tasks": 26,
                    "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                    "workers": [4, 16], "repeat": 3, "warmup": 1}"#,
            ),
        },
        Preset {
            id: "letters-cpu-threads-vs-processes",
            title: "Process 26 letters: thread pool vs process pool",
            claim: "Processing the letters is CPU work: the thread pool is no faster than one thread, the process pool is several times faster.",
            scaling: "The article's 26 letters, each a loop of 64 million multiply-and-modulo steps (~150 ms in \
                      Wasm), so that starting the 4 process workers inside the run costs about as little beside a \
                      letter as a fork does beside the article's CPython loop.",
            article: Some(Article {
                title: LETTERS,
                setup: "CPython, concurrent.futures pools of the default size; the core count is not given",
                figures: &[],
                note: "The article gives its times only as screenshots; it says the process pool finished about 3.5x \
                       sooner than the thread pool.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "letters"}, "tasks": 26,
                    "modes": ["sequential", "threads", "threads-gil", "processes"],
                    "workers": [4], "repeat": 2, "warmup": 0}"#,
            ),
        },
        Preset {
            id: "fetch-100-sweep",
            title: "Fetch 100 pages with 1 to 16 workers",
            claim: "More threads download more pages at once: time falls with every worker added, until the server or the connection limit says no.",
            scaling: "The article's 100 pages and worker counts, threads against processes, from the built-in \
                      endpoint with a 50 ms delay: the article's pages took ~150 ms each, and a shorter wait keeps \
                      every proportion (a wait is not faster in Wasm) with the 1-worker runs under 6 s.",
            article: Some(Article {
                title: WORKER_TABLES,
                setup: "CPython, 4 cores",
                figures: FETCH_TABLE,
                note: "",
            }),
            spec: parse(
                r#"{"workload": {"kind": "fetch", "delay_ms": 50}, "tasks": 100,
                    "modes": ["threads-gil", "processes"],
                    "workers": [1, 2, 4, 8, 16], "repeat": 1, "warmup": 0, "processes": {"start": "warm"}}"#,
            ),
        },
        Preset {
            id: "image-queue-5-threads",
            title: "A queue of 30 image downloads, 5 threads",
            claim: "Five threads taking downloads from a queue finish about five times sooner than one loop downloading one image after another.",
            scaling: "The article's 6 images x 5 = 30 downloads and 5 threads, 200 KB each from the built-in \
                      endpoint (150 ms).",
            article: Some(Article {
                title: DEEP_DIVE,
                setup: "CPython; the core count is not given",
                figures: &[],
                note: "The article gives no timing for the downloads.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "fetch", "delay_ms": 150, "bytes": 204800}, "tasks": 30,
                    "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                    "workers": [5], "repeat": 2, "warmup": 1}"#,
            ),
        },
        Preset {
            id: "shared-counter",
            title: "A shared counter: threads race, a lock fixes it",
            claim: "Threads share memory, so two of them adding to one counter without a lock lose updates; a lock keeps every one, and processes, each counting in its own memory and sending its total through a queue, count exactly.",
            scaling: "The article shows a shared Counter and a multiprocessing.Queue without running a race; here 2 \
                      threads each add 1 to one counter 5 million times, unsynchronised (a read, then a write), \
                      with a lock and with an atomic add, with and without the emulated GIL, against 2 processes.",
            article: Some(Article {
                title: WORKER_TABLES,
                setup: "CPython; no figures for this part",
                figures: &[],
                note: "The article counts pages with a shared Counter and passes results through a \
                       multiprocessing.Queue; it warns that a plain shared structure needs a Lock, without timing it.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "counter", "n": 5000000, "sync": ["none", "lock", "atomic"]}, "tasks": 2,
                    "modes": ["sequential", "threads", "threads-gil", "processes"],
                    "workers": [2], "repeat": 3, "warmup": 1, "processes": {"start": "warm"}}"#,
            ),
        },
        Preset {
            id: "pass-100mb",
            title: "Passing 100 MB to workers: shared memory vs copy vs transfer",
            claim: "Threads share one memory, so every thread reads the same data for free; processes have separate memories, so data must be passed to each (through a Queue or a Pipe, which copy it), unless it is put in shared memory.",
            scaling: "The article passes small results through a Queue without timing it; here every one of 4 \
                      tasks reads one 100 MB input. Threads read it in place; 2 warm process workers receive it \
                      per task by structured-clone copy, by transfer (a copy made for each worker, then moved) \
                      and as one SharedArrayBuffer, as multiprocessing.shared_memory shares it. The passing is \
                      timed apart from the reading.",
            article: Some(Article {
                title: WORKER_TABLES,
                setup: "CPython; no figures for this part",
                figures: &[],
                note: "The article explains that threads exchange data through shared variables while processes, \
                       with separate memory spaces, must pass it explicitly through Queue, Pipe or Value; it \
                       times neither.",
            }),
            spec: parse(
                r#"{"workload": {"kind": "pass", "mb": 100, "via": ["copy", "transfer", "shared"]}, "tasks": 4,
                    "modes": ["sequential", "threads", "processes"],
                    "workers": [2], "repeat": 3, "warmup": 1, "processes": {"start": "warm"}}"#,
            ),
        },
        Preset {
            id: "crash-thread-vs-process",
            title: "One task crashes: threads vs processes",
            claim: "A crash in one thread brings the whole program down; a crashing worker process takes only its own task with it, and the pool carries on.",
            scaling: "threadlab's own experiment, not an article's: task 3 of 10 panics.",
            article: None,
            spec: parse(
                r#"{"workload": {"kind": "fault", "fault": "panic", "at_task": 3, "n": 30}, "tasks": 10,
                    "modes": ["sequential", "threads", "processes"],
                    "workers": [4], "repeat": 1, "warmup": 0, "processes": {"start": "warm"}}"#,
            ),
        },
    ]
}

/// Preset specs are JSON text, parsed when the list is made: as data they weigh far less in the
/// page's module than as `json!` code (a test checks that each one parses and is valid).
fn parse(spec: &str) -> Value {
    serde_json::from_str(spec).expect("a preset spec is valid JSON")
}

pub fn find(id: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.id == id)
}

/// The preset whose claim a spec tests, with its spec parsed: the same experiment, else the
/// first of the same kind of work (a custom fib run is checked against the fib preset's claim),
/// else the first of the same shape (CPU, waiting or crashing work).
pub fn matching(spec: &Spec) -> Option<(Preset, Spec)> {
    let parsed: Vec<(Preset, Spec)> =
        all().into_iter().filter_map(|p| Spec::from_value(&p.spec).ok().map(|q| (p, q))).collect();
    let kind = spec.workload.kind_name();
    let shape = Shape::of(&spec.workload);
    let index = parsed
        .iter()
        .position(|(_, q)| q == spec)
        .or_else(|| parsed.iter().position(|(_, q)| q.workload.kind_name() == kind))
        .or_else(|| parsed.iter().position(|(_, q)| Shape::of(&q.workload) == shape))?;
    parsed.into_iter().nth(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Spec;

    #[test]
    fn every_preset_is_a_valid_spec_with_a_unique_id() {
        let presets = all();
        for p in &presets {
            Spec::from_value(&p.spec).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert_eq!(presets.iter().filter(|q| q.id == p.id).count(), 1);
        }
        assert!(find("fib-threads-vs-processes").is_some());
        assert!(find("nope").is_none());
    }
}
