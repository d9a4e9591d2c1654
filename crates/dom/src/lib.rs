//! Small DOM helpers for the page's modules (crates/app and crates/view). Text goes in through
//! `textContent` only, never as HTML.

use gloo_events::{EventListener, EventListenerOptions};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, HtmlElement};

pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("page only")
}

/// An element the static page (index.html) is known to contain.
pub fn by_id(id: &str) -> HtmlElement {
    document().get_element_by_id(id).and_then(|e| e.dyn_into().ok()).unwrap_or_else(|| panic!("index.html lacks #{id}"))
}

/// Adds a handler for `event` on an element of index.html, for the page's lifetime. The handler
/// may call `preventDefault` (the listener is not passive, as with a plain `addEventListener`).
pub fn on(id: &str, event: &str, handler: impl FnMut(&Event) + 'static) {
    let options = EventListenerOptions::enable_prevent_default();
    EventListener::new_with_options(&by_id(id), event.to_owned(), options, handler).forget();
}

/// A new element with a class and text content.
pub fn el(tag: &str, class: &str, text: &str) -> Element {
    let e = document().create_element(tag).expect("valid tag");
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    e
}

/// Shows a message in the page's error box (`#error`), above the results.
pub fn show_error(message: &str) {
    let box_ = by_id("error");
    box_.set_text_content(Some(message));
    box_.toggle_attribute_with_force("hidden", false).ok();
}

/// This page's address without query or fragment: what permalinks are built on.
pub fn page_address() -> String {
    let location = web_sys::window().expect("page").location();
    format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default())
}

/// A Rust value as a JS value, through serde-wasm-bindgen: no JSON text in between. Plain
/// objects, as their JSON would parse to (`Serializer::json_compatible`: maps as objects, `None`
/// as null); every number the page hands out is below 2^53 (the spec's limits; a checksum is a
/// string), which is all `json_compatible` can give as a JS number.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| format!("could not be made a JS value: {e}"))
}
