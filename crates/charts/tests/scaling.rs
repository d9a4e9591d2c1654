mod common;

use common::*;
use roxmltree::{Document, Node};
use threadlab_charts::{scaling, ChartError, Theme};

fn panel<'a, 'i>(doc: &'a Document<'i>, class: &str, panel: &str) -> Vec<Node<'a, 'i>> {
    groups(doc, class).into_iter().filter(|g| g.attribute("data-panel") == Some(panel)).collect()
}

/// The x pixel of each point's circle (the median marker), by worker count.
fn point_x(series: &Node) -> Vec<(u32, f64)> {
    let points = series.descendants().filter(|n| has_class(n, "point"));
    points
        .map(|p| {
            (num(&p, "data-workers") as u32, num(&p.descendants().find(|n| n.has_tag_name("circle")).unwrap(), "cx"))
        })
        .collect()
}

#[test]
fn one_series_per_mode_in_each_panel_with_a_point_per_run() {
    let report = sweep();
    let svg = scaling(&report, Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    assert_eq!(doc.root_element().attribute("data-chart"), Some("scaling"));
    for name in ["time", "speedup"] {
        let series = panel(&doc, "series", name);
        let modes: Vec<_> = series.iter().map(|s| s.attribute("data-mode").unwrap()).collect();
        assert_eq!(modes, ["sequential", "threads-gil", "processes"], "{name}");
        for s in &series {
            let mode = s.attribute("data-mode").unwrap();
            let runs: Vec<_> = report.runs.iter().filter(|r| r.mode.name() == mode).collect();
            let points: Vec<_> = s.descendants().filter(|n| has_class(n, "point")).collect();
            assert_eq!(points.len(), runs.len(), "{name} {mode}");
            for (pt, run) in points.iter().zip(&runs) {
                assert_eq!(num(pt, "data-workers"), f64::from(run.workers));
                let want = if name == "time" { run.median_ms } else { run.speedup };
                assert_eq!(Some(num(pt, "data-value")), want);
                assert!(num(pt, "data-min") <= num(pt, "data-value") && num(pt, "data-value") <= num(pt, "data-max"));
            }
        }
    }
}

#[test]
fn ideal_line_and_core_marker_in_both_panels() {
    let svg = scaling(&sweep(), Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    for name in ["time", "speedup"] {
        let ideal = panel(&doc, "ideal", name);
        assert_eq!(ideal.len(), 1, "{name}");
        assert!(ideal[0].descendants().filter(|n| n.has_tag_name("line") || n.has_tag_name("polyline")).count() > 3);
        let cores = panel(&doc, "cores", name);
        assert_eq!(cores.len(), 1, "{name}");
        assert_eq!(cores[0].attribute("data-cores"), Some("2"));
        assert!(cores[0].descendants().any(|n| n.text().map(str::trim) == Some("2 cores")));
    }
}

#[test]
fn workers_axis_is_log2_and_the_core_line_sits_on_it() {
    let doc_text = scaling(&sweep(), Theme::Light, WIDE).unwrap();
    let doc = parse(&doc_text);
    let processes =
        panel(&doc, "series", "speedup").into_iter().find(|s| s.attribute("data-mode") == Some("processes")).unwrap();
    let x = point_x(&processes);
    let steps: Vec<f64> = x.windows(2).map(|w| w[1].1 - w[0].1).collect();
    assert_eq!(x.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2, 4, 8]);
    assert!(steps.iter().all(|s| (s - steps[0]).abs() <= 1.0 && *s > 10.0), "doubling is a constant step: {steps:?}");
    let dash = panel(&doc, "cores", "speedup")[0].descendants().find(|n| n.has_tag_name("polyline")).unwrap();
    let line_x: f64 = dash.attribute("points").unwrap().split(',').next().unwrap().parse().unwrap();
    assert!((line_x - x[1].1).abs() <= 1.0, "the core line is at 2 workers");
}

#[test]
fn without_a_baseline_there_is_no_speedup_and_no_time_ideal() {
    let report = report(vec![run("threads", 2, &[60.0]), run("threads", 4, &[40.0])], 4);
    let svg = scaling(&report, Theme::Dark, WIDE).unwrap();
    let doc = parse(&svg);
    assert_eq!(panel(&doc, "series", "time").len(), 1);
    assert_eq!(panel(&doc, "series", "speedup").len(), 0);
    assert_eq!(panel(&doc, "ideal", "time").len(), 0);
    assert_eq!(panel(&doc, "ideal", "speedup").len(), 1);
    assert!(texts(&doc).iter().any(|t| t.contains("no baseline")));
}

#[test]
fn one_worker_count_one_sample_and_unknown_cores() {
    let report = report(vec![run("sequential", 1, &[30.0]), run("processes", 1, &[31.0])], 0);
    let doc_text = scaling(&report, Theme::Light, WIDE).unwrap();
    let doc = parse(&doc_text);
    assert_eq!(panel(&doc, "series", "speedup").len(), 2);
    assert!(groups(&doc, "cores").is_empty(), "no core marker when the core count is unknown");
    assert_eq!(groups(&doc, "ideal").len(), 2);
}

#[test]
fn nothing_measured_is_a_clear_error() {
    let report = report(vec![skipped("threads", 2, "no cross-origin isolation")], 2);
    assert!(matches!(scaling(&report, Theme::Light, WIDE), Err(ChartError::NoData(_))));
    assert!(matches!(scaling(&common::report(vec![], 2), Theme::Light, WIDE), Err(ChartError::NoData(_))));
}

#[test]
fn dark_theme_differs_from_light() {
    let report = sweep();
    let (light, dark) = (scaling(&report, Theme::Light, WIDE).unwrap(), scaling(&report, Theme::Dark, WIDE).unwrap());
    let (light, dark) = (parse(&light), parse(&dark));
    assert_ne!(background(&light), background(&dark));
    assert_eq!(dark.root_element().attribute("data-theme"), Some("dark"));
}
