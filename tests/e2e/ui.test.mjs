// The page's own form: fill it, run, read the table; invalid input; presets from the address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fib, poll, setup } from './harness.mjs';

const ctx = setup();
const MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];

async function fillForm(page, { kind, params = {}, tasks, modes, workers, repeat, warmup }) {
  await page.selectOption('#kind', kind);
  for (const [name, value] of Object.entries(params)) await page.fill(`#param-${name}`, String(value));
  if (tasks !== undefined) await page.fill('#tasks', String(tasks));
  if (modes) for (const m of MODES) await page.setChecked(`input[name=mode][value="${m}"]`, modes.includes(m));
  if (workers !== undefined) await page.fill('#workers', workers);
  if (repeat !== undefined) await page.fill('#repeat', String(repeat));
  if (warmup !== undefined) await page.fill('#warmup', String(warmup));
}

const tableRows = (page) => page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({
  mode: tr.dataset.mode, cells: [...tr.children].map((c) => c.textContent) })));

const formState = (page) => page.evaluate(() => ({
  preset: document.getElementById('preset').value,
  kind: document.getElementById('kind').value,
  n: document.getElementById('param-n').value,
  ms: document.getElementById('param-ms').value,
  tasks: document.getElementById('tasks').value,
  workers: document.getElementById('workers').value,
  repeat: document.getElementById('repeat').value,
  warmup: document.getElementById('warmup').value,
  modes: [...document.querySelectorAll('input[name=mode]')].filter((b) => b.checked).map((b) => b.value),
  claim: document.getElementById('preset-claim').textContent,
  nShown: !document.getElementById('param-n').closest('[data-param]').hidden,
  msShown: !document.getElementById('param-ms').closest('[data-param]').hidden,
  error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
}));

test('form: fill, run, rows per mode verified', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const initialVerdict = await page.textContent('#verdict');
    await fillForm(page, { kind: 'fib', params: { n: 27 }, tasks: 4, modes: ['sequential', 'threads', 'processes'], workers: '1, 2', repeat: 1, warmup: 0 });
    await page.click('#run');
    // 1 sequential + 2 threads + 2 processes rows once the run is done.
    await page.waitForFunction(() => document.querySelectorAll('#results-table tbody tr').length === 5 && !document.getElementById('run').disabled,
      null, { timeout: 90_000 });
    const rows = await tableRows(page);
    assert.deepEqual(rows.map((r) => `${r.mode}/${r.cells[1]}`), ['sequential/1', 'threads/1', 'threads/2', 'processes/1', 'processes/2']);
    for (const r of rows) {
      assert.equal(r.cells.length, 9, JSON.stringify(r));
      assert.equal(r.cells[0], r.mode);
      assert.equal(r.cells[7], `✓ ${4 * fib(27)}`, `verified cell: ${JSON.stringify(r)}`);
      assert.match(r.cells[2], /\d ms$/, `median cell: ${JSON.stringify(r)}`);
    }
    assert.notEqual(await page.textContent('#verdict'), initialVerdict, 'the verdict is shown');
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(await page.isDisabled('#cancel'), true);
    assert.equal(await page.textContent('#progress-text'), '');
  });
});

test('form: invalid workers show an error naming workers[1] and run nothing', { timeout: 60_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    await fillForm(page, { kind: 'fib', params: { n: 27 }, tasks: 4, modes: ['sequential'], workers: '1, 99', repeat: 1, warmup: 0 });
    // Counted after the form was touched: the first interaction starts the engines (ui::start).
    const live = await page.evaluate(() => window.threadlab.liveWorkers());
    await page.click('#run');
    await page.waitForSelector('#error:not([hidden])');
    const message = await page.textContent('#error');
    assert.match(message, /workers\[1\]/);
    assert.match(message, /1 to 16/);
    assert.match(message, /99/);
    assert.equal(await page.isEnabled('#run'), true);
    assert.equal(await page.isDisabled('#cancel'), true);
    assert.equal((await tableRows(page)).length, 0, 'nothing ran');
    assert.equal(await page.textContent('#progress-text'), '');
    assert.ok(await page.evaluate(() => window.threadlab.liveWorkers()) <= live, 'no worker started');

    // Other typed mistakes name their field too.
    await fillForm(page, { kind: 'fib', params: { n: 'abc' }, workers: '1' });
    await page.click('#run');
    await page.waitForFunction(() => /workload\.n/.test(document.getElementById('error').textContent));
    assert.match(await page.textContent('#error'), /"abc"/);
    await fillForm(page, { kind: 'fib', params: { n: 27 }, modes: [] });
    await page.click('#run');
    await page.waitForFunction(() => /^invalid spec: modes: /.test(document.getElementById('error').textContent));

    // Fixed input runs, and the error goes away.
    await fillForm(page, { kind: 'fib', params: { n: 27 }, modes: ['sequential'], workers: '1' });
    await page.click('#run');
    await page.waitForFunction(() => document.querySelectorAll('#results-table tbody tr').length === 1 && !document.getElementById('run').disabled,
      null, { timeout: 60_000 });
    assert.equal(await page.isHidden('#error'), true);
    assert.equal((await tableRows(page))[0].cells[7], `✓ ${4 * fib(27)}`);
  });
});

