// From raw results (bench/results.json) to figures and verdicts: every PASS/MISS is computed
// here from measurements, never written by hand. Each figure is the median over repetitions
// (sessions, or a cell's samples) with its spread (min..max).
import * as X from './experiments.mjs';
import { median, summary, sum, columnMedians } from './stats.mjs';

export const find = (report, mode, workers) => report.runs.find((r) => r.mode === mode && r.workers === workers);
const taskMsMedian = (run) => median(run.trace.map((t) => t.end_ms - t.start_ms));
const nativeJob = (session, id) => session.native.jobs.find((j) => j.id === id);
const nativeTaskMs = (job) => sum(columnMedians(job.task_ms));

/** One target line: `status` is PASS, MISS, or INFO (reported, no threshold). */
function row(group, name, s, { unit = '', digits = 2, target, ok, verified = true, note = '' }) {
  const status = ok == null ? 'INFO' : ok(s.median) && verified ? 'PASS' : 'MISS';
  return { group, name, ...s, unit, digits, target: target ?? 'reported', status, verified, note };
}

function kernels(results) {
  const rows = [];
  const table = [];
  for (const k of X.KERNELS) {
    const per = (fn) => summary(results.sessions.map(fn));
    const report = (s) => s.page.kernels[k.id];
    const wasm = (s, mode) => find(report(s), mode, 1).median_ms;
    const native = (s) => median(nativeJob(s, k.id).task_ms.map(sum));
    const verified = results.sessions.every((s) => report(s).runs.every((r) => r.verified) && nativeJob(s, k.id).verified);
    const plain = per((s) => wasm(s, 'sequential') / native(s));
    const threaded = per((s) => wasm(s, 'threads') / native(s));
    const gil = per((s) => wasm(s, 'threads-gil') / wasm(s, 'threads'));
    table.push({
      id: k.id, workload: k.workload, tasks: k.tasks, verified,
      native_ms: per((s) => native(s) / k.tasks), plain_ms: per((s) => wasm(s, 'sequential') / k.tasks),
      threaded_ms: per((s) => wasm(s, 'threads') / k.tasks), gil_ms: per((s) => wasm(s, 'threads-gil') / k.tasks),
      plain, threaded, gil,
    });
    const t = { unit: 'x native', target: '<= 1.25x native', ok: (x) => x <= 1.25, verified };
    rows.push(row('Kernel speed', `${k.id}, plain module (sequential)`, plain, t));
    rows.push(row('Kernel speed', `${k.id}, threaded module (threads, 1 worker)`, threaded, t));
  }
  return { rows, table };
}

/** Whether a results file's pool was started by wasm-bindgen-rayon (files made before
 *  crates/threads/src/pool.rs): its helper script is among the files loaded. Its threads, and
 *  the threads floor of those files, imported pkg/threads.js by URL. */
export const rayonPool = (results) => [...results.size.at_load, ...(results.size.after_runs ?? [])].some((f) => f.path.includes('workerHelpers'));

/** The best efficiency the processes mode can reach with equal tasks, from how it hands them out
 *  (lab::plan::dispatch, crates/app/src/runner/pool.rs: chunks of `chunksize` tasks, absent
 *  Pool.map's ceil(tasks / 4k); worker j starts with chunk j, each keeps its next chunk queued,
 *  then takes the next free one): tasks / k over the busiest worker's task count. */
export function processesBound(tasks, k, chunksize) {
  const size = Math.max(1, chunksize ?? Math.ceil(tasks / (4 * k)));
  const chunks = Math.ceil(tasks / size);
  const len = (c) => Math.min(size, tasks - c * size);
  let next = k;
  const claim = () => (next < chunks ? next++ : null);
  // Each worker: its queue of chunks and when its current chunk ends.
  const workers = Array.from({ length: k }, (_, j) => ({ queue: [j], busy: 0, done: 0 }));
  for (const w of workers) { const c = claim(); if (c != null) w.queue.push(c); }
  for (const w of workers) w.end = len(w.queue[0]);
  for (;;) {
    const active = workers.filter((w) => w.queue.length);
    if (!active.length) break;
    const w = active.reduce((a, b) => (b.end < a.end ? b : a));
    w.done += len(w.queue.shift());
    const c = claim();
    if (c != null) w.queue.push(c);
    if (w.queue.length) w.end += len(w.queue[0]);
  }
  return { size, chunks, busiest: Math.max(...workers.map((w) => w.done)), bound: tasks / k / Math.max(...workers.map((w) => w.done)) };
}

