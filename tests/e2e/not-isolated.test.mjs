// The page served without COOP/COEP: no shared memory, so the threads modes are skipped with a
// reason, and everything else still runs and verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, fib, runOf, runSpec, setup } from './harness.mjs';

const ctx = setup();
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const badges = (page) => page.$$eval('#badges li', (lis) => lis.map((li) => li.textContent));

test('not cross-origin isolated: threads modes skipped with a reason, the rest verified', { timeout: 120_000 }, async () => {
  await ctx.withPage({ isolated: false }, async ({ page }) => {
    const caps = await page.evaluate(() => window.threadlab.capabilities());
    assert.equal(caps.cross_origin_isolated, false);
    assert.equal(caps.shared_memory, false);
    assert.deepEqual(caps.modes, ['sequential', 'processes', 'async']);
    assert.ok(caps.cores >= 1 && caps.timer_resolution_ms > 0, JSON.stringify(caps));

    const b = await badges(page);
    assert.ok(b.some((t) => /not cross-origin isolated/i.test(t)), `badges: ${JSON.stringify(b)}`);

    const spec = { workload: { kind: 'fib', n: 27 }, tasks: 4, modes: ALL_MODES, workers: [1, 2], repeat: 1, warmup: 0 };
    const { report, progress, error } = await runSpec(page, spec);
    assert.equal(error, undefined, `run rejected: ${error}`);
    assert.equal(report.env.cross_origin_isolated, false);
    assert.deepEqual(report.runs.map((r) => `${r.mode}/${r.workers}`),
      ['sequential/1', 'threads/1', 'threads/2', 'threads-gil/1', 'threads-gil/2', 'processes/1', 'processes/2', 'async/1']);

    for (const mode of ['threads', 'threads-gil']) {
      for (const k of [1, 2]) {
        const run = runOf(report, mode, k);
        assert.equal(typeof run.skipped, 'string', `${mode}/${k} should be skipped: ${describeRun(run)}`);
        assert.match(run.skipped, /cross-origin isolat/i);
        assert.equal(run.verified, false);
        assert.deepEqual(run.samples_ms, []);
        assert.deepEqual(run.trace, []);
      }
    }
    for (const [mode, k] of [['sequential', 1], ['processes', 1], ['processes', 2], ['async', 1]]) {
      const run = runOf(report, mode, k);
      assert.equal(run.skipped, undefined, `${mode}/${k} skipped: ${run.skipped}`);
      assert.equal(run.verified, true, `${mode}/${k}: ${describeRun(run)}`);
      assert.equal(run.checksum, String(4 * fib(27)));
      assert.equal(run.trace.length, 4);
    }
    // Skipped cells still count in the progress, which ends at its total.
    assert.ok(progress.length > 0);
    assert.equal(progress.at(-1).done, progress.at(-1).total);
    // The verdict gives each skipped mode's reason once.
    const details = await page.$$eval('#verdict-details li', (lis) => lis.map((li) => li.textContent));
    for (const mode of ['threads', 'threads-gil']) {
      assert.equal(details.filter((d) => d.startsWith(`${mode} was skipped: `) && /cross-origin isolat/i.test(d)).length, 1, JSON.stringify(details));
    }

    // The table: skipped rows say so, measured ones are verified.
    const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({
      mode: tr.dataset.mode, cells: [...tr.children].map((c) => c.textContent), reason: tr.children[8].title })));
    assert.equal(rows.length, 8);
    for (const row of rows) {
      if (row.mode === 'threads' || row.mode === 'threads-gil') {
        assert.equal(row.cells[7], '—', JSON.stringify(row));
        assert.match(row.cells[8], /^skipped/);
        assert.match(row.reason, /cross-origin isolat/i, 'the full reason is the notes tooltip');
      } else {
        assert.equal(row.cells[7], `✓ ${4 * fib(27)}`, JSON.stringify(row));
      }
    }
  });
});

test('cross-origin isolated page: badge and capabilities say so', { timeout: 60_000 }, async () => {
  await ctx.withPage({ isolated: true }, async ({ page }) => {
    const caps = await page.evaluate(() => window.threadlab.capabilities());
    assert.equal(caps.cross_origin_isolated, true);
    assert.equal(caps.shared_memory, true);
    assert.deepEqual(caps.modes, ALL_MODES);
    const b = await badges(page);
    assert.ok(b.some((t) => /^cross-origin isolated/i.test(t)), `badges: ${JSON.stringify(b)}`);
    assert.ok(!b.some((t) => /not cross-origin isolated/i.test(t)), `badges: ${JSON.stringify(b)}`);
    assert.ok(b.some((t) => /\d+ cores?/.test(t)) && b.some((t) => /timer resolution/.test(t)), `badges: ${JSON.stringify(b)}`);
  });
});
