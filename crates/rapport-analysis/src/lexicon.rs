//! The built-in sentiment lexicon, with each word's cluster.
//!
//! Five data files in `data/` are compiled into the binary with `include_str!`
//! and parsed once, in [`Lexicon::builtin`], into one table keyed by word and
//! phrase hashes (one probe per word gives its entry, phrase-prefix flag and
//! cluster):
//!
//! * `lexicon.tsv` — `term<TAB>weight[<TAB>flags]`. A term is one word or a
//!   phrase of up to [`MAX_PHRASE_WORDS`] words, lower case, single spaces,
//!   straight apostrophes. Weights are in about [-4, 4]. Flags (space separated):
//!   `neg:<w>` gives the weight when the term is negated (instead of the default
//!   flip, e.g. `work 0 neg:-1.8` makes "doesn't work" a complaint), `polite`
//!   marks courtesy words ("thanks") that are not counted in a complaint.
//! * `modifiers.tsv` — `term<TAB>kind[<TAB>value]` with kind `negator`,
//!   `intensifier` (value = multiplier, below 1 for diminishers) or `contrast`.
//! * `emoticons.tsv` — `emoticon-or-emoji<TAB>weight`.
//! * `vader_lexicon.txt` — VADER's human-rated lexicon (MIT), the second weight
//!   of each word and more emoticons.
//! * `word_clusters.tsv` — `word<TAB>cluster` (`train/clusters.sh`).
//!
//! Lines starting with `#` and blank lines are comments. A malformed line is
//! skipped at run time; the unit tests require the built-in files to have none.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::hash;
use crate::table::KeyTable;

const LEXICON_TSV: &str = include_str!("../data/lexicon.tsv");
const MODIFIERS_TSV: &str = include_str!("../data/modifiers.tsv");
const EMOTICONS_TSV: &str = include_str!("../data/emoticons.tsv");
/// VADER's lexicon (C.J. Hutto, MIT licence, `data/vader_LICENSE.txt`), as shipped in the
/// `vaderSentiment` 3.3.2 package: `token<TAB>mean<TAB>sd<TAB>ratings`.
const VADER_TSV: &str = include_str!("../data/vader_lexicon.txt");
/// Word clusters from a sentence model's word-piece embeddings (`train/clusters.sh`): `word<TAB>cluster`.
const CLUSTERS_TSV: &str = include_str!("../data/word_clusters.tsv");

/// The cluster id of a word not in the cluster file.
pub const NO_CLUSTER: u16 = u16::MAX;
/// Packed slots keep clusters in 8 bits: ids 0..=254 (the cluster file has 200).
const CLUSTER_NONE: u8 = u8::MAX;
const PREFIX_BIT: u32 = 1 << 8;
/// The packed slot of a key the lexicon lacks: no cluster, no longer phrase, no entry.
pub(crate) const EMPTY_SLOT: u32 = CLUSTER_NONE as u32;
const ENTRY_SHIFT: u32 = 9;

/// Longest phrase (in words) the lexicon may hold.
pub const MAX_PHRASE_WORDS: usize = 5;

/// What a term does besides carrying a weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    /// Just a sentiment term (possibly of weight 0, which only blocks shorter matches).
    Plain,
    /// Flips or dampens the next few words ("not", "never", "no one").
    Negator,
    /// Multiplies the next sentiment term ("very" 1.3, "slightly" 0.6).
    Intensifier(f32),
    /// Shifts weight to the clause after it ("but").
    Contrast,
}

/// One lexicon entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// Our weight (0 when the term is only in VADER's lexicon).
    pub weight: f32,
    /// VADER's mean human rating (0 when absent).
    pub vader: f32,
    /// Weight used when the term is in a negation's scope, if not the default flip.
    pub negated: Option<f32>,
    /// Courtesy word: ignored when the rest of the message is negative.
    pub polite: bool,
    pub role: Role,
}

impl Entry {
    const EMPTY: Entry = Entry { weight: 0.0, vader: 0.0, negated: None, polite: false, role: Role::Plain };
}

