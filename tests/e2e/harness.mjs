// Shared set-up for the end-to-end tests (node --test tests/e2e/): one Chromium per test file,
// the built site (dist/, or $THREADLAB_DIST) served twice on free loopback ports, cross-origin
// isolated (threads available) and not, and pages whose console errors and uncaught exceptions
// are collected so every test can assert that none happened. Content-Security-Policy violations
// are collected from every page and frame of every browser context a test opens (through open()
// or ctx.browser.newContext): every test fails on any it did not take (takeCspViolations).
//
// Build the site first (`trunk build --release`), then: node --test --test-concurrency=1 tests/e2e/
// (one file at a time: each runs real CPU-bound work, and timings are compared within a run).

import { after, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { reportCspTo, serve } from '../server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = resolve(process.env.THREADLAB_DIST ?? join(ROOT, 'dist'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** fib(n) by iteration, for expected checksums. */
export function fib(n) {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

// ---------------------------------------------------------------------------------------------
// CSP violations

/** Every violation seen since the last takeCspViolations(), as a sentence. */
const cspViolations = [];
/** What Chromium logs when it refuses something under a CSP, or rejects a policy. */
const CSP_CONSOLE = /Content[- ]Security[- ]Policy|^Refused to /i;
const BINDING = '__threadlabCspViolation';

/** Init script (every frame, before the page's own scripts): reports violation events. */
function reportCspViolations(binding) {
  document.addEventListener('securitypolicyviolation', (e) => {
    const at = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : '';
    const sample = e.sample ? ` (${JSON.stringify(e.sample)})` : '';
    window[binding]?.(`${e.disposition} ${e.effectiveDirective} refused ${e.blockedURI || 'an inline resource'}${sample}${at}, in ${location.href}`);
  }, true);
}

/** Collects the violations of every page, frame and worker of a browser context. */
async function watchCsp(context) {
  await context.exposeBinding(BINDING, (_source, text) => { cspViolations.push(`CSP violation: ${text}`); });
  await context.addInitScript(reportCspViolations, BINDING);
  // Chromium's own messages about pages and frames. Those about workers never reach the tests
  // (nor do workers' violation events): the servers' reports below cover workers.
  context.on('console', (m) => {
    if (CSP_CONSOLE.test(m.text())) cspViolations.push(`CSP console ${m.type()}: ${m.text()} (${m.location()?.url ?? ''})`);
  });
}

// Reports of the test servers' report-only copy of the CSP: violations in workers too.
reportCspTo((r) => {
  const at = r['source-file'] ? ` at ${r['source-file']}:${r['line-number']}` : '';
  const sample = r['script-sample'] ? ` (${JSON.stringify(r['script-sample'])})` : '';
  cspViolations.push(`CSP report: ${r['effective-directive'] ?? r['violated-directive']} refused ${r['blocked-uri'] || 'an inline resource'}${sample}${at}, in ${r['document-uri']}${r.unreadable ? ` ${r.unreadable}` : ''}`);
});

/**
 * Returns and forgets the CSP violations seen so far. A test that provokes one on purpose takes
 * it; any other fails the test that saw it (afterEach below).
 */
export function takeCspViolations() {
  return cspViolations.splice(0);
}

/** Listens on a free port (listen(0)); serve() passes the port straight to listen. */
async function startServer(isolated) {
  const server = await serve(DIST, 0, isolated);
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}/` };
}

/**
 * Registers before/after hooks for the current test file and returns a context filled in once
 * they ran: { browser, isolatedUrl, plainUrl, open(options), withPage(options, fn) }.
 */
export function setup() {
  const ctx = { browser: null, isolatedUrl: '', plainUrl: '', servers: [] };

  before(async () => {
    assert.ok(existsSync(join(DIST, 'index.html')), `no built site in ${DIST}: run \`trunk build --release\` first`);
    const isolated = await startServer(true);
    const plain = await startServer(false);
    ctx.servers.push(isolated.server, plain.server);
    ctx.isolatedUrl = isolated.url;
    ctx.plainUrl = plain.url;
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // Every context, also those a test file makes itself, watches for CSP violations.
    const newContext = ctx.browser.newContext.bind(ctx.browser);
    ctx.browser.newContext = async (options) => {
      const context = await newContext(options);
      await watchCsp(context);
      return context;
    };
  });

  // A report is posted by the browser a moment after its violation: give it that moment.
  const settle = () => new Promise((ok) => setTimeout(ok, 50));
  afterEach(async () => {
    await settle();
    assert.deepEqual(takeCspViolations(), [], 'Content-Security-Policy violations during this test');
  });

  after(async () => {
    await settle();
    await ctx.browser?.close();
    for (const s of ctx.servers) {
      s.closeAllConnections?.();
      await new Promise((ok) => s.close(ok));
    }
    assert.deepEqual(takeCspViolations(), [], 'Content-Security-Policy violations after the last test');
  });

  /**
   * Opens the page in a fresh browser context and waits for window.threadlab.ready.
   * options: { isolated = true, query = '' (e.g. '?preset=x'), allowErrors = [] (regexps of
   * errors that assertNoErrors should not count), url (another site to open instead of the
   * isolated or plain one, e.g. an https server a test started), contextOptions = {} (for
   * browser.newContext, e.g. { ignoreHTTPSErrors: true }), prepare (async (context) => {}, called
   * before the page is opened, e.g. to route requests) }.
   * Returns { page, context, errors, consoleErrors, assertNoErrors(), close() }.
   * assertNoErrors() also fails on any CSP violation seen so far (allowErrors does not apply).
   */
  ctx.open = async ({ isolated = true, query = '', allowErrors = [], url, contextOptions = {}, prepare } = {}) => {
    const context = await ctx.browser.newContext(contextOptions);
    await prepare?.(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const errors = []; // uncaught exceptions (and unhandled rejections) in the page
    const consoleErrors = []; // console.error messages
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('crash', () => errors.push('the page crashed'));
    // Console messages of the page and of its Web Workers (the process workers, the threads
    // engine and its pool) all arrive here.
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // The site has no favicon; the browser's own request for one is not the page's doing.
      if (/\/favicon\.ico$/.test(m.location()?.url ?? '')) return;
      const where = m.location()?.url ? ` (${m.location().url})` : '';
      consoleErrors.push(`console.error: ${m.text()}${where}`);
    });
    await page.goto((url ?? (isolated ? ctx.isolatedUrl : ctx.plainUrl)) + query);
    await page.waitForFunction(() => window.threadlab !== undefined, null, { timeout: 30_000 });
    await page.evaluate(() => window.threadlab.ready);
    const handle = {
      page,
      context,
      errors,
      consoleErrors,
      /** Asserts no uncaught page error, no console error and no CSP violation happened so far. */
      assertNoErrors(message = 'page errors') {
        const unexpected = [...errors, ...consoleErrors].filter((e) => !allowErrors.some((re) => re.test(e)));
        assert.deepEqual(unexpected, [], message);
        assert.deepEqual(cspViolations, [], 'Content-Security-Policy violations');
      },
      async close() {
        // A round trip to each page first: violations it reported before arrive before it closes.
        await Promise.all(context.pages().map((p) => p.evaluate(() => 0).catch(() => {})));
        await context.close().catch(() => {});
      },
    };
    return handle;
  };

  /**
   * Opens a page (see open), runs fn(handle), then asserts that no page error and no console
   * error happened, and closes the page whatever the outcome.
   */
  ctx.withPage = async (options, fn) => {
    const h = await ctx.open(options);
    try {
      await fn(h);
      h.assertNoErrors();
    } finally {
      await h.close();
    }
  };

  return ctx;
}

