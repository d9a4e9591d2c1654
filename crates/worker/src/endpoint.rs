//! The built-in latency endpoint's answer (`io/delay?ms=&bytes=&seed=`), for www/sw.js. The
//! body generator is the one the tasks verify against (`threadlab_workloads::download`).

use js_sys::{Object, Reflect, Uint8Array};
use threadlab_workloads::download::{endpoint_body, parse_endpoint_query, ENDPOINT_HEADER};
use wasm_bindgen::prelude::*;

/// Called by www/sw.js for each endpoint request: `{delay_ms, status, body, header}`. A bad
/// query gets status 400 and says why in the body.
#[wasm_bindgen]
pub fn endpoint_reply(url: &str) -> Object {
    let reply = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&reply, &key.into(), &value);
    };
    let (delay_ms, status, body) = match parse_endpoint_query(url) {
        Ok((ms, bytes, seed)) => (ms, 200, endpoint_body(bytes, seed)),
        Err(e) => (0, 400, format!("bad io/delay request: {e}").into_bytes()),
    };
    set("delay_ms", delay_ms.into());
    set("status", status.into());
    set("body", Uint8Array::from(&body[..]).into());
    set("header", ENDPOINT_HEADER.into());
    reply
}
