//! The kernels and, beside each, the independent computation its checksum is verified against.

use crate::Checkpoint;
use std::hint::black_box;
use std::ops::Range;

/// Below this `n`, fib runs without checkpoints: fib(20) is ~22k calls, tens of microseconds.
const FIB_CHECKPOINT_BELOW: u32 = 20;
/// Loop iterations between checkpoints in the flat kernels.
const CHUNK: u64 = 4096;

// Kernels are `#[inline(never)]`: each stays a function of its own, compiled the same way in
// the plain module and in the threaded one, whatever surrounds its callers there (inlined into
// different callers, one copy measured 1.7x slower than the other).

/// Recursive fibonacci, as in the articles: exponential on purpose.
#[inline(never)]
pub fn fib(n: u32, cp: &mut impl Checkpoint) -> u64 {
    if n <= FIB_CHECKPOINT_BELOW {
        cp.tick();
        return fib_plain(n);
    }
    fib(n - 1, cp) + fib(n - 2, cp)
}

#[inline(never)]
fn fib_plain(n: u32) -> u64 {
    if n < 2 {
        u64::from(n)
    } else {
        fib_plain(n - 1) + fib_plain(n - 2)
    }
}

pub(crate) fn fib_iterative(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

/// Sums start..end one integer at a time. `black_box` keeps the compiler from replacing the loop
/// with n(n+1)/2, which is the point of the workload.
#[inline(never)]
pub fn sum_range(start: u64, end: u64, cp: &mut impl Checkpoint) -> u64 {
    let mut acc = 0u64;
    let mut lo = start;
    while lo < end {
        let hi = (lo + CHUNK).min(end);
        for i in lo..hi {
            acc = acc.wrapping_add(black_box(i));
        }
        cp.tick();
        lo = hi;
    }
    acc
}

pub(crate) fn sum_closed_form(start: u64, end: u64) -> u64 {
    let tri = |k: u64| -> u64 { (u128::from(k) * u128::from(k.saturating_sub(1)) / 2) as u64 };
    // sum of 0..k is k(k-1)/2
    tri(end).wrapping_sub(tri(start))
}

/// Counts primes in start..end by trial division with odd divisors.
#[inline(never)]
pub fn primes_in(start: u64, end: u64, cp: &mut impl Checkpoint) -> u64 {
    let mut count = 0;
    for (i, x) in (start..end).enumerate() {
        if is_prime(x) {
            count += 1;
        }
        if i % 256 == 255 {
            cp.tick();
        }
    }
    count
}

fn is_prime(x: u64) -> bool {
    match u32::try_from(x) {
        Ok(x) => is_prime_u32(x),
        Err(_) => is_prime_u64(x),
    }
}

/// Trial division on 32-bit integers, for every x below 2^32 (the spec allows n <= 2e7).
/// Wasm's 64-bit remainder compiles to a full 64-bit `div` in V8, while native x86-64 code tests
/// the operands and divides in 32 bits when it can: the same u64 kernel ran ~1.3x slower in
/// Wasm than natively (BENCHMARKS.md, kernel speed). In 32 bits both divide alike.
fn is_prime_u32(x: u32) -> bool {
    if x < 4 {
        return x >= 2;
    }
    if x.is_multiple_of(2) {
        return false;
    }
    let mut d: u32 = 3;
    // d * d in 64 bits: for x near 2^32 it would overflow in 32.
    while u64::from(d) * u64::from(d) <= u64::from(x) {
        if x.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// For x >= 2^32 (odd or even).
fn is_prime_u64(x: u64) -> bool {
    if x.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= x {
        if x.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Segmented sieve of Eratosthenes: the independent count for [`primes_in`].
pub(crate) fn primes_by_sieve(start: u64, end: u64) -> u64 {
    if end <= 2 || start >= end {
        return 0;
    }
    let start = start.max(2);
    let limit = (end as f64).sqrt() as u64 + 1;
    let mut small = vec![true; limit as usize + 1];
    let mut base = Vec::new();
    for p in 2..=limit {
        if small[p as usize] {
            base.push(p);
            let mut m = p * p;
            while m <= limit {
                small[m as usize] = false;
                m += p;
            }
        }
    }
    const SEGMENT: u64 = 1 << 16;
    let mut count = 0;
    let mut lo = start;
    while lo < end {
        let hi = (lo + SEGMENT).min(end);
        let mut is_prime = vec![true; (hi - lo) as usize];
        for &p in &base {
            if p * p >= hi {
                break;
            }
            let first = (lo.div_ceil(p) * p).max(p * p);
            let mut m = first;
            while m < hi {
                is_prime[(m - lo) as usize] = false;
                m += p;
            }
        }
        count += is_prime.iter().filter(|&&b| b).count() as u64;
        lo = hi;
    }
    count
}

/// xorshift64*: a fast deterministic stream of pseudo-random integers.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
    }
}

fn fold_sample(acc: u64, position: u64, value: u32) -> u64 {
    acc.wrapping_add((position + 1).wrapping_mul(u64::from(value)))
}

/// Appends n pseudo-random integers to a list that grows as it goes (the articles' list.append),
/// then checksums the list's contents.
#[inline(never)]
pub fn sample_append(n: u32, seed: u64, cp: &mut impl Checkpoint) -> u64 {
    let mut rng = Rng::new(seed);
    let mut list: Vec<u32> = Vec::new();
    // A checkpoint before each CHUNK of appends, outside the inner loop: a test of the index on
    // every append made the checkpointed (GIL) build of this tight loop ~1.2-1.3x slower than
    // the free one with 1 worker (BENCHMARKS.md, GIL emulation).
    let mut done = 0;
    while done < n {
        cp.tick();
        let end = done.saturating_add(CHUNK as u32).min(n);
        for _ in done..end {
            list.push(rng.next_u32());
        }
        done = end;
    }
    let list = black_box(list);
    list.iter().enumerate().fold(u64::from(n), |acc, (i, &v)| fold_sample(acc, i as u64, v))
}

/// The same checksum from the bare stream, without building a list.
pub(crate) fn sample_stream_checksum(n: u32, seed: u64) -> u64 {
    let mut rng = Rng::new(seed);
    (0..u64::from(n)).fold(u64::from(n), |acc, i| fold_sample(acc, i, rng.next_u32()))
}

/// Escape-time Mandelbrot over the rows of a width x height image of [-2, 1] x [-1.2, 1.2];
/// the checksum is the total iteration count.
#[inline(never)]
pub fn mandelbrot_rows(width: u32, height: u32, max_iter: u32, rows: Range<u32>, cp: &mut impl Checkpoint) -> u64 {
    let mut total = 0u64;
    for row in rows {
        let ci = pixel_im(row, height);
        // Pixels inside the set cost max_iter each (up to 1e5): a checkpoint after every 16
        // pixels, between blocks, so the pixel loop itself has no test of its own.
        let mut col = 0;
        while col < width {
            let end = col.saturating_add(16).min(width);
            for col in col..end {
                let cr = pixel_re(col, width);
                let (mut zr, mut zi, mut it) = (0.0f64, 0.0f64, 0u32);
                while it < max_iter && zr * zr + zi * zi <= 4.0 {
                    let next_zr = zr * zr - zi * zi + cr;
                    zi = 2.0 * zr * zi + ci;
                    zr = next_zr;
                    it += 1;
                }
                total += u64::from(it);
            }
            cp.tick();
            col = end;
        }
    }
    total
}

fn pixel_re(col: u32, width: u32) -> f64 {
    -2.0 + 3.0 * f64::from(col) / f64::from(width)
}

fn pixel_im(row: u32, height: u32) -> f64 {
    -1.2 + 2.4 * f64::from(row) / f64::from(height)
}

/// Reference: one pixel at a time through a small complex type. Same IEEE operations in the
/// same order, so the count is bit-for-bit the kernel's when both are right.
pub(crate) fn mandelbrot_reference(width: u32, height: u32, max_iter: u32, rows: Range<u32>) -> u64 {
    #[derive(Clone, Copy)]
    struct C {
        re: f64,
        im: f64,
    }
    let escape = |c: C| -> u64 {
        let mut z = C { re: 0.0, im: 0.0 };
        for it in 0..max_iter {
            if z.re * z.re + z.im * z.im > 4.0 {
                return u64::from(it);
            }
            z = C { re: z.re * z.re - z.im * z.im + c.re, im: 2.0 * z.re * z.im + c.im };
        }
        u64::from(max_iter)
    };
    rows.flat_map(|r| (0..width).map(move |c| (r, c)))
        .map(|(r, c)| escape(C { re: pixel_re(c, width), im: pixel_im(r, height) }))
        .sum()
}

/// Per-letter numeric processing: sum of (i * code) mod 997 for i in 1..=n.
#[inline(never)]
pub fn letter_sum(letter: u8, n: u32, cp: &mut impl Checkpoint) -> u64 {
    let code = u64::from(letter);
    let mut acc = 0u64;
    for i in 1..=u64::from(n) {
        acc += black_box(i * code) % 997;
        if i % CHUNK == 0 {
            cp.tick();
        }
    }
    acc
}

/// 997 is prime and codes are below it, so i*code mod 997 runs through every residue once per
/// 997 consecutive i: full periods sum to 0+1+...+996.
pub(crate) fn letter_sum_periodic(letter: u8, n: u32) -> u64 {
    let code = u64::from(letter);
    let n = u64::from(n);
    let periods = n / 997;
    let rest: u64 = (periods * 997 + 1..=n).map(|i| i * code % 997).sum();
    periods * (996 * 997 / 2) + rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoCheckpoint;

    struct Counter(u64);
    impl Checkpoint for Counter {
        fn tick(&mut self) {
            self.0 += 1;
        }
    }

    #[test]
    fn fib_matches_iterative_and_known_values() {
        assert_eq!(fib(35, &mut NoCheckpoint), 9_227_465);
        for n in 0..30 {
            assert_eq!(fib(n, &mut NoCheckpoint), fib_iterative(n), "fib({n})");
        }
    }

    #[test]
    fn fib_checkpoints_often_enough() {
        let mut c = Counter(0);
        fib(30, &mut c);
        // fib(30) is ~2.7M calls; a tick every <= ~22k calls means >= 100 ticks.
        assert!(c.0 >= 100, "{} ticks", c.0);
    }

    #[test]
    fn sum_matches_closed_form() {
        assert_eq!(sum_range(1, 101, &mut NoCheckpoint), 5050);
        assert_eq!(sum_closed_form(1, 101), 5050);
        assert_eq!(sum_range(1_000, 50_000, &mut NoCheckpoint), sum_closed_form(1_000, 50_000));
        assert_eq!(sum_closed_form(1, 100_000_001), 5_000_000_050_000_000);
        let mut c = Counter(0);
        sum_range(0, CHUNK * 10, &mut c);
        assert_eq!(c.0, 10);
    }

    #[test]
    fn primes_match_sieve() {
        assert_eq!(primes_in(0, 100, &mut NoCheckpoint), 25);
        assert_eq!(primes_by_sieve(0, 100), 25);
        assert_eq!(primes_by_sieve(0, 1_000_000), 78_498);
        for (lo, hi) in [(0, 2), (2, 3), (10, 200_000), (99_991, 180_000), (5, 5)] {
            assert_eq!(primes_in(lo, hi, &mut NoCheckpoint), primes_by_sieve(lo, hi), "{lo}..{hi}");
        }
        // Around 2^32, where the 32-bit path hands over to the 64-bit one.
        let edge = 1u64 << 32;
        assert_eq!(primes_in(edge - 300, edge + 300, &mut NoCheckpoint), primes_by_sieve(edge - 300, edge + 300));
        assert!(is_prime_u32(4_294_967_291) && !is_prime_u32(4_294_967_295)); // largest u32 prime; 3*5*17*257*65537
        assert!(is_prime_u64(4_294_967_311) && !is_prime_u64(edge + 1)); // smallest prime above 2^32; 641*6700417
    }

    #[test]
    fn flat_kernels_checkpoint_once_per_block() {
        let mut c = Counter(0);
        sample_append(CHUNK as u32 * 3 + 1, 0, &mut c);
        assert_eq!(c.0, 4);
        let mut c = Counter(0);
        mandelbrot_rows(40, 10, 50, 0..10, &mut c); // blocks of 16, 16 and 8 pixels per row
        assert_eq!(c.0, 30);
    }

    #[test]
    fn sample_append_matches_stream_and_depends_on_seed() {
        for seed in 0..4 {
            assert_eq!(sample_append(10_000, seed, &mut NoCheckpoint), sample_stream_checksum(10_000, seed));
        }
        assert_ne!(sample_stream_checksum(1000, 0), sample_stream_checksum(1000, 1));
    }

    #[test]
    fn mandelbrot_matches_reference_and_splits_additively() {
        let whole = mandelbrot_rows(64, 48, 200, 0..48, &mut NoCheckpoint);
        assert_eq!(whole, mandelbrot_reference(64, 48, 200, 0..48));
        let parts = mandelbrot_rows(64, 48, 200, 0..20, &mut NoCheckpoint)
            + mandelbrot_rows(64, 48, 200, 20..48, &mut NoCheckpoint);
        assert_eq!(whole, parts);
        // Points inside the set reach max_iter: the count is far above the pixel count.
        assert!(whole > 64 * 48 * 10);
    }

    #[test]
    fn letter_sum_matches_periodic_form() {
        for letter in *b"amz" {
            for n in [0, 1, 996, 997, 998, 123_456] {
                assert_eq!(letter_sum(letter, n, &mut NoCheckpoint), letter_sum_periodic(letter, n), "{letter} {n}");
            }
        }
    }
}
