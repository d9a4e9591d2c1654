// Every preset, as a visitor runs it: picked in the form and run with one click. Each must show
// its article's claim on this machine (the claim check under the verdict holds), within the time
// a visitor waits, with the article's figures beside the measured ones where the article has any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.mjs';

const ctx = setup();
// The target is ~30 s a preset on the machine the presets were sized on; machines here
// differ by 2x in speed per core (fib(41) in Wasm: 3.3 s on one, 7.1 s on another, both 2 cores),
// so the test allows that: a preset twice as long as its target is a bug, a slower core is not.
const MAX_SECONDS = 60;

const claimSection = (page) => page.evaluate(() => {
  const section = document.getElementById('claim-check');
  const text = (id) => document.getElementById(id).textContent;
  return {
    shown: !section.hidden,
    holds: section.classList.contains('holds'),
    claim: text('claim-claim'),
    text: text('claim-text'),
    scaling: text('claim-scaling'),
    articleShown: !document.getElementById('article').hidden,
    source: text('article-source'),
    note: text('article-note'),
    rows: [...document.querySelectorAll('#article-table tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
  };
});

/** Picks the preset in the form, runs it, and returns the claim section and the run's seconds. */
async function runPreset(page, id) {
  const dialogs = [];
  const onDialog = (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); };
  page.on('dialog', onDialog);
  await page.selectOption('#preset', id);
  const scaling = await page.textContent('#preset-scaling');
  const started = Date.now();
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('run').disabled, null, { timeout: 10_000 }).catch(() => {});
  await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  page.off('dialog', onDialog);
  assert.deepEqual(dialogs, [], `preset ${id} asked before running`);
  const error = await page.evaluate(() => (document.getElementById('error').hidden ? null : document.getElementById('error').textContent));
  return { seconds, scaling, error, ...(await claimSection(page)) };
}

const presets = [];

test('the preset list', async () => {
  await ctx.withPage({}, async ({ page }) => {
    presets.push(...(await page.evaluate(() => window.threadlab.presets.map((p) => ({ id: p.id, claim: p.claim })))));
  });
  assert.ok(presets.length >= 11, `presets: ${presets.map((p) => p.id)}`);
});

// THREADLAB_PRESETS=id,id runs only those (while working on them); the suite runs them all.
const only = process.env.THREADLAB_PRESETS?.split(',');

test('every preset shows its article\'s claim on this machine, in one click', { timeout: 30 * 60_000 }, async (t) => {
  for (const { id, claim } of presets.filter((p) => !only || only.includes(p.id))) {
    await t.test(id, { timeout: 4 * 60_000 }, async () => {
      await ctx.withPage({}, async ({ page }) => {
        // A shared machine can be busy for a whole run: a claim that misses gets one more run,
        // and the second must hold. Both outcomes are printed.
        let r;
        for (let attempt = 1; attempt <= 2; attempt++) {
          r = await runPreset(page, id);
          console.log(`${id} (attempt ${attempt}): ${r.seconds.toFixed(1)} s: ${r.text}`);
          if (r.holds) break;
        }
        assert.equal(r.error, null, `${id}: the page showed an error`);
        assert.ok(r.shown, `${id}: the claim check is shown`);
        assert.equal(r.claim, `The article's claim: ${claim}`);
        assert.ok(r.holds, `${id}: ${r.text}`);
        assert.match(r.text, /^The article's claim holds here: /);
        assert.ok(r.seconds <= MAX_SECONDS, `${id} took ${r.seconds.toFixed(1)} s`);
        assert.ok(r.scaling.length > 40, `${id}: the form says how the preset was sized`);
        assert.equal(r.scaling, (await page.textContent('#claim-scaling')), `${id}: the result repeats the sizing`);
        if (r.articleShown) {
          assert.match(r.source, /^From “.+” \(.+\), beside this run:$/);
          // An article either gives figures, each beside the same run here, or says it gives none.
          if (r.rows.length === 0) assert.ok(r.note.length > 20, `${id}: no figures and no note`);
          for (const row of r.rows) {
            assert.equal(row.length, 6);
            assert.match(row[2], /^\d+\.\d\d s$/, `${id}: the article's time ${row}`);
            assert.match(row[4], /^\d+(\.\d\d s| ms)$/, `${id}: measured here ${row}`);
          }
        }
      });
    });
  }
});

test('the flagship preset puts its run beside the article and names the cause when it fails', { timeout: 180_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // The same fib experiment with tasks far shorter than a worker's start: the claim about
    // processes cannot hold, and the check must say why instead of asserting the claim.
    const report = await page.evaluate(() => window.threadlab.run({
      workload: { kind: 'fib', n: 20 }, tasks: 10, modes: ['sequential', 'threads-gil', 'processes'],
      workers: [10], repeat: 1, warmup: 0,
    }));
    assert.equal(report.claim.preset, 'fib-threads-vs-processes');
    assert.equal(report.claim.holds, false, report.claim.text);
    assert.match(report.claim.text, /^The article's claim does not hold here, because /);
    assert.ok(['start_up', 'tasks_too_short'].includes(report.claim.cause), report.claim.text);
    // A custom experiment is not the preset's: its sizing sentence is left out.
    assert.equal(report.claim.scaling, undefined);
    const shown = await claimSection(page);
    assert.ok(shown.shown && !shown.holds, 'the failed claim is shown as failed');
    assert.equal(shown.scaling, '');
  });
});

test('the sum sweep shows the article\'s worker table beside the measured one', { timeout: 180_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // A smaller sum of the same kind: the article's rows are there, with speedups on both sides.
    const report = await page.evaluate(() => window.threadlab.run({
      workload: { kind: 'sum', n: 400000000 }, tasks: 16, modes: ['sequential', 'threads-gil', 'processes'],
      workers: [1, 2], repeat: 1, warmup: 0, processes: { start: 'warm' },
    }));
    const { article } = report.claim;
    assert.equal(article.setup, 'CPython, 4 cores');
    const row = (mode, workers) => article.rows.find((r) => r.mode === mode && r.workers === workers);
    assert.equal(row('processes', 2).article_s, 18.74);
    assert.ok(Math.abs(row('processes', 2).article_speedup - 36.21 / 18.74) < 1e-9);
    assert.ok(row('processes', 2).here_speedup > 0);
    assert.equal(row('processes', 16).here_ms, undefined, 'a run not measured here has no figure');
    const shown = await claimSection(page);
    assert.equal(shown.rows.length, article.rows.length);
    assert.deepEqual(shown.rows.find((r) => r[0] === 'processes' && r[1] === '16').slice(4), ['not run', '—']);
  });
});
