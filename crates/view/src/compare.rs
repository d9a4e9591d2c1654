//! A saved run beside the finished report on screen: a table of medians per (mode, workers).

use threadlab_dom::{by_id, document, el};
use threadlab_lab::history::compare;
use threadlab_lab::report::Report;

pub fn show(saved: &Report, current: &Report) {
    let table = by_id("compare-table");
    let body = table.query_selector("tbody").ok().flatten().expect("compare table has a body");
    body.set_text_content(None);
    let ms = |x: Option<f64>| x.map(|v| format!("{v:.1} ms")).unwrap_or_else(|| "—".into());
    for row in compare(saved, current) {
        let tr = document().create_element("tr").expect("valid tag");
        let ratio = row.ratio().map(|r| format!("{r:.2}x")).unwrap_or_default();
        for text in [row.mode.name().to_string(), row.workers.to_string(), ms(row.before_ms), ms(row.after_ms), ratio] {
            tr.append_child(&el("td", "", &text)).ok();
        }
        body.append_child(&tr).ok();
    }
    by_id("compare").toggle_attribute_with_force("hidden", false).ok();
}