/** A trace's tasks grouped by worker, each list in start order. */
function byWorker(trace) {
  const workers = new Map();
  for (const t of trace) workers.set(t.worker, [...(workers.get(t.worker) ?? []), t]);
  return [...workers.values()].map((ts) => ts.sort((a, b) => a.start_ms - b.start_ms));
}

/** Every pause between two consecutive tasks of one worker, in ms (hand-out, reply, wake-up). */
const betweenTasks = (trace) => byWorker(trace).flatMap((ts) => ts.slice(1).map((t, i) => t.start_ms - ts[i].end_ms));

/** How long the workers other than the last stood idle at the end, waiting for it, in ms
 *  (their mean; null with one worker). */
function idleAtEnd(run) {
  const ends = byWorker(run.trace).map((ts) => Math.max(...ts.map((t) => t.end_ms)));
  const last = Math.max(...ends);
  return ends.length > 1 ? sum(ends.map((e) => last - e)) / (ends.length - 1) : null;
}

function efficiency(results, cores) {
  const rows = [];
  const table = [];
  for (const id of Object.keys(X.CPU)) {
    const warm = (s) => s.page[`${id}_warm`];
    const per = (fn) => summary(results.sessions.map(fn));
    const native = per((s) => {
      const job = nativeJob(s, `cpu_${id}`);
      return nativeTaskMs(job) / median(job.threads_ms[cores]) / cores;
    });
    // Results from before chunksize existed have no `*_warm_default`: their warm spec had the
    // default chunks, which its spec says (no chunksize).
    const chunksize = warm(results.sessions[0]).spec.processes?.chunksize;
    const byDefault = (s) => s.page[`${id}_warm_default`];
    const entry = {
      id, native, chunksize, bound: processesBound(X.CPU[id].tasks, cores, chunksize),
      defaultBound: processesBound(X.CPU[id].tasks, cores),
    };
    // Where efficiency goes, from the last repetition's trace: how much longer the tasks took
    // than in the sequential run (two computing at once), and how much of k x the wall time the
    // workers spent in tasks at all (the rest: start, hand-out, idle ends).
    const taskSum = (s, mode, k) => sum(find(warm(s), mode, k).trace.map((t) => t.end_ms - t.start_ms));
    entry.inflation = {};
    entry.busy = {};
    entry.gap = {};
    entry.pauses = {};
    entry.idleEnd = {};
    entry.sequentialTaskMs = per((s) => taskSum(s, 'sequential', 1) / X.CPU[id].tasks);
    for (const mode of ['threads', 'processes']) {
      const run = (s) => find(warm(s), mode, cores);
      // k x the last repetition's wall time: the workers' time, which its trace is set against.
      const coreTime = (s) => cores * run(s).samples_ms.at(-1);
      entry.inflation[mode] = per((s) => taskSum(s, mode, cores) / taskSum(s, 'sequential', 1));
      entry.busy[mode] = per((s) => taskSum(s, mode, cores) / coreTime(s));
      entry.gap[mode] = per((s) => median(betweenTasks(run(s).trace)));
      // All the pauses together: what they took from the workers.
      entry.pauses[mode] = per((s) => sum(betweenTasks(run(s).trace)) / coreTime(s));
      entry.idleEnd[mode] = per((s) => idleAtEnd(run(s)));
      const verified = results.sessions.every((s) => run(s).verified && find(warm(s), 'sequential', 1).verified);
      entry[mode] = per((s) => run(s).efficiency);
      const who = mode === 'threads' ? 'threads' : `warm processes${chunksize ? ` (chunksize ${chunksize})` : ''}`;
      rows.push(row('Parallel efficiency', `${id}, ${who}, ${cores} workers`, entry[mode],
        { target: '>= 0.90', ok: (x) => x >= 0.9, verified, note: `native std threads at the same time: ${fmt(native.median)}` }));
    }
    if (byDefault(results.sessions[0])) {
      const b = entry.defaultBound;
      entry.byDefault = per((s) => find(byDefault(s), 'processes', cores).efficiency);
      const verified = results.sessions.every((s) => find(byDefault(s), 'processes', cores).verified && find(byDefault(s), 'sequential', 1).verified);
      rows.push(row('Parallel efficiency', `${id}, warm processes, ${cores} workers, default chunks ceil(${X.CPU[id].tasks}/4k)=${b.size}: capped at ${fmt(b.bound, 3)}`,
        entry.byDefault, { verified, note: 'Pool.map\'s default chunksize; CPython has the same cap' }));
    }
    if (results.sessions[0].page[`${id}_cold`]) {
      const cold = (s) => find(s.page[`${id}_cold`], 'processes', cores);
      entry.cold = per((s) => cold(s).efficiency);
      entry.startup = per((s) => cold(s).startup_ms);
      const verified = results.sessions.every((s) => cold(s).verified);
      rows.push(row('Parallel efficiency', `${id}, cold processes: start-up per worker`, entry.startup,
        { unit: 'ms', digits: 1, target: `<= ${X.COLD_STARTUP_TARGET_MS} ms`, ok: (x) => x <= X.COLD_STARTUP_TARGET_MS, verified, note: coldFloors(results) }));
      rows.push(row('Parallel efficiency', `${id}, cold processes, ${cores} workers (start-up inside the run)`, entry.cold, { verified }));
    }
    table.push(entry);
  }
  const floor = browserFloor(results);
  if (floor?.message) {
    rows.push(row('Parallel efficiency', 'browser floor: a bare worker\'s postMessage of a task reply\'s size to the idle page, after 3 ms of computing, median of 200 posts', floor.message,
      { unit: 'ms', digits: 3, note: `p90: ${fmt(floor.messageP90.median, 3)} ms` }));
  }
  return { rows, table };
}

