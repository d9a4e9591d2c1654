//! The narrow layout (a phone's chart box): drawn at the box's width, legend under the plots,
//! few ticks, every text at least 11 px and inside the chart. The wide layout is checked too
//! where the two must differ.
mod common;

use common::*;
use roxmltree::{Document, Node};
use serde_json::json;
use threadlab_charts::{bars, scaling, text_size, timeline, Theme, MIN_TEXT_PX, MIN_WIDTH, NARROW_BELOW};
use threadlab_lab::report::{Report, RunRecord};

/// A sweep over 1..=16 workers with an unverified run and a skipped one (long notes), and a GIL
/// run with 8 lanes.
fn wide_sweep() -> (Report, RunRecord) {
    let mut runs = vec![run("sequential", 1, &[400.0, 410.0])];
    for w in 1..=16 {
        runs.push(run("threads-gil", w, &[420.0, 430.0]));
        let t = 400.0 / f64::from(w.min(2)) + 10.0 * f64::from(w);
        runs.push(run("processes", w, &[t, t * 1.05]));
    }
    runs[3].verified = false;
    runs[3].errors = vec!["checksum 1 instead of 2 (tasks 0-7 of every repetition, and more words to wrap)".into()];
    runs.push(skipped("threads", 2, "this page is not cross-origin isolated (no COOP/COEP headers)"));
    let mut gil = run("threads-gil", 8, &[100.0]);
    gil.trace = (0..24)
        .map(|t| {
            let start = f64::from(t / 8) * 30.0;
            let waits = json!({"gil_waits": [[start + 1.0, start + 20.0]], "gil_wait_ms": 19.0});
            event(t, t % 8 + 1, start, start + 29.0, waits)
        })
        .collect();
    gil.trace[5].error = Some("timed out after 500 ms".into());
    (report(runs, 2), gil)
}

fn charts(width: u32, theme: Theme) -> Vec<(&'static str, String)> {
    let (report, gil) = wide_sweep();
    vec![
        ("bars", bars(&report, theme, width).unwrap()),
        ("scaling", scaling(&report, theme, width).unwrap()),
        ("timeline", timeline(&gil, &report.spec, theme, width).unwrap()),
    ]
}

fn view_box(doc: &Document) -> (f64, f64) {
    let v: Vec<f64> = doc.root_element().attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    (v[2], v[3])
}

fn label(t: &Node) -> String {
    t.text().unwrap_or("").trim().to_string()
}

/// The horizontal extent of a text, from its anchor and its measured width.
fn extent(t: &Node) -> (f64, f64) {
    let w = f64::from(text_size(&label(t), num(t, "font-size") * 1.24).0);
    let x = num(t, "x");
    match t.attribute("text-anchor") {
        Some("middle") => (x - w / 2.0, x + w / 2.0),
        Some("end") => (x - w, x),
        _ => (x, x + w),
    }
}

/// The tick labels of a `g.axes` group: (x axis, y axis). x labels hang under their tick
/// (centred, dy 0.76em); y labels end at theirs; axis names are either centred above the
/// bottom edge or rotated.
fn ticks<'a, 'i>(axes: &Node<'a, 'i>) -> (Vec<Node<'a, 'i>>, Vec<Node<'a, 'i>>) {
    let texts = axes.descendants().filter(|n| n.has_tag_name("text") && n.attribute("transform").is_none());
    let (x, y): (Vec<Node>, Vec<Node>) = texts
        .filter(|t| t.attribute("text-anchor") == Some("end") || t.attribute("dy") == Some("0.76em"))
        .partition(|t| t.attribute("text-anchor") == Some("middle"));
    (x, y)
}

/// Every y coordinate drawn inside a group (texts, rects, lines, paths).
fn ys(g: &Node) -> Vec<f64> {
    let mut out = Vec::new();
    for n in g.descendants().filter(|n| n.is_element()) {
        for attr in ["y", "y1", "y2", "cy"] {
            if let Some(v) = n.attribute(attr).and_then(|v| v.parse::<f64>().ok()) {
                let height =
                    if attr == "y" { n.attribute("height").and_then(|h| h.parse().ok()).unwrap_or(0.0) } else { 0.0 };
                out.push(v + height);
            }
        }
        if let Some(points) = n.attribute("points") {
            out.extend(points.split_whitespace().filter_map(|p| p.split(',').nth(1)?.parse::<f64>().ok()));
        }
    }
    out
}

