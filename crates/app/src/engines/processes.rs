//! Isolated workers ("processes"): each instantiates its own copy of the worker module
//! (crates/worker), with its own memory, and exchanges tasks and results only by message.

use super::site_url;
use crate::load_once::{self, LoadOnce};
use futures::future::FutureExt;
use js_sys::{Object, Reflect};
use threadlab_clock::now_ms;
use threadlab_lab::protocol::{TaskOutcome, WorkerReply, WorkerRequest};
use threadlab_workers::{load_error, Port};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const SCRIPT: &str = "www/process-worker.js";
const GLUE: &str = "pkg/worker.js";
const WASM: &str = "pkg/worker_bg.wasm";

thread_local! {
    static CODE: LoadOnce<WorkerCode> = const { LoadOnce::new() };
}

/// What every process worker starts from, loaded once for the page, as processes share their
/// program's code but not their memory:
/// - the worker module, fetched and compiled here (a `WebAssembly.Module`): each worker
///   instantiates it instead of compiling its own;
/// - the worker's script: the module's glue with www/process-worker.js appended, as one Blob, so
///   a starting worker fetches nothing (fetching the two took ~10 ms of each cold start here).
///   The glue must import nothing, as a blob: URL resolves no relative import: an end-to-end
///   test checks the built glue (tests/e2e/modes.test.mjs).
#[derive(Clone)]
pub struct WorkerCode {
    module: JsValue,
    script_url: String,
}

/// The worker code; a failed load is tried again on next use.
pub async fn worker_code() -> Result<WorkerCode, String> {
    load_once::get(&CODE, || load().boxed_local()).await
}

/// The URL process workers start from, once it has been made.
pub fn script_url() -> Option<String> {
    load_once::loaded(&CODE).map(|code| code.script_url)
}

async fn load() -> Result<WorkerCode, String> {
    let (module, script_url) = futures::join!(compile(), script());
    match (module, script_url) {
        (Ok(module), Ok(script_url)) => Ok(WorkerCode { module, script_url }),
        (Err(e), Ok(url)) => {
            let _ = web_sys::Url::revoke_object_url(&url); // the next attempt makes it again
            Err(e)
        }
        (_, Err(e)) => Err(e),
    }
}

async fn compile() -> Result<JsValue, String> {
    let url = site_url(WASM);
    let response = threadlab_workers::fetch_ok(&url).await?;
    let bytes = JsFuture::from(response.array_buffer().map_err(load_error(&url))?).await.map_err(load_error(&url))?;
    JsFuture::from(js_sys::WebAssembly::compile(&bytes)).await.map_err(load_error(&url))
}

/// The glue followed by the bootstrap, one module: the bootstrap calls the glue's `initSync` and
/// `process_worker_main` by name.
async fn script() -> Result<String, String> {
    threadlab_workers::module_script(&site_url(GLUE), &site_url(SCRIPT)).await
}

/// Why a process worker did not answer.
#[derive(Debug, Clone)]
pub struct WorkerError {
    pub message: String,
    /// Set when the worker crashed (a trap or a panic) while running tasks: the task it was
    /// running, when it knew.
    pub crash: Option<Crash>,
}

#[derive(Debug, Clone)]
pub struct Crash {
    pub task: Option<u32>,
    pub cause: String,
}

impl From<String> for WorkerError {
    fn from(message: String) -> WorkerError {
        WorkerError { message, crash: None }
    }
}

impl From<WorkerError> for String {
    fn from(e: WorkerError) -> String {
        e.message
    }
}

/// The `{crashed: {task, error}}` message www/process-worker.js posts as the worker dies.
fn crash_of(message: &JsValue) -> Option<Crash> {
    let crashed = Reflect::get(message, &"crashed".into()).ok().filter(JsValue::is_object)?;
    let task = Reflect::get(&crashed, &"task".into()).ok().and_then(|t| t.as_f64()).map(|t| t as u32);
    let cause = Reflect::get(&crashed, &"error".into())
        .ok()
        .and_then(|e| e.as_string())
        .unwrap_or_else(|| "no reason given".into());
    Some(Crash { task, cause })
}

/// A started process worker.
#[derive(Clone)]
pub struct ProcessWorker {
    port: Port,
    /// Time from `new Worker` to its first message, in ms.
    pub startup_ms: f64,
}

/// A process worker that has been asked to start; [`Starting::ready`] awaits it.
pub struct Starting {
    port: Port,
    since: f64,
}

impl Starting {
    /// Starts a worker from the worker code (see [`worker_code`]).
    pub fn spawn(code: &WorkerCode) -> Result<Starting, String> {
        let since = now_ms();
        let port = Port::spawn(&code.script_url, "threadlab process")?;
        let init = Object::new();
        let _ = Reflect::set(&init, &"module".into(), &code.module);
        port.post(&init)?;
        Ok(Starting { port, since })
    }

