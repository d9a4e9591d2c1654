//! The page: binds the static form in index.html, shows capabilities, progress and errors, and
//! hands measured runs to the view module (crates/view), which makes their reports and shows them. Text only ever goes in through
//! `textContent`, never as HTML.

mod embed;
mod form;
pub mod history;
pub mod view;

use crate::controller::{self, Made, Screen, Unmade};
use crate::env::Capabilities;
use crate::runner::{self, Progress};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
pub use threadlab_dom::show_error;
use threadlab_dom::{by_id, el};
use threadlab_lab::{permalink, presets, Spec};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlProgressElement};

/// Binds the page and returns what the browser offers; `None` when this document is not the
/// playground (a test runner's), which is then left alone and not probed.
pub fn start() -> Option<Rc<Capabilities>> {
    threadlab_dom::document().get_element_by_id("spec-form")?;
    crate::service_worker::register();
    let caps = Rc::new(Capabilities::detect());
    show_badges(&caps);
    form::bind(caps.clone());
    prestart_on_first_interaction(caps.threads_available());
    history::start();
    load_permalink(caps.clone());
    Some(caps)
}

/// The page as the run controller sees it.
pub struct Page;

impl Screen for Page {
    fn show_error(&self, message: &str) {
        show_error(message);
    }

    fn clear_error(&self) {
        clear_error();
    }

    fn run_started(&self, spec: &Spec) {
        run_started(spec);
    }

    fn show_progress(&self, progress: &Progress) -> bool {
        show_progress(progress)
    }

    fn run_finished(&self) {
        run_finished();
    }

    fn view_ready(&self) -> futures::future::LocalBoxFuture<'static, Result<(), String>> {
        Box::pin(view::ready())
    }

    fn make_report(&self, measured_json: String) -> futures::future::LocalBoxFuture<'static, Result<Made, Unmade>> {
        Box::pin(async move { view::report(&measured_json).await })
    }

    fn keep(&self, report_json: &str) -> bool {
        history::save(report_json)
    }

    fn show_report(&self, report_json: String) -> futures::future::LocalBoxFuture<'static, Result<(), String>> {
        let shown = view::show(report_json, true);
        Box::pin(async move { shown.await.map(drop) })
    }
}

/// Runs a spec from the page (the Run button, a permalink with `run=1`): the controller shows
/// its errors and results on the page, so nothing is left to handle here.
fn run_from_page(spec: Result<Spec, String>, caps: Rc<Capabilities>) {
    if let Ok(run) = controller::start(Rc::new(Page), spec, caps, |_| {}) {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = run.await;
        });
    }
}

thread_local! {
    /// The first-interaction listeners, until one of them fires.
    static FIRST_TOUCH: RefCell<Vec<EventListener>> = const { RefCell::new(Vec::new()) };
}

/// The engines and the view module start on the visitor's first touch, key or focus on the
/// page, not at load: a visit downloads only the page's module until then (and a script's run
/// starts what it needs). The first of the three listeners removes all of them.
fn prestart_on_first_interaction(threads: bool) {
    let document = threadlab_dom::document();
    let listeners = ["pointerdown", "keydown", "focusin"].map(|event| {
        EventListener::new(&document, event, move |_| {
            let listeners = FIRST_TOUCH.with(RefCell::take);
            if listeners.is_empty() {
                return; // another of the three fired first
            }
            runner::prestart(threads);
            wasm_bindgen_futures::spawn_local(async move {
                // Dropped (so removed) after this event, not from inside their own call.
                drop(listeners);
                // A failure is said when a run or a saved report needs the view.
                let _ = view::ready().await;
            });
        })
    });
    FIRST_TOUCH.with(|l| *l.borrow_mut() = listeners.into());
}

/// `?preset=` / `#spec=` fill the form; `&run=1` runs it, after asking if the experiment would
/// contact another site.
fn load_permalink(caps: Rc<Capabilities>) {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return };
    let link = permalink::parse(&location.search().unwrap_or_default(), &location.hash().unwrap_or_default());
    let link = match link {
        Ok(link) => link,
        Err(e) => {
            return show_error(&format!("this link's experiment cannot be loaded: {e}. The form shows the defaults."))
        }
    };
    let preset = link.preset.as_deref().and_then(presets::find);
    if link.embed {
        // Embedded: one experiment, the link's or the form's default.
        let spec = link.spec.clone().or_else(|| Spec::from_value(&form::read_form()).ok());
        if let Some(spec) = spec {
            let title = preset.as_ref().map_or_else(|| describe(&spec), |p| p.title.to_string());
            embed::enter(&caps, &spec, &title);
        }
    }
    let Some(spec) = link.spec else { return };
    match preset {
        Some(p) => form::load_preset(&p),
        None => form::write_form(&spec),
    }
    if !link.run {
        return;
    }
    if let Some(host) = third_party_host(&spec, &location) {
        let question = format!("This link runs an experiment that downloads from {host}. Run it?");
        if !web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false) {
            return;
        }
    }
    if !agrees_to_long_run(&spec, &caps) {
        return;
    }
    run_from_page(Ok(spec), caps);
}

/// Before the page starts an experiment estimated to take over a minute, the user is asked
/// (scripts calling `threadlab.run` are not: they chose their spec).
fn agrees_to_long_run(spec: &Spec, caps: &Capabilities) -> bool {
    let Some(question) = threadlab_lab::estimate::confirmation(spec, caps.cores) else { return true };
    let yes = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
    if !yes {
        by_id("progress-text").set_text_content(Some("Not started."));
    }
    yes
}

