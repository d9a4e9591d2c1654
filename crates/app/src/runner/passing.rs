//! A `pass` workload's input on the page, and how a processes run hands it to a worker with
//! each task (`lab::plan::dispatch` sends one task a message and waits for its answer).
//!
//! Before timing, the helper process worker builds the input (keeping its own for sequential
//! and async) and moves a copy to the page, kept per size; where a cell passes it shared, the
//! page copies it once into a SharedArrayBuffer. Then, per task:
//! - `copy`: `postMessage` clones the buffer for the worker;
//! - `transfer`: the page makes the worker its own copy (`slice`) and moves it: a transferred
//!   buffer leaves the page, so every worker needs a copy of its own;
//! - `shared`: the SharedArrayBuffer itself, which no message copies.
//!
//! The clock is read just before the copy or the post; the worker reads it again when the
//! message arrives (crates/worker/src/passed.rs): the difference is the task's passing.

use crate::engines::processes::ProcessWorker;
use js_sys::{Array, ArrayBuffer, Object, Reflect, SharedArrayBuffer, Uint8Array};
use std::cell::RefCell;
use threadlab_clock::now_ms;
use threadlab_lab::checks::Checks;
use threadlab_lab::plan;
use threadlab_lab::protocol::WorkerRequest;
use threadlab_lab::{Mode, Spec};
use threadlab_workloads::pass::Via;
use threadlab_workloads::Workload;
use wasm_bindgen::JsValue;

struct Held {
    mb: u32,
    buffer: ArrayBuffer,
    shared: Option<SharedArrayBuffer>,
}

thread_local! {
    static INPUT: RefCell<Option<Held>> = const { RefCell::new(None) };
}

/// Gets the input where the spec's cells need it, outside any timed run: in the helper (for
/// sequential and async), on the page (for processes) and in a SharedArrayBuffer (for processes
/// given it shared, where the page may make one).
pub async fn prepare(spec: &Spec, helper: &ProcessWorker, checks: &Checks) -> Result<(), String> {
    let Workload::Pass { mb, .. } = spec.workload else { return Ok(()) };
    let cells = plan::cells(spec);
    let processes = cells.iter().filter(|c| c.mode == Mode::Processes && checks.skip_reason(c.mode, false).is_none());
    let shared = processes.clone().any(|c| c.variant == Some(Via::Shared.name()))
        && checks.variant_skip_reason(Some(Via::Shared.name())).is_none();
    let by_message = processes.count() > 0;
    let in_helper = spec.modes.iter().any(|m| m.is_single_threaded());
    if !by_message {
        INPUT.with(|i| i.borrow_mut().take()); // not kept for nothing
        if in_helper {
            helper.input(mb).await?;
        }
        return Ok(());
    }
    // The helper is asked again whenever sequential or async run: it may be a new worker (after
    // a crash or a time limit) without the input.
    let held = INPUT.with(|i| i.borrow().as_ref().is_some_and(|h| h.mb == mb));
    if !held || in_helper {
        INPUT.with(|i| i.borrow_mut().take()); // freed before the next one arrives
        let buffer = helper.input(mb).await?;
        INPUT.with(|i| *i.borrow_mut() = Some(Held { mb, buffer, shared: None }));
    }
    if shared {
        INPUT.with(|i| {
            if let Some(h) = i.borrow_mut().as_mut().filter(|h| h.shared.is_none()) {
                let sab = SharedArrayBuffer::new(h.buffer.byte_length());
                Uint8Array::new(&sab).set(&Uint8Array::new(&h.buffer), 0);
                h.shared = Some(sab);
            }
        });
    }
    Ok(())
}

/// Sends `request` (one task) to `worker` with the input, `via` the cell's way, timed from just
/// before the copy or the post.
pub fn send(worker: &ProcessWorker, request: &WorkerRequest, via: Via) -> Result<(), String> {
    let (buffer, shared) = INPUT
        .with(|i| i.borrow().as_ref().map(|h| (h.buffer.clone(), h.shared.clone())))
        .ok_or("the input to pass was not prepared before the run")?;
    let json = serde_json::to_string(request).expect("requests serialize");
    let message = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&message, &key.into(), value).map(drop);
    set("request", &JsValue::from_str(&json)).map_err(|e| format!("{e:?}"))?;
    let sent = now_ms();
    let (input, transfer): (JsValue, Option<Array>) = match via {
        Via::Copy => (buffer.into(), None),
        Via::Transfer => {
            let own = buffer.slice(0);
            let list = Array::of1(&own);
            (own.into(), Some(list))
        }
        Via::Shared => (shared.ok_or("no SharedArrayBuffer was made for this run")?.into(), None),
    };
    set("input", &input).and_then(|()| set("sent", &JsValue::from_f64(sent))).map_err(|e| format!("{e:?}"))?;
    worker.post(&message, transfer.as_ref())
}
