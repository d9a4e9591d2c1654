//! How numbers read in sentences and in the view's table, alike everywhere.

/// A duration in ms: whole milliseconds from 100 ms up, one decimal below ("412 ms", "9.5 ms").
pub fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

/// 20000000 as "20,000,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_a_decimal_only_below_100_ms() {
        assert_eq!(ms(412.4), "412 ms");
        assert_eq!(ms(100.0), "100 ms");
        assert_eq!(ms(99.94), "99.9 ms");
        assert_eq!(ms(0.0), "0.0 ms");
    }

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(20_000_000), "20,000,000");
        assert_eq!(thousands(1_234), "1,234");
    }
}
