// Security (issue 6): one Content-Security-Policy, the same string wherever the site is served
// (index.html's <meta>, www/_headers, Trunk.toml, the service worker, the test server), without
// 'unsafe-inline' or 'unsafe-eval'; in force in the page and in its workers, on hosts that send
// headers and on a bare host (where the service worker adds it); a whole experiment, with every
// chart and every export, runs under it without a single violation (the harness fails every test
// of the suite on any violation; here it also sees them being caught); user-controlled strings
// (permalinks, presets, URLs, error messages) are shown as text, never as markup.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP, serve } from '../server.mjs';
import { DIST, fib, mustRun, poll, setup, takeCspViolations } from './harness.mjs';

const ctx = setup();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const FIGURES = ['chart-bars', 'chart-scaling', 'chart-timeline'];
const b64url = (spec) => Buffer.from(JSON.stringify(spec)).toString('base64url');

// A host with no headers (the service worker adds COOP/COEP and the CSP), and a CORS host to
// download from (another origin: connect-src must allow any http(s) URL a user gives).
let bare;
let bareUrl = '';
let cors;
let corsUrl = '';
before(async () => {
  bare = await serve(DIST, 0, 'bare');
  bareUrl = `http://127.0.0.1:${bare.address().port}/`;
  cors = createServer((req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'no-store',
    }).end(`body of ${req.url}\n`.repeat(20));
  });
  await new Promise((ok) => cors.listen(0, '127.0.0.1', ok));
  corsUrl = `http://127.0.0.1:${cors.address().port}/`;
});
after(async () => {
  for (const s of [bare, cors]) {
    s?.closeAllConnections?.();
    await new Promise((ok) => (s ? s.close(ok) : ok()));
  }
});

/** The policy's directives: { name: [sources] }. */
function directives(policy) {
  return Object.fromEntries(policy.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/);
    return [name, sources];
  }));
}

/** The one match of `re` in the file (its first group). */
async function extract(path, re) {
  const text = await readFile(join(ROOT, path), 'utf8');
  const found = [...text.matchAll(new RegExp(re, 'g'))].map((m) => m[1]);
  assert.equal(found.length, 1, `one CSP in ${path}: ${JSON.stringify(found)}`);
  return found[0];
}

/** The response headers of a GET to `url`. */
async function headersOf(url) {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.headers;
}

/** Opens `url` in a new context and waits until the page is ready as it will stay (a bare host reloads once). */
async function openSettled(url, isolated) {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  const ok = await poll(async () => {
    try {
      return await page.evaluate(async (iso) => typeof window.threadlab?.capabilities === 'function' && crossOriginIsolated === iso
        && window.threadlab.ready.then(() => true), isolated);
    } catch {
      return false; // the isolation reload destroyed the context
    }
  }, { timeoutMs: 30_000 });
  assert.ok(ok, `${url} did not settle`);
  return { page, context, errors };
}

/**
 * Starts www/threads-worker.js (a module worker of the site, which imports the glue it is sent)
 * and asks it to import `glue`: its answer ({error} when the import is refused). The worker
 * lives on a while: terminated at once, it might not get to send its violation report.
 */
const workerImports = (page, glue) => page.evaluate((g) => new Promise((done) => {
  const worker = new Worker('www/threads-worker.js', { type: 'module' });
  const end = (answer) => { setTimeout(() => worker.terminate(), 3_000); done(answer); };
  worker.onmessage = ({ data }) => end(data);
  worker.onerror = (e) => end({ error: `worker error: ${e.message}` });
  worker.postMessage({ glue: g, wasm: null, threads: 1 });
}), glue);

// A module that would post "ran" if a worker were allowed to load it.
const DATA_MODULE = `data:text/javascript,${encodeURIComponent('postMessage("ran")')}`;

// ---------------------------------------------------------------------------------------------

