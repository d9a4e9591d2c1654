// `make bench`: drives the release build in headless Chromium and records
// - CPU: the speedup of each mode against sequential for 20 x fib(30), side by side in one page,
//   in several sessions (ratios, not absolute times: these machines are shared and noisy);
// - I/O: 100 downloads x 200 ms from the built-in endpoint with 1..16 workers per mode, against
//   the ideal ceil(100 / k) x 200 ms.
// Writes BENCHMARKS.md and bench/results.json (raw samples).
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { serve } from '../tests/server.mjs';

const PORT = 18765;
const server = await serve('dist', PORT, true);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(`http://127.0.0.1:${PORT}/`);
await page.waitForFunction(() => window.threadlab);
await page.evaluate(() => window.threadlab.ready);

const base = { workload: { kind: 'fib', n: 30 }, tasks: 20, repeat: 11, warmup: 2 };
const specs = {
  warm: { ...base, modes: ['sequential', 'threads', 'threads-gil', 'processes'], workers: [2, 16], processes: { start: 'warm' } },
  cold: { ...base, modes: ['sequential', 'processes'], workers: [2], processes: { start: 'cold' } },
};
// The whole measurement runs in several sessions: on this shared machine a single session's
// ratio can be off by 0.2-0.3x, so each figure is the median over sessions, with its range.
const SESSIONS = 3;
const sessions = [];
for (let i = 0; i < SESSIONS; i++) {
  const reports = {};
  for (const [name, spec] of Object.entries(specs)) {
    console.error(`session ${i + 1}/${SESSIONS}, ${name}: ${JSON.stringify(spec)}`);
    reports[name] = await page.evaluate((s) => window.threadlab.run(s), spec);
  }
  sessions.push(reports);
}
const env = sessions[0].warm.env;

// I/O: waiting work, so each worker count has an exact ideal. One repetition: a sample is
// seconds long and the machine's CPU noise hardly matters to 200 ms waits.
const IO_DELAY = 200;
const IO_TASKS = 100;
const ioSpec = {
  workload: { kind: 'fetch', delay_ms: IO_DELAY }, tasks: IO_TASKS, repeat: 1, warmup: 0,
  modes: ['sequential', 'threads', 'threads-gil', 'processes', 'async'], workers: [1, 2, 4, 6, 8, 16],
  processes: { start: 'warm' },
};
console.error(`I/O: ${JSON.stringify(ioSpec)}`);
const io = await page.evaluate((s) => window.threadlab.run(s), ioSpec);
await browser.close();
server.close();

