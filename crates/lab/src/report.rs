//! The report contract (docs/report.md): the measured runs (`runs`) with speedups, the verdict
//! and the claim check.
//!
//! The page's module makes only [`Measured`]: the runs as measured. The view module completes
//! them into a [`Report`] (`Report::from_json`), so the verdict's and the claim's rules and
//! sentences, which grow with every kind of experiment, stay out of what a first visit loads.

pub use crate::runs::{Env, RunRecord, Sample, TraceEvent};
use crate::spec::{Mode, Spec};
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};
use threadlab_workloads::Workload;

/// CPU work cannot run faster than the cores allow; a speedup clearly above that (10% of
/// margin: turbo clocks and timer steps) says the baseline and the run saw different machines.
fn beyond_the_cores(speedup: f64, cores: u32) -> Option<String> {
    (speedup > f64::from(cores.max(1)) * 1.1).then(|| {
        format!(
            "a speedup of {speedup:.2}x is more than {cores} core{} allow for CPU work: the samples are too short or the machine's load changed between runs; more tasks or repetitions steady it",
            if cores == 1 { "" } else { "s" }
        )
    })
}

/// A run shorter than this many timer ticks is too short to time reliably.
const MIN_TICKS: f64 = 100.0;

fn statistical_warnings(r: &RunRecord, timer_resolution_ms: f64) -> Vec<String> {
    let mut warnings = Vec::new();
    let outliers = crate::stats::outliers(&r.samples_ms);
    if !outliers.is_empty() {
        warnings.push(format!(
            "{} of {} samples are outliers (modified z-score > {}): the machine was probably busy; re-run to confirm",
            outliers.len(),
            r.samples_ms.len(),
            crate::stats::OUTLIER_Z
        ));
    }
    if let Some(median) = r.median_ms {
        if median < MIN_TICKS * timer_resolution_ms {
            warnings.push(format!(
                "the median ({median} ms) is under {MIN_TICKS} ticks of this browser's timer ({timer_resolution_ms} ms): too short to time reliably; give it more work"
            ));
        }
    }
    warnings
}

/// A run's results before anything reads them: what the page's module makes, partial during
/// a run and whole at its end, and hands to the view module as JSON. Its JSON is a report's
/// without `verdict` and `claim`, and without the figures `Report::new` derives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub spec: Spec,
    pub env: Env,
    pub runs: Vec<RunRecord>,
}

impl Measured {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("measured runs always serialize")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub spec: Spec,
    pub env: Env,
    pub runs: Vec<RunRecord>,
    pub verdict: Verdict,
    /// Whether the claim of the preset this spec has the shape of holds here (`lab::claim`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<crate::claim::ClaimCheck>,
}

impl Report {
    /// Fills in speedups (against the sequential median when measured, else the same mode at 1
    /// worker) and the verdict.
    pub fn new(spec: Spec, env: Env, mut runs: Vec<RunRecord>) -> Report {
        let sequential = runs.iter().find(|r| r.mode == Mode::Sequential).and_then(|r| r.median_ms);
        let one_worker: Vec<(String, f64)> =
            runs.iter().filter(|r| r.workers == 1).filter_map(|r| Some((r.series(), r.median_ms?))).collect();
        for r in &mut runs {
            let series = r.series();
            let baseline = sequential.or_else(|| one_worker.iter().find(|(s, _)| *s == series).map(|(_, t)| *t));
            if let (Some(base), Some(median)) = (baseline, r.median_ms) {
                if median > 0.0 {
                    let speedup = base / median;
                    r.speedup = Some((speedup * 1000.0).round() / 1000.0);
                    r.efficiency = Some((speedup / f64::from(r.workers) * 1000.0).round() / 1000.0);
                }
            }
        }
        // A counter's runs differ in how they synchronise, not only in how many cores they use:
        // an atomic add beats the sequential read-modify-write on one core, which is no sign of
        // a busy machine.
        let computing = !spec.workload.is_waiting() && !matches!(spec.workload, Workload::Counter { .. });
        for r in &mut runs {
            r.warnings = statistical_warnings(r, env.timer_resolution_ms);
            if let Some(warning) = r.speedup.filter(|_| computing).and_then(|s| beyond_the_cores(s, env.cores)) {
                r.warnings.push(warning);
            }
            if r.mode == Mode::Processes && r.skipped.is_none() {
                r.chunksize = Some(crate::plan::dispatch(&spec, r.workers).size);
            }
        }
        let verdict = Verdict::from_runs(&spec, &env, &runs);
        let claim = crate::claim::check(&spec, &env, &runs);
        Report { spec, env, runs, verdict, claim }
    }

