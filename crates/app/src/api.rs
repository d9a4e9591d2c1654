//! `window.threadlab`, the scripting contract (docs/api.md): `ready`, `run(spec,
//! {onProgress})`, `cancel()`, `capabilities()` (and `checkCapabilities()`, the same once a worker
//! made its checks), `presets`. Runs go through the run controller, as the page's own Run button
//! does, so the UI and scripts see the same behaviour.

use crate::controller::{self, Screen};
use crate::env::Capabilities;
use crate::runner::{self, Progress};
use js_sys::{Function, Object, Promise, Reflect, JSON};
use serde::Serialize;
use serde_json::Value;
use std::rc::Rc;
use threadlab_lab::{presets, Spec};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    threadlab_dom::to_js(value).unwrap_or(JsValue::NULL)
}

/// What `onProgress` hears.
#[derive(Serialize)]
struct ProgressOut {
    done: u32,
    total: u32,
    mode: &'static str,
    workers: u32,
}

/// An entry of `threadlab.presets`.
#[derive(Serialize)]
struct PresetOut<'a> {
    id: &'a str,
    title: &'a str,
    claim: &'a str,
    spec: &'a Value,
}

/// Accepts a spec as a JS object or as JSON text. An object goes through `JSON.stringify`, not
/// serde-wasm-bindgen: that keeps JSON's meaning (a field set to `undefined` is absent, where
/// serde-wasm-bindgen makes it null, which the spec refuses), and a cyclic or absurdly deep
/// object is refused with an error (serde-wasm-bindgen has no depth limit: it would overflow the
/// module's stack, a trap, not an error). ARCHITECTURE.md, "Browser plumbing", lists such cases.
fn spec_text(value: &JsValue) -> Result<String, String> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.is_undefined() || value.is_null() {
        return Err("invalid spec: spec: missing; pass an object like {workload: {kind: \"fib\", n: 30}}".into());
    }
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| "invalid spec: spec: cannot be converted to JSON".into())
}

/// Runs a spec through the run controller (`controller::start`), which shows progress and the
/// result on the page. Resolves to the report object; rejects with an `Error` naming the problem.
fn run_spec(screen: Rc<dyn Screen>, spec: JsValue, on_progress: Option<Function>, caps: Rc<Capabilities>) -> Promise {
    let spec = spec_text(&spec).and_then(|text| Spec::parse(&text).map_err(|e| e.to_string()));
    let tell = move |p: &Progress| {
        if let Some(f) = &on_progress {
            let p = ProgressOut { done: p.done, total: p.total, mode: p.cell.mode.name(), workers: p.cell.workers };
            // A throwing callback must not break the run.
            let _ = f.call1(&JsValue::NULL, &to_js(&p));
        }
    };
    match controller::start(screen, spec, caps, tell) {
        Ok(run) => future_to_promise(async move { run.await.map_err(|e| js_sys::Error::new(&e.to_string()).into()) }),
        Err(e) => Promise::reject(&js_sys::Error::new(&e.to_string())),
    }
}

/// `threadlab.capabilities()` (docs/api.md), in the order the document lists it.
#[derive(Serialize)]
struct CapabilitiesOut<'a> {
    cores: u32,
    cores_source: &'static str,
    cross_origin_isolated: bool,
    shared_memory: bool,
    timer_resolution_ms: f64,
    modes: Vec<&'static str>,
    checks: ChecksOut<'a>,
    /// Why a mode or fetch_write would be skipped here, as runs say it (null: nothing known
    /// rules it out).
    skip_reasons: SkipReasons,
}

/// One entry per check: true or false, or null where a worker has not been asked yet.
#[derive(Serialize)]
struct ChecksOut<'a> {
    cross_origin_isolated: bool,
    shared_wasm_memory: bool,
    shared_memory_to_workers: bool,
    shared_array_buffer_global: bool,
    opfs_window: bool,
    create_writable_window: bool,
    module_workers: Option<bool>,
    atomics_wait_worker: Option<bool>,
    opfs_worker: Option<bool>,
    sync_access_handle_worker: Option<bool>,
    create_writable_worker: Option<bool>,
    module_workers_error: Option<&'a str>,
    opfs_worker_error: Option<&'a str>,
    /// The workers' checks' cost: inside the worker, and from the page (with the worker's start).
    worker_checks_ms: Option<f64>,
    worker_checks_page_ms: Option<f64>,
}

#[derive(Serialize)]
struct SkipReasons {
    threads: Option<String>,
    fetch_write: Option<String>,
}

