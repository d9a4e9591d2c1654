//! What this context offers, checked rather than assumed: the page makes its own checks at load
//! (`app::env`), a process worker those only a worker can make (`WorkerRequest::Check`). Which
//! mode each check rules out, and why, is `threadlab_lab::checks`.

use js_sys::{Atomics, Int32Array, Object, Reflect, WebAssembly};
use threadlab_clock::now_ms;
use threadlab_lab::checks::WorkerChecks;
use wasm_bindgen::{JsCast, JsValue};

/// A one-page shared `WebAssembly.Memory`, if this context may make one. Its buffer is a
/// SharedArrayBuffer even where the `SharedArrayBuffer` global is hidden (WebKit).
pub fn shared_memory() -> Result<WebAssembly::Memory, JsValue> {
    let descriptor = Object::new();
    for (key, value) in [("initial", JsValue::from(1)), ("maximum", JsValue::from(1)), ("shared", JsValue::TRUE)] {
        Reflect::set(&descriptor, &key.into(), &value)?;
    }
    WebAssembly::Memory::new(&descriptor)
}

/// Whether a shared memory can be sent to another context: cloning it (`structuredClone`, the
/// algorithm `postMessage` uses) works, or throws a DataCloneError where sharing is refused.
/// Not through a `MessageChannel`: in Firefox ESR 153, once a shared memory had been posted to
/// one, the threads engine's pool did not start (3 tries out of 3). Where there is no `structuredClone` (browsers
/// before 2022) nothing is known, and the threads engine's start will tell.
pub fn shared_memory_to_workers() -> bool {
    let Ok(memory) = shared_memory() else { return false };
    match Reflect::get(&js_sys::global(), &"structuredClone".into()).map(JsCast::dyn_into::<js_sys::Function>) {
        Ok(Ok(clone)) => clone.call1(&JsValue::NULL, &memory).is_ok(),
        _ => true,
    }
}

/// Whether `Atomics.wait` works here on shared memory (it returns at once: the value differs).
pub fn atomics_wait() -> bool {
    let Ok(memory) = shared_memory() else { return false };
    let cells = Int32Array::new(&memory.buffer());
    Atomics::wait_with_timeout(&cells, 0, 1, 0.0).is_ok_and(|answer| answer == "not-equal")
}

/// The checks only a worker can make, made in this one (a dedicated worker).
pub async fn worker_checks() -> WorkerChecks {
    let start = now_ms();
    let atomics_wait = atomics_wait();
    let (directory, sync_access_handle, create_writable) = crate::files::file_support().await;
    WorkerChecks {
        atomics_wait,
        opfs: directory.is_ok(),
        opfs_error: directory.err(),
        sync_access_handle,
        create_writable,
        ms: now_ms() - start,
    }
}