    pub async fn ready(self) -> Result<ProcessWorker, String> {
        self.port.ready().await.map_err(|e| format!("a process worker failed to start: {e}"))?;
        Ok(ProcessWorker { port: self.port, startup_ms: now_ms() - self.since })
    }
}

impl ProcessWorker {
    pub async fn start() -> Result<ProcessWorker, String> {
        Starting::spawn(&worker_code().await?)?.ready().await
    }

    /// Queues a request without waiting: the worker handles requests one at a time, in order,
    /// so the page can keep the next one queued while the current one computes. Each `send` is
    /// answered by one `reply`, in the same order.
    pub fn send(&self, request: &WorkerRequest) -> Result<(), String> {
        let json = serde_json::to_string(request).expect("requests serialize");
        self.port.post(&JsValue::from_str(&json))
    }

    /// Queues a message that carries more than a request's JSON (a `pass` input with its run
    /// request, `runner::passing`), moving `transfer`'s buffers when given. Answered by one
    /// `reply`, like [`ProcessWorker::send`].
    pub fn post(&self, message: &JsValue, transfer: Option<&js_sys::Array>) -> Result<(), String> {
        match transfer {
            Some(list) => self.port.post_with_transfer(message, list),
            None => self.port.post(message),
        }
    }

    /// A `pass` workload's input of `mb` MB, built by this worker (the helper, which keeps its
    /// own for sequential and async runs) and moved to the page. Outside any timed run.
    pub async fn input(&self, mb: u32) -> Result<js_sys::ArrayBuffer, String> {
        self.send(&WorkerRequest::Input { mb })?;
        let first = self.port.next().await?;
        let input = Reflect::get(&first, &"input".into()).ok().and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok());
        let Some(input) = input else {
            // No buffer: the reply says why (it failed, or crashed).
            return match first.as_string().map(|text| serde_json::from_str::<WorkerReply>(&text)) {
                Some(Ok(WorkerReply::Failed { error })) => Err(error),
                _ => Err("the helper process worker did not send the input".into()),
            };
        };
        match self.reply().await? {
            WorkerReply::Done { .. } => Ok(input),
            _ => Err("a process worker answered the wrong question".into()),
        }
    }

    /// The reply to the oldest request sent. A crashed worker is stopped, never reused.
    async fn reply(&self) -> Result<WorkerReply, WorkerError> {
        let reply = self.port.next().await?;
        if let Some(crash) = crash_of(&reply) {
            let during = crash.task.map(|t| format!(" in task {t}")).unwrap_or_default();
            let message = format!("a process worker crashed{during}: {}", crash.cause);
            self.port.terminate(&message);
            return Err(WorkerError { message, crash: Some(crash) });
        }
        let text = reply.as_string().ok_or("a process worker sent a non-text reply".to_string())?;
        match serde_json::from_str(&text).map_err(|e| format!("a process worker sent a bad reply: {e}"))? {
            WorkerReply::Failed { error } => Err(error.into()),
            reply => Ok(reply),
        }
    }

    /// The outcomes of the oldest run request sent.
    pub async fn receive(&self) -> Result<Vec<TaskOutcome>, WorkerError> {
        match self.reply().await? {
            WorkerReply::Done { outcomes } => Ok(outcomes),
            _ => Err("a process worker answered the wrong question".to_string().into()),
        }
    }

    pub async fn run(&self, request: &WorkerRequest) -> Result<Vec<TaskOutcome>, WorkerError> {
        self.send(request)?;
        self.receive().await
    }

    /// Gets the workload's kernel optimised in this worker before anything is timed.
    pub async fn warm_up(&self, workload: &threadlab_workloads::Workload) -> Result<(), String> {
        Ok(self.run(&WorkerRequest::WarmUp { workload: workload.clone() }).await.map(drop)?)
    }

    /// Whether this worker reaches the built-in endpoint at `url` (see `kept::reach_endpoint`).
    pub async fn ping(&self, url: &str) -> Result<(), String> {
        Ok(self.run(&WorkerRequest::Ping { url: url.to_string() }).await.map(drop)?)
    }

    pub async fn expected(&self, request: &WorkerRequest) -> Result<Vec<Option<u64>>, String> {
        self.send(request)?;
        match self.reply().await? {
            WorkerReply::Expected { checksums } => Ok(checksums),
            _ => Err("a process worker answered the wrong question".into()),
        }
    }

    /// What this worker offers (see `threadlab_io::checks`).
    pub async fn checks(&self) -> Result<threadlab_lab::checks::WorkerChecks, String> {
        self.send(&WorkerRequest::Check)?;
        match self.reply().await? {
            WorkerReply::Checks { checks } => Ok(checks),
            _ => Err("a process worker answered the wrong question".into()),
        }
    }

    pub fn is_alive(&self) -> bool {
        !self.port.is_closed()
    }

    pub fn stop(&self) {
        self.port.terminate("stopped");
    }
}
