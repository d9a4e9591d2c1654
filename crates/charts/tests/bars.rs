mod common;

use common::*;
use threadlab_charts::{bars, ChartError, Theme};

#[test]
fn one_bar_per_measured_run_in_one_series_per_mode() {
    let report = sweep();
    let svg = bars(&report, Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    assert_eq!(doc.root_element().attribute("data-chart"), Some("bars"));
    let series = groups(&doc, "series");
    let modes: Vec<_> = series.iter().map(|s| s.attribute("data-mode").unwrap()).collect();
    assert_eq!(modes, ["sequential", "threads-gil", "processes"]);
    assert_eq!(groups(&doc, "bar").len(), report.runs.len());
    for s in &series {
        let mode = s.attribute("data-mode").unwrap();
        let bars: Vec<_> = s.descendants().filter(|n| has_class(n, "bar")).collect();
        assert_eq!(bars.len(), report.runs.iter().filter(|r| r.mode.name() == mode).count(), "{mode}");
        for b in bars {
            assert_eq!(b.attribute("data-mode"), Some(mode));
            assert_eq!(b.attribute("data-verified"), Some("true"));
            let run = report
                .runs
                .iter()
                .find(|r| r.mode.name() == mode && r.workers as f64 == num(&b, "data-workers"))
                .unwrap();
            assert_eq!(Some(num(&b, "data-median-ms")), run.median_ms);
            assert_eq!(Some(num(&b, "data-min-ms")), run.min_ms);
            assert_eq!(Some(num(&b, "data-max-ms")), run.max_ms);
        }
    }
}

#[test]
fn bar_heights_are_proportional_to_the_median() {
    let report = report(vec![run("threads", 1, &[100.0]), run("threads", 2, &[50.0]), run("threads", 4, &[25.0])], 2);
    let svg = bars(&report, Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    let heights: Vec<f64> = groups(&doc, "bar").iter().map(|b| num(&first_rect(b), "height")).collect();
    assert!((heights[0] / 2.0 - heights[1]).abs() <= 1.0, "{heights:?}");
    assert!((heights[0] / 4.0 - heights[2]).abs() <= 1.0, "{heights:?}");
    let bottoms: Vec<f64> =
        groups(&doc, "bar").iter().map(|b| num(&first_rect(b), "y") + num(&first_rect(b), "height")).collect();
    assert!(bottoms.iter().all(|b| (b - bottoms[0]).abs() <= 1.0), "bars stand on one axis: {bottoms:?}");
}

#[test]
fn skipped_runs_are_listed_not_drawn() {
    let mut runs = sweep().runs;
    for w in [1, 2, 4, 8] {
        runs.push(skipped("threads", w, "no cross-origin isolation"));
    }
    let report = report(runs, 2);
    let svg = bars(&report, Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    assert_eq!(groups(&doc, "bar").len(), 9);
    assert!(groups(&doc, "series").iter().all(|s| s.attribute("data-mode") != Some("threads")));
    let notes = groups(&doc, "skipped");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].attribute("data-mode"), Some("threads"));
    assert_eq!(notes[0].attribute("data-workers"), Some("1 2 4 8"));
    let text: String = notes[0].descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("threads at 1, 2, 4, 8 workers: no cross-origin isolation"), "{text}");
}

#[test]
fn unverified_runs_are_marked_and_explained() {
    let mut bad = run("processes", 2, &[120.0, 130.0]);
    bad.verified = false;
    bad.errors = vec!["repetition 1: task 1 returned checksum 9 instead of 8 <&>".into()];
    let report = report(vec![run("sequential", 1, &[200.0]), bad], 2);
    let svg = bars(&report, Theme::Dark, WIDE).unwrap();
    let doc = parse(&svg);
    let bars = groups(&doc, "bar");
    assert_eq!(bars[0].attribute("data-verified"), Some("true"));
    assert!(!bars[0].descendants().any(|n| has_class(&n, "unverified")));
    assert_eq!(bars[1].attribute("data-verified"), Some("false"));
    assert!(bars[1].descendants().any(|n| has_class(&n, "unverified")));
    let note = &groups(&doc, "unverified-note")[0];
    assert_eq!(note.attribute("data-workers"), Some("2"));
    let text: String = note.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("instead of 8 <&>"), "{text}");
    assert!(texts(&doc).iter().any(|t| t.contains("not verified")), "the legend explains the mark");
}

#[test]
fn report_text_is_escaped() {
    let reason = "blocked <script>alert('x')</script> & \"quoted\"\u{0}";
    let report = report(vec![run("sequential", 1, &[10.0]), skipped("threads", 2, reason)], 2);
    let svg = bars(&report, Theme::Light, WIDE).unwrap();
    assert!(!svg.contains("<script>"));
    let doc = parse(&svg);
    let text: String = groups(&doc, "skipped")[0].descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("blocked <script>alert('x')</script> & \"quoted\""), "{text}");
}

