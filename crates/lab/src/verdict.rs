//! The verdict: a few sentences computed from the measured numbers.

use crate::runs::{Env, RunRecord};
use crate::spec::{Mode, ProcessStart, Spec};
use serde::{Deserialize, Serialize};
use threadlab_workloads::fault::Fault;
use threadlab_workloads::Workload;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub summary: String,
    pub details: Vec<String>,
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn times(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}x")
    } else {
        format!("{x:.2}x")
    }
}

/// Within 5%: closer than this machine's noise lets us tell apart.
fn about_same(ratio: f64) -> bool {
    (0.95..=1.05).contains(&ratio)
}

/// The best (lowest median) run of a mode.
fn best(runs: &[RunRecord], mode: Mode) -> Option<&RunRecord> {
    runs.iter()
        .filter(|r| r.mode == mode && r.median_ms.is_some())
        .min_by(|a, b| a.median_ms.unwrap().total_cmp(&b.median_ms.unwrap()))
}

/// Tasks of the run's last repetition that finished without error. A run that failed outright
/// has no samples: nothing of it survived.
fn finished_tasks(r: &RunRecord) -> usize {
    if r.samples_ms.is_empty() {
        0
    } else {
        r.trace.iter().filter(|e| e.error.is_none()).count()
    }
}

/// A fault workload is about what survives a crash, not about speed: per run, how many tasks
/// finished, and the lesson when processes and threads tell it apart.
fn fault_verdict(spec: &Spec, fault: Fault, at_task: u32, runs: &[RunRecord]) -> Verdict {
    let what = match fault {
        Fault::Panic => "panicked",
        Fault::Trap => "hit a WebAssembly trap",
        Fault::Oom => "ran out of memory",
        Fault::Hang => "never ended",
    };
    let mut details = Vec::new();
    let mut kept_most = Vec::new();
    let mut lost_all = Vec::new();
    for r in runs.iter().filter(|r| r.skipped.is_none()) {
        let stopped = r.samples_ms.is_empty();
        let finished = finished_tasks(r);
        let why = r.errors.first().map(|e| format!(": {e}")).unwrap_or_default();
        details.push(format!("{}: {finished} of {} tasks finished{why}", r.label(), spec.tasks));
        if finished + 1 >= spec.tasks as usize && !stopped {
            kept_most.push(r.label());
        } else if finished == 0 {
            lost_all.push(r.label());
        }
    }
    let summary = match (kept_most.is_empty(), lost_all.is_empty()) {
        (false, false) => format!(
            "Task {at_task} {what}: {} lost only that task, {} lost everything. A crashing process takes only itself down; a crashing thread takes its siblings with it.",
            and_list(&kept_most),
            and_list(&lost_all)
        ),
        (true, false) if fault == Fault::Hang => format!(
            "Task {at_task} {what}: every mode was stopped at the time limit of {} s. A stuck task cannot be interrupted from inside; only ending its worker stops it.",
            spec.time_limit_s
        ),
        (true, false) => format!("Task {at_task} {what}, and every mode lost its whole run."),
        (false, true) => format!("Task {at_task} {what}; {} lost only that task.", and_list(&kept_most)),
        (true, true) => format!("Task {at_task} {what}; see what each mode kept."),
    };
    Verdict { summary, details }
}

impl Verdict {
    pub fn from_runs(spec: &Spec, env: &Env, runs: &[RunRecord]) -> Verdict {
        if let Workload::Fault { fault, at_task, .. } = spec.workload {
            return fault_verdict(spec, fault, at_task, runs);
        }
        if let Workload::Counter { .. } = spec.workload {
            let (summary, details) = crate::race::verdict(spec, runs);
            return Verdict { summary, details };
        }
        if let Workload::Pass { .. } = spec.workload {
            let (summary, details) = crate::passing::verdict(runs);
            return Verdict { summary, details };
        }
        // Only results that passed verification can win.
        let measured: Vec<&RunRecord> = runs.iter().filter(|r| r.median_ms.is_some() && r.verified).collect();
        let Some(winner) = measured.iter().min_by(|a, b| a.median_ms.unwrap().total_cmp(&b.median_ms.unwrap())) else {
            return nothing_compared(runs);
        };
        let waiting = spec.workload.is_waiting();
        let mut details = Vec::new();
        details.extend(gil_against_threads(spec, runs));
        details.extend(gil_against_processes(spec, runs));
        details.extend(gil_waits(runs));
        if !waiting {
            details.extend(cores(spec, env));
        }
        details.extend(processes(spec, runs));
        if !waiting {
            details.extend(async_on_cpu(runs));
        }
        if waiting {
            details.extend(io_details(spec, runs));
        }
        skipped(runs, &mut details);
        unverified_first(runs, &mut details);
        Verdict { summary: fastest(winner, best(runs, Mode::Sequential)), details }
    }
}

