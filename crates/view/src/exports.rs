//! Exports of the report on screen: files to download (CSV, JSON, Chrome trace, charts), the
//! permalink and the embed snippet.

use js_sys::Array;
use std::cell::RefCell;
use threadlab_dom::{by_id, document, on, page_address};
use threadlab_lab::export::{chrome_trace, csv};
use threadlab_lab::permalink;
use threadlab_lab::report::Report;
use threadlab_lab::Spec;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlInputElement, HtmlTextAreaElement, Url};

thread_local! {
    /// The finished report on screen (a run's, or a saved one): what the export buttons export.
    static EXPORTED: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// The finished report on screen.
pub fn exported() -> Option<Report> {
    EXPORTED.with(|s| s.borrow().clone())
}

pub fn remember(report: &Report) {
    EXPORTED.with(|s| *s.borrow_mut() = Some(report.clone()));
    by_id("exports").toggle_attribute_with_force("hidden", false).ok();
    show_link(&report.spec);
}

pub fn bind() {
    on("export-csv", "click", |_| export_csv());
    on("export-json", "click", |_| export_json());
    on("export-trace", "click", |_| export_trace());
    on("copy-link", "click", |_| copy_link());
}

/// Saves `contents` as a file through a temporary object URL and a clicked `<a download>`.
pub fn download(name: &str, mime: &str, contents: &JsValue) {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&Array::of1(contents), &options) else { return };
    save_blob(name, &blob);
}

pub fn save_blob(name: &str, blob: &Blob) {
    let Ok(url) = Url::create_object_url_with_blob(blob) else { return };
    let a: HtmlAnchorElement = document().create_element("a").expect("valid tag").unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = Url::revoke_object_url(&url);
}

fn file_stem(report: &Report) -> String {
    format!("threadlab-{}-{}tasks", report.spec.workload.kind_name(), report.spec.tasks)
}

/// Runs `f` on the shown report, if any.
fn with_shown(f: impl FnOnce(&Report)) {
    EXPORTED.with(|s| {
        if let Some(r) = s.borrow().as_ref() {
            f(r)
        }
    });
}

fn export_csv() {
    with_shown(|r| download(&format!("{}.csv", file_stem(r)), "text/csv", &csv(r).into()));
}

fn export_json() {
    with_shown(|r| download(&format!("{}.json", file_stem(r)), "application/json", &r.to_json().into()));
}

fn export_trace() {
    with_shown(|r| download(&format!("{}.trace.json", file_stem(r)), "application/json", &chrome_trace(r).into()));
}

fn show_link(spec: &Spec) {
    let link = permalink::address(&page_address(), spec, false);
    by_id("permalink").unchecked_into::<HtmlInputElement>().set_value(&link);
    let embedded = link.replacen('#', "?embed=1#", 1);
    let helper = link.split('#').next().unwrap_or_default().to_string() + "www/embed.js";
    let embed = format!(
        "<iframe src=\"{}\" title=\"threadlab: {}\" width=\"100%\" height=\"560\" style=\"border:0\" loading=\"lazy\"></iframe>\n<script src=\"{}\" async></script>",
        embedded.replace('&', "&amp;").replace('"', "&quot;"),
        spec.workload.kind_name(),
        helper.replace('&', "&amp;").replace('"', "&quot;"),
    );
    by_id("embed-code").unchecked_into::<HtmlTextAreaElement>().set_value(&embed);
}

/// Copies the permalink (the input stays selectable where the clipboard is refused).
fn copy_link() {
    let input: HtmlInputElement = by_id("permalink").unchecked_into();
    input.select();
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&input.value());
    }
}
