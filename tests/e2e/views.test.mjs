// The views of issue 4 on the built page: charts (bars, scaling, timeline) and how they follow
// the report, the table's statistics, exports (CSV, JSON, Chrome trace, SVG and PNG of each
// chart), permalinks (#spec=, &run=1, bad links, the third-party question), the embed (the
// example blog page on a host that is not cross-origin isolated), a static host without
// COOP/COEP (the service worker isolates, the page reloads once), colour schemes and a phone
// width. Screenshots go to tests/artifacts/ (gitignored) for a person to look at.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../server.mjs';
import { DIST, busyByWorker, describeRun, fib, mustRun, overlap, poll, runOf, setup, subtract, union } from './harness.mjs';

const ctx = setup();
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const FIGURES = ['chart-bars', 'chart-scaling', 'chart-timeline'];

// A static host that sends no COOP/COEP at all (test 'bare host'); started here because the
// harness only starts the isolated and the plain one.
let bareServer;
let bareUrl = '';
before(async () => {
  bareServer = await serve(DIST, 0, 'bare');
  bareUrl = `http://127.0.0.1:${bareServer.address().port}/`;
});
after(async () => {
  bareServer?.closeAllConnections?.();
  await new Promise((ok) => (bareServer ? bareServer.close(ok) : ok()));
});

// ---------------------------------------------------------------------------------------------
// Helpers

const b64url = (spec) => Buffer.from(JSON.stringify(spec)).toString('base64url');
const fromB64url = (text) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
const measured = (report) => report.runs.filter((r) => r.skipped === undefined || r.skipped === null);
const close = (a, b, eps = 1e-9) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));

async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

/** Waits until a run started from the page (Run button, &run=1) has finished showing `rows` rows. */
async function waitForResults(page, { rows, timeout = 90_000 } = {}) {
  await page.waitForFunction((n) => {
    const count = document.querySelectorAll('#results-table tbody tr').length;
    return !document.getElementById('run').disabled && !document.getElementById('exports').hidden
      && (n === undefined ? count > 0 : count === n);
  }, rows, { timeout });
}

const tableRows = (page) => page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({
  id: tr.id, mode: tr.dataset.mode, className: tr.className, cells: [...tr.children].map((c) => c.textContent) })));

const formState = (page) => page.evaluate(() => ({
  kind: document.getElementById('kind').value,
  n: document.getElementById('param-n').value,
  nShown: !document.getElementById('param-n').closest('[data-param]').hidden,
  url: document.getElementById('param-url').value,
  tasks: document.getElementById('tasks').value,
  modes: [...document.querySelectorAll('input[name=mode]')].filter((b) => b.checked).map((b) => b.value),
  workers: document.getElementById('workers').value,
  repeat: document.getElementById('repeat').value,
  warmup: document.getElementById('warmup').value,
  switchInterval: document.getElementById('switch-interval').value,
  processStart: document.getElementById('process-start').value,
  error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
}));

/** The machine-readable structure of the three charts on the page (see crates/charts/src/lib.rs). */
const chartsOnPage = (page) => page.evaluate(() => {
  const data = (el) => ({ ...el.dataset });
  const all = (root, sel) => (root ? [...root.querySelectorAll(sel)] : []);
  const figure = (id) => {
    const slot = document.querySelector(`#${id} .chart`);
    const svg = slot.querySelector(':scope > svg');
    return {
      children: slot.children.length,
      visible: !document.getElementById(id).hidden && getComputedStyle(document.getElementById(id)).display !== 'none',
      svg: svg && {
        className: svg.getAttribute('class'), ...data(svg), viewBox: svg.getAttribute('viewBox'),
        firstChild: svg.firstElementChild?.tagName, title: svg.firstElementChild?.textContent.trim(),
        legends: all(svg, 'g.legend').length,
      },
      empty: slot.querySelector('.chart-empty')?.textContent ?? null,
    };
  };
  const bars = document.querySelector('#chart-bars svg');
  const scaling = document.querySelector('#chart-scaling svg');
  const timeline = document.querySelector('#chart-timeline svg');
  return {
    figures: Object.fromEntries(['chart-bars', 'chart-scaling', 'chart-timeline'].map((id) => [id, figure(id)])),
    bars: {
      series: all(bars, 'g.series').map((g) => ({ mode: g.dataset.mode, bars: all(g, 'g.bar').map(data) })),
      bars: all(bars, 'g.bar').map(data),
      skipped: all(bars, 'g.skipped').map(data),
    },
    scaling: {
      series: all(scaling, 'g.series').map((g) => ({ ...data(g), points: all(g, 'g.point').map(data) })),
      ideal: all(scaling, 'g.ideal').map(data),
      cores: all(scaling, 'g.cores').map(data),
    },
    timeline: {
      root: timeline && data(timeline),
      lanes: all(timeline, 'g.lane').map((g) => ({ ...data(g), tasks: all(g, 'g.task').map(data) })),
    },
  };
});

/**
 * The timeline on the page, with pixel geometry: per task group its data attributes, its bar
 * (first rect) and the rects of its GIL and I/O waits.
 */
const timelineGeometry = (page) => page.evaluate(() => {
  const svg = document.querySelector('#chart-timeline svg');
  const box = (r) => ({ x: Number(r.getAttribute('x')), width: Number(r.getAttribute('width')) });
  return {
    root: { ...svg.dataset },
    lanes: [...svg.querySelectorAll('g.lane')].map((g) => Number(g.dataset.worker)),
    tasks: [...svg.querySelectorAll('g.task')].map((g) => ({
      task: Number(g.dataset.task), worker: Number(g.dataset.worker),
      start: Number(g.dataset.startMs), end: Number(g.dataset.endMs),
      lane: Number(g.closest('g.lane').dataset.worker),
      bar: box(g.querySelector(':scope > rect')),
      gil: [...g.querySelectorAll(':scope > g.gil-waits > rect')].map(box),
      io: [...g.querySelectorAll(':scope > g.io-waits > rect')].map(box),
    })),
  };
});

/** Fits x_px = a + b * ms to the task bars' edges; returns { toMs, pxMs, worst } (worst residual, px). */
function pixelScale(tasks) {
  const pts = tasks.flatMap((t) => [[t.start, t.bar.x], [t.end, t.bar.x + t.bar.width]]);
  const n = pts.length;
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const b = sxy / sxx;
  const a = my - b * mx;
  const worst = Math.max(...pts.map(([x, y]) => Math.abs(a + b * x - y)));
  return { toMs: (px) => (px - a) / b, pxMs: 1 / b, worst };
}

/** Downloads the file a click on `selector` saves: { name, bytes }. */
async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(selector)]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: await readFile(path) };
}

/** RFC 4180: rows of fields; quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/**
 * A page outside the harness's open(): same error collection, but no waiting for
 * window.threadlab (the embed example is a blog page; the bare host reloads). beforeGoto(page)
 * can add listeners that must see the page start (dialogs, requests).
 */
