// The end-to-end tests' static file server (tests/server.mjs): it serves its folder and nothing
// outside it, with the headers each mode promises. Needs no build and no browser:
//   node --test tests/server.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSP, reportCspTo, serve } from './server.mjs';

// <tmp>/dist is served; <tmp>/dist-evil and <tmp>/secret.txt sit next to it and must stay out of reach.
let base;
const servers = {};

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'threadlab-server-'));
  await mkdir(join(base, 'dist', 'sub'), { recursive: true });
  await mkdir(join(base, 'dist-evil'));
  await writeFile(join(base, 'dist', 'index.html'), '<p>root</p>');
  await writeFile(join(base, 'dist', 'sub', 'index.html'), '<p>sub</p>');
  await writeFile(join(base, 'dist', 'app.wasm'), 'wasm');
  await writeFile(join(base, 'dist', '..notes.txt'), 'a name that starts with two dots');
  await writeFile(join(base, 'dist-evil', 'secret.txt'), 'SIBLING SECRET');
  await writeFile(join(base, 'secret.txt'), 'PARENT SECRET');
  for (const [name, mode] of [['isolated', true], ['plain', false], ['bare', 'bare']]) {
    servers[name] = await serve(join(base, 'dist'), 0, mode);
  }
});

after(async () => {
  for (const s of Object.values(servers)) await new Promise((ok) => s.close(ok));
  await rm(base, { recursive: true, force: true });
});

/** Sends `path` as it is (no URL normalisation on the client's side); fails when no answer comes. */
function get(server, path, method = 'GET', body) {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.address().port, path, method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.setTimeout(5_000, () => req.destroy(new Error(`${path}: no answer within 5 s`)));
    req.end(body);
  });
}

test('a sibling folder whose name starts with the root folder\'s is not served', async () => {
  for (const path of ['/..%2Fdist-evil/secret.txt', '/..%2fdist-evil%2fsecret.txt', '/sub/..%2F..%2Fdist-evil/secret.txt']) {
    const r = await get(servers.isolated, path);
    assert.equal(r.status, 403, `${path}: HTTP ${r.status} ${r.body}`);
    assert.doesNotMatch(r.body, /SECRET/, path);
  }
});

test('nothing above the root folder is served', async () => {
  for (const path of ['/..%2Fsecret.txt', '/..%2F..%2F..%2F..%2Fetc%2Fpasswd', '/%2E%2E%2Fsecret.txt', '/..%5Csecret.txt']) {
    const r = await get(servers.isolated, path);
    assert.ok(r.status === 403 || r.status === 404, `${path}: HTTP ${r.status} ${r.body}`);
    assert.doesNotMatch(r.body, /SECRET|root:/, path);
  }
});

test('a path that is not valid percent-encoding is refused, and the server goes on', async () => {
  const r = await get(servers.isolated, '/%E0%A4%A');
  assert.equal(r.status, 400);
  assert.equal((await get(servers.isolated, '/')).status, 200);
});

test('files inside the root are served, also one whose name starts with two dots, and folders give index.html', async () => {
  assert.equal((await get(servers.isolated, '/')).body, '<p>root</p>');
  assert.equal((await get(servers.isolated, '/sub/')).body, '<p>sub</p>');
  assert.equal((await get(servers.isolated, '/sub/..%2Findex.html')).body, '<p>root</p>');
  assert.equal((await get(servers.isolated, '/..notes.txt')).body, 'a name that starts with two dots');
  const wasm = await get(servers.isolated, '/app.wasm');
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.equal(wasm.headers['cache-control'], 'no-store');
  const missing = await get(servers.isolated, '/nothing-here.js');
  assert.equal(missing.status, 404);
  assert.equal(missing.body, 'not found');
});

test('each mode sends its headers: isolated COOP/COEP and CSP, plain COEP unsafe-none and CSP, bare none', async () => {
  const isolated = (await get(servers.isolated, '/')).headers;
  assert.equal(isolated['cross-origin-opener-policy'], 'same-origin');
  assert.equal(isolated['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(isolated['content-security-policy'], CSP);
  assert.equal(isolated['content-type'], 'text/html; charset=utf-8');
  const plain = (await get(servers.plain, '/')).headers;
  assert.equal(plain['cross-origin-opener-policy'], undefined);
  assert.equal(plain['cross-origin-embedder-policy'], 'unsafe-none');
  assert.equal(plain['content-security-policy'], CSP);
  const bare = (await get(servers.bare, '/')).headers;
  for (const h of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-security-policy', 'content-security-policy-report-only']) {
    assert.equal(bare[h], undefined, h);
  }
});

test('CSP reports: report-only header once asked, reports handed over, unreadable ones kept', async () => {
  const reports = [];
  reportCspTo((r) => reports.push(r));
  try {
    const headers = (await get(servers.isolated, '/')).headers;
    assert.equal(headers['content-security-policy-report-only'], `${CSP}; report-uri /__csp-report`);
    const sent = { 'csp-report': { 'effective-directive': 'script-src', 'blocked-uri': 'inline' } };
    assert.equal((await get(servers.isolated, '/__csp-report', 'POST', JSON.stringify(sent))).status, 204);
    assert.equal((await get(servers.isolated, '/__csp-report', 'POST', 'not json')).status, 204);
    assert.deepEqual(reports, [sent['csp-report'], { unreadable: 'not json' }]);
  } finally {
    reportCspTo(null);
  }
});
