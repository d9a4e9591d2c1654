//! The last runs' reports, kept in localStorage so a reload or a crashed engine loses nothing:
//! listed under the results, each can be shown again, compared with the report on screen, or
//! deleted. One delegated click handler serves the whole list.

use super::dom::{by_id, document, el};
use threadlab_lab::history::{self, compare, Entry};
use threadlab_lab::report::Report;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, Storage};

const KEY: &str = "threadlab-history";

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read() -> (Vec<Entry>, usize) {
    let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten()).unwrap_or_default();
    history::parse(&stored)
}

/// Stores `entries`; when the browser's quota refuses, the oldest make way. Returns how many
/// were kept.
fn write(mut entries: Vec<Entry>) -> usize {
    let Some(storage) = storage() else { return 0 };
    loop {
        if storage.set_item(KEY, &history::to_json(&entries)).is_ok() {
            return entries.len();
        }
        if entries.pop().is_none() {
            let _ = storage.remove_item(KEY);
            return 0;
        }
    }
}

/// Keeps a finished run's report.
pub fn save(report: &Report) {
    let (entries, _) = read();
    let entry = Entry { id: js_sys::Date::now() as u64, report: report.clone() };
    let kept = write(history::with(entries, entry));
    render(if kept == 0 { Some("this browser refused to store the run (storage full or disabled)") } else { None });
}

/// Lists the stored runs; called at start.
pub fn start() {
    let (_, bad) = read();
    let note = (bad > 0).then(|| format!("{bad} stored run(s) could not be read and were dropped"));
    if bad > 0 {
        write(read().0);
    }
    render(note.as_deref());
    let click = Closure::<dyn FnMut(Event)>::new(on_click);
    let _ = by_id("history-list").add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    click.forget(); // for the page's lifetime
}

fn render(note: Option<&str>) {
    let (entries, _) = read();
    let list = by_id("history-list");
    list.set_text_content(None);
    for entry in &entries {
        let item = el("li", "", "");
        item.set_attribute("data-id", &entry.id.to_string()).ok();
        let iso = String::from(js_sys::Date::new(&JsValue::from_f64(entry.id as f64)).to_iso_string());
        let when = format!("{} UTC", iso.get(..16).unwrap_or(&iso).replace('T', " "));
        item.append_child(&el("span", "when", &when)).ok();
        item.append_child(&el("span", "what", &entry.title())).ok();
        for (action, label) in [("show", "Show"), ("compare", "Compare with the results shown"), ("delete", "Delete")] {
            let button = el("button", "", label);
            button.set_attribute("type", "button").ok();
            button.set_attribute("data-action", action).ok();
            item.append_child(&button).ok();
        }
        list.append_child(&item).ok();
    }
    by_id("history").toggle_attribute_with_force("hidden", entries.is_empty() && note.is_none()).ok();
    by_id("history-note").set_text_content(note);
}

fn on_click(event: Event) {
    let Some(button) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    let Some(action) = button.get_attribute("data-action") else { return };
    let id = button.closest("li").ok().flatten().and_then(|li| li.get_attribute("data-id")).and_then(|id| id.parse::<u64>().ok());
    let (entries, _) = read();
    let Some(entry) = entries.iter().find(|e| Some(e.id) == id).cloned() else { return };
    match action.as_str() {
        "show" => {
            let report = entry.report.clone();
            wasm_bindgen_futures::spawn_local(async move { super::results::show_report(&report, &report.to_json()).await });
            by_id("history-note").set_text_content(Some(&format!("Showing the saved run: {}", entry.title())));
        }
        "compare" => show_comparison(&entry),
        "delete" => {
            write(entries.into_iter().filter(|e| e.id != entry.id).collect());
            render(None);
        }
        _ => {}
    }
}

/// A table of medians: the saved run against the report on screen.
fn show_comparison(entry: &Entry) {
    let Some(current) = super::export::shown() else {
        by_id("history-note").set_text_content(Some("Run an experiment (or show a saved one) first, then compare."));
        return;
    };
    let table = by_id("compare-table");
    let body = table.query_selector("tbody").ok().flatten().expect("compare table has a body");
    body.set_text_content(None);
    let ms = |x: Option<f64>| x.map(|v| format!("{v:.1} ms")).unwrap_or_else(|| "—".into());
    for row in compare(&entry.report, &current) {
        let tr = document().create_element("tr").expect("valid tag");
        let ratio = row.ratio().map(|r| format!("{r:.2}x")).unwrap_or_default();
        for text in [row.mode.name().to_string(), row.workers.to_string(), ms(row.before_ms), ms(row.after_ms), ratio] {
            tr.append_child(&el("td", "", &text)).ok();
        }
        body.append_child(&tr).ok();
    }
    by_id("compare").toggle_attribute_with_force("hidden", false).ok();
    by_id("history-note").set_text_content(Some(&format!("Compared: {} (saved) against the results shown", entry.title())));
}
