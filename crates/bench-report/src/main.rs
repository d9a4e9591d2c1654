//! `threadlab-bench-report [results.json]`: prints the analysis of a bench run as JSON
//! (bench/report.mjs writes BENCHMARKS.md from it). `--schema` prints the results schema this
//! reads, which bench/run.mjs writes into new files.

use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    if arg.as_deref() == Some("--schema") {
        println!("{}", threadlab_bench_report::SCHEMA);
        return ExitCode::SUCCESS;
    }
    let path = arg.unwrap_or_else(|| "bench/results.json".into());
    let result = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {path}: {e}"))
        .and_then(|text| threadlab_bench_report::analyse_text(&text).map_err(|e| format!("{path}: {e}")));
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
