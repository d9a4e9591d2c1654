//! The shared clock: `performance.timeOrigin + performance.now()` in milliseconds, comparable
//! across workers (each worker has its own time origin).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type Performance;
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: Performance;
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;
    #[wasm_bindgen(method, getter, js_name = timeOrigin)]
    fn time_origin(this: &Performance) -> f64;
}

thread_local! {
    static ORIGIN: f64 = PERFORMANCE.with(Performance::time_origin);
}

/// Milliseconds since the Unix epoch at microsecond resolution (5 us when cross-origin isolated).
pub fn now_ms() -> f64 {
    ORIGIN.with(|o| *o) + PERFORMANCE.with(Performance::now)
}
