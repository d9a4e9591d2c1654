// processes.chunksize (Pool.map's chunksize): the runner sends the chunks it says, the report
// echoes it, and the form and permalinks carry it; a bad one is refused naming the field.
// Assertions rest on the hand-out's fixed part (worker j starts with chunk j - 1), never on timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, fib, mustRun, runOf, setup } from './harness.mjs';

const ctx = setup();
const b64url = (spec) => Buffer.from(JSON.stringify(spec)).toString('base64url');
const WARM = { workload: { kind: 'fib', n: 20 }, tasks: 20, modes: ['processes'], workers: [2], repeat: 1, warmup: 0 };
const workerOf = (run) => Object.fromEntries(run.trace.map((e) => [e.task, e.worker]));

test('warm processes, 2 workers, 20 tasks: chunksize 1 versus Pool.map default chunks of 3', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const one = await mustRun(page, { ...WARM, processes: { start: 'warm', chunksize: 1 } });
    assert.deepEqual(one.spec.processes, { start: 'warm', chunksize: 1 }, 'the report echoes the spec');
    const run = runOf(one, 'processes', 2);
    assert.equal(run.verified, true, describeRun(run));
    assert.equal(run.checksum, String(20 * fib(20)));
    assert.equal(run.chunksize, 1);
    // One task a message: the first chunks are tasks 0 and 1, one to each worker.
    const w1 = workerOf(run);
    assert.deepEqual([w1[0], w1[1]], [1, 2], describeRun(run));

    const dflt = await mustRun(page, { ...WARM, processes: { start: 'warm' } });
    assert.deepEqual(dflt.spec.processes, { start: 'warm' }, 'no chunksize given, none echoed');
    const d = runOf(dflt, 'processes', 2);
    assert.equal(d.verified, true, describeRun(d));
    assert.equal(d.chunksize, 3, 'ceil(20 / (4 x 2))');
    // Chunks of 3: tasks 0-2 go to worker 1, 3-5 to worker 2, and no chunk is split.
    const w = workerOf(d);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((t) => w[t]), [1, 1, 1, 2, 2, 2], describeRun(d));
    for (let c = 0; c < 20; c += 3) {
      const workers = new Set([c, c + 1, c + 2].filter((t) => t < 20).map((t) => w[t]));
      assert.equal(workers.size, 1, `chunk at task ${c} ran on one worker: ${describeRun(d)}`);
    }

    // The table says it in the processes row.
    const note = await page.$eval('#results-table tbody tr[data-mode="processes"]', (tr) => tr.lastElementChild.textContent);
    assert.match(note, /3 tasks per message/);
  });
});

test('form and permalink: chunksize round trip, a bad one named, the page stays usable', { timeout: 120_000 }, async () => {
  const good = { ...WARM, tasks: 16, processes: { start: 'warm', chunksize: 4 } };
  await ctx.withPage({ query: `#spec=${b64url(good)}` }, async ({ page }) => {
    assert.equal(await page.inputValue('#chunksize'), '4', 'the link fills the field');
    assert.equal(await page.inputValue('#process-start'), 'warm');
    assert.equal(await page.isHidden('#error'), true);

    // Each message quotes what was typed, so each wait below sees its own.
    for (const [typed, quoted] of [['0', '(got 0)'], ['-3', '(got -3'], ['2.5', '(got 2.5)'], ['abc', '(got "abc")'], ['5000', '(got 5000)']]) {
      await page.fill('#chunksize', typed);
      await page.click('#run');
      await page.waitForFunction((q) => document.getElementById('error').textContent.includes(q), quoted);
      const message = await page.textContent('#error');
      assert.ok(message.startsWith('invalid spec: processes.chunksize: must be an integer from 1 to 1024'), `${typed}: ${message}`);
      assert.equal(await page.isEnabled('#run'), true);
      assert.equal(await page.$$eval('#results-table tbody tr', (trs) => trs.length), 0, 'nothing ran');
    }

    // Fixed, it runs, and the permalink of the run carries it.
    await page.fill('#chunksize', ' 4 ');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelectorAll('#results-table tbody tr').length === 1 && !document.getElementById('run').disabled,
      null, { timeout: 90_000 });
    assert.equal(await page.isHidden('#error'), true);
    const link = await page.inputValue('#permalink');
    const spec = JSON.parse(Buffer.from(new URL(link).hash.match(/spec=([^&]+)/)[1], 'base64url').toString());
    assert.deepEqual(spec.processes, { start: 'warm', chunksize: 4 });
    const note = await page.$eval('#results-table tbody tr[data-mode="processes"]', (tr) => tr.lastElementChild.textContent);
    assert.match(note, /4 tasks per message/);

    // Emptied: Pool.map's default (ceil(16 / 8) = 2), and no chunksize in the spec.
    await page.fill('#chunksize', '');
    await page.click('#run');
    await page.waitForFunction(() => /2 tasks per message/.test(document.querySelector('#results-table tbody tr[data-mode="processes"]')?.lastElementChild.textContent ?? '')
      && !document.getElementById('run').disabled, null, { timeout: 90_000 });
    const after = await page.inputValue('#permalink');
    assert.ok(!Buffer.from(new URL(after).hash.match(/spec=([^&]+)/)[1], 'base64url').toString().includes('chunksize'), after);
  });

  // A link with a bad chunksize: named, the form keeps its defaults, a run from it works.
  const bad = { ...WARM, processes: { start: 'warm', chunksize: -1 } };
  await ctx.withPage({ query: `#spec=${b64url(bad)}` }, async ({ page }) => {
    const message = await page.textContent('#error');
    assert.match(message, /^this link's experiment cannot be loaded: invalid spec: processes\.chunksize: must be an integer from 1 to 1024 \(got -1\)/);
    assert.equal(await page.inputValue('#chunksize'), '');
    await page.fill('#param-n', '20');
    await page.fill('#tasks', '4');
    await page.fill('#workers', '2');
    await page.fill('#repeat', '1');
    await page.fill('#warmup', '0');
    for (const m of ['sequential', 'threads', 'threads-gil', 'processes', 'async']) await page.setChecked(`input[name=mode][value="${m}"]`, m === 'processes');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelectorAll('#results-table tbody tr').length === 1 && !document.getElementById('run').disabled,
      null, { timeout: 90_000 });
    assert.equal(await page.isHidden('#error'), true);
    const verified = await page.$eval('#results-table tbody tr[data-mode="processes"]', (tr) => tr.children[7].textContent);
    assert.equal(verified, `✓ ${4 * fib(20)}`);
  });
});
