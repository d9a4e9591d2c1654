// Passing one input to every worker, in every mode and by every way: each task's checksum is
// verified against one computed here from the input's generator (not read back from the page),
// processes time a passing for every task, threads, sequential and async pass nothing, and a
// SharedArrayBuffer is skipped with a reason on a page that is not cross-origin isolated. The
// pass-100mb preset's claim is checked with every other preset's (presets.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, runSpec, setup } from './harness.mjs';

const ctx = setup();
const MASK = (1n << 64n) - 1n;
const MB = 4;
const TASKS = 3;

/** splitmix64 of i: word i of every input (crates/workloads/src/pass.rs). */
function word(i) {
  let z = ((BigInt(i) + 1n) * 0x9E3779B97F4A7C15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK;
  return z ^ (z >> 31n);
}

/** The checksum of an `mb`-MB input: h = rotl17((h ^ w) * 0x100000001b3) over its words. */
function checksum(mb) {
  let h = 0xCBF29CE484222325n;
  for (let i = 0; i < mb * 131072; i++) {
    const m = ((h ^ word(i)) * 0x100000001B3n) & MASK;
    h = ((m << 17n) | (m >> 47n)) & MASK;
  }
  return h;
}

const EXPECTED = String((checksum(MB) * BigInt(TASKS)) & MASK);
const named = (run) => `${run.mode}${run.variant ? ` (${run.variant})` : ''}/${run.workers}`;

test('every mode reads the input; processes receive it by copy, transfer and shared memory', { timeout: 240_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const spec = {
      workload: { kind: 'pass', mb: MB }, tasks: TASKS,
      modes: ['sequential', 'threads', 'threads-gil', 'processes', 'async'],
      workers: [2], repeat: 2, warmup: 0,
    };
    const { report, error } = await runSpec(page, spec);
    assert.equal(error, undefined, `run rejected: ${error}`);
    assert.deepEqual(report.runs.map(named), [
      'sequential/1', 'threads/2', 'threads-gil/2',
      'processes (copy)/2', 'processes (transfer)/2', 'processes (shared)/2', 'async/1',
    ]);
    for (const run of report.runs) {
      assert.equal(run.verified, true, `${named(run)} verified: ${describeRun(run)}`);
      assert.equal(run.checksum, EXPECTED, `${named(run)}: every task read the whole input`);
      assert.equal(run.trace.length, TASKS);
      const p = run.passing;
      assert.ok(p, `${named(run)} has a passing record`);
      assert.ok(p.compute_ms > 0, `${named(run)}: reading took time`);
      if (run.mode === 'processes') {
        assert.equal(p.mb, MB);
        assert.equal(p.mb_passed, MB * TASKS);
        for (const e of run.trace) {
          assert.equal(e.passing?.length, 1, `${named(run)} task ${e.task}: one passing interval`);
          const [from, to] = e.passing[0];
          // The passing opens the task's span and the reading follows it.
          assert.equal(from, e.start_ms, `${named(run)} task ${e.task}: the span starts with the passing`);
          assert.ok(to >= from && to <= e.end_ms, `${named(run)} task ${e.task}: ${JSON.stringify(e)}`);
        }
        if (run.variant !== 'shared') {
          assert.ok(p.passing_ms > 0 && p.mb_per_s > 0, `${named(run)}: a copy costs: ${JSON.stringify(p)}`);
        }
      } else {
        // Read in place: nothing passed.
        assert.deepEqual([p.mb, p.mb_passed, p.passing_ms, p.mb_per_s], [0, 0, 0, undefined], named(run));
        assert.ok(run.trace.every((e) => e.passing === undefined && e.pass_ms === undefined), named(run));
      }
    }
    assert.ok(report.verdict.details.some((d) => /processes \(copy\) with 2 workers spent .* passing 12 MB/.test(d)),
      JSON.stringify(report.verdict.details));
    assert.equal(report.claim?.preset, 'pass-100mb');

    // The table names each way and what passing cost.
    const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.id, text: tr.textContent })));
    const row = (id) => rows.find((r) => r.id === id)?.text ?? '';
    assert.match(row('run-processes-copy-2'), /passing 12 MB: [\d.]+ ms, \d+ MB\/s/);
    assert.match(row('run-threads-2'), /input read in place, nothing passed/);
  });
});

test('not cross-origin isolated: the shared way is skipped with a reason, copy and transfer still run', { timeout: 120_000 }, async () => {
  await ctx.withPage({ isolated: false }, async ({ page }) => {
    const spec = { workload: { kind: 'pass', mb: 1 }, tasks: 2, modes: ['sequential', 'processes'], workers: [1], repeat: 1, warmup: 0 };
    const { report, error } = await runSpec(page, spec);
    assert.equal(error, undefined, `run rejected: ${error}`);
    assert.deepEqual(report.runs.map(named), ['sequential/1', 'processes (copy)/1', 'processes (transfer)/1', 'processes (shared)/1']);
    const shared = report.runs[3];
    assert.match(shared.skipped ?? '', /not cross-origin isolated.*SharedArrayBuffer/, describeRun(shared));
    for (const run of report.runs.slice(0, 3)) {
      assert.equal(run.verified, true, `${named(run)}: ${describeRun(run)}`);
      assert.equal(run.checksum, String((checksum(1) * 2n) & MASK));
    }
    assert.equal(report.claim?.cause, 'not_measured', JSON.stringify(report.claim));
  });
});
