// `node bench/engines.mjs [engine...]`: only the per-engine tables (bench/lib/engines.mjs), measured
// now and put into bench/results.json beside the rest of its figures, then BENCHMARKS.md written
// again. `make bench` measures them as its last step; this re-measures them alone. WebKit needs an
// X display: run under `xvfb-run -a`.
import { readFileSync, writeFileSync } from 'node:fs';
import { ENGINES } from '../tests/engines/driver.mjs';
import { buildNative } from './lib/native.mjs';
import { startServer } from './lib/server.mjs';
import { measureEngines } from './lib/engines.mjs';
import { analyse } from './lib/analysis.mjs';
import { writeReport } from './report.mjs';

const began = performance.now();
const log = (...a) => console.error(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s]`, ...a);
const engines = process.argv.length > 2 ? process.argv.slice(2) : ENGINES;
buildNative();
const { server, url } = await startServer('dist', 18766);
const measured = await measureEngines(engines, url, log);
server.close();
const results = JSON.parse(readFileSync('bench/results.json', 'utf8'));
// Refuses a file of an older schema before adding to it.
analyse('bench/results.json');
// Engines not measured now keep their figures from the last run.
const kept = (results.engines ?? []).filter((m) => !engines.includes(m.engine));
results.engines = [...measured, ...kept].sort((a, b) => ENGINES.indexOf(a.engine) - ENGINES.indexOf(b.engine));
writeFileSync('bench/results.json', JSON.stringify(results, null, 1));
writeReport();
