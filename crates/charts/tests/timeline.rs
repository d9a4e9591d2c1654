mod common;

use common::*;
use roxmltree::Node;
use serde_json::json;
use threadlab_charts::{timeline, ChartError, Theme};
use threadlab_lab::report::RunRecord;

/// threads-gil with 2 workers: four tasks, GIL waits on both workers, one I/O wait, one failure.
fn gil_run() -> RunRecord {
    let mut r = run("threads-gil", 2, &[100.0]);
    r.trace = vec![
        event(0, 1, 0.5, 40.0, json!({"gil_waits": [[10.0, 15.0], [25.0, 30.0]], "gil_wait_ms": 10.0})),
        event(1, 2, 0.6, 52.0, json!({"gil_waits": [[0.6, 10.0]], "gil_wait_ms": 9.4})),
        event(2, 1, 40.0, 80.0, json!({"io_waits": [[45.0, 60.0]], "io_wait_ms": 15.0})),
        event(3, 2, 52.0, 99.0, json!({"error": "fetch <failed> & \"gave up\""})),
    ];
    r
}

fn draw(run: &RunRecord, theme: Theme) -> String {
    timeline(run, &spec(), theme, WIDE).unwrap()
}

/// x and width of a group's first rect.
fn span(g: &Node) -> (f64, f64) {
    let r = first_rect(g);
    (num(&r, "x"), num(&r, "width"))
}

#[test]
fn one_lane_per_distinct_worker_holding_its_tasks() {
    let run = gil_run();
    let svg = draw(&run, Theme::Light);
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(
        (root.attribute("data-chart"), root.attribute("data-mode"), root.attribute("data-workers")),
        (Some("timeline"), Some("threads-gil"), Some("2"))
    );
    let lanes = groups(&doc, "lane");
    assert_eq!(lanes.iter().map(|l| l.attribute("data-worker").unwrap()).collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(lanes.iter().map(|l| l.attribute("data-lane").unwrap()).collect::<Vec<_>>(), ["0", "1"]);
    for lane in &lanes {
        let tasks: Vec<_> = lane.descendants().filter(|n| has_class(n, "task")).collect();
        assert_eq!(tasks.len(), 2);
        assert!(tasks.iter().all(|t| t.attribute("data-worker") == lane.attribute("data-worker")));
    }
    assert_eq!(groups(&doc, "task").len(), run.trace.len());
    let y = |g: &Node| num(&first_rect(g), "y");
    assert!(y(&lanes[0]) < y(&lanes[1]), "lane 0 is drawn above lane 1");
}

#[test]
fn task_bars_span_start_to_end_proportionally() {
    let run = gil_run();
    let svg = draw(&run, Theme::Light);
    let doc = parse(&svg);
    let tasks = groups(&doc, "task");
    let by_task = |id: u32| tasks.iter().find(|t| num(t, "data-task") as u32 == id).unwrap();
    // Pixels per ms from tasks 0 and 3, then every bar must agree (rounded to whole pixels).
    let (x0, x3) = (span(by_task(0)).0, span(by_task(3)).0);
    let scale = (x3 - x0) / (52.0 - 0.5);
    assert!(scale > 1.0);
    for e in &run.trace {
        let t = by_task(e.task);
        assert_eq!((num(t, "data-start-ms"), num(t, "data-end-ms")), (e.start_ms, e.end_ms));
        let (x, w) = span(t);
        assert!((x - (x0 + (e.start_ms - 0.5) * scale)).abs() <= 1.0, "task {} starts at {x}", e.task);
        assert!((w - (e.end_ms - e.start_ms) * scale).abs() <= 1.5, "task {} is {w} px wide", e.task);
    }
}

#[test]
fn gil_and_io_waits_are_shaded_inside_their_tasks_in_distinct_colours() {
    for theme in [Theme::Light, Theme::Dark] {
        let svg = draw(&gil_run(), theme);
        let doc = parse(&svg);
        let rects = |class: &str| -> Vec<(Node, Node)> {
            groups(&doc, class)
                .into_iter()
                .flat_map(|g| {
                    let task = g.ancestors().find(|a| has_class(a, "task")).unwrap();
                    g.descendants().filter(|n| n.has_tag_name("rect")).map(move |r| (task, r)).collect::<Vec<_>>()
                })
                .collect()
        };
        let (gil, io) = (rects("gil-waits"), rects("io-waits"));
        assert_eq!((gil.len(), io.len()), (3, 1));
        for (task, r) in gil.iter().chain(&io) {
            let (x, w) = span(task);
            assert!(
                num(r, "x") >= x - 0.5 && num(r, "x") + num(r, "width") <= x + w + 0.5,
                "a wait lies inside its task"
            );
        }
        let fill = |n: &Node| n.attribute("fill").unwrap().to_string();
        let task_fill = fill(&first_rect(&groups(&doc, "task")[0]));
        assert_ne!(fill(&gil[0].1), fill(&io[0].1));
        assert_ne!(fill(&gil[0].1), task_fill);
        assert_ne!(fill(&io[0].1), task_fill);
        let legend = texts(&doc);
        assert!(legend.iter().any(|t| t.contains("GIL")) && legend.iter().any(|t| t.contains("I/O")));
    }
}

#[test]
fn an_input_passed_to_a_process_is_shaded_as_its_own_kind_with_a_legend() {
    let mut run = run("processes", 2, &[100.0]);
    run.trace = vec![
        event(0, 1, 0.0, 50.0, json!({"passing": [[0.0, 30.0]], "pass_ms": 30.0})),
        event(1, 2, 30.0, 90.0, json!({"passing": [[30.0, 70.0]], "pass_ms": 40.0})),
    ];
    let svg = draw(&run, Theme::Light);
    let doc = parse(&svg);
    let passing = groups(&doc, "passing");
    assert_eq!(passing.len(), 2);
    for g in &passing {
        let task = g.ancestors().find(|a| has_class(a, "task")).unwrap();
        let (x, w) = span(&task);
        let r = first_rect(g);
        assert!((num(&r, "x") - x).abs() <= 0.5, "the passing opens its task");
        assert!(num(&r, "width") < w, "and the reading follows it");
        assert_ne!(r.attribute("fill"), first_rect(&task).attribute("fill"));
    }
    assert!(texts(&doc).iter().any(|t| t.contains("passing the input")));
    // Nothing passed, no shading and no legend entry.
    run.trace = vec![event(0, 1, 0.0, 5.0, json!({}))];
    let svg = draw(&run, Theme::Light);
    let doc = parse(&svg);
    assert!(groups(&doc, "passing").is_empty());
    assert!(!texts(&doc).iter().any(|t| t.contains("passing")));
}

#[test]
fn no_wait_shading_without_waits() {
    let mut run = run("threads", 2, &[10.0]);
    run.trace = vec![event(0, 1, 0.0, 5.0, json!({})), event(1, 2, 0.0, 6.0, json!({"gil_waits": [[7.0, 8.0]]}))];
    let svg = draw(&run, Theme::Light);
    let doc = parse(&svg);
    assert!(groups(&doc, "gil-waits").is_empty(), "a wait outside its task is not drawn");
    assert!(groups(&doc, "io-waits").is_empty());
    assert!(!texts(&doc).iter().any(|t| t.contains("GIL")));
}

#[test]
fn failed_tasks_are_marked_and_their_error_kept() {
    let svg = draw(&gil_run(), Theme::Light);
    let doc = parse(&svg);
    let failed: Vec<_> = groups(&doc, "task").into_iter().filter(|t| has_class(t, "failed")).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attribute("data-task"), Some("3"));
    assert_eq!(failed[0].attribute("data-error"), Some("fetch <failed> & \"gave up\""));
    assert!(failed[0].children().any(|n| has_class(&n, "failed")), "a visible mark");
    assert_eq!(groups(&doc, "task").iter().filter(|t| t.attribute("data-error").is_some()).count(), 1);
}

