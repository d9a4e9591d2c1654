//! The rayon pool: Web Workers that share this module's memory, each one a rayon thread.
//!
//! wasm-bindgen-rayon builds the pool: its builder (`wbg_rayon_PoolBuilder`) makes the rayon
//! threads and hands them out through a channel, and each Worker runs its
//! `wbg_rayon_start_worker`, which takes one and runs it. The Workers are started here, not by
//! the crate's JS helper: our patch of the crate (`custom-workers`, vendor/wasm-bindgen-rayon,
//! ARCHITECTURE.md) leaves that helper out. The coordinator makes one script for them all, the
//! threaded glue with www/pool-thread.js appended (`threadlab_workers::module_script`), so a
//! starting thread fetches nothing. Each thread instantiates the module the coordinator posts
//! it, on the coordinator's memory, says it is ready, and waits for its rayon thread. The pool
//! is built once every thread is ready, so a started pool has all its threads.
//!
//! The crate's helper, as released, fetched itself for each thread and each thread imported the
//! glue by URL: the 16-thread pool took ~320 ms to start here, ~200 ms from one Blob
//! (BENCHMARKS.md has the figures). It also passed `init` its arguments in the deprecated
//! positional form (a warning per thread) and waited for ever on a thread that failed.

use futures::channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use threadlab_workers::{error_event_message, ready_or_error, spawn_module_worker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_rayon::wbg_rayon_PoolBuilder as PoolBuilder;
use web_sys::{Event, MessageEvent, Worker};

static STARTED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The pool's workers, kept by the coordinator for its lifetime (a worker no one refers to
    /// may be collected in some browsers, although it shares memory with this one).
    static THREADS: RefCell<Vec<Worker>> = const { RefCell::new(Vec::new()) };
}

/// Starts a rayon pool of `threads` workers started from the glue at `glue` with the bootstrap
/// at `bootstrap` appended; resolves once every thread is ready and the pool built. Once per
/// coordinator (www/threads-worker.js): one whose pool failed is ended by the page and
/// replaced, never asked again.
#[wasm_bindgen]
pub async fn start_pool(threads: usize, glue: String, bootstrap: String) -> Result<(), JsValue> {
    let failed = |why: String| JsValue::from_str(&format!("the thread pool did not start: {why}"));
    if STARTED.swap(true, Ordering::SeqCst) {
        return Err(failed("it was already started once in this coordinator".into()));
    }
    if threads == 0 {
        return Err(failed("a pool needs at least one thread".into()));
    }
    let script = threadlab_workers::module_script(&glue, &bootstrap).await.map_err(failed)?;
    // Never dropped: every thread reads its rayon thread from the builder's receiver, by
    // address, until it has one. A thread of a pool that failed waits there until the page
    // ends the coordinator, and it with it.
    let builder: &'static mut PoolBuilder = Box::leak(Box::new(PoolBuilder::new(threads)));

    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    let _ = js_sys::Reflect::set(&init, &"memory".into(), &wasm_bindgen::memory());
    let _ = js_sys::Reflect::set(&init, &"receiver".into(), &(builder.receiver() as usize).into());
    let started = futures::future::join_all((1..=threads).map(|number| start_thread(&script, number, &init))).await;
    let _ = web_sys::Url::revoke_object_url(&script);
    // A failure ends the start; the page then ends this coordinator, and every thread with it.
    let workers = started.into_iter().collect::<Result<Vec<Worker>, String>>().map_err(failed)?;
    // Hands each waiting thread its rayon thread. It cannot fail here: this coordinator builds
    // one pool (STARTED), and nothing uses rayon before it.
    builder.build();
    THREADS.with(|kept| kept.borrow_mut().extend(workers));
    Ok(())
}

/// Starts pool thread `number` from `script`; resolves once it has instantiated the module.
/// A thread is never ended here, not even one that failed: the page ends the coordinator, and
/// its threads with it. (Ending 16 threads here just before the page ended the coordinator
/// left the coordinator hung in Chromium: still listed, answering nothing.)
async fn start_thread(script: &str, number: usize, init: &JsValue) -> Result<Worker, String> {
    let failed = |why: String| format!("thread {number}: {why}");
    let worker = spawn_module_worker(script, &format!("threadlab thread {number}")).map_err(failed)?;
    let (answer, answered) = oneshot::channel();
    let answer = Rc::new(RefCell::new(Some(answer)));
    let reply = move |outcome: Result<(), String>| {
        if let Some(answer) = answer.borrow_mut().take() {
            let _ = answer.send(outcome);
        }
    };
    let on_message = Closure::<dyn Fn(MessageEvent)>::new({
        let reply = reply.clone();
        move |event: MessageEvent| reply(ready_or_error(&event.data()))
    });
    let on_error = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        event.prevent_default();
        reply(Err(error_event_message(&event)));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let outcome = match worker.post_message(init) {
        Ok(()) => answered.await.unwrap_or_else(|_| Err("no answer".into())),
        Err(e) => Err(js_sys::Error::from(e).message().into()),
    };
    // From here on a thread reports its own crashes (crash.rs); its errors that escape reach
    // the coordinator's global handlers (www/threads-worker.js), which tell the page.
    worker.set_onmessage(None);
    worker.set_onerror(None);
    outcome.map(|()| worker).map_err(failed)
}
