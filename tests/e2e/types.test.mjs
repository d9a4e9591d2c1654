// types/threadlab.d.ts against what the page really returns. Reports of several kinds (every
// optional field exercised), capabilities and presets are written as object literals into a
// TypeScript file and type-checked with tsc (strict, exact optional properties): a field the
// declaration lacks, a required one the page leaves out, or a wrong type fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mustRun, setup } from './harness.mjs';

const ctx = setup();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DECLARATION = join(ROOT, 'types', 'threadlab.d.ts');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];

const ISOLATED_SPECS = [
  // CPU work in every mode: speedups, GIL waits, cold start-up, chunksize, a claim check.
  { workload: { kind: 'fib', n: 30 }, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 2, warmup: 0 },
  // I/O from the built-in endpoint: bytes and I/O waits in the trace.
  { workload: { kind: 'fetch_write', delay_ms: 20, bytes: 2000 }, tasks: 3, modes: ['sequential', 'threads-gil', 'async'], workers: [3], repeat: 1, warmup: 0 },
  // The sum article's worker table beside the runs: a claim's article rows with speedups on both sides.
  { workload: { kind: 'sum', n: 100000000 }, tasks: 4, modes: ['sequential', 'processes'], workers: [1, 2], repeat: 1, warmup: 0, processes: { start: 'warm' } },
  // A shared counter: variants, what each run counted, lock waits, the race's claim check.
  { workload: { kind: 'counter', n: 300000 }, tasks: 2, modes: ['sequential', 'threads', 'processes'], workers: [2], repeat: 1, warmup: 0, processes: { start: 'warm' } },
  // A crash: errors on the records, an error on a trace entry, a fault's filled-in defaults.
  { workload: { kind: 'fault', fault: 'panic', at_task: 1 }, tasks: 3, modes: ['processes', 'threads'], workers: [2], repeat: 1, warmup: 0, time_limit_s: 30 },
  // Passing an input: records with a variant and `passing`, traces with passing intervals.
  { workload: { kind: 'pass', mb: 1 }, tasks: 2, modes: ['threads', 'processes'], workers: [2], repeat: 1, warmup: 0 },
];
// Without isolation: skipped records.
const PLAIN_SPEC = { workload: { kind: 'sleep', ms: 5 }, tasks: 2, modes: ['threads', 'async'], workers: [1], repeat: 1, warmup: 0 };

/** Runs tsc on `source` (a script typed by the declaration's globals); resolves to its result. */
async function typecheck(source) {
  const dir = await mkdtemp(join(tmpdir(), 'threadlab-types-'));
  const file = join(dir, 'check.ts');
  await writeFile(file, source);
  const args = [TSC, '--noEmit', '--strict', '--exactOptionalPropertyTypes', '--target', 'es2022', '--lib', 'es2022,dom',
    DECLARATION, file];
  try {
    return await new Promise((done) => {
      execFile(process.execPath, args, { cwd: dir }, (error, stdout, stderr) => done({ code: error ? error.code ?? 1 : 0, output: `${stdout}${stderr}` }));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const script = ({ reports, capabilities, presets }) => `
type Api = typeof window.threadlab;
const reports: Awaited<ReturnType<Api['run']>>[] = ${JSON.stringify(reports, null, 1)};
const capabilities: ReturnType<Api['capabilities']>[] = ${JSON.stringify(capabilities, null, 1)};
const presets: Api['presets'] = ${JSON.stringify(presets, null, 1)};
// Every preset's spec is something run() accepts.
const runnable: Parameters<Api['run']>[0][] = presets.map((p) => p.spec);
// The reports' specs can be run again.
const again: Parameters<Api['run']>[0][] = reports.map((r) => r.spec);
export { reports, capabilities, runnable, again };
`;

test('types/threadlab.d.ts matches the reports, capabilities and presets the page returns', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(TSC), `no TypeScript compiler at ${TSC}: run scripts/setup.sh (npm ci)`);
  const found = { reports: [], capabilities: [], presets: [] };
  await ctx.withPage({}, async ({ page }) => {
    for (const spec of ISOLATED_SPECS) found.reports.push(await mustRun(page, spec));
    found.capabilities.push(await page.evaluate(() => window.threadlab.capabilities()));
    // With the worker's checks made: every check a boolean, the timings numbers.
    found.capabilities.push(await page.evaluate(() => window.threadlab.checkCapabilities()));
    found.presets = await page.evaluate(() => window.threadlab.presets);
  });
  await ctx.withPage({ isolated: false }, async ({ page }) => {
    found.reports.push(await mustRun(page, PLAIN_SPEC));
    found.capabilities.push(await page.evaluate(() => window.threadlab.capabilities()));
  });

  // The check means something only if the optional fields really occur.
  const runs = found.reports.flatMap((r) => r.runs);
  const events = runs.flatMap((r) => r.trace);
  const present = {
    claim: found.reports.some((r) => r.claim),
    article_rows: found.reports.some((r) => r.claim?.article?.rows.some((row) => row.here_speedup !== undefined)),
    article_note: found.reports.some((r) => r.claim?.article?.note),
    skipped: runs.some((r) => r.skipped),
    errors: runs.some((r) => r.errors),
    speedup: runs.some((r) => r.speedup !== undefined),
    startup_ms: runs.some((r) => r.startup_ms !== undefined),
    chunksize: runs.some((r) => r.chunksize !== undefined),
    gil_waits: events.some((e) => e.gil_waits),
    io_waits: events.some((e) => e.io_waits),
    bytes: events.some((e) => e.bytes !== undefined),
    error: events.some((e) => e.error),
  };
  assert.deepEqual(Object.keys(present).filter((k) => !present[k]), [], 'optional fields that no report exercised');

  const checked = await typecheck(script(found));
  assert.equal(checked.code, 0, `tsc found the declaration and the page disagree:\n${checked.output}`);

  // And the check can fail: a field the declaration does not have is caught.
  const extra = structuredClone(found);
  extra.reports[0].runs[0].surprise = 1;
  const caught = await typecheck(script(extra));
  assert.notEqual(caught.code, 0, 'an undeclared field passed the type check');
  assert.match(caught.output, /surprise/);
});
