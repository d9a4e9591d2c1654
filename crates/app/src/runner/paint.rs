//! The pause that lets the browser paint between samples.

use gloo_timers::future::TimeoutFuture;

/// Resolves once the browser has had a frame to lay out and paint what the page just changed
/// (an animation frame, then one more task), or after 50 ms, since no frame comes while the
/// tab is hidden: the next sample then does not share the cores with drawing the last one's
/// results. The timers are cleared when dropped (gloo-timers), so a frame that wins leaves none.
pub async fn after_next_paint() {
    let Some(window) = web_sys::window() else { return };
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.request_animation_frame(&resolve);
    });
    let _ = futures::future::select(wasm_bindgen_futures::JsFuture::from(frame), TimeoutFuture::new(50)).await;
    TimeoutFuture::new(0).await;
}