test('one policy, the same in every place that delivers it, without unsafe-inline or unsafe-eval', async () => {
  const places = {
    'index.html': await extract('index.html', '<meta http-equiv="Content-Security-Policy" content="([^"]+)">'),
    'dist/index.html': await extract('dist/index.html', '<meta http-equiv="Content-Security-Policy" content="([^"]+)">'),
    'www/_headers': await extract('www/_headers', '\\n  Content-Security-Policy: ([^\\n]+)'),
    'dist/_headers': await extract('dist/_headers', '\\n  Content-Security-Policy: ([^\\n]+)'),
    'Trunk.toml': await extract('Trunk.toml', '\\n"Content-Security-Policy" = "([^"]+)"'),
    'www/sw.js': await extract('www/sw.js', '\\nconst CSP = "([^"]+)";'),
    'dist/sw.js': await extract('dist/sw.js', '\\nconst CSP = "([^"]+)";'),
  };
  for (const [place, policy] of Object.entries(places)) assert.equal(policy, CSP, `${place} has the site's CSP`);

  const d = directives(CSP);
  for (const [name, sources] of Object.entries(d)) {
    for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", '*', 'data:']) {
      if (forbidden === 'data:' && name === 'img-src') continue; // the page's empty favicon (data:,)
      assert.ok(!sources.includes(forbidden), `${name} allows ${forbidden}`);
    }
    if (name !== 'script-src') assert.ok(!sources.includes("'wasm-unsafe-eval'"), `${name}: 'wasm-unsafe-eval' belongs to script-src only`);
  }
  assert.deepEqual(d['default-src'], ["'self'"]);
  assert.deepEqual(d['script-src'], ["'self'", "'wasm-unsafe-eval'"], 'scripts from the site only; WebAssembly may compile');
  assert.deepEqual(d['style-src'], ["'self'"], 'no inline styles, no style attributes');
  assert.deepEqual(d['connect-src'], ["'self'", 'http:', 'https:'], 'a user may download from any http(s) URL');
  assert.deepEqual(d['object-src'], ["'none'"]);
  assert.equal(d['frame-ancestors'], undefined, 'any blog may embed the playground');

  // The test servers send it as a header with the page and with worker scripts; a bare host does not.
  for (const base of [ctx.isolatedUrl, ctx.plainUrl]) {
    for (const path of ['', 'www/process-worker.js', 'www/threads-worker.js', 'sw.js']) {
      assert.equal((await headersOf(base + path)).get('content-security-policy'), CSP, `${base}${path}`);
    }
  }
  assert.equal((await headersOf(bareUrl)).get('content-security-policy'), null);
  // trunk serve injects no inline auto-reload script.
  assert.match(await readFile(join(ROOT, 'Trunk.toml'), 'utf8'), /\nno_autoreload = true\n/);
  // Nothing in the built site writes HTML from strings: no script has such a call, and the Wasm
  // modules, which reach the DOM only through their glue (pkg/*.js), do not even hold the names.
  const built = (await readdir(join(DIST, 'pkg'), { recursive: true })).filter((f) => /\.(js|wasm)$/.test(f)).map((f) => `pkg/${f}`);
  assert.ok(['app', 'view', 'worker', 'threads'].every((m) => built.includes(`pkg/${m}.js`) && built.includes(`pkg/${m}_bg.wasm`)), built.join());
  const scripts = (await readdir(join(DIST, 'www'))).filter((f) => f.endsWith('.js')).map((f) => `www/${f}`);
  assert.ok(['boot', 'process-worker', 'pool-thread', 'threads-worker', 'embed'].every((s) => scripts.includes(`www/${s}.js`)), scripts.join());
  for (const file of [...built, ...scripts, 'sw.js']) {
    const text = await readFile(join(DIST, file), 'latin1');
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc/, file);
    if (file.endsWith('.js')) assert.doesNotMatch(text, /\beval\(|new Function\b/, file);
  }
});

