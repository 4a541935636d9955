//! Cue phrases: words and phrases that signal an emotion or a service intent, read from a data file
//! (`category<TAB>phrase<TAB>weight`) and matched on token hashes, longest phrase first.

use crate::hash;
use crate::table::KeyTable;
use crate::tokenizer::Token;

/// Longest cue phrase, in words.
pub const MAX_CUE_WORDS: usize = 6;

/// A parsed cue table for a fixed list of categories.
#[derive(Debug, Clone)]
pub struct CueTable {
    /// Phrase key → (category index and weight, if a cue ends here; whether longer cues start here).
    cues: KeyTable<(Option<(u8, f32)>, bool)>,
}

impl CueTable {
    /// Parses `src`; a category not in `categories`, a bad weight or an over-long phrase is reported.
    pub fn parse(src: &str, file: &str, categories: &[&str]) -> (CueTable, Vec<String>) {
        let mut t = CueTable { cues: KeyTable::new((None, false)) };
        let mut errors = Vec::new();
        for (n, line) in src.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [cat, phrase, weight] = cols[..] else {
                errors.push(format!("{file}:{}: expected category, phrase, weight", n + 1));
                continue;
            };
            let Some(ci) = categories.iter().position(|c| *c == cat.trim()) else {
                errors.push(format!("{file}:{}: unknown category {cat:?}", n + 1));
                continue;
            };
            let Some(w) = weight.trim().parse::<f32>().ok().filter(|w| w.is_finite()) else {
                errors.push(format!("{file}:{}: bad weight {weight:?}", n + 1));
                continue;
            };
            let words: Vec<&str> = phrase.split(' ').filter(|w| !w.is_empty()).collect();
            if words.is_empty() || words.len() > MAX_CUE_WORDS {
                errors.push(format!("{file}:{}: phrase must have 1 to {MAX_CUE_WORDS} words", n + 1));
                continue;
            }
            let mut key = hash::word(words[0]);
            for w in &words[1..] {
                t.cues.get_or_insert(key, (None, false)).1 = true;
                key = hash::phrase_step(key, hash::word(w));
            }
            t.cues.get_or_insert(key, (None, false)).0 = Some((ci as u8, w));
        }
        (t, errors)
    }

    /// Calls `hit(category, weight, from, to)` for each cue in `tokens` (token index range),
    /// longest match at each position, never overlapping.
    pub fn scan(&self, tokens: &[Token], mut hit: impl FnMut(usize, f32, usize, usize)) {
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if !t.is_word() {
                i += 1;
                continue;
            }
            let mut key = t.hash;
            let (mut cue, mut prefix) = self.cues.get(key).copied().unwrap_or((None, false));
            let mut best = cue.map(|c| (1usize, c));
            let mut n = 1;
            while n < MAX_CUE_WORDS && prefix {
                let Some(next) = tokens.get(i + n).filter(|x| x.is_word()) else { break };
                key = hash::phrase_step(key, next.hash);
                n += 1;
                (cue, prefix) = self.cues.get(key).copied().unwrap_or((None, false));
                if let Some(c) = cue {
                    best = Some((n, c));
                }
            }
            match best {
                Some((len, (cat, w))) => {
                    hit(usize::from(cat), w, i, i + len);
                    i += len;
                }
                None => i += 1,
            }
        }
    }
}
