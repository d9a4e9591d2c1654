//! The project's service worker (www/sw.js) and the built-in latency endpoint it answers:
//! `io/delay?ms=&bytes=&seed=`, a deterministic body after a delay, on any static host and
//! offline. The page registers it at start; runs that use the endpoint wait until it controls
//! the page (the first visit) and say so plainly when it cannot.

use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
use threadlab_clock::now_ms;
use threadlab_workloads::download::{endpoint_body, endpoint_url, parse_endpoint_query, DownloadTask, ENDPOINT_HEADER, ENDPOINT_PATH};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::RegistrationOptions;

/// How long a run waits for the service worker to take control on a first visit.
const CONTROL_TIMEOUT_MS: f64 = 10_000.0;

thread_local! {
    /// Why registration failed, if it did.
    static REGISTRATION_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Registers www/sw.js (served at the site root, so its scope covers the page and its workers).
pub fn register() {
    let Some(window) = web_sys::window() else { return };
    let failed = |why: String| REGISTRATION_ERROR.with(|e| *e.borrow_mut() = Some(why));
    if !window.is_secure_context() {
        return failed("service workers need a secure context (https or localhost)".into());
    }
    let options = RegistrationOptions::new();
    options.set_type("module");
    let promise = window.navigator().service_worker().register_with_options("sw.js", &options);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = JsFuture::from(promise).await {
            failed(js_sys::Error::from(e).message().into());
        }
    });
}

/// Absolute URL of the endpoint as the page sees it (workers resolve relative URLs elsewhere).
pub fn endpoint() -> String {
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).unwrap_or_default();
    web_sys::Url::new_with_base(ENDPOINT_PATH, &base).map(|u| u.href()).unwrap_or_else(|_| ENDPOINT_PATH.to_string())
}

/// Resolves once the service worker controls the page, so the endpoint answers; on a first visit
/// that takes one activation (claiming the page and the workers it already started).
pub async fn endpoint_ready() -> Result<(), String> {
    let unavailable = |why: &str| format!("the built-in latency endpoint is unavailable: {why}. Give the workload a url instead");
    let container = web_sys::window().ok_or_else(|| unavailable("no page"))?.navigator().service_worker();
    let deadline = now_ms() + CONTROL_TIMEOUT_MS;
    while container.controller().is_none() {
        if let Some(why) = REGISTRATION_ERROR.with(|e| e.borrow().clone()) {
            return Err(unavailable(&format!("its service worker could not be registered ({why})")));
        }
        if now_ms() > deadline {
            return Err(unavailable("its service worker did not take control of the page within 10 s"));
        }
        let tick = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20));
        });
        let _ = JsFuture::from(tick).await;
    }
    // One empty request wakes the service worker (browsers stop idle ones) before any timing.
    let ping = DownloadTask { url: endpoint_url(&endpoint(), 0, 0, 0), from_endpoint: true, timeout_ms: 10_000, file: None };
    threadlab_io::download(&ping).await.map(drop).map_err(|e| unavailable(&e))
}

/// Called by www/sw.js for each endpoint request: `{delay_ms, status, body, header}`. A bad
/// query gets status 400 and says why in the body.
#[wasm_bindgen]
pub fn endpoint_reply(url: &str) -> Object {
    let reply = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&reply, &key.into(), &value);
    };
    let (delay_ms, status, body) = match parse_endpoint_query(url) {
        Ok((ms, bytes, seed)) => (ms, 200, endpoint_body(bytes, seed)),
        Err(e) => (0, 400, format!("bad io/delay request: {e}").into_bytes()),
    };
    set("delay_ms", delay_ms.into());
    set("status", status.into());
    set("body", Uint8Array::from(&body[..]).into());
    set("header", ENDPOINT_HEADER.into());
    reply
}
