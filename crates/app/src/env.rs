//! What this browser can do, measured rather than assumed.

use js_sys::Reflect;
use threadlab_lab::report::Env;
use threadlab_lab::{Mode, VERSION};
use wasm_bindgen::JsValue;

#[derive(Debug, Clone)]
pub struct Capabilities {
    pub cores: u32,
    pub cross_origin_isolated: bool,
    pub shared_memory: bool,
    pub timer_resolution_ms: f64,
    pub user_agent: String,
    /// Inside another page's iframe.
    pub embedded: bool,
}

impl Capabilities {
    pub fn detect() -> Capabilities {
        let window = web_sys::window().expect("page only");
        let global = js_sys::global();
        let flag = |name: &str| Reflect::get(&global, &JsValue::from_str(name)).map(|v| v.is_truthy()).unwrap_or(false);
        let navigator = window.navigator();
        Capabilities {
            cores: (navigator.hardware_concurrency() as u32).max(1),
            cross_origin_isolated: flag("crossOriginIsolated"),
            shared_memory: flag("SharedArrayBuffer"),
            timer_resolution_ms: timer_resolution_ms(),
            user_agent: navigator.user_agent().unwrap_or_default(),
            embedded: window.top().ok().flatten().is_some_and(|top| !js_sys::Object::is(&top, &window)),
        }
    }

    /// Shared-memory threads need cross-origin isolation (COOP/COEP headers).
    pub fn threads_available(&self) -> bool {
        self.cross_origin_isolated && self.shared_memory
    }

    pub fn threads_unavailable_reason(&self) -> &'static str {
        if self.embedded {
            "this page is embedded in one that is not cross-origin isolated, so the browser allows no \
             shared memory between workers; open the full playground to run threads"
        } else {
            "this page is not cross-origin isolated (no COOP/COEP headers), so the browser allows no \
             shared memory between workers; serve it with `make serve` or `trunk serve`"
        }
    }

    pub fn can_run(&self, mode: Mode) -> bool {
        !mode.needs_shared_memory() || self.threads_available()
    }

    pub fn modes(&self) -> Vec<Mode> {
        Mode::ALL.into_iter().filter(|&m| self.can_run(m)).collect()
    }

    pub fn env(&self) -> Env {
        Env {
            cores: self.cores,
            cross_origin_isolated: self.cross_origin_isolated,
            user_agent: self.user_agent.clone(),
            timer_resolution_ms: self.timer_resolution_ms,
            version: VERSION.to_string(),
        }
    }
}

/// Smallest step `performance.now()` takes (browsers coarsen it: 5 us isolated, 100 us not).
fn timer_resolution_ms() -> f64 {
    let mut smallest = f64::INFINITY;
    for _ in 0..10 {
        let a = threadlab_clock::now_ms();
        let mut b = a;
        let mut spins = 0;
        while b == a && spins < 1_000_000 {
            b = threadlab_clock::now_ms();
            spins += 1;
        }
        if b > a {
            smallest = smallest.min(b - a);
        }
    }
    // Rounded to the microsecond: the epoch-based clock adds float noise below that.
    if smallest.is_finite() {
        (smallest * 1000.0).round().max(1.0) / 1000.0
    } else {
        1.0
    }
}
