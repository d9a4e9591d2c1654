//! Summary statistics of a cell's samples, as hyperfine reports them.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 for a single sample.
    pub stddev: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// `None` for an empty slice.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() {
            return None;
        }
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        let stddev = if samples.len() > 1 {
            (samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median = if sorted.len().is_multiple_of(2) { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] };
        Some(Summary { mean, stddev, median, min: sorted[0], max: sorted[sorted.len() - 1] })
    }
}

/// Modified z-score above which a sample is an outlier (Iglewicz and Hoaglin; hyperfine's rule).
pub const OUTLIER_Z: f64 = 3.5;

fn median_of(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Indices of the samples whose modified z-score, 0.6745 (x - median) / MAD, exceeds
/// [`OUTLIER_Z`]. Robust to the outliers themselves, unlike mean and sigma. None with fewer than
/// 3 samples or no spread at all.
pub fn outliers(samples: &[f64]) -> Vec<usize> {
    if samples.len() < 3 {
        return vec![];
    }
    let median = median_of(&mut samples.to_vec());
    let mad = median_of(&mut samples.iter().map(|x| (x - median).abs()).collect::<Vec<_>>());
    if mad == 0.0 {
        return vec![];
    }
    samples
        .iter()
        .enumerate()
        .filter(|(_, x)| (0.6745 * (*x - median) / mad).abs() > OUTLIER_Z)
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outliers_by_modified_z_score() {
        assert_eq!(outliers(&[10.0, 10.2, 9.9, 10.1, 10.0, 30.0]), vec![5]);
        assert_eq!(outliers(&[10.0, 10.2, 9.9, 10.1, 10.0, 10.3]), Vec::<usize>::new());
        assert!(outliers(&[1.0, 100.0]).is_empty(), "too few samples to tell");
        assert!(outliers(&[5.0, 5.0, 5.0, 9.0]).is_empty(), "no spread (MAD 0): no verdict");
    }

    #[test]
    fn known_values() {
        let s = Summary::of(&[101.2, 99.8, 100.4]).unwrap();
        assert!((s.mean - 100.466_666).abs() < 1e-3);
        assert_eq!(s.median, 100.4);
        assert_eq!((s.min, s.max), (99.8, 101.2));
        assert!((s.stddev - 0.702_37).abs() < 1e-4);
        let even = Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(even.median, 2.5);
        assert_eq!(Summary::of(&[7.0]).unwrap().stddev, 0.0);
        assert!(Summary::of(&[]).is_none());
    }
}
