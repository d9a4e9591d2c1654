// Static file server for the end-to-end tests: serves the built site (dist/) on loopback,
// cross-origin isolated (COOP/COEP, as trunk serve does) or not, to test both behaviours;
// over https when given a key and certificate (options.tls, e.g. a self-signed pair).
//   node tests/server.mjs <dir> <port> [--isolated]
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/** options: { tls: { key, cert } } serves https instead of http. */
export function serve(dir, port, isolated, { tls } = {}) {
  const root = resolve(dir);
  const handler = async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
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
