//! Word, clause and sentence segmentation for the reply checks.
//!
//! Kept separate from the sentiment tokenizer on purpose: reply checks need
//! clause boundaries (negation must not leak across a comma) and contraction
//! expansion ("I've" must match a cue written "I have"), and they must not move
//! whenever the sentiment engine's tokenizer is retuned.
//!
//! [`Tokens`] is reusable: the normalised forms of all tokens live in one
//! string buffer, each token carries a hash of its form for the cue index, and
//! reading a new text reuses the buffers, so checking replies in bulk does not
//! allocate once the buffers have grown.

/// A word as written: its byte range, and where it sits in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    pub sentence: u32,
    pub clause: u32,
    pub sent_start: bool,
}

impl Word {
    /// The word as written in `text` (the text it was read from).
    pub(crate) fn raw<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or_default()
    }
}

/// A normalised token: lowercase, contractions expanded. Both halves of an
/// expanded contraction point at the same bytes of the source word. Its form
/// is [`Tokens::norm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Byte range of the normalised form in [`Tokens`]' buffer.
    norm_start: u32,
    norm_end: u32,
    /// [`hash`] of the normalised form.
    pub hash: u64,
    pub start: usize,
    pub end: usize,
    pub sentence: u32,
    pub clause: u32,
    pub sent_start: bool,
}

/// The words and tokens of one text, in reusable buffers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokens {
    pub words: Vec<Word>,
    pub toks: Vec<Tok>,
    buf: String,
}

impl Tokens {
    /// The words and tokens of `text`, in new buffers.
    pub(crate) fn of(text: &str) -> Tokens {
        let mut t = Tokens::default();
        t.read(text);
        t
    }

    /// Replaces the contents with the words and tokens of `text`.
    pub(crate) fn read(&mut self, text: &str) {
        words_into(text, &mut self.words);
        self.toks.clear();
        self.buf.clear();
        for w in &self.words {
            let s = self.buf.len();
            normalise_into(w.raw(text), &mut self.buf);
            let (head, second) = expand(&self.buf[s..]);
            if let Head::Replace(r) = head {
                self.buf.truncate(s);
                self.buf.push_str(r);
            } else if let Head::Keep(len) = head {
                self.buf.truncate(s + len);
            }
            let e = self.buf.len();
            self.toks.push(Tok {
                norm_start: offset(s),
                norm_end: offset(e),
                hash: hash(&self.buf[s..e]),
                start: w.start,
                end: w.end,
                sentence: w.sentence,
                clause: w.clause,
                sent_start: w.sent_start,
            });
            if let Some(second) = second {
                self.buf.push_str(second);
                self.toks.push(Tok {
                    norm_start: offset(e),
                    norm_end: offset(self.buf.len()),
                    hash: hash(second),
                    start: w.start,
                    end: w.end,
                    sentence: w.sentence,
                    clause: w.clause,
                    sent_start: false,
                });
            }
        }
    }

    /// The normalised form of token `i` ("" past the end).
    pub(crate) fn norm(&self, i: usize) -> &str {
        self.toks.get(i).and_then(|t| self.buf.get(t.norm_start as usize..t.norm_end as usize)).unwrap_or_default()
    }

    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    /// All normalised forms, in order.
    pub(crate) fn norms(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.toks.len()).map(|i| self.norm(i))
    }
}

/// Buffer offsets are u32 to keep tokens small; a text over 4 GiB cannot reach
/// here (inputs are size-limited long before), and saturating keeps it safe.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// FNV-1a over the bytes, then the SplitMix64 finaliser: the cue index key
/// of a normalised form. Stable, so it is the same for a cue phrase parsed
/// once and a token read later.
pub(crate) fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
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
pub(crate) fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    words_into(text, &mut out);
    out
}

/// [`words`] into a reused vector (cleared first).
pub(crate) fn words_into(text: &str, out: &mut Vec<Word>) {
    out.clear();
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut pending = Break::None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        // Handles and links are addresses, not words of the reply: "@115716 Press and hold" starts a
        // sentence at "Press", and "@Tesco" or "https" in both messages is no sign of reading the problem.
        let rest = &text[i..];
        let handle = c == '@' && rest[1..].starts_with(|d: char| d.is_alphanumeric() || d == '_');
        if handle || starts_with_link(rest) {
            while it.next_if(|&(_, d)| !d.is_whitespace()).is_some() {}
            continue;
        }
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
            out.push(Word { start, end, sentence, clause, sent_start });
            pending = Break::None;
        } else {
            let next = it.peek().map(|&(_, d)| d);
            let b = break_after(c, next, out.last().map(|w| w.raw(text)));
            pending = pending.max(b);
        }
    }
}

