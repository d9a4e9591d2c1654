// Every mode on the cross-origin isolated page: results verified, traces shaped as each mode
// promises (k workers really used, the GIL serialises compute, sleeping overlaps).
// Assertions are on shapes; the only timings asserted are generous ratios (shared 2-core
// machines are noisy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, busyByWorker, describeRun, fib, mustRun, overlap, runOf, runSpec, setup } from './harness.mjs';
import { countWorkers } from './workers.mjs';

const ctx = setup();
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const workerIds = (run) => new Set(run.trace.map((e) => e.worker));

/** Every task 0..tasks-1 appears exactly once in the trace, with a sane interval. */
function assertTraceCoversTasks(run, tasks) {
  const ids = run.trace.map((e) => e.task).sort((a, b) => a - b);
  assert.deepEqual(ids, [...Array(tasks).keys()], `${run.mode}/${run.workers}: one trace event per task: ${describeRun(run)}`);
  for (const e of run.trace) {
    assert.ok(Number.isFinite(e.start_ms) && Number.isFinite(e.end_ms) && e.end_ms >= e.start_ms,
      `${run.mode}/${run.workers}: bad interval in ${JSON.stringify(e)}`);
    assert.ok(e.start_ms >= -1, `${run.mode}/${run.workers}: task started before the run: ${JSON.stringify(e)}`);
  }
}

function assertMeasured(run, { checksum, repeat, tasks }) {
  const what = `${run.mode}/${run.workers}`;
  assert.equal(run.skipped, undefined, `${what} was skipped: ${run.skipped}`);
  assert.equal(run.verified, true, `${what} not verified: ${describeRun(run)}`);
  assert.deepEqual(run.errors ?? [], [], `${what} has errors`);
  assert.equal(run.checksum, checksum, `${what} checksum`);
  assert.equal(run.samples_ms.length, repeat, `${what}: one sample per measured repetition`);
  assert.ok(run.median_ms > 0 && run.min_ms <= run.median_ms && run.median_ms <= run.max_ms, `${what} statistics: ${describeRun(run)}`);
  assertTraceCoversTasks(run, tasks);
}

test('every mode with 1 and 2 workers: verified, expected checksum, k workers used', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // Processes start cold (the default): workers are created inside the timed run.
    const spec = { workload: { kind: 'fib', n: 27 }, tasks: 4, modes: ALL_MODES, workers: [1, 2], repeat: 2, warmup: 0 };
    const { report, progress, error } = await runSpec(page, spec);
    assert.equal(error, undefined, `run rejected: ${error}`);

    const checksum = String(4 * fib(27));
    assert.equal(checksum, String(4 * 196418));
    // Single-threaded modes run once with 1 worker, whatever the workers list says.
    assert.deepEqual(report.runs.map((r) => `${r.mode}/${r.workers}`),
      ['sequential/1', 'threads/1', 'threads/2', 'threads-gil/1', 'threads-gil/2', 'processes/1', 'processes/2', 'async/1']);
    for (const run of report.runs) assertMeasured(run, { checksum, repeat: 2, tasks: 4 });

    // k workers really took part, even with tasks this short (~1 ms): no worker drains the
    // queue before the others have started.
    for (const mode of ['threads', 'threads-gil', 'processes']) {
      for (const k of [1, 2]) {
        const run = runOf(report, mode, k);
        assert.equal(workerIds(run).size, k, `${mode} with ${k} worker(s) should show ${k} distinct worker ids: ${describeRun(run)}`);
      }
    }
    for (const k of [1, 2]) {
      const run = runOf(report, 'processes', k);
      assert.deepEqual([...workerIds(run)].sort(), [...Array(k).keys()].map((i) => i + 1), 'process workers are numbered 1..k');
      assert.ok(run.startup_ms > 0, `cold processes report a start-up time: ${describeRun(run)}`);
    }
    for (const mode of ['sequential', 'async']) assert.equal(workerIds(runOf(report, mode, 1)).size, 1, `${mode} uses one worker`);
    // Plain threads never wait for a GIL.
    for (const k of [1, 2]) assert.equal(sum(runOf(report, 'threads', k).trace.map((e) => e.gil_wait_ms)), 0);

    assert.equal(report.env.cross_origin_isolated, true);
    assert.ok(report.env.cores >= 1 && typeof report.env.version === 'string' && report.env.version.length > 0, JSON.stringify(report.env));
    assert.equal(report.spec.workload.n, 27);
    assert.equal(typeof report.verdict.summary, 'string');
    assert.ok(report.verdict.summary.length > 0 && Array.isArray(report.verdict.details));

    // onProgress: once per run (8 cells x 2 repetitions), counting up to the total.
    assert.equal(progress.length, 16, JSON.stringify(progress));
    assert.deepEqual(progress.map((p) => p.done), [...Array(16).keys()].map((i) => i + 1));
    assert.ok(progress.every((p) => p.total === 16 && ALL_MODES.includes(p.mode) && p.workers >= 1), JSON.stringify(progress));
  });
});

