//! Flesch reading ease and Flesch–Kincaid grade.

use serde::{Deserialize, Serialize};

use super::text::Word;

/// Readability of a reply. With no words, ease is 100 and grade 0: there is
/// nothing hard to read, and NaN would not survive JSON.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Readability {
    /// 206.835 − 1.015·(words/sentence) − 84.6·(syllables/word); not clamped,
    /// so very short plain sentences can exceed 100 as in other tools.
    pub flesch_reading_ease: f64,
    /// Flesch–Kincaid grade level: 0.39·(words/sentence) + 11.8·(syllables/word) − 15.59.
    pub grade: f64,
    pub words: u32,
    pub sentences: u32,
}

impl Default for Readability {
    fn default() -> Self {
        Readability { flesch_reading_ease: 100.0, grade: 0.0, words: 0, sentences: 0 }
    }
}

/// Readability of `text` read as `words` (its [`super::text::words`]).
pub(crate) fn readability(text: &str, words: &[Word]) -> Readability {
    if words.is_empty() {
        return Readability::default();
    }
    let n_words = words.len() as f64;
    // Sentence numbers are dense and start at 0, so the last one counts them.
    let n_sentences = words.last().map_or(1, |w| w.sentence as u64 + 1) as f64;
    let syllables: u64 = words.iter().map(|w| u64::from(syllables(w.raw(text)))).sum();
    let wps = n_words / n_sentences;
    let spw = syllables as f64 / n_words;
    Readability {
        flesch_reading_ease: round2(206.835 - 1.015 * wps - 84.6 * spw),
        grade: round2(0.39 * wps + 11.8 * spw - 15.59),
        words: u32::try_from(words.len()).unwrap_or(u32::MAX),
        sentences: u32::try_from(n_sentences as u64).unwrap_or(u32::MAX),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'y'
            | 'à'
            | 'á'
            | 'â'
            | 'ä'
            | 'æ'
            | 'è'
            | 'é'
            | 'ê'
            | 'ë'
            | 'ì'
            | 'í'
            | 'î'
            | 'ï'
            | 'ò'
            | 'ó'
            | 'ô'
            | 'ö'
            | 'ù'
            | 'ú'
            | 'û'
            | 'ü'
            | 'ÿ'
    )
}

/// English syllable estimate: vowel groups, minus a silent final "e" and a
/// silent "-es"/"-ed" ending. Right for most everyday words, which is all
/// Flesch needs. A number counts as one syllable: order numbers, dates and
/// times are read at a glance, and counting their digits would make every
/// reply with a tracking number "hard to read".
pub(crate) fn syllables(word: &str) -> u32 {
    let w: Vec<char> = word.chars().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect();
    if w.is_empty() {
        return 1;
    }
    let letters: Vec<char> = w.into_iter().filter(|c| c.is_alphabetic()).collect();
    if letters.len() <= 3 {
        return 1;
    }
    let mut count = 0u32;
    let mut prev_vowel = false;
    for (i, &c) in letters.iter().enumerate() {
        // A leading "y" is a consonant ("yes", "your").
        let v = is_vowel(c) && !(c == 'y' && i == 0);
        if v && !prev_vowel {
            count += 1;
        }
        prev_vowel = v;
    }
    let n = letters.len();
    let at = |k: usize| letters.get(n.wrapping_sub(k)).copied().unwrap_or(' ');
    let (l1, l2, l3) = (at(1), at(2), at(3));
    let consonant = |c: char| c.is_alphabetic() && !is_vowel(c);
    if l1 == 'e' && !(l2 == 'l' && consonant(l3)) && consonant(l2) {
        // "make", "hope", but not "table", "little".
        count = count.saturating_sub(1);
    } else if l2 == 'e' && l1 == 'd' && consonant(l3) && !matches!(l3, 't' | 'd') {
        // "processed", "arrived" (one group fewer), but "wanted", "needed".
        count = count.saturating_sub(1);
    } else if l2 == 'e' && l1 == 's' && consonant(l3) && !matches!(l3, 's' | 'x' | 'z' | 'h' | 'c' | 'g') {
        // "makes", "hopes", but "boxes", "matches", "changes".
        count = count.saturating_sub(1);
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllable_counts_on_common_words() {
        for (w, n) in [
            ("the", 1),
            ("make", 1),
            ("makes", 1),
            ("table", 2),
            ("little", 2),
            ("wanted", 2),
            ("processed", 2),
            ("arrived", 2),
            ("boxes", 2),
            ("changes", 2),
            ("refund", 2),
            ("escalated", 4),
            ("information", 4),
            ("apologise", 4),
            ("yesterday", 3),
            ("you", 1),
            ("24", 1),
            ("12/03", 1),
            ("I've", 1),
        ] {
            assert_eq!(syllables(w), n, "{w}");
        }
    }
}
