//! The last runs' reports, kept in localStorage so a reload or a crashed engine loses nothing:
//! listed under the results, each can be shown again, compared with the report on screen, or
//! deleted (showing and comparing are the view module's). One delegated click handler serves
//! the whole list.

use super::view;
use gloo_storage::{LocalStorage, Storage};
use threadlab_dom::{by_id, el, on};
use threadlab_lab::history::{self, Entry};
use threadlab_lab::Spec;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

const KEY: &str = "threadlab-history";

/// Whether this browser lets the page use localStorage. gloo-storage's `LocalStorage` throws
/// where it cannot (storage switched off, a sandboxed frame), which would stop the page's
/// module: it is asked only after this.
fn available() -> bool {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).is_some()
}

/// The stored history. Read as text, not through gloo-storage's typed `get`: that would give up
/// on the whole list at one damaged entry, where `history::parse` keeps the entries that read
/// and counts the others.
fn read() -> (Vec<Entry>, usize) {
    let stored = available().then(|| LocalStorage::raw().get_item(KEY).ok().flatten()).flatten();
    history::parse(&stored.unwrap_or_default())
}

/// Stores `entries`; when the browser's quota refuses, the oldest make way. Returns how many
/// were kept.
fn write(mut entries: Vec<Entry>) -> usize {
    if !available() {
        return 0;
    }
    loop {
        if LocalStorage::set(KEY, &entries).is_ok() {
            return entries.len();
        }
        if entries.pop().is_none() {
            LocalStorage::delete(KEY);
            return 0;
        }
    }
}

/// Keeps a finished run's report (its JSON), or its measured runs when it has no report yet;
/// false if it could not be kept.
pub fn save(report_json: &str) -> bool {
    let Some(entry) = Entry::new(js_sys::Date::now() as u64, report_json) else { return false };
    let (entries, _) = read();
    let kept = write(history::with(entries, entry));
    render(if kept == 0 { Some("this browser refused to store the run (storage full or disabled)") } else { None });
    kept > 0
}

/// Lists the stored runs; called at start.
pub fn start() {
    let (_, bad) = read();
    let note = (bad > 0).then(|| format!("{bad} stored run(s) could not be read and were dropped"));
    if bad > 0 {
        write(read().0);
    }
    render(note.as_deref());
    on("history-list", "click", on_click);
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
        item.append_child(&el("span", "what", &entry.title().unwrap_or_default())).ok();
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

/// An entry's report as JSON, and its title. Measured runs kept without a report (the view
/// module did not load at the run's end) have it made now, and it takes their place.
async fn made(entry: Entry) -> Result<(String, String), String> {
    let json = entry.report.to_string();
    if entry.report.get("verdict").is_some() {
        return Ok((json, entry.title().unwrap_or_default()));
    }
    let (_, report) = view::report(&json).await.map_err(|unmade| unmade.why)?;
    let made = Entry::new(entry.id, &report).ok_or("the report made of it does not read")?;
    write(history::replaced(read().0, made.clone()));
    render(None);
    Ok((report, made.title().unwrap_or_default()))
}

fn on_click(event: &Event) {
    let Some(button) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    let Some(action) = button.get_attribute("data-action") else { return };
    let id = button
        .closest("li")
        .ok()
        .flatten()
        .and_then(|li| li.get_attribute("data-id"))
        .and_then(|id| id.parse::<u64>().ok());
    let (entries, _) = read();
    let Some(entry) = entries.iter().find(|e| Some(e.id) == id).cloned() else { return };
    let title = entry.title().unwrap_or_default();
    let note = |text: &str| by_id("history-note").set_text_content(Some(text));
    match action.as_str() {
        "show" => wasm_bindgen_futures::spawn_local(async move {
            let spec = entry.report.get("spec").and_then(|s| Spec::from_value(s).ok());
            let (json, title) = match made(entry).await {
                Ok(made) => made,
                Err(why) => return note(&format!("This saved run could not be shown: {why}")),
            };
            match view::show(json, true).await {
                Ok(false) => {} // another report took the screen meanwhile
                Ok(true) => {
                    // Its experiment goes into the form, ready to run again.
                    if let Some(spec) = &spec {
                        super::form::write_form(spec);
                    }
                    note(&format!(
                        "Showing the saved run: {title}{}",
                        if spec.is_some() { " (its experiment is in the form)" } else { "" }
                    ));
                }
                Err(why) => note(&format!("This saved run could not be shown: {why}")),
            }
        }),
        "compare" => wasm_bindgen_futures::spawn_local(async move {
            match view::compare(&entry.report.to_string()).await {
                Ok(()) => note(&format!("Compared: {title} (saved) against the results shown")),
                Err(why) => note(&format!("This saved run could not be compared: {why}")),
            }
        }),
        "delete" => {
            write(entries.into_iter().filter(|e| e.id != entry.id).collect());
            render(None);
        }
        _ => {}
    }
}
