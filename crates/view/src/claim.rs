//! The claim check of a report: the article's claim, whether it held here and why, how the
//! experiment was sized for Wasm, and the article's own figures beside the ones measured here.

use threadlab_dom::{by_id, el};
use threadlab_lab::article::Beside;
use threadlab_lab::claim::ClaimCheck;
use threadlab_lab::report::Report;

fn seconds(s: f64) -> String {
    format!("{s:.2} s")
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

fn speedup(s: Option<f64>) -> String {
    s.map(|s| format!("{s:.2}x")).unwrap_or_else(|| "—".into())
}

/// Shows the report's claim check, or hides the section when the spec has no preset's shape.
/// A partial report's check is left out: it would judge runs that have not happened yet.
pub fn show(report: &Report, finished: bool) {
    let section = by_id("claim-check");
    let check = report.claim.as_ref().filter(|_| finished);
    section.toggle_attribute_with_force("hidden", check.is_none()).ok();
    let Some(check) = check else { return };
    section.set_class_name(if check.holds { "claim-check holds" } else { "claim-check fails" });
    by_id("claim-claim").set_text_content(Some(&format!("The article's claim: {}", check.claim)));
    by_id("claim-text").set_text_content(Some(&check.text));
    by_id("claim-scaling").set_text_content(check.scaling.as_deref());
    show_article(check);
}

fn show_article(check: &ClaimCheck) {
    let article = by_id("article");
    article.toggle_attribute_with_force("hidden", check.article.is_none()).ok();
    let Some(Beside { title, setup, note, rows }) = &check.article else { return };
    by_id("article-source").set_text_content(Some(&format!("From “{title}” ({setup}), beside this run:")));
    by_id("article-note").set_text_content(Some(note));
    let table = by_id("article-table");
    table.toggle_attribute_with_force("hidden", rows.is_empty()).ok();
    let body = table.query_selector("tbody").ok().flatten().expect("the article table has a body");
    body.set_text_content(None);
    for r in rows {
        let row = el("tr", "", "");
        let cells = [
            r.mode.name().to_string(),
            r.workers.to_string(),
            seconds(r.article_s),
            speedup(r.article_speedup),
            r.here_ms.map(ms).unwrap_or_else(|| "not run".into()),
            speedup(r.here_speedup),
        ];
        for (i, text) in cells.iter().enumerate() {
            row.append_child(&el(if i == 0 { "th" } else { "td" }, "", text)).ok();
        }
        body.append_child(&row).ok();
    }
}
