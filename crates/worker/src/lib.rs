//! The isolated-worker module (plain Wasm, no shared memory). Two roles:
//! - inside each "process" worker (www/process-worker.js): the task executor ([`process`]), in
//!   its own instance with its own memory; the page compiles this module once and posts it;
//! - inside the service worker (www/sw.js): the body of the built-in latency endpoint
//!   ([`endpoint_reply`]).
//!
//! It holds the kernels and nothing of the page (crates/app), so a worker has little to load.

mod endpoint;
mod passed;
mod process;

pub use endpoint::endpoint_reply;
pub use process::process_worker_main;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);
