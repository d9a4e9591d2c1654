// Nothing lost: finished runs are kept in the browser (localStorage), survive a reload, can be
// shown again, compared with the results on screen and deleted; damaged storage loses only what
// is damaged and never breaks the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, mustRun, runSpec } from './harness.mjs';

const ctx = setup();

const small = (n) => ({ workload: { kind: 'fib', n }, tasks: 4, modes: ['sequential', 'async'], workers: [1], repeat: 1, warmup: 0 });

async function entries(page) {
  return page.$$eval('#history-list li', (items) => items.map((li) => ({ id: li.dataset.id, text: li.querySelector('.what').textContent })));
}

/** A page whose view module (pkg/view_bg.wasm) fails to load until `allowView()`. */
async function openFailingView() {
  let failing = true;
  const h = await ctx.open({
    // Console errors of the failed requests themselves are expected.
    allowErrors: [/view_bg\.wasm|Failed to load resource|net::ERR_FAILED/],
    prepare: async (context) => {
      await context.route('**/pkg/view_bg.wasm', (route) => (failing ? route.abort('failed') : route.continue()));
    },
  });
  return { h, allowView: () => { failing = false; } };
}

test('runs are kept across a reload; show, compare and delete them', async () => {
  const h = await ctx.open();
  try {
    const { page } = h;
    assert.equal(await page.isVisible('#history'), false, 'no history section before any run');
    const first = await mustRun(page, small(20));
    await mustRun(page, small(22));
    let list = await entries(page);
    assert.equal(list.length, 2, JSON.stringify(list));
    assert.match(list[0].text, /^fib, 4 tasks: /, 'newest first, titled by workload and verdict');

    await page.reload();
    await page.evaluate(() => window.threadlab.ready);
    list = await entries(page);
    assert.equal(list.length, 2, 'both runs survive the reload');
    assert.equal(await page.isVisible('#history'), true);

    // Show the older run: its numbers are on screen again, and exports export it.
    await page.click(`#history-list li[data-id="${list[1].id}"] button[data-action="show"]`);
    const median = first.runs.find((r) => r.mode === 'sequential').median_ms;
    const rowText = await page.textContent('#run-sequential-1');
    assert.ok(rowText.includes(median >= 100 ? `${median.toFixed(0)} ms` : `${median.toFixed(1)} ms`), `${rowText} shows ${median}`);
    assert.match(await page.textContent('#history-note'), /Showing the saved run: .*its experiment is in the form/);
    assert.equal(await page.inputValue('#param-n'), '20', 'the saved run\'s experiment is in the form, to run again');
    assert.equal(await page.inputValue('#tasks'), '4');
    assert.equal(await page.inputValue('#preset'), '', 'as a custom experiment');
    // After a reload the view module loads on demand (the click is the first touch): the
    // charts come with the table.
    await page.waitForSelector('#chart-bars svg', { state: 'visible', timeout: 10_000 });

    // Compare the newer run with the one on screen.
    await page.click(`#history-list li[data-id="${list[0].id}"] button[data-action="compare"]`);
    const rows = await page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(rows.map((r) => r[0]), ['sequential', 'async'], JSON.stringify(rows));
    for (const r of rows) assert.match(r[4], /^\d+\.\d\dx$/, `a ratio per row: ${r}`);

    // Delete one; it stays deleted after a reload.
    await page.click(`#history-list li[data-id="${list[0].id}"] button[data-action="delete"]`);
    assert.equal((await entries(page)).length, 1);
    await page.reload();
    await page.evaluate(() => window.threadlab.ready);
    assert.deepEqual((await entries(page)).map((e) => e.id), [list[1].id]);
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});

test('damaged stored history: readable entries stay, the rest is dropped with a note, runs still work', async () => {
  const h = await ctx.open({
    prepare: async (context) => {
      // Before the page loads: one valid-looking but wrong entry, and garbage.
      await context.addInitScript(() => {
        if (!sessionStorage.getItem('seeded')) {
          sessionStorage.setItem('seeded', '1');
          localStorage.setItem('threadlab-history', '[{"id": 1, "report": {"nope": true}}, 42]');
        }
      });
    },
  });
  try {
    const { page } = h;
    assert.match(await page.textContent('#history-note'), /2 stored run\(s\) could not be read/);
    assert.equal((await entries(page)).length, 0);
    await mustRun(page, small(20));
    assert.equal((await entries(page)).length, 1, 'a new run is kept');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('threadlab-history')));
    assert.equal(stored.length, 1, 'the damaged entries are gone from storage too');
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});

