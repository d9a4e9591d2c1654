//! The plan: which (mode, variant, workers) cells a spec runs, and how many timed runs that
//! makes.

use crate::spec::{Mode, Spec};
use threadlab_workloads::Workload;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub mode: Mode,
    pub workers: u32,
    /// The workload's variant this cell runs (a counter's synchronisation in threads modes, a
    /// pass's way of passing in processes); `None` where the workload has none or the mode has
    /// no use for them.
    pub variant: Option<&'static str>,
}

impl Cell {
    pub fn new(mode: Mode, workers: u32) -> Cell {
        Cell { mode, workers, variant: None }
    }
}

/// Cells in run order: modes as listed, each mode's variants as listed, worker counts
/// ascending. Single-threaded modes run once, with 1 worker, whatever the worker list says.
/// Which modes run the variants one by one is the workload's rule ([`runs_variants`]).
pub fn cells(spec: &Spec) -> Vec<Cell> {
    spec.modes
        .iter()
        .flat_map(|&mode| {
            let workers = if mode.is_single_threaded() { vec![1] } else { spec.workers.clone() };
            let variants = spec.workload.variants();
            let variants: Vec<Option<&'static str>> = if runs_variants(&spec.workload, mode) && !variants.is_empty() {
                variants.into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            variants.into_iter().flat_map(move |variant| {
                workers.clone().into_iter().map(move |workers| Cell { mode, workers, variant })
            })
        })
        .collect()
}

/// Whether `mode` runs `workload`'s variants one by one. Only threads share memory, so only
/// threads modes run a counter's synchronisations: a process counts in its own memory, and a
/// sequential run has nobody to race. Only processes receive a `pass` input by message: threads
/// read it in place in their shared memory, sequential and async in their worker's own.
pub fn runs_variants(workload: &Workload, mode: Mode) -> bool {
    match workload {
        Workload::Pass { .. } => mode == Mode::Processes,
        _ => mode.needs_shared_memory(),
    }
}

/// The spec one cell runs: its workload narrowed to the cell's variant.
pub fn cell_spec(spec: &Spec, cell: Cell) -> Spec {
    match cell.variant {
        Some(variant) => Spec { workload: spec.workload.with_variant(variant), ..spec.clone() },
        None => spec.clone(),
    }
}

/// Runs per cell, warm-up included.
pub fn runs_per_cell(spec: &Spec) -> u32 {
    spec.warmup + spec.repeat
}

/// How a processes run hands out its tasks: `size` consecutive tasks a message, and at most
/// `queued` messages sent and unanswered per worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatch {
    pub size: u32,
    pub queued: u32,
}

/// `multiprocessing.Pool.map`'s default chunksize for `tasks` on `k` workers: ceil(tasks / 4k).
/// With equal tasks it can leave one worker a chunk more than the others (20 tasks, k = 2:
/// chunks of 3, the busiest worker runs 11, efficiency at most 10/11), in CPython too.
pub fn default_chunksize(tasks: u32, k: u32) -> u32 {
    tasks.div_ceil(k.max(1).saturating_mul(4)).max(1)
}

