//! The report's charts on the page: drawn by `threadlab-charts` (which measures text itself and
//! never touches the DOM), placed as parsed SVG (never as HTML text), redrawn when the colour
//! scheme changes, exportable as SVG and PNG.

use super::dom::{by_id, document, el};
use super::export::{download, save_blob};
use js_sys::{Array, Promise};
use std::cell::RefCell;
use threadlab_charts::{bars, scaling, timeline, ChartError, Theme};
use threadlab_lab::report::{Report, RunRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, CanvasRenderingContext2d, DomParser, HtmlCanvasElement, HtmlImageElement, HtmlSelectElement, SupportedType, Url};

/// The three figures in index.html: (id, file name stem).
const FIGURES: [&str; 3] = ["chart-bars", "chart-scaling", "chart-timeline"];

thread_local! {
    static SHOWN: RefCell<Option<Report>> = const { RefCell::new(None) };
    /// The SVG text each figure shows, for export.
    static SVGS: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

fn theme() -> Theme {
    let dark = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten()).is_some_and(|m| m.matches());
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// Shows `report`'s charts. The timeline shows the run picked in its selector, if it still
/// exists, else the most telling one (see `default_timeline`).
pub fn show(report: &Report) {
    SHOWN.with(|s| *s.borrow_mut() = Some(report.clone()));
    by_id("charts").toggle_attribute_with_force("hidden", false).ok();
    let theme = theme();
    place("chart-bars", bars(report, theme));
    let sweep = report.spec.workers.len() > 1;
    by_id("chart-scaling").toggle_attribute_with_force("hidden", !sweep).ok();
    if sweep {
        place("chart-scaling", scaling(report, theme));
    }
    fill_timeline_choices(report);
    show_timeline();
}

/// The user picked a run for the timeline.
pub fn timeline_picked() {
    select().set_attribute("data-picked", "").ok();
    show_timeline();
}

/// A new run starts: the timeline follows the results again.
pub fn forget_pick() {
    select().remove_attribute("data-picked").ok();
}

/// The timeline of the run chosen in `#timeline-run`.
pub fn show_timeline() {
    SHOWN.with(|s| {
        let Some(report) = s.borrow().clone() else { return };
        let index = select().value().parse::<usize>().ok();
        match index.and_then(|i| report.runs.get(i)) {
            Some(run) => place("chart-timeline", timeline(run, &report.spec, theme())),
            None => place("chart-timeline", Err(ChartError::NoData("no run has a timeline".into()))),
        }
    });
}

/// Redraws everything, e.g. after the colour scheme changed.
pub fn redraw() {
    if let Some(report) = SHOWN.with(|s| s.borrow().clone()) {
        show(&report);
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
fn place(figure: &str, svg: Result<String, ChartError>) {
    let Some(slot) = by_id(figure).query_selector(".chart").ok().flatten() else { return };
    slot.set_text_content(None);
    let parsed = svg.as_ref().map_err(ToString::to_string).and_then(|text| {
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
