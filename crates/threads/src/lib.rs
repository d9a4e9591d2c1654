//! The threads engine: the threaded Wasm module (shared memory, atomics). It runs inside one
//! dedicated coordinator Worker (www/threads-worker.js), never on the page, because the rayon
//! pool blocks with `Atomics.wait`. The pool's threads are Web Workers sharing this module's
//! memory (`pool`).

mod crash;
mod io_service;
mod pool;
mod run;

use futures::future::Either;
use threadlab_lab::protocol::{ThreadsCommand, ThreadsReply};
use wasm_bindgen::prelude::*;

pub use pool::start_pool;

/// Carries out one command (JSON `ThreadsCommand`) and resolves to a JSON `ThreadsReply`.
///
/// A run goes to the pool (`rayon::spawn`) while the coordinator Worker keeps its event loop:
/// it performs the threads' I/O meanwhile (`io_service`).
#[wasm_bindgen]
pub async fn run_threads(command: String) -> String {
    io_service::start();
    let reply = match serde_json::from_str::<ThreadsCommand>(&command) {
        Ok(ThreadsCommand::WarmUp { workload }) => {
            run::warm_up_once(&workload);
            // A `pass` input lives in the shared memory, built once per size outside timing and
            // read in place by every thread (the warm-up's small instance replaced it).
            if let threadlab_workloads::Workload::Pass { mb, .. } = workload {
                threadlab_workloads::pass::input(mb);
            }
            ThreadsReply::Done { outcomes: vec![], counted: None }
        }
        Ok(ThreadsCommand::Ping { url }) => {
            let ping =
                threadlab_workloads::download::DownloadTask { url, from_endpoint: true, timeout_ms: 5_000, file: None };
            match threadlab_io::download(&ping).await {
                Ok(_) => ThreadsReply::Done { outcomes: vec![], counted: None },
                Err(error) => ThreadsReply::Failed { error },
            }
        }
        Ok(ThreadsCommand::Run(req)) if req.workers as usize > rayon::current_num_threads() => ThreadsReply::Failed {
            error: format!("{} workers requested but the pool has {}", req.workers, rayon::current_num_threads()),
        },
        Ok(ThreadsCommand::Run(req)) => {
            let crashed = crash::watch();
            let (done, outcomes) = futures::channel::oneshot::channel();
            let cores = cores();
            rayon::spawn(move || {
                let _ = done.send(run::run(&req, cores, threadlab_clock::now_ms));
            });
            // A dead thread never finishes its job: its crash report ends the wait instead.
            match futures::future::select(outcomes, crashed).await {
                Either::Left((Ok((outcomes, counted)), _)) => ThreadsReply::Done { outcomes, counted },
                Either::Right((Ok(error), _)) => ThreadsReply::Crashed { error },
                Either::Left((Err(_), _)) | Either::Right((Err(_), _)) => {
                    ThreadsReply::Crashed { error: "a thread of the pool stopped before the run ended".into() }
                }
            }
        }
        Err(e) => ThreadsReply::Failed { error: format!("bad request: {e}") },
    };
    serde_json::to_string(&reply).expect("replies serialize")
}

/// The cores this worker's browser reports (`navigator.hardwareConcurrency`), at least 1.
fn cores() -> usize {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
    let cores = js_sys::Reflect::get(&navigator, &"hardwareConcurrency".into()).ok().and_then(|c| c.as_f64());
    cores.map_or(1, |c| c as usize).max(1)
}
