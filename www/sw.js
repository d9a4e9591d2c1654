// threadlab's service worker, two jobs:
// 1. The built-in latency endpoint, io/delay?ms=&bytes=&seed= (ENDPOINT_PATH in
//    crates/workloads/src/download.rs): answered after the delay with the body the Rust module
//    computes. Its responses use no network connection.
// 2. Cross-origin isolation on static hosts that cannot set headers: pages and worker scripts of
//    this site that arrive with no Cross-Origin-Embedder-Policy get COOP/COEP added (the
//    coi-serviceworker technique; the page reloads once, see crates/app/src/service_worker.rs).
//    Responses that carry the header, whatever its value, are the host's choice and pass as is.
import init, { endpoint_reply } from './pkg/app.js';

const ready = init({ module_or_path: new URL('./pkg/app_bg.wasm', import.meta.url) });
const ENDPOINT = new URL('io/delay', self.registration.scope).pathname;
// The page asks with this header whether the service worker isolates it (after a reload).
const PROBE = 'x-threadlab-isolation-probe';

self.addEventListener('install', (event) => event.waitUntil(ready.then(() => self.skipWaiting())));
// Take over the open page and the workers it already started, so a first visit needs no reload.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === ENDPOINT) {
    event.respondWith(answer(request.url));
  } else if (request.mode === 'navigate' || request.destination === 'worker' || request.headers.has(PROBE)) {
    event.respondWith(isolate(request));
  }
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

async function isolate(request) {
  const response = await fetch(request);
  if (response.type === 'opaqueredirect' || response.headers.has('Cross-Origin-Embedder-Policy')) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set(PROBE, 'added');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
