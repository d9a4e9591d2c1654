// An isolated "process": instantiates its own copy of the worker module (crates/worker, compiled
// once by the page and posted here), then hands the message loop to Rust (process_worker_main).
//
// A trap or a panic (the module aborts on panic) kills this process, as a crash kills a real
// one: the page is told which task it was running and why (globals the Rust side keeps, see
// crates/worker/src/process.rs), and the worker closes. The page replaces it (engines/processes.rs).
function die(reason) {
  self.postMessage({ crashed: { task: self.threadlabTask ?? null, error: self.threadlabPanic ?? String(reason) } });
  self.close();
}
self.addEventListener('error', (e) => { e.preventDefault(); die(e.error ?? e.message); });
self.addEventListener('unhandledrejection', (e) => { e.preventDefault(); die(e.reason); });

self.onmessage = async ({ data }) => {
  self.onmessage = null;
  try {
    const glue = await import(data.glue);
    await glue.default({ module_or_path: data.module });
    glue.process_worker_main(); // posts "ready"
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