/** What the browser itself costs (bench/pages): 2 bare workers started at once, the mean of the
 *  two, and 2 that each instantiate the worker module as process workers do; 16 at once, until
 *  the last answered; 16 that each instantiate the threaded module; a bare worker's postMessage
 *  (median and p90 of each context's medians and p90s). All but the bare ones are null in older
 *  results.json files, as is the whole floor in the oldest. `when`: how the
 *  workers were started (older files: as the page loaded, with Playwright attached). */
function browserFloor(results) {
  const all = (samples) => (samples ? summary(samples.map((f) => f.all_ms)) : null);
  const mean = (samples) => (samples ? summary(samples.map((f) => sum(f.each_ms) / f.each_ms.length)) : null);
  return results.floor ? {
    when: results.floor.settled ? 'on a settled page, no DevTools client' : 'as the page loads',
    two: mean(results.floor.two),
    twoProcess: mean(results.floor.two_process),
    sixteen: all(results.floor.sixteen),
    sixteenThreads: all(results.floor.sixteen_threads),
    message: results.floor.message ? summary(results.floor.message.map((m) => m.median_ms)) : null,
    messageP90: results.floor.message ? summary(results.floor.message.map((m) => m.p90_ms)) : null,
  } : null;
}

/** The 2-worker floors, as a note beside the cold start-up. */
function coldFloors(results) {
  const floor = browserFloor(results);
  if (!floor) return '';
  const instantiating = floor.twoProcess ? `; 2 that only instantiate the worker module: ${fmt(floor.twoProcess.median, 1)} ms` : '';
  return `2 bare module Workers at once (${floor.when}): ${fmt(floor.two.median, 1)} ms each${instantiating}`;
}

