// `make bench`: measures, writes bench/results.json (every raw sample), then BENCHMARKS.md and
// one PASS/MISS line per target (bench/report.mjs, which can also be re-run on its own).
//
// Order: start-up, pool and size first (nothing else running in the browser), then SESSIONS
// sessions of {native reference, CPython reference, playground} one after another, so every
// comparison is measured side by side in the same run, then the I/O sweep (minutes of waiting).
// Runs from the repository root on a release build in dist/ (the Makefile builds it).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { launch, openPlayground, measureStartup, measurePool, measureFloor, measureMessage, runDirect, chromiumVersion } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { loadedFiles } from './lib/size.mjs';
import { buildNative, runNative, rustcVersion } from './lib/native.mjs';
import { runPython, pythonVersion } from './lib/python.mjs';
import * as X from './lib/experiments.mjs';
import { writeReport } from './report.mjs';
import { schema } from './lib/analysis.mjs';
import { measureEngines } from './lib/engines.mjs';
import { ENGINES } from '../tests/engines/driver.mjs';

const DIST = 'dist';
const PORT = 18765;
const began = performance.now();
const log = (...a) => console.error(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s]`, ...a);
// Reports keep what the figures need; the verdict's sentences are the page's business.
const keep = (report) => { const { verdict, ...rest } = report; return rest; };

log('native reference: cargo build --release -p threadlab-bench-native');
buildNative();

const { server, log: requests, url, nextResult } = await startServer(DIST, PORT);
// Bench pages and cold-process runs: in a Chromium of their own, with no DevTools client.
const bench = { url, nextResult };
const browser = await launch();
// `schema`: the layout crates/bench-report reads, which refuses files of another.
const results = {
  schema: schema(),
  meta: {
    date: new Date().toISOString(), command: 'make bench', cpu_model: cpus()[0]?.model ?? '?', os_cores: cpus().length,
    chromium: chromiumVersion(), python: pythonVersion(), rustc: rustcVersion(), load_before: loadavg(),
    sessions: X.SESSIONS, quick: X.QUICK,
  },
};

log(`start-up: ${X.STARTUP_REPS} first visits (fresh contexts) and reloads`);
results.startup = await measureStartup(browser, url, X.STARTUP_REPS);
// Bench pages run in fresh browsers with no DevTools client, started on a settled page as the
// playground starts its engines (on the first interaction); the pool also as the page loads.
log(`16-thread pool: ${X.STARTUP_REPS} fresh browsers each, settled and as the page loads`);
results.pool = await measurePool(bench, X.STARTUP_REPS, { settled: true });
results.pool_at_load = await measurePool(bench, X.STARTUP_REPS);
log('the browser\'s floor: 2 and 16 bare module workers at once, 2 that instantiate the worker module, 16 the threaded one');
const settled = { settled: true };
results.floor = {
  settled: true,
  two: await measureFloor(bench, X.STARTUP_REPS, 2, settled),
  two_process: await measureFloor(bench, X.STARTUP_REPS, 2, { ...settled, process: true }),
  sixteen: await measureFloor(bench, X.STARTUP_REPS, 16, settled),
  sixteen_threads: await measureFloor(bench, X.STARTUP_REPS, 16, { ...settled, threads: true }),
};
log('the browser\'s floor: a bare worker\'s postMessage to the idle page');
results.floor.message = await measureMessage(bench, X.STARTUP_REPS);

// Size: what a first visit loads before any interaction (until the server has had no request
// for a second: the page and its service worker; a touch, key or focus would start the worker
// module and the threads engine), then what a run of every mode and of the endpoint adds.
log('size: files requested by a first visit, then by runs of every mode');
{
  const from = requests.length;
  const visit = await openPlayground(browser, url);
  const quiet = async () => {
    for (let seen = -1, t = 0; seen !== requests.length && t < 20; t++) {
      seen = requests.length;
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  };
  await quiet();
  const atLoad = requests.length;
  await visit.run({ workload: { kind: 'fib', n: 5 }, tasks: 2, modes: ['sequential', 'threads', 'threads-gil', 'processes', 'async'], workers: [2], repeat: 1, warmup: 0 });
  await visit.run({ workload: { kind: 'fetch', delay_ms: 0, bytes: 16 }, tasks: 2, modes: ['sequential', 'threads'], workers: [1], repeat: 1, warmup: 0 });
  await quiet();
  await visit.close();
  const paths = (a, b) => requests.slice(a, b).map((r) => r.path);
  results.size = { at_load: loadedFiles(DIST, paths(from, atLoad)), after_runs: loadedFiles(DIST, paths(from)) };
}

const lab = await openPlayground(browser, url);
const caps = await lab.capabilities();
const cores = caps.cores;
results.meta.capabilities = caps;
if (!caps.cross_origin_isolated) throw new Error('the bench page is not cross-origin isolated: threads cannot run');

// The dispatch experiment asks for 1000 tasks; the spec's limit may be lower (256 today).
let dispatchTasks = X.DISPATCH_WANTED;
const refused = await lab.rejects(X.dispatchSpec(dispatchTasks, cores));
if (refused?.includes('tasks')) {
  dispatchTasks = Number(/to (\d+)/.exec(refused)?.[1] ?? 256);
  log(`dispatch: ${X.DISPATCH_WANTED} tasks refused (${refused}); using ${dispatchTasks}`);
}
results.meta.dispatch_tasks = { wanted: X.DISPATCH_WANTED, used: dispatchTasks, refusal: refused };

const cpuSpecs = X.cpuSpecs(cores);
results.sessions = [];
for (let s = 0; s < X.SESSIONS; s++) {
  const session = { load: loadavg(), page: { kernels: {} } };
  log(`session ${s + 1}/${X.SESSIONS}: kernels, native then page`);
  session.native = { jobs: [] };
  for (const k of X.KERNELS) {
    session.native.jobs.push(...runNative(X.nativeKernelPlan(k)).jobs);
    session.page.kernels[k.id] = keep(await lab.run(X.kernelSpec(k)));
  }
  log(`session ${s + 1}/${X.SESSIONS}: native std threads`);
  session.native.jobs.push(...runNative(X.nativeCpuPlan(cores)).jobs);
  log(`session ${s + 1}/${X.SESSIONS}: CPython`);
  session.python = Object.fromEntries(Object.entries(X.CPU).map(([id, e]) => [id, runPython('cpu.py', { ...e.python, workers: cores, reps: X.PYTHON_REPS })]));
  for (const [id, spec] of Object.entries(cpuSpecs)) {
    log(`session ${s + 1}/${X.SESSIONS}: page, ${id}`);
    session.page[id] = keep(await lab.run(spec));
  }
  log(`session ${s + 1}/${X.SESSIONS}: page, fib_cold (a fresh browser, no DevTools client)`);
  session.page.fib_cold = keep(await runDirect(bench, X.coldSpec(cores)));
  log(`session ${s + 1}/${X.SESSIONS}: page, dispatch (${dispatchTasks} tasks and 1)`);
  session.page.dispatch = keep(await lab.run(X.dispatchSpec(dispatchTasks, cores)));
  session.page.dispatch_one = keep(await lab.run(X.dispatchSpec(1, cores)));
  results.sessions.push(session);
}

log('sharing: a shared counter with each synchronisation, and processes sending totals');
results.sharing = { counter: keep(await lab.run(X.counterSpec(cores))) };

log(`I/O: ${X.IO.tasks} x ${X.IO.delay_ms} ms, workers ${X.IO.workers.join(', ')}, ${X.IO.reps} repetitions`);
results.io = { params: X.IO, zero: keep(await lab.run(X.ioZeroSpec())), page: keep(await lab.run(X.ioSpec())) };
log('I/O: CPython');
results.io.python = runPython('io.py', { tasks: X.IO.tasks, delay_ms: X.IO.delay_ms, workers: X.IO.python_workers, reps: X.IO.reps });

log('passing: 100 MB to 2 workers by copy, transfer and shared memory, and threads in place');
results.passing = keep(await lab.run(X.passSpec()));

await browser.close();
log(`per engine: ${ENGINES.join(', ')} (bench/lib/engines.mjs)`);
results.engines = await measureEngines(ENGINES, url, log);
server.close();
results.meta.load_after = loadavg();
results.meta.duration_s = (performance.now() - began) / 1000;
results.meta.env = results.sessions[0].page.fib_warm.env;
writeFileSync('bench/results.json', JSON.stringify(results, null, 1));
log('wrote bench/results.json');
writeReport();