#[test]
fn narrow_charts_are_drawn_at_the_box_width_and_wide_ones_at_most_at_their_design_width() {
    for width in [MIN_WIDTH, PHONE, NARROW_BELOW - 1] {
        for (kind, svg) in charts(width, Theme::Light) {
            let doc = parse(&svg);
            assert_eq!(view_box(&doc).0, f64::from(width), "{kind} at {width}");
            assert_eq!(doc.root_element().attribute("data-layout"), Some("narrow"), "{kind} at {width}");
        }
    }
    for (width, design) in [(800, [800, 800, 800]), (1280, [880, 1040, 1040]), (WIDE, [880, 1040, 1040])] {
        for ((kind, svg), design) in charts(width, Theme::Light).into_iter().zip(design) {
            let doc = parse(&svg);
            assert_eq!(view_box(&doc).0, f64::from(design), "{kind} at {width}");
            assert_eq!(doc.root_element().attribute("data-layout"), Some("wide"), "{kind} at {width}");
        }
    }
    // A box narrower than a chart can be laid out in gets the narrowest chart, scaled down.
    for (kind, svg) in charts(120, Theme::Light) {
        assert_eq!(view_box(&parse(&svg)).0, f64::from(MIN_WIDTH), "{kind}");
    }
}

#[test]
fn the_narrow_legend_is_under_the_plots_and_the_wide_one_beside_them() {
    for (layout, width) in [("narrow", PHONE), ("wide", WIDE)] {
        for (kind, svg) in charts(width, Theme::Dark) {
            let doc = parse(&svg);
            let legend = first_rect(&groups(&doc, "legend")[0]);
            let (top, left) = (num(&legend, "y"), num(&legend, "x"));
            let (right, bottom) = (left + num(&legend, "width"), top + num(&legend, "height"));
            let axes = groups(&doc, "axes");
            assert_eq!(axes.len(), if kind == "scaling" { 2 } else { 1 }, "{kind}: one g.axes per plot");
            let plots_bottom = axes.iter().flat_map(ys).fold(0.0, f64::max);
            let plots_right = axes.iter().flat_map(|a| ticks(a).0).map(|t| extent(&t).1).fold(0.0, f64::max);
            assert!(right <= view_box(&doc).0 && bottom <= view_box(&doc).1, "{kind} ({layout}): legend inside");
            if layout == "narrow" {
                assert!(top >= plots_bottom, "{kind}: the legend ({top}) starts under the plots ({plots_bottom})");
                assert!(bottom <= view_box(&doc).1, "{kind}: legend inside the chart");
            } else {
                assert!(left >= plots_right, "{kind}: the legend ({left}) is right of the plots ({plots_right})");
                assert!(top < plots_bottom / 2.0, "{kind}: the legend is at the top of the column");
            }
            if kind == "scaling" {
                let (time, speedup) = (ys(&axes[0]), ys(&axes[1]));
                let stacked = time.iter().fold(0.0, |a: f64, b| a.max(*b))
                    <= speedup.iter().fold(f64::MAX, |a, b| a.min(*b)) + 1.0;
                assert_eq!(stacked, layout == "narrow", "scaling ({layout}): panels stacked only when narrow");
            }
        }
    }
}

#[test]
fn narrow_legend_entries_share_rows_without_overlapping() {
    for (kind, svg) in charts(PHONE, Theme::Light) {
        let doc = parse(&svg);
        let legend = groups(&doc, "legend")[0];
        let rect = first_rect(&legend);
        let (left, right) = (num(&rect, "x"), num(&rect, "x") + num(&rect, "width"));
        let (top, bottom) = (num(&rect, "y"), num(&rect, "y") + num(&rect, "height"));
        let texts: Vec<Node> = legend.descendants().filter(|n| n.has_tag_name("text")).collect();
        let rows = {
            let mut ys: Vec<f64> = texts.iter().map(|t| num(t, "y")).collect();
            ys.dedup();
            ys.len()
        };
        assert!(rows < texts.len(), "{kind}: {} entries on {rows} rows share rows", texts.len());
        for (i, a) in texts.iter().enumerate() {
            let (x0, x1) = extent(a);
            let h = f64::from(text_size(&label(a), num(a, "font-size") * 1.24).1);
            assert!(x0 > left && x1 <= right, "{kind}: {:?} outside the box {left}..{right}", label(a));
            assert!(num(a, "y") - h / 2.0 >= top && num(a, "y") + h / 2.0 <= bottom, "{kind}: {:?}", label(a));
            for b in &texts[i + 1..] {
                let ((bx0, bx1), by) = (extent(b), num(b, "y"));
                let apart = (num(a, "y") - by).abs() >= h || x1 + 4.0 <= bx0 || bx1 + 4.0 <= x0;
                assert!(apart, "{kind}: {:?} and {:?} overlap", label(a), label(b));
            }
        }
    }
}

