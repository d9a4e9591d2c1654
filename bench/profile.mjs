// Chrome performance trace of one bench scenario, for the targets that miss (`make bench` does
// not run this). Writes the trace (open it in ui.perfetto.dev or Chrome's Performance panel) and
// prints where the time went: busy time per thread, and the costliest events on the busiest.
//
//   node bench/profile.mjs startup            page load to threadlab.ready (first visit)
//   node bench/profile.mjs pool               bench/pages/pool.html?settled: the 16-thread pool
//   node bench/profile.mjs spec '<json>'      one threadlab.run(spec) on a ready page
//
// Needs the release build in dist/. Trace: bench/profiles/<scenario>.json (not committed).
import { mkdirSync, readFileSync } from 'node:fs';
import { launch, READY_HOOK, consoleLine } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const [scenario = 'startup', specText] = process.argv.slice(2);
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'blink', 'loading',
  'toplevel', 'disabled-by-default-v8.compile'];
const path = `bench/profiles/${scenario}.json`;
mkdirSync('bench/profiles', { recursive: true });

const { server, url } = await startServer('dist', 18790);
const browser = await launch();
const context = await browser.newContext();
const page = await context.newPage();
let wall;
if (scenario === 'spec') {
  await page.goto(url);
  await page.evaluate(() => window.threadlab.ready);
  // Engines start on first use: a tiny run of every mode first, so the trace holds the spec only.
  await page.evaluate(() => window.threadlab.run({ workload: { kind: 'fib', n: 5 }, tasks: 2, modes: ['sequential', 'threads', 'processes'], workers: [2], repeat: 1, warmup: 0 }));
  await browser.startTracing(page, { path, categories: CATEGORIES });
  wall = await page.evaluate(async (s) => { const t = performance.now(); await window.threadlab.run(JSON.parse(s)); return performance.now() - t; }, specText);
} else {
  await browser.startTracing(page, { path, categories: CATEGORIES });
  // Nothing of Playwright's runs in the page until the console says done. The pool starts on
  // a settled page, as the bench judges it; Playwright's attaching to each pool thread (which
  // the bench avoids) is in the trace and in this figure.
  if (scenario === 'pool') {
    const said = consoleLine(page, 'bench: pool');
    await page.goto(`${url}__bench/pool.html?settled`, { waitUntil: 'commit' });
    await said;
    wall = await page.evaluate(() => window.pool.ms);
  } else {
    await context.addInitScript(READY_HOOK);
    const said = consoleLine(page, 'bench: ready');
    await page.goto(url, { waitUntil: 'commit' });
    await said;
    wall = await page.evaluate(() => window.__benchReady);
  }
}
await browser.stopTracing();
await browser.close();
server.close();

const events = JSON.parse(readFileSync(path, 'utf8')).traceEvents;
const names = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
// Top-level slices per thread (the scheduler's tasks): busy time, and inside them the costliest events.
const byThread = new Map();
for (const e of events) {
  if (e.ph !== 'X' || !e.dur) continue;
  const key = `${e.pid}:${e.tid}`;
  const t = byThread.get(key) ?? { busy: 0, top: 0, events: new Map() };
  if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') t.busy += e.dur / 1000;
  t.events.set(e.name, (t.events.get(e.name) ?? 0) + e.dur / 1000);
  byThread.set(key, t);
}
console.log(`${scenario}: ${wall.toFixed(1)} ms on the page's clock; trace ${path}`);
const threads = [...byThread].sort((a, b) => b[1].busy - a[1].busy).filter(([, t]) => t.busy > 1);
const groups = new Map();
for (const [key, t] of threads) {
  const name = (names.get(key) ?? key).replace(/\d+$/, '#');
  const g = groups.get(name) ?? { n: 0, busy: 0 };
  g.n += 1; g.busy += t.busy;
  groups.set(name, g);
}
console.log('busy ms per kind of thread (count):');
for (const [name, g] of groups) console.log(`  ${name} (${g.n}): ${g.busy.toFixed(1)} ms`);
for (const [key, t] of threads.slice(0, 3)) {
  console.log(`costliest events on ${names.get(key) ?? key} (busy ${t.busy.toFixed(1)} ms; nested events overlap):`);
  for (const [n, ms] of [...t.events].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${n}`);
}
