// Long use: 200 consecutive runs (every mode, processes cold and warm in turn, fib and downloads
// from the built-in endpoint in turn) must leave the page's Wasm memory, its JS heap, the number
// of workers and the workers' own heaps flat after warm-up. One in ten of the first 100 runs is
// cancelled halfway; a cancel ends every worker, so the last 100 run uncancelled: whatever a
// long-lived worker (the threads coordinator, kept process workers) keeps per run adds up there.
// Figures are printed so the closing note can quote them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fib, setup } from './harness.mjs';
import { countWorkers, noStrayWorkers } from './workers.mjs';

const ctx = setup();
const RUNS = 200;
/**
 * The page is measured from here to the end. Its Wasm memory only grows to a high-water mark: with
 * fib and download reports in turn, 42, 57, then 66 pages from run 30 on (sampled every 10 runs).
 */
const WARM_UP_RUNS = 40;
/** No cancel from this run on. */
const UNCANCELLED_FROM = 100;
/** The workers' heaps are compared from here (20 runs into the uncancelled stretch) to the end. */
const WORKERS_MEASURED_FROM = UNCANCELLED_FROM + 20;
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const FETCH_TASKS = 32;

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

/**
 * JS heap of every worker that answers, after a full garbage collection in it: Map targetId ->
 * { url, bytes }. Not the embedder's heap (Blink's objects): Playwright enables the Network domain
 * in every worker, and DevTools then keeps a record of each request there, so it grows with every
 * download whatever the page does (it grew twice as fast with a second session's Network.enable).
 * Playwright gives no CDP session for a worker, so this goes through the browser's session
 * (Target.attachToTarget, messages wrapped in Target.sendMessageToTarget). Pool threads are left
 * out: they block in Atomics.wait and would never answer; so is the service worker, which the
 * browser stops and restarts when it likes.
 */
async function workerHeaps(page, browserCdp) {
  const { process_script: processScript } = await page.evaluate(() => window.threadlab.diagnostics());
  const { targetInfos } = await browserCdp.send('Target.getTargets');
  const workers = targetInfos.filter((t) => t.type === 'worker' && !(t.url.startsWith('blob:') && t.url !== processScript));
  const heaps = new Map();
  for (const { targetId, url } of workers) {
    const { sessionId } = await browserCdp.send('Target.attachToTarget', { targetId, flatten: false });
    let id = 0;
    const call = (method) => new Promise((ok, fail) => {
      const mine = ++id;
      const timer = setTimeout(() => fail(new Error(`${url}: no answer to ${method} within 10 s`)), 10_000);
      const listen = ({ sessionId: s, message }) => {
        const m = JSON.parse(message);
        if (s !== sessionId || m.id !== mine) return;
        browserCdp.off('Target.receivedMessageFromTarget', listen);
        clearTimeout(timer);
        m.error ? fail(new Error(`${url}: ${method}: ${m.error.message}`)) : ok(m.result);
      };
      browserCdp.on('Target.receivedMessageFromTarget', listen);
      browserCdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mine, method }) }).catch(fail);
    });
    try {
      await call('HeapProfiler.collectGarbage');
      const { usedSize } = await call('Runtime.getHeapUsage');
      heaps.set(targetId, { url, bytes: usedSize });
    } finally {
      await browserCdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    }
  }
  return heaps;
}

const isCoordinator = (url) => url.endsWith('threads-worker.js');

/** Run i's spec: fib and downloads in turn, each with cold and warm processes in turn. */
function specOf(i) {
  const processes = { start: Math.floor(i / 2) % 2 ? 'warm' : 'cold' };
  const common = { modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0, processes };
  return i % 2
    ? { ...common, workload: { kind: 'fetch', delay_ms: 0, bytes: 1000 }, tasks: FETCH_TASKS }
    : { ...common, workload: { kind: 'fib', n: 18 + ((i / 2) % 3) }, tasks: 4 };
}

