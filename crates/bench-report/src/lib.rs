//! The bench's analysis: reads bench/results.json (the raw samples `make bench` keeps) and
//! computes every figure, bound and PASS/MISS of BENCHMARKS.md. bench/report.mjs runs the
//! binary and only fills its templates with the result. Native, so `cargo test` covers it.

pub mod engines;
pub mod results;
pub mod schedule;
pub mod sharing;
pub mod stats;
pub mod targets;

pub use results::SCHEMA;
pub use targets::{analyse, Analysis};

/// The analysis of a results file's text, as JSON.
pub fn analyse_text(text: &str) -> Result<String, String> {
    let results = results::parse(text)?;
    let analysis = analyse(&results)?;
    serde_json::to_string(&analysis).map_err(|e| e.to_string())
}
