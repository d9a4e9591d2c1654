//! Passing one large input to every worker: every task reads the whole input once and returns
//! its checksum, an order-sensitive fold over its 64-bit words. Threads read the input in place
//! in the memory they share; a process worker receives it by message (`Via`), as
//! `multiprocessing` pickles an argument, moves it, or maps `shared_memory`, and reads it in
//! chunks ([`Fold::bytes`]), whichever way it came.
//!
//! The input's words are generated (`word(i)`), so [`expected`] computes the checksum from the
//! generator alone, without any buffer and without reading one.

use crate::Checkpoint;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// 64-bit words per MB (2^20 bytes).
pub const WORDS_PER_MB: usize = (1 << 20) / 8;

/// How a processes run hands the input to a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A structured clone: `postMessage` without transfer copies the buffer for each message.
    Copy,
    /// A transfer moves a buffer to one worker: the page makes each worker its own copy and
    /// moves that.
    Transfer,
    /// One SharedArrayBuffer every worker maps (needs cross-origin isolation).
    Shared,
}

impl Via {
    pub const ALL: [Via; 3] = [Via::Copy, Via::Transfer, Via::Shared];

    pub fn name(self) -> &'static str {
        match self {
            Via::Copy => "copy",
            Via::Transfer => "transfer",
            Via::Shared => "shared",
        }
    }

    pub fn from_name(name: &str) -> Option<Via> {
        Via::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// Word `i` of every input: splitmix64 of its index.
#[inline(always)]
pub fn word(i: u64) -> u64 {
    let mut z = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The input of `mb` megabytes, as words.
pub fn build(mb: u32) -> Vec<u64> {
    (0..(mb as usize * WORDS_PER_MB) as u64).map(word).collect()
}

/// The `start..start + out.len() / 8`-th words of the input as little-endian bytes (how a
/// worker fills the buffer it sends, a chunk at a time).
pub fn fill_bytes(words: &[u64], out: &mut [u8]) {
    for (w, bytes) in words.iter().zip(out.chunks_exact_mut(8)) {
        bytes.copy_from_slice(&w.to_le_bytes());
    }
}

/// The input this thread's or process's memory holds, built once per size (outside any timed
/// run: at warm-up) and read in place by every task after. Another size replaces it.
pub fn input(mb: u32) -> Arc<Vec<u64>> {
    static INPUT: Mutex<Option<Arc<Vec<u64>>>> = Mutex::new(None);
    let mut held = INPUT.lock().unwrap_or_else(|p| p.into_inner());
    match &*held {
        Some(input) if input.len() == mb as usize * WORDS_PER_MB => input.clone(),
        _ => {
            *held = None; // freed before the next one is built
            let input = Arc::new(build(mb));
            *held = Some(input.clone());
            input
        }
    }
}

/// Words between checkpoints (about 10 microseconds of folding).
const TICK_WORDS: usize = 4096;

/// The checksum's running state: `h = (h ^ w) * K` over the words in order, so a word missing,
/// changed or moved changes it.
#[derive(Debug, Clone, Copy)]
pub struct Fold(u64);

impl Default for Fold {
    fn default() -> Fold {
        Fold(0xCBF2_9CE4_8422_2325)
    }
}

impl Fold {
    #[inline(always)]
    fn step(self, w: u64) -> Fold {
        Fold((self.0 ^ w).wrapping_mul(0x0000_0100_0000_01B3).rotate_left(17))
    }

    /// Folds words read in place.
    #[inline(never)]
    pub fn words(mut self, words: &[u64], cp: &mut impl Checkpoint) -> Fold {
        for chunk in words.chunks(TICK_WORDS) {
            cp.tick();
            for &w in chunk {
                self = self.step(w);
            }
        }
        self
    }

    /// Folds little-endian bytes (a whole number of words) copied out of a message's buffer.
    #[inline(never)]
    pub fn bytes(mut self, bytes: &[u8], cp: &mut impl Checkpoint) -> Fold {
        for chunk in bytes.chunks(TICK_WORDS * 8) {
            cp.tick();
            for w in chunk.chunks_exact(8) {
                self = self.step(u64::from_le_bytes(w.try_into().expect("8 bytes")));
            }
        }
        self
    }

    pub fn checksum(self) -> u64 {
        self.0
    }
}

/// A task's read of the whole input in place.
pub fn read(input: &[u64], cp: &mut impl Checkpoint) -> u64 {
    Fold::default().words(input, cp).checksum()
}

/// The checksum of the `mb`-megabyte input, from the generator alone: no buffer is built or read.
pub fn expected(mb: u32) -> u64 {
    let mut fold = Fold::default();
    for i in 0..(mb as usize * WORDS_PER_MB) as u64 {
        fold = fold.step(word(i));
    }
    fold.checksum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoCheckpoint;

    #[test]
    fn reading_a_real_buffer_matches_the_generator() {
        let input = build(2);
        assert_eq!(input.len(), 2 * WORDS_PER_MB);
        assert_eq!(read(&input, &mut NoCheckpoint), expected(2));
        assert_ne!(expected(1), expected(2));
    }

    #[test]
    fn bytes_read_in_chunks_fold_like_words_in_place() {
        let input = build(1);
        let mut bytes = vec![0u8; input.len() * 8];
        fill_bytes(&input, &mut bytes);
        // Chunks of a size that is not a multiple of the checkpoint's, as a worker copies them.
        let mut fold = Fold::default();
        for chunk in bytes.chunks(3 * 8 * 1000) {
            fold = fold.bytes(chunk, &mut NoCheckpoint);
        }
        assert_eq!(fold.checksum(), expected(1));
    }

    #[test]
    fn a_changed_or_moved_word_changes_the_checksum() {
        let mut input = build(1);
        let good = read(&input, &mut NoCheckpoint);
        input.swap(10, 11);
        assert_ne!(read(&input, &mut NoCheckpoint), good, "order matters");
        input.swap(10, 11);
        input[500] ^= 1;
        assert_ne!(read(&input, &mut NoCheckpoint), good);
        input[500] ^= 1;
        input.pop();
        assert_ne!(read(&input, &mut NoCheckpoint), good, "a missing word");
    }

    #[test]
    fn the_input_is_built_once_per_size() {
        let a = input(1);
        let b = input(1);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(input(2).len(), 2 * WORDS_PER_MB);
    }

    #[test]
    fn names_round_trip() {
        for v in Via::ALL {
            assert_eq!(Via::from_name(v.name()), Some(v));
        }
    }
}
