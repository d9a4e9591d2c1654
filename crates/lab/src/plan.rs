//! The plan: which (mode, workers) cells a spec runs, and how many timed runs that makes.

use crate::spec::{Mode, Spec};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub mode: Mode,
    pub workers: u32,
}

/// Cells in run order: modes as listed, worker counts ascending. Single-threaded modes run once,
/// with 1 worker, whatever the worker list says.
pub fn cells(spec: &Spec) -> Vec<Cell> {
    spec.modes
        .iter()
        .flat_map(|&mode| {
            let workers = if mode.is_single_threaded() { vec![1] } else { spec.workers.clone() };
            workers.into_iter().map(move |workers| Cell { mode, workers })
        })
        .collect()
}

/// Runs per cell, warm-up included.
pub fn runs_per_cell(spec: &Spec) -> u32 {
    spec.warmup + spec.repeat
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_threaded_modes_run_once_per_spec() {
        let spec = Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}, "workers": [1, 2, 8]}"#).unwrap();
        let cells = cells(&spec);
        let count = |m| cells.iter().filter(|c| c.mode == m).count();
        assert_eq!(count(Mode::Sequential), 1);
        assert_eq!(count(Mode::Async), 1);
        assert_eq!(count(Mode::Threads), 3);
        assert_eq!(count(Mode::Processes), 3);
        assert_eq!(cells.len(), 11);
        assert_eq!(runs_per_cell(&spec), 4);
    }
}
