//! How long a spec will take, roughly, before it runs: the page asks before starting anything
//! estimated to take over a minute. A cost model per task (calibrated on Wasm in Chromium on a
//! 2-core machine of 2026, rounded up), scaled by the plan; it errs long rather than short.

use crate::plan;
use crate::spec::{Mode, ProcessStart, Spec};
use threadlab_workloads::{Task, TaskKind, Workload};

/// Runs longer than this ask first.
pub const ASK_ABOVE_MS: f64 = 60_000.0;

/// Per-operation costs in nanoseconds.
const NS_PER_FIB_CALL: f64 = 1.0;
const NS_PER_SUMMED: f64 = 0.5;
const NS_PER_DIVISION: f64 = 4.0;
const NS_PER_APPENDED: f64 = 4.0;
const NS_PER_MANDELBROT_ITER: f64 = 1.5;
const NS_PER_LETTER_OP: f64 = 2.5;
/// Throughput of a download's body (transfer, hashing, a file write).
/// One update of the counter, uncontended.
const NS_PER_COUNTED: f64 = 3.0;
/// One 8-byte word of a `pass` input read and folded.
const NS_PER_READ_WORD: f64 = 2.0;
/// Passing 1 MB to a process worker by message (a copy at about 1 GB/s; the page makes them
/// one after another).
const MS_PER_MB_PASSED: f64 = 1.0;
const BYTES_PER_MS: f64 = 100_000.0;
/// A process worker started inside a timed run.
const COLD_START_MS: f64 = 40.0;
/// A message to a worker and its answer, per task.
const DISPATCH_MS: f64 = 0.1;
/// Engines started and warmed up before the first timed run.
const SET_UP_MS: f64 = 1_500.0;

/// CPU milliseconds of one task (waits excluded).
fn cpu_ms(task: &Task) -> f64 {
    let ns = match task.kind {
        TaskKind::Fib { n } => fib_calls(n) * NS_PER_FIB_CALL,
        TaskKind::Sum { start, end } => end.saturating_sub(start) as f64 * NS_PER_SUMMED,
        TaskKind::Primes { start, end } => divisions_below(end) - divisions_below(start),
        TaskKind::SampleAppend { n, .. } => f64::from(n) * NS_PER_APPENDED,
        TaskKind::Mandelbrot { width, max_iter, row_start, row_end, .. } => {
            // Most points of the usual view escape early; about a third run to max_iter.
            f64::from(width)
                * f64::from(row_end.saturating_sub(row_start))
                * f64::from(max_iter)
                * 0.35
                * NS_PER_MANDELBROT_ITER
        }
        TaskKind::Letter { n, .. } => f64::from(n) * NS_PER_LETTER_OP,
        // Uncontended; a lock shared by busy threads costs several times more.
        TaskKind::Count { n } => n as f64 * NS_PER_COUNTED,
        TaskKind::Read { mb } => {
            (u64::from(mb) * threadlab_workloads::pass::WORDS_PER_MB as u64) as f64 * NS_PER_READ_WORD
        }
        TaskKind::Sleep { .. } | TaskKind::Fetch { .. } | TaskKind::Fault { .. } => 0.0,
    };
    ns / 1e6
}

/// Calls recursive fib(n) makes: 2 fib(n + 1) - 1.
fn fib_calls(n: u32) -> f64 {
    let phi: f64 = 1.618_033_988_75;
    2.0 * phi.powi(n as i32 + 1) / 5f64.sqrt()
}

/// Trial divisions (in ns) to test every number below x: primes dominate, each costing about
/// sqrt(p) / 2 odd divisors; there are about x / ln x of them.
fn divisions_below(x: u64) -> f64 {
    if x < 3 {
        return 0.0;
    }
    let x = x as f64;
    x / x.ln() * x.sqrt() / 3.0 * NS_PER_DIVISION
}

/// Milliseconds one task waits (sleep, the endpoint's delay, a body's transfer).
fn wait_ms(workload: &Workload, task: &Task) -> f64 {
    match task.kind {
        TaskKind::Sleep { ms } => f64::from(ms),
        TaskKind::Fetch { .. } => workload.download().map_or(0.0, |(d, write)| {
            let transfer = f64::from(d.bytes()) / BYTES_PER_MS * if write { 2.0 } else { 1.0 };
            // A user's URL: assume a typical page's round trip.
            (if d.url.is_some() { 300.0 } else { f64::from(d.delay_ms()) }) + transfer
        }),
        _ => 0.0,
    }
}

/// One run (a repetition) of `mode` with `workers` workers on a machine with `cores` cores; no
/// run lasts longer than the spec's time limit.
pub fn run_ms(spec: &Spec, mode: Mode, workers: u32, cores: u32) -> f64 {
    let limit = f64::from(spec.time_limit_s) * 1000.0;
    uncapped_run_ms(spec, mode, workers, cores).min(limit)
}

