//! The project's service worker (www/sw.js), registered by the page at start. It answers the
//! built-in latency endpoint (`io/delay?ms=&bytes=&seed=`, a deterministic body after a delay,
//! on any static host and offline): runs that use it wait until it controls the page (the first
//! visit) and say so plainly when it cannot. On static hosts that send no COOP/COEP headers it
//! adds them, and the page reloads once to become cross-origin isolated.

use std::cell::RefCell;
use threadlab_clock::now_ms;
use threadlab_workloads::download::{endpoint_url, DownloadTask, ENDPOINT_PATH};
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

/// Marks a reload made for isolation, so a page the service worker cannot isolate never loops.
const RELOADED_KEY: &str = "threadlab-isolation-reload";
/// Request header asking the service worker whether it adds COOP/COEP here (www/sw.js).
const PROBE_HEADER: &str = "x-threadlab-isolation-probe";

/// Resolves when the page is ready as it will stay: at once when it is cross-origin isolated,
/// embedded in another page (whose isolation an iframe cannot get around), or has no service
/// worker; otherwise after asking the service worker whether it isolates this site, and if it
/// does, never: the page reloads once (www/boot.js holds `threadlab.ready` until this resolves).
#[wasm_bindgen]
pub async fn isolation_settled() {
    let Some(window) = web_sys::window() else { return };
    let storage = window.session_storage().ok().flatten();
    let isolated = js_sys::Reflect::get(&window, &"crossOriginIsolated".into()).map(|v| v.is_truthy()).unwrap_or(false);
    let embedded = window.top().ok().flatten().is_some_and(|top| !js_sys::Object::is(&top, &window));
    let reloaded = storage.as_ref().and_then(|s| s.get_item(RELOADED_KEY).ok().flatten()).is_some();
    if isolated || embedded || reloaded || REGISTRATION_ERROR.with(|e| e.borrow().is_some()) {
        return;
    }
    if wait_for_control(3_000.0).await.is_err() {
        return;
    }
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    let headers = web_sys::Headers::new().expect("Headers");
    let _ = headers.set(PROBE_HEADER, "1");
    init.set_headers(&headers);
    let href = window.location().href().unwrap_or_default();
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init(&href, &init)).await else { return };
    let response: web_sys::Response = response.unchecked_into();
    if response.headers().get(PROBE_HEADER).ok().flatten().as_deref() == Some("added") {
        if let Some(s) = &storage {
            let _ = s.set_item(RELOADED_KEY, "1");
        }
        let _ = window.location().reload();
        std::future::pending::<()>().await;
    }
}

/// Polls until the service worker controls the page, up to `timeout_ms`.
async fn wait_for_control(timeout_ms: f64) -> Result<(), String> {
    let container = web_sys::window().ok_or("no page")?.navigator().service_worker();
    let deadline = now_ms() + timeout_ms;
    while container.controller().is_none() {
        if let Some(why) = REGISTRATION_ERROR.with(|e| e.borrow().clone()) {
            return Err(format!("its service worker could not be registered ({why})"));
        }
        if now_ms() > deadline {
            return Err(format!(
                "its service worker did not take control of the page within {} s",
                timeout_ms / 1000.0
            ));
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    Ok(())
}

/// An empty, immediate request to the endpoint.
pub fn ping_url() -> String {
    endpoint_url(&endpoint(), 0, 0, 0)
}

/// Absolute URL of the endpoint as the page sees it (workers resolve relative URLs elsewhere).
pub fn endpoint() -> String {
    let base =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).unwrap_or_default();
    web_sys::Url::new_with_base(ENDPOINT_PATH, &base).map(|u| u.href()).unwrap_or_else(|_| ENDPOINT_PATH.to_string())
}

/// Resolves once the service worker controls the page, so the endpoint answers; on a first visit
/// that takes one activation (claiming the page and the workers it already started).
pub async fn endpoint_ready() -> Result<(), String> {
    let unavailable =
        |why: &str| format!("the built-in latency endpoint is unavailable: {why}. Give the workload a url instead");
    wait_for_control(CONTROL_TIMEOUT_MS).await.map_err(|why| unavailable(&why))?;
    // One empty request wakes the service worker (browsers stop idle ones) before any timing.
    let ping = DownloadTask { url: ping_url(), from_endpoint: true, timeout_ms: 10_000, file: None };
    threadlab_io::download(&ping).await.map(drop).map_err(|e| unavailable(&e))
}
