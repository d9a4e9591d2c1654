//! The embeddable view (`?embed=1`): one experiment, its Run button, chart and verdict, and a
//! link to the full playground. It tells the parent page its height (`{threadlab: {height}}`)
//! so a snippet can size the iframe, and says in one sentence when the parent's lack of
//! cross-origin isolation rules threads out.

use crate::env::Capabilities;
use js_sys::{Object, Reflect};
use threadlab_dom::{by_id, document, page_address};
use threadlab_lab::Spec;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlAnchorElement, ResizeObserver};

pub fn enter(caps: &Capabilities, spec: &Spec, title: &str) {
    let _ = document().document_element().map(|root| root.class_list().add_1("embed"));
    by_id("embed-bar").toggle_attribute_with_force("hidden", false).ok();
    by_id("embed-title").set_text_content(Some(title));
    if !caps.cross_origin_isolated && spec.modes.iter().any(|m| m.needs_shared_memory()) {
        by_id("embed-note").set_text_content(Some(
            "This page is embedded without cross-origin isolation, so your browser allows no shared-memory threads here: \
             threads are skipped, the other modes run. Open the full experiment to run threads too.",
        ));
    }
    let open: HtmlAnchorElement = by_id("open-full").unchecked_into();
    open.set_href(&threadlab_lab::permalink::address(&page_address(), spec, false));
    post_height_on_resize();
}

/// Posts the content's height to the parent whenever it changes. The root element's box, not its
/// scroll height, which never drops below the iframe's own height.
fn post_height_on_resize() {
    let Some(body) = document().body() else { return };
    let post = Closure::<dyn FnMut()>::new(move || {
        let Some(window) = web_sys::window() else { return };
        let height = document().document_element().map_or(0.0, |e| e.get_bounding_client_rect().height()).ceil();
        let inner = Object::new();
        let _ = Reflect::set(&inner, &"height".into(), &height.into());
        let message = Object::new();
        let _ = Reflect::set(&message, &"threadlab".into(), &inner);
        if let Ok(Some(parent)) = window.parent() {
            if !Object::is(&parent, &window) {
                // The height is no secret: any embedding page may know it.
                let _ = parent.post_message(&message, "*");
            }
        }
    });
    if let Ok(observer) = ResizeObserver::new(post.as_ref().unchecked_ref()) {
        observer.observe(&body);
        std::mem::forget(observer); // observes for the page's lifetime
    }
    post.forget();
}