/// A small, fast, non-keyed hasher (the Fx hash used by rustc). The tables are
/// built once from our own data and never grow, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(buf));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        // Keys are already well-mixed hashes (`hash::finish`).
        self.0 = i;
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The pre-built lookup tables, keyed by [`hash`] keys.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Words ([`hash::word`]) and phrases ([`hash::phrase`]) → (entry, whether a longer phrase
    /// starts with these words, the word's cluster). A key that is only a phrase prefix or only
    /// clustered has no entry.
    terms: KeyTable<(Option<Entry>, bool, u16)>,
    /// What lookups read once the tables are built ([`Lexicon::freeze`]): key → packed slot
    /// (cluster, prefix flag, entry index), 8 bytes a slot so the table stays in cache.
    compact: KeyTable<u32>,
    entries: Vec<Entry>,
    /// ASCII emoticons ([`hash::bytes`] of the pattern) and emoji (the base character's
    /// [`hash::word`]): (our weight, VADER's).
    emo: KeyTable<(f32, f32)>,
    /// The ASCII emoticon patterns, for the tokenizer.
    patterns: Vec<&'static str>,
}

impl Lexicon {
    /// The lexicon compiled into the crate. Malformed lines are skipped.
    pub fn builtin() -> Lexicon {
        Self::builtin_with_errors().0
    }

    /// The built-in lexicon and the list of problems found while parsing it.
    pub fn builtin_with_errors() -> (Lexicon, Vec<String>) {
        let (mut lex, mut errors) = Self::parse_unfrozen(LEXICON_TSV, MODIFIERS_TSV, EMOTICONS_TSV);
        errors.extend(lex.add_vader(VADER_TSV));
        errors.extend(lex.add_clusters(CLUSTERS_TSV));
        lex.freeze();
        (lex, errors)
    }

    /// Packs the build-time table into the compact one lookups use.
    fn freeze(&mut self) {
        let mut compact = KeyTable::new(0u32);
        let mut entries = Vec::new();
        for (key, (entry, prefix, cluster)) in self.terms.iter() {
            let mut packed =
                if *cluster < u16::from(CLUSTER_NONE) { u32::from(*cluster) } else { u32::from(CLUSTER_NONE) };
            if *prefix {
                packed |= PREFIX_BIT;
            }
            if let Some(e) = entry {
                entries.push(*e);
                packed |= (entries.len() as u32) << ENTRY_SHIFT;
            }
            compact.insert(key, packed);
        }
        self.compact = compact;
        self.entries = entries;
        self.terms = KeyTable::new((None, false, NO_CLUSTER));
    }

    /// Every word or phrase key with its packed slot (for [`crate::vocab`]).
    pub(crate) fn slots(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.compact.iter().map(|(k, p)| (k, *p))
    }

    /// Unpacks a compact slot.
    #[inline]
    pub(crate) fn unpack(&self, packed: u32) -> (Option<&Entry>, bool, u16) {
        let cluster = (packed & 0xff) as u8;
        let entry = (packed >> ENTRY_SHIFT).checked_sub(1).and_then(|i| self.entries.get(i as usize));
        (entry, packed & PREFIX_BIT != 0, if cluster == CLUSTER_NONE { NO_CLUSTER } else { u16::from(cluster) })
    }

    /// Adds the word clusters.
    fn add_clusters(&mut self, src: &'static str) -> Vec<String> {
        let mut errors = Vec::new();
        for (n, line) in data_lines(src) {
            let mut cols = line.split('\t');
            let word = cols.next().unwrap_or("");
            match cols.next().and_then(|c| c.trim().parse::<u16>().ok()).filter(|&c| c != NO_CLUSTER) {
                Some(c) if !word.is_empty() => {
                    self.terms.get_or_insert(hash::word(word), (None, false, NO_CLUSTER)).2 = c;
                }
                _ => errors.push(format!("word_clusters.tsv:{n}: expected word<TAB>cluster")),
            }
        }
        errors
    }

