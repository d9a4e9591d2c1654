//! Sharing data between workers: what one update of a shared counter costs with each
//! synchronisation (none, lock, atomic) and through messages (processes), and how many updates
//! each lost. No targets: the figures are the lesson, reported beside each other from one run.

use crate::results::{Report, Results};
use crate::stats::Spread;
use crate::targets::Row;
use serde::Serialize;

/// One run of the counter experiment.
#[derive(Debug, Serialize)]
pub struct CounterRow {
    /// "threads (lock)", "processes".
    pub series: String,
    pub workers: u32,
    /// Wall time over updates made, per repetition, ns.
    pub ns_per_update: Spread,
    /// Updates lost per repetition, of `expected`.
    pub lost: Vec<u64>,
    pub expected: u64,
    pub racy: bool,
    pub verified: bool,
}

pub fn counter(report: &Report) -> Vec<CounterRow> {
    report
        .runs
        .iter()
        .filter_map(|run| {
            let counted = run.counter.as_ref()?;
            let per_update = |ms: &f64| Some(ms * 1e6 / counted.expected.max(1) as f64);
            let series = match &run.variant {
                Some(v) => format!("{} ({v})", run.mode),
                None => run.mode.clone(),
            };
            Some(CounterRow {
                series,
                workers: run.workers,
                ns_per_update: Spread::of(run.samples_ms.iter().map(per_update)),
                lost: counted.lost.clone(),
                expected: counted.expected,
                racy: counted.racy,
                verified: run.verified,
            })
        })
        .collect()
}

/// The counter's rows, also as INFO rows of the targets table; `None` for a results file
/// measured before the experiment existed.
pub fn sharing(r: &Results, rows: &mut Vec<Row>) -> Option<Vec<CounterRow>> {
    let table = counter(&r.sharing.as_ref()?.counter);
    for c in &table {
        let lost = c.lost.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        rows.push(
            Row::new("sharing", format!("{} with {}, per update", c.series, c.workers), c.ns_per_update, "ns", 1)
                .verified(c.verified)
                .note(format!("updates lost per repetition: {lost} of {}", c.expected)),
        );
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_per_update_is_each_samples_time_over_the_updates_made() {
        let report: Report = serde_json::from_value(serde_json::json!({
            "runs": [
                {"mode": "threads", "workers": 2, "variant": "none", "samples_ms": [10.0, 30.0, 20.0],
                 "median_ms": 20.0, "verified": true,
                 "counter": {"expected": 1000000, "counted": [900000, 1000000, 950000], "lost": [100000, 0, 50000], "racy": true}},
                {"mode": "processes", "workers": 2, "samples_ms": [40.0], "median_ms": 40.0, "verified": true,
                 "counter": {"expected": 1000000, "counted": [1000000], "lost": [0], "racy": false}},
                {"mode": "sequential", "workers": 1, "samples_ms": [5.0], "median_ms": 5.0, "verified": true}
            ]
        }))
        .unwrap();
        let rows = counter(&report);
        assert_eq!(rows.len(), 2, "runs without a count are not counter runs");
        assert_eq!(rows[0].series, "threads (none)");
        assert_eq!(rows[0].ns_per_update.median, Some(20.0));
        assert_eq!((rows[0].ns_per_update.min, rows[0].ns_per_update.max), (Some(10.0), Some(30.0)));
        assert_eq!(rows[0].lost, [100000, 0, 50000]);
        assert!(rows[0].racy);
        assert_eq!(rows[1].series, "processes");
        assert_eq!(rows[1].ns_per_update.median, Some(40.0));
    }
}
