//! The page's Wasm module (plain, no shared memory needed): the UI, `window.threadlab`, and the
//! orchestration of runs ([`runner`]). It runs no kernel itself: tasks run in the worker module
//! (crates/worker, in isolated workers) or the threaded module (crates/threads), so this one is
//! built for size (scripts/build-wasm.sh).

mod api;
mod controller;
mod engines;
mod env;
mod load_once;
mod runner;
mod service_worker;
mod ui;

use wasm_bindgen::prelude::*;

/// Runs when the module is instantiated, on the page.
#[wasm_bindgen(start)]
pub fn start() {
    if web_sys::window().is_none() {
        return;
    }
    if let Some(caps) = ui::start() {
        api::install(caps, std::rc::Rc::new(ui::Page));
    }
}

pub use service_worker::isolation_settled;
