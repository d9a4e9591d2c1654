//! Worker scripts made as one Blob: a module's glue with its bootstrap appended. A worker
//! started from it fetches nothing, where importing the glue by URL cost each process worker's
//! cold start ~10 ms here, and each pool thread more (BENCHMARKS.md). The page makes one for its
//! process workers, the threads coordinator one for its pool threads.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, Response, Url};

/// The object URL of a Blob holding the script at `glue` followed by the one at `bootstrap`,
/// as one module: the bootstrap calls the glue's functions by name. A blob: URL resolves no
/// relative import, so the glue must import nothing (the end-to-end tests check the built glues).
pub async fn module_script(glue: &str, bootstrap: &str) -> Result<String, String> {
    let (glue, bootstrap) = futures::join!(fetch_text(glue), fetch_text(bootstrap));
    let parts = js_sys::Array::of3(&glue?.into(), &"\n".into(), &bootstrap?.into());
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let made = |e: JsValue| format!("could not make a worker script: {}", js_sys::Error::from(e).message());
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(made)?;
    Url::create_object_url_with_blob(&blob).map_err(made)
}

/// The global object of a window or a worker: both have `fetch`.
#[wasm_bindgen]
extern "C" {
    type Global;
    #[wasm_bindgen(method)]
    fn fetch(this: &Global, url: &str) -> js_sys::Promise;
}

/// The body of `url` as text.
async fn fetch_text(url: &str) -> Result<String, String> {
    let body = JsFuture::from(fetch_ok(url).await?.text().map_err(load_error(url))?).await.map_err(load_error(url))?;
    Ok(body.as_string().unwrap_or_default())
}

/// The response to a GET of `url` from this context's `fetch`, if it is a success (HTTP cache
/// allowed: these are the site's own files).
pub async fn fetch_ok(url: &str) -> Result<Response, String> {
    let response: Response = JsFuture::from(js_sys::global().unchecked_into::<Global>().fetch(url))
        .await
        .map_err(load_error(url))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("could not load {url}: HTTP {}", response.status()));
    }
    Ok(response)
}

/// "could not load `url`: why", for a step of loading it that failed with `error`.
pub fn load_error(url: &str) -> impl Fn(JsValue) -> String + '_ {
    move |error| format!("could not load {url}: {}", js_sys::Error::from(error).message())
}
