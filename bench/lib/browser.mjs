// Headless Chromium (Debian's, driven by playwright-core) on the served release build.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// Three of the flags Playwright passes, so that a page started without it is not throttled as a
// background one either.
const UNTHROTTLED = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows'];

export const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });

export const chromiumVersion = () => execFileSync('/usr/bin/chromium', ['--version']).toString().trim();

/** The playground in a fresh context, ready: `run(spec)` returns the report (the JS API). */
export async function openPlayground(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.threadlab);
  await page.evaluate(() => window.threadlab.ready);
  return {
    page,
    close: () => context.close(),
    capabilities: () => page.evaluate(() => window.threadlab.capabilities()),
    run: (spec) => page.evaluate((s) => window.threadlab.run(s), spec),
    /** The spec's error message when the page rejects it, else null (nothing runs either way). */
    rejects: (spec) => page.evaluate((s) => window.threadlab.run(s).then(() => null, (e) => e.message), spec),
  };
}

// Installed before the page's scripts: notes the moment `threadlab.ready` resolves, on the page's
// clock (ms since navigation start), whenever the page sets `window.threadlab`, and says so on
// the console. Nothing of Playwright's runs in the page until then: its injected scripts take
// hundreds of milliseconds to parse on this machine, on the page's main thread.
export const READY_HOOK = `(() => {
  let value;
  Object.defineProperty(window, 'threadlab', {
    configurable: true, enumerable: true,
    get() { return value; },
    set(v) {
      value = v;
      if (v && v.ready && !window.__benchHooked) {
        window.__benchHooked = true;
        v.ready.then(() => { window.__benchReady = performance.now(); console.debug('bench: ready'); },
                     (e) => { window.__benchReady = -1; window.__benchError = String(e); console.debug('bench: ready'); });
      }
    },
  });
})();`;

/** Waits for the page's console line `text` without running anything in the page. */
export const consoleLine = (page, text) => page.waitForEvent('console', { predicate: (m) => m.text() === text, timeout: 30_000 });

async function readyTime(page, navigate) {
  const said = consoleLine(page, 'bench: ready');
  await navigate();
  await said;
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { ready_ms: window.__benchReady, error: window.__benchError ?? null,
             dom_content_loaded_ms: nav?.domContentLoadedEventEnd ?? null, load_ms: nav?.loadEventEnd ?? null };
  });
}

/** Page load to `threadlab.ready`: a first visit in a fresh context (empty cache, no service
 *  worker yet), then a reload in the same context. */
export async function measureStartup(browser, url, reps) {
  const first = [];
  const reload = [];
  for (let i = 0; i < reps; i++) {
    const context = await browser.newContext();
    await context.addInitScript(READY_HOOK);
    const page = await context.newPage();
    first.push(await readyTime(page, () => page.goto(url, { waitUntil: 'commit' })));
    reload.push(await readyTime(page, () => page.reload({ waitUntil: 'commit' })));
    await context.close();
  }
  return { first_visit: first, reload };
}

// Chromium process groups started by directPage and not yet ended: killed if the bench stops.
const started = new Set();
const killGroup = (pid) => { try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ } };
process.on('exit', () => started.forEach(killGroup));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

/** Opens bench page `path` once, in a Chromium started for it alone (a fresh profile) with no
 *  DevTools client attached, and returns what the page posts to /__bench/result; throws the
 *  `{ error }` a page posts instead when it fails (every bench page does). Not Playwright:
 *  it attaches to every worker and holds it until it has set it up, which added about 3 ms to
 *  each of 2 cold process workers and 10 ms to each of the 16 pool threads (measured while
 *  building this, with bench/pages/pool.html and playground.html under both). */
export async function directPage(bench, path) {
  const profile = mkdtempSync(join(tmpdir(), 'threadlab-bench-'));
  const result = bench.nextResult();
  // Its own process group (detached), so that the whole browser is killed, not only its first process.
  const chromium = spawn('/usr/bin/chromium', ['--headless', ...ARGS, ...UNTHROTTLED, `--user-data-dir=${profile}`,
    `${bench.url}__bench/${path}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  chromium.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
  const exited = new Promise((done) => { chromium.on('exit', done); chromium.on('error', done); });
  if (chromium.pid) started.add(chromium.pid);
  const fail = (why) => new Error(`bench/pages/${path}: ${why}; Chromium said: ${stderr.trim() || 'nothing'}`);
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(fail('no result in 120 s')), 120_000); });
  try {
    const answer = await Promise.race([result, timeout, exited.then((e) => { throw fail(e instanceof Error ? `Chromium did not start (${e.message})` : 'Chromium exited first'); })]);
    if (answer?.error) throw new Error(`bench/pages/${path}: ${answer.error}`);
    return answer;
  } finally {
    clearTimeout(timer);
    if (chromium.pid) {
      killGroup(chromium.pid);
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
      started.delete(chromium.pid);
    }
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      console.error(`could not remove ${profile}: ${e.message}`);
    }
  }
}

/** `reps` samples of bench page `path` (see directPage). */
async function benchPage(bench, reps, path) {
  const samples = [];
  for (let i = 0; i < reps; i++) samples.push(await directPage(bench, path));
  return samples;
}

/** bench/pages/pool.html: the threads engine's 16-thread pool, timed from `new Worker` to ready.
 *  `settled`: started a second after the page's load, as the playground starts it on the first
 *  interaction; otherwise as the page loads. */
export const measurePool = (bench, reps, { settled = false } = {}) => benchPage(bench, reps, `pool.html${settled ? '?settled' : ''}`);

/** bench/pages/floor.html: `n` module Workers started at once, each timed from `new Worker` to
 *  its one message (what the browser itself costs). `threads`: each starts from a Blob of the
 *  threaded module's glue, as the pool's threads do, and instantiates it on one shared memory
 *  first. `process`: each starts from a Blob of the worker module's glue, as process workers do,
 *  and instantiates that module with its own memory. `settled`: started a second after the
 *  page's load, as the playground starts workers long after its load. */
export const measureFloor = (bench, reps, n, { threads = false, process = false, settled = false } = {}) =>
  benchPage(bench, reps, `floor.html?n=${n}${threads ? '&threads' : ''}${process ? '&process' : ''}${settled ? '&settled' : ''}`);

/** bench/pages/message.html: a bare worker's postMessage to the idle page, between 3 ms of
 *  computing (median and p90 of 200 posts). */
export const measureMessage = (bench, reps) => benchPage(bench, reps, 'message.html');

/** bench/pages/playground.html: runs `spec` in the playground (index.html in a frame) once it
 *  is ready and settled, and returns its report. For what starts workers while it is timed. */
export const runDirect = async (bench, spec) =>
  (await directPage(bench, `playground.html?spec=${encodeURIComponent(JSON.stringify(spec))}`)).report;
