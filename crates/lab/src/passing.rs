//! What a `pass` workload's runs show: what handing one input to every worker cost each way
//! (threads reading it in place, processes receiving a copy, a transferred copy or a
//! SharedArrayBuffer), set against the computing, and from which size of input the copy stops
//! mattering. Read by the verdict and by the claim check (`Shape::Pass`).

use crate::runs::{PassingRecord, RunRecord};
use crate::spec::Mode;
use crate::text::ms;
use threadlab_workloads::pass::Via;

/// Passing "stops mattering" below this share of a task's computing.
pub const NEGLIGIBLE_SHARE: f64 = 0.1;
/// Passing "dominates" above this share of the workers' busy time.
const DOMINATES_SHARE: f64 = 0.5;
/// A SharedArrayBuffer "costs about nothing": at most this share of a copy's passing time.
const SHARED_AT_MOST: f64 = 0.2;

struct Passed<'a> {
    run: &'a RunRecord,
    passing: &'a PassingRecord,
}

impl Passed<'_> {
    fn via(&self) -> Option<&str> {
        self.run.variant.as_deref()
    }

    /// "processes (copy) with 2 workers: 412.0 ms passing 400 MB (971 MB/s) against 110.2 ms of reading".
    fn text(&self) -> String {
        let p = self.passing;
        if p.mb_passed == 0 {
            return format!(
                "{} read the input in place, passing nothing: {} of reading",
                self.run.label(),
                ms(p.compute_ms)
            );
        }
        if self.via() == Some(Via::Shared.name()) {
            return format!(
                "{} handed {} MB over without a copy (one SharedArrayBuffer) in {} against {} of reading",
                self.run.label(),
                p.mb_passed,
                ms(p.passing_ms),
                ms(p.compute_ms)
            );
        }
        let rate = p.mb_per_s.map(|r| format!(", {r:.0} MB/s")).unwrap_or_default();
        format!(
            "{} spent {} passing {} MB{rate} against {} of reading ({:.0}% passing)",
            self.run.label(),
            ms(p.passing_ms),
            p.mb_passed,
            ms(p.compute_ms),
            p.share * 100.0
        )
    }

    /// Up to how many MB an input costs under `NEGLIGIBLE_SHARE` of a task's computing, at this
    /// run's MB/s and with this run's computing per task (a task doing that much work whatever
    /// its input's size).
    fn negligible_up_to_mb(&self) -> Option<f64> {
        let rate = self.passing.mb_per_s?;
        let tasks = self.run.trace.len().max(1) as f64;
        let compute_per_task_s = self.passing.compute_ms / tasks / 1000.0;
        Some(NEGLIGIBLE_SHARE * compute_per_task_s * rate)
    }
}

fn passed(runs: &[RunRecord]) -> Vec<Passed<'_>> {
    runs.iter()
        .filter(|r| r.skipped.is_none() && !r.samples_ms.is_empty() && r.verified)
        .filter_map(|run| Some(Passed { run, passing: run.passing.as_ref()? }))
        .collect()
}

/// The verdict's summary and details.
pub fn verdict(runs: &[RunRecord]) -> (String, Vec<String>) {
    let all = passed(runs);
    let mut details: Vec<String> = all.iter().map(Passed::text).collect();
    for r in runs.iter().filter(|r| r.passing.is_some() && !r.verified && r.skipped.is_none()) {
        details.push(format!("{}: {}", r.label(), r.errors.first().map_or("not verified", String::as_str)));
    }
    let by_message: Vec<&Passed> = all.iter().filter(|p| p.passing.mb_passed > 0).collect();
    let Some(worst) = by_message.iter().max_by(|a, b| a.passing.share.total_cmp(&b.passing.share)) else {
        let summary = if all.is_empty() {
            "Nothing was measured.".to_string()
        } else {
            "No run passed the input by message: every one read it in place.".to_string()
        };
        return (summary, details);
    };
    if let Some(mb) = worst.negligible_up_to_mb() {
        let per_task = worst.passing.compute_ms / worst.run.trace.len().max(1) as f64;
        details.push(format!(
            "At {:.0} MB/s ({}), passing an input stays under {:.0}% of a task computing {} (these tasks' \
             reading) up to about {}; these tasks received {} MB each. Passing grows with the input and the \
             computing here grows with it too, so what decides is the work per MB: a copy stops mattering for \
             tasks doing at least {} per MB received.",
            worst.passing.mb_per_s.unwrap_or(0.0),
            worst.run.series(),
            NEGLIGIBLE_SHARE * 100.0,
            ms(per_task),
            size(mb),
            worst.passing.mb,
            ms(1000.0 / worst.passing.mb_per_s.unwrap_or(f64::INFINITY) / NEGLIGIBLE_SHARE),
        ));
    }
    let summary = if worst.passing.share > DOMINATES_SHARE {
        format!(
            "Copying dominates: {} spent {:.0}% of its workers' busy time passing the input, and reading it took \
             the rest.",
            worst.run.label(),
            worst.passing.share * 100.0
        )
    } else {
        format!(
            "Passing took at most {:.0}% of the workers' busy time ({}): the reading mattered more.",
            worst.passing.share * 100.0,
            worst.run.label()
        )
    };
    let cheapest = all
        .iter()
        .filter(|p| p.run.mode == Mode::Processes)
        .min_by(|a, b| a.passing.passing_ms.total_cmp(&b.passing.passing_ms));
    let summary = match cheapest.filter(|p| p.via() == Some("shared")) {
        Some(shared) => format!("{summary} A SharedArrayBuffer handed it over in {}.", ms(shared.passing.passing_ms)),
        None => summary,
    };
    (summary, details)
}