/// No verified run: the first problem, or why nothing ran.
fn nothing_compared(runs: &[RunRecord]) -> Verdict {
    if let Some(first) = runs.iter().find_map(|r| Some(format!("{}: {}", r.label(), r.errors.first()?))) {
        let failed: Vec<String> = runs.iter().filter(|r| r.skipped.is_none()).map(RunRecord::label).collect();
        return Verdict {
            summary: "No mode completed its tasks correctly, so nothing can be compared.".into(),
            details: vec![
                format!("Results that failed verification: {}. Their timings are not trustworthy.", failed.join(", ")),
                format!("First problem: {first}."),
            ],
        };
    }
    let reasons: Vec<String> =
        runs.iter().filter_map(|r| Some(format!("{}: {}", r.mode.name(), r.skipped.as_ref()?))).collect();
    Verdict { summary: "Nothing was measured.".into(), details: reasons }
}

/// "X was fastest (median, and its speed against sequential)".
fn fastest(winner: &RunRecord, sequential: Option<&RunRecord>) -> String {
    let mut summary = format!("{} was fastest ({:.1} ms median", winner.label(), winner.median_ms.unwrap());
    match (sequential, winner.speedup) {
        (Some(seq), Some(s)) if seq.mode != winner.mode => {
            summary.push_str(&format!(", {} the speed of sequential at {:.1} ms).", times(s), seq.median_ms.unwrap()))
        }
        _ => summary.push_str(")."),
    }
    summary
}

/// Runs of modes `a` and `b` at the largest worker count above 1 where both were measured: mode
/// against mode only at the same count, and with one worker the GIL has nobody to exclude.
fn pair<'r>(spec: &Spec, runs: &'r [RunRecord], a: Mode, b: Mode) -> Option<(&'r RunRecord, &'r RunRecord)> {
    let at = |m: Mode, k: u32| runs.iter().find(|r| r.mode == m && r.workers == k && r.median_ms.is_some());
    let k = spec.workers.iter().rev().copied().find(|&k| k > 1 && at(a, k).is_some() && at(b, k).is_some())?;
    Some((at(a, k)?, at(b, k)?))
}

fn gil_against_threads(spec: &Spec, runs: &[RunRecord]) -> Option<String> {
    let (gil, threads) = pair(spec, runs, Mode::ThreadsGil, Mode::Threads)?;
    let ratio = gil.median_ms.unwrap() / threads.median_ms.unwrap();
    let k = gil.workers;
    Some(match (spec.workload.is_waiting(), about_same(ratio)) {
        (true, _) => format!("With {k} workers, threads with the GIL took {} the time of free threads: waiting releases the GIL, so their waits overlap as in CPython.", times(ratio)),
        (false, true) => format!("With {k} workers, threads with the GIL were about as fast as free threads: the free threads gained nothing here, so the GIL cost nothing."),
        (false, false) => format!("With {k} workers, threads with the GIL took {} the time of free threads: only the thread holding the GIL computes, as in CPython.", times(ratio)),
    })
}

