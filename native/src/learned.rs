//! `processors.learned.Fallback`: the learned fallback's scoring, step by step as in Python
//! (same feature strings, CRC-32 buckets, bucket order of the sums and softmax), so both
//! engines give the same probability to the last bit.

use rustc_hash::FxHashMap;

/// CRC-32 (IEEE 802.3, reflected, as `zlib.crc32`), table built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// One byte into a CRC-32 register (before the final inversion).
#[inline]
fn crc_step(c: u32, b: u8) -> u32 {
    CRC_TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8)
}

const MIN_N: usize = 2;
const MAX_N: usize = 5;

/// `learned._SCALE`: weights are summed as integers in units of 2^-20 (exact, in any order).
const SCALE: f64 = 1_048_576.0;
/// `learned._MAX_WEIGHT`: larger weights are refused (a weight must fit an i32 in units).
const MAX_WEIGHT: f32 = 1024.0;

/// Number of reasons of the reason head (`reasons.REASONS`).
pub const REASONS: usize = 7;

/// `processors.learned.ReasonHead`.
struct ReasonHead {
    weights: FxHashMap<u32, [i32; REASONS]>,
    bias: [f64; REASONS],
    threshold: f64,
}

pub struct Learned {
    bits: u32,
    weights: FxHashMap<u32, [i32; 3]>,
    bias: [f64; 3],
    threshold: f64,
    reasons: Option<ReasonHead>,
}

/// The reason head's arrays as `Fallback.native_arrays` gives them: ids, weights, bias, threshold.
pub type ReasonArrays<'a> = (&'a [u8], &'a [u8], Vec<f64>, f64);

/// `K` little-endian f32 weights per little-endian u32 id, as integers (`learned._fixed`).
fn table<const K: usize>(ids: &[u8], weights: &[u8]) -> Result<FxHashMap<u32, [i32; K]>, String> {
    if ids.len() % 4 != 0 || weights.len() != K * ids.len() {
        return Err(format!(
            "fallback model: {} id bytes and {} weight bytes do not fit {K} weights per bucket",
            ids.len(),
            weights.len()
        ));
    }
    let f = |i: usize| f32::from_le_bytes(weights[4 * i..4 * i + 4].try_into().unwrap());
    let mut map = FxHashMap::default();
    map.reserve(ids.len() / 4);
    for (i, chunk) in ids.chunks_exact(4).enumerate() {
        let id = u32::from_le_bytes(chunk.try_into().unwrap());
        let mut row = [0i32; K];
        for (j, x) in row.iter_mut().enumerate() {
            let w = f(K * i + j);
            if !(w.abs() < MAX_WEIGHT) {
                return Err(format!("fallback model: weight {w} is not finite or too large"));
            }
            *x = (w as f64 * SCALE) as i32; // truncates toward zero, as Python's int()
        }
        map.insert(id, row);
    }
    Ok(map)
}

/// `learned._sigmoid`.
#[inline]
fn sigmoid(s: f64) -> f64 {
    if s >= 0.0 {
        1.0 / (1.0 + (-s).exp())
    } else {
        let e = s.exp();
        e / (1.0 + e)
    }
}

