// Coordinator of the threads engine: loads the threaded module and starts its rayon pool here,
// off the page's main thread (the pool blocks with Atomics.wait); the pool's threads start from
// the glue with www/pool-thread.js appended (crates/threads/src/pool.rs). Then each message is
// a run, which resolves while this worker's event loop stays free to do the threads' I/O.
// Failures are posted back as {error}, so the page never waits on a reply that cannot come:
// the page then ends this worker, and every pool thread with it (crates/threads/src/crash.rs).
let engine;
const fail = (e) => self.postMessage({ error: String(e) });
self.addEventListener('error', (e) => { e.preventDefault(); fail(e.error ?? e.message); });
self.addEventListener('unhandledrejection', (e) => { e.preventDefault(); fail(e.reason); });

self.onmessage = async ({ data }) => {
  try {
    if (engine) {
      self.postMessage(await engine.run_threads(data));
      return;
    }
    const glue = await import(data.glue);
    await glue.default({ module_or_path: data.wasm });
    await glue.start_pool(data.threads, data.glue, data.pool_thread);
    engine = glue;
    self.postMessage('ready');
  } catch (e) {
    fail(e);
  }
};