    /// Adds VADER's ratings as the second weight of each word, and VADER's emoticons that do not
    /// start with a letter or digit ("d:" would fire inside ordinary text).
    fn add_vader(&mut self, src: &'static str) -> Vec<String> {
        let mut errors = Vec::new();
        for (n, line) in data_lines(src) {
            let mut cols = line.split('\t');
            let term = cols.next().unwrap_or("");
            let Some(w) = cols.next().and_then(|w| w.trim().parse::<f32>().ok()).filter(|w| w.is_finite()) else {
                errors.push(format!("vader_lexicon.txt:{n}: bad weight"));
                continue;
            };
            if check_term(term).is_ok() && !term.contains(' ') {
                let slot = self.terms.get_or_insert(hash::word(term), (None, false, NO_CLUSTER));
                slot.0.get_or_insert(Entry::EMPTY).vader = w;
            } else if term.is_ascii()
                && !term.contains(char::is_whitespace)
                && term.len() >= 2
                && term.chars().next().is_some_and(|c| !c.is_ascii_alphanumeric())
            {
                self.emo.get_or_insert(hash::bytes(term.as_bytes()), (0.0, 0.0)).1 = w;
                if !self.patterns.contains(&term) {
                    self.patterns.push(term);
                }
            }
        }
        errors
    }

    /// Parses the three tables. Problems are reported, never fatal.
    pub fn parse(lexicon: &'static str, modifiers: &'static str, emoticons: &'static str) -> (Lexicon, Vec<String>) {
        let (mut lex, errors) = Self::parse_unfrozen(lexicon, modifiers, emoticons);
        lex.freeze();
        (lex, errors)
    }