test('the results view fails to load as a run starts: the run goes on, loads it at its end and resolves', async () => {
  const { h, allowView } = await openFailingView();
  try {
    const { page } = h;
    // Sleeping tasks: long enough (~1.6 s) to let the module load again before the run ends.
    const spec = { workload: { kind: 'sleep', ms: 200 }, tasks: 4, modes: ['sequential'], workers: [1], repeat: 2, warmup: 0 };
    await page.evaluate((s) => { window.pending = window.threadlab.run(s).then((r) => ({ r }), (e) => ({ e: e.message })); }, spec);
    await page.waitForFunction(() => /the run goes on/.test(document.querySelector('#error').textContent));
    allowView();
    const { r, e } = await page.evaluate(() => window.pending);
    assert.equal(e, undefined, 'the run resolves');
    assert.ok(r.verdict.summary.length > 0 && r.runs.every((x) => x.verified), JSON.stringify(r.verdict));
    assert.equal(await page.isVisible('#error'), false, 'the error is cleared once the report is shown');
    await page.waitForSelector('#run-sequential-1');
    const list = await entries(page);
    assert.equal(list.length, 1);
    assert.ok(list[0].text.endsWith(r.verdict.summary), `kept with its verdict: ${list[0].text}`);
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});

test('the results view cannot load: the run is measured, says why, and is kept; once it loads, Show makes its report', async () => {
  const { h, allowView } = await openFailingView();
  try {
    const { page } = h;
    // The view module makes a report from the measured runs: without it a script gets a
    // sentence, not a report without its verdict.
    const r = await runSpec(page, small(20));
    assert.equal(r.isError, true, JSON.stringify(r));
    assert.match(r.error, /^the results view could not be loaded: .*so the run has no report yet\. Its runs are kept in the page's history: Show there tries again\.$/);
    assert.equal(r.progress.at(-1).done, r.progress.at(-1).total, 'the run itself went to its end');
    assert.equal(await page.textContent('#error'), r.error);
    const list = await entries(page);
    assert.equal(list.length, 1, 'the measured runs are kept');
    assert.equal(list[0].text, 'fib, 4 tasks: 2 runs measured, not yet read: Show reads them');
    assert.equal(await page.$('#run-sequential-1'), null, 'no table without the view');
    assert.equal(await page.isDisabled('#run'), false, 'the page stays usable');

    allowView();
    await page.click(`#history-list li[data-id="${list[0].id}"] button[data-action="show"]`);
    await page.waitForSelector('#run-sequential-1');
    assert.match(await page.textContent('#history-note'), /Showing the saved run/);
    const verdict = await page.textContent('#verdict');
    assert.ok(verdict.trim() && !verdict.startsWith('Run an experiment'), `Show made its verdict: ${verdict}`);
    assert.match(await page.textContent('#run-sequential-1'), /✓/, 'and its verification');
    await page.waitForSelector('#chart-bars svg', { state: 'visible' });
    const shown = await entries(page);
    assert.equal(shown.length, 1);
    assert.ok(!shown[0].text.includes('not yet read') && shown[0].text.startsWith('fib, 4 tasks: '), `the report took the entry's place: ${shown[0].text}`);
    assert.ok((await page.textContent('#history-note')).includes(shown[0].text), 'the note names the run by its verdict');
    // Once the view loads, runs resolve to reports again.
    const report = await mustRun(page, small(21));
    assert.ok(report.verdict.summary.length > 0 && report.runs.every((x) => x.verified), JSON.stringify(report.verdict));
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});
