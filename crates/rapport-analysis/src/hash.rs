//! Hashing of normalised words, phrases and model features.
//!
//! Everything the engine looks up (lexicon terms, model features, cue phrases) is keyed by a 64-bit
//! hash, so the hot path never builds a string: the tokenizer hashes each word's normalised form as it
//! scans it, and phrases and features are hashes of hashes. The same functions hash the terms read
//! from the data files, so a term written `don't` and a token written `DON’T` meet at the same key.
//! The tables are built from our own data, so hash flooding is not a concern; collisions between
//! 64-bit keys of a few hundred thousand terms are negligible.

/// The multiplier of the Fx hash (rustc's), applied per input word.
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Folds `x` into `h`.
#[inline]
pub fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// A strong final scramble, so low bits are usable as table indices and salts separate well.
#[inline]
pub fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hash of raw bytes (used for emoticons, which are case sensitive, and for feature names).
pub fn bytes(s: &[u8]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15;
    for &b in s {
        h = mix(h, u64::from(b));
    }
    finish(mix(h, s.len() as u64))
}

/// The starting state of a word hash.
pub const WORD_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Incremental hash of a word's normalised characters.
///
/// The hash is over the UTF-8 bytes of the normalised form, eight at a time (little-endian, the last
/// group zero-padded), then the byte count: so [`ascii_word`] can hash a plain ASCII word a machine
/// word at a time and meet the char-by-char path at the same key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordHasher {
    h: u64,
    /// Bytes not yet folded in, lowest first.
    acc: u64,
    bytes: u32,
    chars: u32,
}

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher { h: WORD_SEED, acc: 0, bytes: 0, chars: 0 }
    }
}

impl WordHasher {
    #[inline]
    pub fn push(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.acc |= u64::from(b) << (8 * (self.bytes % 8));
            self.bytes += 1;
            if self.bytes.is_multiple_of(8) {
                self.h = mix(self.h, self.acc);
                self.acc = 0;
            }
        }
        self.chars += 1;
    }

    #[inline]
    pub fn finish(&self) -> u64 {
        finish_word(mix(self.h, self.acc), self.bytes as usize)
    }

    /// Number of chars pushed.
    pub fn len(&self) -> u32 {
        self.chars
    }

    pub fn is_empty(&self) -> bool {
        self.chars == 0
    }
}

/// `len` (≤ 8) bytes of `bytes` from `at` as a little-endian u64, zero above them. Reads a whole
/// machine word when the slice has one there (the usual case inside a message).
#[inline]
pub fn load_le(bytes: &[u8], at: usize, len: usize) -> u64 {
    let mask = if len >= 8 { u64::MAX } else { (1u64 << (8 * len)) - 1 };
    if let Some(word) = bytes.get(at..at + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
        return u64::from_le_bytes(word) & mask;
    }
    let mut buf = [0u8; 8];
    let end = (at + len.min(8)).min(bytes.len());
    if let Some(src) = bytes.get(at..end) {
        buf[..src.len()].copy_from_slice(src);
    }
    u64::from_le_bytes(buf) & mask
}

/// Sets bit 5 (ASCII lower case) of the low `len` bytes: for ASCII letters, digits and `'` — the
/// bytes of a plain word — that is exactly their lower-case form.
#[inline]
pub fn ascii_lower(chunk: u64, len: usize) -> u64 {
    let mask = if len >= 8 { u64::MAX } else { (1u64 << (8 * len)) - 1 };
    chunk | (0x2020_2020_2020_2020 & mask)
}

/// [`word`] of `bytes[at..at + len]`, a word of ASCII letters, digits and `'` with no elongation,
/// a machine word at a time.
#[inline]
pub fn ascii_word(bytes: &[u8], at: usize, len: usize) -> u64 {
    let mut h = WORD_SEED;
    let mut k = 0;
    while k + 8 <= len {
        h = mix(h, ascii_lower(load_le(bytes, at + k, 8), 8));
        k += 8;
    }
    let rest = len - k;
    let last = if rest == 0 { 0 } else { ascii_lower(load_le(bytes, at + k, rest), rest) };
    finish_word(mix(h, last), len)
}

