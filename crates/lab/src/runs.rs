//! The measured runs of a report: per-cell statistics, verification against the expected
//! checksums, traces, and where the page ran them. Below `report` (which adds speedups, the
//! verdict and the claim check) so that the verdict and the claim can read runs without a cycle.

use crate::plan::Cell;
use crate::protocol::TaskOutcome;
use crate::spec::Mode;
use crate::stats::Summary;
use serde::{Deserialize, Serialize};
use threadlab_workloads::Workload;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Env {
    pub cores: u32,
    pub cross_origin_isolated: bool,
    pub user_agent: String,
    pub timer_resolution_ms: f64,
    pub version: String,
}

/// One task in a run's timeline, in milliseconds since the run started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    pub task: u32,
    pub worker: u32,
    pub start_ms: f64,
    pub end_ms: f64,
    pub gil_wait_ms: f64,
    /// The GIL waits themselves, [start_ms, end_ms] on the same clock (at most a thousand per
    /// task; `gil_wait_ms` counts them all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gil_waits: Vec<[f64; 2]>,
    /// Time spent blocked on a lock another thread held (`counter` with a lock).
    #[serde(default, skip_serializing_if = "is_zero_ms")]
    pub lock_wait_ms: f64,
    /// The lock waits themselves, [start_ms, end_ms] (at most a thousand per task).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lock_waits: Vec<[f64; 2]>,
    /// Time the task's input spent on its way to the worker (`pass` workloads in processes).
    #[serde(default, skip_serializing_if = "is_zero_ms")]
    pub pass_ms: f64,
    /// That passing as one [start_ms, end_ms] interval, at the start of the task's span.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passing: Vec<[f64; 2]>,
    /// Time spent waiting for I/O (network, files), GIL released.
    #[serde(default)]
    pub io_wait_ms: f64,
    /// The I/O waits themselves, [start_ms, end_ms] on the same clock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub io_waits: Vec<[f64; 2]>,
    /// Bytes downloaded by the task (I/O workloads).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
    /// Why the task failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_zero_ms(ms: &f64) -> bool {
    *ms == 0.0
}

impl TraceEvent {
    pub fn from_outcome(o: &TaskOutcome, run_start: f64) -> TraceEvent {
        let rel = |t: f64| round3(t - run_start);
        let intervals = |waits: &[(f64, f64)]| waits.iter().map(|&(a, b)| [rel(a), rel(b)]).collect::<Vec<_>>();
        let total = |waits: &[(f64, f64)]| round3(waits.iter().map(|(a, b)| b - a).sum());
        TraceEvent {
            task: o.task,
            worker: o.worker,
            start_ms: rel(o.start),
            end_ms: rel(o.end),
            gil_wait_ms: round3(total(&o.gil_waits) + o.gil_wait_unlisted_ms),
            gil_waits: intervals(&o.gil_waits),
            lock_wait_ms: round3(total(&o.lock_waits) + o.lock_wait_unlisted_ms),
            lock_waits: intervals(&o.lock_waits),
            pass_ms: total(o.passing.as_slice()),
            passing: intervals(o.passing.as_slice()),
            io_wait_ms: total(&o.io_waits),
            io_waits: intervals(&o.io_waits),
            bytes: o.bytes,
            error: o.error.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub mode: Mode,
    pub workers: u32,
    /// The workload's variant the run used (`plan::Cell::variant`): a counter's synchronisation,
    /// a pass's way of passing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    #[serde(default)]
    pub samples_ms: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stddev_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<f64>,
    pub verified: bool,
    pub checksum: String,
    /// Mean time from creating a process worker to its first task (cold processes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_ms: Option<f64>,
    /// Tasks per message a processes run sent its workers (`plan::dispatch`: the spec's
    /// chunksize or Pool.map's default for CPU work, 1 for waiting work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunksize: Option<u32>,
    /// Per-task problems (a wrong checksum...), in plain words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Doubts about the statistics (outliers, runs too short for the timer), as hyperfine warns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Timeline of the last measured repetition.
    pub trace: Vec<TraceEvent>,
    /// What a shared counter counted (`counter` workloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterRecord>,
    /// What passing the input cost (`pass` workloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passing: Option<PassingRecord>,
}

/// A `pass` run's input passing against its computing, the median over the measured
/// repetitions. Threads, sequential and async read the input in place: they pass nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassingRecord {
    /// MB each task received by message (0 where the input is read in place).
    pub mb: u32,
    /// MB passed in one repetition: tasks x `mb`.
    pub mb_passed: u64,
    /// Time the repetition's tasks' inputs spent on their way, summed over tasks, ms.
    pub passing_ms: f64,
    /// Time the repetition's tasks spent reading their input, summed over tasks, ms.
    pub compute_ms: f64,
    /// `mb_passed` over `passing_ms`, in MB/s; absent when nothing was passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mb_per_s: Option<f64>,
    /// `passing_ms / (passing_ms + compute_ms)`: how much of the workers' busy time passing took.
    pub share: f64,
}

/// A counter run's updates: how many the tasks made, how many the counter kept, per measured
/// repetition. Unsynchronised threads losing updates is the race the experiment shows; any
/// other run that loses one is broken (`RunRecord::count`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterRecord {
    /// Updates made: tasks x n.
    pub expected: u64,
    pub counted: Vec<u64>,
    /// expected - counted, per repetition.
    pub lost: Vec<u64>,
    /// Whether losing updates is this run's expected result (unsynchronised threads) rather than
    /// a failure.
    pub racy: bool,
    /// Median time per update: the median run over expected updates, in nanoseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_per_update: Option<f64>,
}

