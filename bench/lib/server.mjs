// The release build served as the end-to-end tests serve it (tests/server.mjs, cross-origin
// isolated), plus what the bench needs: a log of every request (to measure what the page really
// loads, workers and service worker included), the bench's own pages under /__bench/, and
// POST /__bench/result, where a bench page run with no DevTools client sends its figures.
import { readFile } from 'node:fs/promises';
import { serve } from '../../tests/server.mjs';

export async function startServer(dir, port) {
  const server = await serve(dir, port, true);
  const [files] = server.listeners('request');
  server.removeAllListeners('request');
  const log = [];
  let deliver = null;
  server.on('request', async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    log.push({ path, at: performance.now() });
    if (path === '/__bench/result' && req.method === 'POST') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      res.writeHead(204).end();
      let result;
      try {
        result = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        result = { error: 'the page sent a result that is not JSON' };
      }
      deliver?.(result);
      deliver = null; // one result a page: a second post from it is ignored
      return;
    }
    if (path.startsWith('/__bench/')) {
      const name = path.slice('/__bench/'.length).replace(/[^a-z0-9_.-]/gi, '');
      try {
        const body = await readFile(new URL(`../pages/${name}`, import.meta.url));
        res.writeHead(200, {
          'Content-Type': name.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8', 'Cache-Control': 'no-store',
          'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
        }).end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
      return;
    }
    files(req, res);
  });
  /** The body of the next POST /__bench/result, parsed (one bench page at a time: directPage
   *  ends each browser before the next page starts). */
  const nextResult = () => new Promise((resolve) => { deliver = resolve; });
  return { server, log, nextResult, url: `http://127.0.0.1:${port}/` };
}