test('the policy is in force: inline script, handlers, eval, style attributes and scripts from elsewhere are refused, also in workers', async () => {
  // The refusals are logged as console errors too: expected here.
  await ctx.withPage({ allowErrors: [/^console\.error: .*Content Security Policy/s] }, async ({ page, context }) => {
    // A worker gets the policy from its script's response header (a <meta> does not reach it).
    const answer = await workerImports(page, DATA_MODULE);
    assert.notEqual(answer, 'ran', 'the worker refused a data: module');
    assert.match(answer.error, /import|fetch/i, JSON.stringify(answer));

    // A script of the site's own origin that tries eval: page.evaluate itself may eval (DevTools
    // allows it), so the attempt must come from a script of the page.
    await context.route('**/__security-test/eval.js', (route) => route.fulfill({
      contentType: 'text/javascript',
      body: `let r = {};
        try { eval('1'); r.eval = 'ran'; } catch (e) { r.eval = e.name; }
        try { Function('return 1')(); r.newFunction = 'ran'; } catch (e) { r.newFunction = e.name; }
        r.stringTimer = setTimeout('window.__timerRan = true', 0);
        export default r;`,
    }));
    const refused = await page.evaluate(async (elsewhere) => {
      const out = {};
      document.head.append(Object.assign(document.createElement('script'), { textContent: 'window.__inlineRan = true' }));
      out.inlineScript = window.__inlineRan === undefined;
      const handler = document.body.appendChild(document.createElement('button'));
      handler.setAttribute('onclick', 'window.__handlerRan = true');
      handler.click();
      handler.remove();
      out.inlineHandler = window.__handlerRan === undefined;
      const evals = (await import('./__security-test/eval.js')).default;
      await new Promise((ok) => setTimeout(ok, 50));
      out.eval = evals.eval;
      out.newFunction = evals.newFunction;
      out.stringTimer = evals.stringTimer === 0 && window.__timerRan === undefined;
      const attr = document.body.appendChild(document.createElement('div'));
      attr.setAttribute('style', 'color: rgb(255, 0, 0)');
      out.styleAttribute = getComputedStyle(attr).color !== 'rgb(255, 0, 0)';
      // The CSSOM is not inline style: what embed.js uses to size an iframe still works.
      const cssom = document.body.appendChild(document.createElement('div'));
      cssom.style.setProperty('color', 'rgb(0, 128, 0)');
      out.cssomAllowed = getComputedStyle(cssom).color === 'rgb(0, 128, 0)';
      attr.remove();
      cssom.remove();
      out.otherOrigin = await import(elsewhere).then(() => false, () => true);
      return out;
    }, `${ctx.plainUrl}www/embed.js`);
    assert.deepEqual(refused, {
      inlineScript: true, inlineHandler: true, eval: 'EvalError', newFunction: 'EvalError', stringTimer: true,
      styleAttribute: true, cssomAllowed: true, otherOrigin: true,
    });
    // Every refusal was seen by the harness (events, console, the server's reports), workers' too.
    const seen = [];
    await poll(() => {
      seen.push(...takeCspViolations());
      return seen.some((v) => /^CSP report: .*threads-worker\.js/.test(v));
    }, { timeoutMs: 5_000 });
    await page.waitForTimeout(500); // the other reports of these refusals
    seen.push(...takeCspViolations());
    const kinds = {
      inline: /script-src(-elem)? refused (an inline resource|inline)/,
      handler: /script-src(-attr)? refused (an inline resource|inline)/,
      eval: /script-src refused eval/,
      style: /style-src(-attr)? refused (an inline resource|inline)/,
      elsewhere: new RegExp(`script-src(-elem)? refused ${ctx.plainUrl}www/embed\\.js`),
      worker: /^CSP report: script-src(-elem)? refused data.*threads-worker\.js/,
    };
    for (const [kind, re] of Object.entries(kinds)) assert.ok(seen.some((v) => re.test(v)), `${kind} was reported: ${JSON.stringify(seen, null, 1)}`);
    const unexplained = seen.filter((v) => !/^CSP console/.test(v) && !Object.values(kinds).some((re) => re.test(v)));
    assert.deepEqual(unexplained, [], 'nothing else was refused');
  });
});