/// One timed repetition of a cell.
#[derive(Debug, Clone)]
pub struct Sample {
    pub wall_ms: f64,
    pub run_start: f64,
    pub outcomes: Vec<TaskOutcome>,
    pub startup_ms: Option<f64>,
    /// The shared counter's value at the end (threads runs of a `counter` workload); other runs
    /// count the totals their tasks sent.
    pub counted: Option<u64>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl RunRecord {
    /// "sequential", "threads with 1 worker", "processes with 4 workers": how sentences and
    /// pickers name a run.
    pub fn label(&self) -> String {
        let name = self.series();
        if self.mode.is_single_threaded() {
            name
        } else {
            let s = if self.workers == 1 { "" } else { "s" };
            format!("{name} with {} worker{s}", self.workers)
        }
    }

    /// The mode, with the variant when there is one: "threads", "threads (lock)". Charts draw
    /// one series per name.
    pub fn series(&self) -> String {
        match &self.variant {
            Some(v) => format!("{} ({v})", self.mode.name()),
            None => self.mode.name().to_string(),
        }
    }

    /// Adds what a `counter` workload's run counted (`workload` is the cell's, narrowed to its
    /// variant). The tasks' checksums already say each made its `n` updates; this checks what
    /// the counter kept. Only unsynchronised threads may lose updates: anywhere else a lost
    /// update is an error, and the run is not verified.
    pub fn count(&mut self, workload: &Workload, tasks: u32, samples: &[Sample]) {
        let Workload::Counter { n, .. } = workload else { return };
        let expected = n * u64::from(tasks);
        let counted: Vec<u64> = samples
            .iter()
            .map(|s| {
                s.counted.unwrap_or_else(|| s.outcomes.iter().filter(|o| o.error.is_none()).map(|o| o.checksum).sum())
            })
            .collect();
        let lost: Vec<u64> = counted.iter().map(|&c| expected.saturating_sub(c)).collect();
        let racy = self.mode.needs_shared_memory() && !workload.sync().is_exact();
        for (rep, &c) in counted.iter().enumerate() {
            if c > expected {
                self.errors.push(format!(
                    "repetition {}: the counter read {c}, more than the {expected} updates made",
                    rep + 1
                ));
            } else if c < expected && !racy {
                let how = if self.mode.needs_shared_memory() { workload.sync().name() } else { "messages" };
                self.errors.push(format!(
                    "repetition {}: {} of {expected} updates were lost with {how}, which must keep every one: a broken run",
                    rep + 1,
                    expected - c
                ));
            }
        }
        self.verified &= self.errors.is_empty();
        let ns_per_update = self.median_ms.filter(|_| expected > 0).map(|ms| round3(ms * 1e6 / expected as f64));
        self.counter = Some(CounterRecord { expected, counted, lost, racy, ns_per_update });
    }

    pub fn skipped(cell: Cell, reason: &str) -> RunRecord {
        RunRecord {
            mode: cell.mode,
            workers: cell.workers,
            variant: cell.variant.map(str::to_string),
            skipped: Some(reason.to_string()),
            samples_ms: vec![],
            median_ms: None,
            mean_ms: None,
            stddev_ms: None,
            min_ms: None,
            max_ms: None,
            speedup: None,
            efficiency: None,
            verified: false,
            checksum: String::new(),
            startup_ms: None,
            chunksize: None,
            errors: vec![],
            warnings: vec![],
            trace: vec![],
            counter: None,
            passing: None,
        }
    }

    /// Adds what passing a `pass` workload's input cost (`workload` is the cell's, narrowed to
    /// its way of passing). Only processes runs receive it by message; the others read it in
    /// place, and an interval of passing in one of them would be a broken run.
    pub fn pass(&mut self, workload: &Workload, samples: &[Sample]) {
        let Workload::Pass { mb, .. } = *workload else { return };
        let by_message = self.mode == Mode::Processes;
        let per_rep: Vec<(f64, f64, u64)> = samples
            .iter()
            .map(|s| {
                let ok = s.outcomes.iter().filter(|o| o.error.is_none());
                let (mut passing, mut compute, mut passed) = (0.0, 0.0, 0);
                for o in ok {
                    let received = o.passing.map_or(o.start, |(_, received)| received);
                    passing += o.passing.map_or(0.0, |(sent, received)| received - sent);
                    compute += o.end - received;
                    passed += u64::from(o.passing.is_some());
                }
                (passing, compute, passed)
            })
            .collect();
        for (rep, &(_, _, passed)) in per_rep.iter().enumerate() {
            let tasks = samples[rep].outcomes.iter().filter(|o| o.error.is_none()).count() as u64;
            if by_message && passed < tasks {
                self.errors.push(format!(
                    "repetition {}: {} of {tasks} tasks have no passing time, though each received its input by message",
                    rep + 1,
                    tasks - passed
                ));
            } else if !by_message && passed > 0 {
                self.errors.push(format!(
                    "repetition {}: {passed} task(s) timed a passing, though {} reads the input in place",
                    rep + 1,
                    self.mode.name()
                ));
            }
        }
        self.verified &= self.errors.is_empty();
        let median = |pick: fn(&(f64, f64, u64)) -> f64| {
            Summary::of(&per_rep.iter().map(pick).collect::<Vec<_>>()).map_or(0.0, |s| round3(s.median))
        };
        let (passing_ms, compute_ms) = (median(|r| r.0), median(|r| r.1));
        let tasks = samples.last().map_or(0, |s| s.outcomes.len() as u64);
        let mb = if by_message { mb } else { 0 };
        let mb_passed = tasks * u64::from(mb);
        let mb_per_s = (mb_passed > 0 && passing_ms > 0.0).then(|| round3(mb_passed as f64 / passing_ms * 1000.0));
        let share = if passing_ms + compute_ms > 0.0 { round3(passing_ms / (passing_ms + compute_ms)) } else { 0.0 };
        self.passing = Some(PassingRecord { mb, mb_passed, passing_ms, compute_ms, mb_per_s, share });
    }

    /// Summarises measured samples and checks every task's checksum against `expected`
    /// (indexed by task; `None` where the content is not known in advance, as for a user's URL:
    /// such a task is checked only for having succeeded). A run is verified when every
    /// repetition returned every task exactly once, without error, with the expected checksum.
    ///
    /// `min_task_ms` is how long every task must at least have taken (a sleep's or the
    /// endpoint's delay; 0 for CPU work): a "sleep" that did not wait is not verified.
    ///
    /// A failed task (its `error`) is reported once per distinct cause, with the tasks and
    /// repetitions it hit: 12 timeouts make one line, not twelve.
    pub fn measured(cell: Cell, samples: &[Sample], expected: &[Option<u64>], min_task_ms: f64) -> RunRecord {
        let mut record = RunRecord::skipped(cell, "");
        record.skipped = None;
        let mut errors = Vec::new();
        let mut failures: Vec<(String, Vec<u32>, Vec<usize>)> = Vec::new();
        for (rep, sample) in samples.iter().enumerate() {
            let mut seen = vec![false; expected.len()];
            for o in &sample.outcomes {
                if let (Some(cause), true) = (&o.error, (o.task as usize) < expected.len()) {
                    seen[o.task as usize] = true;
                    match failures.iter_mut().find(|(c, ..)| c == cause) {
                        Some((_, tasks, reps)) => {
                            tasks.push(o.task);
                            reps.push(rep + 1);
                        }
                        None => failures.push((cause.clone(), vec![o.task], vec![rep + 1])),
                    }
                    continue;
                }
                match expected.get(o.task as usize) {
                    None => errors.push(format!("repetition {}: unknown task {}", rep + 1, o.task)),
                    Some(&Some(want)) if want != o.checksum => errors.push(format!(
                        "repetition {}: task {} returned checksum {} instead of {}",
                        rep + 1,
                        o.task,
                        o.checksum,
                        want
                    )),
                    Some(_) if seen[o.task as usize] => {
                        errors.push(format!("repetition {}: task {} ran twice", rep + 1, o.task))
                    }
                    // Timers fire no earlier than asked; 0.5 ms of slack for clock rounding.
                    Some(_) if o.end - o.start < min_task_ms - 0.5 => errors.push(format!(
                        "repetition {}: task {} took {:.1} ms, less than its {min_task_ms} ms wait",
                        rep + 1,
                        o.task,
                        o.end - o.start
                    )),
                    Some(_) => seen[o.task as usize] = true,
                }
            }
            let missing = seen.iter().filter(|s| !**s).count();
            if missing > 0 {
                errors.push(format!("repetition {}: {missing} task(s) returned no result", rep + 1));
            }
        }
        for (cause, mut tasks, mut reps) in failures {
            tasks.sort_unstable();
            tasks.dedup();
            reps.dedup();
            errors.insert(0, format!("{cause} ({})", describe_failures(&tasks, &reps, samples.len())));
        }
        record.verified = !samples.is_empty() && errors.is_empty();
        record.errors = errors;
        // What the last repetition returned (the expected value when nothing returned).
        record.checksum = match samples.last() {
            Some(last) => threadlab_workloads::combine(last.outcomes.iter().map(|o| o.checksum)),
            None => threadlab_workloads::combine(expected.iter().flatten().copied()),
        }
        .to_string();
        record.samples_ms = samples.iter().map(|s| round3(s.wall_ms)).collect();
        if let Some(s) = Summary::of(&record.samples_ms) {
            record.median_ms = Some(round3(s.median));
            record.mean_ms = Some(round3(s.mean));
            record.stddev_ms = Some(round3(s.stddev));
            record.min_ms = Some(s.min);
            record.max_ms = Some(s.max);
        }
        let startups: Vec<f64> = samples.iter().filter_map(|s| s.startup_ms).collect();
        if !startups.is_empty() {
            record.startup_ms = Some(round3(startups.iter().sum::<f64>() / startups.len() as f64));
        }
        if let Some(last) = samples.last() {
            let mut trace: Vec<TraceEvent> =
                last.outcomes.iter().map(|o| TraceEvent::from_outcome(o, last.run_start)).collect();
            trace.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
            record.trace = trace;
        }
        record
    }
}

/// "task 3 of repetition 2", "tasks 0, 1, 5 of every repetition"...
fn describe_failures(tasks: &[u32], reps: &[usize], repetitions: usize) -> String {
    let list =
        |items: Vec<String>| if items.len() > 8 { format!("{}, ...", items[..8].join(", ")) } else { items.join(", ") };
    let tasks = format!(
        "{} {}",
        if tasks.len() == 1 { "task" } else { "tasks" },
        list(tasks.iter().map(u32::to_string).collect())
    );
    let reps = match reps.len() {
        n if n == repetitions && n > 1 => "every repetition".to_string(),
        1 => format!("repetition {}", reps[0]),
        _ => format!("repetitions {}", list(reps.iter().map(usize::to_string).collect())),
    };
    format!("{tasks} of {reps}")
}

/// Task outcomes and samples for the tests of the runs and of what is built on them.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Env, Sample};
    use crate::protocol::TaskOutcome;

