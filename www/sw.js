// threadlab's service worker. It answers the built-in latency endpoint, io/delay?ms=&bytes=&seed=
// (ENDPOINT_PATH in crates/workloads/src/download.rs): after the delay, with the body the Rust
// module computes. Every other request goes to the network untouched, so the server's headers
// (COOP/COEP, hence cross-origin isolation) stay what they are.
import init, { endpoint_reply } from './pkg/app.js';

const ready = init({ module_or_path: new URL('./pkg/app_bg.wasm', import.meta.url) });
const ENDPOINT = new URL('io/delay', self.registration.scope).pathname;

self.addEventListener('install', (event) => event.waitUntil(ready.then(() => self.skipWaiting())));
// Take over the open page and the workers it already started, so a first visit needs no reload.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname === ENDPOINT) event.respondWith(answer(event.request.url));
});

async function answer(url) {
  await ready;
  const reply = endpoint_reply(url);
  await new Promise((resolve) => setTimeout(resolve, reply.delay_ms));
  return new Response(reply.body, {
    status: reply.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', [reply.header]: '1' },
  });
}