test('bare host: the service worker gives pages and workers the policy', async () => {
  const { page, context, errors } = await openSettled(bareUrl, true);
  try {
    const answer = await workerImports(page, DATA_MODULE);
    assert.notEqual(answer, 'ran', 'the worker refused a data: module');
    assert.match(answer.error, /import|fetch/i, JSON.stringify(answer));
    // The page's own workers run under it: a run in every mode works.
    const report = await mustRun(page, { workload: { kind: 'fib', n: 15 }, tasks: 2, modes: MODES, workers: [2], repeat: 1, warmup: 0 });
    assert.ok(report.runs.every((r) => r.verified), JSON.stringify(report.runs.map((r) => [r.mode, r.verified, r.skipped])));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
  // The worker's refusal reaches no report (a bare host has no reporting); the page saw none.
  assert.deepEqual(takeCspViolations(), []);
});

test('a whole experiment under the policy: every mode, the charts, every export, both colour schemes, downloads; no violation', { timeout: 240_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // plotters once measured text with <span style="..."> in the page: count any span added.
    await page.evaluate(() => {
      window.__spans = 0;
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n.nodeName === 'SPAN') window.__spans += 1;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.selectOption('#kind', 'fib');
    await page.fill('#param-n', '20');
    await page.fill('#tasks', '4');
    for (const m of MODES) await page.setChecked(`input[name=mode][value="${m}"]`, true);
    await page.fill('#workers', '1, 2');
    await page.fill('#repeat', '2');
    await page.fill('#warmup', '0');
    await page.click('#run');
    await page.waitForFunction(() => !document.getElementById('run').disabled && document.querySelectorAll('#results-table tbody tr').length === 8
      && !document.getElementById('exports').hidden, null, { timeout: 120_000 });
    const verified = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => tr.children[7].textContent));
    assert.deepEqual(verified, Array(8).fill(`✓ ${4 * fib(20)}`));

    // Every export.
    const saved = {};
    for (const selector of ['#export-csv', '#export-json', '#export-trace', ...FIGURES.flatMap((f) => [`#${f}-svg`, `#${f}-png`])]) {
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(selector)]);
      saved[selector] = { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
    }
    for (const f of FIGURES) {
      assert.match(saved[`#${f}-svg`].bytes.toString('utf8'), /^<svg /, `${f}.svg`);
      assert.deepEqual([...saved[`#${f}-png`].bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${f}.png is a PNG`);
    }
    assert.ok(JSON.parse(saved['#export-json'].bytes.toString('utf8')).runs.length === 8);

    // Labels fit as the browser really draws them: legend texts inside their box, titles inside the chart.
    const layout = () => page.evaluate((figures) => figures.map((f) => {
      const svg = document.querySelector(`#${f} svg`);
      const width = svg.viewBox.baseVal.width;
      const legend = svg.querySelector('g.legend');
      const rect = (el) => { const { x, y, width: w, height: h } = el.getBBox(); return { x, y, width: w, height: h }; };
      const texts = [...legend.querySelectorAll('text')].map((t) => ({ text: t.textContent.trim(), ...rect(t) }));
      return { f, width, box: rect(legend.querySelector('rect')), texts, title: rect(svg.querySelector('text')) };
    }), FIGURES);
    const check = (charts) => {
      for (const { f, width, box, texts, title } of charts) {
        assert.ok(texts.length >= 1, `${f}: legend entries`);
        for (const t of texts) {
          assert.ok(t.x >= box.x && t.x + t.width <= box.x + box.width, `${f}: legend label ${JSON.stringify(t)} outside ${JSON.stringify(box)}`);
          assert.ok(t.y >= box.y && t.y + t.height <= box.y + box.height, `${f}: legend label ${t.text} outside the box vertically`);
        }
        assert.ok(box.x + box.width <= width, `${f}: the legend fits the chart`);
        assert.ok(title.x >= 0 && title.x + title.width <= width, `${f}: the title fits the chart`);
      }
    };
    check(await layout());
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator('#charts').screenshot({ path: join(ARTIFACTS, 'security-charts-light.png') });
    await writeFile(join(ARTIFACTS, 'security-export-scaling.png'), saved['#chart-scaling-png'].bytes);

    // The other colour scheme redraws every chart.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => [...document.querySelectorAll('#charts svg')].every((s) => s.dataset.theme === 'dark'));
    check(await layout());
    await page.locator('#charts').screenshot({ path: join(ARTIFACTS, 'security-charts-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Downloads: from another origin's CORS host (connect-src http:), and from the built-in
    // endpoint with files (the service worker, OPFS), in every mode.
    const remote = await mustRun(page, { workload: { kind: 'fetch', url: `${corsUrl}{letter}.txt` }, tasks: 4, modes: MODES, workers: [2], repeat: 1, warmup: 0 });
    assert.ok(remote.runs.every((r) => r.verified), JSON.stringify(remote.runs.map((r) => [r.mode, r.verified, r.errors])));
    const endpoint = await mustRun(page, { workload: { kind: 'fetch_write', delay_ms: 20, bytes: 2048 }, tasks: 4, modes: MODES, workers: [2], repeat: 1, warmup: 0 });
    assert.ok(endpoint.runs.every((r) => r.verified), JSON.stringify(endpoint.runs.map((r) => [r.mode, r.verified, r.errors])));

    assert.equal(await page.evaluate(() => window.__spans), 0, 'nothing measured text in the page');
  });
});

