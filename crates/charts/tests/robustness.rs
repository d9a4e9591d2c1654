//! Odd reports (extreme, negative, NaN and infinite numbers; odd worker counts) give a
//! well-formed chart or a ChartError, never a panic, at any width.
mod common;

use common::*;
use serde_json::json;
use threadlab_charts::{bars, scaling, timeline, Theme};

const VALUES: [f64; 11] = [0.0, 1e-9, 0.5, 3.0, 100.0, 1e6, 1e300, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
const WORKERS: [u32; 7] = [0, 1, 2, 3, 16, 64, u32::MAX];
const WIDTHS: [u32; 8] = [0, 1, 259, PHONE, 719, 720, 1280, WIDE];
const MODES: [&str; 5] = ["sequential", "threads", "threads-gil", "processes", "async"];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn value(&mut self) -> f64 {
        VALUES[self.next(VALUES.len())]
    }
}

#[test]
fn odd_reports_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut drawn, mut refused) = (0, 0);
    for round in 0..300 {
        let mut runs = Vec::new();
        for _ in 0..rng.next(6) {
            let (mode, workers) = (MODES[rng.next(MODES.len())], WORKERS[rng.next(WORKERS.len())]);
            let mut r = if rng.next(5) == 0 { skipped(mode, workers, "") } else { run(mode, workers, &[1.0]) };
            if r.skipped.is_none() {
                r.median_ms = Some(rng.value());
                r.min_ms = Some(rng.value());
                r.max_ms = Some(rng.value());
                r.verified = rng.next(2) == 0;
            }
            r.trace = (0..rng.next(4))
                .map(|t| {
                    // JSON has no NaN or infinity: set the numbers directly.
                    let mut e = event(t as u32, WORKERS[rng.next(WORKERS.len())], 0.0, 0.0, json!({}));
                    (e.start_ms, e.end_ms) = (rng.value(), rng.value());
                    e.gil_waits = vec![[rng.value(), rng.value()]];
                    e.io_waits = vec![[rng.value(), rng.value()]];
                    e.error = (rng.next(3) == 0).then(|| "\u{1}<x>".to_string());
                    e
                })
                .collect();
            runs.push(r);
        }
        let report = report(runs, [0, 1, 2, 128][rng.next(4)]);
        let theme = if round % 2 == 0 { Theme::Light } else { Theme::Dark };
        let width = WIDTHS[rng.next(WIDTHS.len())];
        let mut charts = vec![bars(&report, theme, width), scaling(&report, theme, width)];
        charts.extend(report.runs.iter().map(|r| timeline(r, &report.spec, theme, width)));
        for chart in charts {
            match chart {
                Ok(svg) => drop(roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("round {round}: {e}"))),
                Err(_) => refused += 1,
            }
            drawn += 1;
        }
    }
    assert!(refused > 0 && drawn - refused > 100, "{drawn} charts, {refused} refused");
}
