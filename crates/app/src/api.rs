//! `window.threadlab`, the scripting contract (docs/api.md): `ready`, `run(spec,
//! {onProgress})`, `cancel()`, `capabilities()`, `presets`. Runs go through the run controller,
//! as the page's own Run button does, so the UI and scripts see the same behaviour.

use crate::controller::{self, Screen};
use crate::env::Capabilities;
use crate::runner::{self, Progress};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use serde_json::Value;
use std::rc::Rc;
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
            run.await.map(|json| JSON::parse(&json).unwrap_or(JsValue::NULL)).map_err(|m| js_sys::Error::new(&m).into())
        }),
        Err(message) => Promise::reject(&js_sys::Error::new(&message)),
    }
}

pub fn capabilities_object(caps: &Capabilities) -> Object {
    let o = Object::new();
    set(&o, "cores", &caps.cores.into());
    set(&o, "cross_origin_isolated", &caps.cross_origin_isolated.into());
    set(&o, "shared_memory", &caps.shared_memory.into());
    set(&o, "timer_resolution_ms", &caps.timer_resolution_ms.into());
    let modes: Array = caps.modes().iter().map(|m| JsValue::from_str(m.name())).collect();
    set(&o, "modes", &modes);
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

    set(&api, "presets", &presets_array());

    let live = Closure::<dyn Fn() -> usize>::new(threadlab_workers::live_count);
    set(&api, "liveWorkers", live.as_ref());
    live.forget();

    let diagnostics = Closure::<dyn Fn() -> Object>::new(diagnostics_object);
    set(&api, "diagnostics", diagnostics.as_ref());
    diagnostics.forget();

    set(&js_sys::global(), "threadlab", &api);
}