/// [`word`] of a word of fewer than eight bytes, lower-cased in one group (zero above them).
#[inline]
pub fn group_word(group: u64, len: usize) -> u64 {
    finish_word(mix(WORD_SEED, group), len)
}

/// The end of a word hash: the state after its last group (a zero group when the byte count is a
/// multiple of eight), and the byte count.
#[inline]
pub fn finish_word(h: u64, len: usize) -> u64 {
    finish(mix(h, len as u64))
}

/// The apostrophes we read as `'`.
#[inline]
pub fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’' || c == 'ʼ'
}

/// Feeds the normalised form of `raw` to `emit`: lower case, apostrophes as `'`, runs of three or
/// more identical letters cut to `keep` (2 for the main form, 1 for the de-elongated alternative).
/// Returns whether such a run existed.
#[inline]
pub fn normalise(raw: &str, keep: u32, mut emit: impl FnMut(char)) -> bool {
    let mut run_char = '\0';
    let mut run = 0u32;
    let mut elongated = false;
    let flush = |c: char, n: u32, emit: &mut dyn FnMut(char)| {
        let out = if n >= 3 && c.is_alphabetic() { keep } else { n };
        for _ in 0..out {
            emit(c);
        }
    };
    let mut step = |lc: char, emit: &mut dyn FnMut(char)| {
        if lc == run_char {
            run += 1;
        } else {
            if run > 0 {
                flush(run_char, run, emit);
            }
            run_char = lc;
            run = 1;
        }
        if run >= 3 && lc.is_alphabetic() {
            elongated = true;
        }
    };
    for c in raw.chars() {
        if c.is_ascii() {
            step(c.to_ascii_lowercase(), &mut emit);
        } else if is_apostrophe(c) {
            step('\'', &mut emit);
        } else {
            for lc in c.to_lowercase() {
                step(lc, &mut emit);
            }
        }
    }
    if run > 0 {
        flush(run_char, run, &mut emit);
    }
    elongated
}