async function openRaw(url, { contextOptions = {}, allowErrors = [], initScript, beforeGoto } = {}) {
  const context = await ctx.browser.newContext(contextOptions);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  beforeGoto?.(page);
  page.setDefaultTimeout(60_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('crash', () => problems.push('the page crashed'));
  page.on('console', (m) => {
    if (m.type() !== 'error' || /\/favicon\.ico$/.test(m.location()?.url ?? '')) return;
    problems.push(`console.error: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  const navigations = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  await page.goto(url);
  return {
    page, context, navigations,
    assertNoErrors() {
      assert.deepEqual(problems.filter((e) => !allowErrors.some((re) => re.test(e))), [], 'page errors');
    },
    close: () => context.close().catch(() => {}),
  };
}

/**
 * Waits until the page has settled after an isolation reload (if any): window.threadlab.ready
 * resolved in a document that will stay. An evaluate that races the reload throws "Execution
 * context was destroyed"; that counts as not yet.
 */
async function settled(page, { isolated = true, timeoutMs = 30_000 } = {}) {
  const ok = await poll(async () => {
    try {
      return await page.evaluate(async (iso) => {
        if (typeof window.threadlab?.capabilities !== 'function' || crossOriginIsolated !== iso) return false;
        return window.threadlab.ready.then(() => true);
      }, isolated);
    } catch {
      return false;
    }
  }, { timeoutMs, everyMs: 100 });
  assert.ok(ok, `the page did not settle (${isolated ? '' : 'not '}cross-origin isolated) within ${timeoutMs} ms`);
}

// ---------------------------------------------------------------------------------------------
// 1. Charts

test('charts: bars, scaling and timeline after a 1-and-2-worker sweep; drawn while it runs', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    assert.equal(await page.isHidden('#charts'), true, 'no charts before a run');
    // Every (re)placement of the bars chart while the run goes on: how many bars it had.
    await page.evaluate(() => {
      window.__barsDrawn = [];
      new MutationObserver(() => window.__barsDrawn.push({
        bars: document.querySelectorAll('#chart-bars g.bar').length, done: window.__runDone === true,
        verdict: document.querySelector('#verdict').textContent,
      }))
        .observe(document.querySelector('#chart-bars .chart'), { childList: true });
    });
    const spec = { workload: { kind: 'fib', n: 25 }, tasks: 8, modes: MODES, workers: [1, 2], repeat: 3, warmup: 0 };
    const report = await page.evaluate(async (s) => {
      const r = await window.threadlab.run(s);
      window.__runDone = true;
      return r;
    }, spec);
    const caps = await page.evaluate(() => window.threadlab.capabilities());
    const runs = measured(report);
    assert.equal(runs.length, 8, `all 8 cells measured: ${report.runs.map(describeRun).join('\n')}`);
    for (const r of runs) assert.equal(r.verified, true, describeRun(r));

    const c = await chartsOnPage(page);
    assert.equal(await page.isVisible('#charts'), true);
    const kinds = { 'chart-bars': 'bars', 'chart-scaling': 'scaling', 'chart-timeline': 'timeline' };
    for (const id of FIGURES) {
      const f = c.figures[id];
      assert.equal(f.visible, true, `${id} is shown`);
      assert.equal(f.children, 1, `${id} holds one svg (${f.empty ?? ''})`);
      assert.ok(f.svg, `${id} has an inline svg`);
      assert.equal(f.svg.className, 'threadlab-chart');
      assert.equal(f.svg.chart, kinds[id]);
      assert.equal(f.svg.theme, 'light');
      assert.match(f.svg.viewBox ?? '', /^0 0 \d+ \d+$/);
      assert.equal(f.svg.firstChild, 'title');
      assert.ok(f.svg.title.length > 0, `${id} has a title`);
      assert.equal(f.svg.legends, 1, `${id} has one legend`);
    }

    // Bars: one per measured run, grouped in one series per mode (Mode::ALL order), each
    // carrying its run's numbers.
    assert.equal(c.bars.bars.length, runs.length, 'one bar per measured run');
    assert.deepEqual(c.bars.series.map((s) => s.mode), MODES, 'one series per mode');
    assert.deepEqual(c.bars.skipped, []);
    const barRows = c.bars.series.flatMap((s) => s.bars);
    assert.deepEqual(barRows.map((b) => `${b.mode}/${b.workers}`), runs.map((r) => `${r.mode}/${r.workers}`));
    for (const [i, b] of barRows.entries()) {
      const r = runs[i];
      assert.ok(close(Number(b.medianMs), r.median_ms) && close(Number(b.minMs), r.min_ms) && close(Number(b.maxMs), r.max_ms),
        `bar ${JSON.stringify(b)} vs ${describeRun(r)}`);
      assert.equal(b.verified, 'true');
    }
    for (const s of c.bars.series) assert.ok(s.bars.every((b) => b.mode === s.mode), `series ${s.mode} holds its own bars only`);

    // Scaling: per panel one series per mode, a point per run; the ideal line; the core count.
    for (const panel of ['time', 'speedup']) {
      const series = c.scaling.series.filter((s) => s.panel === panel);
      assert.deepEqual(series.map((s) => s.mode), MODES, `${panel} panel: one series per mode`);
      for (const s of series) {
        const mine = runs.filter((r) => r.mode === s.mode);
        assert.deepEqual(s.points.map((p) => Number(p.workers)), mine.map((r) => r.workers), `${panel}/${s.mode} points`);
        for (const [i, p] of s.points.entries()) {
          const expected = panel === 'time' ? mine[i].median_ms : mine[i].speedup;
          assert.ok(close(Number(p.value), expected, 1e-6), `${panel}/${s.mode} point ${JSON.stringify(p)} vs ${expected}`);
          assert.ok(Number(p.min) <= Number(p.value) + 1e-9 && Number(p.value) <= Number(p.max) + 1e-9, `spread around the value: ${JSON.stringify(p)}`);
        }
      }
      assert.equal(c.scaling.ideal.filter((g) => g.panel === panel).length, 1, `${panel} panel has an ideal line`);
      assert.deepEqual(c.scaling.cores.filter((g) => g.panel === panel).map((g) => Number(g.cores)), [caps.cores], `${panel} panel marks the core count`);
    }

    // Timeline: one choice per run with a trace; the default is the most telling run
    // (threads with the GIL, most workers); every choice redraws with one lane per worker.
    const options = await page.$$eval('#timeline-run option', (os) => os.map((o) => ({ value: o.value, label: o.textContent, selected: o.selected })));
    assert.deepEqual(options.map((o) => Number(o.value)), report.runs.map((r, i) => (r.trace?.length ? i : -1)).filter((i) => i >= 0));
    const chosen = report.runs[Number(options.find((o) => o.selected).value)];
    assert.equal(`${chosen.mode}/${chosen.workers}`, 'threads-gil/2', 'the timeline starts on the GIL run');
    for (const o of [...options.filter((x) => !x.selected), options.find((x) => x.selected)]) {
      await page.selectOption('#timeline-run', o.value);
      const run = report.runs[Number(o.value)];
      const t = (await chartsOnPage(page)).timeline;
      assert.equal(t.root.mode, run.mode, `timeline of ${o.label}`);
      assert.equal(Number(t.root.workers), run.workers);
      const workers = [...new Set(run.trace.map((e) => e.worker))].sort((a, b) => a - b);
      assert.deepEqual(t.lanes.map((l) => Number(l.worker)), workers, `${o.label}: one lane per worker`);
      assert.deepEqual(t.lanes.map((l) => Number(l.lane)), workers.map((_, i) => i));
      assert.equal(t.lanes.reduce((n, l) => n + l.tasks.length, 0), run.trace.length, `${o.label}: one bar per task`);
      for (const l of t.lanes) assert.ok(l.tasks.every((task) => task.worker === l.worker), `${o.label}: tasks in their worker's lane`);
    }

    // Drawn while the sweep ran: at least one partial chart, with fewer bars, before the end.
    const drawn = await page.evaluate(() => window.__barsDrawn);
    assert.ok(drawn.some((d) => !d.done && d.bars > 0 && d.bars < runs.length),
      `the bars chart should be drawn with partial results while the run goes on: ${JSON.stringify(drawn)}`);
    const partial = drawn.filter((d) => !d.done && d.bars < runs.length);
    assert.ok(partial.every((d) => d.verdict.startsWith('So far (the run goes on): ')), `a partial verdict says it is partial: ${JSON.stringify(partial)}`);

    // Table rows, the verdict, "when to use which" linking to rows, warnings in the notes.
    const rows = await tableRows(page);
    assert.deepEqual(rows.map((r) => r.id), report.runs.map((r) => `run-${r.mode}-${r.workers}`));
    const table = await page.$eval('.table-wrap:has(#results-table)', (t) => ({ scroll: t.scrollWidth, client: t.clientWidth, viewport: innerWidth }));
    assert.ok(table.scroll <= table.client, `the table fits a desktop page without scrolling sideways: ${JSON.stringify(table)}`);
    assert.equal((await page.textContent('#verdict')).trim(), report.verdict.summary);
    assert.deepEqual(await page.$$eval('#verdict-details li', (lis) => lis.map((li) => li.textContent)), report.verdict.details);
    assert.equal(await page.isVisible('#when-to-use'), true);
    const links = await page.$$eval('#when-to-use a[href^="#run-"]', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length > 0, 'the advice links to measurements');
    for (const href of links) assert.ok(rows.some((r) => `#${r.id}` === href), `${href} points to a row of the table`);
    for (const [i, r] of report.runs.entries()) {
      for (const w of r.warnings ?? []) assert.ok(rows[i].cells[8].includes(`warning: ${w}`), `row ${rows[i].id} notes show "${w}": ${rows[i].cells[8]}`);
    }

    await page.selectOption('#timeline-run', options.find((o) => o.selected).value);
    await screenshot(page, 'views-light.png');
  });
});

