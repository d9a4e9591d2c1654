// One table per browser engine (Chromium, Firefox ESR, WebKitGTK), measured in one run through
// the engine-neutral driver of the cross-engine tests (tests/engines/driver.mjs): kernel speed
// against the same kernels compiled natively (timed right before each engine), threads and warm
// processes efficiency at 2 workers, cold start-up per worker, and page ready. A mode an engine
// cannot run is recorded with the page's own skip reason, never left out.
import { launch } from '../../tests/engines/driver.mjs';
import { runNative } from './native.mjs';
import { median, sum } from './stats.mjs';
import * as X from './experiments.mjs';

export const ENGINE_KERNELS = X.KERNELS.filter((k) => k.id === 'fib' || k.id === 'sum');
const REPS = X.QUICK ? 2 : 5;
const kernelSpec = (k) => ({ workload: k.workload, tasks: k.tasks, modes: ['sequential', 'threads'], workers: [1], repeat: REPS, warmup: 1 });
const efficiencySpec = () => ({
  workload: X.CPU.fib.workload, tasks: X.CPU.fib.tasks, modes: ['sequential', 'threads', 'processes'], workers: [2],
  repeat: X.QUICK ? 3 : 9, warmup: 1, processes: { start: 'warm', chunksize: 1 },
});
const coldSpec = () => ({
  workload: X.CPU.fib.workload, tasks: X.CPU.fib.tasks, modes: ['processes'], workers: [2], repeat: REPS, warmup: 0,
  processes: { start: 'cold' },
});

/** The page's ready mark (www/boot.js), in ms since navigation start, once `threadlab.ready`
 *  resolved; null while the page has not set `window.threadlab` (WebDriver's navigation can
 *  return before the module ran). */
const readyMark = () => window.threadlab?.ready.then(() => performance.getEntriesByName('threadlab:ready')[0]?.startTime ?? null) ?? null;

async function readyTime(page) {
  for (let tries = 0; tries < 150; tries++) {
    const ms = await page.evaluate(readyMark).catch(() => null);
    if (ms != null) return ms;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error('the page was not ready within 30 s');
}
const run = (page, spec) => page.evaluate((s) => window.threadlab.run(s).then(
  ({ runs, env }) => ({ runs: runs.map(({ trace, samples_ms, ...r }) => r), env }),
  (e) => ({ error: String(e.message ?? e) })), spec);

/** Measures one engine against the page at `url`; returns its raw figures. */
async function measureEngine(engine, url, log) {
  const browser = await launch(engine);
  try {
    const out = { engine, version: browser.version, measured_at: new Date().toISOString(), ready_ms: [], kernels: {} };
    let page = null;
    for (let i = 0; i < REPS; i++) {
      await page?.close();
      page = await browser.newPage();
      await page.goto(`${url}?visit=${i}`);
      out.ready_ms.push(await readyTime(page));
    }
    out.capabilities = await page.evaluate(() => window.threadlab.capabilities());
    for (const k of ENGINE_KERNELS) {
      log(`${engine}: kernel ${k.id}, native then page`);
      const native = runNative(X.nativeKernelPlan(k)).jobs[0];
      // Per task, as crates/bench-report has it: the median round's total over the tasks.
      out.kernels[k.id] = { native_task_ms: median(native.task_ms.map(sum)) / k.tasks, page: await run(page, kernelSpec(k)) };
    }
    log(`${engine}: threads and warm processes at 2 workers`);
    out.efficiency = await run(page, efficiencySpec());
    log(`${engine}: cold processes`);
    out.cold = await run(page, coldSpec());
    await page.close();
    return out;
  } catch (e) {
    return { engine, error: String(e.message ?? e) };
  } finally {
    await browser.close().catch(() => {});
  }
}

/** Every engine in `engines`, one after another on the same page build. */
export async function measureEngines(engines, url, log) {
  const out = [];
  for (const engine of engines) {
    log(`engine ${engine}`);
    out.push(await measureEngine(engine, url, log));
  }
  return out;
}

const fmt = (f) => {
  if (f.value == null) return `— (${f.why})`;
  if (f.unit === 'ms') return `${f.value.toFixed(1)} ms${f.range ? ` (${f.range.min.toFixed(0)} … ${f.range.max.toFixed(0)})` : ''}`;
  return f.unit ? `${f.value.toFixed(2)}${f.unit.startsWith('x') ? '' : ' '}${f.unit}` : f.value.toFixed(2);
};

/** Markdown: one table per engine (its figures from crates/bench-report), and the capabilities
 *  each reported. */
export function renderEngines(engines) {
  const out = ['## Per engine', '',
    'The same page in each engine Debian ships, one after another in this run (`bench/lib/engines.mjs`, through',
    'the cross-engine tests\' driver; `node bench/engines.mjs` measures only these); native kernels timed',
    'right before each engine. Each table gives when it was measured. Where a mode cannot',
    'run, the page\'s own reason is given. Why the engines differ: docs/perf-notes.md.', ''];
  for (const m of engines) {
    const when = m.measured_at ? `, measured ${m.measured_at.slice(0, 16).replace('T', ' ')} UTC` : '';
    out.push(`### ${m.engine}${m.version ? ` ${m.version}` : ''}${when}`, '');
    if (m.capabilities) {
      const c = m.capabilities;
      out.push(`Reports ${c.cores} cores (navigator.hardwareConcurrency); cross-origin isolated: ${c.cross_origin_isolated}; modes: ${c.modes.join(', ')}.`, '');
    }
    out.push('| figure | value |', '|---|---|');
    for (const f of m.figures) out.push(`| ${f.name} | ${fmt(f)} |`);
    out.push('');
  }
  return out.join('\n');
}
