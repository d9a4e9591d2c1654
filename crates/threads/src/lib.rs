//! The threads engine: the threaded Wasm module (shared memory, atomics). It runs inside one
//! dedicated coordinator Worker (www/threads-worker.js), never on the page, because the rayon
//! pool blocks with `Atomics.wait`. The pool's threads are Web Workers sharing this module's
//! memory (wasm-bindgen-rayon).

mod run;

use threadlab_lab::protocol::{ThreadsCommand, ThreadsReply};
use wasm_bindgen::prelude::*;

pub use wasm_bindgen_rayon::init_thread_pool;

/// Carries out one command (JSON `ThreadsCommand`) to completion, blocking the coordinator
/// Worker, and returns a JSON `ThreadsReply`.
#[wasm_bindgen]
pub fn run_threads(command: &str) -> String {
    let reply = match serde_json::from_str::<ThreadsCommand>(command) {
        Ok(ThreadsCommand::WarmUp { workload }) => {
            run::warm_up_once(&workload);
            ThreadsReply::Done { outcomes: vec![] }
        }
        Ok(ThreadsCommand::Run(req)) if req.workers as usize > rayon::current_num_threads() => ThreadsReply::Failed {
            error: format!("{} workers requested but the pool has {}", req.workers, rayon::current_num_threads()),
        },
        Ok(ThreadsCommand::Run(req)) => ThreadsReply::Done { outcomes: run::run(&req, threadlab_clock::now_ms) },
        Err(e) => ThreadsReply::Failed { error: format!("bad request: {e}") },
    };
    serde_json::to_string(&reply).expect("replies serialize")
}

/// Number of threads in the pool (0 before `initThreadPool`).
#[wasm_bindgen]
pub fn pool_size() -> usize {
    rayon::current_num_threads()
}
