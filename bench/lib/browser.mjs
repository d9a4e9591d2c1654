// Headless Chromium (Debian's, driven by playwright-core) on the served release build.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

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

/** `reps` times, in a fresh context each: opens bench page `path`, waits for its console line
 *  `bench: <name>` (nothing of Playwright's runs in the page meanwhile), and keeps `window[name]`,
 *  which `check` may refuse by throwing. */
async function benchPage(browser, url, reps, path, name, check = () => {}) {
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const said = consoleLine(page, `bench: ${name}`);
    await page.goto(`${url}__bench/${path}`, { waitUntil: 'commit' });
    await said;
    const sample = await page.evaluate((global) => window[global], name);
    check(sample);
    samples.push(sample);
    await context.close();
  }
  return samples;
}

/** bench/pages/pool.html: the threads engine's 16-thread pool, timed from `new Worker` to ready. */
export const measurePool = (browser, url, reps) => benchPage(browser, url, reps, 'pool.html', 'pool');

/** bench/pages/floor.html: `n` module Workers started at once, each timed from `new Worker` to
 *  its one message (what the browser itself costs). `threads`: each also imports the threaded
 *  module's glue and instantiates it on one shared memory first. */
export const measureFloor = (browser, url, reps, n, threads = false) =>
  benchPage(browser, url, reps, `floor.html?n=${n}${threads ? '&threads' : ''}`, 'floor', (floor) => {
    if (floor.error) throw new Error(`bench/pages/floor.html: ${floor.error}`);
  });

/** bench/pages/message.html: a bare worker's postMessage to the idle page, between 3 ms of
 *  computing (median and p90 of 200 posts). */
export const measureMessage = (browser, url, reps) => benchPage(browser, url, reps, 'message.html', 'message');
