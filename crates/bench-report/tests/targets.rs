//! Each target's PASS/MISS from a results file made here, with one figure moved across its
//! threshold at a time: the decision is the analysis's, not a copy of its numbers.

use serde_json::{json, Value};
use threadlab_bench_report::{analyse, results};

/// The figures a made-up run of the bench measured; `good()` meets every target.
#[derive(Clone)]
struct Figures {
    /// Native time of one fib kernel task, and the page's (both modules) per task.
    native_task_ms: f64,
    plain_task_ms: f64,
    gil_task_ms: f64,
    threads_efficiency: f64,
    processes_efficiency: f64,
    cold_startup_ms: f64,
    /// Dispatch: the run of 1000 tasks, ms.
    dispatch_threads_ms: f64,
    dispatch_processes_ms: f64,
    /// threads-gil's speedup at 2 workers, against CPython threads' (sequential 1000 ms over this).
    gil_speedup: f64,
    python_threads_ms: f64,
    first_visit_ms: f64,
    pool_ms: f64,
    load_gzip_bytes: u64,
    /// I/O: 2 workers' sample over its ideal, and 16 workers' (more than judged).
    io_ratio: f64,
    io_ratio_16: f64,
    verified: bool,
}

fn good() -> Figures {
    Figures {
        native_task_ms: 10.0,
        plain_task_ms: 11.0,
        gil_task_ms: 11.0,
        threads_efficiency: 0.95,
        processes_efficiency: 0.95,
        cold_startup_ms: 15.0,
        dispatch_threads_ms: 5.0,
        dispatch_processes_ms: 50.0,
        gil_speedup: 1.0,
        python_threads_ms: 1000.0,
        first_visit_ms: 300.0,
        pool_ms: 200.0,
        load_gzip_bytes: 150_000,
        io_ratio: 1.05,
        io_ratio_16: 2.0,
        verified: true,
    }
}

fn trace(workers: u32, tasks: u32, task_ms: f64) -> Value {
    let per = tasks / workers;
    let t: Vec<Value> = (0..tasks)
        .map(|i| {
            let (w, slot) = (i % workers + 1, f64::from(i / workers));
            json!({"task": i, "worker": w, "start_ms": slot * task_ms, "end_ms": (slot + 1.0) * task_ms})
        })
        .collect();
    assert_eq!(per * workers, tasks);
    Value::Array(t)
}

fn run(mode: &str, workers: u32, median: f64, f: &Figures) -> Value {
    json!({"mode": mode, "workers": workers, "samples_ms": [median], "median_ms": median, "speedup": 1.0,
           "efficiency": 1.0, "verified": f.verified, "trace": trace(workers, 20, median / 20.0 * f64::from(workers))})
}

fn with(mut run: Value, key: &str, v: f64) -> Value {
    run[key] = json!(v);
    run
}

fn report(spec: Value, runs: Vec<Value>) -> Value {
    json!({"spec": spec, "runs": runs})
}

fn fib_spec(processes: Value) -> Value {
    json!({"workload": {"kind": "fib", "n": 30}, "tasks": 20, "modes": ["sequential", "threads", "threads-gil", "processes"],
           "workers": [1, 2], "repeat": 3, "warmup": 1, "processes": processes})
}