thread_local! {
    /// One bit per bucket: which buckets the current post already has (cleared after each post).
    static SEEN: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Learned {
    /// From the model's arrays as `Fallback.native_arrays` gives them (little-endian bytes).
    pub fn new(
        bits: u32,
        ids: &[u8],
        weights: &[u8],
        bias: [f64; 3],
        threshold: f64,
        reasons: Option<ReasonArrays<'_>>,
    ) -> Result<Self, String> {
        if !(8..=24).contains(&bits) {
            return Err(format!("fallback model: bits {bits} outside 8..24"));
        }
        let reasons = match reasons {
            None => None,
            Some((rids, rweights, rbias, rthreshold)) => {
                let bias: [f64; REASONS] = rbias
                    .try_into()
                    .map_err(|b: Vec<f64>| format!("fallback model: {} reason biases, expected {REASONS}", b.len()))?;
                Some(ReasonHead { weights: table::<REASONS>(rids, rweights)?, bias, threshold: rthreshold })
            }
        };
        Ok(Learned { bits, weights: table::<3>(ids, weights)?, bias, threshold, reasons })
    }

    /// `Fallback.features`: the post's distinct buckets (in no particular order: the sums
    /// are exact integers, so the order does not matter).
    pub fn features(&self, toks: &[&str], quote_open: &str, quote_close: &str) -> Vec<u32> {
        let mask = (1u32 << self.bits) - 1;
        let mut found: Vec<u32> = Vec::with_capacity(toks.len() * 24);
        let mut prev: Option<&str> = None;
        let mut starts: Vec<usize> = Vec::with_capacity(32);
        let mut padded: Vec<u8> = Vec::with_capacity(32);
        SEEN.with(|cell| {
            let mut seen = cell.borrow_mut();
            let words = 1usize << self.bits.saturating_sub(6);
            if seen.len() < words {
                seen.resize(words, 0);
            }
            let mut push = |crc: u32| {
                let b = crc & mask;
                let (word, bit) = ((b >> 6) as usize, 1u64 << (b & 63));
                if seen[word] & bit == 0 {
                    seen[word] |= bit;
                    found.push(b);
                }
            };
            for t in toks.iter().copied().filter(|t| *t != quote_open && *t != quote_close) {
                push(crc32_parts(&[b"w ", t.as_bytes()]));
                // the character n-grams of " t ": from each character's start, extend the
                // CRC one character at a time and emit at 2..5 characters
                padded.clear();
                padded.push(b' ');
                padded.extend_from_slice(t.as_bytes());
                padded.push(b' ');
                starts.clear();
                starts.push(0);
                starts.extend(t.char_indices().map(|(i, _)| i + 1));
                starts.push(padded.len() - 1);
                let chars = starts.len();
                starts.push(padded.len());
                for first in 0..chars - 1 {
                    let mut c = 0xFFFF_FFFFu32;
                    for n in 1..=MAX_N.min(chars - first) {
                        for &b in &padded[starts[first + n - 1]..starts[first + n]] {
                            c = crc_step(c, b);
                        }
                        if n >= MIN_N {
                            push(!c);
                        }
                    }
                }
                if let Some(a) = prev {
                    push(crc32_parts(&[b"b ", a.as_bytes(), b" ", t.as_bytes()]));
                }
                prev = Some(t);
            }
            for b in &found {
                seen[(b >> 6) as usize] = 0;
            }
        });
        found
    }

    /// `Fallback.judge`: `Some((class, probability))` when a polar class (0 de-influencing,
    /// 1 promoting) wins with at least the threshold.
    pub fn judge(&self, found: &[u32]) -> Option<(usize, f64)> {
        let sums = sums(&self.weights, found);
        let v = scale_of(found.len());
        let scores: [f64; 3] = std::array::from_fn(|j| sums[j] as f64 * v + self.bias[j]);
        let top = scores[0].max(scores[1]).max(scores[2]);
        let e = [(scores[0] - top).exp(), (scores[1] - top).exp(), (scores[2] - top).exp()];
        let total = e[0] + e[1] + e[2];
        let p = [e[0] / total, e[1] / total, e[2] / total];
        let best = if p[0] >= p[1] { 0 } else { 1 };
        if p[best] >= p[2] && p[best] >= self.threshold {
            Some((best, p[best]))
        } else {
            None
        }
    }

    /// Whether the model has a reason head.
    pub fn has_reasons(&self) -> bool {
        self.reasons.is_some()
    }

    /// `Fallback.learned_reasons`: indexes (order of `reasons.REASONS`) of the reasons whose
    /// probability reaches the head's threshold.
    pub fn reasons(&self, found: &[u32]) -> Vec<usize> {
        let Some(head) = &self.reasons else { return Vec::new() };
        let sums = sums(&head.weights, found);
        let v = scale_of(found.len());
        (0..REASONS).filter(|&j| sigmoid(sums[j] as f64 * v + head.bias[j]) >= head.threshold).collect()
    }
}

/// Each output's integer weights summed over the post's buckets (exact, in any order).
#[inline]
fn sums<const K: usize>(table: &FxHashMap<u32, [i32; K]>, found: &[u32]) -> [i64; K] {
    let mut out = [0i64; K];
    for b in found {
        if let Some(w) = table.get(b) {
            for (s, x) in out.iter_mut().zip(w) {
                *s += *x as i64;
            }
        }
    }
    out
}

/// `learned._unit`: a sum of integer weights to the post's score, `1/sqrt(n)` per bucket.
#[inline]
fn scale_of(n: usize) -> f64 {
    if n == 0 { 0.0 } else { 1.0 / (n as f64).sqrt() / SCALE }
}

/// CRC-32 of the concatenation of `parts`.
#[inline]
fn crc32_parts(parts: &[&[u8]]) -> u32 {
    !parts.iter().flat_map(|p| p.iter()).fold(0xFFFF_FFFFu32, |c, &b| crc_step(c, b))
}
