//! Word, clause and sentence segmentation for the reply checks.
//!
//! Kept separate from the sentiment tokenizer on purpose: reply checks need
//! clause boundaries (negation must not leak across a comma) and contraction
//! expansion ("I've" must match a cue written "I have"), and they must not move
//! whenever the sentiment engine's tokenizer is retuned.

/// A word as written, with its position and where it sits in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word<'t> {
    pub raw: &'t str,
    pub start: usize,
    pub end: usize,
    pub sentence: u32,
    pub clause: u32,
    pub sent_start: bool,
}

/// A normalised token: lowercase, contractions expanded. Both halves of an
/// expanded contraction point at the same bytes of the source word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub norm: String,
    pub start: usize,
    pub end: usize,
    pub sentence: u32,
    pub clause: u32,
    pub sent_start: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Clause,
    Sentence,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{2018}')
}

/// Combining marks have no `is_alphanumeric` in std; without this a decomposed
/// "é" would split a name in two.
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Whether `sep` between `before` and `after` stays inside one word:
/// "don't", "15:30", "12/03/2025", "1,000", "e.g", "example.com".
fn joins(before: char, sep: char, after: Option<char>) -> bool {
    let Some(after) = after else { return false };
    if is_apostrophe(sep) {
        return before.is_alphabetic() && after.is_alphabetic();
    }
    match sep {
        '.' => before.is_alphanumeric() && after.is_alphanumeric(),
        ':' | '/' | ',' | '-' => before.is_ascii_digit() && after.is_ascii_digit(),
        _ => false,
    }
}

const ABBREVIATIONS: &[&str] =
    &["mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "approx", "e.g", "i.e", "jr", "sr"];

fn break_after(c: char, next: Option<char>, prev_word: Option<&str>) -> Break {
    match c {
        '!' | '?' | '\n' | '\u{2029}' => Break::Sentence,
        '.' => {
            let ends =
                next.is_none_or(|n| n.is_whitespace() || matches!(n, '"' | '\'' | ')' | '\u{201D}' | '\u{2019}'));
            let abbrev = prev_word.is_some_and(|w| ABBREVIATIONS.iter().any(|a| w.eq_ignore_ascii_case(a)));
            if ends && !abbrev { Break::Sentence } else { Break::Clause }
        }
        // Hyphens and apostrophes between words are not pauses ("follow-up",
        // quoted 'words'); everything else that is not a letter is: commas,
        // brackets, dashes, quotes, emoji.
        '-' | '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' => Break::None,
        c if c.is_whitespace() => Break::None,
        _ => Break::Clause,
    }
}

/// Splits `text` into words with sentence and clause numbers.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::new();
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut pending = Break::None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() {
            let start = i;
            let mut end = i + c.len_utf8();
            let mut last = c;
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() || is_combining(d) {
                    end = j + d.len_utf8();
                    last = d;
                    it.next();
                    continue;
                }
                let after = text.get(j + d.len_utf8()..).and_then(|rest| rest.chars().next());
                if joins(last, d, after) {
                    end = j + d.len_utf8();
                    last = d;
                    it.next();
                    continue;
                }
                break;
            }
            if !out.is_empty() {
                match pending {
                    Break::Sentence => {
                        sentence += 1;
                        clause += 1;
                    }
                    Break::Clause => clause += 1,
                    Break::None => {}
                }
            }
            let sent_start = out.last().is_none_or(|w| w.sentence != sentence);
            out.push(Word { raw: &text[start..end], start, end, sentence, clause, sent_start });
            pending = Break::None;
        } else {
            let next = it.peek().map(|&(_, d)| d);
            let b = break_after(c, next, out.last().map(|w| w.raw));
            pending = pending.max(b);
        }
    }
    out
}

fn normalise_word(raw: &str) -> String {
    raw.chars().map(|c| if is_apostrophe(c) { '\'' } else { c }).flat_map(char::to_lowercase).collect()
}

