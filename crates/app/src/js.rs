//! Rust values as JS values, through serde-wasm-bindgen: no JSON text in between. Plain
//! objects, as their JSON would parse to (`Serializer::json_compatible`: maps as objects, `None`
//! as null); every number the page hands out is below 2^53 (the spec's limits; a checksum is a
//! string), which is all `json_compatible` can give as a JS number.

use js_sys::JSON;
use serde::Serialize;
use threadlab_lab::report::Report;
use wasm_bindgen::JsValue;

pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| format!("could not be made a JS value: {e}"))
}

/// A report as a JS object (what `threadlab.run` resolves to) and as JSON text (what the
/// history keeps and the view module reads). serde-wasm-bindgen makes the object, and the text
/// is the browser's `JSON.stringify` of it, so the page's module carries one serializer for
/// reports, not two. Non-finite numbers become null in the text, as with serde_json.
pub fn report(report: &Report) -> Result<(JsValue, String), String> {
    let object = to_js(report).map_err(|e| format!("the report {e}"))?;
    let text = JSON::stringify(&object).ok().and_then(|t| t.as_string());
    let text = text.ok_or("the report could not be written as JSON")?;
    Ok((object, text))
}
