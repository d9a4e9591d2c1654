//! The view module (plain Wasm): shows a report on the page. The page's module (crates/app)
//! runs experiments and hands each report over as JSON (partial ones during a run, then the
//! final one); this module decodes it and fills the static index.html: the verdict, "when to
//! use which", the hyperfine-like table ([`results`]), the charts drawn with `threadlab-charts`
//! ([`charts`]), the exports ([`exports`]) and the comparison with a saved run ([`compare`]).
//!
//! It is a module of its own so that a visit starts without it (the page loads it on the first
//! touch, key or focus, or with the first run), and so that only it carries the report's decoder.

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

/// Shows a report given as JSON (what `threadlab.run` resolves to): verdict, advice, table and
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
    serde_json::from_str(json).map_err(|e| format!("the report could not be read: {e}"))
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