/// Suffixes a light stemmer strips ("delayed", "delays" → "delay"), longest first.
const SUFFIXES: [&str; 15] =
    ["ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "ers", "ed", "er", "es", "ly", "s"];

/// How many trailing chars the stemmer strips from a normalised word whose last (up to six) chars
/// are `tail` and whose length is `len` chars: a stem keeps at least three chars.
pub fn suffix_len(tail: &[char], len: usize) -> usize {
    // Every suffix ends in one of these letters; most words leave here.
    if len < 4 || !matches!(tail.last(), Some('s' | 'n' | 't' | 'g' | 'd' | 'r' | 'y')) {
        return 0;
    }
    for suf in SUFFIXES {
        let n = suf.len(); // ASCII
        if len >= n + 3
            && tail.len() >= n
            && tail[tail.len() - n..].iter().zip(suf.bytes()).all(|(&c, b)| c == char::from(b))
        {
            return n;
        }
    }
    0
}

/// [`suffix_len`] for a lower-case ASCII word of `len` bytes whose last `min(len, 8)` bytes are
/// `tail` (little-endian: the word's last byte is the highest one in use).
#[inline]
pub fn ascii_suffix_len(tail: u64, len: usize) -> usize {
    if len < 4 {
        return 0;
    }
    let used = len.min(8);
    // Only the suffixes that end in the word's last letter can match; in [`SUFFIXES`]' order.
    let candidates: &[(u64, usize)] = match (tail >> (8 * (used - 1))) as u8 {
        b's' => &ENDING_IN_S,
        b'n' => &[group("ation")],
        b't' => &[group("ment")],
        b'g' => &[group("ing")],
        b'd' => &[group("ied"), group("ed")],
        b'r' => &[group("er")],
        b'y' => &[group("ly")],
        _ => return 0,
    };
    for &(suf, n) in candidates {
        if len >= n + 3 && (tail >> (8 * (used - n))) & ((1u64 << (8 * n)) - 1) == suf {
            return n;
        }
    }
    0
}

const ENDING_IN_S: [(u64, usize); 8] =
    [group("ations"), group("ments"), group("ness"), group("ings"), group("ies"), group("ers"), group("es"), group("s")];

/// A suffix (ASCII, at most 8 bytes) as a little-endian byte group, with its length.
const fn group(suffix: &str) -> (u64, usize) {
    let b = suffix.as_bytes();
    let mut v = 0u64;
    let mut j = 0;
    while j < b.len() {
        v |= (b[j] as u64) << (8 * j);
        j += 1;
    }
    (v, b.len())
}

/// The stem of a normalised word (for feature names).
pub fn stem(norm: &str) -> &str {
    let chars: Vec<char> = norm.chars().collect();
    let tail = &chars[chars.len().saturating_sub(6)..];
    let cut = suffix_len(tail, chars.len());
    let keep: usize = chars[..chars.len() - cut].iter().map(|c| c.len_utf8()).sum();
    &norm[..keep]
}

/// Hash of the normalised form of a word as written in a data file or a message.
pub fn word(raw: &str) -> u64 {
    let mut h = WordHasher::default();
    normalise(raw, 2, |c| h.push(c));
    h.finish()
}

/// The normalised form as a string (for feature names and evidence; not on the hot path).
pub fn normalised(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    normalise(raw, 2, |c| s.push(c));
    s
}

/// Key of a phrase: the first word's hash, then each next word folded in.
#[inline]
pub fn phrase_step(prefix: u64, next_word: u64) -> u64 {
    finish(mix(prefix ^ 0x5bd1_e995, next_word))
}

/// Key of a space-separated phrase from a data file.
pub fn phrase(text: &str) -> u64 {
    let mut words = text.split(' ').filter(|w| !w.is_empty());
    let first = words.next().map_or(0, word);
    words.fold(first, |k, w| phrase_step(k, word(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_meets_in_the_middle() {
        assert_eq!(word("DON’T"), word("don't"));
        assert_eq!(word("Sooooo"), word("soo"));
        assert_ne!(word("so"), word("soo"));
        assert_eq!(normalised("GOOOOD"), "good");
        let mut alt = String::new();
        assert!(normalise("sooo", 1, |c| alt.push(c)));
        assert_eq!(alt, "so");
        assert_eq!(phrase("still  waiting"), phrase_step(word("still"), word("waiting")));
    }

    #[test]
    fn the_ascii_fast_path_meets_the_char_path() {
        let text = b"x Don't CANCELLED delayed 2nd 12345 it's a ok Flights WON'T abcdefgh abcdefghijklmnopq recommendations \
            stations station payments payment kindness bookings booking replies replied helpers helped helper boxes \
            quickly flights ness ing ed lys sly bed bing cations";
        let mut at = 0;
        for w in text.split(|&b| b == b' ') {
            let s = std::str::from_utf8(w).unwrap_or("");
            assert_eq!(ascii_word(text, at, w.len()), word(s), "{s}");
            // The same word at the very end of a buffer (no machine word to read past it).
            assert_eq!(ascii_word(w, 0, w.len()), word(s), "{s} alone");
            let lower = s.to_ascii_lowercase();
            let tail_at = lower.len().saturating_sub(8);
            let tail = load_le(lower.as_bytes(), tail_at, lower.len() - tail_at);
            let chars: Vec<char> = lower.chars().collect();
            let expect = suffix_len(&chars[chars.len().saturating_sub(6)..], chars.len());
            assert_eq!(ascii_suffix_len(tail, lower.len()), expect, "{s}");
            at += w.len() + 1;
        }
    }
}
