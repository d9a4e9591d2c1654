// Writes BENCHMARKS.md from bench/results.json and prints one PASS/MISS line per target.
// Measurement is bench/run.mjs's job; this only reads and renders, so a report can be made again
// from kept raw samples:   node bench/report.mjs [results.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluate, fmt } from './lib/targets.mjs';
import * as X from './lib/experiments.mjs';

const spread = (r, d = r.digits) => (r.min == null || r.n < 2 ? '-' : `${fmt(r.min, d)} … ${fmt(r.max, d)}`);
const val = (r, d = r.digits) => `${fmt(r.median, d)}${r.unit && !r.unit.startsWith('x') ? ` ${r.unit}` : r.unit ? 'x' : ''}`;
const cell = (s, d = 2, unit = '') => (s == null || s.median == null ? '-' : `${fmt(s.median, d)}${unit}${s.n > 1 ? ` (${fmt(s.min, d)} … ${fmt(s.max, d)})` : ''}`);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const describe = (w) => Object.entries(w).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');

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
  const k = v.kernels.table;
  const e = v.efficiency.table;
  const d = v.dispatch;
  const a = v.gil.anchor;
  const io = v.io;
  const c = v.cores;
  const P = results.io.params;
  return `# Benchmarks
${m.quick ? '\n**BENCH_QUICK=1: a short trial pass (1 session, a smaller I/O line). These are not the suite\'s figures.**\n' : ''}
Written by \`make bench\` (bench/run.mjs measures, bench/report.mjs writes this page from the raw
samples in bench/results.json; \`node bench/report.mjs\` writes it again from them). Every figure
is the median over repetitions, with its range (min … max); every PASS/MISS is computed from them.
The native and CPython references ran on the same machine in the same run, interleaved with the
page: ${m.sessions} sessions of {native, CPython, playground}, one after another.

- Command: \`${m.command}\` (${minutes} min, build included: ${fmt(m.duration_s, 0)} s of measuring)
- Date: ${m.date.slice(0, 16).replace('T', ' ')} UTC
- Machine: ${c} cores (${m.cpu_model}); load average ${m.load_before.map((x) => x.toFixed(2)).join(', ')} before, ${m.load_after.map((x) => x.toFixed(2)).join(', ')} after (1, 5, 15 min). Shared with other builds: read ratios, not absolute times.
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
  k.map((r) => [r.id, `${describe(r.workload)}, ${r.tasks} tasks`, cell(r.native_ms, 1), cell(r.plain_ms, 1), cell(r.plain), cell(r.threaded_ms, 1), cell(r.threaded), cell(r.gil, 3)]))}

## Parallel efficiency (k = ${c})

Efficiency = speedup / k, the speedup against \`sequential\` in the same spec (repeat 5 after 1
warm-up, interleaved). Native: the same tasks on ${c} std threads, scheduled as the Wasm threads
engine schedules them, at the same moment: what this machine allowed then.

${table(['experiment', 'threads', 'warm processes', 'cold processes', 'cold start-up per worker', 'native std threads'],
  e.map((r) => [`${X.CPU[r.id].tasks} x ${r.id}(${describe(X.CPU[r.id].workload)})`, cell(r.threads), cell(r.processes), cell(r.cold), r.startup ? cell(r.startup, 1, ' ms') : '-', cell(r.native)]))}

Cold processes start their workers inside the timed run; the start-up (\`new Worker\` to its first
message, the plain module instantiated from the page's compiled \`WebAssembly.Module\`) is the
report's \`startup_ms\`, the mean over the run's workers.

## Dispatch overhead

${d.tasks} near-empty tasks (each sums one integer: \`sum {n: ${d.tasks}}\`, ${d.tasks} tasks),
${c} workers, repeat 9 after 2 warm-ups. Per task = the run's median wall time / ${d.tasks}; marginal =
(that minus the same spec with 1 task) / ${d.tasks - 1}, which leaves out a run's fixed cost.
${results.meta.dispatch_tasks.used < results.meta.dispatch_tasks.wanted ? `The issue asks for ${results.meta.dispatch_tasks.wanted} tasks; the page refused them ("${results.meta.dispatch_tasks.refusal}"), so the bench uses ${results.meta.dispatch_tasks.used} and will use ${results.meta.dispatch_tasks.wanted} once the limit allows it.\n` : ''}
How tasks travel: threads take task indices from one shared atomic counter (no message per task;
the ${c} rayon jobs and their results cross to the page as one message each way). Processes get
chunks of ceil(tasks / 4k) tasks per message, as \`multiprocessing.Pool.map\` sends them
(${Math.ceil(d.tasks / (4 * c))} tasks a chunk here), with the next chunk always queued.

${table(['mode', 'per task', 'marginal per task', 'run with 1 task'],
  d.table.map((r) => [`${r.mode}${r.mode === 'sequential' ? '' : `, ${r.k} workers`}`, cell(r.perTask, 1, ' us'), cell(r.marginal, 1, ' us'), cell(r.fixed, 2, ' ms')]))}

## GIL emulation and the CPython anchor

The same experiments in CPython (bench/python/cpu.py: a loop, \`ThreadPoolExecutor(${c})\`,
\`multiprocessing.Pool(${c})\` created before timing (warm) or inside it (cold); CPython's sum uses
n = ${X.CPU.sum.python.n.toLocaleString('en-US')} instead of ${X.CPU.sum.workload.n.toLocaleString('en-US')}, as CPython is ~100x slower), one
repetition per session. Speedups are against each side's own sequential run.

${table(['experiment', 'CPython threads', 'playground threads-gil', 'playground threads', 'CPython processes warm', 'playground processes warm', 'CPython processes cold', 'playground processes cold'],
  a.map((r) => [`${X.CPU[r.id].tasks} x ${r.id}`, cell(r.python_threads), cell(r.gil), cell(r.threads), cell(r.python_warm), cell(r.warm), cell(r.python_cold), cell(r.cold)]))}

fib(30) takes ${fmt(v.gil.fibRatio.median, 3)}x the CPython time in the plain Wasm module (${fmt(1 / v.gil.fibRatio.median, 0)} times faster).
CPython's pool of ${c} starts in ${cell(a[0].python_pool_start, 1, ' ms')} (fork).

## Start-up and size

First visit: a fresh browser context (empty cache, no service worker), from navigation start to
\`threadlab.ready\` resolving, on the page's clock; then a reload in that context. The pool:
bench/pages/pool.html, served beside the build, starts the threads engine as the page does
(www/threads-worker.js, the threaded module, \`initThreadPool(16)\`) and times \`new Worker\` to its
"ready", in a fresh context each time.

${table(['', 'median', 'range', 'n'], [
  ['first visit to ready', `${fmt(v.startup.first.median, 0)} ms`, spread({ ...v.startup.first, digits: 0 }), v.startup.first.n],
  ['reload to ready', `${fmt(v.startup.reload.median, 0)} ms`, spread({ ...v.startup.reload, digits: 0 }), v.startup.reload.n],
  ['16-thread pool ready', `${fmt(v.startup.pool.median, 0)} ms`, spread({ ...v.startup.pool, digits: 0 }), v.startup.pool.n],
])}

Files the server was asked for (page, workers and service worker alike), gzipped: during a
first visit until the server had no request for a second (the page starts its threads engine at
once), and in total after that visit also ran every mode and the endpoint (KB = 1000 bytes):

${table(['file', 'bytes', 'gzip -6', 'gzip -9', 'at load'], [
  ...v.size.all.map((f) => [f.path, f.bytes, f.gzip_default, f.gzip_best, v.size.load.some((g) => g.path === f.path) ? 'yes' : 'no']),
  ['total at load', ...['bytes', 'gzip_default', 'gzip_best'].map((key) => v.size.load.reduce((s, f) => s + f[key], 0)), ''],
  ['total', ...['bytes', 'gzip_default', 'gzip_best'].map((key) => v.size.all.reduce((s, f) => s + f[key], 0)), ''],
])}

## I/O: ${P.tasks} downloads x ${P.delay_ms} ms

The built-in latency endpoint (the service worker answers each request after ${P.delay_ms} ms),
${P.tasks} tasks, ${P.reps} repetitions, processes warm. Ideal: ceil(${P.tasks} / k) x ${P.delay_ms} ms
(sequential: k = 1); async: one delay plus what the ${P.tasks} requests cost besides waiting,
measured in the same run as async with delay 0 (median ${fmt(io.overhead, 1)} ms; one request alone,
sequential with delay 0: ${fmt(io.alone, 2)} ms). Judged up to ${P.target_max_workers} workers; more is reported.
Service-worker responses use no connection, so the 6-per-host limit does not apply here.

${table(['mode', 'median ms', 'range ms', 'ideal ms', 'ratio', 'verified'],
  [...io.table, ...io.pyRows].map((r) => [r.who, fmt(r.ms.median, 0), spread({ ...r.ms, digits: 0 }), fmt(r.ideal, 0), cell(r.ratio), r.verified ? 'yes' : 'NO']))}

CPython rows: bench/python/io.py, \`time.sleep(${P.delay_ms / 1000})\` per task (the articles' stand-in
for a download) on ${io.pyRows[0].who.split(', ')[1]}, and \`asyncio.gather\` of \`asyncio.sleep\`.
`;
}

export function writeReport(results, path = 'BENCHMARKS.md') {
  const v = evaluate(results);
  writeFileSync(path, render(results, v));
  for (const r of v.rows) if (r.status !== 'INFO') console.log(line(r));
  const misses = v.rows.filter((r) => r.status === 'MISS').length;
  console.log(`wrote ${path}: ${v.rows.filter((r) => r.status === 'PASS').length} PASS, ${misses} MISS`);
  return v;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeReport(JSON.parse(readFileSync(process.argv[2] ?? 'bench/results.json', 'utf8')));
}
