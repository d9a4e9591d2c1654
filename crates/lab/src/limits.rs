//! The limits a spec is held to, below `spec` (which checks them) and `kinds` (which gives the
//! workloads' ranges), so that neither imports the other for them.

/// The most workers (threads or processes) one run may use. The threads engine keeps a pool of
/// this many Web Workers.
pub const MAX_WORKERS: u32 = 16;
pub const MAX_TASKS: u32 = 1024;
pub const MAX_REPEAT: u32 = 50;
pub const MAX_WARMUP: u32 = 10;
/// Shared memory budget for data the threads keep at once (the module's maximum is 1 GiB).
pub const THREAD_MEMORY_BUDGET_MB: u64 = 768;
/// Longest fetch timeout, ms.
pub const MAX_TIMEOUT_MS: u64 = 120_000;
/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// Downloaded bodies one run may hold at once (async keeps every task's body in flight).
pub const DOWNLOAD_MEMORY_BUDGET_MB: u64 = 256;
/// fib(45) takes about 4 s in Wasm here: the longest task a visitor should wait for.
pub const MAX_FIB_N: u64 = 45;
/// Updates per counter task: 1e8 take ~0.3 s unsynchronised, several seconds behind a contended lock.
pub const MAX_COUNTER_N: u64 = 100_000_000;
/// The largest input a `pass` workload hands its workers, in MB: the threaded module reads it
/// in its shared memory (1 GiB at most, `THREAD_MEMORY_BUDGET_MB` for data), the helper process
/// worker builds it and keeps a copy, and the page holds it (twice, with a SharedArrayBuffer).
pub const MAX_PASS_MB: u64 = 256;
/// Copies of a `pass` input in flight at once in a processes run (one per worker, each in the
/// worker's message and in the page while a transfer is made), in MB.
pub const PASS_MEMORY_BUDGET_MB: u64 = 1024;

/// Default and longest time one run (one repetition of one cell) may take before it is stopped
/// and its workers terminated: a hung task must not hold the page for ever.
pub const DEFAULT_TIME_LIMIT_S: u32 = 120;
pub const MAX_TIME_LIMIT_S: u32 = 3600;

/// fib(n) of the tasks that do not fail in a `fault` workload: a few ms each.
pub const FAULT_DEFAULT_N: u64 = 27;