test('warm processes: verified, k workers used, no start-up in the timing', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const spec = { workload: { kind: 'fib', n: 27 }, tasks: 4, modes: ['processes'], workers: [1, 2], repeat: 2, warmup: 0,
      processes: { start: 'warm' } };
    const report = await mustRun(page, spec);
    for (const k of [1, 2]) {
      const run = runOf(report, 'processes', k);
      assertMeasured(run, { checksum: String(4 * fib(27)), repeat: 2, tasks: 4 });
      assert.equal(workerIds(run).size, k, `warm processes with ${k} worker(s): ${describeRun(run)}`);
      assert.equal(run.startup_ms, undefined, 'a warm pool is started before timing');
    }
  });
});

/**
 * GIL and free-threads runs of the same CPU work (fib(32) tasks), 2 workers; traces of the last
 * repetition. switchIntervalMs undefined: the page's default (5 ms).
 */
async function gilAndThreads(page, { tasks = 4, switchIntervalMs } = {}) {
  const spec = { workload: { kind: 'fib', n: 32 }, tasks, modes: ['threads', 'threads-gil'], workers: [2], repeat: 2, warmup: 0 };
  if (switchIntervalMs !== undefined) spec.gil = { switch_interval_ms: switchIntervalMs };
  const report = await mustRun(page, spec);
  const checksum = String(tasks * fib(32));
  const gil = runOf(report, 'threads-gil', 2);
  const free = runOf(report, 'threads', 2);
  assertMeasured(gil, { checksum, repeat: 2, tasks });
  assertMeasured(free, { checksum, repeat: 2, tasks });
  return { gil, free };
}

test('threads-gil serialises compute; plain threads overlap', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // A 20 ms switch interval; the strict test below covers the default 5 ms.
    const { gil, free } = await gilAndThreads(page, { tasks: 6, switchIntervalMs: 20 });
    assert.equal(gil.trace.length, 6);

    // The GIL trace records its waits, inside each task and adding up to gil_wait_ms.
    const totalWait = sum(gil.trace.map((e) => e.gil_wait_ms));
    assert.ok(totalWait > 0, `two threads contend for the GIL: ${describeRun(gil)}`);
    for (const e of gil.trace) {
      const waits = e.gil_waits ?? [];
      assert.ok(Math.abs(sum(waits.map(([s, t]) => t - s)) - e.gil_wait_ms) <= 0.001 * (waits.length + 1),
        `gil_waits add up to gil_wait_ms: ${JSON.stringify(e)}`);
      for (const [s, t] of waits) {
        assert.ok(s <= t && s >= e.start_ms - 0.01 && t <= e.end_ms + 0.01, `GIL wait [${s}, ${t}] inside its task: ${JSON.stringify(e)}`);
      }
    }

    // Compute = each task's interval minus its GIL waits. Time during which both workers
    // computed, relative to all compute time (0 when serialised, up to 0.5 when fully parallel).
    const g = overlap(busyByWorker(gil.trace, { minusGilWaits: true }));
    const f = overlap(busyByWorker(free.trace));
    const gilRatio = g.concurrent / g.total;
    const freeRatio = f.concurrent / f.total;
    assert.ok(gilRatio < 0.25,
      `threads-gil: workers computed at the same time for ${g.concurrent.toFixed(2)} of ${g.total.toFixed(2)} ms (${(gilRatio * 100).toFixed(0)}%): ${describeRun(gil)}`);
    assert.ok(freeRatio > 0.25,
      `threads: workers should compute in parallel, but overlap only ${f.concurrent.toFixed(2)} of ${f.total.toFixed(2)} ms (${(freeRatio * 100).toFixed(0)}%): ${describeRun(free)}`);
  });
});

test('threads-gil, default switch interval: compute intervals do not overlap at all (strict)', {
  timeout: 120_000,
}, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const { gil } = await gilAndThreads(page);
    const g = overlap(busyByWorker(gil.trace, { minusGilWaits: true }));
    // 0.5 ms of slack for the clocks of different workers.
    assert.ok(g.concurrent < 0.5, `workers computed at the same time for ${g.concurrent.toFixed(2)} ms: ${describeRun(gil)}`);
  });
});

