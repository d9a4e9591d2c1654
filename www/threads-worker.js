// Coordinator of the threads engine: loads the threaded module and starts its rayon pool here,
// off the page's main thread (the pool blocks with Atomics.wait). Then each message is a run.
let engine;
self.onmessage = async ({ data }) => {
  if (engine) {
    self.postMessage(engine.run_threads(data));
    return;
  }
  try {
    const glue = await import(data.glue);
    await glue.default({ module_or_path: data.wasm });
    await glue.initThreadPool(data.threads);
    engine = glue;
    self.postMessage('ready');
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
