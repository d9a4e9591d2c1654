//! A page timer for `runner::sample`'s time limit.

/// A page timer that is cleared when dropped. Its promise is then settled at once: a `JsFuture`
/// on a promise that never settles keeps its callbacks (and their state) alive for ever, one
/// small leak per run.
pub struct Timer {
    promise: js_sys::Promise,
    resolve: js_sys::Function,
    handle: i32,
}

impl Timer {
    pub fn start(ms: f64) -> Timer {
        let mut settle = None;
        let promise = js_sys::Promise::new(&mut |resolve, _| settle = Some(resolve));
        let resolve = settle.expect("the executor runs at once");
        let handle = web_sys::window()
            .and_then(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.min(f64::from(i32::MAX)) as i32).ok())
            .unwrap_or(0);
        Timer { promise, resolve, handle }
    }

    pub fn fired(&self) -> wasm_bindgen_futures::JsFuture {
        wasm_bindgen_futures::JsFuture::from(self.promise.clone())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(self.handle);
        }
        let _ = self.resolve.call0(&wasm_bindgen::JsValue::NULL);
    }
}