test('before a run: no charts, advice or exports are shown (nothing to show or export yet)', { timeout: 60_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    for (const id of ['#charts', '#when-to-use', '#exports']) {
      const state = await page.$eval(id, (el) => ({ hiddenAttribute: el.hidden, display: getComputedStyle(el).display }));
      assert.equal(state.hiddenAttribute, true, `${id} starts with the hidden attribute`);
      assert.equal(state.display, 'none', `${id} has the hidden attribute but is displayed (CSS display: ${state.display} overrides [hidden])`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The timeline shows concurrency vs parallelism

test('timeline: the GIL run shows one lane computing at a time, the threads run parallel lanes', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const tasks = 8;
    const spec = { workload: { kind: 'fib', n: 29 }, tasks, modes: ['threads', 'threads-gil'], workers: [2], repeat: 2, warmup: 0 };
    // On 2 shared cores the system can take one of them from a thread for the whole of a short
    // run; the free threads' trace then shows no parallel lanes to chart. One more run is allowed
    // for that (a real serialisation of threads fails both).
    const freeOverlap = (r) => {
      const o = overlap(busyByWorker(r.runs.find((x) => x.mode === 'threads').trace));
      return o.concurrent / o.total;
    };
    let report = await mustRun(page, spec);
    if (freeOverlap(report) <= 0.25) report = await mustRun(page, spec);
    const options = await page.$$eval('#timeline-run option', (os) => os.map((o) => o.value));

    /** Reads the chart of one run, checks it against the trace; returns compute intervals per lane. */
    async function lanesOf(mode) {
      const index = report.runs.findIndex((r) => r.mode === mode && r.workers === 2);
      const run = report.runs[index];
      assert.equal(run.verified, true, describeRun(run));
      assert.equal(run.checksum, String(tasks * fib(29)));
      assert.ok(options.includes(String(index)), `${mode} can be picked for the timeline`);
      await page.selectOption('#timeline-run', String(index));
      const g = await timelineGeometry(page);
      assert.equal(g.root.mode, mode);
      assert.deepEqual(g.lanes, [...new Set(run.trace.map((e) => e.worker))].sort((a, b) => a - b), `${mode}: a lane per worker`);
      assert.equal(g.lanes.length, 2, `${mode} with 2 workers shows 2 lanes: ${describeRun(run)}`);

      // The chart's tasks are the trace's: same task, worker, start and end.
      const key = (e) => `${e.task}`;
      const trace = new Map(run.trace.map((e) => [key(e), e]));
      assert.equal(g.tasks.length, run.trace.length);
      for (const t of g.tasks) {
        const e = trace.get(key(t));
        assert.ok(e, `task ${t.task} of the chart is in the trace`);
        assert.equal(t.worker, e.worker);
        assert.equal(t.lane, e.worker, `task ${t.task} is drawn in its worker's lane`);
        assert.ok(close(t.start, e.start_ms) && close(t.end, e.end_ms), `task ${t.task}: chart ${t.start}..${t.end}, trace ${e.start_ms}..${e.end_ms}`);
      }

      // Pixels <-> ms from the bars; the GIL rects must sit where the trace's waits are.
      const scale = pixelScale(g.tasks);
      assert.ok(scale.worst <= 1.01, `task bars lie on one linear time axis (worst ${scale.worst.toFixed(2)} px)`);
      const slack = 1.01 * scale.pxMs; // one pixel of rounding, in ms
      for (const t of g.tasks) {
        const e = trace.get(key(t));
        const waits = union((e.gil_waits ?? []).map(([a, b]) => [Math.max(a, e.start_ms), Math.min(b, e.end_ms)]));
        const drawn = t.gil.map((r) => [scale.toMs(r.x), scale.toMs(r.x + r.width)]);
        const visible = waits.filter(([a, b]) => b - a > slack); // sub-pixel waits may round away
        assert.ok(drawn.length >= visible.length && drawn.length <= (e.gil_waits ?? []).length,
          `${mode} task ${t.task}: ${drawn.length} GIL rects for waits ${JSON.stringify(e.gil_waits)}`);
        for (const [a, b] of drawn) {
          assert.ok(waits.some(([s, f]) => a >= s - slack && b <= f + slack), `${mode} task ${t.task}: GIL rect ${a.toFixed(3)}..${b.toFixed(3)} ms is one of the waits ${JSON.stringify(waits)}`);
        }
        assert.equal(t.io.length, 0, 'no I/O waits in CPU work');
      }
      const computing = new Map();
      for (const t of g.tasks) {
        const holes = t.gil.map((r) => [scale.toMs(r.x), scale.toMs(r.x + r.width)]);
        computing.set(t.worker, [...(computing.get(t.worker) ?? []), ...subtract([t.start, t.end], holes)]);
      }
      return { run, chart: overlap(computing), rects: g.tasks.reduce((n, t) => n + t.gil.length, 0), slack };
    }

    const gil = await lanesOf('threads-gil');
    const free = await lanesOf('threads');

    // Ground truth (the trace): the GIL lets one thread compute at a time; free threads overlap.
    const gilTrace = overlap(busyByWorker(gil.run.trace, { minusGilWaits: true }));
    const freeTrace = overlap(busyByWorker(free.run.trace));
    assert.ok(gilTrace.concurrent < 0.5, `trace: GIL workers computed together for ${gilTrace.concurrent.toFixed(2)} ms: ${describeRun(gil.run)}`);
    assert.ok(freeTrace.concurrent / freeTrace.total > 0.25,
      `trace: free threads overlap only ${freeTrace.concurrent.toFixed(2)} of ${freeTrace.total.toFixed(2)} ms: ${describeRun(free.run)}`);

    // What the chart shows (task bars minus GIL rects, per lane): the same, within pixel rounding.
    const tolerance = 0.5 + (2 * gil.rects + 2) * gil.slack;
    assert.ok(gil.chart.concurrent < tolerance,
      `chart: two GIL lanes compute at the same moment for ${gil.chart.concurrent.toFixed(3)} ms (tolerance ${tolerance.toFixed(3)} ms)`);
    assert.ok(gil.chart.concurrent / gil.chart.total < 0.05, `chart: GIL lanes overlap ${(100 * gil.chart.concurrent / gil.chart.total).toFixed(1)}%`);
    assert.ok(free.chart.concurrent / free.chart.total > 0.25,
      `chart: free-thread lanes should overlap, got ${free.chart.concurrent.toFixed(2)} of ${free.chart.total.toFixed(2)} ms`);
    assert.ok(Math.abs(free.chart.concurrent - freeTrace.concurrent) < 1e-6, 'threads: the chart overlaps exactly as the trace');
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Exports

test('exports: CSV, JSON report, Chrome trace, and SVG + PNG of each chart download and parse', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const tasks = 6;
    const spec = { workload: { kind: 'fib', n: 27 }, tasks, modes: MODES, workers: [1, 2], repeat: 2, warmup: 0 };
    const report = await mustRun(page, spec);
    assert.equal(await page.isVisible('#exports'), true);
    const stem = `threadlab-fib-${tasks}tasks`;

    // CSV: the documented header, then one row per run with the report's numbers.
    const csv = await download(page, '#export-csv');
    assert.equal(csv.name, `${stem}.csv`);
    const rows = parseCsv(csv.bytes.toString('utf8'));
    const header = 'mode,workers,skipped,samples,median_ms,mean_ms,stddev_ms,min_ms,max_ms,speedup,efficiency,verified,checksum,startup_ms,errors,warnings,chunksize'.split(',');
    assert.deepEqual(rows[0], header);
    assert.equal(rows.length, 1 + report.runs.length, 'one row per run');
    for (const [i, r] of report.runs.entries()) {
      const row = Object.fromEntries(header.map((h, j) => [h, rows[i + 1][j]]));
      assert.equal(rows[i + 1].length, header.length, `row ${i + 1} has every column`);
      assert.equal(row.mode, r.mode);
      assert.equal(Number(row.workers), r.workers);
      assert.deepEqual(row.samples.split(' ').map(Number), r.samples_ms);
      for (const k of ['median_ms', 'mean_ms', 'stddev_ms', 'min_ms', 'max_ms', 'speedup', 'efficiency']) {
        assert.ok(close(Number(row[k]), r[k]), `${r.mode}/${r.workers} ${k}: csv ${row[k]}, report ${r[k]}`);
      }
      assert.equal(row.verified, String(r.verified));
      assert.equal(row.checksum, r.checksum);
      assert.equal(row.warnings, (r.warnings ?? []).join('; '));
      if (r.startup_ms !== undefined) assert.ok(close(Number(row.startup_ms), r.startup_ms));
      assert.equal(row.chunksize, r.chunksize === undefined || r.chunksize === null ? '' : String(r.chunksize));
    }

    // JSON: the report itself, as run() returned it.
    const json = await download(page, '#export-json');
    assert.equal(json.name, `${stem}.json`);
    assert.deepEqual(JSON.parse(json.bytes.toString('utf8')), report);

    // Chrome trace: one process per run with a trace, one thread (tid) per worker, a complete
    // event per task, and the GIL waits.
    const trace = await download(page, '#export-trace');
    assert.equal(trace.name, `${stem}.trace.json`);
    const { traceEvents } = JSON.parse(trace.bytes.toString('utf8'));
    assert.ok(Array.isArray(traceEvents) && traceEvents.length > 0);
    const withTrace = report.runs.map((r, i) => [r, i + 1]).filter(([r]) => r.trace?.length);
    assert.deepEqual([...new Set(traceEvents.map((e) => e.pid))].sort((a, b) => a - b), withTrace.map(([, pid]) => pid), 'one pid per run with a trace');
    for (const [r, pid] of withTrace) {
      const mine = traceEvents.filter((e) => e.pid === pid);
      const what = `${r.mode}/${r.workers}`;
      const names = mine.filter((e) => e.ph === 'M' && e.name === 'process_name');
      assert.equal(names.length, 1, `${what}: a process name`);
      assert.ok(names[0].args.name.startsWith(r.mode), `${what}: process named ${names[0].args.name}`);
      const workers = [...new Set(r.trace.map((e) => e.worker))].sort((a, b) => a - b);
      const threads = mine.filter((e) => e.ph === 'M' && e.name === 'thread_name');
      assert.deepEqual(threads.map((e) => e.tid).sort((a, b) => a - b), workers, `${what}: one thread_name per worker`);
      for (const t of threads) assert.equal(t.args.name, `worker ${t.tid}`);
      const taskEvents = mine.filter((e) => e.ph === 'X' && /^task \d+$/.test(e.name));
      assert.equal(taskEvents.length, r.trace.length, `${what}: one event per task`);
      for (const e of r.trace) {
        const ev = taskEvents.find((x) => x.name === `task ${e.task}`);
        assert.equal(ev.tid, e.worker, `${what} task ${e.task} on its worker's tid`);
        assert.ok(Math.abs(ev.ts - e.start_ms * 1000) <= 1 && Math.abs(ev.dur - (e.end_ms - e.start_ms) * 1000) <= 1.5, `${what}: ${JSON.stringify(ev)} vs ${JSON.stringify(e)}`);
      }
      const gilEvents = mine.filter((e) => e.ph === 'X' && e.name === 'GIL wait');
      assert.equal(gilEvents.length, r.trace.reduce((n, e) => n + (e.gil_waits?.length ?? 0), 0), `${what}: one event per GIL wait`);
      assert.equal(mine.filter((e) => e.ph === 'X' && e.name === 'I/O wait').length, 0, `${what}: no I/O waits in CPU work`);
      assert.ok(mine.every((e) => e.ph === 'M' || (Number.isFinite(e.ts) && e.dur >= 0)), `${what}: complete events have ts and dur`);
    }

    // Each chart: an SVG (the same chart as on the page) and a PNG (twice its size).
    for (const figure of FIGURES) {
      const svg = await download(page, `#${figure}-svg`);
      assert.equal(svg.name, `threadlab-${figure}.svg`);
      const text = svg.bytes.toString('utf8');
      const [parsed, shown] = await page.evaluate(([t, id]) => {
        const shape = (root) => ({
          chart: root.getAttribute('data-chart'), width: root.getAttribute('width'), height: root.getAttribute('height'),
          groups: [...root.querySelectorAll('g[class]')].map((g) => `${g.getAttribute('class')} ${JSON.stringify({ ...g.dataset })}`),
          elements: root.querySelectorAll('*').length,
        });
        const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
        const error = doc.querySelector('parsererror');
        return [error ? { error: error.textContent } : { root: doc.documentElement.tagName, ...shape(doc.documentElement) },
          shape(document.querySelector(`#${id} .chart svg`))];
      }, [text, figure]);
      assert.equal(parsed.error, undefined, `${figure}.svg parses: ${parsed.error}`);
      assert.equal(parsed.root, 'svg');
      assert.deepEqual(parsed, { root: 'svg', ...shown }, `${figure}.svg is the chart on the page`);

      const png = await download(page, `#${figure}-png`);
      assert.equal(png.name, `threadlab-${figure}.png`);
      assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${figure}.png has the PNG signature`);
      assert.equal(png.bytes.subarray(12, 16).toString('latin1'), 'IHDR');
      const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
      assert.deepEqual([w, h], [2 * Number(shown.width), 2 * Number(shown.height)], `${figure}.png is the chart at twice its size`);
      assert.ok(png.bytes.length > 10_000, `${figure}.png is not trivial (${png.bytes.length} bytes)`);
    }
    assert.equal(await page.isHidden('#error'), true, 'no export failed');
  });
});

// ---------------------------------------------------------------------------------------------
// Statistics in the table (not isolated: threads are skipped; a coarse timer makes runs short)

test('table and bars on a page without isolation: skipped modes noted, too-short runs warned about', { timeout: 120_000 }, async () => {
  await ctx.withPage({ isolated: false }, async ({ page }) => {
    const caps = await page.evaluate(() => window.threadlab.capabilities());
    const spec = { workload: { kind: 'fib', n: 12 }, tasks: 2, modes: ['sequential', 'threads', 'async'], workers: [1], repeat: 5, warmup: 0 };
    const report = await mustRun(page, spec);
    const threads = runOf(report, 'threads', 1);
    assert.ok(threads.skipped, 'threads are skipped without isolation');
    const seq = runOf(report, 'sequential', 1);
    assert.equal(seq.verified, true, describeRun(seq));
    const limit = 100 * caps.timer_resolution_ms;
    assert.ok(seq.median_ms < limit, `a tiny run (${seq.median_ms} ms) is under 100 ticks (${limit} ms)`);
    const short = (seq.warnings ?? []).find((w) => /too short/.test(w));
    assert.ok(short, `a too-short warning: ${JSON.stringify(seq.warnings)}`);

    const rows = await tableRows(page);
    const row = rows.find((r) => r.id === 'run-sequential-1');
    assert.ok(row.cells[8].includes(`warning: ${short}`), `the notes show the warning: ${row.cells[8]}`);
    assert.match(row.cells[3], /^[\d.]+ ms ± [\d.]+ ms$/, 'mean ± σ');
    assert.match(row.cells[4], /^[\d.]+ ms … [\d.]+ ms$/, 'min … max');
    const skipped = rows.find((r) => r.id === 'run-threads-1');
    assert.equal(skipped.className, 'skipped');
    assert.match(skipped.cells[8], /skipped/);
    assert.ok((await page.$$eval('#verdict-details li', (lis) => lis.map((l) => l.textContent))).some((d) => d.includes(threads.skipped)),
      'the verdict details give the reason');

    const c = await chartsOnPage(page);
    assert.equal(c.bars.bars.length, measured(report).length, 'a bar per measured run only');
    assert.deepEqual(c.bars.series.map((s) => s.mode), ['sequential', 'async']);
    assert.deepEqual(c.bars.skipped.map((s) => [s.mode, s.workers]), [['threads', '1']], 'the skipped run is noted under the chart');
    assert.equal(c.figures['chart-scaling'].visible, false, 'no scaling chart for one worker count');
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Permalinks

test('permalink: #spec= restores the form without running; the page\'s link and embed code round-trip', { timeout: 120_000 }, async () => {
  const spec = { workload: { kind: 'sum', n: 123456 }, tasks: 6, modes: ['sequential', 'processes'], workers: [1, 3], repeat: 2, warmup: 0,
    gil: { switch_interval_ms: 7.5 }, processes: { start: 'warm' }, time_limit_s: 45 };
  const expectedForm = { kind: 'sum', n: '123456', nShown: true, url: '', tasks: '6', modes: ['sequential', 'processes'], workers: '1, 3',
    repeat: '2', warmup: '0', switchInterval: '7.5', processStart: 'warm', error: null };
  let permalink;
  await ctx.withPage({ query: `#spec=${b64url(spec)}` }, async ({ page, context }) => {
    assert.deepEqual(await formState(page), expectedForm);
    await page.waitForTimeout(300);
    assert.equal((await tableRows(page)).length, 0, 'a link without run=1 does not run');
    assert.equal(await page.isHidden('#charts'), true);

    await page.click('#run');
    await waitForResults(page, { rows: 3 });
    const rows = await tableRows(page);
    assert.deepEqual(rows.map((r) => r.id), ['run-sequential-1', 'run-processes-1', 'run-processes-3']);
    for (const r of rows) assert.match(r.cells[7], /^✓ /, JSON.stringify(r));

    permalink = await page.inputValue('#permalink');
    const prefix = `${ctx.isolatedUrl}#spec=`;
    assert.ok(permalink.startsWith(prefix), `permalink ${permalink}`);
    const fragment = permalink.slice(prefix.length);
    assert.match(fragment, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
    assert.deepEqual(fromB64url(fragment), spec, 'the link encodes the spec that ran');

    const embed = await page.inputValue('#embed-code');
    const iframe = embed.match(/<iframe src="([^"]+)"/);
    assert.ok(iframe, `an iframe in the embed code: ${embed}`);
    assert.equal(iframe[1].replaceAll('&amp;', '&'), `${ctx.isolatedUrl}?embed=1#spec=${fragment}`);
    assert.ok(embed.includes(`<script src="${ctx.isolatedUrl}www/embed.js" async></script>`), `the embed helper script: ${embed}`);

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.isolatedUrl.replace(/\/$/, '') });
    await page.click('#copy-link');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), permalink, 'Copy link copies the permalink');
  });
  // The copied link, opened anew, shows the same experiment.
  await ctx.withPage({ url: permalink }, async ({ page }) => {
    assert.deepEqual(await formState(page), expectedForm);
  });
});