/// "120 MB", "1.5 GB", "300 KB".
fn size(mb: f64) -> String {
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else if mb >= 1.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.0} KB", mb * 1024.0)
    }
}

/// The claim "threads share the input for free; processes pay a copy per worker, by clone or
/// by transfer, unless the input is in shared memory": whether it holds, whether a run it needs
/// is missing (`not_measured`, else noise), and the sentence either way.
pub fn claim(runs: &[RunRecord]) -> Option<(bool, bool, String)> {
    let find = |via: &str| runs.iter().find(|r| r.mode == Mode::Processes && r.variant.as_deref() == Some(via));
    let (copy, shared) = (find("copy")?, find("shared")?);
    let usable = |r: &RunRecord| r.skipped.is_none() && r.verified && r.passing.is_some();
    let mut needed = vec![copy, shared];
    needed.extend(find("transfer"));
    needed.extend(runs.iter().filter(|r| r.mode.needs_shared_memory()));
    let missing: Vec<String> = needed
        .iter()
        .filter(|r| !usable(r))
        .map(|r| match &r.skipped {
            Some(why) => format!("{} was skipped ({why})", r.label()),
            None => format!("{} was not measured correctly", r.label()),
        })
        .collect();
    if !missing.is_empty() {
        return Some((false, true, missing.join("; ")));
    }
    let passing = |r: &RunRecord| r.passing.as_ref().expect("usable").passing_ms;
    let copied = |r: &RunRecord| r.passing.as_ref().expect("usable").mb_passed > 0 && passing(r) > 0.0;
    let threads: Vec<&RunRecord> = runs.iter().filter(|r| r.mode.needs_shared_memory()).collect();
    let costly: Vec<&RunRecord> = [Some(copy), find("transfer")].into_iter().flatten().collect();
    let dearest_copy = costly.iter().map(|r| passing(r)).fold(f64::INFINITY, f64::min);
    let mut failures = Vec::new();
    if let Some(t) = threads.iter().find(|t| passing(t) > 0.0) {
        failures.push(format!("{} timed {} of passing, though it reads in place", t.label(), ms(passing(t))));
    }
    if let Some(c) = costly.iter().find(|r| !copied(r)) {
        failures.push(format!("{} passed nothing measurable", c.label()));
    }
    if passing(shared) > SHARED_AT_MOST * dearest_copy {
        failures.push(format!(
            "the SharedArrayBuffer took {} to reach its workers, not far below a copy's {}",
            ms(passing(shared)),
            ms(dearest_copy)
        ));
    }
    if !failures.is_empty() {
        return Some((false, false, failures.join("; ")));
    }
    let rate = |r: &RunRecord| r.passing.as_ref().and_then(|p| p.mb_per_s).map(|v| format!(" ({v:.0} MB/s)"));
    let costs: Vec<String> = costly
        .iter()
        .map(|r| format!("{} {}{}", r.variant.as_deref().unwrap_or(""), ms(passing(r)), rate(r).unwrap_or_default()))
        .collect();
    let threads_text =
        if threads.is_empty() { String::new() } else { "; threads read it in place, passing nothing".to_string() };
    Some((
        true,
        false,
        format!(
            "passing {} MB to {} took {} by message against {} as a SharedArrayBuffer{threads_text}",
            copy.passing.as_ref().map_or(0, |p| p.mb_passed),
            if copy.workers == 1 { "1 worker".to_string() } else { format!("{} workers", copy.workers) },
            costs.join(" and "),
            ms(passing(shared)),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Cell;
    use crate::protocol::TaskOutcome;
    use crate::runs::Sample;
    use threadlab_workloads::Workload;

    /// A record of 2 tasks of 100 MB: each passes for `pass` ms (none: read in place), then
    /// reads for 30 ms.
    fn run(mode: Mode, via: Option<&'static str>, pass: Option<f64>) -> RunRecord {
        let outcomes: Vec<TaskOutcome> = (0..2)
            .map(|task| {
                let p = pass.unwrap_or(0.0);
                TaskOutcome {
                    task,
                    worker: task + 1,
                    start: 0.0,
                    end: p + 30.0,
                    checksum: 9,
                    passing: pass.map(|p| (0.0, p)),
                    ..Default::default()
                }
            })
            .collect();
        let cell = Cell { mode, workers: 2, variant: via };
        let samples = [Sample { wall_ms: 60.0, run_start: 0.0, outcomes, startup_ms: None, counted: None }];
        let mut r = RunRecord::measured(cell, &samples, &[Some(9), Some(9)], 0.0);
        let workload = Workload::Pass { mb: 100, via: via.and_then(Via::from_name).into_iter().collect() };
        r.pass(&workload, &samples);
        r
    }

    fn four(shared_ms: f64) -> Vec<RunRecord> {
        vec![
            run(Mode::Threads, None, None),
            run(Mode::Processes, Some("copy"), Some(100.0)),
            run(Mode::Processes, Some("transfer"), Some(80.0)),
            run(Mode::Processes, Some("shared"), Some(shared_ms)),
        ]
    }

    #[test]
    fn copies_cost_threads_and_shared_memory_do_not() {
        let (holds, broken, text) = claim(&four(0.3)).unwrap();
        assert!(holds && !broken, "{text}");
        assert!(text.contains("passing 200 MB to 2 workers"), "{text}");
        assert!(text.contains("copy 200 ms (1000 MB/s) and transfer 160 ms (1250 MB/s)"), "{text}");
        // A shared buffer that took half as long as a copy is not "about nothing".
        let (holds, broken, text) = claim(&four(100.0)).unwrap();
        assert!(!holds && !broken, "{text}");
        assert!(text.contains("SharedArrayBuffer took 200 ms"), "{text}");
    }

    #[test]
    fn a_skipped_shared_buffer_is_not_measured_and_without_copy_there_is_no_claim() {
        let mut runs = four(0.3);
        runs[3] =
            RunRecord::skipped(Cell { mode: Mode::Processes, workers: 2, variant: Some("shared") }, "no isolation");
        let (holds, broken, text) = claim(&runs).unwrap();
        assert!(!holds && broken, "{text}");
        assert!(text.contains("skipped (no isolation)"), "{text}");
        assert!(claim(&runs[..1]).is_none());
    }

    #[test]
    fn the_verdict_says_when_copying_dominates_and_from_what_size_it_stops_mattering() {
        let (summary, details) = verdict(&four(0.3));
        assert!(summary.starts_with("Copying dominates: processes (copy) with 2 workers spent 77%"), "{summary}");
        assert!(summary.contains("A SharedArrayBuffer handed it over in 0.6 ms"), "{summary}");
        assert!(details[0].contains("threads with 2 workers read the input in place"), "{details:?}");
        assert!(
            details[3].contains("handed 200 MB over without a copy (one SharedArrayBuffer) in 0.6 ms"),
            "{details:?}"
        );
        // 1000 MB/s and 30 ms of reading per task: under 10% up to 3 MB; at least 10 ms per MB.
        let stop = details.iter().find(|d| d.starts_with("At 1000 MB/s")).unwrap();
        assert!(stop.contains("up to about 3 MB") && stop.contains("at least 10.0 ms per MB"), "{stop}");
        // Reading that outweighs the passing does not "dominate".
        let (summary, _) = verdict(&[run(Mode::Processes, Some("copy"), Some(10.0))]);
        assert!(summary.starts_with("Passing took at most 25%"), "{summary}");
    }
}
