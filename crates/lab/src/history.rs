//! Past reports kept in the browser (the page stores this as JSON in localStorage): newest
//! first, a bounded number, and entries that no longer read are dropped, not fatal.
//!
//! The page lists entries and never decodes a stored report into a [`Report`]: that decoding is
//! the view module's (crates/view), which shows and compares them. Listing reads only the few
//! fields a title needs, so the page's module carries no report decoder.

use crate::report::Report;
use crate::spec::Mode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Reports kept at most; older ones make way.
pub const MAX_ENTRIES: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When the run finished (ms since the epoch); unique enough to name an entry.
    pub id: u64,
    /// The report, as JSON (`Report::to_json`); or the measured runs (`Measured::to_json`)
    /// when the view module, which completes them, could not be loaded at the run's end.
    pub report: Value,
}

impl Entry {
    /// An entry for a report's JSON, or measured runs'; `None` if it is neither.
    pub fn new(id: u64, report_json: &str) -> Option<Entry> {
        let entry = Entry { id, report: serde_json::from_str(report_json).ok()? };
        entry.title().map(|_| entry)
    }

    /// "fib, 10 tasks: threads with 2 workers was fastest ..."; `None` when the stored report
    /// lacks what a title needs (damaged, or not a report).
    pub fn title(&self) -> Option<String> {
        let kind = self.report.pointer("/spec/workload/kind")?.as_str()?;
        let tasks = self.report.pointer("/spec/tasks")?.as_u64()?;
        let summary = match self.report.pointer("/verdict/summary") {
            Some(summary) => summary.as_str()?.to_owned(),
            None => {
                let runs = self.report.get("runs")?.as_array()?.len();
                format!("{runs} run{} measured, not yet read: Show reads them", if runs == 1 { "" } else { "s" })
            }
        };
        Some(format!("{kind}, {tasks} tasks: {summary}"))
    }
}

/// Reads stored history; returns the entries that read and how many did not.
pub fn parse(stored: &str) -> (Vec<Entry>, usize) {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(stored) else {
        return (vec![], usize::from(!stored.trim().is_empty()));
    };
    let total = items.len();
    let entries: Vec<Entry> = items
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Entry>(v).ok())
        .filter(|e| e.title().is_some())
        .collect();
    let bad = total - entries.len();
    (entries, bad)
}

pub fn to_json(entries: &[Entry]) -> String {
    serde_json::to_string(entries).expect("entries serialize")
}

/// `entries` with `entry` added first, at most [`MAX_ENTRIES`].
pub fn with(mut entries: Vec<Entry>, entry: Entry) -> Vec<Entry> {
    entries.retain(|e| e.id != entry.id);
    entries.insert(0, entry);
    entries.truncate(MAX_ENTRIES);
    entries
}

/// `entries` with `entry` in the place of the one with its id (its report made since it was
/// kept); unchanged if that one is gone.
pub fn replaced(mut entries: Vec<Entry>, entry: Entry) -> Vec<Entry> {
    if let Some(slot) = entries.iter_mut().find(|e| e.id == entry.id) {
        *slot = entry;
    }
    entries
}

/// One line of a comparison: the same (mode, workers) in an earlier and a later report.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    pub mode: Mode,
    pub workers: u32,
    pub before_ms: Option<f64>,
    pub after_ms: Option<f64>,
}

impl Compared {
    /// after / before: below 1 the later run was faster.
    pub fn ratio(&self) -> Option<f64> {
        match (self.before_ms, self.after_ms) {
            (Some(b), Some(a)) if b > 0.0 => Some(a / b),
            _ => None,
        }
    }
}