test('permalink: &run=1 (in the fragment or the query) runs the experiment at load, without asking', { timeout: 120_000 }, async () => {
  const spec = { workload: { kind: 'fib', n: 22 }, tasks: 4, modes: ['sequential', 'threads', 'processes'], workers: [2], repeat: 1, warmup: 0 };
  for (const [query, how] of [[`#spec=${b64url(spec)}&run=1`, 'fragment'], [`?run=1#spec=${b64url(spec)}`, 'query']]) {
    await ctx.withPage({ query }, async ({ page }) => {
      const dialogs = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
      await waitForResults(page, { rows: 3 });
      const rows = await tableRows(page);
      assert.deepEqual(rows.map((r) => r.id), ['run-sequential-1', 'run-threads-2', 'run-processes-2'], `run=1 in the ${how}`);
      for (const r of rows) assert.equal(r.cells[7], `✓ ${4 * fib(22)}`, JSON.stringify(r));
      assert.equal(await page.isVisible('#charts'), true);
      assert.deepEqual(dialogs, [], 'a link that downloads nothing from another site asks nothing');
      assert.equal((await formState(page)).n, '22');
    });
  }
});

test('permalink: bad links say what is wrong, and the page stays usable', { timeout: 120_000 }, async () => {
  const cases = [
    ['#spec=!!!', [/cannot be loaded/, /not base64url/]],
    [`#spec=${Buffer.from('{nope').toString('base64url')}`, [/cannot be loaded/, /spec: is not valid JSON/]],
    [`#spec=${b64url({ workload: { kind: 'fib', n: 99 } })}&run=1`, [/cannot be loaded/, /workload\.n/, /1 to 45/, /99/]],
  ];
  for (const [i, [query, patterns]] of cases.entries()) {
    await ctx.withPage({ query }, async ({ page }) => {
      const f = await formState(page);
      for (const re of patterns) assert.match(f.error ?? '', re, `${query}: ${f.error}`);
      assert.equal(f.kind, 'fib', 'the form keeps its defaults');
      assert.equal(f.n, '30');
      assert.equal(await page.isEnabled('#run'), true);
      await page.waitForTimeout(200);
      assert.equal((await tableRows(page)).length, 0, 'nothing ran');
      if (i === cases.length - 1) {
        // Usable: a small experiment typed into the form runs, and the error goes away.
        await page.fill('#param-n', '20');
        await page.fill('#tasks', '2');
        for (const m of MODES) await page.setChecked(`input[name=mode][value="${m}"]`, m === 'sequential');
        await page.fill('#workers', '1');
        await page.fill('#repeat', '1');
        await page.fill('#warmup', '0');
        await page.click('#run');
        await waitForResults(page, { rows: 1 });
        assert.equal((await tableRows(page))[0].cells[7], `✓ ${2 * fib(20)}`);
        assert.equal(await page.isHidden('#error'), true, 'the error is gone after a good run');
      }
    });
  }
});

