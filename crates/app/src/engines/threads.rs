//! The threads engine: one coordinator Worker that loads the threaded module and its rayon pool
//! of [`MAX_WORKERS`] Web Workers sharing one memory. The page only sends it requests.

use super::site_url;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Object, Reflect};
use threadlab_lab::protocol::{TaskOutcome, ThreadsCommand, ThreadsReply, ThreadsRequest};
use threadlab_lab::MAX_WORKERS;
use threadlab_workers::Port;
use threadlab_workloads::Workload;
use wasm_bindgen::JsValue;

/// How long the engine may take to start (~0.2 s here): a pool thread that never answers must
/// not hold every run that waits for the engine.
const START_LIMIT_S: u32 = 20;

#[derive(Clone)]
pub struct ThreadsEngine {
    port: Port,
}

impl ThreadsEngine {
    pub async fn start() -> Result<ThreadsEngine, String> {
        let port = Port::spawn("www/threads-worker.js", "threadlab threads")?;
        let init = Object::new();
        let _ = Reflect::set(&init, &"glue".into(), &site_url("pkg/threads.js").into());
        let _ = Reflect::set(&init, &"wasm".into(), &site_url("pkg/threads_bg.wasm").into());
        let _ = Reflect::set(&init, &"pool_thread".into(), &site_url("www/pool-thread.js").into());
        let _ = Reflect::set(&init, &"threads".into(), &JsValue::from(MAX_WORKERS));
        port.post(&init)?;
        let limit = TimeoutFuture::new(START_LIMIT_S * 1000);
        let started = match select(Box::pin(port.ready()), limit).await {
            Either::Left((started, _)) => started,
            Either::Right(_) => {
                port.terminate("too slow to start");
                Err(format!("it was not ready within {START_LIMIT_S} s"))
            }
        };
        started.map_err(|why| format!("the threads engine failed to start: {why}"))?;
        Ok(ThreadsEngine { port })
    }

    /// The run's outcomes, and the shared counter's value after it (`counter` workloads).
    pub async fn run(&self, request: &ThreadsRequest) -> Result<(Vec<TaskOutcome>, Option<u64>), String> {
        self.send(&ThreadsCommand::Run(request.clone())).await
    }

    /// Gets the workload's kernels optimised before anything is timed.
    pub async fn warm_up(&self, workload: &Workload) -> Result<(), String> {
        self.send(&ThreadsCommand::WarmUp { workload: workload.clone() }).await.map(drop)
    }

    /// Whether the coordinator reaches the built-in endpoint at `url`.
    pub async fn ping(&self, url: &str) -> Result<(), String> {
        self.send(&ThreadsCommand::Ping { url: url.to_string() }).await.map(drop)
    }

    pub fn stop(&self) {
        self.port.terminate("stopped");
    }

    async fn send(&self, command: &ThreadsCommand) -> Result<(Vec<TaskOutcome>, Option<u64>), String> {
        let json = serde_json::to_string(command).expect("commands serialize");
        let reply = self.port.request(&JsValue::from_str(&json)).await?;
        let Some(text) = reply.as_string() else {
            // The module threw (a trap): its shared state cannot be trusted, so the engine is
            // stopped and started afresh on next use.
            let why = Reflect::get(&reply, &"error".into()).ok().and_then(|e| e.as_string()).unwrap_or_default();
            self.port.terminate("the threads engine crashed");
            return Err(format!("the threads engine crashed: {why}"));
        };
        match serde_json::from_str(&text).map_err(|e| format!("the threads engine sent a bad reply: {e}"))? {
            ThreadsReply::Done { outcomes, counted } => Ok((outcomes, counted)),
            ThreadsReply::Failed { error } => Err(error),
            ThreadsReply::Crashed { error } => {
                self.port.terminate("the threads engine crashed");
                Err(format!(
                    "{error}. Threads share one memory and one fate: a crashing thread takes the whole engine down, \
                     so no task of this run survived. A new engine is started for the next run"
                ))
            }
        }
    }

    pub fn is_alive(&self) -> bool {
        !self.port.is_closed()
    }
}