#[test]
fn zero_length_tasks_and_a_single_task_still_draw() {
    let mut run = run("async", 1, &[0.0]);
    run.trace = vec![event(0, 0, 0.0, 0.0, json!({}))];
    let svg = draw(&run, Theme::Light);
    let doc = parse(&svg);
    let task = &groups(&doc, "task")[0];
    assert_eq!(span(task).1, 0.0);
    assert!(task.descendants().any(|n| n.has_tag_name("polyline")), "a zero-length task is drawn as a line");
    run.trace.push(event(1, 0, 3.0, 3.0, json!({})));
    assert_eq!(groups(&parse(&draw(&run, Theme::Dark)), "task").len(), 2);
}

#[test]
fn no_trace_or_bad_numbers_is_a_clear_error() {
    let skipped_run = skipped("threads", 2, "no cross-origin isolation");
    let err = timeline(&skipped_run, &spec(), Theme::Light, WIDE).unwrap_err();
    assert!(matches!(&err, ChartError::NoData(why) if why.contains("no cross-origin isolation")), "{err}");
    let empty = run("threads", 2, &[1.0]);
    assert!(matches!(timeline(&empty, &spec(), Theme::Light, WIDE), Err(ChartError::NoData(_))));
    let mut nan = run("threads", 2, &[1.0]);
    nan.trace = vec![event(0, 1, 0.0, 1.0, json!({}))];
    nan.trace[0].end_ms = f64::NAN;
    assert!(matches!(timeline(&nan, &spec(), Theme::Light, WIDE), Err(ChartError::Invalid(_))));
}

#[test]
fn dark_theme_differs_from_light() {
    let (light, dark) = (draw(&gil_run(), Theme::Light), draw(&gil_run(), Theme::Dark));
    let (light, dark) = (parse(&light), parse(&dark));
    assert_ne!(background(&light), background(&dark));
    let task_fill =
        |doc: &roxmltree::Document| first_rect(&groups(doc, "task")[0]).attribute("fill").unwrap().to_string();
    assert_ne!(task_fill(&light), task_fill(&dark));
}
