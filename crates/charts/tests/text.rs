//! Text layout: the charts measure text with their own table (`text_size`), never through
//! plotters' font code (which on wasm writes a `style` attribute into the page). Here: every
//! legend label fits its box, the box fits the chart, entries do not overlap, titles fit.
mod common;

use common::*;
use roxmltree::{Document, Node};
use serde_json::json;
use threadlab_charts::{bars, scaling, text_size, timeline, Theme};

/// plotters' SVG backend writes font-size = size / 1.24.
fn plotters_size(t: &Node) -> f64 {
    num(t, "font-size") * 1.24
}

fn label(t: &Node) -> String {
    t.text().unwrap_or("").trim().to_string()
}

fn charts() -> Vec<(&'static str, String)> {
    let mut unverified = sweep();
    unverified.runs[2].verified = false;
    unverified.runs[2].errors = vec!["checksum 1 instead of 2".into()];
    unverified.runs.push(skipped("threads", 2, "no cross-origin isolation"));
    let mut gil = run("threads-gil", 16, &[100.0]);
    gil.trace = (0..16)
        .map(|t| {
            event(
                t,
                t + 1,
                0.0,
                90.0,
                json!({"gil_waits": [[1.0, 80.0]], "gil_wait_ms": 79.0, "io_waits": [[80.0, 85.0]], "io_wait_ms": 5.0}),
            )
        })
        .collect();
    gil.trace[3].error = Some("timed out after 500 ms".into());
    vec![
        ("bars", bars(&unverified, Theme::Light, WIDE).unwrap()),
        ("scaling", scaling(&sweep(), Theme::Light, WIDE).unwrap()),
        ("timeline", timeline(&gil, &spec(), Theme::Dark, WIDE).unwrap()),
    ]
}

fn width_of(doc: &Document) -> f64 {
    let view: Vec<f64> =
        doc.root_element().attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    view[2]
}

#[test]
fn every_legend_label_fits_its_box_and_the_box_fits_the_chart() {
    for (kind, svg) in charts() {
        let doc = parse(&svg);
        let legend = groups(&doc, "legend")[0];
        let rect = first_rect(&legend);
        let (left, right) = (num(&rect, "x"), num(&rect, "x") + num(&rect, "width"));
        let (top, bottom) = (num(&rect, "y"), num(&rect, "y") + num(&rect, "height"));
        assert!(right <= width_of(&doc), "{kind}: the legend ends at {right}, beyond the chart");
        let texts: Vec<Node> = legend.descendants().filter(|n| n.has_tag_name("text")).collect();
        assert!(texts.len() >= 2, "{kind}: legend entries");
        let mut previous: Option<f64> = None;
        for t in &texts {
            let (w, h) = text_size(&label(t), plotters_size(t));
            let (x, y) = (num(t, "x"), num(t, "y"));
            assert_eq!(t.attribute("text-anchor"), Some("start"));
            assert!(
                x > left && x + f64::from(w) <= right,
                "{kind}: {:?} ({x} + {w}) is outside {left}..{right}",
                label(t)
            );
            assert!(
                y - f64::from(h) / 2.0 >= top && y + f64::from(h) / 2.0 <= bottom,
                "{kind}: {:?} is outside the box vertically",
                label(t)
            );
            if let Some(p) = previous {
                assert!(y - p >= f64::from(h), "{kind}: {:?} overlaps the entry above", label(t));
            }
            previous = Some(y);
        }
    }
}

#[test]
fn titles_fit_the_chart_width() {
    for (kind, svg) in charts() {
        let doc = parse(&svg);
        let title = doc.descendants().find(|n| n.has_tag_name("text")).unwrap();
        assert_eq!(title.attribute("text-anchor"), Some("middle"), "{kind}: the first text is the title");
        let (w, _) = text_size(&label(&title), plotters_size(&title));
        assert!(f64::from(w) <= width_of(&doc), "{kind}: title {:?} is {w} px wide", label(&title));
    }
}
