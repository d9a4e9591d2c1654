//! `window.threadlab`, the scripting contract (docs/api.md): `ready`, `run(spec,
//! {onProgress})`, `cancel()`, `capabilities()` (and `checkCapabilities()`, the same once a worker
//! made its checks), `presets`. Runs go through the run controller, as the page's own Run button
//! does, so the UI and scripts see the same behaviour.

use crate::controller::{self, Screen};
use crate::env::Capabilities;
use crate::runner::{self, Progress};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use serde_json::Value;
use std::rc::Rc;
use threadlab_lab::checks::Checks;
use threadlab_lab::{presets, Spec};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn json_to_js(v: &Value) -> JsValue {
    JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

/// Accepts a spec as a JS object or as JSON text.
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
            let o = Object::new();
            set(&o, "done", &p.done.into());
            set(&o, "total", &p.total.into());
            set(&o, "mode", &p.cell.mode.name().into());
            set(&o, "workers", &p.cell.workers.into());
            // A throwing callback must not break the run.
            let _ = f.call1(&JsValue::NULL, &o);
        }
    };
    match controller::start(screen, spec, caps, tell) {
        Ok(run) => future_to_promise(async move {
            run.await
                .map(|json| JSON::parse(&json).unwrap_or(JsValue::NULL))
                .map_err(|e| js_sys::Error::new(&e.to_string()).into())
        }),
        Err(e) => Promise::reject(&js_sys::Error::new(&e.to_string())),
    }
}

pub fn capabilities_object(caps: &Capabilities) -> Object {
    let o = Object::new();
    set(&o, "cores", &caps.cores.into());
    set(&o, "cores_source", &"navigator.hardwareConcurrency".into());
    set(&o, "cross_origin_isolated", &caps.cross_origin_isolated.into());
    set(&o, "shared_memory", &caps.shared_memory.into());
    set(&o, "timer_resolution_ms", &caps.timer_resolution_ms.into());
    let modes: Array = caps.modes().iter().map(|m| JsValue::from_str(m.name())).collect();
    set(&o, "modes", &modes);
    let checks = caps.checks();
    set(&o, "checks", &checks_object(&checks));
    // Why a mode or fetch_write would be skipped here, as runs say it (null: nothing known
    // rules it out).
    let reasons = Object::new();
    let reason = |r: Option<String>| r.map_or(JsValue::NULL, JsValue::from);
    set(&reasons, "threads", &reason(checks.threads_blocked()));
    set(&reasons, "fetch_write", &reason(checks.files_blocked()));
    set(&o, "skip_reasons", &reasons);
    o
}

/// One entry per check: true or false, or null where a worker has not been asked yet.
fn checks_object(checks: &Checks) -> Object {
    let o = Object::new();
    let flag = |key: &str, value: Option<bool>| set(&o, key, &value.map_or(JsValue::NULL, JsValue::from));
    flag("cross_origin_isolated", Some(checks.cross_origin_isolated));
    flag("shared_wasm_memory", Some(checks.shared_wasm_memory));
    flag("shared_memory_to_workers", Some(checks.shared_memory_to_workers));
    flag("shared_array_buffer_global", Some(checks.shared_array_buffer));
    flag("opfs_window", Some(checks.opfs_window));
    flag("create_writable_window", Some(checks.create_writable_window));
    flag("module_workers", checks.module_workers.as_ref().map(Result::is_ok));
    let worker = checks.worker.as_ref();
    flag("atomics_wait_worker", worker.map(|w| w.atomics_wait));
    flag("opfs_worker", worker.map(|w| w.opfs));
    flag("sync_access_handle_worker", worker.map(|w| w.sync_access_handle));
    flag("create_writable_worker", worker.map(|w| w.create_writable));
    let why = |text: Option<&str>| text.map_or(JsValue::NULL, JsValue::from);
    set(
        &o,
        "module_workers_error",
        &why(checks.module_workers.as_ref().and_then(|r| r.as_ref().err().map(String::as_str))),
    );
    set(&o, "opfs_worker_error", &why(worker.and_then(|w| w.opfs_error.as_deref())));
    // The workers' checks' cost: inside the worker, and from the page (with the worker's start).
    set(&o, "worker_checks_ms", &worker.map_or(JsValue::NULL, |w| w.ms.into()));
    set(&o, "worker_checks_page_ms", &crate::env::worker_checks_ms().map_or(JsValue::NULL, JsValue::from));
    o
}
/// What a long session costs, for soak tests and the curious: workers alive (started by this
/// page and not terminated; the threads engine's pool lives inside its coordinator), the size
/// of the page module's memory, and the blob: URL process workers start from (null until the
/// worker code has loaded), which tells them apart from the pool's blob: workers.
fn diagnostics_object() -> Object {
    let o = Object::new();
    set(&o, "live_workers", &threadlab_workers::live_count().into());
    set(&o, "process_script", &crate::engines::processes::script_url().map_or(JsValue::NULL, JsValue::from));
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = js_sys::ArrayBuffer::from(memory.buffer()).byte_length();
    set(&o, "wasm_memory_bytes", &bytes.into());
    o
}

fn presets_array() -> Array {
    presets::all()
        .iter()
        .map(|p| {
            let o = Object::new();
            set(&o, "id", &p.id.into());
            set(&o, "title", &p.title.into());
            set(&o, "claim", &p.claim.into());
            set(&o, "spec", &json_to_js(&p.spec));
            JsValue::from(o)
        })
        .collect()
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
    let capabilities = Closure::<dyn Fn() -> Object>::new(move || capabilities_object(&c));
    set(&api, "capabilities", capabilities.as_ref());
    capabilities.forget();

    // The same, once a worker has made the checks only a worker can make (it starts one if
    // none runs); rejects if no worker could be asked.
    let c = caps.clone();
    let check = Closure::<dyn Fn() -> Promise>::new(move || {
        let c = c.clone();
        future_to_promise(async move {
            crate::runner::worker_checks().await.map_err(|why| js_sys::Error::new(&why))?;
            Ok(capabilities_object(&c).into())
        })
    });
    set(&api, "checkCapabilities", check.as_ref());
    check.forget();

    set(&api, "presets", &presets_array());

    let live = Closure::<dyn Fn() -> usize>::new(threadlab_workers::live_count);
    set(&api, "liveWorkers", live.as_ref());
    live.forget();

    let diagnostics = Closure::<dyn Fn() -> Object>::new(diagnostics_object);
    set(&api, "diagnostics", diagnostics.as_ref());
    diagnostics.forget();

    set(&js_sys::global(), "threadlab", &api);
}