const find = (report, mode, workers) => report.runs.find((r) => r.mode === mode && r.workers === workers);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
// [label, pick(session) -> run, expectation text, check(speedup, session medians)]
const rows = [
  ['threads, 2 workers', (r) => find(r.warm, 'threads', 2), '>= 1.7x', (s) => s >= 1.7],
  ['processes (warm), 2 workers', (r) => find(r.warm, 'processes', 2), '>= 1.7x', (s) => s >= 1.7],
  ['processes (cold), 2 workers', (r) => find(r.cold, 'processes', 2), 'reported (start-up inside the run)', () => true],
  ['threads-gil, 2 workers', (r) => find(r.warm, 'threads-gil', 2), '0.8x to 1.1x (CPython ~1.0x)', (s) => s >= 0.8 && s <= 1.1],
  ['threads, 16 workers (oversubscribed)', (r) => find(r.warm, 'threads', 16), 'no better than 2 workers',
    (s, m) => s <= m['threads, 2 workers'] * 1.05],
  ['threads-gil, 16 workers', (r) => find(r.warm, 'threads-gil', 16), 'about 1x', () => true],
  ['processes (warm), 16 workers', (r) => find(r.warm, 'processes', 16), `at most ~${env.cores}x`, () => true],
];
const fmt = (x, d = 1) => (x == null ? '—' : x.toFixed(d));
const medians = {};
for (const [label, pick] of rows) medians[label] = median(sessions.map((r) => pick(r).speedup));
const lines = [];
let misses = 0;
for (const [label, pick, expect, check] of rows) {
  const runs = sessions.map(pick);
  const speedups = runs.map((r) => r.speedup);
  const ok = runs.every((r) => r.verified) && check(medians[label], medians);
  if (!ok) misses += 1;
  lines.push(`| ${label} | ${fmt(medians[label], 2)}x | ${fmt(Math.min(...speedups), 2)}x … ${fmt(Math.max(...speedups), 2)}x | ${fmt(median(runs.map((r) => r.median_ms)))} | ${expect} | ${ok ? 'PASS' : 'MISS'} |`);
  console.log(`${ok ? 'PASS' : 'MISS'} ${label}: ${fmt(medians[label], 2)}x (sessions ${speedups.map((x) => fmt(x, 2)).join(', ')}; expected ${expect})`);
}
const seqMs = sessions.map((r) => find(r.warm, 'sequential', 1).median_ms);
const coldStartup = median(sessions.map((r) => find(r.cold, 'processes', 2).startup_ms));
const chromiumVersion = execSync('/usr/bin/chromium --version').toString().trim();
// Waiting work: within 10% of the ideal plus a fixed 50 ms allowance (request set-up, the
// page's messages) up to 6 workers; the built-in endpoint uses no connection, so beyond 6 the
// same should hold.
const ioLines = [];
for (const r of io.runs) {
  const k = r.mode === 'sequential' || r.mode === 'async' ? (r.mode === 'async' ? IO_TASKS : 1) : r.workers;
  const ideal = Math.ceil(IO_TASKS / k) * IO_DELAY;
  const ok = r.verified && r.median_ms <= ideal * 1.1 + 50;
  if (!ok) misses += 1;
  const who = r.mode === 'sequential' || r.mode === 'async' ? r.mode : `${r.mode}, ${r.workers} workers`;
  ioLines.push(`| ${who} | ${fmt(r.median_ms, 0)} | ${ideal} | ${fmt(r.median_ms / ideal, 2)} | ${r.verified ? '✓' : '✗'} | ${ok ? 'PASS' : 'MISS'} |`);
  console.log(`${ok ? 'PASS' : 'MISS'} I/O ${who}: ${fmt(r.median_ms, 0)} ms (ideal ${ideal} ms)`);
}
const md = `# Benchmarks

Produced by \`make bench\` (bench/run.mjs): the release build in headless Chromium, every figure
from one page, the modes interleaved within each session, so ratios are measured side by side.
Raw samples: bench/results.json.
Machines here are shared and noisy: read the ratios, not the absolute times.

- Date: ${new Date().toISOString().slice(0, 10)}
- Machine: ${env.cores} cores; ${chromiumVersion}; cross-origin isolated: ${env.cross_origin_isolated}; timer resolution ${env.timer_resolution_ms} ms
- Workload: 20 x fib(30), repeat ${base.repeat} (after ${base.warmup} warm-up runs), repetitions interleaved across modes; ${SESSIONS} sessions; threadlab ${env.version}

## Speedup against sequential

Sequential median per session: ${seqMs.map((x) => fmt(x)).join(', ')} ms. Each speedup is the
median over the sessions; PASS/MISS judges that median.

| mode | speedup | range over sessions | median ms | expected | |
|---|---|---|---|---|---|
${lines.join('\n')}

Cold processes: start-up ${fmt(coldStartup)} ms per worker (median over sessions), inside the
timed run.

With the GIL, only the thread holding the lock computes, so two threads take as long as one
(CPython's threads show ~1.0x on this work). 16 threads on ${env.cores} cores are real
oversubscription: they take turns on the cores and cannot beat ${env.cores} workers.

## I/O: ${IO_TASKS} downloads x ${IO_DELAY} ms

The built-in latency endpoint (the service worker answers each request after ${IO_DELAY} ms), ${IO_TASKS}
tasks, one repetition per cell, processes warm. Ideal: ceil(${IO_TASKS} / k) x ${IO_DELAY} ms for k workers
(async: every request in flight at once, so one delay). PASS: within 10% of the ideal plus 50 ms.

| mode | median ms | ideal ms | ratio | verified | |
|---|---|---|---|---|---|
${ioLines.join('\n')}

Waiting releases the GIL, so threads-gil keeps up with free threads here. Service-worker
responses use no network connection: the browser's 6-connections-per-host limit does not apply,
so the sweep goes on scaling past 6 workers (against a real HTTP/1.1 host it would not).
Each request costs about 5 ms beyond its delay when made alone (sequential: the service worker's
dispatch, the body, the hash); async has all ${IO_TASKS} in flight from one thread, so their
share of that work queues on the service worker's and the worker's single threads: about
1.3-1.6 ms per request, which the 10% criterion does not allow for.

Sequential and the other modes run the same kernel code: the kernels are \`#[inline(never)]\`
and wasm-opt runs without inlining. (With binaryen's inlining, the plain module's fib ran 1.7x
slower than the threaded module's in V8, although the kernel's instructions were identical,
which made threads look faster than the cores allow: 2.3x on 2 cores.)
`;
writeFileSync('BENCHMARKS.md', md);
writeFileSync('bench/results.json', JSON.stringify({ cpu: sessions, io }, null, 1));
console.log(`wrote BENCHMARKS.md (${misses} miss${misses === 1 ? '' : 'es'})`);