function dispatch(results, cores) {
  const T = results.meta.dispatch_tasks.used;
  const rows = [];
  const table = [];
  for (const mode of ['sequential', 'threads', 'processes']) {
    const k = mode === 'sequential' ? 1 : cores;
    const runOf = (s) => find(s.page.dispatch, mode, k);
    const oneOf = (s) => find(s.page.dispatch_one, mode, k);
    const perTask = summary(results.sessions.map((s) => (runOf(s).median_ms * 1000) / T));
    const marginal = summary(results.sessions.map((s) => ((runOf(s).median_ms - oneOf(s).median_ms) * 1000) / (T - 1)));
    const fixed = summary(results.sessions.map((s) => oneOf(s).median_ms));
    const verified = results.sessions.every((s) => runOf(s).verified && oneOf(s).verified);
    table.push({ mode, k, perTask, marginal, fixed, verified });
    const limit = { threads: 10, processes: 100 }[mode];
    const name = `${mode}${mode === 'sequential' ? '' : `, ${k} workers`}: wall time / ${T} tasks`;
    rows.push(row('Dispatch overhead', name, perTask, limit
      ? { unit: 'us', digits: 1, target: `<= ${limit} us per task`, ok: (x) => x <= limit, verified,
          note: T < X.DISPATCH_WANTED ? `${T} tasks: the spec allows no more` : '' }
      : { unit: 'us', digits: 1, verified }));
  }
  return { rows, table, tasks: T };
}

function gilAndAnchor(results, cores, kernelTable) {
  const rows = [];
  for (const k of kernelTable) {
    rows.push(row('GIL emulation', `1 worker, ${k.id}: threads-gil / threads (wall time)`, k.gil,
      { unit: 'x', target: '<= 1.05x', ok: (x) => x <= 1.05, verified: k.verified }));
  }
  const anchor = [];
  for (const id of Object.keys(X.CPU)) {
    const warm = (s) => s.page[`${id}_warm`];
    const cold = (s) => s.page[`${id}_cold`];
    const per = (fn) => summary(results.sessions.map(fn));
    const py = (s) => s.python[id];
    const pySpeed = (s, key) => median(py(s).sequential_ms) / median(py(s)[key]);
    const a = {
      id,
      python_threads: per((s) => pySpeed(s, 'threads_ms')),
      python_warm: per((s) => pySpeed(s, 'processes_warm_ms')),
      python_cold: per((s) => pySpeed(s, 'processes_cold_ms')),
      python_pool_start: per((s) => median(py(s).pool_start_ms)),
      gil: per((s) => find(warm(s), 'threads-gil', cores).speedup),
      threads: per((s) => find(warm(s), 'threads', cores).speedup),
      // Like for like: CPython's Pool.map uses its default chunks.
      warm: per((s) => find(s.page[`${id}_warm_default`] ?? warm(s), 'processes', cores).speedup),
      cold: results.sessions[0].page[`${id}_cold`] ? per((s) => find(cold(s), 'processes', cores).speedup) : null,
      gil1: per((s) => find(warm(s), 'threads-gil', 1).median_ms / find(warm(s), 'threads', 1).median_ms),
      python_verified: results.sessions.every((s) => py(s).verified),
    };
    a.diff = summary(results.sessions.map((s) => find(warm(s), 'threads-gil', cores).speedup - pySpeed(s, 'threads_ms')));
    const verified = a.python_verified && results.sessions.every((s) => find(warm(s), 'threads-gil', cores).verified);
    const gap = { median: a.gil.median - a.python_threads.median, min: a.diff.min, max: a.diff.max, n: a.diff.n };
    rows.push(row('GIL emulation', `${id}, ${cores} workers: threads-gil speedup minus CPython threads speedup`, gap,
      { unit: '', target: 'within +-0.10', ok: (x) => Math.abs(x) <= 0.1, verified,
        note: `threads-gil ${fmt(a.gil.median)}x, CPython threads ${fmt(a.python_threads.median)}x` }));
    rows.push(row('GIL emulation', `${id}, 1 worker: threads-gil / threads (wall time of the experiment)`, a.gil1, { unit: 'x', verified }));
    rows.push(row('CPython anchor', `${id}: CPython threads / processes (warm) speedups, ${cores} workers`, a.python_threads,
      { unit: 'x', target: 'measured in this run', ok: () => true, verified: a.python_verified,
        note: `processes warm ${fmt(a.python_warm.median)}x, cold ${fmt(a.python_cold.median)}x; playground threads-gil ${fmt(a.gil.median)}x, processes warm ${fmt(a.warm.median)}x` }));
    anchor.push(a);
  }
  // Absolute speed: one fib(30) in the plain module (a task of the sequential run) against one
  // fib(30) in CPython.
  const fibN = X.CPU.fib.workload.n;
  const fibRatio = summary(results.sessions.map((s) => taskMsMedian(find(s.page.fib_warm, 'sequential', 1)) / median(s.python.fib.single_ms)));
  rows.push(row('CPython anchor', `fib(${fibN}): Wasm (plain module) time / CPython time`, fibRatio, { unit: 'x', digits: 4 }));
  return { rows, anchor, fibRatio };
}