fn gil_against_processes(spec: &Spec, runs: &[RunRecord]) -> Option<String> {
    let (gil, procs) = pair(spec, runs, Mode::ThreadsGil, Mode::Processes)?;
    let ratio = gil.median_ms.unwrap() / procs.median_ms.unwrap();
    let k = gil.workers;
    let cold = spec.processes.start == ProcessStart::Cold;
    Some(if about_same(ratio) {
        format!("With {k} workers, processes and threads with the GIL took about the same time.")
    } else if ratio > 1.0 && !spec.workload.is_waiting() {
        format!("With {k} workers, processes were {} faster than threads with the GIL: each process computes on its own, no lock is shared.", times(ratio))
    } else if ratio > 1.0 {
        format!("With {k} workers, processes were {} faster than threads with the GIL.", times(ratio))
    } else if cold {
        format!("With {k} workers, threads with the GIL were {} faster than processes, which paid their start-up inside the run.", times(1.0 / ratio))
    } else {
        format!("With {k} workers, threads with the GIL were {} faster than processes, which exchange every task by message.", times(1.0 / ratio))
    })
}

fn gil_waits(runs: &[RunRecord]) -> Option<String> {
    let gil = best(runs, Mode::ThreadsGil)?;
    let waited: f64 = gil.trace.iter().map(|e| e.gil_wait_ms).sum();
    (waited > 0.0)
        .then(|| format!("In the last {} run, threads spent {waited:.1} ms in total waiting for the GIL.", gil.label()))
}

/// CPU work: the cores bound every speedup, and workers beyond them take turns.
fn cores(spec: &Spec, env: &Env) -> Vec<String> {
    let mut details = vec![format!(
        "Your browser reports {} core{} (navigator.hardwareConcurrency, not a measurement), so {}x is the best \
         speedup any mode can show on CPU work.",
        env.cores,
        if env.cores == 1 { "" } else { "s" },
        env.cores
    )];
    if spec.max_workers() > env.cores && spec.modes.iter().any(|m| !m.is_single_threaded()) {
        details.push(format!(
            "Runs with more workers than cores ({}) cannot compute faster: the extra workers take turns.",
            env.cores
        ));
    }
    details
}

/// The processes' start-up, and a chunksize that did not apply.
fn processes(spec: &Spec, runs: &[RunRecord]) -> Vec<String> {
    let Some(procs) = best(runs, Mode::Processes) else { return vec![] };
    let mut details = Vec::new();
    if let Some(startup) = procs.startup_ms {
        let how = match spec.processes.start {
            ProcessStart::Cold => "inside the timed run, as multiprocessing does",
            ProcessStart::Warm => "before timing",
        };
        details.push(format!("Starting a process worker took {startup:.1} ms on average, {how}."));
    }
    if let (true, Some(n)) = (spec.workload.is_waiting(), spec.processes.chunksize) {
        // Accepted (a form keeps it across workloads) but not used: say so rather than let the
        // number look as if it had shaped the run (plan::dispatch).
        details.push(format!("The chunksize {n} did not apply: waiting tasks went to the processes one per message."));
    }
    details
}

fn async_on_cpu(runs: &[RunRecord]) -> Option<String> {
    let s = best(runs, Mode::Async)?.speedup?;
    Some(format!("async ran at {} sequential speed: one thread, so CPU work runs one task at a time.", times(s)))
}

/// Each skip reason once.
fn skipped(runs: &[RunRecord], details: &mut Vec<String>) {
    for r in runs {
        if let Some(reason) = &r.skipped {
            let line = format!("{} was skipped: {reason}", r.mode.name());
            if !details.contains(&line) {
                details.push(line);
            }
        }
    }
}

/// Failed verification goes first: the timings after it are not to be trusted.
fn unverified_first(runs: &[RunRecord], details: &mut Vec<String>) {
    let unverified: Vec<String> =
        runs.iter().filter(|r| r.skipped.is_none() && !r.verified).map(RunRecord::label).collect();
    if unverified.is_empty() {
        return;
    }
    details.insert(
        0,
        format!("Results that failed verification: {}. Their timings are not trustworthy.", unverified.join(", ")),
    );
    if let Some(first) = runs.iter().find_map(|r| Some(format!("{}: {}", r.label(), r.errors.first()?))) {
        details.insert(1, format!("First problem: {first}."));
    }
}

/// One line of "when to use which", pointing at the run that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    pub text: String,
    /// The measured run this line rests on: (mode, workers).
    pub evidence: Option<(Mode, u32)>,
}

