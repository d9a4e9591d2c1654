//! The view module (plain Wasm): makes and shows reports on the page. The page's module
//! (crates/app) runs experiments and hands over the measured runs as JSON (partial ones during
//! a run, then the final ones); this module makes their report ([`report`]: speedups, verdict,
//! claim check) and fills the static index.html: the verdict, "when to use which", the
//! hyperfine-like table ([`results`]), the charts drawn with `threadlab-charts` ([`charts`]),
//! the exports ([`exports`]) and the comparison with a saved run ([`compare`]).
//!
//! It is a module of its own so that a visit starts without it (the page loads it on the first
//! touch, key or focus, or with the first run), and so that only it carries the report's rules
//! and decoder: they grow with every kind of experiment, and a first visit does not need them.

mod charts;
mod claim;
mod compare;
mod exports;
mod results;

use std::cell::RefCell;
use threadlab_lab::report::Report;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The report on screen, partial or final: what the charts draw and redraw.
    static ON_SCREEN: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// Binds the view's own controls (exports, the timeline's run picker) and follows the colour
/// scheme. Runs when the page instantiates the module.
#[wasm_bindgen(start)]
pub fn start() {
    let has_results =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("results-table")).is_some();
    if has_results {
        exports::bind();
        charts::bind();
    }
}

/// Makes the report of measured runs (`report::Measured` as JSON; a report's JSON reads as it
/// was saved): `[object, json]`, the report as a JS object (what `threadlab.run` resolves to)
/// and as JSON (what the history keeps and `show` reads). The text is serde_json's, not
/// `JSON.stringify` of the object: that would write a negative zero (a wait of -0 ms) as 0, and
/// the report's JSON export, decoded from this text, would then differ from the object a
/// script got.
#[wasm_bindgen]
pub fn report(json: &str) -> Result<js_sys::Array, String> {
    let report = read(json)?;
    let object = threadlab_dom::to_js(&report).map_err(|e| format!("the report {e}"))?;
    Ok(js_sys::Array::of2(&object, &report.to_json().into()))
}

/// Shows a report given as JSON (what `threadlab.run` resolves to), or measured runs: verdict, advice, table and
/// charts; a `finished` one also becomes what the exports export and the permalink names.
#[wasm_bindgen]
pub fn show(json: &str, finished: bool) -> Result<(), String> {
    let report = read(json)?;
    results::show(&report, finished);
    claim::show(&report, finished);
    if finished {
        exports::remember(&report);
    }
    charts::show(&report);
    ON_SCREEN.with(|r| *r.borrow_mut() = Some(report));
    Ok(())
}

/// Compares a saved report (JSON) with the finished one on screen, in the comparison table.
#[wasm_bindgen]
pub fn compare(json: &str) -> Result<(), String> {
    let saved = read(json)?;
    let current = exports::exported().ok_or(
        "there is no finished report on screen to compare it with: run an experiment, or show a saved one, first",
    )?;
    compare::show(&saved, &current);
    Ok(())
}

/// A new run starts: the timeline follows its results again, whatever run was picked before.
#[wasm_bindgen]
pub fn follow_results() {
    charts::forget_pick();
}

fn read(json: &str) -> Result<Report, String> {
    Report::from_json(json)
}

fn on_screen<T>(f: impl FnOnce(&Report) -> T) -> Option<T> {
    ON_SCREEN.with(|r| r.borrow().as_ref().map(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_it_cannot_read_is_refused_in_a_sentence() {
        assert!(read("{not json").unwrap_err().starts_with("the report could not be read"));
        assert!(show(r#"{"nope": true}"#, true).is_err());
        assert!(compare("[]").is_err());
    }
}
