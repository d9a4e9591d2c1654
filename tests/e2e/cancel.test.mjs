// Cancelling a run: the promise rejects, every worker stops, the page stays usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fib, poll, setup } from './harness.mjs';
import { countWorkers } from './workers.mjs';

const ctx = setup();
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
// Several seconds of work: it is always still running when cancelled.
const LONG = { workload: { kind: 'fib', n: 35 }, tasks: 20, modes: ALL_MODES, workers: [2] };
const SMALL = { workload: { kind: 'fib', n: 25 }, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 };

/** Starts a run in the page without awaiting it; its outcome lands in window.__outcome. */
function startRun(page, spec) {
  return page.evaluate((s) => {
    window.__progress = [];
    window.__outcome = window.threadlab.run(s, { onProgress: (p) => window.__progress.push({ ...p }) })
      .then(() => ({ resolved: true }), (e) => ({ message: e instanceof Error ? e.message : `not an Error: ${e}` }));
  }, spec);
}

const ui = (page) => page.evaluate(() => ({
  runDisabled: document.getElementById('run').disabled,
  cancelDisabled: document.getElementById('cancel').disabled,
  error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
  live: window.threadlab.liveWorkers(),
}));

/** After a cancel: the page is idle, every worker is gone within a few seconds. */
async function assertStopped(page) {
  const s = await ui(page);
  assert.equal(s.runDisabled, false, '#run enabled again');
  assert.equal(s.cancelDisabled, true, '#cancel disabled again');
  const live = await poll(async () => (await page.evaluate(() => window.threadlab.liveWorkers())) === 0, { timeoutMs: 5_000 });
  assert.equal(live, true, `workers still running: ${await page.evaluate(() => window.threadlab.liveWorkers())}`);
  // No more progress from the cancelled run.
  const count = await page.evaluate(() => window.__progress?.length ?? 0);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__progress?.length ?? 0), count, 'progress after the cancel');
}

/** The run started by startRun rejected as cancelled, stopped everything, and the page runs again. */
async function assertCancelledThenUsable(page) {
  const outcome = await page.evaluate(() => window.__outcome);
  assert.equal(outcome.message, 'the run was cancelled');
  await assertStopped(page);
  await assertSmallRunWorks(page);
}

async function assertSmallRunWorks(page) {
  const outcome = await page.evaluate((s) => window.threadlab.run(s).then((r) => r, (e) => ({ rejected: e.message })), SMALL);
  assert.equal(outcome.rejected, undefined, `small run rejected: ${outcome.rejected}`);
  assert.deepEqual(outcome.runs.map((r) => r.mode), ALL_MODES);
  for (const r of outcome.runs) {
    assert.equal(r.verified, true, `small run, ${r.mode}: ${JSON.stringify(r)}`);
    assert.equal(r.checksum, String(4 * fib(25)));
  }
}

/** Gets the page's engines started (a small run of every mode), so a cancel lands mid-task. */
const primeEngines = assertSmallRunWorks;

test('threadlab.cancel() stops a long run; the page stays usable', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    await primeEngines(page);
    await startRun(page, LONG);
    await page.waitForTimeout(500);
    const during = await ui(page);
    assert.equal(during.runDisabled, true, '#run disabled while running');
    assert.equal(during.cancelDisabled, false, '#cancel enabled while running');
    assert.ok(during.live > 0, 'workers running');
    // One run at a time.
    const second = await page.evaluate((s) => window.threadlab.run(s).then(() => 'resolved', (e) => e.message), SMALL);
    assert.match(second, /already in progress/);

    await page.evaluate(() => window.threadlab.cancel());
    const outcome = await page.evaluate(() => window.__outcome);
    assert.equal(outcome.message, 'the run was cancelled');
    assert.match((await ui(page)).error ?? '', /cancelled/);
    await assertStopped(page);
    await assertSmallRunWorks(page);

    // Cancel with nothing running is harmless.
    await page.evaluate(() => window.threadlab.cancel());
    await assertSmallRunWorks(page);
  });
});

test('clicking #cancel stops a run started by a script', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    await primeEngines(page);
    await startRun(page, LONG);
    await page.waitForTimeout(500);
    await page.click('#cancel');
    await assertCancelledThenUsable(page);
  });
});