test('?preset=fib-threads-vs-processes loads the preset into the form', { timeout: 60_000 }, async () => {
  await ctx.withPage({ query: '?preset=fib-threads-vs-processes' }, async ({ page }) => {
    const f = await formState(page);
    assert.equal(f.preset, 'fib-threads-vs-processes');
    assert.equal(f.kind, 'fib');
    assert.equal(f.n, '41');
    assert.equal(f.tasks, '10');
    assert.equal(f.workers, '10');
    assert.equal(f.repeat, '2');
    assert.equal(f.warmup, '0');
    assert.deepEqual(f.modes, MODES.filter((m) => m !== 'async'));
    assert.ok(f.claim.length > 0, 'the claim is shown');
    assert.equal(f.error, null);

    // Picking another preset loads it, showing that kind's parameters only.
    await page.selectOption('#preset', 'sleep-threads-vs-processes');
    const s = await formState(page);
    assert.equal(s.kind, 'sleep');
    assert.equal(s.ms, '500');
    assert.equal(s.tasks, '10');
    assert.equal(s.workers, '2');
    assert.equal(s.msShown, true);
    assert.equal(s.nShown, false);

    // Editing a field makes the experiment a custom one.
    await page.fill('#tasks', '3');
    const c = await formState(page);
    assert.equal(c.preset, '');
    assert.equal(c.claim, '');
  });
});

test('an unknown preset in the address is reported', { timeout: 60_000 }, async () => {
  await ctx.withPage({ query: '?preset=no-such-preset' }, async ({ page }) => {
    const f = await formState(page);
    assert.match(f.error ?? '', /unknown preset/);
    assert.match(f.error ?? '', /no-such-preset/);
    assert.equal(f.preset, '');
  });
});

test('form: an invalid input leaves no unhandled promise rejection', {
  timeout: 60_000,
}, async () => {
  await ctx.withPage({}, async ({ page }) => {
    await fillForm(page, { kind: 'fib', params: { n: 27 }, workers: '1, 99' });
    await page.click('#run');
    await page.waitForSelector('#error:not([hidden])');
    await page.waitForTimeout(300); // unhandled rejections are reported a moment later
  });
});

test('a visit loads only the page\'s module until the first touch, which starts the view and the engines', { timeout: 60_000 }, async () => {
  const requested = [];
  const h = await ctx.open({ prepare: async (context) => context.on('request', (r) => requested.push(new URL(r.url()).pathname)) });
  try {
    const { page } = h;
    await page.waitForTimeout(1_000); // anything the page would start on its own has started
    const wasm = (name) => requested.some((p) => p.endsWith(`/pkg/${name}_bg.wasm`));
    assert.ok(wasm('app'), requested.join());
    for (const lazy of ['view', 'worker', 'threads']) assert.equal(wasm(lazy), false, `${lazy}_bg.wasm before any interaction: ${requested.join()}`);
    await page.mouse.click(5, 5);
    await poll(() => wasm('view') && wasm('worker') && wasm('threads'), { timeoutMs: 20_000 });
    for (const lazy of ['view', 'worker', 'threads']) assert.ok(wasm(lazy), `${lazy}_bg.wasm after the first touch: ${requested.join()}`);
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});
