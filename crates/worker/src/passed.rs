//! A `pass` workload's input in a process worker: the helper builds it and sends the page a
//! copy ([`send_input`]); a processes run's worker receives it with each task's message
//! (`{request, input, sent}`, see `app::runner::passing`) and reads it in chunks ([`read`]),
//! whether it came as a copy, a transferred buffer or a SharedArrayBuffer: only the delivery
//! differs.

use js_sys::{Array, Reflect, Uint8Array};
use threadlab_clock::now_ms;
use threadlab_lab::protocol::{TaskOutcome, WorkerReply, WorkerRequest};
use threadlab_workloads::pass::{self, Fold, WORDS_PER_MB};
use threadlab_workloads::{NoCheckpoint, TaskKind};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

/// Bytes copied from the message's buffer into this module's memory at a time.
const CHUNK: u32 = 1 << 20;

/// Builds (or finds) the input of `mb` MB in this worker's memory, where sequential and async
/// tasks read it in place, and posts the page a copy as `{input: ArrayBuffer}`, transferred.
pub fn send_input(mb: u32) -> WorkerReply {
    let input = pass::input(mb);
    let bytes = Uint8Array::new_with_length(mb * CHUNK);
    let mut chunk = vec![0u8; CHUNK as usize];
    for (i, words) in input.chunks(WORDS_PER_MB).enumerate() {
        pass::fill_bytes(words, &mut chunk);
        let at = i as u32 * CHUNK;
        bytes.subarray(at, at + CHUNK).copy_from(&chunk);
    }
    let message = js_sys::Object::new();
    let buffer = bytes.buffer();
    let _ = Reflect::set(&message, &"input".into(), &buffer);
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    match scope.post_message_with_transfer(&message, &Array::of1(&buffer)) {
        Ok(()) => WorkerReply::Done { outcomes: vec![] },
        Err(e) => WorkerReply::Failed { error: format!("could not send the input to the page: {e:?}") },
    }
}

/// One task's message with its input: `{request, input, sent}`, received at `received` on the
/// shared clock. `None` when `data` is not one.
pub struct Passed {
    request: WorkerRequest,
    input: JsValue,
    sent: f64,
    received: f64,
}

impl Passed {
    pub fn of(data: &JsValue, received: f64) -> Option<Result<Passed, String>> {
        let field = |name: &str| Reflect::get(data, &name.into()).ok().filter(|v| !v.is_undefined());
        let (request, input, sent) = (field("request")?, field("input")?, field("sent")?);
        let request = request
            .as_string()
            .ok_or("bad request: not a string".to_string())
            .and_then(|text| serde_json::from_str::<WorkerRequest>(&text).map_err(|e| format!("bad request: {e}")));
        Some(request.map(|request| Passed { request, input, sent: sent.as_f64().unwrap_or(received), received }))
    }

    /// Runs the message's tasks, each reading the whole input from the message's buffer, telling
    /// `running` which task runs (for a crash report). Each outcome starts when the page began
    /// passing it, and carries that passing.
    pub fn run(self, running: fn(u32)) -> WorkerReply {
        let WorkerRequest::Run { workload, tasks, indices, worker, .. } = self.request else {
            return WorkerReply::Failed { error: "bad request: only a run carries an input".into() };
        };
        let mut outcomes = Vec::with_capacity(indices.len());
        for index in indices {
            let task = workload.task(index.min(tasks.saturating_sub(1)), tasks);
            let TaskKind::Read { .. } = task.kind else {
                return WorkerReply::Failed { error: "bad request: an input came with a task that reads none".into() };
            };
            running(task.index);
            let checksum = read(&self.input);
            outcomes.push(TaskOutcome {
                task: task.index,
                worker,
                start: self.sent,
                end: now_ms(),
                checksum,
                passing: Some((self.sent, self.received)),
                ..Default::default()
            });
        }
        WorkerReply::Done { outcomes }
    }
}

/// Reads a message's input (an ArrayBuffer or a SharedArrayBuffer) a chunk at a time into one
/// buffer of this module's memory, folding each chunk: the same code whichever way it came.
#[inline(never)]
pub fn read(input: &JsValue) -> u64 {
    let view = Uint8Array::new(input);
    let len = view.length();
    let mut chunk = vec![0u8; CHUNK as usize];
    let mut fold = Fold::default();
    let mut at = 0;
    while at < len {
        let n = CHUNK.min(len - at);
        let part = &mut chunk[..n as usize];
        view.subarray(at, at + n).copy_to(part);
        fold = fold.bytes(part, &mut NoCheckpoint);
        at += n;
    }
    fold.checksum()
}