/**
 * Runs a spec through window.threadlab.run. Resolves to { report, progress } or, when the run
 * rejects, { error: message, progress }. progress is every onProgress call.
 */
export async function runSpec(page, spec, { timeout = 120_000 } = {}) {
  return page.evaluate(async ([s, ms]) => {
    const progress = [];
    const timer = new Promise((_, fail) => setTimeout(() => fail(new Error(`test timeout: run took over ${ms} ms`)), ms));
    try {
      const report = await Promise.race([window.threadlab.run(s, { onProgress: (p) => progress.push({ ...p }) }), timer]);
      return { report, progress };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e), isError: e instanceof Error, progress };
    }
  }, [spec, timeout]);
}

/** Runs a spec and fails the test unless it resolved; returns the report. */
export async function mustRun(page, spec, options) {
  const r = await runSpec(page, spec, options);
  assert.equal(r.error, undefined, `run of ${JSON.stringify(spec)} rejected: ${r.error}`);
  return r.report;
}

/** The runs of a report for `mode` (and `workers`, when given). */
export function runsOf(report, mode, workers) {
  return report.runs.filter((r) => r.mode === mode && (workers === undefined || r.workers === workers));
}

/** The single run for (mode, workers); fails when there is not exactly one. */
export function runOf(report, mode, workers) {
  const found = runsOf(report, mode, workers);
  assert.equal(found.length, 1, `expected one ${mode} run with ${workers} worker(s), got ${found.length}`);
  return found[0];
}

