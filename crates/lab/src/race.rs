//! What a `counter` workload's runs show: how many updates unsynchronised threads lost, that a
//! lock, an atomic and processes kept every one, and what each cost per update. Read by the
//! verdict and by the claim check (`Shape::Race`).

use crate::runs::{CounterRecord, RunRecord};
use crate::spec::{Mode, Spec};
use crate::text::thousands;

/// A run of a counter, measured, with what it counted.
struct Counted<'a> {
    run: &'a RunRecord,
    counter: &'a CounterRecord,
}

impl Counted<'_> {
    /// The most updates one repetition lost.
    fn most_lost(&self) -> u64 {
        self.counter.lost.iter().copied().max().unwrap_or(0)
    }

    fn lost_text(&self) -> String {
        let lost = self.most_lost();
        let share = lost as f64 / self.counter.expected.max(1) as f64 * 100.0;
        format!(
            "{} lost {} of {} updates ({share:.1}%)",
            self.run.label(),
            thousands(lost),
            thousands(self.counter.expected)
        )
    }

    fn cost(&self) -> String {
        match self.counter.ns_per_update {
            Some(ns) => format!("{} {ns:.1} ns per update", self.run.series()),
            None => self.run.series(),
        }
    }
}

fn counted(runs: &[RunRecord]) -> Vec<Counted<'_>> {
    runs.iter()
        .filter(|r| r.skipped.is_none() && !r.samples_ms.is_empty())
        .filter_map(|run| Some(Counted { run, counter: run.counter.as_ref()? }))
        .collect()
}

/// What the runs show, as the verdict's summary and details.
pub fn verdict(spec: &Spec, runs: &[RunRecord]) -> (String, Vec<String>) {
    let all = counted(runs);
    let (racy, exact): (Vec<&Counted>, Vec<&Counted>) = all.iter().partition(|c| c.counter.racy);
    let broken: Vec<&&Counted> = exact.iter().filter(|c| !c.run.verified).collect();
    let mut details: Vec<String> = racy.iter().map(|c| c.lost_text()).collect();
    if let Some(gil) = racy.iter().find(|c| c.run.mode == Mode::ThreadsGil) {
        details.push(format!(
            "Under the emulated GIL a thread switch can land between an update's read and its write, as in CPython, \
             where `counter += 1` is several bytecodes: {} at a {} ms switch interval.",
            if gil.most_lost() > 0 { "updates were lost" } else { "no switch landed there this time" },
            spec.gil.switch_interval_ms
        ));
    }
    for c in &broken {
        details.push(format!("{}: {}", c.run.label(), c.run.errors.first().map_or("not verified", String::as_str)));
    }
    let costs: Vec<String> = all.iter().filter(|c| c.run.verified).map(|c| c.cost()).collect();
    if !costs.is_empty() {
        details.push(format!("Cost per update (the median run over the updates made): {}.", costs.join(", ")));
    }
    let summary = if all.is_empty() {
        "Nothing was counted.".to_string()
    } else if !broken.is_empty() {
        format!(
            "A run that must keep every update lost some ({}): a broken run, not the race.",
            broken.iter().map(|c| c.run.label()).collect::<Vec<_>>().join(", ")
        )
    } else {
        let lost: Vec<String> = racy.iter().filter(|c| c.most_lost() > 0).map(|c| c.run.label()).collect();
        let race = match (racy.is_empty(), lost.is_empty()) {
            (true, _) => "No run updated the counter unsynchronised from threads.".to_string(),
            (false, true) => {
                "No unsynchronised update was lost this time: the threads' reads and writes did not meet.".to_string()
            }
            (false, false) => format!("Lost updates in {}: the race this experiment shows.", lost.join(", ")),
        };
        let mut kept: Vec<String> = Vec::new();
        for name in exact.iter().map(|c| c.run.series()) {
            if !kept.contains(&name) {
                kept.push(name);
            }
        }
        if kept.is_empty() {
            race
        } else {
            format!("{race} Every update was kept by {}.", kept.join(", "))
        }
    };
    (summary, details)
}

