//! Downloads: `fetch` with a timeout, no HTTP cache (a repeated download must really wait), and
//! every failure turned into a sentence that says what happened.

use crate::{describe, global};
use gloo_timers::callback::Timeout;
use js_sys::Uint8Array;
use threadlab_workloads::download::{is_mixed_content, page_protocol, DownloadTask, ENDPOINT_HEADER};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestCache, RequestInit, RequestMode, Response};

/// Downloads `task.url` and returns the body.
pub async fn download(task: &DownloadTask) -> Result<Vec<u8>, String> {
    if is_mixed_content(page_protocol(&global().location().href()), &task.url) {
        return Err(
            "blocked as mixed content: this page is https, so the browser refuses plain http URLs; use https".into()
        );
    }
    let (result, timed_out) = with_timeout(task.timeout_ms, |signal| async move {
        let init = RequestInit::new();
        init.set_mode(RequestMode::Cors);
        init.set_cache(RequestCache::NoStore);
        init.set_signal(Some(&signal));
        let request = Request::new_with_str_and_init(&task.url, &init).map_err(|e| Failed::Request(describe(&e)))?;
        let response: Response =
            JsFuture::from(global().fetch_with_request(&request)).await.map_err(|_| Failed::Network)?.unchecked_into();
        if task.from_endpoint && response.headers().get(ENDPOINT_HEADER).ok().flatten().is_none() {
            return Err(Failed::NotEndpoint(response.status()));
        }
        if !response.ok() {
            return Err(Failed::Status(response.status(), response.status_text()));
        }
        let buffer = response.array_buffer().map_err(|_| Failed::Network)?;
        let buffer = JsFuture::from(buffer).await.map_err(|_| Failed::Network)?;
        Ok(Uint8Array::new(&buffer).to_vec())
    })
    .await;
    match result {
        Ok(body) => Ok(body),
        Err(_) if timed_out => Err(format!("timed out after {} ms (the workload's timeout_ms)", task.timeout_ms)),
        Err(Failed::Request(e)) => Err(format!("not a valid request: {e}")),
        Err(Failed::Status(code, text)) => Err(format!("the server answered HTTP {code} {text}").trim_end().to_string()),
        Err(Failed::NotEndpoint(code)) => Err(format!(
            "the built-in endpoint did not answer (the server replied HTTP {code} instead): its service worker does not \
             control this page; reload the page, and check that the browser allows service workers here"
        )),
        Err(Failed::Network) if task.from_endpoint => Err("the built-in endpoint could not be reached".into()),
        Err(Failed::Network) => Err(why_unreadable(&task.url).await),
    }
}

enum Failed {
    Request(String),
    Network,
    Status(u16, String),
    NotEndpoint(u16),
}

/// Runs `work` with an abort signal that fires after `ms`; also says whether it fired. The timer
/// is cleared, and its closure (holding the controller) freed, as soon as `work` ends: a closure
/// the timer never called would otherwise stay for the life of the worker, once per download.
async fn with_timeout<T, F: std::future::Future<Output = T>>(
    ms: u32,
    work: impl FnOnce(web_sys::AbortSignal) -> F,
) -> (T, bool) {
    let controller = AbortController::new().expect("AbortController exists in every browser context");
    let signal = controller.signal();
    let timer = Timeout::new(ms.min(i32::MAX as u32), move || controller.abort());
    let result = work(signal.clone()).await;
    drop(timer);
    (result, signal.aborted())
}

/// A CORS fetch failed with no response to look at: the browser hides why. A second request in
/// `no-cors` mode tells a server that answers without CORS headers from one that cannot be
/// reached, except on a cross-origin isolated page, where `no-cors` responses need a
/// Cross-Origin-Resource-Policy header and fail either way.
async fn why_unreadable(url: &str) -> String {
    let probe = with_timeout(5_000, |signal| async move {
        let init = RequestInit::new();
        init.set_mode(RequestMode::NoCors);
        init.set_cache(RequestCache::NoStore);
        init.set_signal(Some(&signal));
        let request = Request::new_with_str_and_init(url, &init).ok()?;
        JsFuture::from(global().fetch_with_request(&request)).await.ok()
    })
    .await
    .0;
    if probe.is_some() {
        "the server answered but does not allow cross-origin reads: it sent no Access-Control-Allow-Origin header (CORS)".into()
    } else if global().cross_origin_isolated() {
        "no readable response: the host could not be reached, or it does not allow cross-origin reads (CORS); \
         a cross-origin isolated page cannot tell which"
            .into()
    } else {
        "the host could not be reached (network error, unknown host or refused connection)".into()
    }
}
