// An isolated "process". Not a module of its own: the page appends it to the worker module's
// glue (pkg/worker.js), whose `initSync` and `process_worker_main` it calls, and starts every
// process worker from that one Blob (crates/app/src/engines/processes.rs), so a starting worker
// fetches nothing. It instantiates its own copy of the worker module (compiled once by the
// page and posted here), then hands the message loop to Rust. A block, so that none of its
// names can collide with the glue's.
//
// A trap or a panic (the module aborts on panic) kills this process, as a crash kills a real
// one: the page is told which task it was running and why (globals the Rust side keeps, see
// crates/worker/src/process.rs), and the worker closes. The page replaces it (engines/processes.rs).
/* global initSync, process_worker_main */
{
  const die = (reason) => {
    self.postMessage({ crashed: { task: self.threadlabTask ?? null, error: self.threadlabPanic ?? String(reason) } });
    self.close();
  };
  self.addEventListener('error', (e) => { e.preventDefault(); die(e.error ?? e.message); });
  self.addEventListener('unhandledrejection', (e) => { e.preventDefault(); die(e.reason); });

  self.onmessage = ({ data }) => {
    self.onmessage = null;
    try {
      initSync({ module: data.module });
      process_worker_main(); // posts "ready"
    } catch (e) {
      self.postMessage({ error: String(e) });
    }
  };
}
