// The shared counter in every mode: unsynchronised threads lose updates (the race is the
// result), a lock, an atomic and processes keep every one, and the table, the verdict and the
// verdict name each synchronisation. The shared-counter preset's claim is checked with every
// other preset's (presets.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, runSpec, setup } from './harness.mjs';

const ctx = setup();
const SYNCS = ['none', 'lock', 'atomic'];
const N = 2_000_000;
const TASKS = 2;

const named = (run) => `${run.mode}${run.variant ? ` (${run.variant})` : ''}/${run.workers}`;

test('a counter runs each synchronisation in each threads mode; only unsynchronised threads lose updates', { timeout: 240_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const spec = {
      workload: { kind: 'counter', n: N, sync: SYNCS }, tasks: TASKS,
      modes: ['sequential', 'threads', 'threads-gil', 'processes', 'async'],
      workers: [2], repeat: 2, warmup: 0,
    };
    // Two threads of 2 million updates each race on any 2-core machine; a bounded number of
    // attempts keeps a rare run in which no update met another from failing the suite, while a
    // counter that never races still fails it.
    let report;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await runSpec(page, spec);
      assert.equal(result.error, undefined, `run rejected: ${result.error}`);
      report = result.report;
      const racy = report.runs.find((r) => r.mode === 'threads' && r.variant === 'none');
      if (racy?.counter?.lost.some((l) => l > 0)) break;
    }
    assert.deepEqual(report.runs.map(named), [
      'sequential/1', 'threads (none)/2', 'threads (lock)/2', 'threads (atomic)/2',
      'threads-gil (none)/2', 'threads-gil (lock)/2', 'threads-gil (atomic)/2', 'processes/2', 'async/1',
    ]);
    const expected = TASKS * N;
    for (const run of report.runs) {
      const c = run.counter;
      assert.ok(c, `${named(run)} has what it counted: ${describeRun(run)}`);
      assert.equal(c.expected, expected, `${named(run)}: updates made`);
      assert.equal(c.counted.length, 2, `${named(run)}: one count per kept repetition`);
      assert.deepEqual(c.lost, c.counted.map((n) => expected - n), `${named(run)}: lost = expected - counted`);
      assert.ok(c.ns_per_update > 0, `${named(run)}: a cost per update`);
      // Each task made its n updates, whatever the counter kept.
      assert.equal(run.checksum, String(expected), `${named(run)}: the tasks' own totals`);
      assert.equal(run.verified, true, `${named(run)} verified: ${describeRun(run)}`);
      const racy = run.variant === 'none';
      assert.equal(c.racy, racy, `${named(run)}: racy only for unsynchronised threads`);
      if (!racy) assert.deepEqual(c.lost, [0, 0], `${named(run)} kept every update`);
    }
    const free = report.runs.find((r) => r.mode === 'threads' && r.variant === 'none');
    assert.ok(free.counter.lost.some((l) => l > 0), `unsynchronised threads lost no update in 3 runs: ${JSON.stringify(free.counter)}`);
    assert.match(report.verdict.summary, /Lost updates in threads \(none\) with 2 workers/);

    // The table: one row per synchronisation, named, with what it counted.
    const rows = await page.$$eval('#results-table tbody tr', (trs) =>
      trs.map((tr) => ({ id: tr.id, variant: tr.dataset.variant ?? null, text: tr.textContent })));
    assert.deepEqual(rows.map((r) => r.id), [
      'run-sequential-1', 'run-threads-none-2', 'run-threads-lock-2', 'run-threads-atomic-2',
      'run-threads-gil-none-2', 'run-threads-gil-lock-2', 'run-threads-gil-atomic-2', 'run-processes-2', 'run-async-1',
    ]);
    const row = (id) => rows.find((r) => r.id === id).text;
    assert.match(row('run-threads-none-2'), /updates lost: the race|every update kept/);
    assert.match(row('run-threads-lock-2'), /every update kept/);
    assert.match(row('run-processes-2'), /counted 4,000,000 of 4,000,000 \(every update kept/);
  });
});
