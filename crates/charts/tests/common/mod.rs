//! Report fixtures and SVG readers shared by the chart tests. Runs and trace events are built
//! from JSON so that fields added to the report later keep their defaults here.
#![allow(dead_code)]

use roxmltree::{Document, Node};
use serde_json::{json, Value};
use threadlab_lab::report::{Env, Report, RunRecord, TraceEvent};
use threadlab_lab::stats::Summary;
use threadlab_lab::Spec;

/// A box wider than any chart: each is drawn at its design width, in the wide layout.
pub const WIDE: u32 = u32::MAX;
/// The chart box of a 390 px phone: the page's margins, the figure's border and padding off.
pub const PHONE: u32 = 348;

pub fn env(cores: u32) -> Env {
    Env {
        cores,
        cross_origin_isolated: true,
        user_agent: "test".into(),
        timer_resolution_ms: 0.005,
        version: "test".into(),
    }
}

pub fn spec() -> Spec {
    Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}, "workers": [1, 2, 4, 8]}"#).unwrap()
}

/// A measured, verified run with these samples.
pub fn run(mode: &str, workers: u32, samples: &[f64]) -> RunRecord {
    let s = Summary::of(samples).expect("at least one sample");
    serde_json::from_value(json!({
        "mode": mode, "workers": workers, "samples_ms": samples,
        "median_ms": s.median, "mean_ms": s.mean, "stddev_ms": s.stddev, "min_ms": s.min, "max_ms": s.max,
        "verified": true, "checksum": "1", "trace": [],
    }))
    .unwrap()
}

pub fn skipped(mode: &str, workers: u32, reason: &str) -> RunRecord {
    serde_json::from_value(json!({
        "mode": mode, "workers": workers, "skipped": reason, "verified": false, "checksum": "", "trace": [],
    }))
    .unwrap()
}

pub fn report(runs: Vec<RunRecord>, cores: u32) -> Report {
    Report::new(spec(), env(cores), runs)
}

/// A CPU-bound sweep: sequential, threads-gil (no speedup), processes (speedup up to 2 cores).
pub fn sweep() -> Report {
    let mut runs = vec![run("sequential", 1, &[400.0, 410.0, 405.0])];
    for w in [1, 2, 4, 8] {
        runs.push(run("threads-gil", w, &[420.0, 430.0, 440.0]));
        let t = 400.0 / f64::from(w.min(2)) + 10.0 * f64::from(w);
        runs.push(run("processes", w, &[t, t * 1.05, t * 0.97]));
    }
    report(runs, 2)
}

/// A trace event; `extra` adds or overrides fields (gil_waits, io_waits, error...).
pub fn event(task: u32, worker: u32, start: f64, end: f64, extra: Value) -> TraceEvent {
    let mut v = json!({"task": task, "worker": worker, "start_ms": start, "end_ms": end, "gil_wait_ms": 0.0});
    for (k, x) in extra.as_object().expect("an object").clone() {
        v[k] = x;
    }
    serde_json::from_value(v).unwrap()
}

/// Parses the document and checks what every chart must have.
pub fn parse(svg: &str) -> Document<'_> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("class"), Some("threadlab-chart"));
    assert!(root.attribute("viewBox").is_some());
    let title = root.first_element_child().expect("a first child");
    assert_eq!(title.tag_name().name(), "title");
    assert!(!title.text().unwrap_or("").is_empty());
    assert!(!svg.contains("threadlab-mark"), "a group marker was left in the output");
    assert_eq!(groups(&doc, "legend").len(), 1, "one legend");
    doc
}

/// Elements `<g>` whose class list contains `class`, in document order.
pub fn groups<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| n.has_tag_name("g") && has_class(n, class)).collect()
}

pub fn has_class(n: &Node, class: &str) -> bool {
    n.attribute("class").is_some_and(|c| c.split(' ').any(|x| x == class))
}

pub fn num(n: &Node, attr: &str) -> f64 {
    n.attribute(attr).unwrap_or_else(|| panic!("no {attr}")).parse().unwrap()
}

/// The first `<rect>` inside a group.
pub fn first_rect<'a, 'i>(g: &Node<'a, 'i>) -> Node<'a, 'i> {
    g.descendants().find(|n| n.has_tag_name("rect")).expect("a rect")
}

/// All texts drawn in the document (plotters puts each on a line of its own: trimmed here).
pub fn texts(doc: &Document) -> Vec<String> {
    doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").trim().to_string()).collect()
}

/// The fill of the full-size background rectangle.
pub fn background(doc: &Document) -> String {
    let rect = doc.root_element().children().find(|n| n.has_tag_name("rect")).expect("a background");
    rect.attribute("fill").unwrap().to_string()
}