/// Whether `s` starts with a web address.
fn starts_with_link(s: &str) -> bool {
    ["http://", "https://", "www."].iter().any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

/// Appends `raw` lowercased, with every apostrophe written `'`.
fn normalise_into(raw: &str, buf: &mut String) {
    if raw.is_ascii() {
        buf.extend(raw.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        buf.extend(raw.chars().map(|c| if is_apostrophe(c) { '\'' } else { c }).flat_map(char::to_lowercase));
    }
}

fn normalise_word(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    normalise_into(raw, &mut s);
    s
}

/// The first token of an expanded word: a prefix of the word (its length),
/// or another word.
enum Head {
    Keep(usize),
    Replace(&'static str),
}

/// Expands one lowercased word into one or two tokens.
fn expand(w: &str) -> (Head, Option<&'static str>) {
    // A match compiles to a jump on the length and one comparison; most words are none of these.
    let bare = match w {
        "cannot" => Some(("can", "not")),
        "dont" => Some(("do", "not")),
        "doesnt" => Some(("does", "not")),
        "didnt" => Some(("did", "not")),
        "cant" => Some(("can", "not")),
        "wont" => Some(("will", "not")),
        "isnt" => Some(("is", "not")),
        "arent" => Some(("are", "not")),
        "wasnt" => Some(("was", "not")),
        "werent" => Some(("were", "not")),
        "havent" => Some(("have", "not")),
        "hasnt" => Some(("has", "not")),
        "couldnt" => Some(("could", "not")),
        "wouldnt" => Some(("would", "not")),
        "shouldnt" => Some(("should", "not")),
        "im" => Some(("i", "am")),
        "ive" => Some(("i", "have")),
        "youre" => Some(("you", "are")),
        "weve" => Some(("we", "have")),
        _ => None,
    };
    if let Some((a, b)) = bare {
        return (Head::Replace(a), Some(b));
    }
    // Every other expansion is of a word with an apostrophe.
    if !w.as_bytes().contains(&b'\'') {
        return (Head::Keep(w.len()), None);
    }
    if let Some(base) = w.strip_suffix("n't") {
        let head = match base {
            "wo" => Head::Replace("will"),
            "ca" => Head::Replace("can"),
            "sha" => Head::Replace("shall"),
            "ai" => Head::Replace("is"),
            other => Head::Keep(other.len()),
        };
        return (head, Some("not"));
    }
    for (suffix, full) in [("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'m", "am"), ("'d", "would")] {
        if let Some(base) = w.strip_suffix(suffix)
            && !base.is_empty()
        {
            return (Head::Keep(base.len()), Some(full));
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
        return (Head::Keep(base.len()), full);
    }
    (Head::Keep(w.len()), None)
}

/// Lowercased words, unexpanded: the unit for near-duplicate comparison,
/// where "I've" and "I have" are a real (if small) edit.
pub(crate) fn lower_words(text: &str) -> Vec<String> {
    words(text).iter().map(|w| normalise_word(w.raw(text))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(t: &str) -> Vec<String> {
        Tokens::of(t).norms().map(str::to_owned).collect()
    }

    #[test]
    fn contractions_expand() {
        assert_eq!(norms("I'm not sorry"), ["i", "am", "not", "sorry"]);
        assert_eq!(norms("We won’t, can't"), ["we", "will", "not", "can", "not"]);
        assert_eq!(norms("the customer's order"), ["the", "customer", "order"]);
        assert_eq!(norms("it's fine, let's go"), ["it", "is", "fine", "let", "us", "go"]);
        assert_eq!(norms("Ain't ÉTÉ’s n't"), ["is", "not", "été", "", "not"]);
    }

    #[test]
    fn numbers_times_and_dates_stay_whole() {
        assert_eq!(
            norms("at 15:30 on 12/03/2025, 1,000 items, 3pm"),
            ["at", "15:30", "on", "12/03/2025", "1,000", "items", "3pm"]
        );
    }

    #[test]
    fn a_reused_buffer_reads_each_text_afresh_and_hashes_forms() {
        let mut t = Tokens::of("We're SORRY about the long wait, really");
        t.read("Ok");
        assert_eq!(t.norms().collect::<Vec<_>>(), ["ok"]);
        t.read("Sorry, sorry!");
        assert_eq!(t.toks[0].hash, t.toks[1].hash);
        assert_eq!(t.toks[0].hash, hash("sorry"));
        assert_eq!(t.norm(7), "");
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