#[test]
fn narrow_axes_have_few_ticks_that_keep_apart() {
    for (kind, svg) in charts(PHONE, Theme::Light) {
        let doc = parse(&svg);
        for axes in groups(&doc, "axes") {
            let (x, y) = ticks(&axes);
            let (values, keys) = if kind == "timeline" { (&x, &y) } else { (&y, &x) };
            assert!(
                (2..=5).contains(&values.len()),
                "{kind}: {} value ticks: {:?}",
                values.len(),
                values.iter().map(label).collect::<Vec<_>>()
            );
            if kind != "timeline" {
                let labels: Vec<String> = keys.iter().map(label).collect();
                assert!(keys.len() >= 2 && keys.len() < 16, "{kind}: worker ticks thinned: {labels:?}");
                assert_eq!(labels.first().map(String::as_str), Some("1"), "{kind}: {labels:?}");
                assert_eq!(labels.last().map(String::as_str), Some("16"), "{kind}: {labels:?}");
            }
            let mut spans: Vec<(f64, f64)> = x.iter().map(extent).collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            for pair in spans.windows(2) {
                assert!(pair[0].1 + 4.0 <= pair[1].0, "{kind}: x tick labels overlap: {spans:?}");
            }
        }
    }
    // The wide layout keeps its denser axes (so the limit above is the narrow layout's doing).
    let doc_text = bars(&wide_sweep().0, Theme::Light, WIDE).unwrap();
    let doc = parse(&doc_text);
    let (x, y) = ticks(&groups(&doc, "axes")[0]);
    assert!(y.len() > 5 && x.len() == 16, "wide bars: {} value ticks, {} worker ticks", y.len(), x.len());
}

#[test]
fn narrow_text_is_at_least_11_px_and_inside_the_chart() {
    for width in [MIN_WIDTH, PHONE, 500, NARROW_BELOW - 1] {
        for theme in [Theme::Light, Theme::Dark] {
            for (kind, svg) in charts(width, theme) {
                let doc = parse(&svg);
                let texts: Vec<Node> = doc.descendants().filter(|n| n.has_tag_name("text")).collect();
                assert!(texts.len() > 10, "{kind}");
                for t in &texts {
                    let px = num(t, "font-size");
                    assert!(px >= MIN_TEXT_PX, "{kind} at {width}: {:?} at {px} px", label(t));
                    if t.attribute("transform").is_none() && !label(t).starts_with('✗') {
                        let (x0, x1) = extent(t);
                        assert!(
                            x0 >= 0.0 && x1 <= f64::from(width),
                            "{kind} at {width}: {:?} spans {x0}..{x1}",
                            label(t)
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn long_titles_and_notes_wrap_to_the_width() {
    for (kind, svg) in charts(PHONE, Theme::Light) {
        let doc = parse(&svg);
        let title = doc.root_element().first_element_child().unwrap().text().unwrap().to_string();
        // The title's lines are the first texts, centred, and together say the whole title.
        let lines: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .take_while(|t| t.attribute("text-anchor") == Some("middle") && t.attribute("dy") == Some("0.76em"))
            .map(|t| label(&t))
            .collect();
        let joined = lines.join(" ");
        assert!(joined.starts_with(&title), "{kind}: title lines {lines:?} say {title:?}");
        if kind == "timeline" {
            assert!(lines.len() >= 2, "the timeline's long title wraps: {lines:?}");
        }
    }
    let doc_text = bars(&wide_sweep().0, Theme::Light, PHONE).unwrap();
    let doc = parse(&doc_text);
    for class in ["skipped", "unverified-note"] {
        let note = groups(&doc, class)[0];
        let lines: Vec<String> = note.descendants().filter(|n| n.has_tag_name("text")).map(|t| label(&t)).collect();
        assert!(lines.len() >= 2, "{class}: a long note wraps: {lines:?}");
    }
}
