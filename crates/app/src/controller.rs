//! The run controller: what every run has in common, whether it comes from the Run button, a
//! permalink (both in `ui`) or `window.threadlab.run` (`api`): the spec is validated, the run
//! slot taken, the view module loaded before anything is timed, the run made, its report made
//! by the view module, kept in the history and shown. It knows the page only through [`Screen`], which `ui` implements,
//! so the layers go one way: `api` and `ui` call the controller, the controller calls `runner`.

use crate::env::Capabilities;
use crate::runner::{self, Progress, RunError};
use futures::future::LocalBoxFuture;
use std::future::Future;
use std::rc::Rc;
use threadlab_lab::Spec;
use wasm_bindgen::JsValue;

/// What a run shows on the page.
pub trait Screen {
    fn show_error(&self, message: &str);
    fn clear_error(&self);
    fn run_started(&self, spec: &Spec);
    /// Shows a run's progress; true when it changed the page (the runner then lets it paint).
    fn show_progress(&self, progress: &Progress) -> bool;
    fn run_finished(&self);
    /// Loads the view module; the error says why it could not.
    fn view_ready(&self) -> LocalBoxFuture<'static, Result<(), String>>;
    /// Has the view module make the report of a run's measured runs (`report::Measured` as
    /// JSON).
    fn make_report(&self, measured_json: String) -> LocalBoxFuture<'static, Result<Made, Unmade>>;
    /// Keeps a finished report (JSON), or measured runs that have none yet, in the history;
    /// false when the browser would not.
    fn keep(&self, report_json: &str) -> bool;
    /// Shows a finished report (JSON).
    fn show_report(&self, report_json: String) -> LocalBoxFuture<'static, Result<(), String>>;
}

/// A report as a JS object (what `threadlab.run` resolves to) and as JSON (what the history
/// keeps and the view module shows).
pub type Made = (JsValue, String);

/// Why the view module made no report, and whether a later try may (it did not load; a failure
/// on these runs would fail again).
pub struct Unmade {
    pub why: String,
    pub retry: bool,
}

/// Starts a run of `spec` (or shows why it cannot start) and returns the rest of it: a future
/// that resolves to the report (as a JS object, for scripts), or to why there is none
/// (cancelled, nothing could run, no view module to make it).
/// Whatever can be refused is refused before this returns, in the caller's turn: an invalid
/// spec (`spec`'s error, a sentence), and a run while another one owns the page (`Busy`, not
/// shown: the run in progress owns the page). `on_progress` hears every sample.
pub fn start(
    screen: Rc<dyn Screen>,
    spec: Result<Spec, String>,
    caps: Rc<Capabilities>,
    on_progress: impl Fn(&Progress) + 'static,
) -> Result<impl Future<Output = Result<JsValue, RunError>>, RunError> {
    let spec = spec.map_err(RunError::InvalidSpec).inspect_err(|e| screen.show_error(&e.to_string()))?;
    let slot = runner::claim()?;
    screen.run_started(&spec);
    Ok(async move {
        // The view module is loaded before anything is timed: showing partial results must
        // not wait for it in the middle of a sample.
        let view_failed =
            screen.view_ready().await.map_err(|why| screen.show_error(&format!("{why}; the run goes on."))).is_err();
        let progress = |p: Progress| {
            let redrew = screen.show_progress(&p);
            on_progress(&p);
            redrew
        };
        let result = runner::run(slot, spec, &caps, &progress).await;
        // A run cancelled and already followed by a new one leaves the page to the new one
        // (only a cancel frees the run slot before a run ends).
        let superseded = matches!(result, Err(RunError::Cancelled)) && runner::is_running();
        if !superseded {
            screen.run_finished();
        }
        // Every cold process worker adds the fetch of its scripts to the browser's resource
        // timing buffer; the page never reads it, so it is emptied rather than left to fill.
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            p.clear_resource_timings();
        }
        let measured = result
            .inspect_err(|e| {
                if !superseded {
                    screen.show_error(&e.to_string());
                }
            })?
            .to_json();
        let (object, json) = match screen.make_report(measured.clone()).await {
            Ok(made) => made,
            Err(Unmade { why, retry }) => {
                // The runs are not lost: kept as measured, their report is made when the
                // history's Show finds the view module.
                let said = match (screen.keep(&measured), retry) {
                    (true, true) => format!(
                        "{why}, so the run has no report yet. Its runs are kept in the page's history: Show there tries again."
                    ),
                    (true, false) => format!("{why}. Its runs are kept in the page's history."),
                    (false, _) => {
                        format!("{why}, so the run has no report, and this browser did not keep its runs either.")
                    }
                };
                screen.show_error(&said);
                return Err(RunError::Unreported(said));
            }
        };
        let kept = screen.keep(&json);
        match screen.show_report(json).await {
            Ok(()) if view_failed => screen.clear_error(),
            Ok(()) => {}
            Err(why) if kept => {
                screen.show_error(&format!("{why}. The run is kept in the page's history: Show there tries again."))
            }
            Err(why) => screen
                .show_error(&format!("{why}; this browser did not keep the run either, but scripts get its report.")),
        }
        Ok(object)
    })
}