/// A one-line description of a spec: "fib {n: 30}, 10 tasks, 1-2 workers".
fn describe(spec: &Spec) -> String {
    let params: Vec<String> = form::workload_fields(spec)
        .as_object()
        .map(|o| o.iter().filter(|(k, _)| *k != "kind").map(|(k, v)| format!("{k}: {v}")).collect())
        .unwrap_or_default();
    let workers: Vec<String> = spec.workers.iter().map(u32::to_string).collect();
    format!(
        "{} {{{}}}, {} tasks, workers {}",
        spec.workload.kind_name(),
        params.join(", "),
        spec.tasks,
        workers.join(", ")
    )
}

/// The host a spec's downloads go to, when it is not this page's own.
fn third_party_host(spec: &Spec, location: &web_sys::Location) -> Option<String> {
    let url = spec.workload.download()?.0.url.as_ref()?;
    let host = web_sys::Url::new(url).ok()?.host();
    (host != location.host().unwrap_or_default()).then_some(host)
}

fn show_badges(caps: &Capabilities) {
    let list = by_id("badges");
    let badge = |text: String, ok: bool, title: &str| {
        let li = el("li", if ok { "badge ok" } else { "badge warn" }, &text);
        li.set_attribute("title", title).ok();
        list.append_child(&li).ok();
    };
    badge(
        format!("{} core{} (browser-reported)", caps.cores, if caps.cores == 1 { "" } else { "s" }),
        caps.cores > 1,
        "navigator.hardwareConcurrency, what the browser reports, not a measurement (some report more or fewer \
         cores than the machine has): the most speedup CPU work can show",
    );
    let threads_blocked = caps.checks.threads_blocked();
    badge(
        match (caps.cross_origin_isolated, &threads_blocked) {
            (false, _) => "not cross-origin isolated: no shared-memory threads".into(),
            (true, None) => "cross-origin isolated".into(),
            (true, Some(_)) => "cross-origin isolated, but no shared-memory threads".into(),
        },
        threads_blocked.is_none(),
        threads_blocked
            .as_deref()
            .unwrap_or("COOP/COEP headers make shared WebAssembly memory, and so threads, available"),
    );
    badge(
        format!("timer resolution {} µs", (caps.timer_resolution_ms * 1000.0).round()),
        caps.timer_resolution_ms <= 0.02,
        "smallest step of performance.now(); runs shorter than ~100 steps are imprecise",
    );
}

pub fn clear_error() {
    let box_ = by_id("error");
    box_.set_text_content(None);
    box_.toggle_attribute_with_force("hidden", true).ok();
}

fn button(id: &str) -> HtmlButtonElement {
    by_id(id).unchecked_into()
}

pub fn run_started(spec: &Spec) {
    clear_error();
    button("run").set_disabled(true);
    button("cancel").set_disabled(false);
    let progress: HtmlProgressElement = by_id("progress").unchecked_into();
    progress.set_value(0.0);
    by_id("progress-text").set_text_content(Some(&format!("starting {} ...", spec.workload.kind_name())));
    RUN_CLOCK.with(|c| c.set((threadlab_clock::now_ms(), 0.0)));
    view::follow_results();
}

thread_local! {
    /// When the current run started and when partial results were last drawn (page clock, ms).
    static RUN_CLOCK: std::cell::Cell<(f64, f64)> = const { std::cell::Cell::new((0.0, 0.0)) };
}

/// Progress and partial results are redrawn at most this often: drawing takes the page's time,
/// and the runner waits for each redraw to be painted.
const REDRAW_EVERY_MS: f64 = 400.0;

/// Shows a run's progress and partial results, at most every `REDRAW_EVERY_MS` (and at the
/// end); true when it changed the page. The runner then lets the browser paint before the next
/// sample: a change painted during a sample would take a core from a run that uses them all
/// (measured: threads on 2 cores lost about 0.04 of efficiency to a progress bar updated after
/// every sample).
pub fn show_progress(p: &Progress) -> bool {
    let now = threadlab_clock::now_ms();
    let (started, drawn) = RUN_CLOCK.with(|c| c.get());
    if now - drawn < REDRAW_EVERY_MS && p.done < p.total {
        return false;
    }
    let progress: HtmlProgressElement = by_id("progress").unchecked_into();
    progress.set_max(f64::from(p.total.max(1)));
    progress.set_value(f64::from(p.done));
    let elapsed = now - started;
    let left =
        if p.done > 0 && p.done < p.total { elapsed / f64::from(p.done) * f64::from(p.total - p.done) } else { 0.0 };
    let eta = if left >= 1000.0 { format!(", about {:.0} s left", left / 1000.0) } else { String::new() };
    let text = format!(
        "{} of {} tasks ({} of {} runs){eta}; last: {} with {} worker(s)",
        p.done * p.tasks,
        p.total * p.tasks,
        p.done,
        p.total,
        p.cell.mode.name(),
        p.cell.workers
    );
    by_id("progress-text").set_text_content(Some(&text));
    if let Some(partial) = p.partial {
        // `show` takes its turn now, so it is called here and awaited below.
        let shown = view::show(partial().to_json(), false);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(why) = shown.await {
                show_error(&why);
            }
        });
    }
    RUN_CLOCK.with(|c| c.set((started, threadlab_clock::now_ms())));
    true
}

pub fn run_finished() {
    button("run").set_disabled(false);
    button("cancel").set_disabled(true);
    by_id("progress-text").set_text_content(Some(""));
}
