import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu', ...(process.env.JSFLAGS ? ['--js-flags=' + process.env.JSFLAGS] : [])] });
const page = await browser.newPage();
page.on('pageerror', e => console.log('pageerror:', e.message));
await page.goto('http://127.0.0.1:8091/');
await page.waitForFunction(() => window.threadlab);
const spec = JSON.parse(process.argv[2]);
const r = await page.evaluate((s) => window.threadlab.run(s), spec);
for (const run of r.runs) { console.log(run.mode, run.workers, 'median', run.median_ms, 'samples', run.samples_ms.join(' '), 'speedup', run.speedup, run.verified);
  for (const e of run.trace) console.log('   task', e.task, 'w', e.worker, e.start_ms.toFixed(1), '-', e.end_ms.toFixed(1), 'gil', e.gil_wait_ms.toFixed(1), (e.gil_waits||[]).length); }
await browser.close();
