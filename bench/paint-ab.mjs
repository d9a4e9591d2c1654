// Does the page's own drawing cost the timed samples? An A/B in one browser (`make bench` does
// not run this): threads with 1 and 2 workers on 20 x fib(30), the page's progress and results
// shown or hidden (display: none: no layout, paint or raster), alternating, N runs each.
// Prints the median efficiency (1 worker's median / (2 x 2 workers' median)) of each side.
//
//   node bench/paint-ab.mjs [runs per side, default 24]
//
// Needs the release build in dist/. ARCHITECTURE.md (Measurement) says what it found.
import { launch, openPlayground } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const RUNS = Number(process.argv[2] ?? 24);
const DRAWN = '#progress, #progress-text, #results';
const SPEC = { workload: { kind: 'fib', n: 30 }, tasks: 20, repeat: 5, warmup: 1, modes: ['threads'], workers: [1, 2] };
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const { server, url } = await startServer('dist', 18789);
const browser = await launch();
const lab = await openPlayground(browser, url);
const efficiency = { shown: [], hidden: [] };
for (let i = 0; i < RUNS; i++) {
  // Each side goes first every other time: a drift in the machine's speed favours neither.
  for (const side of i % 2 ? ['shown', 'hidden'] : ['hidden', 'shown']) {
    await lab.page.evaluate(([selector, hide]) => {
      for (const e of document.querySelectorAll(selector)) e.style.display = hide ? 'none' : '';
    }, [DRAWN, side === 'hidden']);
    const report = await lab.run(SPEC);
    const [one, two] = [1, 2].map((k) => report.runs.find((r) => r.workers === k).median_ms);
    efficiency[side].push(one / (2 * two));
  }
}
for (const [side, values] of Object.entries(efficiency)) {
  console.log(`${side}: efficiency ${median(values).toFixed(3)} (${values.map((v) => v.toFixed(2)).join(' ')})`);
}
await browser.close();
server.close();
