//! A crashing thread brings the whole engine down, and the coordinator must hear of it: a dead
//! rayon thread never finishes its job, so the run would otherwise wait for ever.
//!
//! Two ways a thread dies, both reported to the run in progress ([`watch`]):
//! - a panic: the release build aborts on panic, after the panic hook ran on the panicking
//!   thread; the hook reports the message;
//! - a trap (`unreachable`, or an abort without a hook): the pool worker's JS sees an uncaught
//!   error or rejection. Each pool thread listens for those ([`listen_on_this_thread`]); the
//!   listener runs Rust again on that thread (its instance and memory survive the trap) and
//!   reports.
//!
//! The first report wins. The page then terminates the coordinator, which ends every pool
//! thread with it, and starts a new engine on next use: the shared memory may hold locks or
//! data the dead thread left half-done, so nothing of it is trusted again.

use futures::channel::oneshot;
use std::cell::Cell;
use std::sync::{Mutex, Once};
use threadlab_workloads::fault::panic_message;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

static WATCHER: Mutex<Option<oneshot::Sender<String>>> = Mutex::new(None);

thread_local! {
    /// The task this thread is running, for the report.
    static CURRENT_TASK: Cell<Option<u32>> = const { Cell::new(None) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// A report for the run about to start; resolves with the first crash of any thread.
pub fn watch() -> oneshot::Receiver<String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(|info| report(&panic_message(info)))));
    let (sender, receiver) = oneshot::channel();
    *WATCHER.lock().unwrap_or_else(|p| p.into_inner()) = Some(sender);
    receiver
}

pub fn set_current_task(task: Option<u32>) {
    CURRENT_TASK.with(|t| t.set(task));
}

/// Installs the trap listeners on the calling pool thread (once per thread).
pub fn listen_on_this_thread() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let on_death = Closure::<dyn Fn(JsValue)>::new(|event: JsValue| {
        // Handled: reported to the run below, not left to the console as an uncaught error.
        event.unchecked_ref::<web_sys::Event>().prevent_default();
        let reason = ["reason", "error", "message"]
            .iter()
            .filter_map(|key| js_sys::Reflect::get(&event, &JsValue::from_str(key)).ok())
            .find(|v| !v.is_undefined() && !v.is_null())
            .map(|v| String::from(js_sys::Object::from(v).to_string()))
            .unwrap_or_else(|| "an uncaught error".into());
        report(&format!("stopped by a WebAssembly trap ({reason})"));
    });
    let global: web_sys::EventTarget = js_sys::global().unchecked_into();
    for kind in ["error", "unhandledrejection"] {
        let _ = global.add_event_listener_with_callback(kind, on_death.as_ref().unchecked_ref());
    }
    on_death.forget(); // for the thread's lifetime
}

/// Tells the run in progress that this thread died of `what`.
fn report(what: &str) {
    let thread =
        rayon::current_thread_index().map_or_else(|| "the coordinator".to_string(), |i| format!("thread {}", i + 1));
    let task = CURRENT_TASK.with(Cell::get).map(|t| format!(", in task {t}")).unwrap_or_default();
    // A poisoned lock still holds the sender: the report must get through.
    let sender = WATCHER.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(sender) = sender {
        let _ = sender.send(format!("{thread}{task}: {what}"));
    }
}