test('cancel in the middle of a threads run; the threads engine starts afresh', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    await startRun(page, { ...LONG, modes: ['threads', 'threads-gil'], repeat: 3, warmup: 0 });
    // Cancel once the threads engine has finished one repetition and is busy with the next.
    const started = await poll(() => page.evaluate(() => window.__progress.length > 0), { timeoutMs: 30_000 });
    assert.equal(started, true, 'the run made progress');
    await page.waitForTimeout(100);
    await page.evaluate(() => window.threadlab.cancel());
    await assertCancelledThenUsable(page);
  });
});

test('a run started from the form is cancelled by #cancel', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    await primeEngines(page);
    const rowsBefore = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
    await page.selectOption('#kind', 'fib');
    await page.fill('#param-n', '35');
    await page.fill('#tasks', '20');
    await page.fill('#workers', '2');
    await page.click('#run');
    await page.waitForTimeout(500);
    assert.equal(await page.isDisabled('#run'), true);
    await page.click('#cancel');
    await page.waitForFunction(() => /cancelled/.test(document.getElementById('error').textContent));
    await assertStopped(page);
    assert.deepEqual(await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => tr.textContent)), rowsBefore,
      'no results from a cancelled run');

    // The form runs again (fib(24): results that differ from the earlier ones).
    await page.fill('#param-n', '24');
    await page.fill('#tasks', '4');
    await page.fill('#repeat', '1');
    await page.fill('#warmup', '0');
    await page.click('#run');
    await page.waitForFunction((want) => !document.getElementById('run').disabled
      && document.querySelector('#results-table tbody tr td:nth-child(8)')?.textContent === want,
    `✓ ${4 * fib(24)}`, { timeout: 60_000 });
    const verified = await page.$$eval('#results-table tbody tr td:nth-child(8)', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(verified, Array(5).fill(`✓ ${4 * fib(24)}`));
    assert.equal(await page.isHidden('#error'), true);
  });
});

test('a cancel while the run waits for its engines to start stops the run', {
  timeout: 60_000,
}, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // Before timing, a run starts the threads engine's coordinator worker and a helper process
    // worker, one after the other (which first depends on the page version). Cancel right after
    // the first, then right after the second, has started: one of them is while the threads
    // engine is starting.
    for (const liveWorkers of [1, 2]) {
      const r = await page.evaluate(async ([spec, want]) => {
        // Idle cancel: stops any engine already started, so the run starts its own.
        window.threadlab.cancel();
        const progress = [];
        const run = window.threadlab.run(spec, { onProgress: (p) => progress.push(p) }).then(() => 'completed', (e) => e.message);
        const t0 = performance.now();
        while (window.threadlab.liveWorkers() < want && performance.now() - t0 < 10_000) await new Promise((ok) => setTimeout(ok, 1));
        window.threadlab.cancel();
        const t1 = performance.now();
        const outcome = await run;
        return { cancelledAt: want, outcome, rejectedAfterMs: performance.now() - t1, progress: progress.length };
      }, [{ ...LONG, modes: ['sequential', 'threads'], repeat: 1, warmup: 0 }, liveWorkers]);
      assert.equal(r.outcome, 'the run was cancelled');
      assert.equal(r.progress, 0, `the run went on after the cancel: ${JSON.stringify(r)}`);
      assert.ok(r.rejectedAfterMs < 1_000, `rejected ${r.rejectedAfterMs} ms after the cancel`);
      await assertStopped(page);
    }
  });
});

test('cancel() right after run(), in the same turn, stops that run', {
  timeout: 60_000,
}, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const outcome = await page.evaluate(() => {
      const run = window.threadlab.run({ workload: { kind: 'sleep', ms: 300 }, tasks: 4, modes: ['sequential'], workers: [1], repeat: 1, warmup: 0 });
      window.threadlab.cancel();
      return run.then(() => 'completed', (e) => e.message);
    });
    assert.equal(outcome, 'the run was cancelled');
  });
});

test('two run() calls in the same turn: the second is refused without resetting the page', {
  timeout: 60_000,
}, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const second = await page.evaluate(() => {
      const spec = { workload: { kind: 'sleep', ms: 300 }, tasks: 4, modes: ['sequential'], workers: [1], repeat: 1, warmup: 0 };
      window.__first = window.threadlab.run(spec).then(() => 'completed', (e) => e.message);
      return window.threadlab.run(spec).then(() => 'completed', (e) => e.message);
    });
    assert.match(second, /already in progress/);
    const s = await ui(page);
    assert.equal(s.runDisabled, true, '#run disabled while the first run goes on');
    assert.equal(s.cancelDisabled, false, '#cancel enabled while the first run goes on');
    assert.equal(await page.evaluate(() => window.__first), 'completed');
  });
});