pub fn capabilities_object(caps: &Capabilities) -> JsValue {
    let checks = caps.checks();
    let worker = checks.worker.as_ref();
    to_js(&CapabilitiesOut {
        cores: caps.cores,
        cores_source: "navigator.hardwareConcurrency",
        cross_origin_isolated: caps.cross_origin_isolated,
        shared_memory: caps.shared_memory,
        timer_resolution_ms: caps.timer_resolution_ms,
        modes: caps.modes().iter().map(|m| m.name()).collect(),
        checks: ChecksOut {
            cross_origin_isolated: checks.cross_origin_isolated,
            shared_wasm_memory: checks.shared_wasm_memory,
            shared_memory_to_workers: checks.shared_memory_to_workers,
            shared_array_buffer_global: checks.shared_array_buffer,
            opfs_window: checks.opfs_window,
            create_writable_window: checks.create_writable_window,
            module_workers: checks.module_workers.as_ref().map(Result::is_ok),
            atomics_wait_worker: worker.map(|w| w.atomics_wait),
            opfs_worker: worker.map(|w| w.opfs),
            sync_access_handle_worker: worker.map(|w| w.sync_access_handle),
            create_writable_worker: worker.map(|w| w.create_writable),
            module_workers_error: checks.module_workers.as_ref().and_then(|r| r.as_ref().err().map(String::as_str)),
            opfs_worker_error: worker.and_then(|w| w.opfs_error.as_deref()),
            worker_checks_ms: worker.map(|w| w.ms),
            worker_checks_page_ms: crate::env::worker_checks_ms(),
        },
        skip_reasons: SkipReasons { threads: checks.threads_blocked(), fetch_write: checks.files_blocked() },
    })
}

/// What a long session costs, for soak tests and the curious: workers alive (started by this
/// page and not terminated; the threads engine's pool lives inside its coordinator), the size
/// of the page module's memory, and the blob: URL process workers start from (null until the
/// worker code has loaded), which tells them apart from the pool's blob: workers.
#[derive(Serialize)]
struct Diagnostics {
    live_workers: usize,
    process_script: Option<String>,
    wasm_memory_bytes: u32,
}

fn diagnostics_object() -> JsValue {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    to_js(&Diagnostics {
        live_workers: threadlab_workers::live_count(),
        process_script: crate::engines::processes::script_url(),
        wasm_memory_bytes: js_sys::ArrayBuffer::from(memory.buffer()).byte_length(),
    })
}

fn presets_array() -> JsValue {
    let all = presets::all();
    let out: Vec<PresetOut> =
        all.iter().map(|p| PresetOut { id: p.id, title: p.title, claim: p.claim, spec: &p.spec }).collect();
    to_js(&out)
}

/// Installs `window.threadlab`. The page can run specs as soon as this module runs (engines
/// start on demand).
pub fn install(caps: Rc<Capabilities>, screen: Rc<dyn Screen>) {
    // www/boot.js creates `window.threadlab` with its `ready` promise before the module loads,
    // and resolves it when loading finishes; fill in the rest of the same object.
    let existing = Reflect::get(&js_sys::global(), &"threadlab".into()).ok().filter(|v| v.is_object());
    let api: Object = existing.map(JsCast::unchecked_into).unwrap_or_default();
    if !Reflect::has(&api, &"ready".into()).unwrap_or(false) {
        set(&api, "ready", &Promise::resolve(&JsValue::TRUE));
    }

    let c = caps.clone();
    let run = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |spec: JsValue, options: JsValue| {
        let on_progress = Reflect::get(&options, &"onProgress".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
        run_spec(screen.clone(), spec, on_progress, c.clone())
    });
    set(&api, "run", run.as_ref());
    run.forget();

    let cancel = Closure::<dyn Fn()>::new(runner::cancel);
    set(&api, "cancel", cancel.as_ref());
    cancel.forget();

    let c = caps.clone();
    let capabilities = Closure::<dyn Fn() -> JsValue>::new(move || capabilities_object(&c));
    set(&api, "capabilities", capabilities.as_ref());
    capabilities.forget();

    // The same, once a worker has made the checks only a worker can make (it starts one if
    // none runs); rejects if no worker could be asked.
    let c = caps.clone();
    let check = Closure::<dyn Fn() -> Promise>::new(move || {
        let c = c.clone();
        future_to_promise(async move {
            crate::runner::worker_checks().await.map_err(|why| js_sys::Error::new(&why))?;
            Ok(capabilities_object(&c))
        })
    });
    set(&api, "checkCapabilities", check.as_ref());
    check.forget();

    set(&api, "presets", &presets_array());

    let live = Closure::<dyn Fn() -> usize>::new(threadlab_workers::live_count);
    set(&api, "liveWorkers", live.as_ref());
    live.forget();

    let diagnostics = Closure::<dyn Fn() -> JsValue>::new(diagnostics_object);
    set(&api, "diagnostics", diagnostics.as_ref());
    diagnostics.forget();

    set(&js_sys::global(), "threadlab", &api);
}
