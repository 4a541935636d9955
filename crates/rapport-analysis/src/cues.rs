//! Cue phrases: words and phrases that signal an emotion or a service intent, read from data files
//! (`category<TAB>phrase<TAB>weight`) into one table and matched on token hashes in one pass, longest
//! phrase first. A phrase may cue one category of each file: "still waiting" is frustration, a request
//! for an update and a delay.

use crate::hash;
use crate::table::{KeyTable, Presence};
use crate::tokenizer::Token;

/// Longest cue phrase, in words.
pub const MAX_CUE_WORDS: usize = 6;

type Cue = Option<(u8, f32)>;

/// A parsed cue table for a fixed list of categories.
#[derive(Debug, Clone)]
pub struct CueTable {
    /// Phrase key → (up to one cue per file that ends here, whether longer cues start here).
    cues: KeyTable<([Cue; MAX_GROUPS], bool)>,
    /// Category → the file (group) that defined it; each group is matched as if scanned alone.
    group: Vec<u8>,
    /// The words that start a cue: most words of a message start none, and this 512-byte set says
    /// so without a probe into the table.
    first_words: Presence,
}

/// At most this many files (groups) in one table.
pub const MAX_GROUPS: usize = 3;

impl CueTable {
    /// Parses one file; a category not in `categories`, a bad weight or an over-long phrase is reported.
    pub fn parse(src: &str, file: &str, categories: &[&str]) -> (CueTable, Vec<String>) {
        Self::parse_files(&[(src, file)], categories)
    }

    /// Parses several `(text, file name)` files into one table.
    pub fn parse_files(files: &[(&str, &str)], categories: &[&str]) -> (CueTable, Vec<String>) {
        let mut t = CueTable {
            cues: KeyTable::new(([None; MAX_GROUPS], false)),
            group: vec![0; categories.len()],
            first_words: Presence::new(12),
        };
        let mut errors = Vec::new();
        for (g, (src, file)) in files.iter().take(MAX_GROUPS).enumerate() {
            t.add(src, file, g as u8, categories, &mut errors);
        }
        if files.len() > MAX_GROUPS {
            errors.push(format!("at most {MAX_GROUPS} cue files in one table"));
        }
        (t, errors)
    }

    fn add(&mut self, src: &str, file: &str, group: u8, categories: &[&str], errors: &mut Vec<String>) {
        let t = self;
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
            if let Some(g) = t.group.get_mut(ci) {
                *g = group;
            }
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
            t.first_words.insert(key);
            for w in &words[1..] {
                t.cues.get_or_insert(key, ([None; MAX_GROUPS], false)).1 = true;
                key = hash::phrase_step(key, hash::word(w));
            }
            let slots = &mut t.cues.get_or_insert(key, ([None; MAX_GROUPS], false)).0;
            match slots.iter_mut().find(|s| s.is_none_or(|(c, _)| usize::from(c) == ci)) {
                Some(slot) => *slot = Some((ci as u8, w)),
                None => errors.push(format!("{file}:{}: {phrase:?} already cues {MAX_GROUPS} categories", n + 1)),
            }
        }
    }

    /// Calls `hit(category, weight, from, to)` for each cue in `tokens` (token index range): in each
    /// group, the longest match at each position, never overlapping another match of that group.
    pub fn scan(&self, tokens: &[Token], mut hit: impl FnMut(usize, f32, usize, usize)) {
        // Where each group may match next (after its last match).
        let mut next = [0usize; MAX_GROUPS];
        for (i, t) in tokens.iter().enumerate() {
            if !t.is_word() || !self.first_words.may_contain(t.hash) || next.iter().all(|&n| i < n) {
                continue;
            }
            let mut best: [Option<(usize, u8, f32)>; MAX_GROUPS] = [None; MAX_GROUPS];
            let mut key = t.hash;
            let mut len = 1;
            while let Some(&(slots, prefix)) = self.cues.get(key) {
                for (cat, w) in slots.into_iter().flatten() {
                    let g = usize::from(self.group.get(usize::from(cat)).copied().unwrap_or(0));
                    if i >= next[g] {
                        best[g] = Some((len, cat, w));
                    }
                }
                if !prefix || len >= MAX_CUE_WORDS {
                    break;
                }
                let Some(following) = tokens.get(i + len).filter(|x| x.is_word()) else { break };
                key = hash::phrase_step(key, following.hash);
                len += 1;
            }
            for (g, b) in best.into_iter().enumerate() {
                if let Some((n, cat, w)) = b {
                    hit(usize::from(cat), w, i, i + n);
                    next[g] = i + n;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CueTable;
    use crate::tokenizer::Tokenizer;

    /// Two files in one table behave as two separate scans: each file's longest match wins within that
    /// file, and a phrase may cue one category of each.
    #[test]
    fn files_are_matched_independently_in_one_pass() {
        let (t, errors) = CueTable::parse_files(
            &[("a\tstill\t1\na\tstill waiting\t2\n", "one.tsv"), ("b\tstill no\t1\nb\tstill waiting\t3\n", "two.tsv")],
            &["a", "b"],
        );
        assert!(errors.is_empty(), "{errors:?}");
        let text = "still waiting, still no news";
        let tokens = Tokenizer::new([]).tokenize(text);
        let mut hits = Vec::new();
        t.scan(&tokens, |cat, w, from, to| hits.push((cat, w, from, to)));
        // "still waiting" cues both files; later "still" (file one) and "still no" (file two) both fire.
        assert_eq!(hits, [(0, 2.0, 0, 2), (1, 3.0, 0, 2), (0, 1.0, 3, 4), (1, 1.0, 3, 5)]);
    }
}
