// What `make bench` measures: every spec, native plan and CPython command, in one place.
// Sizes: kernel tasks take ~20-50 ms natively; CPython runs the same experiments with n scaled
// where CPython would take minutes (its figures are speedups, read beside the playground's).

/** BENCH_QUICK=1: one short pass to try the suite out (fewer repetitions, a smaller I/O line);
 *  its report says so at the top, and its figures are not the suite's. */
export const QUICK = process.env.BENCH_QUICK === '1';
/** Repetitions of the CPU part; each session runs native, CPython and the page one after another. */
export const SESSIONS = QUICK ? 1 : 5;
/** Fresh browser contexts for the start-up figures. */
export const STARTUP_REPS = QUICK ? 2 : 7;

// Kernel speed: single-kernel specs, 4 tasks each, 1 worker, each right after the same tasks
// natively; time = the median of the wall samples (dispatch included, ~0.3 ms a run).
export const KERNELS = [
  { id: 'fib', workload: { kind: 'fib', n: 34 }, tasks: 4 },
  { id: 'sum', workload: { kind: 'sum', n: 200_000_000 }, tasks: 4 },
  { id: 'primes', workload: { kind: 'primes', n: 1_200_000 }, tasks: 4 },
  { id: 'mandelbrot', workload: { kind: 'mandelbrot', width: 600, height: 400, max_iter: 500 }, tasks: 4 },
  { id: 'sample_append', workload: { kind: 'sample_append', n: 5_000_000 }, tasks: 4 },
];
export const kernelSpec = (k) => ({
  workload: k.workload, tasks: k.tasks, modes: ['sequential', 'threads', 'threads-gil'], workers: [1], repeat: 5, warmup: 1,
});
export const nativeKernelPlan = (k) => ({ jobs: [{ id: k.id, workload: k.workload, tasks: k.tasks, reps: 5 }] });

// The articles' CPU experiments: 20 tasks, k = cores (and 1; 16 for oversubscription).
export const CPU = {
  fib: { workload: { kind: 'fib', n: 30 }, tasks: 20, python: { kernel: 'fib', n: 27, tasks: 20, single: 30 } },
  sum: { workload: { kind: 'sum', n: 200_000_000 }, tasks: 20, python: { kernel: 'sum', n: 6_000_000, tasks: 20 } },
};
/** CPython repetitions per session (each times sequential, threads, warm and cold processes). */
export const PYTHON_REPS = 3;
// 11 repetitions a cell: a sample is only ~50-100 ms, and on a shared machine a burst of other
// work lands on a few of them.
const cpuBase = (e) => ({ workload: e.workload, tasks: e.tasks, repeat: QUICK ? 3 : 11, warmup: 1 });
// Warm processes are judged with chunksize 1: one task a message, each worker with its next one
// queued, the most even share a Pool can give. Pool.map's default chunks (ceil(tasks / 4k)) are
// measured beside them (`*_warm_default`, reported only): with 20 equal tasks they cap efficiency.
const WARM_ONE = { start: 'warm', chunksize: 1 };
const warmDefault = (e, cores) => ({ ...cpuBase(e), modes: ['sequential', 'processes'], workers: [cores], processes: { start: 'warm' } });
// Cold processes start their workers inside the timed run: run by the bench in a Chromium with
// no DevTools client (bench/pages/playground.html), as Playwright's attaching adds to each start.
export const coldSpec = (cores) => ({ ...cpuBase(CPU.fib), modes: ['sequential', 'processes'], workers: [cores], processes: { start: 'cold' } });
export const cpuSpecs = (cores) => ({
  fib_warm: { ...cpuBase(CPU.fib), modes: ['sequential', 'threads', 'threads-gil', 'processes'], workers: [1, cores, 16], processes: WARM_ONE },
  fib_warm_default: warmDefault(CPU.fib, cores),
  sum_warm: { ...cpuBase(CPU.sum), modes: ['sequential', 'threads', 'threads-gil', 'processes'], workers: [1, cores], processes: WARM_ONE },
  sum_warm_default: warmDefault(CPU.sum, cores),
});

// Dispatch: near-empty tasks (each sums one integer), and the same spec with 1 task for the
// fixed cost of a run. 1000 tasks as the issue asks, or the spec's maximum if lower.
export const DISPATCH_WANTED = 1000;
export const dispatchSpec = (tasks, cores) => ({
  workload: { kind: 'sum', n: tasks }, tasks, modes: ['sequential', 'threads', 'processes'], workers: [cores],
  repeat: 9, warmup: 2, processes: { start: 'warm' },
});

// Native reference for the CPU experiments: the same tasks on k std threads.
export const nativeCpuPlan = (cores) => ({
  jobs: Object.entries(CPU).map(([id, e]) => ({ id: `cpu_${id}`, workload: e.workload, tasks: e.tasks, reps: 5, threads: [cores] })),
});

// I/O: 100 downloads x 200 ms from the built-in endpoint (the service worker), k workers.
export const IO = QUICK
  ? { tasks: 20, delay_ms: 200, workers: [2, 6], target_max_workers: 6, reps: 1, python_workers: 6 }
  : { tasks: 100, delay_ms: 200, workers: [2, 4, 6], target_max_workers: 6, reps: 5, python_workers: 6 };
// The same requests answered at once (delay 0): what they cost besides waiting. Async's ideal is
// one delay plus that: its waits overlap, its per-request work (one worker thread, one service
// worker thread) does not.
export const ioZeroSpec = () => ({
  workload: { kind: 'fetch', delay_ms: 0 }, tasks: IO.tasks, repeat: IO.reps, warmup: 1, modes: ['sequential', 'async'],
});
export const ioSpec = () => ({
  workload: { kind: 'fetch', delay_ms: IO.delay_ms }, tasks: IO.tasks, repeat: IO.reps, warmup: 0,
  modes: ['sequential', 'threads', 'threads-gil', 'processes', 'async'], workers: IO.workers, processes: { start: 'warm' },
});

// Sharing data: k threads add to one counter with each synchronisation (none, lock, atomic),
// against k processes each counting its own and sending its total. One spec, so every cost per
// update is measured side by side.
export const counterSpec = (cores) => ({
  workload: { kind: 'counter', n: QUICK ? 1_000_000 : 5_000_000, sync: ['none', 'lock', 'atomic'] }, tasks: cores,
  modes: ['sequential', 'threads', 'processes'], workers: [cores], repeat: QUICK ? 3 : 7, warmup: 1, processes: { start: 'warm' },
});

// Passing data to workers (issue 19): one 100 MB input read by 4 tasks on 2 warm processes, by
// structured-clone copy, by transfer and as a SharedArrayBuffer, and by threads in place. The
// report's `passing` records give each way's MB/s (reported, not judged).
export const passSpec = () => ({
  workload: { kind: 'pass', mb: 100, via: ['copy', 'transfer', 'shared'] }, tasks: 4,
  modes: ['threads', 'processes'], workers: [2], repeat: QUICK ? 2 : 5, warmup: 1, processes: { start: 'warm' },
});