test('permalink: &run=1 that downloads from another site asks first; dismissing runs nothing', { timeout: 120_000 }, async () => {
  const elsewhere = new URL(ctx.plainUrl); // another origin (port) than the page's
  const spec = { workload: { kind: 'fetch', url: `${ctx.plainUrl}www/embed.js` }, tasks: 2, modes: ['async'], workers: [1], repeat: 1, warmup: 0 };
  const query = `#spec=${b64url(spec)}&run=1`;

  // Dismissed: nothing runs, nothing is fetched from the other host, the form shows the link.
  // Accepted: it runs (the other host sends no CORS headers, so its downloads fail; the run
  // reports that).
  for (const accept of [false, true]) {
    const dialogs = [];
    const requests = [];
    const h = await openRaw(ctx.isolatedUrl + query, {
      allowErrors: accept ? [/CORS|ERR_FAILED|Failed to load resource/] : [],
      beforeGoto: (page) => {
        page.on('dialog', (d) => { dialogs.push({ type: d.type(), message: d.message() }); (accept ? d.accept() : d.dismiss()).catch(() => {}); });
        page.on('request', (r) => { if (r.url().startsWith(ctx.plainUrl)) requests.push(r.url()); });
      },
    });
    try {
      const { page } = h;
      await settled(page);
      await poll(() => dialogs.length > 0, { timeoutMs: 10_000 });
      assert.equal(dialogs.length, 1, 'one question');
      assert.equal(dialogs[0].type, 'confirm');
      assert.ok(dialogs[0].message.includes(elsewhere.host), `the question names the host: ${dialogs[0].message}`);
      if (!accept) {
        await page.waitForTimeout(1_000);
        assert.equal((await tableRows(page)).length, 0, 'dismissed: nothing ran');
        assert.deepEqual(requests, [], 'dismissed: nothing was downloaded from the other host');
        assert.equal(await page.isEnabled('#run'), true);
        const f = await formState(page);
        assert.equal(f.kind, 'fetch', 'the form shows the linked experiment');
        assert.equal(f.url, spec.workload.url);
        assert.equal(f.error, null);
      } else {
        await waitForResults(page, { rows: 1 });
        assert.ok(requests.length > 0, 'accepted: the run downloads from the other host');
        assert.deepEqual((await tableRows(page)).map((r) => r.id), ['run-async-1']);
      }
      h.assertNoErrors();
    } finally {
      await h.close();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 5. Embed

/** Records, in the top window only, every {threadlab: {height}} message it receives. */
function recordPostedHeights() {
  if (window !== window.top) return;
  window.__posted = [];
  addEventListener('message', (e) => { if (e.data?.threadlab) window.__posted.push(e.data.threadlab.height); });
}

async function embedFrame(page) {
  const frame = await poll(async () => page.frames().find((f) => /[?&]embed=1/.test(f.url())), { timeoutMs: 15_000 });
  assert.ok(frame, 'the example page has a threadlab iframe');
  await frame.waitForFunction(() => window.threadlab !== undefined, null, { timeout: 30_000 });
  await frame.evaluate(() => window.threadlab.ready);
  return frame;
}

/** The iframe's inner height and its document's content height (what it should be sized to). */
const frameHeights = (page, frame) => Promise.all([
  page.evaluate(() => document.querySelector('iframe').clientHeight),
  frame.evaluate(() => {
    const body = document.body;
    const bottom = Math.max(...[...body.children].filter((c) => c.getClientRects().length)
      .map((c) => c.getBoundingClientRect().bottom + parseFloat(getComputedStyle(c).marginBottom)));
    return Math.ceil(bottom + window.scrollY + parseFloat(getComputedStyle(body).marginBottom) + parseFloat(getComputedStyle(body).paddingBottom));
  }),
  page.evaluate(() => window.__posted.slice()),
]);

test('embed: the example blog page (not isolated) embeds the playground, which says threads are skipped and runs processes', { timeout: 120_000 }, async () => {
  const h = await openRaw(`${ctx.plainUrl}www/embed-example.html`, { initScript: recordPostedHeights });
  try {
    const { page } = h;
    const frame = await embedFrame(page);
    assert.equal(await page.evaluate(() => window.crossOriginIsolated), false, 'the blog is not isolated');
    const caps = await frame.evaluate(() => window.threadlab.capabilities());
    assert.equal(caps.cross_origin_isolated, false);
    assert.ok(!caps.modes.includes('threads') && caps.modes.includes('processes'), JSON.stringify(caps));

    // The compact view: title, the note about threads, a link to the full playground; no form,
    // table or exports.
    assert.equal(await frame.evaluate(() => document.documentElement.classList.contains('embed')), true);
    const preset = await frame.evaluate(() => window.threadlab.presets.find((p) => p.id === 'fib-threads-vs-processes'));
    assert.equal(await frame.isVisible('#embed-bar'), true);
    assert.equal((await frame.textContent('#embed-title')).trim(), preset.title);
    assert.equal(await frame.isVisible('#embed-note'), true);
    const note = await frame.textContent('#embed-note');
    assert.match(note, /threads are skipped/);
    assert.match(note, /cross-origin isolation/);
    const open = await frame.evaluate(() => ({ href: document.getElementById('open-full').href, target: document.getElementById('open-full').target }));
    assert.equal(open.target, '_blank');
    const prefix = `${ctx.plainUrl}#spec=`;
    assert.ok(open.href.startsWith(prefix) && !open.href.includes('embed=1'), `link to the full playground: ${open.href}`);
    const linked = fromB64url(open.href.slice(prefix.length));
    for (const k of ['workload', 'tasks', 'modes', 'workers']) assert.deepEqual(linked[k], preset.spec[k], `the full playground link carries ${k}`);
    for (const hidden of ['fieldset', '#results-table', '#exports', '.tagline', '#chart-scaling', '#chart-timeline']) {
      assert.equal(await frame.isHidden(hidden), true, `${hidden} is hidden in the embed`);
    }
    assert.equal(await frame.isVisible('#run'), true);
    const before = await page.evaluate(() => window.__posted.slice());
    assert.ok(before.length > 0 && before.every((x) => x > 0), `the embed posts its height: ${JSON.stringify(before)}`);

    // Run inside the iframe: the preset (10 x fib(41), 10 workers) without threads.
    await frame.click('#run');
    await frame.waitForFunction((rows) => !document.getElementById('run').disabled && document.querySelectorAll('#results-table tbody tr').length === rows,
      preset.spec.modes.length, { timeout: 90_000 });
    const rows = await frame.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.id, className: tr.className, verified: tr.children[7].textContent })));
    const checksum = String(10 * fib(preset.spec.workload.n));
    const row = (id) => rows.find((r) => r.id === id);
    assert.equal(row('run-processes-10')?.verified, `✓ ${checksum}`, `processes ran verified: ${JSON.stringify(rows)}`);
    assert.equal(row('run-sequential-1')?.verified, `✓ ${checksum}`);
    assert.equal(row('run-threads-10')?.className, 'skipped');
    assert.equal(row('run-threads-gil-10')?.className, 'skipped');
    const chart = await frame.evaluate(() => ({
      processes: document.querySelectorAll('#chart-bars g.bar[data-mode="processes"][data-workers="10"][data-verified="true"]').length,
      skipped: [...document.querySelectorAll('#chart-bars g.skipped')].map((g) => g.dataset.mode),
    }));
    assert.equal(await frame.isVisible('#chart-bars svg'), true, 'the embed shows the bars chart');
    assert.equal(chart.processes, 1, 'a verified processes bar');
    assert.deepEqual(chart.skipped.sort(), ['threads', 'threads-gil']);
    assert.ok((await frame.textContent('#verdict')).trim().length > 0);

    // The results made the embed taller; embed.js sized the iframe to the posted height.
    const sized = await poll(async () => {
      const [inner, , posted] = await frameHeights(page, frame);
      const last = posted[posted.length - 1];
      return last > 560 && Math.abs(inner - Math.ceil(last)) <= 1 ? { inner, last } : null;
    }, { timeoutMs: 10_000 });
    const [inner, content, posted] = await frameHeights(page, frame);
    assert.ok(sized, `the iframe should follow the posted height: iframe ${inner} px, posted ${JSON.stringify(posted)}, content ${content} px`);
    await page.evaluate(() => document.querySelector('iframe').scrollIntoView());
    await screenshot(page, 'views-embed.png');
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});

test('embed: the posted height fits the content, so the iframe has no empty space below it', { timeout: 60_000 }, async () => {
  // embed.js says it "sizes each threadlab iframe to its content". The example page starts the
  // iframe at 560 px; the compact view before a run is much shorter.
  const h = await openRaw(`${ctx.plainUrl}www/embed-example.html`, { initScript: recordPostedHeights });
  try {
    const { page } = h;
    const frame = await embedFrame(page);
    const fits = await poll(async () => {
      const [inner, content, posted] = await frameHeights(page, frame);
      return posted.length > 0 && Math.abs(posted[posted.length - 1] - content) <= 24 && Math.abs(inner - content) <= 24;
    }, { timeoutMs: 5_000 });
    const [inner, content, posted] = await frameHeights(page, frame);
    assert.ok(fits, `the embed's content is ${content} px tall, but it posted ${JSON.stringify(posted)} and the iframe is ${inner} px`);
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});

test('embed: on an isolated page ?embed=1 shows no threads note', { timeout: 60_000 }, async () => {
  await ctx.withPage({ query: '?embed=1&preset=fib-threads-vs-processes' }, async ({ page }) => {
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('embed')), true);
    assert.equal(await page.isVisible('#embed-bar'), true);
    assert.equal((await page.textContent('#embed-note')).trim(), '', 'threads run here: nothing to excuse');
    assert.equal(await page.isHidden('#embed-note'), true);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. A static host without COOP/COEP

test('bare host: the service worker isolates the page with one reload, never a loop; threads run', { timeout: 120_000 }, async () => {
  const headers = await readFile(join(DIST, '_headers'), 'utf8');
  assert.match(headers, /Cross-Origin-Opener-Policy:\s*same-origin/, 'dist/_headers sets COOP');
  assert.match(headers, /Cross-Origin-Embedder-Policy:\s*require-corp/, 'dist/_headers sets COEP');

  const h = await openRaw(bareUrl);
  try {
    const { page, navigations } = h;
    await settled(page);
    assert.equal(navigations.length, 2, `the first visit loads and reloads once: ${JSON.stringify(navigations)}`);
    await page.waitForTimeout(1_500);
    assert.equal(navigations.length, 2, `no further reload: ${JSON.stringify(navigations)}`);
    const caps = await page.evaluate(() => window.threadlab.capabilities());
    assert.equal(caps.cross_origin_isolated, true);
    assert.ok(caps.modes.includes('threads'), JSON.stringify(caps));

    const report = await mustRun(page, { workload: { kind: 'fib', n: 25 }, tasks: 4, modes: ['threads', 'threads-gil'], workers: [2], repeat: 1, warmup: 0 });
    assert.equal(report.env.cross_origin_isolated, true);
    for (const mode of ['threads', 'threads-gil']) {
      const r = runOf(report, mode, 2);
      assert.equal(r.verified, true, describeRun(r));
      assert.equal(r.checksum, String(4 * fib(25)));
    }

    // Reloading: one navigation, isolated at once, no loop.
    await page.reload();
    await settled(page);
    await page.waitForTimeout(1_500);
    assert.equal(navigations.length, 3, `a reload is one navigation: ${JSON.stringify(navigations)}`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);

    // Another tab of the same site: isolated from the first load.
    const other = await h.context.newPage();
    let otherNavigations = 0;
    other.on('framenavigated', (f) => { if (f === other.mainFrame()) otherNavigations++; });
    await other.goto(bareUrl);
    await settled(other);
    await other.waitForTimeout(1_000);
    assert.equal(otherNavigations, 1, 'a page the service worker already controls does not reload');
    h.assertNoErrors();
  } finally {
    await h.close();
  }
});

// ---------------------------------------------------------------------------------------------
// 7. Colour schemes

test('theme: charts follow prefers-color-scheme, also when it changes', { timeout: 120_000 }, async () => {
  await ctx.withPage({ contextOptions: { colorScheme: 'dark' } }, async ({ page }) => {
    await mustRun(page, { workload: { kind: 'fib', n: 25 }, tasks: 6, modes: MODES, workers: [1, 2], repeat: 2, warmup: 0 });
    const themes = () => page.$$eval('#charts svg.threadlab-chart', (svgs) => svgs.map((s) => [s.dataset.chart, s.dataset.theme]));
    const background = () => page.$$eval('#charts svg.threadlab-chart', (svgs) => svgs.map((s) => s.querySelector('rect').getAttribute('fill')));
    const luminance = (hex) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    assert.deepEqual(await themes(), [['bars', 'dark'], ['scaling', 'dark'], ['timeline', 'dark']]);
    for (const fill of await background()) assert.ok(luminance(fill) < 0.3, `a dark chart background: ${fill}`);
    await screenshot(page, 'views-dark.png');

    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => [...document.querySelectorAll('#charts svg.threadlab-chart')].every((s) => s.dataset.theme === 'light'));
    assert.deepEqual(await themes(), [['bars', 'light'], ['scaling', 'light'], ['timeline', 'light']]);
    for (const fill of await background()) assert.ok(luminance(fill) > 0.7, `a light chart background: ${fill}`);
  });
});

// ---------------------------------------------------------------------------------------------
// 8. Phone width and keyboard

test('phone width (390 px): Run by keyboard; charts laid out for the width, light and dark; the table scrolls in its box, never the page', { timeout: 120_000 }, async () => {
  const spec = { workload: { kind: 'fib', n: 24 }, tasks: 6, modes: MODES, workers: [1, 2], repeat: 2, warmup: 0 };
  // No isMobile: a mobile viewport would widen the layout viewport to whatever overflows it
  // (innerWidth follows scrollWidth), which hides the very overflow this test looks for.
  const contextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true };
  await ctx.withPage({ query: `#spec=${b64url(spec)}`, contextOptions }, async ({ page }) => {
    const overflow = () => page.evaluate(() => {
      const width = window.innerWidth;
      // The outermost elements that stick out of the viewport (their parent does not), except
      // inside a box that scrolls on its own (the table's), which is how wide content should fit.
      const sticksOut = (e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > width + 1;
      const inScroller = (e) => { for (let a = e.parentElement; a; a = a.parentElement) if (/auto|scroll|hidden/.test(getComputedStyle(a).overflowX)) return true; return false; };
      const wider = [...document.querySelectorAll('body *')].filter((e) => sticksOut(e) && !sticksOut(e.parentElement) && !inScroller(e))
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${e.className}` : ''} (${Math.round(e.getBoundingClientRect().width)} px wide)`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wider };
    });
    const before = await overflow();
    assert.equal(before.innerWidth, 390);

    // Tab from the top of the page to Run, then Enter.
    const path = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
      path.push(id);
      if (id === 'run') break;
    }
    assert.equal(path[path.length - 1], 'run', `Tab reaches the Run button: ${path.join(' > ')}`);
    assert.equal(await page.evaluate(() => document.activeElement.matches(':focus-visible')), true, 'the focus is visible');
    await page.keyboard.press('Enter');
    await waitForResults(page, { rows: 8 });
    assert.equal(await page.getAttribute('#verdict', 'aria-live'), 'polite', 'the verdict is announced when results arrive');
    await screenshot(page, 'views-phone.png');

    // Every chart is laid out for the phone, not scaled down: drawn as wide as its box, text at
    // least 11 px as rendered and inside the chart, the legend under the plots.
    await checkPhoneCharts(page, 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => [...document.querySelectorAll('#charts svg.threadlab-chart')].every((s) => s.dataset.theme === 'dark'));
    await checkPhoneCharts(page, 'dark');
    await screenshot(page, 'views-phone-dark.png');

    // The table scrolls inside its own box; the page never scrolls sideways.
    const table = await page.$eval('.table-wrap:has(#results-table)', (t) => ({ scroll: t.scrollWidth, client: t.clientWidth, right: t.getBoundingClientRect().right, overflowX: getComputedStyle(t).overflowX }));
    assert.ok(table.scroll > table.client && table.right <= 390 && table.overflowX === 'auto', `the table scrolls in its box: ${JSON.stringify(table)}`);
    const after = await overflow();
    assert.ok(after.scrollWidth <= 390, `document.documentElement.scrollWidth is ${after.scrollWidth}`);
    const problems = [['before a run', before], ['after a run', after]].filter(([, o]) => o.scrollWidth > o.innerWidth + 1)
      .map(([when, o]) => `${when}: the page is ${o.scrollWidth} px wide in a ${o.innerWidth} px viewport; sticking out: ${o.wider.join(', ')}`);
    assert.deepEqual(problems, [], 'no sideways scrolling of the page at 390 px');

    // Turned to a desktop width, the charts are redrawn wide (legend beside the plots), and back.
    await page.setViewportSize({ width: 1280, height: 844 });
    await page.waitForFunction(() => [...document.querySelectorAll('#charts svg.threadlab-chart')].every((s) => s.dataset.layout === 'wide'), null, { timeout: 10_000 });
    const wide = await chartLayout(page);
    for (const c of wide) assert.ok(c.legend.left >= c.plots.right - 1, `${c.kind} at 1280 px: the legend is beside the plots: ${JSON.stringify(c)}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => [...document.querySelectorAll('#charts svg.threadlab-chart')].every((s) => s.dataset.layout === 'narrow'), null, { timeout: 10_000 });
    await checkPhoneCharts(page, 'dark, after a resize');
  });
});

/** Each shown chart's box, drawn width, rendered text sizes and where its legend and plots are. */
const chartLayout = (page) => page.$$eval('#charts svg.threadlab-chart', (svgs) => svgs.filter((s) => s.getClientRects().length).map((svg) => {
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const rect = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
  const axes = [...svg.querySelectorAll('g.axes')].map(rect);
  const texts = [...svg.querySelectorAll('text')].map((t) => ({
    text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale, ...rect(t), rotated: t.hasAttribute('transform') }));
  return {
    kind: svg.dataset.chart, layout: svg.dataset.layout, drawn: svg.viewBox.baseVal.width, box: rect(svg), slot: svg.parentElement.getBoundingClientRect().width, axes: axes.length,
    legend: rect(svg.querySelector('g.legend > rect')),
    plots: { right: Math.max(...axes.map((a) => a.right)), bottom: Math.max(...axes.map((a) => a.bottom)) },
    texts,
  };
}));

async function checkPhoneCharts(page, when) {
  const charts = await chartLayout(page);
  assert.deepEqual(charts.map((c) => c.kind), ['bars', 'scaling', 'timeline'], `${when}: three charts shown`);
  for (const c of charts) {
    const what = `${c.kind} (${when})`;
    assert.equal(c.layout, 'narrow', `${what}: the narrow layout`);
    assert.ok(Math.abs(c.drawn - c.slot) <= 1 && c.box.right <= 390, `${what}: drawn ${c.drawn} px wide for a ${c.slot} px box, not scaled`);
    assert.ok(c.axes >= 1 && c.texts.length > 10, `${what}: ${c.axes} g.axes, ${c.texts.length} texts`);
    const small = c.texts.filter((t) => t.px < 11);
    assert.deepEqual(small, [], `${what}: every text renders at 11 px or more`);
    const outside = c.texts.filter((t) => !t.rotated && !t.text.startsWith('✗') && (t.left < c.box.left - 1 || t.right > c.box.right + 1));
    assert.deepEqual(outside, [], `${what}: every text inside the chart`);
    assert.ok(c.legend.top >= c.plots.bottom - 1, `${what}: the legend (top ${c.legend.top}) is below the plots (bottom ${c.plots.bottom})`);
  }
}
