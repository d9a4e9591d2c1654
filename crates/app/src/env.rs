//! What this browser can do, measured rather than assumed.

use crate::load_once::{self, LoadOnce};
use js_sys::Reflect;
use std::cell::RefCell;
use threadlab_lab::checks::{Checks, WorkerChecks};
use threadlab_lab::report::Env;
use threadlab_lab::{Mode, VERSION};
use wasm_bindgen::JsValue;

#[derive(Debug, Clone)]
pub struct Capabilities {
    /// `navigator.hardwareConcurrency`: what the browser reports, not a measurement (WebKit
    /// reported 4 on a 2-core machine).
    pub cores: u32,
    pub cross_origin_isolated: bool,
    /// Threads can share a memory here, as far as the page can tell: isolated, and a shared
    /// `WebAssembly.Memory` can be made and sent to a worker (with or without the
    /// `SharedArrayBuffer` global, which the threads never use).
    pub shared_memory: bool,
    pub timer_resolution_ms: f64,
    pub user_agent: String,
    /// The page's own checks (the workers' are added by `runner::worker_checks`).
    pub checks: Checks,
}

thread_local! {
    /// What a process worker found, once asked (once per page: a browser does not change), and
    /// how long asking took on the page's clock (ms, a worker start included when none ran).
    pub(crate) static WORKER_CHECKS: LoadOnce<(WorkerChecks, f64)> = const { LoadOnce::new() };
    /// Why the last module worker asked to start did not, if it did not.
    pub(crate) static NO_MODULE_WORKER: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// How long the workers' checks took from the page's side, once made.
pub fn worker_checks_ms() -> Option<f64> {
    load_once::loaded(&WORKER_CHECKS).map(|(_, ms)| ms)
}

impl Capabilities {
    pub fn detect() -> Capabilities {
        let window = web_sys::window().expect("page only");
        let global = js_sys::global();
        let flag = |name: &str| Reflect::get(&global, &JsValue::from_str(name)).map(|v| v.is_truthy()).unwrap_or(false);
        let navigator = window.navigator();
        let storage = Reflect::get(&navigator, &"storage".into()).unwrap_or_default();
        let handle = Reflect::get(&global, &"FileSystemFileHandle".into()).unwrap_or_default();
        let prototype = Reflect::get(&handle, &"prototype".into()).unwrap_or_default();
        let checks = Checks {
            cross_origin_isolated: flag("crossOriginIsolated"),
            embedded: window.top().ok().flatten().is_some_and(|top| !js_sys::Object::is(&top, &window)),
            shared_wasm_memory: threadlab_io::checks::shared_memory().is_ok(),
            shared_memory_to_workers: threadlab_io::checks::shared_memory_to_workers(),
            shared_array_buffer: flag("SharedArrayBuffer"),
            opfs_window: storage.is_object()
                && Reflect::get(&storage, &"getDirectory".into()).is_ok_and(|f| f.is_function()),
            create_writable_window: prototype.is_object()
                && Reflect::has(&prototype, &"createWritable".into()).unwrap_or(false),
            module_workers: None,
            worker: None,
        };
        Capabilities {
            cores: (navigator.hardware_concurrency() as u32).max(1),
            cross_origin_isolated: checks.cross_origin_isolated,
            shared_memory: checks.shared_memory(),
            timer_resolution_ms: timer_resolution_ms(),
            user_agent: navigator.user_agent().unwrap_or_default(),
            checks,
        }
    }

    /// Every check made so far: the page's, and the workers' once a worker answered.
    pub fn checks(&self) -> Checks {
        let mut checks = self.checks.clone();
        if let Some((worker, _)) = load_once::loaded(&WORKER_CHECKS) {
            checks.module_workers = Some(Ok(()));
            checks.worker = Some(worker);
        } else if let Some(why) = NO_MODULE_WORKER.with(|n| n.borrow().clone()) {
            checks.module_workers = Some(Err(why));
        }
        checks
    }

    /// Whether the threads engine is worth starting: nothing known rules threads out.
    pub fn threads_available(&self) -> bool {
        self.checks().threads_blocked().is_none()
    }

    /// The modes that can run here (files aside), from every check made so far.
    pub fn modes(&self) -> Vec<Mode> {
        self.checks().modes()
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