    /// A browser with `cores` cores and a timer of `timer_resolution_ms`.
    pub fn env(cores: u32, cross_origin_isolated: bool, timer_resolution_ms: f64) -> Env {
        Env { cores, cross_origin_isolated, user_agent: "test".into(), timer_resolution_ms, version: "x".into() }
    }

    pub fn outcome(task: u32, worker: u32, start: f64, end: f64, checksum: u64) -> TaskOutcome {
        TaskOutcome { task, worker, start, end, checksum, gil_waits: vec![(start, start + 1.0)], ..Default::default() }
    }

    /// One sample whose tasks end at 1010 ms, started from 1000 ms on, alternating two workers.
    pub fn sample(wall: f64, checksums: &[u64]) -> Sample {
        let outcomes = checksums
            .iter()
            .enumerate()
            .map(|(i, &c)| outcome(i as u32, 1 + i as u32 % 2, 1000.0 + i as f64, 1010.0, c))
            .collect();
        Sample { wall_ms: wall, run_start: 1000.0, outcomes, startup_ms: None, counted: None }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{outcome, sample};
    use super::*;

    #[test]
    fn a_run_is_named_with_its_worker_count_in_the_right_number() {
        let named = |mode, workers| RunRecord::skipped(Cell::new(mode, workers), "").label();
        assert_eq!(named(Mode::Threads, 1), "threads with 1 worker");
        assert_eq!(named(Mode::Processes, 4), "processes with 4 workers");
        assert_eq!(named(Mode::Sequential, 1), "sequential");
    }

    #[test]
    fn gil_waits_beyond_the_listed_ones_still_count() {
        let o = TaskOutcome { gil_waits: vec![(1.0, 3.0)], gil_wait_unlisted_ms: 40.5, ..outcome(0, 1, 0.0, 50.0, 1) };
        let e = TraceEvent::from_outcome(&o, 0.0);
        assert_eq!((e.gil_wait_ms, e.gil_waits.len()), (42.5, 1));
    }

    #[test]
    fn verification_catches_wrong_missing_and_duplicate_tasks() {
        let cell = Cell::new(Mode::Threads, 2);
        let ok = RunRecord::measured(cell, &[sample(10.0, &[5, 8]), sample(12.0, &[5, 8])], &[Some(5), Some(8)], 0.0);
        assert!(ok.verified, "{:?}", ok.errors);
        assert_eq!(ok.checksum, "13");
        assert_eq!(ok.median_ms, Some(11.0));
        assert_eq!(ok.trace.len(), 2);
        assert_eq!(ok.trace[0].gil_wait_ms, 1.0);
        assert_eq!(ok.trace[1].start_ms, 1.0);

        let wrong = RunRecord::measured(cell, &[sample(10.0, &[5, 9])], &[Some(5), Some(8)], 0.0);
        assert_eq!(wrong.checksum, "14", "the checksum reports what ran");
        assert!(!wrong.verified);
        assert!(wrong.errors[0].contains("task 1 returned checksum 9 instead of 8"));

        let mut dup = sample(10.0, &[5, 8]);
        dup.outcomes[1].task = 0;
        dup.outcomes[1].checksum = 5;
        let r = RunRecord::measured(cell, &[dup], &[Some(5), Some(8)], 0.0);
        assert!(!r.verified);
        assert!(r.errors.iter().any(|e| e.contains("ran twice")));
        assert!(r.errors.iter().any(|e| e.contains("1 task(s) returned no result")));
    }

    #[test]
    fn a_sleep_that_did_not_wait_is_not_verified() {
        let cell = Cell::new(Mode::Processes, 2);
        // sample() makes tasks of 10 and 9 ms.
        assert!(RunRecord::measured(cell, &[sample(10.0, &[5, 8])], &[Some(5), Some(8)], 9.0).verified);
        let short = RunRecord::measured(cell, &[sample(10.0, &[5, 8])], &[Some(5), Some(8)], 10.0);
        assert!(!short.verified);
        assert!(short.errors[0].contains("task 1 took 9.0 ms, less than its 10 ms wait"), "{:?}", short.errors);
    }

    #[test]
    fn failed_tasks_are_reported_once_per_cause_and_unknown_content_checks_success() {
        let cell = Cell::new(Mode::Async, 1);
        let failing = |wall| {
            let mut s = sample(wall, &[5, 8, 1]);
            for o in &mut s.outcomes[1..] {
                o.error = Some("timed out after 10 ms".into());
            }
            s
        };
        let r = RunRecord::measured(cell, &[failing(10.0), failing(11.0)], &[None, None, None], 0.0);
        assert!(!r.verified);
        assert_eq!(r.errors, vec!["timed out after 10 ms (tasks 1, 2 of every repetition)"]);
        assert_eq!(r.samples_ms.len(), 2, "a run with failed tasks keeps its timings");
        let trace_error = r.trace.iter().find(|e| e.task == 1).and_then(|e| e.error.clone());
        assert_eq!(trace_error.as_deref(), Some("timed out after 10 ms"));
        // Content not known in advance: any checksum of a successful task passes.
        assert!(RunRecord::measured(cell, &[sample(10.0, &[5, 8, 1])], &[None, None, None], 0.0).verified);
    }

    /// A processes sample of 2 tasks of 10 MB: each spends `pass` ms on its way, then 5 ms
    /// reading.
    fn passed(pass: f64) -> Sample {
        let outcomes = (0..2)
            .map(|task| TaskOutcome {
                task,
                worker: task + 1,
                start: 1000.0,
                end: 1000.0 + pass + 5.0,
                checksum: 7,
                passing: Some((1000.0, 1000.0 + pass)),
                ..Default::default()
            })
            .collect();
        Sample { wall_ms: pass + 6.0, run_start: 1000.0, outcomes, startup_ms: None, counted: None }
    }

    #[test]
    fn passing_is_summed_over_tasks_and_set_against_the_compute() {
        let workload = Workload::Pass { mb: 10, via: vec![threadlab_workloads::pass::Via::Copy] };
        let samples = [passed(20.0), passed(10.0), passed(15.0)];
        let mut r = RunRecord::measured(Cell::new(Mode::Processes, 2), &samples, &[Some(7), Some(7)], 0.0);
        r.pass(&workload, &samples);
        assert!(r.verified, "{:?}", r.errors);
        let p = r.passing.clone().unwrap();
        // Medians over repetitions: 2 x 15 ms of passing, 2 x 5 ms of reading; the trace is the
        // last repetition's.
        assert_eq!((p.mb, p.mb_passed, p.passing_ms, p.compute_ms), (10, 20, 30.0, 10.0));
        assert_eq!(p.mb_per_s, Some(666.667));
        assert_eq!(p.share, 0.75);
        assert_eq!(r.trace[0].pass_ms, 15.0);
        assert_eq!(r.trace[0].passing, vec![[0.0, 15.0]]);

        // Threads read in place: nothing passed, no MB/s, everything is compute...
        let in_place: Vec<Sample> = samples
            .iter()
            .cloned()
            .map(|mut s| {
                s.outcomes.iter_mut().for_each(|o| o.passing = None);
                s
            })
            .collect();
        let mut t = RunRecord::measured(Cell::new(Mode::Threads, 2), &in_place, &[Some(7), Some(7)], 0.0);
        t.pass(&workload, &in_place);
        let p = t.passing.clone().unwrap();
        assert_eq!((p.mb, p.mb_passed, p.passing_ms, p.mb_per_s, p.share), (0, 0, 0.0, None, 0.0));
        assert!(t.verified);
        // ...and a process that timed no passing, or a thread that did, is a broken run.
        let mut r = RunRecord::measured(Cell::new(Mode::Processes, 2), &in_place, &[Some(7), Some(7)], 0.0);
        r.pass(&workload, &in_place);
        assert!(!r.verified && r.errors[0].contains("2 of 2 tasks have no passing time"), "{:?}", r.errors);
        let mut t = RunRecord::measured(Cell::new(Mode::Threads, 2), &samples, &[Some(7), Some(7)], 0.0);
        t.pass(&workload, &samples);
        assert!(!t.verified && t.errors[0].contains("reads the input in place"), "{:?}", t.errors);
    }
}
