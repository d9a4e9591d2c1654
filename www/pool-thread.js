// A thread of the threads engine's rayon pool (crates/threads/src/pool.rs). Not a module of its
// own: the coordinator appends it to the threaded glue (pkg/threads.js) and starts every pool
// thread from that one Blob, so it is one block (none of its names can meet the glue's) and
// calls the glue's `initSync` and wasm-bindgen-rayon's `wbg_rayon_start_worker` by name.
/* global initSync, wbg_rayon_start_worker */
{
  // The coordinator's message could not be read here (its shared memory, e.g., if this worker
  // were not cross-origin isolated): say so rather than never answer.
  self.onmessageerror = () => self.postMessage({ error: 'the coordinator\'s message (module and memory) could not be read here' });
  self.onmessage = ({ data }) => {
    self.onmessage = null;
    try {
      // The coordinator's module, on the coordinator's memory (the object form: the positional
      // one is deprecated and warns).
      initSync({ module: data.module, memory: data.memory });
    } catch (e) {
      self.postMessage({ error: String(e) });
      return;
    }
    self.postMessage('ready');
    // Waits for the rayon thread the pool's builder hands out once every thread is ready, then
    // runs it: never returns to this event loop.
    wbg_rayon_start_worker(data.receiver);
  };
}
