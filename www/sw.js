// threadlab's service worker, two jobs:
// 1. The built-in latency endpoint, io/delay?ms=&bytes=&seed= (ENDPOINT_PATH in
//    crates/workloads/src/download.rs): answered after the delay with the body the worker module
//    (crates/worker) computes. Its responses use no network connection. The module is loaded on
//    the first endpoint request, not at install: a visit that never uses the endpoint never
//    downloads it (a run pings the endpoint once before timing, which loads it then).
// 2. Cross-origin isolation on static hosts that cannot set headers: pages and worker scripts of
//    this site that arrive with no Cross-Origin-Embedder-Policy get COOP/COEP added (the
//    coi-serviceworker technique; the page reloads once, see crates/app/src/service_worker.rs).
//    Responses that carry the header, whatever its value, are the host's choice and pass as is.
//    Likewise the Content-Security-Policy (CSP below): pages and worker scripts that arrive
//    without one get it. A worker's CSP comes only from its script's response headers (the
//    page's <meta> does not reach it), so on a bare host this is how workers get one.
import init, { endpoint_reply } from './pkg/worker.js';

let ready; // a failed load is tried again by the next request
const loaded = () => (ready ??= init({ module_or_path: new URL('./pkg/worker_bg.wasm', import.meta.url) })
  .catch((e) => { ready = undefined; throw e; }));
const ENDPOINT = new URL('io/delay', self.registration.scope).pathname;
// The page asks with this header whether the service worker isolates it (after a reload).
const PROBE = 'x-threadlab-isolation-probe';
// Written from scripts/csp/policy.txt by scripts/csp/sync.mjs, as index.html's <meta> is.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' http: https:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'";

self.addEventListener('install', () => self.skipWaiting());
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
  try {
    await loaded();
  } catch (e) {
    return new Response(`the service worker could not load pkg/worker_bg.wasm: ${e}`, { status: 503 });
  }
  const reply = endpoint_reply(url);
  await new Promise((resolve) => setTimeout(resolve, reply.delay_ms));
  return new Response(reply.body, {
    status: reply.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', [reply.header]: '1' },
  });
}

async function isolate(request) {
  const response = await fetch(request);
  const coep = response.headers.has('Cross-Origin-Embedder-Policy');
  const csp = response.headers.has('Content-Security-Policy');
  if (response.type === 'opaqueredirect' || (coep && csp)) return response;
  const headers = new Headers(response.headers);
  if (!coep) {
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set(PROBE, 'added');
  }
  if (!csp) headers.set('Content-Security-Policy', CSP);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
