// Capability detection, one check per need (issue 18), and what the page does where a piece is
// missing. Chromium plays the other engines by losing one piece at a time: in the page (an init
// script) and in every worker (a copy of the site whose worker bootstraps delete it first):
// - no `SharedArrayBuffer` global, as in WebKit on an isolated page: threads still run, verified;
// - no `createWritable`, as in Safari before 26: fetch_write writes through sync access handles;
// - no `navigator.storage.getDirectory`: fetch_write's runs are skipped with that reason.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../server.mjs';
import { DIST, describeRun, fib, mustRun, runOf, setup } from './harness.mjs';

const ctx = setup();
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const PAGE_CHECKS = ['cross_origin_isolated', 'shared_wasm_memory', 'shared_memory_to_workers', 'shared_array_buffer_global', 'opfs_window', 'create_writable_window'];
const WORKER_CHECKS = ['module_workers', 'atomics_wait_worker', 'opfs_worker', 'sync_access_handle_worker', 'create_writable_worker'];
/** The scripts every worker starts from: the process workers', the threads coordinator's, the pool threads'. */
const BOOTSTRAPS = ['www/process-worker.js', 'www/threads-worker.js', 'www/pool-thread.js'];

const cleanups = [];
after(async () => {
  for (const clean of cleanups) await clean();
});

/**
 * The site, cross-origin isolated, on its own port (so its own origin, service worker and
 * files), where `removal` (a JS statement) runs first in the page and in every worker.
 * Returns the options for ctx.open / ctx.withPage.
 */
async function siteWithout(removal) {
  const dir = mkdtempSync(join(tmpdir(), 'threadlab-caps-'));
  cpSync(DIST, dir, { recursive: true });
  for (const file of BOOTSTRAPS) {
    writeFileSync(join(dir, file), `${removal}\n${readFileSync(join(dir, file), 'utf8')}`);
  }
  const server = await serve(dir, 0, true);
  cleanups.push(async () => {
    server.closeAllConnections?.();
    await new Promise((ok) => server.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    prepare: (context) => context.addInitScript(removal),
  };
}

/** What a worker (a process worker started from the patched bootstrap) sees of `expression`. */
const inWorker = (page, expression) => page.evaluate(async (expression) => {
  const code = `postMessage(String(${expression}))`;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  const answer = await new Promise((ok) => { worker.onmessage = (e) => ok(e.data); worker.onerror = (e) => ok(`error ${e.message}`); });
  worker.terminate();
  URL.revokeObjectURL(url);
  return answer;
}, expression);

test('capabilities: each check reported, the workers\' once checked, at no cost to page ready', { timeout: 60_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const before = await page.evaluate(() => window.threadlab.capabilities());
    for (const key of PAGE_CHECKS) assert.equal(before.checks[key], true, `${key}: ${JSON.stringify(before.checks)}`);
    // Nothing was started at load for the workers' checks: the page has no worker yet.
    assert.equal(await page.evaluate(() => window.threadlab.liveWorkers()), 0);
    for (const key of WORKER_CHECKS) assert.equal(before.checks[key], null, `${key} not checked before a worker ran`);
    assert.equal(before.cores_source, 'navigator.hardwareConcurrency');

    const caps = await page.evaluate(() => window.threadlab.checkCapabilities());
    for (const key of [...PAGE_CHECKS, ...WORKER_CHECKS]) assert.equal(caps.checks[key], true, `${key}: ${JSON.stringify(caps.checks)}`);
    assert.equal(caps.checks.opfs_worker_error, null);
    assert.ok(caps.checks.worker_checks_ms >= 0 && caps.checks.worker_checks_ms < 1000, JSON.stringify(caps.checks));
    assert.ok(caps.checks.worker_checks_page_ms >= caps.checks.worker_checks_ms, JSON.stringify(caps.checks));
    assert.deepEqual(caps.skip_reasons, { threads: null, fetch_write: null });
    assert.deepEqual(caps.modes, ALL_MODES);
    // The check is made once: asking again starts nothing new.
    assert.equal(await page.evaluate(() => window.threadlab.liveWorkers()), 1, 'the helper process worker made them');
    const again = await page.evaluate(() => window.threadlab.checkCapabilities());
    assert.equal(again.checks.worker_checks_ms, caps.checks.worker_checks_ms);
  });
});

test('capabilities: a page that is not isolated says which headers the host must send', { timeout: 60_000 }, async () => {
  await ctx.withPage({ isolated: false }, async ({ page }) => {
    const caps = await page.evaluate(() => window.threadlab.checkCapabilities());
    assert.equal(caps.checks.cross_origin_isolated, false);
    assert.equal(caps.checks.shared_memory_to_workers, false, 'no memory is sent to a worker without isolation');
    assert.equal(caps.shared_memory, false);
    assert.match(caps.skip_reasons.threads, /not cross-origin isolated.*the host must send the COOP\/COEP headers/);
    assert.equal(caps.skip_reasons.fetch_write, null, 'files need no isolation');
    assert.deepEqual(caps.modes, ['sequential', 'processes', 'async']);
  });
});

