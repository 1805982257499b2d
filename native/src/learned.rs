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

#[inline]
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c = CRC_TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

const MIN_N: usize = 2;
const MAX_N: usize = 5;

pub struct Learned {
    mask: u32,
    weights: FxHashMap<u32, [f32; 3]>,
    bias: [f64; 3],
    threshold: f64,
}

impl Learned {
    /// From the model's arrays as `Fallback` holds them (little-endian bytes).
    pub fn new(bits: u32, ids: &[u8], weights: &[u8], bias: [f64; 3], threshold: f64) -> Result<Self, String> {
        if !(8..=24).contains(&bits) || ids.len() % 4 != 0 || weights.len() != 3 * ids.len() {
            return Err(format!(
                "fallback model: bits {bits}, {} id bytes and {} weight bytes do not fit",
                ids.len(),
                weights.len()
            ));
        }
        let f = |i: usize| f32::from_le_bytes(weights[4 * i..4 * i + 4].try_into().unwrap());
        let mut map = FxHashMap::default();
        map.reserve(ids.len() / 4);
        for (i, chunk) in ids.chunks_exact(4).enumerate() {
            let id = u32::from_le_bytes(chunk.try_into().unwrap());
            map.insert(id, [f(3 * i), f(3 * i + 1), f(3 * i + 2)]);
        }
        Ok(Learned { mask: (1u32 << bits) - 1, weights: map, bias, threshold })
    }

    /// `Fallback.judge`: `Some((class, probability))` when a polar class (0 de-influencing,
    /// 1 promoting) wins with at least the threshold.
    pub fn judge(&self, toks: &[&str], quote_open: &str, quote_close: &str) -> Option<(usize, f64)> {
        let words: Vec<&str> = toks.iter().copied().filter(|t| *t != quote_open && *t != quote_close).collect();
        let mut found: Vec<u32> = Vec::with_capacity(words.len() * 24);
        let mut buf = String::with_capacity(64);
        let mut bounds: Vec<usize> = Vec::with_capacity(32);
        for t in &words {
            buf.clear();
            buf.push_str("w ");
            buf.push_str(t);
            found.push(crc32(buf.as_bytes()) & self.mask);
            buf.clear();
            buf.push(' ');
            buf.push_str(t);
            buf.push(' ');
            bounds.clear();
            bounds.extend(buf.char_indices().map(|(i, _)| i));
            bounds.push(buf.len());
            let size = bounds.len() - 1;
            let bytes = buf.as_bytes();
            for n in MIN_N..=MAX_N.min(size) {
                for i in 0..=size - n {
                    found.push(crc32(&bytes[bounds[i]..bounds[i + n]]) & self.mask);
                }
            }
        }
        for pair in words.windows(2) {
            buf.clear();
            buf.push_str("b ");
            buf.push_str(pair[0]);
            buf.push(' ');
            buf.push_str(pair[1]);
            found.push(crc32(buf.as_bytes()) & self.mask);
        }
        found.sort_unstable();
        found.dedup();
        let (mut s0, mut s1, mut s2) = (0.0f64, 0.0f64, 0.0f64);
        for b in &found {
            if let Some(w) = self.weights.get(b) {
                s0 += w[0] as f64;
                s1 += w[1] as f64;
                s2 += w[2] as f64;
            }
        }
        let v = if found.is_empty() { 0.0 } else { 1.0 / (found.len() as f64).sqrt() };
        let scores = [s0 * v + self.bias[0], s1 * v + self.bias[1], s2 * v + self.bias[2]];
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
}