fn results(f: &Figures) -> String {
    let seq = 1000.0;
    let warm = report(
        fib_spec(json!({"start": "warm", "chunksize": 1})),
        vec![
            run("sequential", 1, seq, f),
            with(run("threads", 1, seq, f), "speedup", 1.0),
            with(run("threads-gil", 1, seq, f), "speedup", 1.0),
            with(run("threads", 2, seq / 2.0 / f.threads_efficiency, f), "efficiency", f.threads_efficiency),
            with(run("threads-gil", 2, seq / f.gil_speedup, f), "speedup", f.gil_speedup),
            with(run("processes", 2, seq / 2.0 / f.processes_efficiency, f), "efficiency", f.processes_efficiency),
        ],
    );
    let by_default = report(
        fib_spec(json!({"start": "warm"})),
        vec![run("sequential", 1, seq, f), with(run("processes", 2, seq / 1.8, f), "efficiency", 0.9)],
    );
    let cold = report(
        fib_spec(json!({"start": "cold"})),
        vec![
            run("sequential", 1, seq, f),
            with(with(run("processes", 2, seq, f), "startup_ms", f.cold_startup_ms), "efficiency", 0.5),
        ],
    );
    let kernel = report(
        json!({"workload": {"kind": "fib", "n": 34}, "tasks": 4}),
        vec![
            run("sequential", 1, 4.0 * f.plain_task_ms, f),
            run("threads", 1, 4.0 * f.plain_task_ms, f),
            run("threads-gil", 1, 4.0 * f.gil_task_ms, f),
        ],
    );
    let dispatch_spec = json!({"workload": {"kind": "sum", "n": 1000}, "tasks": 1000, "modes": ["sequential", "threads", "processes"],
                               "workers": [2], "processes": {"start": "warm"}});
    let dispatch = |threads: f64, processes: f64| {
        report(
            dispatch_spec.clone(),
            vec![run("sequential", 1, 3.0, f), run("threads", 2, threads, f), run("processes", 2, processes, f)],
        )
    };
    let python = json!({"sequential_ms": [1000.0], "threads_ms": [f.python_threads_ms], "processes_warm_ms": [550.0],
                        "processes_cold_ms": [600.0], "pool_start_ms": [8.0], "single_ms": [100.0], "verified": true});
    let file = |gzip: u64| json!({"path": "/pkg/app_bg.wasm", "bytes": gzip * 3, "gzip_default": gzip + 100, "gzip_best": gzip});
    let workers = |ms: f64, n: usize| json!({"all_ms": ms, "each_ms": vec![ms; n]});
    let io_run = |mode: &str, workers: u32, ideal: f64, ratio: f64| json!({"mode": mode, "workers": workers, "samples_ms": [ideal * ratio], "median_ms": ideal * ratio, "verified": f.verified});
    json!({
        "schema": results::SCHEMA,
        "meta": {"capabilities": {"cores": 2}, "dispatch_tasks": {"wanted": 1000, "used": 1000}},
        "startup": {"first_visit": [{"ready_ms": f.first_visit_ms, "error": null}], "reload": [{"ready_ms": 150.0, "error": null}]},
        "pool": [{"ms": f.pool_ms, "reply": "ready", "isolated": true}],
        "pool_at_load": [{"ms": 320.0, "reply": "ready", "isolated": true}],
        "floor": {"two": [workers(18.0, 2)], "two_process": [workers(24.0, 2)], "sixteen": [workers(100.0, 16)],
                  "sixteen_threads": [workers(140.0, 16)], "message": [{"median_ms": 0.14, "p90_ms": 0.3}]},
        "size": {"at_load": [file(f.load_gzip_bytes)], "after_runs": [file(f.load_gzip_bytes), file(300_000)]},
        "sessions": [{
            "load": [1.0, 1.0, 1.0],
            "page": {"kernels": {"fib": kernel}, "fib_warm": warm, "fib_warm_default": by_default, "fib_cold": cold,
                     "dispatch": dispatch(f.dispatch_threads_ms, f.dispatch_processes_ms), "dispatch_one": dispatch(0.5, 0.5)},
            "native": {"jobs": [
                {"id": "fib", "task_ms": [vec![f.native_task_ms; 4]], "verified": true},
                {"id": "cpu_fib", "task_ms": [vec![50.0; 20]], "threads_ms": {"2": [520.0]}, "verified": true}
            ]},
            "python": {"fib": python}
        }],
        "io": {
            "params": {"tasks": 10, "delay_ms": 100.0, "target_max_workers": 6},
            "zero": report(json!({}), vec![io_run("sequential", 1, 30.0, 1.0), io_run("async", 1, 20.0, 1.0)]),
            "page": report(json!({}), vec![io_run("threads", 2, 500.0, f.io_ratio), io_run("threads", 16, 100.0, f.io_ratio_16)]),
            "python": {"workers": 2, "threads_ms": [500.0], "processes_warm_ms": [500.0], "asyncio_ms": [100.0], "verified": true}
        }
    })
    .to_string()
}

/// Every judged row's name and status.
fn statuses(f: &Figures) -> Vec<(String, String)> {
    let analysis = analyse(&results::parse(&results(f)).unwrap()).unwrap();
    let value = serde_json::to_value(&analysis).unwrap();
    value["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] != "INFO")
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["status"].as_str().unwrap().to_string()))
        .collect()
}

fn missed(f: &Figures) -> Vec<String> {
    statuses(f).into_iter().filter(|(_, s)| s == "MISS").map(|(n, _)| n).collect()
}

#[test]
fn a_run_within_every_target_passes_them_all() {
    let all = statuses(&good());
    // Kernel 2, efficiency 2 + cold start-up, dispatch 2, GIL 2, anchor 1, start-up 2, size 1, I/O 1.
    assert_eq!(all.len(), 14, "{all:?}");
    assert_eq!(missed(&good()), Vec::<String>::new());
}

