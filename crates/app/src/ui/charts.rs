//! The report's charts on the page: drawn by the figures module (crates/figures, which uses
//! `threadlab-charts`), loaded with the first result; placed as parsed SVG (never as HTML text),
//! redrawn when the colour scheme changes, exportable as SVG and PNG.

use super::dom::{by_id, document, el};
use super::export::{download, save_blob};
use crate::engines::site_url;
use crate::load_once::{self, LoadOnce};
use futures::future::FutureExt;
use js_sys::{Array, Promise};
use std::cell::{Cell, RefCell};
use threadlab_lab::report::{Report, RunRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, CanvasRenderingContext2d, DomParser, HtmlCanvasElement, HtmlImageElement, HtmlSelectElement, SupportedType, Url};

/// The three figures in index.html: (id, file name stem).
const FIGURES: [&str; 3] = ["chart-bars", "chart-scaling", "chart-timeline"];

#[wasm_bindgen(module = "/src/ui/figures.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadFigures)]
    fn load_figures(glue: &str, wasm: &str) -> Promise;

    /// The figures module's exports (crates/figures/src/lib.rs).
    #[derive(Clone)]
    type Figures;
    #[wasm_bindgen(method, catch)]
    fn set_report(this: &Figures, json: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn bars(this: &Figures, dark: bool) -> Result<String, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn scaling(this: &Figures, dark: bool) -> Result<String, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn timeline(this: &Figures, run: usize, dark: bool) -> Result<String, JsValue>;
}

thread_local! {
    static SHOWN: RefCell<Option<Report>> = const { RefCell::new(None) };
    /// The SVG text each figure shows, for export.
    static SVGS: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    static MODULE: LoadOnce<Figures> = const { LoadOnce::new() };
    /// Counts `show` calls: only the newest one draws once the module is there.
    static SHOWS: Cell<u64> = const { Cell::new(0) };
}

/// The figures module, loaded once; a failed load is tried again next time.
async fn module() -> Result<Figures, String> {
    load_once::get(&MODULE, || {
        let promise = load_figures(&site_url("pkg/figures.js"), &site_url("pkg/figures_bg.wasm"));
        async move { JsFuture::from(promise).await.map(JsCast::unchecked_into).map_err(|e| format!("the charts could not be loaded: {}", describe(&e))) }.boxed_local()
    })
    .await
}

/// Loads the figures module ahead of the first chart (a failure shows where the charts go).
pub async fn preload() {
    let _ = module().await;
}

fn describe(e: &JsValue) -> String {
    e.as_string().unwrap_or_else(|| js_sys::Error::from(e.clone()).message().into())
}

fn dark() -> bool {
    web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten()).is_some_and(|m| m.matches())
}

/// Shows `report`'s charts, resolving once they are drawn (or a newer `show` took over). The
/// timeline shows the run picked in its selector, if it still exists, else the most telling
/// one (see `default_timeline`).
pub async fn show(report: &Report, json: &str) {
    let this = SHOWS.with(|n| n.get() + 1);
    SHOWS.with(|n| n.set(this));
    SHOWN.with(|s| *s.borrow_mut() = Some(report.clone()));
    by_id("charts").toggle_attribute_with_force("hidden", false).ok();
    let sweep = report.spec.workers.len() > 1;
    by_id("chart-scaling").toggle_attribute_with_force("hidden", !sweep).ok();
    fill_timeline_choices(report);
    let module = module().await;
    if SHOWS.with(Cell::get) != this {
        return; // a newer report is being shown
    }
    let figures = match module.and_then(|f| f.set_report(json).map(|()| f).map_err(|e| describe(&e))) {
        Ok(f) => f,
        Err(why) => return FIGURES.iter().for_each(|f| place(f, Err(why.clone()))),
    };
    let dark = dark();
    place("chart-bars", figures.bars(dark).map_err(|e| describe(&e)));
    if sweep {
        place("chart-scaling", figures.scaling(dark).map_err(|e| describe(&e)));
    }
    draw_timeline(&figures, dark);
}

/// The user picked a run for the timeline.
pub fn timeline_picked() {
    select().set_attribute("data-picked", "").ok();
    wasm_bindgen_futures::spawn_local(async {
        if let Ok(figures) = module().await {
            draw_timeline(&figures, dark());
        }
    });
}

/// A new run starts: the timeline follows the results again.
pub fn forget_pick() {
    select().remove_attribute("data-picked").ok();
}

/// The timeline of the run chosen in `#timeline-run` (the module holds the shown report).
fn draw_timeline(figures: &Figures, dark: bool) {
    let chosen = select().value().parse::<usize>().ok();
    let exists = |i: &usize| SHOWN.with(|s| s.borrow().as_ref().is_some_and(|r| *i < r.runs.len()));
    match chosen.filter(exists) {
        Some(i) => place("chart-timeline", figures.timeline(i, dark).map_err(|e| describe(&e))),
        None => place("chart-timeline", Err("nothing to chart: no run has a timeline".into())),
    }
}