/// The claim "threads race, a lock fixes it, processes count exactly": whether it holds, why
/// not, and the sentence either way.
pub fn claim(runs: &[RunRecord]) -> Option<(bool, bool, String)> {
    let all = counted(runs);
    let racy: Vec<&Counted> = all.iter().filter(|c| c.counter.racy && c.run.mode == Mode::Threads).collect();
    let locked: Vec<&Counted> =
        all.iter().filter(|c| c.run.mode == Mode::Threads && c.run.variant.as_deref() == Some("lock")).collect();
    let processes: Vec<&Counted> = all.iter().filter(|c| c.run.mode == Mode::Processes).collect();
    if racy.is_empty() || locked.is_empty() || processes.is_empty() {
        return None;
    }
    let broken: Vec<String> =
        all.iter().filter(|c| !c.counter.racy && !c.run.verified).map(|c| c.run.label()).collect();
    if !broken.is_empty() {
        return Some((false, true, format!("{} lost updates it must keep: a broken run", broken.join(", "))));
    }
    let Some(race) = racy.iter().max_by_key(|c| c.most_lost()).filter(|c| c.most_lost() > 0) else {
        return Some((
            false,
            false,
            format!(
                "no update was lost by unsynchronised threads in {} repetitions: their reads and writes never met \
                 (too few updates, or the threads never ran at once)",
                racy.iter().map(|c| c.counter.lost.len()).sum::<usize>()
            ),
        ));
    };
    let versus = match (locked[0].counter.ns_per_update, race.counter.ns_per_update) {
        (Some(lock), Some(none)) => format!(" at {lock:.1} ns per update, against {none:.1} unsynchronised"),
        _ => String::new(),
    };
    Some((
        true,
        false,
        format!(
            "{}; with a lock, threads kept every update{versus}; and processes counted exactly, each in its own \
             memory, sending its total by message",
            race.lost_text(),
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

    fn run(mode: Mode, variant: Option<&'static str>, counted: u64) -> RunRecord {
        let spec = Spec::parse(r#"{"workload": {"kind": "counter", "n": 50}, "tasks": 2, "workers": [2]}"#).unwrap();
        let cell = Cell { mode, workers: 2, variant };
        let outcomes = (0..2).map(|task| TaskOutcome { task, checksum: 50, end: 5.0, ..Default::default() }).collect();
        let samples = [Sample { wall_ms: 10.0, run_start: 0.0, outcomes, startup_ms: None, counted: Some(counted) }];
        let mut r = RunRecord::measured(cell, &samples, &[Some(50), Some(50)], 0.0);
        let workload: Workload = crate::plan::cell_spec(&spec, cell).workload;
        r.count(&workload, 2, &samples);
        r
    }

    #[test]
    fn lost_updates_are_the_result_for_unsynchronised_threads_and_a_failure_elsewhere() {
        let racy = run(Mode::Threads, Some("none"), 70);
        assert!(racy.verified, "{:?}", racy.errors);
        assert_eq!(racy.counter.as_ref().unwrap().lost, [30]);
        assert_eq!(racy.counter.as_ref().unwrap().ns_per_update, Some(100_000.0));
        let locked = run(Mode::Threads, Some("lock"), 70);
        assert!(!locked.verified);
        assert!(locked.errors[0].contains("30 of 100 updates were lost with lock"), "{:?}", locked.errors);
        let processes = run(Mode::Processes, None, 100);
        assert!(processes.verified && processes.counter.as_ref().unwrap().lost == [0]);
        assert!(!run(Mode::Threads, Some("none"), 101).verified, "more than was added");
    }

    #[test]
    fn the_claim_holds_when_threads_lose_updates_and_the_lock_and_processes_do_not() {
        let runs = [
            run(Mode::Threads, Some("none"), 60),
            run(Mode::Threads, Some("lock"), 100),
            run(Mode::Processes, None, 100),
        ];
        let (holds, broken, text) = claim(&runs).unwrap();
        assert!(holds && !broken, "{text}");
        assert!(text.starts_with("threads (none) with 2 workers lost 40 of 100 updates (40.0%)"), "{text}");
        let (summary, _) = verdict(&Spec::parse(r#"{"workload": {"kind": "counter", "n": 50}}"#).unwrap(), &runs);
        assert!(summary.starts_with("Lost updates in threads (none) with 2 workers"), "{summary}");

        let no_race = [
            run(Mode::Threads, Some("none"), 100),
            run(Mode::Threads, Some("lock"), 100),
            run(Mode::Processes, None, 100),
        ];
        let (holds, broken, text) = claim(&no_race).unwrap();
        assert!(!holds && !broken && text.starts_with("no update was lost"), "{text}");

        let broken_lock = [
            run(Mode::Threads, Some("none"), 60),
            run(Mode::Threads, Some("lock"), 99),
            run(Mode::Processes, None, 100),
        ];
        let (holds, broken, _) = claim(&broken_lock).unwrap();
        assert!(!holds && broken);
        assert!(claim(&runs[..2]).is_none(), "no processes run: nothing to check");
    }
}