/// General advice, each line with this report's own number for it where one was measured.
pub fn when_to_use(spec: &Spec, runs: &[RunRecord]) -> Vec<Advice> {
    let measured = |mode: Mode| best(runs, mode).filter(|r| r.verified && r.speedup.is_some());
    // The measurement backs the advice only when the mode beat sequential; otherwise it says why
    // it did not here, rather than citing a number that contradicts the line.
    let here = |r: Option<&RunRecord>| {
        r.map(|r| {
            let speed = r.speedup.unwrap_or(1.0);
            if speed > 1.0 {
                format!(" Here: {} at {} sequential speed.", r.label(), times(speed))
            } else {
                format!(" Not here: {} ran at {} sequential speed; these tasks were too short for what it costs to start and hand out work.", r.label(), times(speed))
            }
        })
    };
    let advice = |text: &str, r: Option<&RunRecord>| Advice {
        text: format!("{text}{}", here(r).unwrap_or_default()),
        evidence: r.map(|r| (r.mode, r.workers)),
    };
    if let Workload::Counter { .. } = spec.workload {
        let processes = best(runs, Mode::Processes).filter(|r| r.verified);
        return vec![
            Advice {
                text: "Data several threads update: behind a lock, or with atomic operations. An unsynchronised read-modify-write loses updates, with a GIL or without.".into(),
                evidence: None,
            },
            Advice {
                text: "Processes share nothing to race on: each works on its own copy and sends a result by message (a Queue, a Pipe), at the price of that message.".into(),
                evidence: processes.map(|r| (r.mode, r.workers)),
            },
        ];
    }
    if let Workload::Pass { .. } = spec.workload {
        let threads = best(runs, Mode::Threads).filter(|r| r.verified);
        // Processes rows are one per way of passing: no single row to point to.
        return vec![
            Advice {
                text: "Large data every worker reads: threads, which read it in place, or processes given it in shared memory (multiprocessing.shared_memory; a SharedArrayBuffer here).".into(),
                evidence: threads.map(|r| (r.mode, r.workers)),
            },
            Advice {
                text: "Passing data to processes by message (a Queue, a Pipe, postMessage) copies it for each one: worth it when each MB received is worth far more computing than its copy costs.".into(),
                evidence: None,
            },
        ];
    }
    let waiting = spec.workload.is_waiting();
    let mut lines = Vec::new();
    if matches!(spec.workload, Workload::Fault { .. }) {
        let survivor = best(runs, Mode::Processes);
        lines.push(Advice {
            text: format!(
                "Work that may crash (native extensions, untrusted input, memory-hungry tasks): processes; a crash ends one process and the pool carries on, while a crashing thread takes every thread of its program with it.{}",
                survivor.map(|r| format!(" Here: {} finished {} of {} tasks.", r.label(), finished_tasks(r), spec.tasks)).unwrap_or_default()
            ),
            evidence: survivor.map(|r| (r.mode, r.workers)),
        });
    }
    lines.extend([
        advice(
            "CPU-bound work in a language with a GIL (CPython): processes, one per core; threads take turns on the lock.",
            measured(if waiting { Mode::ThreadsGil } else { Mode::Processes }).filter(|_| !waiting),
        ),
        advice("CPU-bound work without a GIL (Rust, Java, free-threaded Python): threads, sharing memory for free.", measured(Mode::Threads).filter(|_| !waiting)),
        advice(
            "Waiting (network, disk, sleep): threads or async; waiting releases the GIL, so they overlap as well as processes, without the start-up.",
            measured(if waiting { Mode::Async } else { Mode::ThreadsGil }).filter(|_| waiting),
        ),
    ]);
    if let Some(procs) = best(runs, Mode::Processes).filter(|r| r.startup_ms.is_some()) {
        lines.push(Advice {
            text: format!(
                "Processes pay to start ({:.0} ms per worker here) and to copy data: worth it for tasks much longer than that.",
                procs.startup_ms.unwrap_or_default()
            ),
            evidence: Some((procs.mode, procs.workers)),
        });
    }
    lines
}

/// Browsers open at most this many HTTP/1.1 connections to one host.
pub const CONNECTIONS_PER_HOST: u32 = 6;

