//! Medians and spreads over repetitions, and numbers written as the report writes them.

use serde::Serialize;
use threadlab_lab::stats::Summary;

/// The median of `xs`; `None` when empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    Summary::of(xs).map(|s| s.median)
}

pub fn sum(xs: &[f64]) -> f64 {
    xs.iter().sum()
}

/// A figure over repetitions: its median and range (min … max) and how many there were.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub n: usize,
}

impl Spread {
    /// Of the finite values among `xs` (missing and non-finite ones are left out).
    pub fn of(xs: impl IntoIterator<Item = Option<f64>>) -> Spread {
        let v: Vec<f64> = xs.into_iter().flatten().filter(|x| x.is_finite()).collect();
        match Summary::of(&v) {
            Some(s) => Spread { median: Some(s.median), min: Some(s.min), max: Some(s.max), n: v.len() },
            None => Spread { median: None, min: None, max: None, n: 0 },
        }
    }

    /// One figure with no spread (a size, measured once).
    pub fn single(x: f64) -> Spread {
        Spread { median: Some(x), min: None, max: None, n: 1 }
    }

    /// The median, or NaN when there is none: arithmetic on it then gives no figure.
    pub fn mid(&self) -> f64 {
        self.median.unwrap_or(f64::NAN)
    }
}

/// Element-wise median of rows of equal length (per-task times over repetitions).
pub fn column_medians(rows: &[Vec<f64>]) -> Vec<f64> {
    let width = rows.first().map_or(0, Vec::len);
    (0..width)
        .map(|i| median(&rows.iter().filter_map(|r| r.get(i).copied()).collect::<Vec<_>>()).unwrap_or(f64::NAN))
        .collect()
}

/// `x` with `digits` decimals, as JavaScript's `toFixed` writes it (ties round away from zero,
/// where Rust's formatting rounds them to even), or "-" when there is no figure. The report's
/// templates format with `toFixed`, so a number in a row's name reads as it does in a table.
pub fn fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    // The exact decimal expansion (every finite double has at most 1074 fractional digits).
    let exact = format!("{:.1100}", x.abs());
    let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let mut kept: Vec<u8> = int.bytes().chain(frac.bytes().take(digits)).collect();
    if frac.as_bytes().get(digits).is_some_and(|&d| d >= b'5') {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let point = kept.len() - digits;
    let digits_text = String::from_utf8(kept).expect("ASCII digits");
    let (whole, decimals) = digits_text.split_at(point);
    let sign = if x < 0.0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{decimals}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_ties_away_from_zero_as_to_fixed_does() {
        // Each expected string is what node prints for `x.toFixed(d)`.
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(0.0625, 3), "0.063");
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(0.5, 0), "1");
        assert_eq!(fixed(1.005, 2), "1.00"); // 1.00499999999999989...
        assert_eq!(fixed(9.995, 2), "9.99"); // 9.99499999999999957...
        assert_eq!(fixed(99.5, 0), "100");
        assert_eq!(fixed(0.9999, 2), "1.00");
        assert_eq!(fixed(-0.3, 2), "-0.30");
        assert_eq!(fixed(-0.001, 2), "-0.00");
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(f64::NAN, 2), "-");
        assert_eq!(fixed(1234.5678, 1), "1234.6");
    }

    #[test]
    fn spreads_leave_out_missing_figures() {
        let s = Spread::of([Some(3.0), None, Some(1.0), Some(f64::INFINITY), Some(2.0), Some(10.0)]);
        assert_eq!(s, Spread { median: Some(2.5), min: Some(1.0), max: Some(10.0), n: 4 });
        assert_eq!(Spread::of([None]).n, 0);
        assert!(Spread::of([None]).mid().is_nan());
        assert_eq!(column_medians(&[vec![1.0, 10.0], vec![3.0, 30.0], vec![2.0, 20.0]]), vec![2.0, 20.0]);
    }
}