test('sleep work: waits overlap in every concurrent mode (sleeping releases the GIL)', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const spec = { workload: { kind: 'sleep', ms: 200 }, tasks: 4, modes: ALL_MODES, workers: [4], repeat: 1, warmup: 0,
      processes: { start: 'warm' } };
    const report = await mustRun(page, spec);
    for (const run of report.runs) assertMeasured(run, { checksum: '800', repeat: 1, tasks: 4 });
    const seq = runOf(report, 'sequential', 1).median_ms;
    // Four 200 ms sleeps one after another (a little slack for clocks of different threads).
    assert.ok(seq >= 795, `sequential sleeps took ${seq} ms`);
    for (const [mode, k] of [['async', 1], ['threads', 4], ['threads-gil', 4], ['processes', 4]]) {
      const run = runOf(report, mode, k);
      assert.ok(run.median_ms >= 195, `${mode} still sleeps 200 ms: ${run.median_ms}`);
      assert.ok(run.median_ms < 0.6 * seq, `${mode} should overlap the sleeps: ${run.median_ms} ms vs sequential ${seq} ms`);
    }
  });
});

test('processes share tasks evenly, and one process does one thing at a time', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const even = await mustRun(page, { workload: { kind: 'fib', n: 30 }, tasks: 4, modes: ['processes'], workers: [2], repeat: 2, warmup: 0,
      processes: { start: 'warm' } });
    const perWorker = {};
    for (const e of runOf(even, 'processes', 2).trace) perWorker[e.worker] = (perWorker[e.worker] ?? 0) + 1;
    assert.deepEqual(Object.values(perWorker), [2, 2], `4 equal tasks on 2 processes: ${JSON.stringify(perWorker)}`);

    // A single process that sleeps: its queued chunk must wait (a process is not an event loop).
    const report = await mustRun(page, { workload: { kind: 'sleep', ms: 100 }, tasks: 6, modes: ['processes'], workers: [1], repeat: 1, warmup: 0,
      processes: { start: 'warm' } });
    const run = runOf(report, 'processes', 1);
    assert.equal(run.verified, true, describeRun(run));
    assert.ok(run.median_ms >= 595, `6 sleeps of 100 ms in one process took ${run.median_ms} ms`);
    const trace = [...run.trace].sort((a, b) => a.start_ms - b.start_ms);
    for (let i = 1; i < trace.length; i++) {
      assert.ok(trace[i].start_ms >= trace[i - 1].end_ms - 0.01, `tasks overlapped in one process: ${JSON.stringify(trace)}`);
    }
  });
});

/** A worker script made as one Blob, glue + bootstrap: a blob: URL resolves no relative import,
 *  so the glue must have none (a snippet would add one) and must declare what the bootstrap
 *  calls by name; the bootstrap must be one block, so none of its names can meet the glue's. */
async function assertBlobScriptParts(gluePath, entry, bootstrapPath) {
  const glue = await readFile(join(DIST, gluePath), 'utf8');
  assert.doesNotMatch(glue, /^\s*import\s|^\s*export\s.*\sfrom\s|\bimport\(/m, `${gluePath} imports nothing`);
  assert.match(glue, /^function initSync\(/m);
  assert.match(glue, new RegExp(`^export function ${entry}\\(`, 'm'));
  const bootstrap = await readFile(join(DIST, bootstrapPath), 'utf8');
  const code = bootstrap.replace(/^\s*\/\/.*$/gm, '').replace(/\/\*.*?\*\//gs, '').trim();
  assert.ok(code.startsWith('{') && code.endsWith('}'), `${bootstrapPath} is one block`);
}

test('process workers start from one blob: script, the worker glue with the bootstrap appended', { timeout: 120_000 }, async () => {
  await assertBlobScriptParts('pkg/worker.js', 'process_worker_main', 'www/process-worker.js');
  await ctx.withPage({}, async ({ page }) => {
    const report = await mustRun(page, { workload: { kind: 'fib', n: 15 }, tasks: 4, modes: ['processes'], workers: [2], repeat: 1, warmup: 0, processes: { start: 'cold' } });
    assert.ok(runOf(report, 'processes', 2).verified);
    const { process_script: script } = await page.evaluate(() => window.threadlab.diagnostics());
    assert.match(script ?? '', /^blob:/);
    assert.ok(page.workers().some((w) => w.url() === script), 'the kept helper runs from it');
  });
});

test('pool threads start from one blob: script, the threaded glue with the bootstrap appended', { timeout: 120_000 }, async () => {
  await assertBlobScriptParts('pkg/threads.js', 'wbg_rayon_start_worker', 'www/pool-thread.js');
  await ctx.withPage({}, async ({ page }) => {
    const report = await mustRun(page, { workload: { kind: 'fib', n: 15 }, tasks: 4, modes: ['threads'], workers: [2], repeat: 1, warmup: 0 });
    assert.ok(runOf(report, 'threads', 2).verified);
    const workers = await countWorkers(page);
    assert.equal(workers.pool, 16, `16 pool threads: ${JSON.stringify(workers)}`);
    assert.equal(workers.poolScripts, 1, 'all from one script');
  });
});