    /// A report's JSON (kept as it was made: a saved verdict is not made again by newer rules),
    /// or a [`Measured`]'s, completed here.
    pub fn from_json(json: &str) -> Result<Report, String> {
        let read = |e: serde_json::Error| format!("the report could not be read: {e}");
        let value: serde_json::Value = serde_json::from_str(json).map_err(read)?;
        if value.get("verdict").is_some() {
            serde_json::from_value(value).map_err(read)
        } else {
            let Measured { spec, env, runs } = serde_json::from_value(value).map_err(read)?;
            Ok(Report::new(spec, env, runs))
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Cell;
    use crate::runs::fixtures::{env, sample};

    #[test]
    fn speedup_is_against_sequential_else_one_worker() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}}"#).unwrap();
        let env = env(2, true, 0.005);
        let rec = |mode, workers, ms| {
            RunRecord::measured(Cell::new(mode, workers), &[sample(ms, &[5, 8])], &[Some(5), Some(8)], 0.0)
        };
        let report =
            Report::new(spec.clone(), env.clone(), vec![rec(Mode::Sequential, 1, 100.0), rec(Mode::Threads, 2, 50.0)]);
        assert_eq!(report.runs[1].speedup, Some(2.0));
        assert_eq!(report.runs[1].efficiency, Some(1.0));
        let report =
            Report::new(spec.clone(), env.clone(), vec![rec(Mode::Processes, 1, 90.0), rec(Mode::Processes, 2, 60.0)]);
        assert_eq!(report.runs[1].speedup, Some(1.5));
        assert!(report.runs.iter().all(|r| r.warnings.is_empty()), "{:?}", report.runs[1].warnings);
        // More than 2 cores can give CPU work is flagged; waiting work may overlap any amount.
        let too_fast =
            Report::new(spec, env.clone(), vec![rec(Mode::Sequential, 1, 100.0), rec(Mode::Threads, 2, 30.0)]);
        let warnings = &too_fast.runs[1].warnings;
        assert!(
            warnings.iter().any(|w| w.starts_with("a speedup of 3.33x is more than 2 cores allow for CPU work")),
            "{warnings:?}"
        );
        let sleep = Spec::parse(r#"{"workload": {"kind": "sleep", "ms": 5}}"#).unwrap();
        let waiting =
            Report::new(sleep, env.clone(), vec![rec(Mode::Sequential, 1, 100.0), rec(Mode::Threads, 2, 30.0)]);
        assert!(waiting.runs[1].warnings.is_empty(), "{:?}", waiting.runs[1].warnings);
        // A counter's atomic add may beat the sequential read-modify-write by more than the cores.
        let counter = Spec::parse(r#"{"workload": {"kind": "counter", "n": 4}, "tasks": 2}"#).unwrap();
        let atomic =
            Report::new(counter, env.clone(), vec![rec(Mode::Sequential, 1, 100.0), rec(Mode::Threads, 2, 30.0)]);
        assert!(atomic.runs[1].warnings.is_empty(), "{:?}", atomic.runs[1].warnings);
        // Processes runs say how many tasks went in a message: Pool.map's default for 10 tasks
        // is ceil(10 / 4k), or the spec's chunksize.
        assert_eq!(report.runs.iter().map(|r| r.chunksize).collect::<Vec<_>>(), [Some(3), Some(2)]);
        let one = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}, "processes": {"chunksize": 1}}"#).unwrap();
        let skipped = RunRecord::skipped(Cell::new(Mode::Processes, 4), "cancelled");
        let with_one = Report::new(one, env, vec![rec(Mode::Processes, 2, 60.0), rec(Mode::Threads, 2, 60.0), skipped]);
        assert_eq!(with_one.runs.iter().map(|r| r.chunksize).collect::<Vec<_>>(), [Some(1), None, None]);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["runs"][0]["mode"], "processes");
        assert!(json["runs"][0]["samples_ms"].is_array());
        assert!(json["verdict"]["summary"].is_string());
    }

    #[test]
    fn outliers_and_too_short_runs_are_warned_about() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}}"#).unwrap();
        let env = env(2, false, 0.1);
        let cell = Cell::new(Mode::Sequential, 1);
        let walls = [20.0, 20.2, 19.9, 20.1, 60.0];
        let samples: Vec<Sample> = walls.iter().map(|&w| sample(w, &[5, 8])).collect();
        let noisy = RunRecord::measured(cell, &samples, &[Some(5), Some(8)], 0.0);
        let short = RunRecord::measured(Cell::new(Mode::Async, 1), &[sample(0.5, &[5, 8])], &[Some(5), Some(8)], 0.0);
        let report = Report::new(spec, env, vec![noisy, short]);
        assert_eq!(report.runs[0].warnings.len(), 1, "{:?}", report.runs[0].warnings);
        assert!(report.runs[0].warnings[0].starts_with("1 of 5 samples are outliers"));
        assert!(report.runs[1].warnings[0].contains("too short to time reliably"), "{:?}", report.runs[1].warnings);
    }

    #[test]
    fn measured_runs_read_as_the_report_they_make_and_a_report_reads_as_it_was_saved() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}}"#).unwrap();
        let env = env(2, true, 0.005);
        let rec = |mode, workers, ms| {
            RunRecord::measured(Cell::new(mode, workers), &[sample(ms, &[5, 8])], &[Some(5), Some(8)], 0.0)
        };
        let runs = vec![rec(Mode::Sequential, 1, 100.0), rec(Mode::Processes, 2, 50.0)];
        let measured = Measured { spec: spec.clone(), env: env.clone(), runs: runs.clone() };
        let json: serde_json::Value = serde_json::from_str(&measured.to_json()).unwrap();
        assert!(json.get("verdict").is_none() && json["runs"][1].get("speedup").is_none(), "{json}");
        let made = Report::new(spec, env, runs);
        assert_eq!(Report::from_json(&measured.to_json()).unwrap(), made);
        assert!(!made.verdict.summary.is_empty());
        // Made again from its own runs, which already carry what it derived, a report is the same.
        assert_eq!(Report::new(made.spec.clone(), made.env.clone(), made.runs.clone()), made);
        // A saved report keeps its verdict, even one newer rules would not make.
        let mut saved = made.clone();
        saved.verdict.summary = "as it was said then".into();
        assert_eq!(Report::from_json(&saved.to_json()).unwrap(), saved);
        for bad in ["{not json", r#"{"nope": true}"#, r#"{"verdict": 1}"#] {
            assert!(Report::from_json(bad).unwrap_err().starts_with("the report could not be read"), "{bad}");
        }
    }

    #[test]
    fn skipped_runs_carry_a_reason_instead_of_samples() {
        let r = RunRecord::skipped(Cell::new(Mode::Threads, 2), "no cross-origin isolation");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["skipped"], "no cross-origin isolation");
        assert!(json.get("median_ms").is_none());
    }
}
