// The release build served as the end-to-end tests serve it (tests/server.mjs, cross-origin
// isolated), plus two things the bench needs: a log of every request (to measure what the page
// really loads, workers and service worker included) and the bench's own pages under /__bench/.
import { readFile } from 'node:fs/promises';
import { serve } from '../../tests/server.mjs';

export async function startServer(dir, port) {
  const server = await serve(dir, port, true);
  const [files] = server.listeners('request');
  server.removeAllListeners('request');
  const log = [];
  server.on('request', async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    log.push({ path, at: performance.now() });
    if (path.startsWith('/__bench/')) {
      const name = path.slice('/__bench/'.length).replace(/[^a-z0-9_.-]/gi, '');
      try {
        const body = await readFile(new URL(`../pages/${name}`, import.meta.url));
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store',
          'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
        }).end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
      return;
    }
    files(req, res);
  });
  return { server, log, url: `http://127.0.0.1:${port}/` };
}