    fn parse_unfrozen(
        lexicon: &'static str,
        modifiers: &'static str,
        emoticons: &'static str,
    ) -> (Lexicon, Vec<String>) {
        let mut lex = Lexicon {
            terms: KeyTable::new((None, false, NO_CLUSTER)),
            compact: KeyTable::new(0),
            entries: Vec::new(),
            emo: KeyTable::new((0.0, 0.0)),
            patterns: Vec::new(),
        };
        let mut errors = Vec::new();

        for (n, line) in data_lines(lexicon) {
            let mut cols = line.split('\t');
            let term = cols.next().unwrap_or("").trim();
            let weight = cols.next().unwrap_or("").trim();
            let flags = cols.next().unwrap_or("").trim();
            if let Err(e) = check_term(term) {
                errors.push(format!("lexicon.tsv:{n}: {e}: {line:?}"));
                continue;
            }
            let Some(weight) = parse_weight(weight) else {
                errors.push(format!("lexicon.tsv:{n}: bad weight: {line:?}"));
                continue;
            };
            let mut entry = Entry { weight, ..Entry::EMPTY };
            let mut ok = true;
            for flag in flags.split_whitespace() {
                if flag == "polite" {
                    entry.polite = true;
                } else if let Some(w) = flag.strip_prefix("neg:").and_then(parse_weight) {
                    entry.negated = Some(w);
                } else {
                    errors.push(format!("lexicon.tsv:{n}: unknown flag {flag:?}"));
                    ok = false;
                }
            }
            if cols.next().is_some() {
                errors.push(format!("lexicon.tsv:{n}: too many columns"));
                ok = false;
            }
            if !ok {
                continue;
            }
            let slot = lex.terms.get_or_insert(hash::phrase(term), (None, false, NO_CLUSTER));
            if slot.0.replace(entry).is_some() {
                errors.push(format!("lexicon.tsv:{n}: duplicate term {term:?}"));
            }
        }

        for (n, line) in data_lines(modifiers) {
            let mut cols = line.split('\t');
            let term = cols.next().unwrap_or("").trim();
            let kind = cols.next().unwrap_or("").trim();
            let value = cols.next().map(str::trim);
            if let Err(e) = check_term(term) {
                errors.push(format!("modifiers.tsv:{n}: {e}: {line:?}"));
                continue;
            }
            let role = match (kind, value) {
                ("negator", None) => Role::Negator,
                ("contrast", None) => Role::Contrast,
                ("intensifier", Some(v)) => match v.parse::<f32>() {
                    Ok(m) if m.is_finite() && m > 0.0 && m <= 3.0 => Role::Intensifier(m),
                    _ => {
                        errors.push(format!("modifiers.tsv:{n}: bad multiplier: {line:?}"));
                        continue;
                    }
                },
                _ => {
                    errors.push(format!("modifiers.tsv:{n}: bad kind/value: {line:?}"));
                    continue;
                }
            };
            let entry =
                lex.terms.get_or_insert(hash::phrase(term), (None, false, NO_CLUSTER)).0.get_or_insert(Entry::EMPTY);
            if entry.role != Role::Plain {
                errors.push(format!("modifiers.tsv:{n}: duplicate modifier {term:?}"));
            }
            entry.role = role;
        }

        for (n, line) in data_lines(emoticons) {
            let mut cols = line.split('\t');
            let key = cols.next().unwrap_or("").trim_end_matches(['\u{FE0F}', '\u{FE0E}']);
            let weight = cols.next().and_then(|w| parse_weight(w.trim()));
            let Some(weight) = weight else {
                errors.push(format!("emoticons.tsv:{n}: bad weight: {line:?}"));
                continue;
            };
            let valid = if key.is_ascii() {
                !key.is_empty() && !key.contains(char::is_whitespace)
            } else {
                let mut chars = key.chars();
                matches!((chars.next(), chars.next()), (Some(c), None) if crate::tokenizer::is_emoji(c))
            };
            if !valid {
                errors.push(format!("emoticons.tsv:{n}: not an emoticon or single emoji: {line:?}"));
                continue;
            }
            let hkey = if key.is_ascii() {
                lex.patterns.push(key);
                hash::bytes(key.as_bytes())
            } else {
                hash::word(key)
            };
            if lex.emo.insert(hkey, (weight, 0.0)).is_some() {
                errors.push(format!("emoticons.tsv:{n}: duplicate {key:?}"));
            }
        }

        for (_, line) in data_lines(lexicon).chain(data_lines(modifiers)) {
            let term = line.split('\t').next().unwrap_or("").trim();
            let mut words = term.split(' ').filter(|w| !w.is_empty());
            let Some(first) = words.next() else { continue };
            let mut key = hash::word(first);
            for w in words {
                lex.terms.get_or_insert(key, (None, false, NO_CLUSTER)).1 = true;
                key = hash::phrase_step(key, hash::word(w));
            }
        }
        (lex, errors)
    }

    /// The entry for a word or phrase key.
    #[inline]
    pub fn get(&self, key: u64) -> Option<&Entry> {
        self.lookup_word(key).0
    }

    /// The entry for a word or phrase key, and whether a longer phrase starts with it (one probe).
    #[inline]
    pub fn lookup(&self, key: u64) -> (Option<&Entry>, bool) {
        let (e, prefix, _) = self.lookup_word(key);
        (e, prefix)
    }

    /// Entry, phrase-prefix flag and cluster of a word (one probe).
    #[inline]
    pub fn lookup_word(&self, key: u64) -> (Option<&Entry>, bool, u16) {
        match self.compact.get(key) {
            Some(&packed) => self.unpack(packed),
            None => (None, false, NO_CLUSTER),
        }
    }

    /// The entry for a term as written in a data file (tests and tools; hashes the text).
    pub fn get_term(&self, term: &str) -> Option<&Entry> {
        self.get(hash::phrase(term))
    }

    /// Whether some longer phrase starts with the words of `key`.
    #[inline]
    pub fn is_prefix(&self, key: u64) -> bool {
        self.lookup_word(key).1
    }

    /// (our weight, VADER's) of an emoticon or emoji token hash.
    #[inline]
    pub fn emo(&self, key: u64) -> Option<(f32, f32)> {
        self.emo.get(key).copied()
    }

