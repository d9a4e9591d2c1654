// Static file server for the end-to-end tests: serves the built site (dist/) on loopback,
// cross-origin isolated (COOP/COEP, as trunk serve does) or not, to test both behaviours;
// over https when given a key and certificate (options.tls, e.g. a self-signed pair).
// Both send the Content-Security-Policy header (CSP) with every response, as www/_headers and
// trunk serve do; 'bare' sends no header at all, like a static host without header control.
// Once a test process calls reportCspTo(fn), the servers also send a report-only copy of the CSP
// whose reports (POST /__csp-report) go to fn: the only way to hear of a violation inside a
// worker, whose console the browser's CSP messages do not reach the tests from.
//   node tests/server.mjs <dir> <port> [--isolated|--bare]
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/** The site's CSP, from its one source (scripts/csp/policy.txt), as index.html, www/_headers,
 *  Trunk.toml and www/sw.js have it written. */
import { CSP } from '../scripts/csp/policy.mjs';

export { CSP };

const REPORT_PATH = '/__csp-report';
let reportTo = null;

/** fn(report) receives every CSP violation report (the JSON's "csp-report" object). */
export function reportCspTo(fn) {
  reportTo = fn;
}

/**
 * True when `file` is `root` or below it. A decoded %2F makes `..` segments that the URL parser
 * left alone, so `root` + `/../<root's name>-x/f` must not pass as if it were under `root`.
 */
function inside(root, file) {
  const rel = relative(root, file);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** options: { tls: { key, cert } } serves https instead of http. */
export function serve(dir, port, isolated, { tls } = {}) {
  const root = resolve(dir);
  const handler = async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('not a valid URL path');
      return;
    }
    if (path === REPORT_PATH && req.method === 'POST') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      let report;
      try {
        report = JSON.parse(Buffer.concat(chunks).toString('utf8'))['csp-report'];
      } catch {
        report = { unreadable: Buffer.concat(chunks).toString('utf8') };
      }
      reportTo?.(report);
      res.writeHead(204).end();
      return;
    }
    let file = join(root, path);
    if (!inside(root, file)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' };
      if (isolated === true) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      } else if (isolated === false) {
        headers['Cross-Origin-Embedder-Policy'] = 'unsafe-none';
      }
      if (isolated !== 'bare') {
        headers['Content-Security-Policy'] = CSP;
        if (reportTo) headers['Content-Security-Policy-Report-Only'] = `${CSP}; report-uri ${REPORT_PATH}`;
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  };
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, port, flag] = process.argv.slice(2);
  const mode = flag === '--isolated' ? true : flag === '--bare' ? 'bare' : false;
  await serve(dir, Number(port), mode);
  console.log(`serving ${dir} on http://127.0.0.1:${port} (${{ true: 'cross-origin isolated', false: 'not isolated', bare: 'no headers' }[mode]})`);
}
