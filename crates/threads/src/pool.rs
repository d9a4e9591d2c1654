//! The rayon pool: Web Workers that share this module's memory, each one a rayon thread.
//!
//! The coordinator makes one script for them all, the threaded glue with www/pool-thread.js
//! appended (`threadlab_io::module_script`), so a starting thread fetches nothing. Each thread
//! instantiates the module the coordinator posts it, on the coordinator's memory, says it is
//! ready, and becomes a rayon thread ([`pool_thread_main`]). The pool is built once every
//! thread is ready, so a started pool has all its threads.
//!
//! This is what wasm-bindgen-rayon does, less two requests per thread: it fetches its helper
//! script for each thread, and each thread imports the glue by URL. 16 threads started from a
//! Blob were ready in ~140 ms here, against ~240 ms importing the glue by URL (3 × 7
//! alternating runs with no DevTools client, on a settled page).

use futures::channel::oneshot;
use rayon::ThreadBuilder;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Mutex;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// The rayon threads the pool's builder made, each taken by one pool thread as it starts.
static WAITING: Mutex<Option<Receiver<ThreadBuilder>>> = Mutex::new(None);

thread_local! {
    /// The pool's workers, kept by the coordinator for its lifetime (a worker no one refers to
    /// may be collected in some browsers, although it shares memory with this one).
    static THREADS: RefCell<Vec<Worker>> = const { RefCell::new(Vec::new()) };
}

/// Starts a rayon pool of `threads` workers started from the glue at `glue` with the bootstrap
/// at `bootstrap` appended; resolves once every thread is ready and the pool built. Called
/// once, by the coordinator (www/threads-worker.js).
#[wasm_bindgen]
pub async fn start_pool(threads: usize, glue: String, bootstrap: String) -> Result<(), JsValue> {
    let failed = |why: String| JsValue::from_str(&format!("the thread pool did not start: {why}"));
    if threads == 0 {
        return Err(failed("a pool needs at least one thread".into()));
    }
    let script = threadlab_io::module_script(&glue, &bootstrap).await.map_err(failed)?;
    let (builders, waiting) = channel();
    *WAITING.lock().unwrap_or_else(|p| p.into_inner()) = Some(waiting);

    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    let _ = js_sys::Reflect::set(&init, &"memory".into(), &wasm_bindgen::memory());
    let started = futures::future::join_all((1..=threads).map(|number| start_thread(&script, number, &init))).await;
    let _ = web_sys::Url::revoke_object_url(&script);
    let mut workers = Vec::with_capacity(threads);
    let mut first_error = None;
    for thread in started {
        match thread {
            Ok(worker) => workers.push(worker),
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    if let Some(why) = first_error {
        workers.iter().for_each(Worker::terminate);
        return Err(failed(why));
    }

    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .spawn_handler(move |thread| builders.send(thread).map_err(|_| std::io::Error::other("no pool thread is waiting")))
        .build_global()
        .map_err(|e| failed(e.to_string()))?;
    THREADS.with(|kept| kept.borrow_mut().extend(workers));
    Ok(())
}

/// A pool thread's life, called by www/pool-thread.js once it has instantiated the module:
/// takes one of the pool's rayon threads and runs it, which never returns to the event loop.
#[wasm_bindgen]
pub fn pool_thread_main() {
    let waiting = WAITING.lock().unwrap_or_else(|p| p.into_inner());
    // Blocks until the pool is built, which happens once every thread got here.
    let thread = waiting.as_ref().and_then(|builders| builders.recv().ok());
    drop(waiting);
    if let Some(thread) = thread {
        thread.run();
    }
}

/// Starts pool thread `number` from `script` and waits until it has instantiated the module.
async fn start_thread(script: &str, number: usize, init: &JsValue) -> Result<Worker, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    options.set_name(&format!("threadlab thread {number}"));
    let worker = Worker::new_with_options(script, &options).map_err(|e| format!("thread {number}: {}", js_sys::Error::from(e).message()))?;

    let (answer, answered) = oneshot::channel::<Result<(), String>>();
    let answer = Rc::new(RefCell::new(Some(answer)));
    let reply = move |outcome: Result<(), String>| {
        if let Some(answer) = answer.borrow_mut().take() {
            let _ = answer.send(outcome);
        }
    };
    let on_message = Closure::<dyn Fn(MessageEvent)>::new({
        let reply = reply.clone();
        move |event: MessageEvent| {
            let data = event.data();
            reply(match data.as_string().as_deref() {
                Some("ready") => Ok(()),
                _ => Err(js_sys::Reflect::get(&data, &"error".into()).ok().and_then(|e| e.as_string()).unwrap_or_else(|| "an unexpected message".into())),
            });
        }
    });
    let on_error = Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        let message = event.message();
        reply(Err(if message.is_empty() { "its script did not start".into() } else { message }));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let outcome = match worker.post_message(init) {
        Ok(()) => answered.await.unwrap_or_else(|_| Err("no answer".into())),
        Err(e) => Err(js_sys::Error::from(e).message().into()),
    };
    // From now on the thread reports its own crashes (crash.rs); its errors that escape reach
    // the coordinator's global handlers.
    worker.set_onmessage(None);
    worker.set_onerror(None);
    match outcome {
        Ok(()) => Ok(worker),
        Err(why) => {
            worker.terminate();
            Err(format!("thread {number}: {why}"))
        }
    }
}