/** A compact description of a run for assertion messages. */
export function describeRun(r) {
  const { trace, ...rest } = r;
  return JSON.stringify({ ...rest, trace: trace?.map((e) => [e.task, e.worker, e.start_ms, e.end_ms, e.gil_wait_ms]) });
}

/** Polls fn() (async) until it returns a truthy value or timeoutMs passes; returns the last value. */
export async function poll(fn, { timeoutMs = 5_000, everyMs = 100 } = {}) {
  const until = Date.now() + timeoutMs;
  let value = await fn();
  while (!value && Date.now() < until) {
    await new Promise((ok) => setTimeout(ok, everyMs));
    value = await fn();
  }
  return value;
}

/** Merges intervals [[s, e], ...] into disjoint sorted ones. */
export function union(intervals) {
  const sorted = intervals.filter(([s, e]) => e > s).map(([s, e]) => [s, e]).sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Total length of intervals after merging. */
export function length(intervals) {
  return union(intervals).reduce((a, [s, e]) => a + (e - s), 0);
}

/** [start, end] minus a set of holes, as intervals. */
export function subtract([start, end], holes) {
  const out = [];
  let cursor = start;
  for (const [s, e] of union(holes)) {
    if (e <= cursor || s >= end) continue;
    if (s > cursor) out.push([cursor, s]);
    cursor = Math.max(cursor, e);
  }
  if (cursor < end) out.push([cursor, end]);
  return out;
}

/**
 * Per-worker busy intervals of a trace: each task's [start, end], minus its GIL waits when
 * `minusGilWaits` (what it spent computing, not waiting for the lock).
 */
export function busyByWorker(trace, { minusGilWaits = false } = {}) {
  const by = new Map();
  for (const e of trace) {
    const parts = minusGilWaits ? subtract([e.start_ms, e.end_ms], e.gil_waits ?? []) : [[e.start_ms, e.end_ms]];
    by.set(e.worker, [...(by.get(e.worker) ?? []), ...parts]);
  }
  return by;
}

/**
 * Overlap of different workers' intervals: the time during which at least two workers were
 * busy at once, and the total busy time (sum over workers).
 */
export function overlap(byWorker) {
  const workers = [...byWorker.values()].map(union);
  const total = workers.reduce((a, w) => a + length(w), 0);
  let concurrent = 0;
  // Time covered by >= 2 workers: sweep over all boundaries.
  const points = [];
  for (const w of workers) for (const [s, e] of w) points.push([s, 1], [e, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let depth = 0;
  let prev = 0;
  for (const [t, d] of points) {
    if (depth >= 2) concurrent += t - prev;
    depth += d;
    prev = t;
  }
  return { concurrent, total };
}

/**
 * Depth of a set of intervals [[s, e], ...] (which may overlap, e.g. the I/O waits of all
 * tasks): the most that are open at once, and the time during which at least `atLeast` are.
 */
export function depth(intervals, atLeast = 2) {
  const points = [];
  for (const [s, e] of intervals) if (e > s) points.push([s, 1], [e, -1]);
  // Ends before starts at the same instant: touching intervals do not overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  let covered = 0;
  let prev = 0;
  for (const [t, d] of points) {
    if (open >= atLeast) covered += t - prev;
    open += d;
    max = Math.max(max, open);
    prev = t;
  }
  return { max, covered };
}
