//! The verdict and a hyperfine-like table of a report.

use threadlab_dom::{by_id, document, el};
use threadlab_lab::report::{Report, RunRecord};
use threadlab_lab::runs::{CounterRecord, PassingRecord};
use threadlab_lab::text::{self, thousands};
use threadlab_lab::verdict::when_to_use;
use threadlab_lab::Mode;

fn ms(x: Option<f64>) -> String {
    x.map(text::ms).unwrap_or_default()
}

fn cells(r: &RunRecord) -> Vec<String> {
    let spread = match (r.mean_ms, r.stddev_ms) {
        (Some(m), Some(s)) => format!("{} ± {}", ms(Some(m)), ms(Some(s))),
        _ => String::new(),
    };
    let range = match (r.min_ms, r.max_ms) {
        (Some(a), Some(b)) => format!("{} … {}", ms(Some(a)), ms(Some(b))),
        _ => String::new(),
    };
    let verified = if r.skipped.is_some() {
        "—".to_string()
    } else if r.verified {
        format!("✓ {}", r.checksum)
    } else {
        "✗ failed".to_string()
    };
    let mut notes = Vec::new();
    if r.skipped.is_some() {
        // The reason is in the verdict's details (and the cell's tooltip), once.
        notes.push("skipped: see the reason above".to_string());
    }
    if let Some(s) = r.startup_ms {
        notes.push(format!("start-up {s:.1} ms per worker"));
    }
    if let Some(c) = r.chunksize {
        notes.push(format!("{c} task{} per message", if c == 1 { "" } else { "s" }));
    }
    let gil: f64 = r.trace.iter().map(|e| e.gil_wait_ms).sum();
    if gil > 0.0 {
        notes.push(format!("GIL wait {gil:.1} ms (last run)"));
    }
    let lock: f64 = r.trace.iter().map(|e| e.lock_wait_ms).sum();
    if lock > 0.0 {
        notes.push(format!("blocked on the lock {} in total (last run)", ms(Some(lock))));
    }
    if let Some(c) = &r.counter {
        notes.push(counted(c));
    }
    if let Some(p) = &r.passing {
        notes.push(passed(p));
    }
    let io: f64 = r.trace.iter().map(|e| e.io_wait_ms).sum();
    if io > 0.0 {
        notes.push(format!("I/O wait {} in total (last run)", ms(Some(io))));
    }
    let bytes: u64 = r.trace.iter().map(|e| e.bytes).sum();
    if bytes > 0 {
        notes.push(format!("{:.1} KB downloaded (last run)", bytes as f64 / 1024.0));
    }
    notes.extend(r.errors.iter().take(3).cloned());
    notes.extend(r.warnings.iter().map(|w| format!("warning: {w}")));
    vec![
        r.series(),
        r.workers.to_string(),
        ms(r.median_ms),
        spread,
        range,
        r.speedup.map(|s| format!("{s:.2}x")).unwrap_or_default(),
        r.efficiency.map(|e| format!("{:.0}%", e * 100.0)).unwrap_or_default(),
        verified,
        notes.join("; "),
    ]
}

/// What passing a `pass` input cost: "passing 400 MB: 412.0 ms, 971 MB/s, 79% of the busy time;
/// reading 110.2 ms (median run)".
fn passed(p: &PassingRecord) -> String {
    let reading = format!("reading {} (median run)", ms(Some(p.compute_ms)));
    match p.mb_per_s {
        Some(rate) if p.mb_passed > 0 => format!(
            "passing {} MB: {}, {rate:.0} MB/s, {:.0}% of the busy time; {reading}",
            p.mb_passed,
            ms(Some(p.passing_ms)),
            p.share * 100.0
        ),
        _ => format!("input read in place, nothing passed; {reading}"),
    }
}

/// What a counter run counted: "counted 1,234 of 2,000 (766 updates lost: the race)".
fn counted(c: &CounterRecord) -> String {
    let (Some(&counted), Some(&lost)) = (c.counted.last(), c.lost.last()) else { return String::new() };
    let per_update = c.ns_per_update.map(|ns| format!(", {ns:.1} ns per update")).unwrap_or_default();
    let lost = match (lost, c.racy) {
        (0, _) => "every update kept".to_string(),
        (_, true) => format!("{} updates lost: the race", thousands(lost)),
        (_, false) => format!("{} updates lost: broken", thousands(lost)),
    };
    format!("counted {} of {} ({lost}{per_update}; last run)", thousands(counted), thousands(c.expected))
}

fn row_id(mode: Mode, variant: Option<&str>, workers: u32) -> String {
    match variant {
        Some(v) => format!("run-{}-{v}-{workers}", mode.name()),
        None => format!("run-{}-{workers}", mode.name()),
    }
}

/// "When to use which", each line linked to the table row it rests on.
fn show_advice(report: &Report) {
    let list = by_id("when-list");
    list.set_text_content(None);
    for advice in when_to_use(&report.spec, &report.runs) {
        let item = el("li", "", &advice.text);
        if let Some((mode, workers)) = advice.evidence {
            let link = el("a", "", "(the measurement)");
            link.set_attribute("href", &format!("#{}", row_id(mode, None, workers))).ok();
            item.append_child(&document().create_text_node(" ")).ok();
            item.append_child(&link).ok();
        }
        list.append_child(&item).ok();
    }
    by_id("when-to-use").toggle_attribute_with_force("hidden", false).ok();
}

/// Verdict, advice and table; the verdict of a run still going on says so.
pub fn show(report: &Report, finished: bool) {
    show_advice(report);
    let summary = &report.verdict.summary;
    by_id("verdict").set_text_content(Some(&if finished {
        summary.clone()
    } else {
        format!("So far (the run goes on): {summary}")
    }));
    let details = by_id("verdict-details");
    details.set_text_content(None);
    for d in &report.verdict.details {
        details.append_child(&el("li", "", d)).ok();
    }
    let body = by_id("results-table").query_selector("tbody").ok().flatten().expect("table has a body");
    body.set_text_content(None);
    for r in &report.runs {
        let row = el(
            "tr",
            if r.skipped.is_some() {
                "skipped"
            } else if r.verified {
                ""
            } else {
                "unverified"
            },
            "",
        );
        row.set_attribute("data-mode", r.mode.name()).ok();
        if let Some(v) = &r.variant {
            row.set_attribute("data-variant", v).ok();
        }
        row.set_id(&row_id(r.mode, r.variant.as_deref(), r.workers));
        for (i, text) in cells(r).iter().enumerate() {
            let cell = el(if i == 0 { "th" } else { "td" }, "", text);
            if let (Some(reason), true) = (&r.skipped, i == 8) {
                cell.set_attribute("title", reason).ok();
            }
            row.append_child(&cell).ok();
        }
        body.append_child(&row).ok();
    }
}