function startup(results) {
  const first = summary(results.startup.first_visit.map((r) => r.ready_ms));
  const reload = summary(results.startup.reload.map((r) => r.ready_ms));
  const pool = summary(results.pool.map((p) => p.ms));
  const okReady = results.startup.first_visit.every((r) => !r.error);
  const okPool = results.pool.every((p) => p.reply === 'ready' && p.isolated);
  const floor = browserFloor(results);
  const floorRows = floor ? [
    row('Start-up', `browser floor: 2 bare module Workers at once ${floor.when}, new Worker to first message, mean of the 2`, floor.two, { unit: 'ms', digits: 1 }),
    ...(floor.twoProcess ? [row('Start-up', `wasm process floor: 2 module Workers started at once (${floor.when}) that each start from a Blob of pkg/worker.js with a bootstrap appended, as process workers do, and instantiate the worker module (compiled before) with a memory of their own, new Worker to ready, mean of the 2`, floor.twoProcess, { unit: 'ms', digits: 1 })] : []),
    row('Start-up', `browser floor: 16 bare module Workers at once ${floor.when}, new Worker to the last first message`, floor.sixteen, { unit: 'ms', digits: 0 }),
    ...(floor.sixteenThreads ? [row('Start-up', `wasm threads floor: 16 module Workers started at once (${floor.when}) that each ${rayonPool(results) ? 'import pkg/threads.js' : 'start from a Blob of pkg/threads.js with a bootstrap appended, as the pool\'s threads do,'} and instantiate the threaded module (compiled before), new Worker to the last ready`, floor.sixteenThreads, { unit: 'ms', digits: 0 })] : []),
  ] : [];
  // Newer files: the pool also started as the page loads (reported; the target is judged as the
  // playground starts it, on a settled page).
  const poolAtLoad = results.pool_at_load ? summary(results.pool_at_load.map((p) => p.ms)) : null;
  const okAtLoad = results.pool_at_load?.every((p) => p.reply === 'ready' && p.isolated);
  return {
    rows: [
      row('Start-up', 'page load to threadlab.ready, first visit', first, { unit: 'ms', digits: 0, target: '<= 500 ms', ok: (x) => x <= 500, verified: okReady }),
      row('Start-up', 'page load to threadlab.ready, reload', reload, { unit: 'ms', digits: 0, verified: okReady }),
      row('Start-up', `16-thread pool: new Worker to ready${poolAtLoad ? ', started on a settled page (as the playground does, on the first interaction)' : ''}`, pool,
        { unit: 'ms', digits: 0, target: `<= ${X.POOL_READY_TARGET_MS} ms`, ok: (x) => x <= X.POOL_READY_TARGET_MS, verified: okPool,
          note: floor ? `16 bare module Workers: ${fmt(floor.sixteen.median, 0)} ms${floor.sixteenThreads ? `; 16 that instantiate the threaded module: ${fmt(floor.sixteenThreads.median, 0)} ms` : ''}` : '' }),
      ...(poolAtLoad ? [row('Start-up', '16-thread pool: new Worker to ready, started as the page loads', poolAtLoad, { unit: 'ms', digits: 0, verified: okAtLoad })] : []),
      ...floorRows,
    ],
    first, reload, pool, poolAtLoad, floor,
  };
}

