//! The page's side of the view module (crates/view, which makes and shows reports): loads it on
//! the first touch, key or focus, or with the first run, and hands it each run's measured runs
//! as JSON. The page's module never decodes a report, nor makes one: it only measures.

use crate::controller::{Made, Unmade};
use crate::engines::site_url;
use crate::load_once::{self, LoadOnce};
use futures::future::FutureExt;
use js_sys::Promise;
use std::cell::Cell;
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/ui/view.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadView)]
    fn load_view(glue: &str, wasm: &str) -> Promise;

    /// The view module's exports (crates/view/src/lib.rs).
    #[derive(Clone)]
    type View;
    #[wasm_bindgen(method, catch, js_name = report)]
    fn report_json(this: &View, json: &str) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(method, catch, js_name = show)]
    fn show_json(this: &View, json: &str, finished: bool) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = compare)]
    fn compare_json(this: &View, json: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn follow_results(this: &View) -> Result<(), JsValue>;
}

thread_local! {
    static MODULE: LoadOnce<View> = const { LoadOnce::new() };
    /// Counts `show` calls: only the newest one shows once the module is there.
    static SHOWS: Cell<u64> = const { Cell::new(0) };
}

/// The view module, loaded once; a failed load is tried again next time.
async fn module() -> Result<View, String> {
    load_once::get(&MODULE, || {
        let promise = load_view(&site_url("pkg/view.js"), &site_url("pkg/view_bg.wasm"));
        async move {
            JsFuture::from(promise)
                .await
                .map(JsCast::unchecked_into)
                .map_err(|e| format!("the results view could not be loaded: {}", describe(&e)))
        }
        .boxed_local()
    })
    .await
}

fn describe(e: &JsValue) -> String {
    e.as_string().unwrap_or_else(|| js_sys::Error::from(e.clone()).message().into())
}

/// Loads the view module ahead of the first report.
pub async fn ready() -> Result<(), String> {
    module().await.map(|_| ())
}

/// The report of measured runs (`report::Measured` as JSON), made by the view module: as a JS
/// object and as JSON (`controller::Made`).
pub async fn report(measured_json: &str) -> Result<Made, Unmade> {
    let view = module().await.map_err(|why| Unmade { why, retry: true })?;
    let failed =
        |why: String| Unmade { why: format!("the results view could not make the report: {why}"), retry: false };
    let made = view.report_json(measured_json).map_err(|e| failed(describe(&e)))?;
    let json = made.get(1).as_string().ok_or_else(|| failed("it gave no JSON".into()))?;
    Ok((made.get(0), json))
}

/// Shows a report (JSON; measured runs are made into one) through the view module: partial
/// ones during a run, then the `finished` one, which the exports export. Resolves to true once
/// it is on the page, false if a later `show` took over while the module loaded; an error says
/// why it could not be shown.
/// The newest call wins: its turn is taken when `show` is called, not when the future first
/// runs. A partial report never starts a load (which would compete with the run's timing):
/// without the module it is not shown.
pub fn show(json: String, finished: bool) -> impl Future<Output = Result<bool, String>> {
    let skip = !finished && load_once::loaded(&MODULE).is_none();
    let turn = (!skip).then(|| {
        let turn = SHOWS.with(|n| n.get() + 1);
        SHOWS.with(|n| n.set(turn));
        turn
    });
    async move {
        let Some(turn) = turn else { return Ok(false) };
        let view = module().await?;
        if SHOWS.with(Cell::get) != turn {
            return Ok(false); // a newer report is being shown
        }
        view.show_json(&json, finished).map(|()| true).map_err(|e| describe(&e))
    }
}

/// Compares a saved report (JSON) with the finished one on screen.
pub async fn compare(json: &str) -> Result<(), String> {
    module().await?.compare_json(json).map_err(|e| describe(&e))
}

/// A new run starts: the timeline follows its results again (without the module there is no
/// pick to forget).
pub fn follow_results() {
    if let Some(view) = load_once::loaded(&MODULE) {
        let _ = view.follow_results();
    }
}