    /// The ASCII emoticon patterns, for the tokenizer.
    pub fn emoticon_patterns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.patterns.iter().copied()
    }

    /// Number of words/phrases (including modifiers) in the lexicon.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Non-comment, non-blank lines with their 1-based line numbers.
fn data_lines(src: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    src.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

fn parse_weight(s: &str) -> Option<f32> {
    s.parse::<f32>().ok().filter(|w| w.is_finite() && (-4.5..=4.5).contains(w))
}

/// A term must look like the tokenizer's normalised output.
fn check_term(term: &str) -> Result<(), &'static str> {
    if term.is_empty() {
        return Err("empty term");
    }
    let words: Vec<&str> = term.split(' ').collect();
    if words.len() > MAX_PHRASE_WORDS {
        return Err("phrase too long");
    }
    for w in words {
        if w.is_empty() {
            return Err("double or edge space");
        }
        if w.starts_with('\'') || w.ends_with('\'') || w.contains("''") {
            return Err("apostrophe at word edge");
        }
        if !w.chars().all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || c == '\'') {
            return Err("not a normalised word");
        }
        // The tokenizer cuts letter runs of 3+ to 2, so such a term could never match.
        let b = w.as_bytes();
        if b.windows(3).any(|x| x[0] == x[1] && x[1] == x[2] && x[0].is_ascii_alphabetic()) {
            return Err("letter run of 3+");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_files_parse_without_errors() {
        let (lex, errors) = Lexicon::builtin_with_errors();
        assert!(errors.is_empty(), "lexicon problems:\n{}", errors.join("\n"));
        assert!(lex.len() >= 400, "lexicon has only {} entries", lex.len());
    }

    #[test]
    fn builtin_lexicon_covers_complaint_language() {
        let lex = Lexicon::builtin();
        for t in [
            "still waiting",
            "no response",
            "hours on hold",
            "worst",
            "ridiculous",
            "unacceptable",
            "refund",
            "cancelled",
            "delayed",
            "lost",
            "never again",
            "rude",
            "useless",
            "broken",
        ] {
            let e = lex.get_term(t).unwrap_or_else(|| panic!("missing {t:?}"));
            assert!(e.weight < 0.0, "{t:?} should be negative");
        }
        for t in ["thank you so much", "great service", "love", "helpful", "resolved", "quick"] {
            let e = lex.get_term(t).unwrap_or_else(|| panic!("missing {t:?}"));
            assert!(e.weight > 0.0, "{t:?} should be positive");
        }
        assert_eq!(lex.get_term("work").and_then(|e| e.negated).map(f32::is_sign_negative), Some(true));
        assert!(lex.get_term("thanks").is_some_and(|e| e.polite));
        assert!(lex.emo(hash::bytes(b":(")).is_some_and(|w| w.0 < 0.0 && w.1 < 0.0));
        assert!(lex.emo(hash::word("❤")).is_some_and(|w| w.0 > 0.0));
        assert!(lex.get_term("horrible").is_some_and(|e| e.vader < -2.0));
    }

    #[test]
    fn malformed_lines_are_reported_not_fatal() {
        let (lex, errors) = Lexicon::parse(
            "good\t2\nBad\t-2\nfoo bar\tx\nok\t1\tweird\nfine\t0.8\nfine\t0.9\n",
            "very\tintensifier\t9\nnot\tnegator\n",
            ":)\t2\nab cd\t1\n",
        );
        assert_eq!(errors.len(), 6, "{errors:?}");
        assert!(lex.get_term("good").is_some());
        assert!(lex.get_term("not").is_some_and(|e| e.role == Role::Negator));
        assert!(lex.get_term("very").is_none());
    }

    #[test]
    fn fx_hasher_is_deterministic() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let b = BuildHasherDefault::<FxHasher>::default();
        assert_eq!(b.hash_one("still waiting"), b.hash_one("still waiting"));
        assert_ne!(b.hash_one("still waiting"), b.hash_one("still waitinf"));
    }
}