#[test]
fn dark_theme_differs_from_light() {
    let report = sweep();
    let (light, dark) = (bars(&report, Theme::Light, WIDE).unwrap(), bars(&report, Theme::Dark, WIDE).unwrap());
    assert_ne!(light, dark);
    let (light_doc, dark_doc) = (parse(&light), parse(&dark));
    assert_eq!(light_doc.root_element().attribute("data-theme"), Some("light"));
    assert_eq!(dark_doc.root_element().attribute("data-theme"), Some("dark"));
    assert_ne!(background(&light_doc), background(&dark_doc));
    let bar_fill =
        |doc: &roxmltree::Document| first_rect(&groups(doc, "bar")[0]).attribute("fill").unwrap().to_string();
    assert_ne!(bar_fill(&light_doc), bar_fill(&dark_doc));
}

#[test]
fn no_runs_or_nothing_measured_is_a_clear_error() {
    let empty = report(vec![], 2);
    assert!(matches!(bars(&empty, Theme::Light, WIDE), Err(ChartError::NoData(why)) if why.contains("no runs")));
    let all_skipped = report(vec![skipped("threads", 2, "no cross-origin isolation")], 2);
    let err = bars(&all_skipped, Theme::Light, WIDE).unwrap_err();
    assert!(err.to_string().contains("threads at 2 workers: no cross-origin isolation"), "{err}");
}

#[test]
fn degenerate_numbers_still_draw() {
    // One sample, one worker count, a zero time and a run without samples.
    let mut no_samples = run("processes", 1, &[5.0]);
    no_samples.median_ms = None;
    let report = report(vec![run("threads", 1, &[7.0]), run("async", 1, &[0.0]), no_samples], 2);
    let svg = bars(&report, Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    assert_eq!(groups(&doc, "bar").len(), 2);
    assert_eq!(groups(&doc, "skipped")[0].attribute("data-mode"), Some("processes"));
    let all_zero = common::report(vec![run("async", 1, &[0.0])], 2);
    assert_eq!(groups(&parse(&bars(&all_zero, Theme::Light, WIDE).unwrap()), "bar").len(), 1);
}

/// A counter's synchronisations are runs of one mode at one worker count: each gets its own bar,
/// series and legend entry, in a shade of the mode's colour.
#[test]
fn a_modes_variants_stand_side_by_side_as_series_of_their_own() {
    let variant = |sync: &str, ms: f64| {
        let mut r = run("threads", 2, &[ms]);
        r.variant = Some(sync.into());
        r
    };
    let runs =
        vec![run("sequential", 1, &[30.0]), variant("none", 10.0), variant("lock", 300.0), variant("atomic", 40.0)];
    let svg = bars(&report(runs, 2), Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    let series: Vec<_> = groups(&doc, "series").iter().map(|s| s.attribute("data-variant").unwrap_or("-")).collect();
    assert_eq!(series, ["-", "none", "lock", "atomic"]);
    let bars = groups(&doc, "bar");
    let xs: Vec<f64> = bars.iter().skip(1).map(|b| num(&first_rect(b), "x")).collect();
    assert!(xs[0] < xs[1] && xs[1] < xs[2], "three bars side by side: {xs:?}");
    let fills: Vec<_> = bars.iter().skip(1).map(|b| first_rect(b).attribute("fill").unwrap().to_string()).collect();
    assert!(fills[0] != fills[1] && fills[1] != fills[2], "three shades: {fills:?}");
    assert!(svg.contains("threads (lock)"), "the legend names each variant");
}

/// A pass's ways to a process worker are variants too: three processes bars, not one.
#[test]
fn a_pass_draws_each_way_of_passing_as_its_own_bar() {
    let via = |way: &str, ms: f64| {
        let mut r = run("processes", 2, &[ms]);
        r.variant = Some(way.into());
        r
    };
    let runs = vec![run("threads", 2, &[50.0]), via("copy", 400.0), via("transfer", 270.0), via("shared", 80.0)];
    let svg = bars(&report(runs, 2), Theme::Light, WIDE).unwrap();
    let doc = parse(&svg);
    let series: Vec<_> = groups(&doc, "series").iter().map(|s| s.attribute("data-variant").unwrap_or("-")).collect();
    assert_eq!(series, ["-", "copy", "transfer", "shared"]);
    let xs: Vec<f64> = groups(&doc, "bar").iter().skip(1).map(|b| num(&first_rect(b), "x")).collect();
    assert!(xs[0] < xs[1] && xs[1] < xs[2], "three bars side by side: {xs:?}");
}
