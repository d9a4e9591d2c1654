// Long use: 200 consecutive runs (every mode, processes cold and warm in turn, one in ten
// cancelled halfway) must leave the page's Wasm memory, its JS heap and the number of workers
// flat after warm-up. Figures are printed so the closing note can quote them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fib, setup } from './harness.mjs';
import { countWorkers, noStrayWorkers } from './workers.mjs';

const ctx = setup();
const RUNS = 200;
const WARM_UP_RUNS = 20;
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];

/**
 * Page JS heap after a full garbage collection, the page module's memory, and the workers
 * (once those of a cancelled run have finished terminating).
 */
async function measure(page, cdp) {
  assert.equal(await noStrayWorkers(page, { timeoutMs: 10_000 }), true, 'workers the page does not account for');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const { wasm_memory_bytes: wasm, live_workers: live } = await page.evaluate(() => window.threadlab.diagnostics());
  const workers = await countWorkers(page);
  return { heap: usedSize, wasm, live, workers: workers.total };
}

test(`${RUNS} consecutive runs leave memory and workers flat`, { timeout: 900_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const cdp = await page.context().newCDPSession(page);
    let before;
    const t0 = Date.now();
    for (let i = 0; i < RUNS; i++) {
      const spec = {
        workload: { kind: 'fib', n: 18 + (i % 3) }, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0,
        processes: { start: i % 2 ? 'warm' : 'cold' },
      };
      const cancelled = i % 10 === 5;
      const outcome = await page.evaluate(async ([s, cancel]) => {
        const run = window.threadlab.run(s);
        if (cancel) setTimeout(() => window.threadlab.cancel(), 20);
        return run.then((r) => ({ runs: r.runs.map((x) => [x.mode, x.verified, x.checksum]) }), (e) => ({ error: e.message }));
      }, [spec, cancelled]);
      if (cancelled && outcome.error) {
        assert.equal(outcome.error, 'the run was cancelled');
      } else {
        assert.equal(outcome.error, undefined, `run ${i}: ${outcome.error}`);
        for (const [mode, verified, checksum] of outcome.runs) {
          assert.ok(verified, `run ${i}, ${mode} not verified`);
          assert.equal(checksum, String(4 * fib(spec.workload.n)));
        }
      }
      if (i === WARM_UP_RUNS - 1) before = await measure(page, cdp);
    }
    const after = await measure(page, cdp);
    const minutes = ((Date.now() - t0) / 60_000).toFixed(1);
    console.log(`soak: ${RUNS} runs in ${minutes} min; after ${WARM_UP_RUNS}: ${JSON.stringify(before)}; after ${RUNS}: ${JSON.stringify(after)}`);
    const within = (a, b, what) => assert.ok(b <= a * 1.1, `${what} grew from ${a} to ${b} (more than 10%)`);
    within(before.heap, after.heap, 'JS heap');
    within(before.wasm, after.wasm, 'Wasm memory');
    assert.ok(after.live <= before.live, `kept workers grew from ${before.live} to ${after.live}`);
    assert.ok(after.workers <= before.workers, `workers grew from ${before.workers} to ${after.workers}`);
  });
});
