//! Rust values as JS values, through serde-wasm-bindgen: no JSON text in between. Plain
//! objects, as their JSON would parse to (`Serializer::json_compatible`: maps as objects, `None`
//! as null); every number the page hands out is below 2^53 (the spec's limits; a checksum is a
//! string), which is all `json_compatible` can give as a JS number.

use serde::Serialize;
use threadlab_lab::report::Report;
use wasm_bindgen::JsValue;

pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| format!("could not be made a JS value: {e}"))
}

/// A report as a JS object (what `threadlab.run` resolves to) and as JSON text (what the
/// history keeps and the view module reads). The text is serde_json's, not `JSON.stringify` of
/// the object: that would write a negative zero (a wait of -0 ms) as 0, and the report's JSON
/// export, decoded from this text, would then differ from the object a script got. Two
/// serializers for reports cost the page's module 1.6 KB gzip (docs/perf-notes.md).
pub fn report(report: &Report) -> Result<(JsValue, String), String> {
    let object = to_js(report).map_err(|e| format!("the report {e}"))?;
    Ok((object, report.to_json()))
}
