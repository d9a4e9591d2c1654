// The cross-engine end-to-end suite: the same tests in each engine (tests/engines/<engine>.test.mjs
// calls defineSuite), through the small driver of driver.mjs. It covers what a visitor in any
// browser relies on: every mode verified on CPU and I/O work (cold and warm processes),
// fetch_write into the Origin Private File System, a cancel in the middle of a run, a panic in
// one process, the embed in a blog page that is not cross-origin isolated, and the phone layout.
// tests/e2e/ tests the same page in depth in Chromium; this suite checks that the other engines
// keep up with it.
//
// Build the site first (`trunk build --release`), then one engine per process:
//   node --test tests/engines/firefox.test.mjs
//   xvfb-run -a node --test tests/engines/webkit.test.mjs
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportCspTo, serve } from '../server.mjs';
import { launch } from './driver.mjs';

// ---------------------------------------------------------------------------------------------
// What each engine is expected NOT to run, and the reason the report must give. Anything not
// listed must run and be verified. Keys: a mode ('threads'), a workload kind ('fetch_write'),
// 'kind/mode', and 'embed/mode' for the embed in a page that is not cross-origin isolated.
// One edit here adapts the suite when an engine gains or loses an ability.
const NOT_ISOLATED = /cross-origin isolat/i;
const IN_A_BLOG = { 'embed/threads': NOT_ISOLATED, 'embed/threads-gil': NOT_ISOLATED };
// WebKitGTK as Debian ships it has a shared WebAssembly.Memory but cannot post it to a worker
// (JSC's SharedArrayBuffer is off), and neither the Storage API nor OPFS (MiniBrowser
// --features=help: StorageAPI, FileSystem off). Safari has all three.
const NO_SHARING = /will not send it to a worker \(DataCloneError\)/;
const NO_OPFS = /no Origin Private File System/;
export const EXPECTED_SKIPS = {
  chromium: { ...IN_A_BLOG },
  firefox: { ...IN_A_BLOG },
  webkit: { ...IN_A_BLOG, threads: NO_SHARING, 'threads-gil': NO_SHARING, fetch_write: NO_OPFS },
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = resolve(process.env.THREADLAB_DIST ?? join(ROOT, 'dist'));
const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
/** The runs a spec with workers [2] and every mode gives: single-threaded modes run with 1. */
const CELLS = ['sequential/1', 'threads/2', 'threads-gil/2', 'processes/2', 'async/1'];

const fib = (n) => {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
};
const describeRun = ({ trace, ...rest }) =>
  JSON.stringify({ ...rest, trace: trace?.map((e) => [e.task, e.worker, e.start_ms, e.end_ms, e.bytes, e.error]) });
const cell = (run) => `${run.mode}/${run.workers}`;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Registers the suite's tests for `engine` in the current test file. */
export function defineSuite(engine) {
  const skips = EXPECTED_SKIPS[engine];
  /** The skip reason expected for `mode` running `kind` (in the embed when `embed`), or undefined. */
  const expectedSkip = (kind, mode, embed = false) =>
    (embed ? skips[`embed/${mode}`] : undefined) ?? skips[`${kind}/${mode}`] ?? skips[mode] ?? skips[kind];

  const ctx = { browser: null, isolatedUrl: '', plainUrl: '', servers: [] };
  const csp = [];

  before(async () => {
    assert.ok(existsSync(join(DIST, 'index.html')), `no built site in ${DIST}: run \`trunk build --release\` first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    // The servers send a report-only copy of the CSP: a violation anywhere, workers included,
    // is reported to them.
    reportCspTo((r) => csp.push(`${r['effective-directive'] ?? r['violated-directive']} refused ${r['blocked-uri'] || 'inline'} in ${r['document-uri']}`));
    for (const isolated of [true, false]) {
      const server = await serve(DIST, 0, isolated);
      ctx.servers.push(server);
      ctx[isolated ? 'isolatedUrl' : 'plainUrl'] = `http://127.0.0.1:${server.address().port}/`;
    }
    ctx.browser = await launch(engine);
  });

  afterEach(async () => {
    await sleep(50); // a report is posted a moment after its violation
    assert.deepEqual(csp.splice(0), [], 'Content-Security-Policy violations during this test');
  });

  after(async () => {
    await ctx.browser?.close();
    for (const s of ctx.servers) {
      s.closeAllConnections?.();
      await new Promise((ok) => s.close(ok));
    }
  });

  /** Polls fn in the page until it returns something truthy (a navigation in between counts as not yet). */
  async function waitFor(page, fn, arg, { timeoutMs = 30_000, what = 'the page' } = {}) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await page.evaluate(fn, arg).catch(() => null);
      if (value) return value;
      assert.ok(Date.now() < until, `${what}: not ready within ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /**
   * Opens url (the isolated page by default) in a new page, records uncaught errors from then on,
   * waits for window.threadlab.ready (in the first iframe when `frame`), runs fn(page), then
   * asserts that no page error happened and closes the page whatever the outcome.
   */
  async function withPage({ url = ctx.isolatedUrl, frame = false, viewport } = {}, fn) {
    const page = await ctx.browser.newPage();
    try {
      if (viewport) await page.setViewport(viewport.width, viewport.height);
      await page.goto(url);
      await waitFor(page, (inFrame) => {
        const w = inFrame ? document.querySelector('iframe')?.contentWindow : window;
        if (!w?.threadlab) return false;
        if (!w.__engineErrors) {
          w.__engineErrors = [];
          w.addEventListener('error', (e) => w.__engineErrors.push(`error: ${e.message}`));
          w.addEventListener('unhandledrejection', (e) => w.__engineErrors.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
        }
        return w.threadlab.ready.then(() => true);
      }, frame, { what: `${url}: window.threadlab.ready` });
      await fn(page);
      const inPage = await page.evaluate((inFrame) => (inFrame ? document.querySelector('iframe').contentWindow : window).__engineErrors, frame);
      assert.deepEqual([...page.errors, ...inPage], [], 'errors in the page');
    } finally {
      await page.close();
    }
  }

  /** Runs spec through window.threadlab.run (of the first iframe when `frame`); returns the report. */
  async function run(page, spec, { frame = false } = {}) {
    const out = await page.evaluate(([s, inFrame]) => {
      const w = inFrame ? document.querySelector('iframe').contentWindow : window;
      return w.threadlab.run(s).then((report) => ({ report }), (e) => ({ error: e?.message ?? String(e) }));
    }, [spec, frame]);
    assert.equal(out.error, undefined, `${engine}: run of ${JSON.stringify(spec)} rejected: ${out.error}`);
    return out.report;
  }

  /**
   * Each run of the report either is verified (every task in the trace, no error, the checksum
   * wanted when given) or is skipped with the reason the table above expects.
   */
  function assertRunsAsExpected(report, { kind, tasks, checksum, embed = false }) {
    for (const r of report.runs) {
      const skip = expectedSkip(kind, r.mode, embed);
      const what = `${engine}, ${kind}, ${embed ? 'embed, ' : ''}${cell(r)}`;
      if (skip) {
        assert.equal(typeof r.skipped, 'string', `${what}: expected to be skipped (${skip}), but it ran: ${describeRun(r)}`);
        assert.match(r.skipped, skip, `${what}: the skip reason`);
        assert.equal(r.verified, false);
        assert.deepEqual(r.samples_ms, [], `${what}: a skipped run has no samples`);
        continue;
      }
      assert.equal(r.skipped, undefined, `${what}: expected to run, but skipped: ${r.skipped}`);
      assert.deepEqual(r.errors ?? [], [], `${what}: errors: ${describeRun(r)}`);
      assert.equal(r.verified, true, `${what}: not verified: ${describeRun(r)}`);
      if (checksum !== undefined) assert.equal(r.checksum, checksum, `${what}: checksum`);
      assert.deepEqual(r.trace.map((e) => e.task).sort((a, b) => a - b), [...Array(tasks).keys()], `${what}: one trace event per task`);
      assert.ok(r.samples_ms.length >= 1 && r.median_ms >= 0, `${what}: measured: ${describeRun(r)}`);
    }
  }

  const measured = (report) => report.runs.filter((r) => !r.skipped);

  test(`${engine}: capabilities of the cross-origin isolated page match the expected skips`, { timeout: 60_000 }, async (t) => {
    await withPage({}, async (page) => {
      const caps = await page.evaluate(() => window.threadlab.capabilities());
      t.diagnostic(`${engine} ${ctx.browser.version}: capabilities ${JSON.stringify(caps)}`);
      assert.equal(caps.cross_origin_isolated, true, JSON.stringify(caps));
      assert.ok(caps.cores >= 1 && caps.timer_resolution_ms > 0, JSON.stringify(caps));
      const expected = ALL_MODES.filter((m) => !expectedSkip('fib', m));
      assert.deepEqual(caps.modes, expected, `${engine}: the modes this page offers: ${JSON.stringify(caps)}`);
    });
  });

  // Every mode, on CPU work and on I/O work, with processes started cold and warm.
  const WORKLOADS = {
    cpu: { kind: 'fib', workload: { kind: 'fib', n: 27 }, checksum: String(4 * fib(27)) },
    io: { kind: 'fetch', workload: { kind: 'fetch', delay_ms: 50, bytes: 2048 } },
  };
  for (const [name, w] of Object.entries(WORKLOADS)) {
    test(`${engine}: every mode on ${name} work (${w.kind}), processes cold: verified`, { timeout: 120_000 }, async () => {
      await withPage({}, async (page) => {
        const spec = { workload: w.workload, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0, processes: { start: 'cold' } };
        const report = await run(page, spec);
        assert.deepEqual(report.runs.map(cell), CELLS);
        assertRunsAsExpected(report, { kind: w.kind, tasks: 4, checksum: w.checksum });
        const ran = measured(report);
        assert.ok(ran.length >= 3, `${engine}: at least sequential, processes and async ran`);
        // Every mode computed the same result.
        assert.equal(new Set(ran.map((r) => r.checksum)).size, 1, `one checksum: ${ran.map(describeRun)}`);
        const processes = report.runs.find((r) => r.mode === 'processes');
        assert.equal(new Set(processes.trace.map((e) => e.worker)).size, 2, `2 processes took part: ${describeRun(processes)}`);
        assert.ok(processes.startup_ms > 0, `cold processes report their start-up: ${describeRun(processes)}`);
        if (w.kind === 'fetch') {
          for (const r of ran) assert.ok(r.trace.every((e) => e.bytes === 2048), `${cell(r)}: 2048 bytes per download: ${describeRun(r)}`);
          // Four 50 ms waits one after another (a little slack for clocks of different workers).
          const seq = report.runs.find((r) => r.mode === 'sequential');
          assert.ok(seq.median_ms >= 195, `sequential: 4 waits of 50 ms took ${seq.median_ms} ms`);
        }
      });
    });

    test(`${engine}: warm processes on ${name} work (${w.kind}): verified`, { timeout: 120_000 }, async () => {
      await withPage({}, async (page) => {
        const spec = { workload: w.workload, tasks: 4, modes: ['processes'], workers: [2], repeat: 2, warmup: 0, processes: { start: 'warm' } };
        const report = await run(page, spec);
        assert.deepEqual(report.runs.map(cell), ['processes/2']);
        assertRunsAsExpected(report, { kind: w.kind, tasks: 4, checksum: w.checksum });
        const [r] = report.runs;
        assert.equal(r.samples_ms.length, 2, describeRun(r));
        assert.equal(r.startup_ms, undefined, `a warm pool starts before timing: ${describeRun(r)}`);
        assert.equal(new Set(r.trace.map((e) => e.worker)).size, 2, describeRun(r));
      });
    });
  }

  test(`${engine}: a shared counter in every mode: each synchronisation runs; only unsynchronised threads may lose updates`, { timeout: 120_000 }, async () => {
    await withPage({}, async (page) => {
      const n = 300_000;
      const spec = { workload: { kind: 'counter', n, sync: ['none', 'lock', 'atomic'] }, tasks: 2, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 };
      const report = await run(page, spec);
      const named = (r) => `${r.mode}${r.variant ? ` (${r.variant})` : ''}/${r.workers}`;
      assert.deepEqual(report.runs.map(named), ['sequential/1', 'threads (none)/2', 'threads (lock)/2', 'threads (atomic)/2',
        'threads-gil (none)/2', 'threads-gil (lock)/2', 'threads-gil (atomic)/2', 'processes/2', 'async/1']);
      assertRunsAsExpected(report, { kind: 'counter', tasks: 2, checksum: String(2 * n) });
      for (const r of measured(report)) {
        assert.equal(r.counter.expected, 2 * n, `${engine}, ${named(r)}: updates made`);
        if (r.variant !== 'none') assert.deepEqual(r.counter.lost, [0], `${engine}, ${named(r)} keeps every update: ${JSON.stringify(r.counter)}`);
      }
    });
  });

  test(`${engine}: fetch_write in every mode writes the files it downloaded`, { timeout: 120_000 }, async () => {
    await withPage({}, async (page) => {
      const bytes = 1500;
      const spec = { workload: { kind: 'fetch_write', delay_ms: 10, bytes }, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 };
      const report = await run(page, spec);
      assert.deepEqual(report.runs.map(cell), CELLS);
      assertRunsAsExpected(report, { kind: 'fetch_write', tasks: 4 });
      if (measured(report).length === 0) return; // skipped everywhere, with the reason asserted
      // The last run left a.txt..d.txt in the OPFS folder threadlab: each holds the endpoint's body.
      const problems = await page.evaluate(async (n) => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('threadlab');
        const out = [];
        for (let i = 0; i < 4; i++) {
          const name = `${String.fromCharCode(97 + i)}.txt`;
          const want = new Uint8Array(await (await fetch(`io/delay?ms=0&bytes=${n}&seed=${i}`, { cache: 'no-store' })).arrayBuffer());
          const got = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
          if (want.length !== n || got.length !== n || got.some((b, j) => b !== want[j])) out.push(`${name}: ${got.length} bytes, endpoint ${want.length}, expected ${n}, same: ${got.every((b, j) => b === want[j])}`);
        }
        return out;
      }, bytes);
      assert.deepEqual(problems, [], `${engine}: the files hold what the endpoint serves`);
    });
  });

  const SMALL = { workload: { kind: 'fib', n: 22 }, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 };

  test(`${engine}: cancel in the middle of a run; the page stays usable and runs again`, { timeout: 180_000 }, async () => {
    await withPage({}, async (page) => {
      // Several seconds of work in every mode: still going when cancelled.
      await page.evaluate((s) => {
        window.__progress = 0;
        window.__outcome = window.threadlab.run(s, { onProgress: () => { window.__progress += 1; } })
          .then(() => 'resolved', (e) => e?.message ?? String(e));
      }, { workload: { kind: 'fib', n: 35 }, tasks: 20, modes: ALL_MODES, workers: [2], repeat: 2, warmup: 0 });
      // Cancel once the first cell has finished: the run is under way, its workers busy.
      await waitFor(page, () => window.__progress >= 1, undefined, { timeoutMs: 90_000, what: 'the long run made progress' });
      const during = await page.evaluate(() => ({ live: window.threadlab.liveWorkers(), run: document.getElementById('run').disabled }));
      assert.ok(during.live > 0 && during.run, `mid-run: workers busy, Run disabled: ${JSON.stringify(during)}`);
      await page.evaluate(() => window.threadlab.cancel());
      assert.equal(await page.evaluate(() => window.__outcome), 'the run was cancelled');
      const ui = await page.evaluate(() => ({ run: document.getElementById('run').disabled, cancel: document.getElementById('cancel').disabled,
        error: document.getElementById('error').textContent }));
      assert.deepEqual([ui.run, ui.cancel], [false, true], `Run enabled, Cancel disabled again: ${JSON.stringify(ui)}`);
      assert.match(ui.error, /cancelled/);
      await waitFor(page, () => window.threadlab.liveWorkers() === 0, undefined, { timeoutMs: 5_000, what: 'every worker ended after the cancel' });
      const report = await run(page, SMALL);
      assertRunsAsExpected(report, { kind: 'fib', tasks: 4, checksum: String(4 * fib(22)) });
    });
  });

  test(`${engine}: a panic in one process fails only its task, cold and warm; the rest complete`, { timeout: 120_000 }, async () => {
    await withPage({}, async (page) => {
      const at = 2;
      for (const start of ['cold', 'warm']) {
        const spec = { workload: { kind: 'fault', fault: 'panic', at_task: at, n: 22 }, tasks: 6, modes: ['processes'], workers: [2],
          repeat: 2, warmup: 0, processes: { start } };
        const [r] = (await run(page, spec)).runs;
        const what = `${engine}, ${start} processes: ${describeRun(r)}`;
        assert.equal(r.skipped, undefined, what);
        assert.equal(r.verified, false, what);
        assert.equal(r.samples_ms.length, 2, `every repetition completed: ${what}`);
        assert.equal(r.errors.length, 1, what);
        assert.match(r.errors[0], /the process running it crashed/, what);
        assert.match(r.errors[0], new RegExp(`panicked: injected fault: panic in task ${at}`), what);
        assert.deepEqual(r.trace.map((e) => e.task).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5], what);
        assert.deepEqual(r.trace.filter((e) => e.error).map((e) => e.task), [at], `only task ${at} failed: ${what}`);
      }
      // The dead process was replaced: the next run verifies.
      assertRunsAsExpected(await run(page, SMALL), { kind: 'fib', tasks: 4, checksum: String(4 * fib(22)) });
    });
  });

  test(`${engine}: the embed in a blog page that is not cross-origin isolated`, { timeout: 120_000 }, async () => {
    await withPage({ url: `${ctx.plainUrl}www/embed-example.html`, frame: true }, async (page) => {
      const state = await page.evaluate(() => {
        const w = document.querySelector('iframe').contentWindow;
        return { parent: window.crossOriginIsolated, caps: w.threadlab.capabilities(), embed: w.document.documentElement.classList.contains('embed'),
          note: w.document.getElementById('embed-note').textContent, noteHidden: w.document.getElementById('embed-note').hidden };
      });
      assert.equal(state.parent, false, 'the blog page is not isolated');
      assert.equal(state.caps.cross_origin_isolated, false, JSON.stringify(state.caps));
      assert.equal(state.embed, true, 'the compact embed view');
      const skipped = ALL_MODES.filter((m) => expectedSkip('fib', m, true));
      assert.deepEqual(state.caps.modes, ALL_MODES.filter((m) => !skipped.includes(m)), JSON.stringify(state.caps));
      if (skipped.includes('threads')) {
        assert.equal(state.noteHidden, false, 'the embed says why threads do not run');
        assert.match(state.note, /threads are skipped/);
        assert.match(state.note, NOT_ISOLATED);
      }
      const report = await run(page, SMALL, { frame: true });
      assert.deepEqual(report.runs.map(cell), CELLS);
      assertRunsAsExpected(report, { kind: 'fib', tasks: 4, checksum: String(4 * fib(22)), embed: true });
      const rows = await page.evaluate(() => [...document.querySelector('iframe').contentDocument.querySelectorAll('#chart-bars g.bar[data-verified="true"]')].length);
      assert.ok(rows >= 3, `the embed's chart shows the verified runs: ${rows} bars`);
    });
  });

  test(`${engine}: phone layout at 390 px: no sideways scrolling; the table fits or scrolls in its own box`, { timeout: 120_000 }, async () => {
    await withPage({ viewport: { width: 390, height: 844 } }, async (page) => {
      const layout = () => page.evaluate(() => {
        const width = window.innerWidth;
        const wrap = document.querySelector('.table-wrap');
        const table = document.getElementById('results-table');
        // The outermost elements sticking out of the viewport, outside any box that scrolls itself.
        const sticksOut = (e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > width + 1;
        const inScroller = (e) => { for (let a = e.parentElement; a; a = a.parentElement) if (/auto|scroll|hidden/.test(getComputedStyle(a).overflowX)) return true; return false; };
        const wider = [...document.querySelectorAll('body *')].filter((e) => sticksOut(e) && !sticksOut(e.parentElement) && !inScroller(e))
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} (${Math.round(e.getBoundingClientRect().width)} px)`);
        return {
          width, pageWidth: document.documentElement.scrollWidth, wider,
          rows: table.querySelectorAll('tbody tr').length,
          table: { right: wrap.getBoundingClientRect().right, scroll: wrap.scrollWidth, client: wrap.clientWidth, overflowX: getComputedStyle(wrap).overflowX },
        };
      });
      const before = await layout();
      assert.equal(before.width, 390, `${engine}: a 390 px viewport`);
      const spec = { workload: { kind: 'fib', n: 24 }, tasks: 6, modes: ALL_MODES, workers: [1, 2], repeat: 1, warmup: 0 };
      const report = await run(page, spec);
      await waitFor(page, (n) => document.querySelectorAll('#results-table tbody tr').length === n, report.runs.length, { what: 'the results table' });
      await page.screenshot(join(ARTIFACTS, `engines-${engine}-phone.png`));
      const afterRun = await layout();
      for (const [when, l] of [['before a run', before], ['after a run', afterRun]]) {
        assert.ok(l.pageWidth <= l.width + 1, `${engine}, ${when}: the page is ${l.pageWidth} px wide in a ${l.width} px viewport; sticking out: ${l.wider.join(', ')}`);
      }
      const t = afterRun.table;
      assert.ok(t.right <= 391, `the table's box ends within the screen: ${JSON.stringify(t)}`);
      assert.ok(t.scroll <= t.client + 1 || /auto|scroll/.test(t.overflowX), `the table fits (${t.scroll} <= ${t.client} px) or scrolls in its own box: ${JSON.stringify(t)}`);
    });
  });
}