test(`${RUNS} consecutive runs leave memory and workers flat`, { timeout: 1_500_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const cdp = await page.context().newCDPSession(page);
    const browserCdp = await ctx.browser.newBrowserCDPSession();
    let before, workersBefore;
    const t0 = Date.now();
    for (let i = 0; i < RUNS; i++) {
      const spec = specOf(i);
      // One in ten, fib and downloads in turn (5, 14, 25, 34, ...), until UNCANCELLED_FROM.
      const cancelled = i < UNCANCELLED_FROM && i % 10 === 5 - (Math.floor(i / 10) % 2);
      const outcome = await page.evaluate(async ([s, cancel]) => {
        const run = window.threadlab.run(s);
        if (cancel) setTimeout(() => window.threadlab.cancel(), 20);
        return run.then((r) => ({ runs: r.runs.map((x) => [x.mode, x.verified, x.checksum]) }), (e) => ({ error: e.message }));
      }, [spec, cancelled]);
      if (cancelled && outcome.error) {
        assert.equal(outcome.error, 'the run was cancelled');
      } else {
        assert.equal(outcome.error, undefined, `run ${i}: ${outcome.error}`);
        assert.deepEqual(outcome.runs.map(([mode]) => mode), ALL_MODES, `run ${i}`);
        for (const [mode, verified, checksum] of outcome.runs) {
          assert.ok(verified, `run ${i}, ${mode} not verified`);
          if (spec.workload.kind === 'fib') assert.equal(checksum, String(4 * fib(spec.workload.n)));
          else assert.equal(checksum, outcome.runs[0][2], `run ${i}: ${mode} downloaded what sequential did`);
        }
      }
      if (i === WARM_UP_RUNS - 1) before = await measure(page, cdp);
      if (i === WORKERS_MEASURED_FROM - 1) workersBefore = await workerHeaps(page, browserCdp);
    }
    const after = await measure(page, cdp);
    const workersAfter = await workerHeaps(page, browserCdp);
    // The workers alive at both points, and their heaps then.
    const kept = [...workersBefore].filter(([id]) => workersAfter.has(id));
    const kb = (bytes) => Math.round(bytes / 1024);
    const figures = kept.map(([id, { url, bytes }]) =>
      `${isCoordinator(url) ? 'coordinator' : 'process worker'} ${kb(bytes)} -> ${kb(workersAfter.get(id).bytes)} KB`);
    const total = (heaps) => kept.reduce((sum, [id]) => sum + heaps.get(id).bytes, 0);
    const minutes = ((Date.now() - t0) / 60_000).toFixed(1);
    console.log(`soak: ${RUNS} runs in ${minutes} min; after ${WARM_UP_RUNS}: ${JSON.stringify(before)}; after ${RUNS}: ${JSON.stringify(after)}`);
    console.log(`soak: workers' JS heaps after ${WORKERS_MEASURED_FROM} runs -> after ${RUNS}: ${figures.join('; ')}; ` +
      `total ${kb(total(workersBefore))} -> ${kb(total(workersAfter))} KB, over ${(RUNS - WORKERS_MEASURED_FROM) / 2} runs of ` +
      `${FETCH_TASKS} downloads in each of ${ALL_MODES.length} modes`);
    const within = (a, b, what) => assert.ok(b <= a * 1.1, `${what} grew from ${a} to ${b} (more than 10%)`);
    within(before.heap, after.heap, 'JS heap');
    within(before.wasm, after.wasm, 'Wasm memory');
    assert.ok(after.live <= before.live, `kept workers grew from ${before.live} to ${after.live}`);
    assert.ok(after.workers <= before.workers, `workers grew from ${before.workers} to ${after.workers}`);
    assert.ok(kept.some(([, { url }]) => isCoordinator(url)), `the threads coordinator lived through the last ${RUNS - WORKERS_MEASURED_FROM} runs`);
    within(total(workersBefore), total(workersAfter), `the heaps of the workers kept (${figures.join('; ')})`);
  });
});
