//! A Web Worker whose messages can be awaited one at a time.
//!
//! Every live port of this context is registered, so [`terminate_all`] can stop all its workers
//! at once (cancel): a terminated worker sends no more events, so the port itself fails whatever
//! is awaiting it.

use gloo_events::{EventListener, EventListenerOptions};
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MessageEvent, Worker, WorkerOptions, WorkerType};

struct Inner {
    worker: Worker,
    inbox: RefCell<VecDeque<JsValue>>,
    waiting: RefCell<Option<(Function, Function)>>,
    closed: Cell<bool>,
    close_reason: RefCell<String>,
    /// Removed from the worker when the port goes (gloo-events).
    _on_message: EventListener,
    _on_error: EventListener,
}

#[derive(Clone)]
pub struct Port(Rc<Inner>);

thread_local! {
    static LIVE: RefCell<Vec<Weak<Inner>>> = const { RefCell::new(Vec::new()) };
}

fn deliver(weak: &Weak<Inner>, message: JsValue) {
    let Some(inner) = weak.upgrade() else { return };
    let waiting = inner.waiting.borrow_mut().take();
    match waiting {
        Some((resolve, _)) => drop(resolve.call1(&JsValue::NULL, &message)),
        None => inner.inbox.borrow_mut().push_back(message),
    }
}

impl Port {
    /// Starts a module worker from `script` (a URL, relative to the page or blob:), named `name`
    /// (DevTools shows it).
    pub fn spawn(script: &str, name: &str) -> Result<Port, String> {
        let worker = spawn_module_worker(script, name)?;
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let w = weak.clone();
            let on_message = EventListener::new(&worker, "message", move |e| {
                deliver(&w, e.unchecked_ref::<MessageEvent>().data());
            });
            let w = weak.clone();
            // Not passive: preventDefault keeps the worker's error from being reported again as
            // the page's own uncaught error.
            let options = EventListenerOptions::enable_prevent_default();
            let on_error = EventListener::new_with_options(&worker, "error", options, move |e| {
                e.prevent_default();
                let what = error_event_message(e);
                // A worker that threw is not trusted again: stop it, fail whoever waits.
                if let Some(inner) = w.upgrade() {
                    Port(inner).terminate(&what);
                }
            });
            Inner {
                worker,
                inbox: RefCell::default(),
                waiting: RefCell::default(),
                closed: Cell::new(false),
                close_reason: RefCell::default(),
                _on_message: on_message,
                _on_error: on_error,
            }
        });
        LIVE.with(|live| {
            let mut live = live.borrow_mut();
            live.retain(|w| w.upgrade().is_some_and(|p| !p.closed.get()));
            live.push(Rc::downgrade(&inner));
        });
        Ok(Port(inner))
    }

    pub fn post(&self, message: &JsValue) -> Result<(), String> {
        if self.0.closed.get() {
            return Err(self.0.close_reason.borrow().clone());
        }
        self.0.worker.post_message(message).map_err(|e| format!("postMessage failed: {e:?}"))
    }

    /// Posts `message`, moving the objects listed in `transfer` (ArrayBuffers) to the worker.
    pub fn post_with_transfer(&self, message: &JsValue, transfer: &JsValue) -> Result<(), String> {
        if self.0.closed.get() {
            return Err(self.0.close_reason.borrow().clone());
        }
        self.0.worker.post_message_with_transfer(message, transfer).map_err(|e| format!("postMessage failed: {e:?}"))
    }

    /// The next message from the worker, or why none will come.
    pub async fn next(&self) -> Result<JsValue, String> {
        if let Some(m) = self.0.inbox.borrow_mut().pop_front() {
            return Ok(m);
        }
        if self.0.closed.get() {
            return Err(self.0.close_reason.borrow().clone());
        }
        let promise = Promise::new(&mut |resolve, reject| {
            *self.0.waiting.borrow_mut() = Some((resolve, reject));
        });
        JsFuture::from(promise).await.map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
    }

    /// Awaits the worker's first message, which must be "ready". Otherwise the worker is
    /// stopped and the error says why: the `{error}` it posted, or why no message came.
    pub async fn ready(&self) -> Result<(), String> {
        let started = ready_or_error(&self.next().await?);
        if started.is_err() {
            self.terminate("failed to start");
        }
        started
    }

    /// Sends a message and awaits the next one.
    pub async fn request(&self, message: &JsValue) -> Result<JsValue, String> {
        self.post(message)?;
        self.next().await
    }

    pub fn terminate(&self, reason: &str) {
        let inner = &self.0;
        if inner.closed.replace(true) {
            return;
        }
        inner.worker.terminate();
        inner.inbox.borrow_mut().clear();
        *inner.close_reason.borrow_mut() = reason.to_string();
        if let Some((_, reject)) = inner.waiting.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(reason));
        }
    }

    pub fn is_closed(&self) -> bool {
        self.0.closed.get()
    }
}

/// Starts a module worker from `script` (a URL, relative to this context, or blob:), named
/// `name` (DevTools shows it).
pub fn spawn_module_worker(script: &str, name: &str) -> Result<Worker, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    options.set_name(name);
    Worker::new_with_options(script, &options).map_err(|e| format!("could not start a worker: {e:?}"))
}

/// What a worker's first message says: "ready", or the `{error}` it failed with.
pub fn ready_or_error(first: &JsValue) -> Result<(), String> {
    if first.as_string().as_deref() == Some("ready") {
        return Ok(());
    }
    let error = js_sys::Reflect::get(first, &"error".into()).ok().and_then(|e| e.as_string());
    Err(error.unwrap_or_else(|| "its first message was not \"ready\"".into()))
}

/// What a worker's `error` event says. An uncaught error is an ErrorEvent; a script that failed
/// to load or parse fires a plain Event, with no message.
pub fn error_event_message(event: &Event) -> String {
    let message =
        js_sys::Reflect::get(event, &"message".into()).ok().and_then(|m| m.as_string()).filter(|m| !m.is_empty());
    message.unwrap_or_else(|| "the worker failed to load or crashed".into())
}

/// Terminates every worker this context started; whatever awaited them fails with `reason`.
pub fn terminate_all(reason: &str) {
    let live: Vec<_> = LIVE.with(|l| l.borrow_mut().drain(..).filter_map(|w| w.upgrade()).collect());
    for inner in live {
        Port(inner).terminate(reason);
    }
}

/// Workers currently running (started and not terminated).
pub fn live_count() -> usize {
    LIVE.with(|l| l.borrow().iter().filter(|w| w.upgrade().is_some_and(|p| !p.closed.get())).count())
}
