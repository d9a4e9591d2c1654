//! The articles' experiments, one click each.

use serde_json::Value;

pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    /// What the original article claimed.
    pub claim: &'static str,
    pub spec: Value,
}

pub fn all() -> Vec<Preset> {
    vec![
        Preset {
            id: "fib-threads-vs-processes",
            title: "10 x fib(35): threads vs processes",
            claim: "With the GIL, 10 threads take as long as doing the work sequentially; 10 processes use every core.",
            spec: parse(r#"{"workload": {"kind": "fib", "n": 35}, "tasks": 10,
                         "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                         "workers": [10], "repeat": 3, "warmup": 1}"#),
        },
        Preset {
            id: "sum-sweep",
            title: "Sum of the first 100 million integers, 1 to 16 workers",
            claim: "Threads do not speed up the sum; processes do, up to the number of cores.",
            spec: parse(r#"{"workload": {"kind": "sum", "n": 100000000}, "tasks": 16,
                         "modes": ["sequential", "threads", "threads-gil", "processes"],
                         "workers": [1, 2, 4, 8, 16], "repeat": 3, "warmup": 1,
                         "processes": {"start": "warm"}}"#),
        },
        Preset {
            id: "append-1-vs-2-processes",
            title: "Append 10 million random integers to a list, 1 vs 2 processes",
            claim: "Two processes finish two lists in about the time one process takes for one.",
            spec: parse(r#"{"workload": {"kind": "sample_append", "n": 10000000}, "tasks": 2,
                         "modes": ["sequential", "processes"], "workers": [1, 2], "repeat": 3, "warmup": 1}"#),
        },
        Preset {
            id: "sleep-threads-vs-processes",
            title: "Sleep-based work: 2 threads vs 2 processes",
            claim: "Sleeping releases the GIL, so threads overlap waits as well as processes do, without the start-up cost.",
            spec: parse(r#"{"workload": {"kind": "sleep", "ms": 500}, "tasks": 2,
                         "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                         "workers": [2], "repeat": 3, "warmup": 0}"#),
        },
        Preset {
            id: "mandelbrot-sweep",
            title: "Mandelbrot rows, 1 to 8 workers",
            claim: "A CPU-bound image splits into rows; parallel workers help up to the core count.",
            spec: parse(r#"{"workload": {"kind": "mandelbrot", "width": 800, "height": 600, "max_iter": 500}, "tasks": 16,
                         "modes": ["sequential", "threads", "threads-gil", "processes"],
                         "workers": [1, 2, 4, 8], "repeat": 3, "warmup": 1, "processes": {"start": "warm"}}"#),
        },
        Preset {
            id: "download-threads-vs-processes",
            title: "Download 10 pages: 10 threads vs 10 processes",
            claim: "Downloading is I/O-bound: threads wait in parallel despite the GIL, so they beat sequential code as much as processes do, without starting processes.",
            spec: parse(r#"{"workload": {"kind": "fetch", "delay_ms": 200, "bytes": 20480}, "tasks": 10,
                         "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                         "workers": [10], "repeat": 3, "warmup": 1}"#),
        },
        Preset {
            id: "letters-fetch-write",
            title: "Fetch 26 letters and write each to {letter}.txt",
            claim: "Fetching and writing files is waiting, not computing: threads finish in a fraction of the sequential time.",
            spec: parse(r#"{"workload": {"kind": "fetch_write", "delay_ms": 100, "bytes": 1024}, "tasks": 26,
                         "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                         "workers": [4, 16], "repeat": 3, "warmup": 1}"#),
        },
        Preset {
            id: "fetch-100-sweep",
            title: "Fetch 100 pages with 1 to 16 workers",
            claim: "More threads download more pages at once: time falls with every worker added, until the server or the connection limit says no.",
            spec: parse(r#"{"workload": {"kind": "fetch", "delay_ms": 100}, "tasks": 100,
                         "modes": ["threads", "threads-gil", "processes", "async"],
                         "workers": [1, 2, 4, 8, 16], "repeat": 1, "warmup": 0, "processes": {"start": "warm"}}"#),
        },
        Preset {
            id: "image-queue-5-threads",
            title: "A queue of 30 image downloads, 5 threads",
            claim: "Five threads taking downloads from a queue finish about five times sooner than one loop downloading one image after another.",
            spec: parse(r#"{"workload": {"kind": "fetch", "delay_ms": 150, "bytes": 204800}, "tasks": 30,
                         "modes": ["sequential", "threads", "threads-gil", "processes", "async"],
                         "workers": [5], "repeat": 3, "warmup": 1}"#),
        },
        Preset {
            id: "crash-thread-vs-process",
            title: "One task crashes: threads vs processes",
            claim: "A crash in one thread brings the whole program down; a crashing worker process takes only its own task with it, and the pool carries on.",
            spec: parse(r#"{"workload": {"kind": "fault", "fault": "panic", "at_task": 3, "n": 30}, "tasks": 10,
                         "modes": ["sequential", "threads", "processes"],
                         "workers": [4], "repeat": 1, "warmup": 0, "processes": {"start": "warm"}}"#),
        },
    ]
}

/// Preset specs are JSON text, parsed when the list is made: as data they weigh far less in the
/// page's module than as `json!` code (a test checks that each one parses and is valid).
fn parse(spec: &str) -> Value {
    serde_json::from_str(spec).expect("a preset spec is valid JSON")
}

pub fn find(id: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Spec;

    #[test]
    fn every_preset_is_a_valid_spec_with_a_unique_id() {
        let presets = all();
        for p in &presets {
            Spec::from_value(&p.spec).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert_eq!(presets.iter().filter(|q| q.id == p.id).count(), 1);
        }
        assert!(find("fib-threads-vs-processes").is_some());
        assert!(find("nope").is_none());
    }
}
