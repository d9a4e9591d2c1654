//! The page: binds the static form in index.html, shows capabilities, progress, errors and
//! results. Text only ever goes in through `textContent`, never as HTML.

mod dom;
mod form;
mod results;

use crate::api;
use crate::env::Capabilities;
use crate::runner::{self, Progress};
use dom::{by_id, el};
use std::rc::Rc;
use threadlab_lab::{presets, Spec};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlProgressElement};

pub use results::show_report;

pub fn start() {
    // Only the playground page has the form; any other document (a test runner's) is left alone.
    if dom::document().get_element_by_id("spec-form").is_none() {
        return;
    }
    crate::service_worker::register();
    let caps = Rc::new(Capabilities::detect());
    show_badges(&caps);
    form::bind(caps.clone());
    api::install(caps.clone());
    if caps.threads_available() {
        runner::prestart_threads();
    }
    if let Some(id) = query_param("preset") {
        match presets::find(&id) {
            Some(p) => form::load_preset(&p),
            None => show_error(&format!("unknown preset {id:?} in the address; pick one from the list")),
        }
    }
}

fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

fn show_badges(caps: &Capabilities) {
    let list = by_id("badges");
    let badge = |text: String, ok: bool, title: &str| {
        let li = el("li", if ok { "badge ok" } else { "badge warn" }, &text);
        li.set_attribute("title", title).ok();
        list.append_child(&li).ok();
    };
    badge(
        format!("{} core{}", caps.cores, if caps.cores == 1 { "" } else { "s" }),
        caps.cores > 1,
        "navigator.hardwareConcurrency: the most speedup CPU work can show",
    );
    badge(
        if caps.cross_origin_isolated { "cross-origin isolated".into() } else { "not cross-origin isolated: no shared-memory threads".into() },
        caps.cross_origin_isolated,
        "COOP/COEP headers make SharedArrayBuffer, and so threads, available",
    );
    badge(
        format!("timer resolution {} µs", (caps.timer_resolution_ms * 1000.0).round()),
        caps.timer_resolution_ms <= 0.02,
        "smallest step of performance.now(); runs shorter than ~100 steps are imprecise",
    );
}

pub fn show_error(message: &str) {
    let box_ = by_id("error");
    box_.set_text_content(Some(message));
    box_.toggle_attribute_with_force("hidden", false).ok();
}

fn clear_error() {
    let box_ = by_id("error");
    box_.set_text_content(None);
    box_.toggle_attribute_with_force("hidden", true).ok();
}

fn button(id: &str) -> HtmlButtonElement {
    by_id(id).unchecked_into()
}

pub fn run_started(spec: &Spec) {
    clear_error();
    button("run").set_disabled(true);
    button("cancel").set_disabled(false);
    let progress: HtmlProgressElement = by_id("progress").unchecked_into();
    progress.set_value(0.0);
    by_id("progress-text").set_text_content(Some(&format!("starting {} ...", spec.workload.kind_name())));
}

pub fn show_progress(p: &Progress) {
    let progress: HtmlProgressElement = by_id("progress").unchecked_into();
    progress.set_max(f64::from(p.total.max(1)));
    progress.set_value(f64::from(p.done));
    let text = format!("{} of {} runs; last: {} with {} worker(s)", p.done, p.total, p.cell.mode.name(), p.cell.workers);
    by_id("progress-text").set_text_content(Some(&text));
}

pub fn run_finished() {
    button("run").set_disabled(false);
    button("cancel").set_disabled(true);
    by_id("progress-text").set_text_content(Some(""));
}