/// Medians of every (mode, workers) either report measured, `before`'s order first.
pub fn compare(before: &Report, after: &Report) -> Vec<Compared> {
    let median = |r: &Report, mode: Mode, workers: u32| {
        r.runs.iter().find(|x| x.mode == mode && x.workers == workers).and_then(|x| x.median_ms)
    };
    let mut keys: Vec<(Mode, u32)> = Vec::new();
    for run in before.runs.iter().chain(&after.runs) {
        if !keys.contains(&(run.mode, run.workers)) {
            keys.push((run.mode, run.workers));
        }
    }
    keys.into_iter()
        .map(|(mode, workers)| Compared {
            mode,
            workers,
            before_ms: median(before, mode, workers),
            after_ms: median(after, mode, workers),
        })
        .filter(|c| c.before_ms.is_some() || c.after_ms.is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Cell;
    use crate::protocol::TaskOutcome;
    use crate::report::{Env, RunRecord, Sample};
    use crate::Spec;

    fn entry(id: u64, report: Report) -> Entry {
        Entry::new(id, &report.to_json()).expect("a report's JSON makes an entry")
    }

    fn report(mode: Mode, ms: f64) -> Report {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}, "workers": [2]}"#).unwrap();
        let env = Env {
            cores: 2,
            cross_origin_isolated: true,
            user_agent: "t".into(),
            timer_resolution_ms: 0.005,
            version: "t".into(),
        };
        let outcomes =
            vec![TaskOutcome { task: 0, worker: 1, start: 0.0, end: ms, checksum: 6765, ..Default::default() }];
        let run = RunRecord::measured(
            Cell::new(mode, 2),
            &[Sample { wall_ms: ms, run_start: 0.0, outcomes, startup_ms: None, counted: None }],
            &[Some(6765)],
            0.0,
        );
        Report::new(spec, env, vec![run])
    }

    #[test]
    fn entries_round_trip_newest_first_and_bounded() {
        let mut entries = vec![];
        for id in 0..(MAX_ENTRIES as u64 + 5) {
            entries = with(entries, entry(id, report(Mode::Threads, 10.0)));
        }
        assert_eq!(entries.len(), MAX_ENTRIES);
        assert_eq!(entries[0].id, MAX_ENTRIES as u64 + 4);
        let (back, bad) = parse(&to_json(&entries));
        assert_eq!((back, bad), (entries.clone(), 0));
        assert!(entries[0].title().unwrap().starts_with("fib, 10 tasks: threads with 2 workers was fastest"));
        assert_eq!(Entry::new(1, r#"{"nope": true}"#), None);
        let r = report(Mode::Threads, 10.0);
        let measured = crate::report::Measured { spec: r.spec, env: r.env, runs: r.runs };
        let kept = Entry::new(2, &measured.to_json()).expect("measured runs make an entry");
        assert_eq!(kept.title().unwrap(), "fib, 10 tasks: 1 run measured, not yet read: Show reads them");
        // Once Show made its report, the report takes the entry's place.
        let listed = vec![entry(3, report(Mode::Threads, 5.0)), kept, entry(1, report(Mode::Threads, 5.0))];
        let made = entry(2, report(Mode::Threads, 10.0));
        let after = replaced(listed.clone(), made.clone());
        assert_eq!(after.iter().map(|e| e.id).collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(after[1], made);
        assert_eq!(
            replaced(listed.clone(), entry(9, report(Mode::Threads, 1.0))),
            listed,
            "a deleted entry stays gone"
        );
    }

    #[test]
    fn damaged_storage_loses_only_what_is_damaged() {
        let good = to_json(&[entry(1, report(Mode::Threads, 10.0))]);
        let mixed =
            format!("[{}, {{\"id\": 2}}, {{\"id\": 3, \"report\": {{\"nope\": true}}}}, 7]", &good[1..good.len() - 1]);
        let (entries, bad) = parse(&mixed);
        assert_eq!((entries.len(), bad), (1, 3));
        assert_eq!(parse("not json"), (vec![], 1));
        assert_eq!(parse(""), (vec![], 0));
    }

    #[test]
    fn comparison_pairs_runs_by_mode_and_workers() {
        let rows = compare(&report(Mode::Threads, 10.0), &report(Mode::Threads, 5.0));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ratio(), Some(0.5));
        let rows = compare(&report(Mode::Threads, 10.0), &report(Mode::Processes, 8.0));
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].after_ms, rows[1].before_ms), (None, None));
    }
}
