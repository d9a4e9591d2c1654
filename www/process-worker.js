// An isolated "process": instantiates its own copy of the plain module (compiled by the page,
// posted here), then hands the message loop to Rust (process_worker_main).
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
