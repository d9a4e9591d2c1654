import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage();
page.on('console', m => console.log('console:', m.text()));
page.on('pageerror', e => console.log('pageerror:', e.message));
await page.goto(process.argv[2] ?? 'http://127.0.0.1:8091/');
await page.waitForFunction(() => window.threadlab);
await page.evaluate(() => window.threadlab.ready);
console.log(JSON.stringify(await page.evaluate(() => window.threadlab.capabilities())));
const spec = JSON.parse(process.argv[3] ?? '{"workload":{"kind":"fib","n":27},"tasks":4,"workers":[1,2],"repeat":2,"warmup":0}');
const t0 = Date.now();
try {
  const r = await page.evaluate((s) => window.threadlab.run(s), spec);
  for (const run of r.runs) console.log(run.mode, run.workers, run.skipped ?? '', run.median_ms, run.speedup, run.verified, run.checksum, JSON.stringify(run.errors ?? []), 'workers:', [...new Set(run.trace.map(e => e.worker))].join(','), 'gil:', run.trace.reduce((a, e) => a + e.gil_wait_ms, 0).toFixed(1));
  console.log(r.verdict.summary); console.log(r.verdict.details.join('\n'));
} catch (e) { console.log('run failed:', e.message); }
console.log('took', Date.now() - t0, 'ms');
await page.screenshot({ path: '/tmp/shot.png', fullPage: true });
await browser.close();