/// Expands one lowercased word into one or two tokens.
fn expand(w: &str) -> (String, Option<&'static str>) {
    const BARE: &[(&str, &str, &str)] = &[
        ("cannot", "can", "not"),
        ("dont", "do", "not"),
        ("doesnt", "does", "not"),
        ("didnt", "did", "not"),
        ("cant", "can", "not"),
        ("wont", "will", "not"),
        ("isnt", "is", "not"),
        ("arent", "are", "not"),
        ("wasnt", "was", "not"),
        ("werent", "were", "not"),
        ("havent", "have", "not"),
        ("hasnt", "has", "not"),
        ("couldnt", "could", "not"),
        ("wouldnt", "would", "not"),
        ("shouldnt", "should", "not"),
        ("im", "i", "am"),
        ("ive", "i", "have"),
        ("youre", "you", "are"),
        ("weve", "we", "have"),
    ];
    if let Some(&(_, a, b)) = BARE.iter().find(|(k, _, _)| *k == w) {
        return (a.to_string(), Some(b));
    }
    if let Some(base) = w.strip_suffix("n't") {
        let base = match base {
            "wo" => "will",
            "ca" => "can",
            "sha" => "shall",
            "ai" => "is",
            other => other,
        };
        return (base.to_string(), Some("not"));
    }
    for (suffix, full) in [("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'m", "am"), ("'d", "would")] {
        if let Some(base) = w.strip_suffix(suffix)
            && !base.is_empty()
        {
            return (base.to_string(), Some(full));
        }
    }
    if let Some(base) = w.strip_suffix("'s") {
        // Only pronoun-like words take "is"; for anything else "'s" is a
        // possessive and the cue should see the bare noun.
        let full = match base {
            "it" | "that" | "there" | "here" | "what" | "who" | "where" | "how" | "he" | "she" => Some("is"),
            "let" => Some("us"),
            _ => None,
        };
        return (base.to_string(), full);
    }
    (w.to_string(), None)
}

/// Normalised tokens of `text`, in order.
pub(crate) fn tokens(text: &str) -> Vec<Tok> {
    tokens_of(&words(text))
}

pub(crate) fn tokens_of(words: &[Word<'_>]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(words.len() + words.len() / 8);
    for w in words {
        let (first, second) = expand(&normalise_word(w.raw));
        out.push(Tok {
            norm: first,
            start: w.start,
            end: w.end,
            sentence: w.sentence,
            clause: w.clause,
            sent_start: w.sent_start,
        });
        if let Some(s) = second {
            out.push(Tok {
                norm: s.to_string(),
                start: w.start,
                end: w.end,
                sentence: w.sentence,
                clause: w.clause,
                sent_start: false,
            });
        }
    }
    out
}

/// Lowercased words, unexpanded: the unit for near-duplicate comparison,
/// where "I've" and "I have" are a real (if small) edit.
pub(crate) fn lower_words(text: &str) -> Vec<String> {
    words(text).iter().map(|w| normalise_word(w.raw)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(t: &str) -> Vec<String> {
        tokens(t).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn contractions_expand() {
        assert_eq!(norms("I'm not sorry"), ["i", "am", "not", "sorry"]);
        assert_eq!(norms("We won’t, can't"), ["we", "will", "not", "can", "not"]);
        assert_eq!(norms("the customer's order"), ["the", "customer", "order"]);
        assert_eq!(norms("it's fine, let's go"), ["it", "is", "fine", "let", "us", "go"]);
    }

    #[test]
    fn numbers_times_and_dates_stay_whole() {
        assert_eq!(
            norms("at 15:30 on 12/03/2025, 1,000 items, 3pm"),
            ["at", "15:30", "on", "12/03/2025", "1,000", "items", "3pm"]
        );
    }

    #[test]
    fn sentences_and_clauses() {
        let w = words("Hi Anna, thanks. Mr. Smith said hi!\nNew line");
        let s: Vec<u32> = w.iter().map(|w| w.sentence).collect();
        assert_eq!(s, [0, 0, 0, 1, 1, 1, 1, 2, 2]);
        assert_ne!(w[1].clause, w[2].clause);
        assert!(w[3].sent_start && !w[4].sent_start && w[7].sent_start);
    }
}
