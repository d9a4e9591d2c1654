// Writes BENCHMARKS.md from bench/results.json and prints one PASS/MISS line per target.
// Measurement is bench/run.mjs's job; every figure, bound and PASS/MISS comes from the analysis
// in Rust (crates/bench-report, run by lib/analysis.mjs): this file only fills templates, so a
// report can be made again from kept raw samples:   node bench/report.mjs [results.json]
import { renderEngines } from './lib/engines.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { analyse } from './lib/analysis.mjs';
import * as X from './lib/experiments.mjs';

export const fmt = (x, d = 2) => (x == null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const spread = (r, d = r.digits) => (r.min == null || r.n < 2 ? '-' : `${fmt(r.min, d)} … ${fmt(r.max, d)}`);
const val = (r, d = r.digits) => `${fmt(r.median, d)}${r.unit && !r.unit.startsWith('x') ? ` ${r.unit}` : r.unit ? 'x' : ''}`;
const cell = (s, d = 2, unit = '') => (s == null || s.median == null ? '-' : `${fmt(s.median, d)}${unit}${s.n > 1 ? ` (${fmt(s.min, d)} … ${fmt(s.max, d)})` : ''}`);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const describe = (w) => Object.entries(w).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');
const kernelWorkload = (id) => X.KERNELS.find((k) => k.id === id).workload;

export function line(r) {
  const extra = [r.n > 1 ? `range ${spread(r)}` : '', r.verified ? '' : 'UNVERIFIED', r.note].filter(Boolean).join('; ');
  return `${r.status} ${r.group}: ${r.name}: ${val(r)}${extra ? ` (${extra})` : ''}; target ${r.target}`;
}

export function render(results, v) {
  const m = results.meta;
  const env = m.env;
  const misses = v.rows.filter((r) => r.status === 'MISS');
  const judged = v.rows.filter((r) => r.status !== 'INFO');
  const minutes = (m.duration_s / 60).toFixed(1);
  const groups = [...new Set(v.rows.map((r) => r.group))];
  const summaryRows = groups.flatMap((g) => v.rows.filter((r) => r.group === g)).map((r) => [
    r.group, r.name, val(r), spread(r), r.target, r.status + (r.verified ? '' : ' (unverified)'), r.note,
  ]);
  const k = v.kernels;
  const e = v.efficiency;
  const d = v.dispatch;
  const a = v.anchor;
  const io = v.io;
  const size = results.size;
  const c = v.cores;
  const P = results.io.params;
  return `# Benchmarks
${m.quick ? '\n**BENCH_QUICK=1: a short trial pass (1 session, a smaller I/O line). These are not the suite\'s figures.**\n' : ''}
Written by \`make bench\` (bench/run.mjs measures, bench/report.mjs writes this page from the raw
samples in bench/results.json; \`node bench/report.mjs\` writes it again from them). Every figure
is the median over repetitions, with its range (min … max); every PASS/MISS is computed from them.
The native and CPython references ran on the same machine in the same run, interleaved with the
page: ${m.sessions} sessions of {native, CPython, playground}, one after another.

- Command: \`${m.command}\`: bench/run.mjs took ${minutes} min (${fmt(m.duration_s, 0)} s, the native reference's build included), after the page's release build
- Date: ${m.date.slice(0, 16).replace('T', ' ')} UTC
- Machine: ${c} cores (${m.cpu_model}); load average (1 min) ${m.load_before[0].toFixed(2)} before, ${results.sessions.map((s) => s.load[0].toFixed(2)).join(', ')} at the start of each session, ${m.load_after[0].toFixed(2)} after. Shared with other builds: read ratios, not absolute times.
- Browser: ${m.chromium}, headless; cross-origin isolated: ${env.cross_origin_isolated}; timer resolution ${env.timer_resolution_ms} ms; threadlab ${env.version}
- Native reference: crates/bench-native, ${m.rustc}, the workspace's release profile (opt-level 3, LTO, 1 codegen unit), the same kernels with \`NoCheckpoint\`
- CPython reference: bench/python/*.py, Python ${m.python}, stdlib only (multiprocessing start method: ${results.sessions[0].python.fib.start_method}, switch interval ${results.sessions[0].python.fib.switch_interval_ms} ms)

## Targets

${judged.length - misses.length} of ${judged.length} targets met${misses.length ? `; missed: ${misses.map((r) => `${r.group} (${r.name})`).join('; ')}` : ''}.

${table(['group', 'figure', 'median', 'range', 'target', '', 'note'], summaryRows)}

## Kernel speed

Each kernel as a spec of ${k[0].tasks} tasks with 1 worker, repeat 5 after 1 warm-up, right after
the same ${k[0].tasks} tasks natively (crates/bench-native, 5 repetitions): \`sequential\` runs the
plain module, \`threads\` and \`threads-gil\` the threaded one. Per session: Wasm = the cell's median
wall time (the page hands the tasks over and gets the results back: dispatch included, a run of
one empty task takes ${fmt(d.table.find((r) => r.mode === 'sequential').fixed.median, 2)} ms, see Dispatch overhead), native = the median of the tasks' summed times. Ratio =
Wasm / native; the table shows its median and range over the sessions.

${table(['kernel', 'parameters', 'native ms/task', 'plain ms/task', 'plain / native', 'threaded ms/task', 'threaded / native', 'threads-gil / threads'],
  k.map((r) => [r.id, `${describe(kernelWorkload(r.id))}, ${r.tasks} tasks`, cell(r.native_ms, 1), cell(r.plain_ms, 1), cell(r.plain), cell(r.threaded_ms, 1), cell(r.threaded), cell(r.gil, 3)]))}

## Parallel efficiency (k = ${c})

Efficiency = speedup / k, the speedup against \`sequential\` in the same spec (repeat ${results.sessions[0].page.fib_warm.spec.repeat} after
${results.sessions[0].page.fib_warm.spec.warmup} warm-up, interleaved). Native: the same tasks on ${c} std threads, scheduled as the Wasm threads
engine schedules them, at the same moment: what this machine allowed then.

${table(['experiment', 'threads', `warm processes${e[0].chunksize ? ` (chunksize ${e[0].chunksize})` : ''}`, 'warm processes (default chunks)', 'cold processes', 'cold start-up per worker', 'native std threads'],
  e.map((r) => [`${r.tasks} x ${r.id} {${describe(X.CPU[r.id].workload)}}`, cell(r.threads), cell(r.processes), cell(r.by_default), cell(r.cold), r.startup ? cell(r.startup, 1, ' ms') : '-', cell(r.native)]))}

Where it goes, from each session's last repetition (its trace): the tasks' summed time against
the sequential run's (> 1: tasks ran slower with ${c} computing at once), and the share of ${c} x
the wall time the workers spent in tasks (the rest: hand-out, start, idle ends). Warm
processes also have a bound from their hand-out with equal tasks: with their chunksize, and with
Pool.map's default chunks of ceil(tasks / 4k).

${table(['experiment', 'threads: task time vs sequential', 'threads: busy share', 'processes: task time vs sequential', 'processes: busy share', 'processes: bound of the hand-out', 'bound with default chunks'],
  e.map((r) => [r.id, cell(r.inflation.threads), cell(r.busy.threads), cell(r.inflation.processes), cell(r.busy.processes), fmt(r.bound.bound, 3), fmt(r.default_bound.bound, 3)]))}

Between two tasks of one worker: the median pause (hand-out, reply, wake-up), all the pauses
together as a share of ${c} x the wall time, and how long the workers other than the last stood
idle at the end waiting for it; beside them the sequential run's mean task.

${table(['experiment', 'sequential task', 'threads: pause', 'threads: pauses\' share', 'threads: idle at the end', 'processes: pause', 'processes: pauses\' share', 'processes: idle at the end'],
  e.map((r) => [r.id, cell(r.sequential_task_ms, 1, ' ms'), cell(r.gap.threads, 2, ' ms'), cell(r.pauses.threads), cell(r.idle_end.threads, 2, ' ms'),
    cell(r.gap.processes, 2, ' ms'), cell(r.pauses.processes), cell(r.idle_end.processes, 2, ' ms')]))}

Cold processes start their workers inside the timed run; the start-up (\`new Worker\` to its first
message; the worker module, compiled once by the page before timing, instantiated in it) is the
report's \`startup_ms\`, the mean over the run's workers. Unlike the other runs, which share one
Playwright-driven page, each session's cold run is made in a Chromium of its own with no DevTools
client (bench/pages/playground.html: the playground framed, the spec run through its API,
two seconds after it is ready), so that no debugger attaches to the workers it times.

## Dispatch overhead

${d.tasks} near-empty tasks (each sums one integer: \`sum {n: ${d.tasks}}\`, ${d.tasks} tasks),
${c} workers, repeat 9 after 2 warm-ups. Per task = the run's median wall time / ${d.tasks}; marginal =
(that minus the same spec with 1 task) / ${d.tasks - 1}, which leaves out a run's fixed cost.
${results.meta.dispatch_tasks.used < results.meta.dispatch_tasks.wanted ? `The issue asks for ${results.meta.dispatch_tasks.wanted} tasks; the page refused them ("${results.meta.dispatch_tasks.refusal}"), so the bench uses ${results.meta.dispatch_tasks.used} and will use ${results.meta.dispatch_tasks.wanted} once the limit allows it.\n` : ''}
How tasks travel: threads take task indices from one shared atomic counter (no message per task;
the ${c} rayon jobs and their results cross to the page as one message each way). Processes get
chunks of ceil(tasks / 4k) tasks per message, as \`multiprocessing.Pool.map\` sends them
(${d.hand_out.size} tasks a chunk here), with the next chunk always queued.

${table(['mode', 'per task', 'marginal per task', 'run with 1 task'],
  d.table.map((r) => [`${r.mode}${r.mode === 'sequential' ? '' : `, ${r.k} workers`}`, cell(r.per_task, 1, ' us'), cell(r.marginal, 1, ' us'), cell(r.fixed, 2, ' ms')]))}

## GIL emulation and the CPython anchor

The same experiments in CPython (bench/python/cpu.py: a loop, \`ThreadPoolExecutor(${c})\`,
\`multiprocessing.Pool(${c})\` created before timing (warm) or inside it (cold)), ${X.PYTHON_REPS} repetitions
per session, with n scaled down because CPython is ~100x slower: ${X.CPU.fib.tasks} x fib(${X.CPU.fib.python.n})
and sum n = ${X.CPU.sum.python.n.toLocaleString('en-US')} in ${X.CPU.sum.tasks} chunks (the page: fib(${X.CPU.fib.workload.n}), n = ${X.CPU.sum.workload.n.toLocaleString('en-US')}).
Speedups are against each side's own sequential run; each cell is the median over sessions.

${table(['experiment', 'CPython threads', 'playground threads-gil', 'playground threads', 'CPython processes warm', 'playground processes warm (default chunks)', 'CPython processes cold', 'playground processes cold'],
  a.map((r) => [`${r.tasks} x ${r.id}`, cell(r.python_threads), cell(r.gil), cell(r.threads), cell(r.python_warm), cell(r.warm), cell(r.python_cold), cell(r.cold)]))}

One fib(${X.CPU.fib.workload.n}) takes ${fmt(v.fib_ratio.median, 4)}x the CPython time in the plain Wasm module (${fmt(1 / v.fib_ratio.median, 0)} times faster; CPython
times one fib(${X.CPU.fib.python.single}) per repetition, Wasm is the median task of the sequential run).
CPython's pool of ${c} starts in ${cell(a[0].python_pool_start, 1, ' ms')} (fork).

## Start-up and size

First visit: a fresh browser context (empty cache, no service worker), from navigation start to
\`threadlab.ready\` resolving, on the page's clock; then a reload in that context. The pool:
bench/pages/pool.html, served beside the build, starts the threads engine as the page does
(www/threads-worker.js, the threaded module, \`start_pool(16)\`) and times \`new Worker\` to its
"ready", each time in a Chromium of its own with no DevTools client (Playwright
attaches to every worker and holds it until it has set it up: about 10 ms more for each pool
thread). It starts a second after the page's load, as the playground starts the pool on the
visitor's first interaction, and, reported beside it, as the page loads.

${table(['', 'median', 'range', 'n'], [
  ['first visit to ready', `${fmt(v.startup.first.median, 0)} ms`, spread({ ...v.startup.first, digits: 0 }), v.startup.first.n],
  ['reload to ready', `${fmt(v.startup.reload.median, 0)} ms`, spread({ ...v.startup.reload, digits: 0 }), v.startup.reload.n],
  ['16-thread pool ready', `${fmt(v.startup.pool.median, 0)} ms`, spread({ ...v.startup.pool, digits: 0 }), v.startup.pool.n],
  ['16-thread pool ready, started as the page loads', `${fmt(v.startup.pool_at_load.median, 0)} ms`, spread({ ...v.startup.pool_at_load, digits: 0 }), v.startup.pool_at_load.n],
])}

Files the server was asked for (page, workers and service worker alike), gzipped: during a
first visit until the server had no request for a second, with no interaction (a first touch,
key or focus would start the worker module and the threads engine), and in total after that
visit also ran every mode and the endpoint (KB = 1000 bytes):

${table(['file', 'bytes', 'gzip -6', 'gzip -9', 'at load'], [
  ...size.after_runs.map((f) => [f.path, f.bytes, f.gzip_default, f.gzip_best, size.at_load.some((g) => g.path === f.path) ? 'yes' : 'no']),
  ['total at load', ...['bytes', 'gzip_default', 'gzip_best'].map((key) => size.at_load.reduce((s, f) => s + f[key], 0)), ''],
  ['total', ...['bytes', 'gzip_default', 'gzip_best'].map((key) => size.after_runs.reduce((s, f) => s + f[key], 0)), ''],
])}

## I/O: ${P.tasks} downloads x ${P.delay_ms} ms

The built-in latency endpoint (the service worker answers each request after ${P.delay_ms} ms),
${P.tasks} tasks, ${P.reps} repetitions, processes warm. Ideal: ceil(${P.tasks} / k) x ${P.delay_ms} ms
(sequential: k = 1); async: one delay plus what the ${P.tasks} requests cost besides waiting,
measured in the same run as async with delay 0 (median ${fmt(io.overhead, 1)} ms; one request alone,
sequential with delay 0: ${fmt(io.alone, 2)} ms). ${Math.max(...P.workers) > P.target_max_workers ? `Judged up to ${P.target_max_workers} workers; more is reported.` : `Every k here is judged (the target covers k <= ${P.target_max_workers}).`}
Service-worker responses use no connection, so the 6-per-host limit does not apply here.

${table(['mode', 'median ms', 'range ms', 'ideal ms', 'ratio', 'verified'],
  [...io.table, ...io.python].map((r) => [r.who, fmt(r.ms.median, 0), spread({ ...r.ms, digits: 0 }), fmt(r.ideal, 0), cell(r.ratio), r.verified ? 'yes' : 'NO']))}

CPython rows: bench/python/io.py, \`time.sleep(${P.delay_ms / 1000})\` per task (the articles' stand-in
for a download) on ${io.python[0].who.split(', ')[1]}, and \`asyncio.gather\` of \`asyncio.sleep\`.

${v.sharing ? `## Sharing data: one counter, ${results.sharing.counter.spec.workers?.[0] ?? '-'} workers

Every task adds 1 to one counter ${results.sharing.counter.spec.workload.n.toLocaleString('en-US')} times (the \`counter\` workload, one spec, so the
costs stand side by side). Threads share it: unsynchronised (a read, then a write), behind a
lock, or with an atomic add. Processes count in their own memory and send their totals. Cost per
update: each repetition's wall time over the updates made.

${table(['run', 'ns per update', 'range', 'updates lost per repetition', 'verified'],
  v.sharing.map((r) => [r.series, fmt(r.ns_per_update.median, 1), spread({ ...r.ns_per_update, digits: 1 }),
    `${r.lost.map((l) => l.toLocaleString('en-US')).join(', ')} of ${r.expected.toLocaleString('en-US')}${r.racy ? ' (the race)' : ''}`, r.verified ? 'yes' : 'NO']))}
` : `## Sharing data

Not measured in this results file (it predates the counter experiment): run \`make bench\`.
`}
${results.passing ? renderPassing(results.passing) : ''}
${misses.length ? `## Why targets miss

What is known of why the missed targets miss, how it was found and what was tried is written by
hand in [docs/perf-notes.md](docs/perf-notes.md); the figures above are this run's.
` : ''}
${v.engines.length ? `\n${renderEngines(v.engines)}` : ''}`;
}

/** Passing one input to workers: MB/s per way, passing against reading (the median repetition). */
function renderPassing(report) {
  const w = report.spec.workload;
  const rows = report.runs.map((r) => {
    const p = r.passing ?? {};
    const who = `${r.mode}${r.variant ? ` (${r.variant})` : ''}, k = ${r.workers}`;
    if (r.skipped) return [who, '-', '-', '-', '-', `skipped: ${r.skipped}`];
    return [who, p.mb_passed ?? '-', fmt(p.passing_ms, 1), p.mb_per_s == null ? 'in place' : fmt(p.mb_per_s, 0),
      fmt(p.compute_ms, 1), r.verified ? 'yes' : 'NO'];
  });
  return `## Passing ${w.mb} MB to workers

${report.spec.tasks} tasks each read the whole ${w.mb} MB input; processes (warm) receive it with each
task by structured-clone copy, by transfer (a copy made for the worker, then moved) and as one
SharedArrayBuffer; threads read it in place. Passing is timed from just before the page copies or
posts the message to the worker receiving it; reading is the rest of the task. Reported, not judged.

${table(['run', 'MB passed', 'passing ms', 'MB/s', 'reading ms', 'verified'], rows)}
`;
}

/** Writes BENCHMARKS.md from the results file at `path` (after its analysis) and prints one
 *  line per target. */
export function writeReport(path = 'bench/results.json', out = 'BENCHMARKS.md') {
  const results = JSON.parse(readFileSync(path, 'utf8'));
  const v = analyse(path);
  writeFileSync(out, render(results, v));
  for (const r of v.rows) if (r.status !== 'INFO') console.log(line(r));
  const misses = v.rows.filter((r) => r.status === 'MISS').length;
  console.log(`wrote ${out}: ${v.rows.filter((r) => r.status === 'PASS').length} PASS, ${misses} MISS`);
  return v;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    writeReport(process.argv[2]);
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