test('user-controlled strings are shown as text, never as markup', { timeout: 120_000 }, async () => {
  const markup = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  const injected = (page) => page.evaluate(() => ({
    pwned: window.__pwned === true || window.__pwned === 1,
    elements: document.querySelectorAll('img, b, iframe, object, embed, script:not([src])').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
  const clean = { pwned: false, elements: 0, handlers: 0 };

  // A preset id and a spec in the address, both with markup: the error says what was wrong, as text.
  for (const query of [`?preset=${encodeURIComponent(markup)}`, `#spec=${b64url({ workload: { kind: markup }, tasks: 2 })}`]) {
    await ctx.withPage({ query }, async ({ page }) => {
      await page.waitForSelector('#error:not([hidden])');
      const error = await page.textContent('#error');
      assert.ok(error.length > 0, query);
      // The address bar percent-encodes < > " in a query; either way the error quotes it as text.
      if (query.startsWith('?preset')) assert.ok(error.includes(encodeURIComponent(markup)) || error.includes(markup), `the error quotes the id: ${error}`);
      assert.equal(await page.$$eval('#error *', (els) => els.length), 0, 'the error box holds text only');
      assert.deepEqual(await injected(page), clean, query);
    });
  }

  // A URL with markup (a valid http URL: no spaces) to a closed port: the tasks fail, and the URL
  // and the failure appear in the form, the table, the charts and the exports as text.
  const url = 'http://127.0.0.1:9/<img/src=x/onerror=window.__pwned=1>/<b>{i}</b>';
  const spec = { workload: { kind: 'fetch', url, timeout_ms: 2000 }, tasks: 2, modes: ['async', 'processes'], workers: [1], repeat: 1, warmup: 0 };
  const refused = [/^console\.error: Failed to load resource: net::ERR_CONNECTION_REFUSED \(http:\/\/127\.0\.0\.1:9\//];
  await ctx.withPage({ query: `#spec=${b64url(spec)}`, allowErrors: refused }, async ({ page }) => {
    assert.equal(await page.inputValue('#param-url'), url, 'the form shows the URL as typed');
    await page.click('#run');
    await page.waitForFunction(() => !document.getElementById('run').disabled && document.querySelectorAll('#results-table tbody tr').length === 2, null, { timeout: 60_000 });
    const notes = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(notes.every((n) => /127\.0\.0\.1:9|unreachable|could not/i.test(n)), `each row names the failure: ${notes}`);
    const chartText = await page.$$eval('#charts svg', (svgs) => svgs.map((s) => s.textContent).join(' '));
    assert.ok(chartText.includes('✗'), 'the charts mark the failed runs');
    assert.equal(await page.$$eval('#charts svg *', (els) => els.filter((e) => e.namespaceURI !== 'http://www.w3.org/2000/svg').length), 0, 'the charts hold SVG only');
    assert.ok((await page.inputValue('#permalink')).includes('#spec='), 'the permalink encodes the spec');
    assert.ok((await page.inputValue('#embed-code')).startsWith('<iframe src="'), 'the embed code is text in a textarea');
    assert.deepEqual(await injected(page), clean);
  });
});