test('no SharedArrayBuffer global (WebKit): threads and threads-gil still run, verified', { timeout: 120_000 }, async () => {
  const site = await siteWithout('delete globalThis.SharedArrayBuffer;');
  await ctx.withPage(site, async ({ page }) => {
    assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'undefined');
    assert.equal(await inWorker(page, 'typeof SharedArrayBuffer'), 'function', 'a worker not started from the site\'s bootstraps keeps it');
    const caps = await page.evaluate(() => window.threadlab.checkCapabilities());
    assert.equal(caps.checks.shared_array_buffer_global, false);
    assert.equal(caps.checks.shared_wasm_memory, true);
    assert.equal(caps.checks.shared_memory_to_workers, true);
    assert.equal(caps.checks.atomics_wait_worker, true);
    assert.equal(caps.shared_memory, true);
    assert.deepEqual(caps.modes, ALL_MODES);
    assert.equal(caps.skip_reasons.threads, null);

    const report = await mustRun(page, { workload: { kind: 'fib', n: 25 }, tasks: 6, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 });
    for (const run of report.runs) {
      assert.equal(run.skipped, undefined, describeRun(run));
      assert.equal(run.verified, true, describeRun(run));
      assert.equal(run.checksum, String(6 * fib(25)));
    }
    for (const mode of ['threads', 'threads-gil']) {
      assert.equal(new Set(runOf(report, mode, 2).trace.map((e) => e.worker)).size, 2, `${mode}: both threads worked`);
    }
    // Every worker of the run started from a bootstrap that deleted the global first.
    for (const file of BOOTSTRAPS) {
      const text = await page.evaluate((file) => fetch(file).then((r) => r.text()), file);
      assert.ok(text.startsWith('delete globalThis.SharedArrayBuffer;'), `${file} is the patched one`);
    }
  });
});

test('no createWritable (Safari before 26): fetch_write writes through sync access handles, verified', { timeout: 120_000 }, async () => {
  const site = await siteWithout('delete FileSystemFileHandle.prototype.createWritable;');
  await ctx.withPage(site, async ({ page }) => {
    const caps = await page.evaluate(() => window.threadlab.checkCapabilities());
    assert.equal(caps.checks.create_writable_window, false);
    assert.equal(caps.checks.create_writable_worker, false);
    assert.equal(caps.checks.sync_access_handle_worker, true);
    assert.equal(caps.skip_reasons.fetch_write, null);

    const [tasks, bytes] = [5, 1500];
    const report = await mustRun(page, { workload: { kind: 'fetch_write', delay_ms: 10, bytes }, tasks, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 });
    for (const run of report.runs) {
      assert.equal(run.skipped, undefined, describeRun(run));
      assert.equal(run.verified, true, describeRun(run));
      assert.equal(run.trace.length, tasks);
      assert.ok(run.trace.every((e) => !e.error && e.io_waits.length === 2), describeRun(run));
    }
    const sizes = await page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('threadlab');
      const out = {};
      for await (const [name, handle] of dir.entries()) out[name] = (await handle.getFile()).size;
      return out;
    });
    assert.deepEqual(sizes, { 'a.txt': bytes, 'b.txt': bytes, 'c.txt': bytes, 'd.txt': bytes, 'e.txt': bytes });
  });
});

test('no OPFS directory: fetch_write runs skipped before they start, with the reason', { timeout: 120_000 }, async () => {
  const site = await siteWithout('delete StorageManager.prototype.getDirectory;');
  await ctx.withPage(site, async ({ page }) => {
    const caps = await page.evaluate(() => window.threadlab.checkCapabilities());
    assert.equal(caps.checks.opfs_window, false);
    assert.equal(caps.checks.opfs_worker, false);
    assert.match(caps.checks.opfs_worker_error, /getDirectory/);
    assert.match(caps.skip_reasons.fetch_write, /no Origin Private File System \(navigator\.storage\.getDirectory: .*\), so fetch_write has nowhere to write its files: update the browser/);
    assert.deepEqual(caps.modes, ALL_MODES, 'every mode runs other work');

    const progress = [];
    await page.exposeFunction('capsProgress', (p) => progress.push(p));
    const report = await page.evaluate(() => window.threadlab.run(
      { workload: { kind: 'fetch_write', delay_ms: 10, bytes: 500 }, tasks: 4, modes: ['sequential', 'threads', 'threads-gil', 'processes', 'async'], workers: [2], repeat: 2, warmup: 0 },
      { onProgress: (p) => window.capsProgress(p) }));
    assert.equal(report.runs.length, 5);
    for (const run of report.runs) {
      assert.equal(run.skipped, caps.skip_reasons.fetch_write, describeRun(run));
      assert.equal(run.verified, false);
      assert.deepEqual(run.samples_ms, []);
      assert.deepEqual(run.trace, [], 'no task started');
    }
    assert.equal(progress.at(-1)?.done, progress.at(-1)?.total, 'the progress ends at its total');
    // Shown like any skip: the table's notes and the verdict, and no error.
    const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({ cells: [...tr.children].map((c) => c.textContent), reason: tr.children[8].title })));
    assert.equal(rows.length, 5);
    for (const row of rows) {
      assert.match(row.cells[8], /^skipped/, JSON.stringify(row));
      assert.match(row.reason, /Origin Private File System/);
    }
    const details = await page.$$eval('#verdict-details li', (lis) => lis.map((li) => li.textContent));
    for (const mode of ALL_MODES) {
      assert.ok(details.some((d) => d.startsWith(mode) && d.includes(caps.skip_reasons.fetch_write)), JSON.stringify(details));
    }
    assert.equal(await page.isVisible('#error'), false);

    // fetch alone writes nothing, so it still runs here.
    const fetched = await mustRun(page, { workload: { kind: 'fetch', delay_ms: 10, bytes: 500 }, tasks: 4, modes: ['processes', 'threads'], workers: [2], repeat: 1, warmup: 0 });
    for (const run of fetched.runs) assert.equal(run.verified, true, describeRun(run));
  });
});
