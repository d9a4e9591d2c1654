// Writes BENCHMARKS.md from bench/results.json and prints one PASS/MISS line per target.
// Measurement is bench/run.mjs's job; this only reads and renders, so a report can be made again
// from kept raw samples:   node bench/report.mjs [results.json]
import { renderEngines } from './lib/engines.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluate, fmt, rayonPool } from './lib/targets.mjs';
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

/** Why the missed targets miss: each paragraph from this run's figures. */
function notes(results, v) {
  const missed = (g) => v.rows.some((r) => r.group === g && r.status === 'MISS');
  const rows = (g) => v.rows.filter((r) => r.group === g && r.status === 'MISS');
  const c = v.cores;
  const loads = results.sessions.map((s) => s.load[0].toFixed(1)).join(', ');
  const out = [];
  const file = (name) => v.size.all.find((f) => f.path.endsWith(name));
  if (missed('Kernel speed')) {
    out.push(`**Kernel speed.** ${rows('Kernel speed').map((r) => `${r.name}: ${fmt(r.median)}x (range ${fmt(r.min)} … ${fmt(r.max)})`).join('; ')}. The range over sessions shows how much the machine's other work (load average ${loads} at the sessions' starts) moves a ratio of two runs made seconds apart.`);
  }
  if (missed('Parallel efficiency')) {
    const e = v.efficiency.table;
    const fib = e.find((r) => r.id === 'fib');
    const parts = [];
    parts.push(`Native std threads on the same tasks, in the same sessions, reached ${e.map((r) => `${fmt(r.native.median)} on ${r.id} (range ${fmt(r.native.min)} … ${fmt(r.native.max)})`).join(' and ')}; the load average was ${loads} at the sessions' starts. In the sessions' last repetitions (their traces) the page's tasks took ${e.map((r) => `${fmt(r.inflation.threads.median)}x (threads) and ${fmt(r.inflation.processes.median)}x (processes) on ${r.id}`).join(', ')} of their sequential time while ${c} ran at once, and the workers were in tasks for ${e.map((r) => `${fmt(r.busy.threads.median)} (threads) and ${fmt(r.busy.processes.median)} (processes) of the time on ${r.id}`).join(', ')}.`);
    parts.push(`Two of the page's own costs were found and removed. A progress bar updated after every sample was painted during the next one and took a core from a run that used both (\`node bench/paint-ab.mjs\`: 0.81 shown against 0.85 hidden on 3332bd5; since d0cf78c the page changes at most every 400 ms and waits for the paint, and the A/B gave 0.92 against 0.93). And a threads run's k jobs met at std's \`Barrier\`, where in Chromium the first to arrive, blocked, often ran again milliseconds after the last had arrived; since cf7f8b1 early arrivals spin (crates/gil/src/start_line.rs), and in runs alternating with the barrier build the threads' first tasks started more than 1 ms apart in 1 run of 18 against 8, efficiency 0.93 against 0.87 (fib) and 0.99 against 0.91 (sum).`);
    // Warm processes judged with chunksize 1 (results since chunksize exists): where their time goes.
    if (fib.chunksize && rows('Parallel efficiency').some((r) => r.name.includes(`warm processes (chunksize ${fib.chunksize})`))) {
      const taskMs = (r) => fmt(r.sequentialTaskMs.median, 1);
      const withDefault = e.filter((r) => r.byDefault);
      const pauseShare = ` All those pauses together took ${e.map((r) => `${fmt(r.pauses.processes.median, 2)} of the ${c} workers' time on ${r.id} (threads: ${fmt(r.pauses.threads.median, 2)})`).join(' and ')} (their sum in the last repetition, against ${c} x its wall time), which no order of the tasks gives back: each pause is a reply posted and the next message read.`;
      parts.push(`Warm processes with chunksize ${fib.chunksize} pay a message each way for every ${fib.chunksize === 1 ? 'task' : `${fib.chunksize} tasks`}. Between two tasks of one worker ${e.map((r) => `${fmt(r.gap.processes.median, 2)} ms passed on ${r.id} (threads: ${fmt(r.gap.threads.median, 2)} ms)`).join(', ')}, against tasks of ${e.map((r) => `${taskMs(r)} ms (${r.id})`).join(' and ')}, and at the end the workers other than the last stood idle ${e.map((r) => `${fmt(r.idleEnd.processes.median, 2)} ms (${r.id})`).join(' and ')} waiting for it (a worker has its next task queued, so the last tasks cannot move to whichever worker is free). An instrumented build of the worker module (on cf7f8b1, 72 pauses) split the pause up: posting the reply took a median 0.11 ms (p90 0.52), the next message reached its handler 0.05 ms later, and its task started 0.04 ms after that.${v.startup.floor?.message ? ` Posting is the browser's cost: a bare worker's postMessage of a string that size to the idle page, after 3 ms of computing, takes ${fmt(v.startup.floor.message.median, 3)} ms (median; p90 ${fmt(v.startup.floor.messageP90.median, 3)} ms; bench/pages/message.html).` : ''}${pauseShare}${withDefault.length ? ` With Pool.map's default chunks (${fib.defaultBound.size} tasks a message) warm processes reached ${withDefault.map((r) => `${fmt(r.byDefault.median)} on ${r.id}`).join(' and ')}.` : ''}`);
    }
    const b = fib.defaultBound;
    parts.push(fib.chunksize
      ? `Warm processes are judged with chunksize ${fib.chunksize} (bound of the hand-out ${fmt(fib.bound.bound, 3)}). Pool.map's default chunks, measured beside them, have a bound of their own: ${X.CPU.fib.tasks} equal tasks in chunks of ceil(${X.CPU.fib.tasks} / 4k) = ${b.size} (${b.chunks} chunks) leave the busiest of ${c} workers ${b.busiest} tasks, so efficiency is at most ${fmt(b.bound, 3)} even on free cores; CPython's Pool.map has the same bound.`
      : `Warm processes ran with Pool.map's default chunks (these results predate \`processes.chunksize\`): ${X.CPU.fib.tasks} equal tasks in chunks of ceil(${X.CPU.fib.tasks} / 4k) = ${b.size} (${b.chunks} chunks) leave the busiest of ${c} workers ${b.busiest} tasks, so efficiency is at most ${fmt(b.bound, 3)} even on free cores; CPython's Pool.map has the same bound.`);
    out.push(`**Parallel efficiency.** ${parts.join(' ')}`);
    const cold = e.find((r) => r.startup);
    if (cold && rows('Parallel efficiency').some((r) => r.name.includes('start-up'))) {
      const floor = v.startup.floor;
      // Files with pool_at_load come from the harness that runs cold processes in a browser of
      // their own with no DevTools client, on a page whose process workers start from one Blob.
      const direct = Boolean(results.pool_at_load);
      const own = floor ? cold.startup.median - floor.two.median : null;
      const p = floor?.twoProcess;
      const T = X.COLD_STARTUP_TARGET_MS;
      const processFloor = p
        ? `2 Workers that do only that (bench/pages/floor.html?process: a Blob of the same glue with a bootstrap that instantiates the module and posts; none of threadlab's code runs) take ${fmt(p.median, 1)} ms each (range ${fmt(p.min, 1)} … ${fmt(p.max, 1)})${p.median > floor.two.median ? `, ${fmt(p.median - floor.two.median, 1)} ms more than a bare one at the medians` : ''}. ${cold.startup.median - p.median > 0.5 ? `The process worker's own code and the page's handling add ${fmt(cold.startup.median - p.median, 1)} ms to that.` : `The playground's process workers, their own code and the page's handling included, took no longer: ${fmt(cold.startup.median, 1)} ms.`} ${p.median > T ? `With the median new worker that instantiates the module at ${fmt(p.median, 1)} ms here, the ${T} ms target lies below what this browser usually charges on this machine${p.min < T ? `; only its fastest browsers (down to ${fmt(p.min, 1)} ms, each the mean of its 2 workers) come under it` : ''}. ` : ''}`
        : '';
      const ownText = own > 0.5 ? `so a process worker's own start adds ${fmt(own, 1)} ms to it` : 'so a process worker starts in about what the browser spends on a bare one';
      const bare = !floor ? '' : floor.two.median > T ? `, so the ${T} ms target lies below what the browser spends on a worker that does nothing` : p ? '' : `, ${ownText}`;
      out.push(`**Cold processes.** ${fmt(cold.startup.median, 1)} ms per worker (range ${fmt(cold.startup.min, 1)} … ${fmt(cold.startup.max, 1)}), from \`new Worker\` to its first message${direct ? ', in a Chromium with no DevTools client (bench/pages/playground.html runs the spec in the playground, framed)' : ''}. ${floor ? `This browser's own floor on this machine: 2 bare module Workers started at once ${floor.when}, whose script (a Blob) only posts a message, take ${fmt(floor.two.median, 1)} ms each (range ${fmt(floor.two.min, 1)} … ${fmt(floor.two.max, 1)}; bench/pages/floor.html)${bare}. ` : ''}${direct ? `A process worker's script is a Blob the page makes once (the glue pkg/worker.js, ${file('worker.js')?.bytes ?? '?'} bytes, then www/process-worker.js), so it fetches nothing: it compiles the glue and instantiates the worker module, which the page compiled once and posts to it.` : `A process worker imports pkg/worker.js (${file('worker.js')?.bytes ?? '?'} bytes, the worker module's glue) and instantiates the worker module, which the page compiled once and posts to it.`} ${processFloor}The warm mode exists for this.`);
    }
  }
  if (missed('GIL emulation')) {
    const a = v.gil.anchor;
    out.push(`**GIL fidelity.** ${a.map((r) => `${r.id}: threads-gil ${fmt(r.gil.median)}x (range ${fmt(r.gil.min)} … ${fmt(r.gil.max)}), CPython threads ${fmt(r.python_threads.median)}x (range ${fmt(r.python_threads.min)} … ${fmt(r.python_threads.max)})`).join('; ')}. Where a side's own range is wider than the ±0.10 window, the session-to-session noise of this machine, not the emulation, decides the verdict; with 1 worker the emulation costs ${v.gil.rows.filter((r) => r.name.startsWith('1 worker')).map((r) => `${fmt(r.median, 2)}x`).join(', ')} (fib, sum, primes, mandelbrot, sample_append).`);
  }
  if (missed('Start-up')) {
    const st = v.startup;
    const first = rows('Start-up').some((r) => r.name.includes('first visit'));
    const pool = rows('Start-up').some((r) => r.name.includes('pool'));
    if (first) {
      out.push(`**Start-up (first visit).** ${fmt(st.first.median, 0)} ms (range ${fmt(st.first.min, 0)} … ${fmt(st.first.max, 0)}), reload ${fmt(st.reload.median, 0)} ms. On the page's critical path are three requests one after another (index.html, www/boot.js, pkg/app.js), then pkg/app_bg.wasm (${file('app_bg.wasm')?.bytes ?? '?'} bytes, compiled while it streams), then the UI's start (\`node bench/profile.mjs startup\` records it). The engines wait for the visitor's first interaction, so no worker competes with the page's start.`);
    }
    if (pool) {
      const floor = v.startup.floor;
      const t = floor?.sixteenThreads;
      const threadsFloor = t && !rayonPool(results)
        ? `16 Workers that do only what every thread of the pool must before it runs, start from a Blob of pkg/threads.js (${file('threads.js')?.bytes ?? '?'} bytes, the module's glue) with a bootstrap appended and instantiate the module (compiled before timing) on the shared memory, take ${fmt(t.median, 0)} ms (range ${fmt(t.min, 0)} … ${fmt(t.max, 0)}; bench/pages/floor.html?threads), ${t.median > X.POOL_READY_TARGET_MS ? `already above the ${X.POOL_READY_TARGET_MS} ms target: on this machine the target lies below what 16 threads of such a module cost before any pool exists` : `within the ${X.POOL_READY_TARGET_MS} ms target, so the pool's own steps are what exceed it`}. The pool adds ${fmt(st.pool.median - t.median, 0)} ms to that: its coordinator Worker's start and glue import, the module's fetch and compile, making the threads' script, and each thread's handshake. `
        : t
          ? `16 Workers that import pkg/threads.js (${file('threads.js')?.bytes ?? '?'} bytes, the module's glue) and instantiate the module (compiled before timing) on the shared memory take ${fmt(t.median, 0)} ms (range ${fmt(t.min, 0)} … ${fmt(t.max, 0)}; bench/pages/floor.html?threads). The pool adds ${fmt(st.pool.median - t.median, 0)} ms to that: its coordinator Worker's start, the module's compile, and wasm-bindgen-rayon's startWorkers, which fetches its helper script as a Blob for each worker. `
          : 'Above that, each pool worker fetches the rayon helper script as a Blob (wasm-bindgen-rayon\'s startWorkers, once per worker), imports pkg/threads.js and instantiates the shared module. ';
      out.push(`**16-thread pool.** ${fmt(st.pool.median, 0)} ms (range ${fmt(st.pool.min, 0)} … ${fmt(st.pool.max, 0)}) from \`new Worker\` to ready${st.poolAtLoad ? `, started on a settled page; ${fmt(st.poolAtLoad.median, 0)} ms (range ${fmt(st.poolAtLoad.min, 0)} … ${fmt(st.poolAtLoad.max, 0)}) started as the page loads` : ''}. ${floor ? `16 bare module Workers started at once ${floor.when} take ${fmt(floor.sixteen.median, 0)} ms (range ${fmt(floor.sixteen.min, 0)} … ${fmt(floor.sixteen.max, 0)}) on the same machine (bench/pages/floor.html), the browser's own cost of 16 isolates on ${c} cores. ` : ''}${threadsFloor}Shorter needs fewer threads at start (a pool of navigator.hardwareConcurrency threads first, the rest when a run asks for more). The page starts the pool on the visitor's first interaction, so a run rarely waits for it.`);
    }
  }
  if (missed('Size')) {
    const load = v.size.load;
    const kb = (f) => fmt((f?.gzip_best ?? 0) / 1000, 1);
    const threadsPart = load.filter((f) => /threads|workerHelpers/.test(f.path));
    const later = v.size.all.filter((f) => !load.some((l) => l.path === f.path) && /\.(wasm|js)$/.test(f.path));
    out.push(`**Size.** A first visit loads ${fmt(load.reduce((s, f) => s + f.gzip_best, 0) / 1000, 1)} KB (gzip -9) before any interaction, ${fmt(file('app_bg.wasm')?.gzip_best / 1000, 1)} KB of it the page's module, pkg/app_bg.wasm: the form, orchestration, verdicts, the history list, and serde for specs and messages, built for size (opt-level z, wasm-opt -Oz; it runs no kernel). It encodes reports and never decodes one: that is the view module's. The rest comes with the visitor's first touch, key or focus, or the first run: ${later.map((f) => `${f.path} ${kb(f)} KB`).join(', ')}.`);
  }
  if (missed('I/O')) {
    out.push(`**I/O.** ${rows('I/O').map((r) => `${r.name}: ${fmt(r.median)}x (range ${fmt(r.min)} … ${fmt(r.max)})`).join('; ')}. Each request costs ${fmt(v.io.alone, 2)} ms made alone; ${v.io.table[0] ? '' : ''}the ${results.io.params.tasks} requests of async together cost ${fmt(v.io.overhead, 1)} ms besides waiting (delay 0), serialized on one worker thread and the service worker's one thread.`);
  }
  return out.length ? `## Why targets miss\n\n${out.join('\n\n')}\n` : '';
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
  k.map((r) => [r.id, `${describe(r.workload)}, ${r.tasks} tasks`, cell(r.native_ms, 1), cell(r.plain_ms, 1), cell(r.plain), cell(r.threaded_ms, 1), cell(r.threaded), cell(r.gil, 3)]))}

## Parallel efficiency (k = ${c})

Efficiency = speedup / k, the speedup against \`sequential\` in the same spec (repeat ${results.sessions[0].page.fib_warm.spec.repeat} after
${results.sessions[0].page.fib_warm.spec.warmup} warm-up, interleaved). Native: the same tasks on ${c} std threads, scheduled as the Wasm threads
engine schedules them, at the same moment: what this machine allowed then.

${table(['experiment', 'threads', `warm processes${e[0].chunksize ? ` (chunksize ${e[0].chunksize})` : ''}`, 'warm processes (default chunks)', 'cold processes', 'cold start-up per worker', 'native std threads'],
  e.map((r) => [`${X.CPU[r.id].tasks} x ${r.id} {${describe(X.CPU[r.id].workload)}}`, cell(r.threads), cell(r.processes), r.byDefault ? cell(r.byDefault) : '-', cell(r.cold), r.startup ? cell(r.startup, 1, ' ms') : '-', cell(r.native)]))}

Where it goes, from each session's last repetition (its trace): the tasks' summed time against
the sequential run's (> 1: tasks ran slower with ${c} computing at once), and the share of ${c} x
the wall time the workers spent in tasks (the rest: hand-out, start, idle ends). Warm
processes also have a bound from their hand-out with equal tasks: with their chunksize, and with
Pool.map's default chunks of ceil(tasks / 4k).

${table(['experiment', 'threads: task time vs sequential', 'threads: busy share', 'processes: task time vs sequential', 'processes: busy share', 'processes: bound of the hand-out', 'bound with default chunks'],
  e.map((r) => [r.id, cell(r.inflation.threads), cell(r.busy.threads), cell(r.inflation.processes), cell(r.busy.processes), fmt(r.bound.bound, 3), fmt(r.defaultBound.bound, 3)]))}

Cold processes start their workers inside the timed run; the start-up (\`new Worker\` to its first
message; the worker module, compiled once by the page before timing, instantiated in it) is the
report's \`startup_ms\`, the mean over the run's workers.${results.pool_at_load ? ` Unlike the other runs, which share one
Playwright-driven page, each session's cold run is made in a Chromium of its own with no DevTools
client (bench/pages/playground.html: the playground framed, the spec run through its API,
two seconds after it is ready), so that no debugger attaches to the workers it times.` : ''}

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
\`multiprocessing.Pool(${c})\` created before timing (warm) or inside it (cold)), ${X.PYTHON_REPS} repetitions
per session, with n scaled down because CPython is ~100x slower: ${X.CPU.fib.tasks} x fib(${X.CPU.fib.python.n})
and sum n = ${X.CPU.sum.python.n.toLocaleString('en-US')} in ${X.CPU.sum.tasks} chunks (the page: fib(${X.CPU.fib.workload.n}), n = ${X.CPU.sum.workload.n.toLocaleString('en-US')}).
Speedups are against each side's own sequential run; each cell is the median over sessions.

${table(['experiment', 'CPython threads', 'playground threads-gil', 'playground threads', 'CPython processes warm', 'playground processes warm (default chunks)', 'CPython processes cold', 'playground processes cold'],
  a.map((r) => [`${X.CPU[r.id].tasks} x ${r.id}`, cell(r.python_threads), cell(r.gil), cell(r.threads), cell(r.python_warm), cell(r.warm), cell(r.python_cold), cell(r.cold)]))}

One fib(${X.CPU.fib.workload.n}) takes ${fmt(v.gil.fibRatio.median, 4)}x the CPython time in the plain Wasm module (${fmt(1 / v.gil.fibRatio.median, 0)} times faster; CPython
times one fib(${X.CPU.fib.python.single}) per repetition, Wasm is the median task of the sequential run).
CPython's pool of ${c} starts in ${cell(a[0].python_pool_start, 1, ' ms')} (fork).

## Start-up and size

First visit: a fresh browser context (empty cache, no service worker), from navigation start to
\`threadlab.ready\` resolving, on the page's clock; then a reload in that context. The pool:
bench/pages/pool.html, served beside the build, starts the threads engine as the page does
(www/threads-worker.js, the threaded module, \`start_pool(16)\`) and times \`new Worker\` to its
"ready"${v.startup.poolAtLoad ? `, each time in a Chromium of its own with no DevTools client (Playwright
attaches to every worker and holds it until it has set it up: about 10 ms more for each pool
thread). It starts a second after the page's load, as the playground starts the pool on the
visitor's first interaction, and, reported beside it, as the page loads.` : ', in a fresh context each time.'}

${table(['', 'median', 'range', 'n'], [
  ['first visit to ready', `${fmt(v.startup.first.median, 0)} ms`, spread({ ...v.startup.first, digits: 0 }), v.startup.first.n],
  ['reload to ready', `${fmt(v.startup.reload.median, 0)} ms`, spread({ ...v.startup.reload, digits: 0 }), v.startup.reload.n],
  ['16-thread pool ready', `${fmt(v.startup.pool.median, 0)} ms`, spread({ ...v.startup.pool, digits: 0 }), v.startup.pool.n],
  ...(v.startup.poolAtLoad ? [['16-thread pool ready, started as the page loads', `${fmt(v.startup.poolAtLoad.median, 0)} ms`, spread({ ...v.startup.poolAtLoad, digits: 0 }), v.startup.poolAtLoad.n]] : []),
])}

Files the server was asked for (page, workers and service worker alike), gzipped: during a
first visit until the server had no request for a second, with no interaction (a first touch,
key or focus would start the worker module and the threads engine), and in total after that
visit also ran every mode and the endpoint (KB = 1000 bytes):

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
sequential with delay 0: ${fmt(io.alone, 2)} ms). ${Math.max(...P.workers) > P.target_max_workers ? `Judged up to ${P.target_max_workers} workers; more is reported.` : `Every k here is judged (the target covers k <= ${P.target_max_workers}).`}
Service-worker responses use no connection, so the 6-per-host limit does not apply here.

${table(['mode', 'median ms', 'range ms', 'ideal ms', 'ratio', 'verified'],
  [...io.table, ...io.pyRows].map((r) => [r.who, fmt(r.ms.median, 0), spread({ ...r.ms, digits: 0 }), fmt(r.ideal, 0), cell(r.ratio), r.verified ? 'yes' : 'NO']))}

CPython rows: bench/python/io.py, \`time.sleep(${P.delay_ms / 1000})\` per task (the articles' stand-in
for a download) on ${io.pyRows[0].who.split(', ')[1]}, and \`asyncio.gather\` of \`asyncio.sleep\`.

${results.passing ? renderPassing(results.passing) : ''}
${notes(results, v)}
${results.engines ? `\n${renderEngines(results.engines)}` : ''}`;
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