/// What is changed, how, and the rows that must then miss.
type Case = (&'static str, fn(&mut Figures), Vec<&'static str>);

#[test]
fn each_target_misses_alone_past_its_threshold() {
    let cases: Vec<Case> = vec![
        ("kernel speed", |f| f.plain_task_ms = 12.6, vec!["fib, plain module (sequential)", "fib, threaded module (threads, 1 worker)"]),
        ("threads efficiency", |f| f.threads_efficiency = 0.89, vec!["fib, threads, 2 workers"]),
        ("processes efficiency", |f| f.processes_efficiency = 0.85, vec!["fib, warm processes (chunksize 1), 2 workers"]),
        ("cold start-up", |f| f.cold_startup_ms = 20.5, vec!["fib, cold processes: start-up per worker"]),
        ("threads dispatch", |f| f.dispatch_threads_ms = 10.5, vec!["threads, 2 workers: wall time / 1000 tasks"]),
        ("processes dispatch", |f| f.dispatch_processes_ms = 101.0, vec!["processes, 2 workers: wall time / 1000 tasks"]),
        ("GIL cost", |f| f.gil_task_ms = 11.6, vec!["1 worker, fib: threads-gil / threads (wall time)"]),
        ("GIL fidelity", |f| f.gil_speedup = 1.15, vec!["fib, 2 workers: threads-gil speedup minus CPython threads speedup"]),
        ("first visit", |f| f.first_visit_ms = 501.0, vec!["page load to threadlab.ready, first visit"]),
        (
            "pool",
            |f| f.pool_ms = 301.0,
            vec!["16-thread pool: new Worker to ready, started on a settled page (as the playground does, on the first interaction)"],
        ),
        ("size", |f| f.load_gzip_bytes = 210_001, vec!["Wasm + JS a first visit loads before any interaction (1 files), gzip -9"]),
        ("I/O", |f| f.io_ratio = 1.11, vec!["threads, 2 workers: time / ideal (500 ms)"]),
    ];
    for (what, change, expected) in cases {
        let mut f = good();
        change(&mut f);
        assert_eq!(missed(&f), expected, "{what}");
    }
}

#[test]
fn thresholds_are_inclusive() {
    let mut f = good();
    f.threads_efficiency = 0.90;
    f.cold_startup_ms = 20.0;
    f.first_visit_ms = 500.0;
    f.pool_ms = 300.0;
    f.load_gzip_bytes = 210_000;
    f.gil_speedup = 1.1; // CPython threads: 1.0; the gap is 0.10 (within floating error)
    assert!(
        missed(&f).iter().all(|n| n.contains("CPython threads speedup")) && missed(&f).len() <= 1,
        "{:?}",
        missed(&f)
    );
    f.gil_speedup = 1.09;
    assert_eq!(missed(&f), Vec::<String>::new());
}

#[test]
fn io_beyond_the_judged_workers_is_only_reported() {
    let mut f = good();
    f.io_ratio_16 = 5.0;
    assert_eq!(missed(&f), Vec::<String>::new());
    assert!(!statuses(&f).iter().any(|(n, _)| n.starts_with("threads, 16 workers")));
}

#[test]
fn an_unverified_run_misses_its_target_whatever_its_figure() {
    let mut f = good();
    f.verified = false;
    let missed = missed(&f);
    // Every target judged on the page's runs misses; start-up, pool and size have their own checks.
    for name in
        ["fib, threads, 2 workers", "fib, plain module (sequential)", "threads, 2 workers: wall time / 1000 tasks"]
    {
        assert!(missed.iter().any(|n| n == name), "{name} in {missed:?}");
    }
    assert!(!missed.iter().any(|n| n.starts_with("page load")), "{missed:?}");
}

#[test]
fn the_hand_out_bound_is_the_one_of_the_spec_that_ran() {
    let analysis = analyse(&results::parse(&results(&good())).unwrap()).unwrap();
    let e = &analysis.efficiency[0];
    // chunksize 1: even shares; Pool.map's default on 20 tasks and 2 workers: chunks of 3, 11 on one.
    assert_eq!((e.bound.size, e.bound.busiest), (1, 10));
    assert_eq!((e.default_bound.size, e.default_bound.chunks, e.default_bound.busiest), (3, 7, 11));
    // The dispatch spec's processes: ceil(1000 / 8) = 125 tasks a chunk.
    assert_eq!(analysis.dispatch.hand_out.size, 125);
}