/// Redraws everything, e.g. after the colour scheme changed.
pub fn redraw() {
    if let Some(report) = SHOWN.with(|s| s.borrow().clone()) {
        wasm_bindgen_futures::spawn_local(async move { show(&report, &report.to_json()).await });
    }
}

fn select() -> HtmlSelectElement {
    by_id("timeline-run").unchecked_into()
}

fn label(r: &RunRecord) -> String {
    if r.mode.is_single_threaded() {
        r.mode.name().to_string()
    } else {
        format!("{} with {} workers", r.mode.name(), r.workers)
    }
}

/// The run whose timeline says most: threads with the GIL (interleaving), else free threads
/// (parallel lanes), else processes, with the most workers; else any run with a trace.
fn default_timeline(report: &Report) -> Option<usize> {
    use threadlab_lab::Mode::*;
    let with_trace = |r: &&RunRecord| !r.trace.is_empty();
    for mode in [ThreadsGil, Threads, Processes, Async, Sequential] {
        let best = report.runs.iter().enumerate().filter(|(_, r)| r.mode == mode && with_trace(r)).max_by_key(|(_, r)| r.workers);
        if let Some((i, _)) = best {
            return Some(i);
        }
    }
    None
}

fn fill_timeline_choices(report: &Report) {
    let select = select();
    let previous = select.value();
    select.set_text_content(None);
    for (i, r) in report.runs.iter().enumerate().filter(|(_, r)| !r.trace.is_empty()) {
        let option = el("option", "", &label(r));
        option.set_attribute("value", &i.to_string()).ok();
        select.append_child(&option).ok();
    }
    // A choice the user made stays; otherwise the most telling run, which changes as a sweep
    // fills in.
    let picked = select.has_attribute("data-picked");
    let keep = picked && report.runs.get(previous.parse::<usize>().unwrap_or(usize::MAX)).is_some_and(|r| !r.trace.is_empty());
    if !keep {
        if let Some(i) = default_timeline(report) {
            select.set_value(&i.to_string());
        }
    } else {
        select.set_value(&previous);
    }
}

/// Puts an SVG document into a figure's `.chart` box, or the reason there is none.
fn place(figure: &str, svg: Result<String, String>) {
    let Some(slot) = by_id(figure).query_selector(".chart").ok().flatten() else { return };
    slot.set_text_content(None);
    let parsed = svg.as_ref().map_err(Clone::clone).and_then(|text| {
        let doc = DomParser::new().and_then(|p| p.parse_from_string(text, SupportedType::ImageSvgXml)).map_err(|_| "the chart could not be parsed".to_string())?;
        let root = doc.document_element().ok_or("empty chart")?;
        document().import_node_with_deep(&root, true).map_err(|_| "the chart could not be placed".to_string())
    });
    match parsed {
        Ok(node) => {
            slot.append_child(&node).ok();
        }
        Err(reason) => {
            slot.append_child(&el("p", "chart-empty", &reason)).ok();
        }
    }
    SVGS.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|(f, _)| f != figure);
        if let Ok(text) = svg {
            s.push((figure.to_string(), text));
        }
    });
}

fn svg_of(figure: &str) -> Option<String> {
    SVGS.with(|s| s.borrow().iter().find(|(f, _)| f == figure).map(|(_, t)| t.clone()))
}

pub fn export_svg(figure: &str) {
    if let Some(svg) = svg_of(figure) {
        download(&format!("threadlab-{figure}.svg"), "image/svg+xml", &svg.into());
    }
}

/// Rasterises the figure's SVG at twice its size through an `<img>` and a canvas.
pub fn export_png(figure: &str) {
    let Some(svg) = svg_of(figure) else { return };
    let figure = figure.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        match png(&svg).await {
            Ok(blob) => save_blob(&format!("threadlab-{figure}.png"), &blob),
            Err(e) => super::show_error(&format!("the PNG could not be made: {e}")),
        }
    });
}

async fn png(svg: &str) -> Result<Blob, String> {
    let options = BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&svg.into()), &options).map_err(|_| "no blob")?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL")?;
    let image = HtmlImageElement::new().map_err(|_| "no image")?;
    image.set_src(&url);
    let loaded = JsFuture::from(image.decode()).await;
    let _ = Url::revoke_object_url(&url);
    loaded.map_err(|_| "the browser could not draw the SVG")?;
    let (w, h) = (image.natural_width().max(1) * 2, image.natural_height().max(1) * 2);
    let canvas: HtmlCanvasElement = document().create_element("canvas").map_err(|_| "no canvas")?.unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok().flatten().ok_or("no 2d context")?.unchecked_into();
    context.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, f64::from(w), f64::from(h)).map_err(|_| "drawing failed")?;
    let made = Promise::new(&mut |resolve, _| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let _ = canvas.to_blob(done.unchecked_ref());
    });
    JsFuture::from(made).await.ok().and_then(|b| b.dyn_into::<Blob>().ok()).ok_or_else(|| "the canvas made no PNG".into())
}

/// Figure ids, for binding the export buttons.
pub fn figures() -> [&'static str; 3] {
    FIGURES
}