/// As [`run_ms`], were there no time limit (a hang: for ever).
fn uncapped_run_ms(spec: &Spec, mode: Mode, workers: u32, cores: u32) -> f64 {
    let tasks = spec.workload.tasks(spec.tasks);
    let cpu: f64 = tasks.iter().map(cpu_ms).sum();
    let each_wait: Vec<f64> = tasks.iter().map(|t| wait_ms(&spec.workload, t)).collect();
    let longest_wait = each_wait.iter().copied().fold(0.0, f64::max);
    let waits: f64 = each_wait.iter().sum();
    let parallel = f64::from(workers.min(cores.max(1)));
    let k = f64::from(workers.max(1));
    let n = f64::from(spec.tasks);
    let dispatch = n * DISPATCH_MS;
    let hang = matches!(spec.workload, Workload::Fault { fault: threadlab_workloads::fault::Fault::Hang, .. });
    let ms = match mode {
        Mode::Sequential => cpu + waits + dispatch,
        // Waits overlap, CPU work does not.
        Mode::Async => cpu + longest_wait + dispatch,
        // One thread computes at a time; waits overlap k at a time.
        Mode::ThreadsGil => cpu + waits / k + dispatch,
        Mode::Threads => cpu / parallel + waits / k + dispatch,
        Mode::Processes => {
            let start = if spec.processes.start == ProcessStart::Cold { COLD_START_MS * k / parallel } else { 0.0 };
            let passing = match spec.workload {
                Workload::Pass { mb, .. } => n * f64::from(mb) * MS_PER_MB_PASSED,
                _ => 0.0,
            };
            cpu / parallel + waits / k + dispatch + start + passing
        }
    };
    if hang {
        f64::INFINITY
    } else {
        ms
    }
}

/// The whole spec: every cell's warm-up and timed runs, plus setting the engines up.
pub fn spec_ms(spec: &Spec, cores: u32) -> f64 {
    let runs = f64::from(plan::runs_per_cell(spec));
    SET_UP_MS + plan::cells(spec).iter().map(|c| run_ms(spec, c.mode, c.workers, cores) * runs).sum::<f64>()
}

/// "about 3 min", "about 45 s".
pub fn describe_ms(ms: f64) -> String {
    let s = ms / 1000.0;
    if s >= 90.0 {
        format!("about {:.0} min", s / 60.0)
    } else {
        format!("about {:.0} s", s.max(1.0))
    }
}

/// The question to ask before a long run, or `None` when it is short enough to just start.
pub fn confirmation(spec: &Spec, cores: u32) -> Option<String> {
    let ms = spec_ms(spec, cores);
    if ms <= ASK_ABOVE_MS {
        return None;
    }
    let limit = f64::from(spec.time_limit_s) * 1000.0;
    let over: Vec<String> = plan::cells(spec)
        .iter()
        .filter(|c| uncapped_run_ms(spec, c.mode, c.workers, cores) > limit)
        .map(|c| format!("{} with {}", c.mode.name(), c.workers))
        .collect();
    let stopped = if over.is_empty() {
        String::new()
    } else {
        format!(" Runs of {} would exceed the time limit of {} s and be stopped.", over.join(", "), spec.time_limit_s)
    };
    Some(format!("This experiment will take {} (an estimate from its size).{stopped} Run it?", describe_ms(ms)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn spec(json: &str) -> Spec {
        Spec::parse(json).unwrap()
    }

    #[test]
    fn every_preset_starts_without_asking_on_two_cores() {
        for p in presets::all() {
            let s = Spec::from_value(&p.spec).unwrap();
            assert!(confirmation(&s, 2).is_none(), "{}: {}", p.id, describe_ms(spec_ms(&s, 2)));
        }
    }

    #[test]
    fn big_experiments_ask_first_and_say_how_long() {
        let s = spec(r#"{"workload": {"kind": "fib", "n": 40}, "tasks": 100, "workers": [1, 2, 4, 8, 16]}"#);
        let question = confirmation(&s, 2).expect("asks");
        assert!(question.contains("min"), "{question}");
        let sleepy = r#"{"workload": {"kind": "sleep", "ms": 10000}, "tasks": 20, "modes": ["sequential", "async"], "repeat": 1, "warmup": 0"#;
        assert!(spec_ms(&spec(&format!(r#"{sleepy}, "time_limit_s": 3600}}"#)), 2) >= 200_000.0);
        let question = confirmation(&spec(&format!("{sleepy}}}")), 2).expect("asks");
        assert!(question.contains("Runs of sequential with 1 would exceed the time limit of 120 s"), "{question}");
        assert!(!question.contains("async"), "{question}");
    }

    #[test]
    fn the_model_follows_the_execution_models() {
        let s = spec(r#"{"workload": {"kind": "fib", "n": 32}, "tasks": 8}"#);
        let at = |m, k| run_ms(&s, m, k, 2);
        // fib(32) is ~7 million calls: a few ms per task.
        assert!((3.0..30.0).contains(&(at(Mode::Sequential, 1) / 8.0)));
        assert!((at(Mode::Threads, 2) - at(Mode::Sequential, 1) / 2.0).abs() < 1.0);
        assert_eq!(at(Mode::Threads, 2), at(Mode::Threads, 8), "no more than the cores");
        assert!((at(Mode::ThreadsGil, 2) - at(Mode::Sequential, 1)).abs() < 1.0, "the GIL serialises");
        let io = spec(r#"{"workload": {"kind": "fetch", "delay_ms": 200}, "tasks": 12}"#);
        let io_at = |m, k| run_ms(&io, m, k, 2);
        assert!(io_at(Mode::Sequential, 1) >= 2400.0);
        assert!(io_at(Mode::Async, 1) < 300.0);
        assert!((io_at(Mode::ThreadsGil, 4) - io_at(Mode::Sequential, 1) / 4.0).abs() < 50.0, "waits release the GIL");
    }

    #[test]
    fn a_hang_costs_its_time_limit_and_nothing_costs_more() {
        let hang = spec(
            r#"{"workload": {"kind": "fault", "fault": "hang"}, "time_limit_s": 7, "modes": ["threads"], "workers": [2]}"#,
        );
        assert_eq!(run_ms(&hang, Mode::Threads, 2, 2), 7000.0);
        let huge = spec(r#"{"workload": {"kind": "sleep", "ms": 10000}, "tasks": 1024, "time_limit_s": 10}"#);
        assert_eq!(run_ms(&huge, Mode::Sequential, 1, 2), 10_000.0);
    }
}
