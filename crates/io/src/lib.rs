//! Browser I/O for every executor: downloads with `fetch` (timeouts, errors in plain words) and
//! files in the Origin Private File System. Works wherever there is an event loop: the page,
//! a process worker, the threads engine's coordinator (which runs it on behalf of rayon threads,
//! which have none). The pure part (URLs, bodies, checksums) is `threadlab_workloads::download`.

pub mod checks;
mod fetch;
mod files;

pub use fetch::download;
pub use files::{file_support, read_file, write_and_read_back, FILES_DIR};

use threadlab_clock::now_ms;
use threadlab_lab::protocol::TaskOutcome;
use threadlab_workloads::download::{body_checksum, DownloadTask};
use threadlab_workloads::NoCheckpoint;
use wasm_bindgen::prelude::*;

/// The global object of any context (Window or WorkerGlobalScope): the members used here have
/// the same names in both.
#[wasm_bindgen]
extern "C" {
    type Global;
    #[wasm_bindgen(method, js_name = fetch)]
    fn fetch_with_request(this: &Global, request: &web_sys::Request) -> js_sys::Promise;
    #[wasm_bindgen(method, getter, js_name = crossOriginIsolated)]
    fn cross_origin_isolated(this: &Global) -> bool;
    #[wasm_bindgen(method, getter)]
    fn location(this: &Global) -> GlobalLocation;
    #[wasm_bindgen(method, getter)]
    fn navigator(this: &Global) -> GlobalNavigator;

    type GlobalLocation;
    #[wasm_bindgen(method, getter)]
    fn href(this: &GlobalLocation) -> String;

    type GlobalNavigator;
    #[wasm_bindgen(method, getter)]
    fn storage(this: &GlobalNavigator) -> Option<web_sys::StorageManager>;
}

fn global() -> Global {
    js_sys::global().unchecked_into()
}

/// One download task, start to end, on this context's event loop: wait for the download, hash
/// the body (the compute part), and for `fetch_write` wait again to write and read back the file.
/// Failures end the task early with the cause in `error`.
pub async fn run_download_task(request: &DownloadTask, task: u32, worker: u32) -> TaskOutcome {
    let start = now_ms();
    let mut outcome = TaskOutcome { task, worker, start, ..Default::default() };
    let body = download(request).await;
    outcome.io_waits.push((start, now_ms()));
    match body {
        Ok(body) => {
            outcome.bytes = body.len() as u64;
            outcome.checksum = body_checksum(&body, &mut NoCheckpoint);
            if let Some(file) = &request.file {
                let written = now_ms();
                let result = write_and_read_back(file, &body).await;
                outcome.io_waits.push((written, now_ms()));
                outcome.error = result.err();
            }
        }
        Err(e) => outcome.error = Some(e),
    }
    outcome.end = now_ms();
    outcome
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", e.name(), e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