/// CPU tasks go to process workers in chunks, as `Pool.map` sends them: the spec's
/// `processes.chunksize`, else Pool.map's default. A worker always has its next chunk queued
/// while it computes the current one (as Pool's task queue does), so it never idles waiting for
/// the page's main thread, which hands chunks out and competes with the workers for the cores.
///
/// Waiting tasks (sleep, downloads) go one at a time whatever the chunksize, as
/// `ProcessPoolExecutor` sends them: a message costs a fraction of a millisecond against a wait
/// of many, chunks of waits would leave some workers a whole extra chunk to wait through at the
/// end, and a worker handles its messages one at a time, so a queued one would wait too.
///
/// A `pass` input goes one task a message, the next sent only when the last is answered: each
/// message carries the input, and a message queued while its worker computes would be received
/// only after, its passing time counting the computing before it.
pub fn dispatch(spec: &Spec, k: u32) -> Dispatch {
    if spec.workload.is_waiting() || matches!(spec.workload, Workload::Pass { .. }) {
        Dispatch { size: 1, queued: 1 }
    } else {
        Dispatch { size: spec.processes.chunksize.unwrap_or_else(|| default_chunksize(spec.tasks, k)), queued: 2 }
    }
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

    fn spec(extra: &str) -> Spec {
        Spec::parse(&format!(r#"{{"workload": {{"kind": "fib", "n": 20}}, "tasks": 20{extra}}}"#)).unwrap()
    }

    #[test]
    fn chunks_are_pool_maps_default_unless_the_spec_sets_them() {
        assert_eq!(default_chunksize(20, 2), 3);
        assert_eq!(default_chunksize(20, 16), 1);
        assert_eq!(default_chunksize(1, 1), 1);
        assert_eq!(default_chunksize(1024, 1), 256);
        // A report read back may name any worker count: no overflow.
        assert_eq!(default_chunksize(1024, u32::MAX), 1);
        assert_eq!(dispatch(&spec(""), 2), Dispatch { size: 3, queued: 2 });
        assert_eq!(dispatch(&spec(""), 1), Dispatch { size: 5, queued: 2 });
        let one = spec(r#", "processes": {"start": "warm", "chunksize": 1}"#);
        assert_eq!(dispatch(&one, 2), Dispatch { size: 1, queued: 2 });
        assert_eq!(dispatch(&one, 16), Dispatch { size: 1, queued: 2 });
        // Larger than the run: one chunk.
        assert_eq!(dispatch(&spec(r#", "processes": {"chunksize": 50}"#), 2).size, 50);
    }

    #[test]
    fn waiting_tasks_go_one_per_message_whatever_the_chunksize() {
        for chunksize in ["", r#", "chunksize": 4"#] {
            let sleep = Spec::parse(&format!(r#"{{"workload": {{"kind": "sleep", "ms": 1}}, "tasks": 20, "processes": {{"start": "cold"{chunksize}}}}}"#)).unwrap();
            assert_eq!(dispatch(&sleep, 2), Dispatch { size: 1, queued: 1 });
        }
    }

    #[test]
    fn each_workload_says_which_modes_run_its_variants() {
        let count = |workload: &str, mode: Mode| {
            let spec = Spec::parse(&format!(r#"{{"workload": {workload}, "workers": [1, 2]}}"#)).unwrap();
            let cells: Vec<Cell> = cells(&spec).into_iter().filter(|c| c.mode == mode).collect();
            (cells.len(), cells.iter().filter_map(|c| c.variant).collect::<Vec<_>>())
        };
        let counter = r#"{"kind": "counter", "n": 5, "sync": ["none", "lock"]}"#;
        assert_eq!(count(counter, Mode::Threads), (4, vec!["none", "none", "lock", "lock"]));
        assert_eq!(count(counter, Mode::Processes), (2, vec![]));
        let pass = r#"{"kind": "pass", "mb": 1, "via": ["copy", "shared"]}"#;
        assert_eq!(count(pass, Mode::Processes), (4, vec!["copy", "copy", "shared", "shared"]));
        assert_eq!(count(pass, Mode::Threads), (2, vec![]));
        assert_eq!(count(pass, Mode::Sequential), (1, vec![]));
        // A cell's spec keeps only its variant; a cell without one keeps them all.
        let spec = Spec::parse(&format!(r#"{{"workload": {pass}}}"#)).unwrap();
        let shared = *cells(&spec).iter().find(|c| c.variant == Some("shared")).unwrap();
        assert_eq!(cell_spec(&spec, shared).workload.variants(), ["shared"]);
        assert_eq!(cell_spec(&spec, Cell::new(Mode::Threads, 2)).workload.variants(), ["copy", "shared"]);
    }

    #[test]
    fn a_pass_input_goes_one_task_a_message_never_queued() {
        let pass =
            Spec::parse(r#"{"workload": {"kind": "pass", "mb": 1}, "tasks": 20, "processes": {"chunksize": 4}}"#)
                .unwrap();
        assert_eq!(dispatch(&pass, 2), Dispatch { size: 1, queued: 1 });
    }
}
