//! "The article beside you": an article's own figures next to the same runs measured here.
//! Absolute times are not comparable (CPython on the author's machine against Wasm on this
//! one), so each side is also given as a speedup against its own baseline, by the same rule.

use crate::presets::Article;
use crate::runs::RunRecord;
use crate::spec::Mode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Beside {
    /// The article's title.
    pub title: String,
    /// Where the article's figures come from: interpreter and cores, as far as it says.
    pub setup: String,
    /// What the article shows instead, where it gives no figure.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default)]
    pub rows: Vec<BesideRow>,
}

/// One figure of the article and the same mode and worker count here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BesideRow {
    pub mode: Mode,
    pub workers: u32,
    pub article_s: f64,
    /// Against the article's baseline (`Article::ratio`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_speedup: Option<f64>,
    /// The median measured here, if this run was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub here_ms: Option<f64>,
    /// Against the same baseline measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub here_speedup: Option<f64>,
}

/// The article's figures beside the runs of this report.
pub fn beside(article: &Article, runs: &[RunRecord]) -> Beside {
    let median = |mode: Mode, workers: u32| {
        runs.iter()
            .find(|r| r.mode == mode && r.workers == workers && r.verified)
            .and_then(|r| r.median_ms)
            .filter(|ms| *ms > 0.0)
    };
    let article_has_sequential = article.figures.iter().any(|f| f.mode == Mode::Sequential);
    let rows = article
        .figures
        .iter()
        .map(|f| {
            let here_ms = median(f.mode, f.workers);
            let base = if article_has_sequential { median(Mode::Sequential, 1) } else { median(f.mode, 1) };
            BesideRow {
                mode: f.mode,
                workers: f.workers,
                article_s: f.seconds,
                article_speedup: article.ratio(f),
                here_ms,
                here_speedup: base.zip(here_ms).map(|(b, h)| b / h),
            }
        })
        .collect();
    Beside { title: article.title.into(), setup: article.setup.into(), note: article.note.into(), rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Cell;
    use crate::presets::{self, Figure};
    use crate::protocol::TaskOutcome;
    use crate::report::Sample;

    fn run(mode: Mode, workers: u32, ms: f64) -> RunRecord {
        let outcomes = vec![TaskOutcome { task: 0, worker: 1, start: 0.0, end: ms, checksum: 1, ..Default::default() }];
        RunRecord::measured(
            Cell::new(mode, workers),
            &[Sample { wall_ms: ms, run_start: 0.0, outcomes, startup_ms: None, counted: None }],
            &[Some(1)],
            0.0,
        )
    }

    #[test]
    fn each_side_is_a_speedup_against_its_own_baseline() {
        let article = presets::find("sum-sweep").and_then(|p| p.article).expect("the sum sweep has an article");
        let runs = vec![
            run(Mode::Sequential, 1, 1500.0),
            run(Mode::Processes, 1, 1000.0),
            run(Mode::Processes, 2, 500.0),
            run(Mode::ThreadsGil, 2, 1100.0),
        ];
        let b = beside(&article, &runs);
        assert_eq!(b.setup, "CPython, 4 cores");
        let row = |mode, workers| b.rows.iter().find(|r| r.mode == mode && r.workers == workers).unwrap();
        // The article has no sequential figure: both sides divide by the same mode at 1 worker.
        let p2 = row(Mode::Processes, 2);
        assert!((p2.article_speedup.unwrap() - 36.21 / 18.74).abs() < 1e-9);
        assert_eq!((p2.here_ms, p2.here_speedup), (Some(500.0), Some(2.0)));
        // Threads with the GIL at 1 worker were not measured here: no baseline, no speedup.
        let g2 = row(Mode::ThreadsGil, 2);
        assert_eq!((g2.here_ms, g2.here_speedup), (Some(1100.0), None));
        assert_eq!(row(Mode::Processes, 16).here_ms, None);
    }

    #[test]
    fn an_article_with_a_sequential_figure_is_compared_against_sequential() {
        let article = Article {
            title: "t",
            setup: "s",
            figures: &[
                Figure { mode: Mode::Sequential, workers: 1, seconds: 30.0 },
                Figure { mode: Mode::Processes, workers: 2, seconds: 15.0 },
            ],
            note: "",
        };
        let b = beside(&article, &[run(Mode::Sequential, 1, 80.0), run(Mode::Processes, 2, 50.0)]);
        assert_eq!(b.rows[1].article_speedup, Some(2.0));
        assert_eq!(b.rows[1].here_speedup, Some(1.6));
    }
}