function size(results) {
  const total = (files, key) => sum(files.map((f) => f[key])) / 1000;
  const figure = (files) => ({ median: total(files, 'gzip_best'), min: null, max: null, n: 1 });
  const note = (files) => `gzip -6: ${fmt(total(files, 'gzip_default'), 1)} KB; raw ${fmt(total(files, 'bytes'), 1)} KB`;
  const { at_load: load, after_runs: all } = results.size;
  return {
    rows: [
      row('Size', `Wasm + JS a first visit loads before any interaction (${load.length} files), gzip -9`, figure(load),
        { unit: 'KB', digits: 1, target: '<= 200 KB', ok: (x) => x <= 200, verified: load.length > 0, note: note(load) }),
      row('Size', `Wasm + JS after runs of every mode (${all.length} files), gzip -9`, figure(all),
        { unit: 'KB', digits: 1, verified: all.length > 0, note: note(all) }),
    ],
    load, all,
  };
}

function io(results) {
  const report = results.io.page;
  const P = results.io.params;
  const { tasks, delay_ms: delay } = P;
  // What the requests cost besides waiting: the same run with delay 0 (median), async and alone.
  const overhead = find(results.io.zero, 'async', 1).median_ms;
  const alone = find(results.io.zero, 'sequential', 1).median_ms / tasks;
  const rows = [];
  const table = [];
  for (const r of report.runs) {
    const k = r.mode === 'sequential' ? 1 : r.mode === 'async' ? tasks : r.workers;
    const ideal = r.mode === 'async' ? delay + overhead : Math.ceil(tasks / k) * delay;
    const s = summary(r.samples_ms.map((x) => x / ideal));
    const judged = r.mode === 'async' || k <= P.target_max_workers;
    const who = r.mode === 'sequential' || r.mode === 'async' ? r.mode : `${r.mode}, ${r.workers} workers`;
    table.push({ who, ms: summary(r.samples_ms), ideal, ratio: s, verified: r.verified });
    rows.push(row('I/O', `${who}: time / ideal (${fmt(ideal, 0)} ms)`, s, judged
      ? { unit: 'x', target: '<= 1.10x', ok: (x) => x <= 1.1, verified: r.verified }
      : { unit: 'x', verified: r.verified }));
  }
  const py = results.io.python;
  const pyk = py.workers;
  const pyRows = [
    ['CPython threads', pyk, py.threads_ms, Math.ceil(tasks / pyk) * delay],
    ['CPython processes (warm)', pyk, py.processes_warm_ms, Math.ceil(tasks / pyk) * delay],
    ['CPython asyncio', tasks, py.asyncio_ms, delay],
  ].map(([who, k, ms, ideal]) => ({ who: `${who}${k === tasks ? '' : `, ${k} workers`}`, ms: summary(ms), ideal, ratio: summary(ms.map((x) => x / ideal)), verified: py.verified }));
  rows.push(row('I/O', `${tasks} requests with delay 0, async: their cost besides waiting`, summary(find(results.io.zero, 'async', 1).samples_ms),
    { unit: 'ms', digits: 1, verified: find(results.io.zero, 'async', 1).verified, note: `one request alone (sequential): ${fmt(alone, 2)} ms` }));
  return { rows, table, pyRows, overhead, alone };
}

export const fmt = (x, d = 2) => (x == null || !Number.isFinite(x) ? '-' : x.toFixed(d));

/** Every figure and target of a bench run. */
export function evaluate(results) {
  const cores = results.meta.capabilities.cores;
  const k = kernels(results);
  const e = efficiency(results, cores);
  const d = dispatch(results, cores);
  const g = gilAndAnchor(results, cores, k.table);
  const s = startup(results);
  const z = size(results);
  const i = io(results);
  return {
    cores, kernels: k, efficiency: e, dispatch: d, gil: g, startup: s, size: z, io: i,
    rows: [...k.rows, ...e.rows, ...d.rows, ...g.rows, ...s.rows, ...z.rows, ...i.rows],
  };
}
