//! The plain Wasm module (no shared memory needed). The same module plays two roles:
//! - on the page: the UI, `window.threadlab`, and the orchestration of runs ([`runner`]);
//! - inside each isolated "process" worker: the task executor ([`process_worker`]);
//! - inside the service worker: the body of the built-in latency endpoint ([`endpoint_reply`]).

mod api;
mod engines;
mod env;
mod process_worker;
mod runner;
mod service_worker;
mod ui;

use wasm_bindgen::prelude::*;

/// Runs when the module is instantiated; only the page (a Window) starts the UI. Process workers
/// and the service worker instantiate the same module and call their entry point instead.
#[wasm_bindgen(start)]
pub fn start() {
    if web_sys::window().is_some() {
        ui::start();
    }
}

pub use process_worker::process_worker_main;
pub use service_worker::{endpoint_reply, isolation_settled};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);