/// What limited waiting work: the sequential sum of waits, and the browser's connection limit
/// when a sweep against a real host stops scaling past it.
fn io_details(spec: &Spec, runs: &[RunRecord]) -> Vec<String> {
    let mut details = Vec::new();
    if let Some(seq) = best(runs, Mode::Sequential) {
        details.push(format!(
            "sequential waited for each of the {} tasks in turn ({:.0} ms): waiting work overlaps in every other mode, with or without a GIL.",
            spec.tasks,
            seq.median_ms.unwrap_or_default()
        ));
    }
    let user_url = spec.workload.download().is_some_and(|(d, _)| d.url.is_some());
    if !user_url {
        return details;
    }
    for mode in [Mode::Threads, Mode::ThreadsGil, Mode::Processes] {
        let at = |k: u32| runs.iter().find(|r| r.mode == mode && r.workers == k).and_then(|r| r.median_ms);
        let below = spec.workers.iter().rev().copied().find(|&k| k > 1 && k <= CONNECTIONS_PER_HOST && at(k).is_some());
        let above = spec.workers.iter().rev().copied().find(|&k| k > CONNECTIONS_PER_HOST && at(k).is_some());
        if let (Some(lo), Some(hi)) = (below, above) {
            let (t_lo, t_hi) = (at(lo).unwrap(), at(hi).unwrap());
            // Scaling would divide the time by hi/lo; flattened means well short of that.
            let gained = t_lo / t_hi;
            if gained < 0.75 * f64::from(hi) / f64::from(lo) {
                details.push(format!(
                    "{} with {hi} workers took {times_} the time of {lo}: the browser opens at most {CONNECTIONS_PER_HOST} HTTP/1.1 \
                     connections to one host, so beyond {CONNECTIONS_PER_HOST} workers requests queue for a connection \
                     (HTTP/2 hosts multiplex and can go further; the built-in endpoint uses no connection at all).",
                    mode.name(),
                    times_ = times(t_hi / t_lo),
                ));
                break;
            }
        }
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Cell;
    use crate::protocol::TaskOutcome;
    use crate::report::{Report, Sample};

    fn measured(mode: Mode, workers: u32, ms: f64) -> RunRecord {
        let outcomes = vec![TaskOutcome {
            task: 0,
            worker: 1,
            start: 0.0,
            end: ms,
            checksum: 1,
            gil_waits: vec![(0.0, 2.0)],
            ..Default::default()
        }];
        RunRecord::measured(
            Cell::new(mode, workers),
            &[Sample { wall_ms: ms, run_start: 0.0, outcomes, startup_ms: None, counted: None }],
            &[Some(1)],
            0.0,
        )
    }

    fn env() -> Env {
        Env {
            cores: 2,
            cross_origin_isolated: true,
            user_agent: "t".into(),
            timer_resolution_ms: 0.005,
            version: "t".into(),
        }
    }

    #[test]
    fn names_the_winner_and_explains_the_gil_from_the_numbers() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 30}, "workers": [2, 4]}"#).unwrap();
        let runs = vec![
            measured(Mode::Sequential, 1, 100.0),
            measured(Mode::ThreadsGil, 2, 102.0),
            measured(Mode::Processes, 2, 52.0),
            RunRecord::skipped(Cell::new(Mode::Threads, 2), "not isolated"),
        ];
        let report = Report::new(spec, env(), runs);
        let v = &report.verdict;
        assert!(v.summary.starts_with("processes with 2 workers was fastest"), "{}", v.summary);
        assert!(v.summary.contains("1.92x"), "{}", v.summary);
        let all = v.details.join("\n");
        assert!(all.contains("With 2 workers, processes were 1.96x faster than threads with the GIL"), "{all}");
        assert!(all.contains("2 cores"), "{all}");
        assert!(all.contains("more workers than cores"), "{all}");
        assert!(all.contains("threads was skipped: not isolated"), "{all}");
        assert!(all.contains("waiting for the GIL"), "{all}");
    }

    #[test]
    fn waiting_work_is_explained_as_overlap_and_failures_come_first() {
        let spec = Spec::parse(r#"{"workload": {"kind": "sleep", "ms": 100}, "workers": [2]}"#).unwrap();
        let mut bad = measured(Mode::Threads, 2, 100.0);
        bad.verified = false;
        let runs = vec![measured(Mode::Sequential, 1, 400.0), bad, measured(Mode::ThreadsGil, 2, 101.0)];
        let v = Verdict::from_runs(&spec, &env(), &runs);
        assert!(v.details[0].contains("failed verification: threads with 2 workers"), "{:?}", v.details);
        assert!(v.details.iter().any(|d| d.contains("waiting releases the GIL")), "{:?}", v.details);
        assert!(!v.details.iter().any(|d| d.contains("cores")), "{:?}", v.details);
    }

    #[test]
    fn a_chunksize_given_for_waiting_work_is_said_not_to_apply() {
        let note = |spec: &str| {
            let spec = Spec::parse(spec).unwrap();
            Verdict::from_runs(&spec, &env(), &[measured(Mode::Processes, 2, 100.0)]).details.join("\n")
        };
        let sleep = r#"{"workload": {"kind": "sleep", "ms": 100}, "workers": [2], "processes": {"chunksize": 4}}"#;
        assert!(note(sleep).contains("The chunksize 4 did not apply"), "{}", note(sleep));
        assert!(!note(&sleep.replace("sleep\", \"ms\": 100", "fib\", \"n\": 20")).contains("chunksize"));
        assert!(!note(r#"{"workload": {"kind": "sleep", "ms": 100}, "workers": [2]}"#).contains("chunksize"));
    }

    #[test]
    fn a_sweep_against_a_real_host_that_flattens_past_six_mentions_the_connection_limit() {
        let user = r#"{"workload": {"kind": "fetch", "url": "https://example.org/"}, "tasks": 100, "workers": [1, 2, 4, 6, 8, 16], "modes": ["threads"]}"#;
        let flat = |spec: &str, t16: f64| {
            let spec = Spec::parse(spec).unwrap();
            let runs = vec![
                measured(Mode::Threads, 1, 2000.0),
                measured(Mode::Threads, 6, 340.0),
                measured(Mode::Threads, 16, t16),
            ];
            Verdict::from_runs(&spec, &env(), &runs).details.join("\n")
        };
        let note = flat(user, 330.0);
        assert!(note.contains("at most 6 HTTP/1.1"), "{note}");
        assert!(note.contains("threads with 16 workers took 0.97x the time of 6"), "{note}");
        assert!(!flat(user, 130.0).contains("HTTP/1.1"), "scaled past 6: no note");
        let builtin = user.replace(r#""url": "https://example.org/""#, r#""delay_ms": 10"#);
        assert!(!flat(&builtin, 330.0).contains("HTTP/1.1"), "the built-in endpoint uses no connection");
    }

    #[test]
    fn failed_runs_never_win() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fetch"}, "workers": [2]}"#).unwrap();
        let mut failed = measured(Mode::Async, 1, 5.0);
        failed.verified = false;
        failed.errors = vec!["timed out after 10 ms (task 0 of repetition 1)".into()];
        let v = Verdict::from_runs(&spec, &env(), &[failed.clone(), measured(Mode::Threads, 2, 200.0)]);
        assert!(v.summary.starts_with("threads with 2 workers was fastest"), "{}", v.summary);
        assert!(v.details[1].contains("First problem: async: timed out"), "{:?}", v.details);
        let v = Verdict::from_runs(&spec, &env(), &[failed]);
        assert!(v.summary.starts_with("No mode completed"), "{}", v.summary);
        assert!(v.details[0].contains("failed verification: async"), "{:?}", v.details);
        assert!(v.details[1].contains("timed out"), "{:?}", v.details);
    }

    #[test]
    fn advice_points_at_the_runs_that_show_it() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 30}, "workers": [2]}"#).unwrap();
        let runs = vec![
            measured(Mode::Sequential, 1, 100.0),
            measured(Mode::Processes, 2, 52.0),
            measured(Mode::ThreadsGil, 2, 101.0),
        ];
        let report = Report::new(spec, env(), runs);
        let lines = when_to_use(&report.spec, &report.runs);
        assert_eq!(lines[0].evidence, Some((Mode::Processes, 2)));
        assert!(lines[0].text.contains("Here: processes with 2 workers at 1.92x sequential speed."), "{:?}", lines[0]);
        assert_eq!(lines[1].evidence, None, "no free threads measured");
        assert_eq!(lines[2].evidence, None, "CPU work shows nothing about waiting");
    }

    #[test]
    fn advice_never_cites_a_measurement_that_contradicts_it() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 10}, "workers": [2]}"#).unwrap();
        let runs = vec![measured(Mode::Sequential, 1, 1.0), measured(Mode::Processes, 2, 8.0)];
        let report = Report::new(spec, env(), runs);
        let lines = when_to_use(&report.spec, &report.runs);
        assert!(
            lines[0].text.contains("Not here: processes with 2 workers ran at 0.12x sequential speed"),
            "{:?}",
            lines[0]
        );
        assert_eq!(and_list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    #[test]
    fn one_worker_runs_are_not_compared_as_gil_effects() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 30}, "workers": [1]}"#).unwrap();
        let runs = vec![
            measured(Mode::ThreadsGil, 1, 100.0),
            measured(Mode::Threads, 1, 99.0),
            measured(Mode::Processes, 1, 101.0),
        ];
        let v = Verdict::from_runs(&spec, &env(), &runs);
        assert!(!v.details.iter().any(|d| d.contains("with the GIL")), "{:?}", v.details);
    }

    #[test]
    fn a_fault_run_tells_what_survived_in_each_mode() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fault", "fault": "panic", "at_task": 1}, "tasks": 2, "modes": ["threads", "processes"], "workers": [2]}"#).unwrap();
        let ok = TaskOutcome { task: 0, worker: 1, start: 0.0, end: 5.0, checksum: 196_418, ..Default::default() };
        let crashed = TaskOutcome {
            task: 1,
            worker: 2,
            start: 3.0,
            end: 3.0,
            error: Some("the process running it crashed (panicked: x)".into()),
            ..Default::default()
        };
        let sample =
            Sample { wall_ms: 9.0, run_start: 0.0, outcomes: vec![ok, crashed], startup_ms: None, counted: None };
        let procs = RunRecord::measured(Cell::new(Mode::Processes, 2), &[sample], &[Some(196_418), None], 0.0);
        let mut threads = RunRecord::measured(Cell::new(Mode::Threads, 2), &[], &[Some(196_418), None], 0.0);
        threads.errors.insert(0, "thread 2, in task 1: panicked: x. Threads share one memory".into());
        let runs = [threads, procs];
        let v = Verdict::from_runs(&spec, &env(), &runs);
        assert!(v.summary.starts_with("Task 1 panicked: processes with 2 workers lost only that task, threads with 2 workers lost everything."), "{}", v.summary);
        assert!(
            v.details
                .iter()
                .any(|d| d
                    .starts_with("processes with 2 workers: 1 of 2 tasks finished: the process running it crashed")),
            "{:?}",
            v.details
        );
        assert!(
            v.details
                .iter()
                .any(|d| d.starts_with("threads with 2 workers: 0 of 2 tasks finished: thread 2, in task 1")),
            "{:?}",
            v.details
        );
        let advice = when_to_use(&spec, &runs);
        assert!(advice[0].text.starts_with("Work that may crash"), "{:?}", advice[0]);
        assert!(advice[0].text.ends_with("Here: processes with 2 workers finished 1 of 2 tasks."), "{:?}", advice[0]);
        assert_eq!(advice[0].evidence, Some((Mode::Processes, 2)));
    }

    #[test]
    fn nothing_measured_says_so() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 30}, "modes": ["threads"]}"#).unwrap();
        let runs = vec![RunRecord::skipped(Cell::new(Mode::Threads, 1), "no isolation")];
        let v = Verdict::from_runs(&spec, &env(), &runs);
        assert_eq!(v.summary, "Nothing was measured.");
        assert_eq!(v.details, vec!["threads: no isolation".to_string()]);
    }
}
