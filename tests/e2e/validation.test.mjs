// Invalid specs are rejected before anything runs, with a message naming the field; the
// presets are valid specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fib, mustRun, poll, runSpec, setup } from './harness.mjs';

const ctx = setup();

const SMALL = { workload: { kind: 'fib', n: 20 }, tasks: 2, modes: ['sequential', 'processes'], workers: [1], repeat: 1, warmup: 0 };

const INVALID = [
  { name: 'workload.n out of range', spec: { ...SMALL, workload: { kind: 'fib', n: 99 } }, field: 'workload.n', also: /1 to 45/ },
  { name: 'unknown kind', spec: { ...SMALL, workload: { kind: 'nope' } }, field: 'workload.kind', also: /fib/ },
  { name: 'workers [0]', spec: { ...SMALL, workers: [0] }, field: 'workers[0]', also: /1 to 16/ },
  { name: 'unknown mode', spec: { ...SMALL, modes: ['sequential', 'green-threads'] }, field: 'modes[1]', also: /sequential/ },
  { name: 'tasks "x"', spec: { ...SMALL, tasks: 'x' }, field: 'tasks', also: /integer/ },
  { name: 'missing workload', spec: (({ workload, ...rest }) => rest)(SMALL), field: 'workload', also: /required/ },
  { name: 'unknown field', spec: { ...SMALL, reps: 3 }, field: 'reps', also: /unknown field/ },
  { name: 'not an object', spec: 42, field: 'spec', also: /object/ },
];

const state = (page) => page.evaluate(() => ({
  error: document.getElementById('error').textContent,
  errorHidden: document.getElementById('error').hidden,
  rows: document.querySelectorAll('#results-table tbody tr').length,
  runDisabled: document.getElementById('run').disabled,
  progressText: document.getElementById('progress-text').textContent,
  live: window.threadlab.liveWorkers(),
}));

test('invalid specs are rejected naming the field; nothing runs; the next valid run works', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const before = await state(page);
    assert.equal(before.errorHidden, true, 'no error shown at start');
    for (const c of INVALID) {
      const r = await runSpec(page, c.spec, { timeout: 10_000 });
      assert.ok(r.error, `${c.name}: should be rejected, got a report`);
      assert.equal(r.isError, true, `${c.name}: rejects with an Error object`);
      assert.ok(r.error.startsWith(`invalid spec: ${c.field}: `), `${c.name}: message should name ${c.field}: ${r.error}`);
      assert.match(r.error, c.also, `${c.name}: ${r.error}`);
      assert.deepEqual(r.progress, [], `${c.name}: nothing ran`);
      const s = await state(page);
      assert.equal(s.errorHidden, false, `${c.name}: #error shown`);
      assert.equal(s.error, r.error, `${c.name}: #error shows the message`);
      assert.equal(s.rows, 0, `${c.name}: no results`);
      assert.equal(s.runDisabled, false, `${c.name}: #run stays enabled`);
      assert.equal(s.progressText, '', `${c.name}: no progress shown`);
      assert.ok(s.live <= before.live, `${c.name}: no worker started (${before.live} -> ${s.live})`);
    }

    // The error quotes what it got.
    const got = await runSpec(page, { ...SMALL, workload: { kind: 'fib', n: 99 } });
    assert.match(got.error, /\(got 99\)/);
    // Spec as JSON text works too, and bad JSON is named.
    const bad = await runSpec(page, '{"workload": ');
    assert.match(bad.error ?? '', /^invalid spec: spec: /);

    const { report, progress, error } = await runSpec(page, SMALL);
    assert.equal(error, undefined, `valid run rejected: ${error}`);
    assert.ok(report.runs.every((r) => r.verified && r.checksum === String(2 * fib(20))), JSON.stringify(report.runs));
    assert.equal(progress.at(-1).done, 2);
    const after = await state(page);
    assert.equal(after.errorHidden, true, 'a valid run clears the error');
    assert.equal(after.rows, 2);
  });
});

const REQUIRED_PRESETS = ['fib-threads-vs-processes', 'sum-sweep', 'append-1-vs-2-processes', 'sleep-threads-vs-processes'];

test('presets: the required ids, each a spec the API accepts', { timeout: 120_000 }, async () => {
  let presets;
  // Acceptance is checked on the page without cross-origin isolation: validation is the same
  // there, and with no threads engine to start each accepted run is cheap to cancel.
  await ctx.withPage({ isolated: false }, async ({ page }) => {
    presets = await page.evaluate(() => window.threadlab.presets);
    assert.ok(Array.isArray(presets));
    const ids = presets.map((p) => p.id);
    for (const id of REQUIRED_PRESETS) assert.ok(ids.includes(id), `preset ${id} missing from ${JSON.stringify(ids)}`);
    assert.equal(new Set(ids).size, ids.length, 'preset ids are unique');
    for (const p of presets) {
      assert.ok(typeof p.title === 'string' && p.title && typeof p.claim === 'string' && p.claim, JSON.stringify(p));
      assert.equal(typeof p.spec, 'object');
    }

    // Accepted without running them to the end: a valid spec starts a run, which is cancelled
    // as soon as it has started its first worker; an invalid one would be rejected at once with
    // "invalid spec: ...".
    for (const p of presets) {
      const r = await page.evaluate(async (spec) => {
        const run = window.threadlab.run(spec).then(() => 'completed', (e) => e.message);
        const t0 = performance.now();
        while (window.threadlab.liveWorkers() === 0 && performance.now() - t0 < 10_000) await new Promise((ok) => setTimeout(ok, 1));
        window.threadlab.cancel();
        const t1 = performance.now();
        return { outcome: await run, ms: performance.now() - t1 };
      }, p.spec);
      assert.ok(!/invalid spec/.test(r.outcome), `preset ${p.id} rejected: ${r.outcome}`);
      assert.equal(r.outcome, 'the run was cancelled', `preset ${p.id}`);
      assert.ok(r.ms < 5_000, `preset ${p.id}: cancelled ${r.ms} ms after cancel()`);
      assert.equal(await poll(() => page.evaluate(() => window.threadlab.liveWorkers() === 0)), true, 'workers stopped');
    }

    // The page's preset picker lists every preset.
    const options = await page.$$eval('#preset option', (os) => os.map((o) => o.value));
    assert.deepEqual(options, ['', ...ids]);
  });

  // One preset run for real, threads included, with fewer repetitions: sleep-based, so quick.
  await ctx.withPage({}, async ({ page }) => {
    const sleep = presets.find((p) => p.id === 'sleep-threads-vs-processes');
    const report = await mustRun(page, { ...sleep.spec, repeat: 1 });
    assert.deepEqual(report.runs.map((r) => r.mode), sleep.spec.modes);
    for (const r of report.runs) assert.equal(r.verified, true, JSON.stringify(r));
  });
});

test('window.threadlab.ready is a promise on the object the API is installed on', { timeout: 60_000 }, async () => {
  // www/boot.js creates window.threadlab with `ready` before the module loads; the module fills
  // in the same object.
  await ctx.withPage({}, async ({ page }) => {
    const kind = await page.evaluate(() => Object.prototype.toString.call(window.threadlab.ready));
    assert.equal(kind, '[object Promise]');
    assert.equal(await page.evaluate(() => window.threadlab.ready), true);
    assert.equal(await page.evaluate(() => typeof window.threadlab.run), 'function');
  });
});