test('cancel(); run() in the same turn: the new run starts and completes, verified', { timeout: 60_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const out = await page.evaluate(async () => {
      const spec = { workload: { kind: 'sleep', ms: 100 }, tasks: 2, modes: ['sequential'], workers: [1], repeat: 1, warmup: 0 };
      const first = window.threadlab.run({ ...spec, workload: { kind: 'sleep', ms: 3000 } }).then(() => 'completed', (e) => e.message);
      await new Promise((r) => setTimeout(r, 300));
      window.threadlab.cancel();
      const second = window.threadlab.run(spec).then((r) => r.runs[0].verified, (e) => e.message);
      return { first: await first, second: await second };
    });
    assert.deepEqual(out, { first: 'the run was cancelled', second: true });
    const s = await ui(page);
    assert.equal(s.runDisabled, false);
    assert.equal(s.error, null, 'the superseded run leaves no error on the page');
  });
});

test('cancel() from an onProgress callback stops before the next sample and leaves no worker', { timeout: 60_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const out = await page.evaluate(async () => {
      const spec = { workload: { kind: 'sleep', ms: 1000 }, tasks: 1, modes: ['sequential', 'async', 'processes'], workers: [1], repeat: 1, warmup: 0 };
      let cancelledAt;
      const outcome = await window.threadlab.run(spec, {
        onProgress: (p) => { if (p.done === 1) { cancelledAt = performance.now(); window.threadlab.cancel(); } },
      }).then(() => 'completed', (e) => e.message);
      return { outcome, lag: performance.now() - cancelledAt };
    });
    assert.equal(out.outcome, 'the run was cancelled');
    assert.ok(out.lag < 500, `the run went on for ${out.lag} ms after the cancel`);
    const live = await poll(async () => (await page.evaluate(() => window.threadlab.liveWorkers())) === 0);
    assert.equal(live, true, 'a worker was started after the cancel');
  });
});

// Every mode, cancelled at three moments: while its engines start (right after run()), in the
// middle of a task, and between the cells of a sweep. Afterwards the browser runs no worker at
// all (counted from the browser's side, pool threads included) and the next run verifies.
const CASES = [
  ['sequential', {}], ['threads', {}], ['threads-gil', {}], ['async', {}],
  ['processes', { processes: { start: 'cold' } }], ['processes', { processes: { start: 'warm' } }],
];
const MOMENTS = ['start-up', 'mid-task', 'mid-sweep'];
test('cancel in every mode, during start-up, mid-task and mid-sweep, leaves no worker at all', { timeout: 300_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    for (const [mode, extra] of CASES) {
      for (const moment of MOMENTS) {
        const what = `${mode} ${JSON.stringify(extra)} cancelled ${moment}`;
        // fib(36) x 8: tens of ms a task, a run of seconds; three worker counts, three rounds.
        const spec = { workload: { kind: 'fib', n: 36 }, tasks: 8, modes: [mode], workers: [1, 2, 4], repeat: 3, warmup: 0, ...extra };
        const outcome = await page.evaluate(async ([s, when]) => {
          const progress = [];
          const tick = (ms) => new Promise((ok) => setTimeout(ok, ms));
          // Start-up: the engines kept from before are stopped first, so this run starts its own.
          if (when === 'start-up') window.threadlab.cancel();
          const run = window.threadlab.run(s, { onProgress: (p) => progress.push(p) }).then(() => 'completed', (e) => e.message);
          if (when === 'start-up') await tick(0);
          if (when === 'mid-task') await tick(400);
          if (when === 'mid-sweep') while (progress.length < 2) await tick(5);
          window.threadlab.cancel();
          return { outcome: await run, progress: progress.length };
        }, [spec, moment]);
        assert.equal(outcome.outcome, 'the run was cancelled', what);
        const gone = await poll(async () => (await countWorkers(page)).total === 0, { timeoutMs: 5_000 });
        assert.ok(gone, `${what}: workers still running: ${JSON.stringify(await countWorkers(page))}`);
        assert.equal(await page.evaluate(() => window.threadlab.liveWorkers()), 0, what);
      }
      await assertSmallRunWorks(page);
    }
  });
});
