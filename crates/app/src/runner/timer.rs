//! Page timers: `runner::sample`'s time limit, the threads engine's start limit, and the pause
//! that lets the browser paint between samples.

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
            .and_then(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.min(f64::from(i32::MAX)) as i32)
                    .ok()
            })
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

/// Resolves once the browser has had a frame to lay out and paint what the page just changed
/// (an animation frame, then one more task), or after 50 ms, since no frame comes while the
/// tab is hidden: the next sample then does not share the cores with drawing the last one's
/// results.
pub async fn after_next_paint() {
    let Some(window) = web_sys::window() else { return };
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.request_animation_frame(&resolve);
    });
    let cap = Timer::start(50.0);
    let _ = futures::future::select(wasm_bindgen_futures::JsFuture::from(frame), cap.fired()).await;
    let after = Timer::start(0.0);
    let _ = after.fired().await;
}
