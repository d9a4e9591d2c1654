//! Every workload's tasks, run by the kernels, verify against `expected_checksum`.
use threadlab_workloads::{combine, counter, expected_checksum, run_cpu_task, NoCheckpoint, Workload};

#[test]
fn every_cpu_workload_verifies_for_several_task_counts() {
    let workloads = [
        Workload::Fib { n: 20 },
        Workload::Sum { n: 1_000_003 },
        Workload::Primes { n: 100_000 },
        Workload::SampleAppend { n: 50_000 },
        Workload::Mandelbrot { width: 40, height: 30, max_iter: 100 },
        Workload::Letters {},
        Workload::Counter { n: 10_000, sync: vec![counter::Sync::None] },
        Workload::Pass { mb: 2, via: vec![threadlab_workloads::pass::Via::Copy] },
    ];
    for w in &workloads {
        let mut totals = vec![];
        for count in [1, 3, 7] {
            let tasks = w.tasks(count);
            let sums: Vec<u64> = tasks.iter().map(|t| run_cpu_task(t, &mut NoCheckpoint).unwrap()).collect();
            for (t, s) in tasks.iter().zip(&sums) {
                assert_eq!(Some(*s), expected_checksum(w, t), "{w:?} task {} of {count}", t.index);
            }
            totals.push(combine(sums));
        }
        // Splitting workloads give the same total however they are split.
        if matches!(w, Workload::Sum { .. } | Workload::Primes { .. } | Workload::Mandelbrot { .. }) {
            assert!(totals.windows(2).all(|p| p[0] == p[1]), "{w:?}: {totals:?}");
        }
    }
}

#[test]
fn sum_of_first_hundred_integers_split_in_ten() {
    let w = Workload::Sum { n: 100 };
    let total = combine(w.tasks(10).iter().map(|t| expected_checksum(&w, t).unwrap()));
    assert_eq!(total, 5050);
}

#[test]
fn sleep_is_not_cpu_work() {
    let w = Workload::Sleep { ms: 50 };
    let t = w.task(0, 1);
    assert_eq!(run_cpu_task(&t, &mut NoCheckpoint), None);
    assert_eq!(expected_checksum(&w, &t), Some(50));
}

#[test]
fn downloads_are_not_cpu_work_and_verify_only_from_the_endpoint() {
    use threadlab_workloads::download::{body_checksum, endpoint_body, Download};
    let builtin = Workload::Fetch(Download { bytes: Some(300), ..Default::default() });
    let t = builtin.task(4, 10);
    assert_eq!(run_cpu_task(&t, &mut NoCheckpoint), None);
    assert_eq!(expected_checksum(&builtin, &t), Some(body_checksum(&endpoint_body(300, 4), &mut NoCheckpoint)));
    let user = Workload::FetchWrite(Download { url: Some("https://example.org/".into()), ..Default::default() });
    assert_eq!(expected_checksum(&user, &user.task(0, 1)), None);
    assert_eq!(user.min_task_ms(), 0.0);
}

#[test]
fn warm_up_runs_small_tasks_until_the_budget_is_spent() {
    use std::time::Instant;
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64() * 1e3;
    let runs = threadlab_workloads::warm_up(&Workload::Fib { n: 35 }, &mut NoCheckpoint, now, 20.0);
    assert!(runs >= 3);
    assert!(now() >= 20.0);
    assert_eq!(threadlab_workloads::warm_up(&Workload::Sleep { ms: 5000 }, &mut NoCheckpoint, now, 20.0), 0);
}
