//! The report's charts: drawn with `threadlab-charts` as SVG text for the width of their box,
//! placed as parsed SVG (never as HTML text), redrawn when the colour scheme or the box's width
//! changes, exportable as SVG and PNG.

use crate::exports::{download, save_blob};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Array, Promise};
use std::cell::RefCell;
use threadlab_charts::{ChartError, Theme};
use threadlab_dom::{by_id, document, el, on, show_error};
use threadlab_lab::report::{Report, RunRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, DomParser, Element, HtmlCanvasElement, HtmlImageElement,
    HtmlSelectElement, MediaQueryList, ResizeObserver, SupportedType, Url,
};

/// The three figures in index.html, by id.
const FIGURES: [&str; 3] = ["chart-bars", "chart-scaling", "chart-timeline"];

/// A resize waits this long (ms) for the next before the charts are redrawn for it.
const RESIZE_SETTLE_MS: u32 = 150;

thread_local! {
    /// The SVG text each figure shows, for export.
    static SVGS: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    /// The timer of a redraw waiting for resizing to settle; replacing it clears the old one.
    static RESIZE_TIMER: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// What a figure shows.
enum Chart {
    Bars,
    Scaling,
    /// The timeline of `report.runs[i]`.
    Timeline(usize),
}

/// A chart of `report` as SVG text, for a box `width` CSS pixels wide.
fn draw(report: &Report, chart: Chart, dark: bool, width: u32) -> Result<String, String> {
    let theme = if dark { Theme::Dark } else { Theme::Light };
    let drawn = match chart {
        Chart::Bars => threadlab_charts::bars(report, theme, width),
        Chart::Scaling => threadlab_charts::scaling(report, theme, width),
        Chart::Timeline(i) => match report.runs.get(i) {
            Some(run) => threadlab_charts::timeline(run, &report.spec, theme, width),
            None => Err(ChartError::NoData("no run has a timeline".into())),
        },
    };
    drawn.map_err(|e| e.to_string())
}

fn dark_scheme() -> Option<MediaQueryList> {
    web_sys::window()?.match_media("(prefers-color-scheme: dark)").ok().flatten()
}

fn dark() -> bool {
    dark_scheme().is_some_and(|m| m.matches())
}

/// Shows `report`'s charts. The timeline shows the run picked in its selector, if it still
/// exists, else the most telling one (see `default_timeline`).
pub fn show(report: &Report) {
    by_id("charts").toggle_attribute_with_force("hidden", false).ok();
    let sweep = report.spec.workers.len() > 1;
    by_id("chart-scaling").toggle_attribute_with_force("hidden", !sweep).ok();
    fill_timeline_choices(report);
    let dark = dark();
    show_chart("chart-bars", report, Chart::Bars, dark);
    if sweep {
        show_chart("chart-scaling", report, Chart::Scaling, dark);
    }
    draw_timeline(report, dark);
}

/// A figure's chart box.
fn slot(figure: &str) -> Option<Element> {
    by_id(figure).query_selector(".chart").ok().flatten()
}

/// The width of a figure's chart box in whole CSS pixels, or `u32::MAX` (the chart's design
/// width) when the box is not laid out (a hidden figure).
fn box_width(figure: &str) -> u32 {
    let width = slot(figure).map_or(0.0, |s| s.get_bounding_client_rect().width().floor());
    if width >= 1.0 {
        width as u32
    } else {
        u32::MAX
    }
}

/// Draws a chart for its figure's width, places it and notes the width it was drawn for.
fn show_chart(figure: &str, report: &Report, chart: Chart, dark: bool) {
    let width = box_width(figure);
    place(figure, draw(report, chart, dark, width));
    if let Some(slot) = slot(figure) {
        slot.set_attribute("data-width", &width.to_string()).ok();
    }
}

/// Whether a shown figure's box is no longer as wide as its chart was drawn for.
fn width_changed() -> bool {
    FIGURES.iter().filter(|f| !by_id(f).has_attribute("hidden")).any(|f| {
        let drawn = slot(f).and_then(|s| s.get_attribute("data-width"));
        drawn.is_some_and(|w| w != box_width(f).to_string())
    })
}

/// Redraws the charts once the charts' box has kept a new width for a moment (a window being
/// dragged wider, a phone turned, a scroll bar appearing).
fn follow_width() {
    let resized = Closure::<dyn FnMut()>::new(|| {
        let settled = Timeout::new(RESIZE_SETTLE_MS, || {
            if width_changed() {
                crate::on_screen(show);
            }
        });
        // The timer it replaces, if any, is cleared as it drops.
        RESIZE_TIMER.with(|t| drop(t.replace(Some(settled))));
    });
    if let Ok(observer) = ResizeObserver::new(resized.as_ref().unchecked_ref()) {
        observer.observe(&by_id("charts"));
    }
    // A ResizeObserver's callback, not an event listener (gloo-events has none): kept for the
    // page's lifetime.
    resized.forget();
}

/// Binds the timeline's run picker and the export buttons, and redraws on a change of colour
/// scheme.
pub fn bind() {
    on("timeline-run", "change", |_| timeline_picked());
    for figure in FIGURES {
        on(&format!("{figure}-svg"), "click", move |_| export_svg(figure));
        on(&format!("{figure}-png"), "click", move |_| export_png(figure));
    }
    follow_width();
    let Some(query) = dark_scheme() else { return };
    // For the page's lifetime.
    EventListener::new(&query, "change", |_| {
        crate::on_screen(show);
    })
    .forget();
}

/// The user picked a run for the timeline.
fn timeline_picked() {
    select().set_attribute("data-picked", "").ok();
    crate::on_screen(|report| draw_timeline(report, dark()));
}

/// A new run starts: the timeline follows the results again.
pub fn forget_pick() {
    select().remove_attribute("data-picked").ok();
}

/// The timeline of the run chosen in `#timeline-run` (none chosen: `draw` says there is none).
fn draw_timeline(report: &Report, dark: bool) {
    let chosen = select().value().parse::<usize>().unwrap_or(usize::MAX);
    show_chart("chart-timeline", report, Chart::Timeline(chosen), dark);
}

fn select() -> HtmlSelectElement {
    by_id("timeline-run").unchecked_into()
}

/// The run whose timeline says most: threads with the GIL (interleaving), else free threads
/// (parallel lanes), else processes, with the most workers; else any run with a trace.
fn default_timeline(report: &Report) -> Option<usize> {
    use threadlab_lab::Mode::*;
    let with_trace = |r: &&RunRecord| !r.trace.is_empty();
    for mode in [ThreadsGil, Threads, Processes, Async, Sequential] {
        let best = report
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.mode == mode && with_trace(r))
            // The first of a mode's variants (a counter's unsynchronised run) among equals.
            .rev()
            .max_by_key(|(_, r)| r.workers);
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
        let option = el("option", "", &r.label());
        option.set_attribute("value", &i.to_string()).ok();
        select.append_child(&option).ok();
    }
    // A choice the user made stays; otherwise the most telling run, which changes as a sweep
    // fills in.
    let picked = select.has_attribute("data-picked");
    let keep =
        picked && report.runs.get(previous.parse::<usize>().unwrap_or(usize::MAX)).is_some_and(|r| !r.trace.is_empty());
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
    let Some(slot) = slot(figure) else { return };
    slot.set_text_content(None);
    let parsed = svg.as_ref().map_err(Clone::clone).and_then(|text| {
        let doc = DomParser::new()
            .and_then(|p| p.parse_from_string(text, SupportedType::ImageSvgXml))
            .map_err(|_| "the chart could not be parsed".to_string())?;
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
            Err(e) => show_error(&format!("the PNG could not be made: {e}")),
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
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().ok_or("no 2d context")?.unchecked_into();
    context
        .draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| "drawing failed")?;
    let made = Promise::new(&mut |resolve, _| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let _ = canvas.to_blob(done.unchecked_ref());
    });
    JsFuture::from(made)
        .await
        .ok()
        .and_then(|b| b.dyn_into::<Blob>().ok())
        .ok_or_else(|| "the canvas made no PNG".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlab_lab::plan::Cell;
    use threadlab_lab::protocol::TaskOutcome;
    use threadlab_lab::report::{Env, RunRecord, Sample};
    use threadlab_lab::{Mode, Spec};

    /// A sweep of threads over 1 and 2 workers, read back from the JSON the page sends.
    fn report() -> Report {
        let spec = Spec::parse(
            r#"{"workload": {"kind": "fib", "n": 20}, "tasks": 2, "modes": ["threads"], "workers": [1, 2]}"#,
        )
        .unwrap();
        let run = |workers: u32, ms: f64| {
            let outcomes = (0..2)
                .map(|task| TaskOutcome {
                    task,
                    worker: task % workers + 1,
                    start: 0.0,
                    end: ms,
                    checksum: 6765,
                    ..Default::default()
                })
                .collect();
            RunRecord::measured(
                Cell::new(Mode::Threads, workers),
                &[Sample { wall_ms: ms, run_start: 0.0, outcomes, startup_ms: None, counted: None }],
                &[Some(6765), Some(6765)],
                0.0,
            )
        };
        let env = Env {
            cores: 2,
            cross_origin_isolated: true,
            user_agent: "test".into(),
            timer_resolution_ms: 0.005,
            version: "test".into(),
        };
        crate::read(&Report::new(spec, env, vec![run(1, 20.0), run(2, 10.0)]).to_json()).unwrap()
    }

    #[test]
    fn draws_every_figure_of_a_report() {
        let report = report();
        for (chart, dark) in [(Chart::Bars, false), (Chart::Scaling, true), (Chart::Timeline(1), false)] {
            let svg = draw(&report, chart, dark, u32::MAX).unwrap();
            assert!(svg.starts_with("<svg") && svg.contains("threadlab-chart"), "{svg:.80}");
        }
        assert!(draw(&report, Chart::Bars, true, 1048).unwrap().contains(r#"data-theme="dark""#));
        assert!(draw(&report, Chart::Bars, false, 350).unwrap().contains(r#"data-layout="narrow""#));
        assert_eq!(
            draw(&report, Chart::Timeline(7), false, 350).unwrap_err(),
            "nothing to chart: no run has a timeline"
        );
        assert_eq!(default_timeline(&report), Some(1), "the threads run with the most workers");
    }
}
