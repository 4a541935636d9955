//! Tokenizer for chat, email and social text.
//!
//! It turns a message into a flat list of [`Token`]s with byte offsets into the
//! original text. It knows about words with contractions (`don't`, `can’t`),
//! `@mentions`, `#hashtags` (camel-case tags are split into their words so that
//! `#NeverAgain` reads as "never again"), URLs, ASCII emoticons (the list comes
//! from the lexicon), emoji (with skin-tone / variation / ZWJ modifiers),
//! elongated words (`sooo` → `soo`, with `so` as alternative), ALL-CAPS words and
//! runs of `!`/`?`.
//!
//! Every offset is a char boundary of the input: the scanner only ever advances
//! by whole chars. Nothing here allocates per call except the token vector and
//! the lower-cased form of words that need it.

use std::borrow::Cow;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters/digits with internal apostrophes (`don't`, `it’s`, `2nd`).
    Word,
    /// A `#hashtag`, or one camel-case segment of it. `norm` has no `#`; the
    /// first segment's span includes the `#`.
    Hashtag,
    /// An `@handle`. Carries no sentiment.
    Mention,
    /// `http://…`, `https://…`, `www.…`. Ignored by the scorer.
    Url,
    /// An ASCII emoticon such as `:)` or `:-(`. `norm` is the pattern.
    Emoticon,
    /// One emoji (possibly with modifiers). `norm` is the base character.
    Emoji,
    /// End of a sentence: a run of `.`, `!`, `?`, `…`, or a blank line.
    /// `bangs` and `questions` count the `!` and `?` in the run.
    Terminal,
    /// A clause break: `,` `;` `:` brackets, a dash, a single newline.
    Clause,
}

/// One token. `start..end` are byte offsets into the tokenized text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// Normalised form: lower case, `’` → `'`, letter runs of 3+ cut to 2.
    pub norm: Cow<'a, str>,
    /// For elongated words: the form with those runs cut to 1 (`sooo` → `so`).
    pub alt: Option<String>,
    /// At least two letters and all letters upper case.
    pub caps: bool,
    /// Contains a lower-case letter.
    pub has_lower: bool,
    /// Had a run of 3+ identical letters.
    pub elongated: bool,
    /// Number of `!` in a `Terminal` run.
    pub bangs: u32,
    /// Number of `?` in a `Terminal` run.
    pub questions: u32,
}

impl<'a> Token<'a> {
    fn simple(kind: TokenKind, start: usize, end: usize, norm: &'a str) -> Self {
        Token {
            kind,
            start,
            end,
            norm: Cow::Borrowed(norm),
            alt: None,
            caps: false,
            has_lower: false,
            elongated: false,
            bangs: 0,
            questions: 0,
        }
    }
}

/// A tokenizer with a fixed set of ASCII emoticon patterns.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    /// Longest first, so `:-((` wins over `:-(`.
    emoticons: Vec<&'static str>,
    /// ASCII bytes that start some emoticon.
    starts: [bool; 128],
}

const URL_PREFIXES: [&str; 3] = ["http://", "https://", "www."];

impl Tokenizer {
    /// Builds a tokenizer that recognises the given ASCII emoticons.
    /// Non-ASCII or empty patterns are ignored (emoji are recognised by range).
    pub fn new<I: IntoIterator<Item = &'static str>>(patterns: I) -> Self {
        let mut emoticons: Vec<&'static str> = patterns.into_iter().filter(|p| !p.is_empty() && p.is_ascii()).collect();
        emoticons.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        emoticons.dedup();
        let mut starts = [false; 128];
        for p in &emoticons {
            if let Some(&b) = p.as_bytes().first() {
                starts[usize::from(b & 0x7f)] = true;
            }
        }
        Tokenizer { emoticons, starts }
    }

    /// Splits `text` into tokens. Never panics; all offsets are char boundaries.
    pub fn tokenize<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        let mut i = 0usize;
        let mut prev: Option<char> = None;
        while let Some(c) = text[i..].chars().next() {
            let rest = &text[i..];
            let next = rest[c.len_utf8()..].chars().next();
            let prev_alnum = prev.is_some_and(char::is_alphanumeric);

            // Whitespace: a blank line ends a sentence, a single newline a clause.
            if c.is_whitespace() {
                let len = span_while(rest, char::is_whitespace);
                let newlines = rest[..len].matches('\n').count();
                if newlines >= 2 {
                    out.push(Token::simple(TokenKind::Terminal, i, i + len, ""));
                } else if newlines == 1 {
                    out.push(Token::simple(TokenKind::Clause, i, i + len, ""));
                }
                prev = Some(' ');
                i += len;
                continue;
            }

            // URLs run to the next whitespace.
            if !prev_alnum && URL_PREFIXES.iter().any(|p| starts_with_ignore_ascii_case(rest, p)) {
                let len = span_while(rest, |ch| !ch.is_whitespace());
                out.push(Token::simple(TokenKind::Url, i, i + len, &rest[..len]));
                prev = rest[..len].chars().next_back();
                i += len;
                continue;
            }

            // ASCII emoticons (checked before words: `XD` starts with a letter).
            if c.is_ascii()
                && self.starts[usize::from(c as u8 & 0x7f)]
                && let Some(len) = self.match_emoticon(rest, prev_alnum)
            {
                out.push(Token::simple(TokenKind::Emoticon, i, i + len, &rest[..len]));
                prev = rest[..len].chars().next_back();
                i += len;
                continue;
            }

            if c == '@' && !prev_alnum && next.is_some_and(is_handle_char) {
                let len = 1 + span_while(&rest[1..], is_handle_char);
                out.push(Token::simple(TokenKind::Mention, i, i + len, &rest[..len]));
                prev = rest[..len].chars().next_back();
                i += len;
                continue;
            }

            if c == '#' && !prev_alnum && next.is_some_and(char::is_alphanumeric) {
                let len = 1 + span_while(&rest[1..], |ch| ch.is_alphanumeric() || ch == '_');
                push_hashtag(&mut out, text, i, i + len);
                prev = rest[..len].chars().next_back();
                i += len;
                continue;
            }

            if c.is_alphanumeric() {
                let len = word_len(rest);
                let raw = &rest[..len];
                let n = normalize_word(raw);
                out.push(Token {
                    kind: TokenKind::Word,
                    start: i,
                    end: i + len,
                    norm: n.norm,
                    alt: n.alt,
                    caps: n.caps,
                    has_lower: n.has_lower,
                    elongated: n.elongated,
                    bangs: 0,
                    questions: 0,
                });
                prev = raw.chars().next_back();
                i += len;
                continue;
            }

            if is_emoji(c) {
                let len = emoji_len(rest);
                let base = &rest[..c.len_utf8()];
                out.push(Token::simple(TokenKind::Emoji, i, i + len, base));
                prev = Some(c);
                i += len;
                continue;
            }

            // HTML-escaped text from social exports: "&amp;" and "&" read as "and",
            // "&lt;3" as the heart emoticon.
            if c == '&' {
                let (len, kind, norm) = if starts_with_ignore_ascii_case(rest, "&lt;3") {
                    (5, TokenKind::Emoticon, "<3")
                } else if starts_with_ignore_ascii_case(rest, "&amp;") {
                    (5, TokenKind::Word, "and")
                } else {
                    (1, TokenKind::Word, "and")
                };
                let mut t = Token::simple(kind, i, i + len, norm);
                t.has_lower = kind == TokenKind::Word;
                out.push(t);
                prev = Some(';');
                i += len;
                continue;
            }

            match c {
                '!' | '?' | '‼' | '⁉' | '！' | '？' | '.' | '…' | '。' => {
                    // A '.' inside "3.5", "e.g" or "example.com" is not a sentence end.
                    if c == '.' && prev_alnum && next.is_some_and(char::is_alphanumeric) {
                        prev = Some(c);
                        i += 1;
                        continue;
                    }
                    let len =
                        span_while(rest, |ch| matches!(ch, '!' | '?' | '‼' | '⁉' | '！' | '？' | '.' | '…' | '。'));
                    let run = &rest[..len];
                    let mut t = Token::simple(TokenKind::Terminal, i, i + len, run);
                    for ch in run.chars() {
                        match ch {
                            '!' | '！' => t.bangs += 1,
                            '?' | '？' => t.questions += 1,
                            '‼' => t.bangs += 2,
                            '⁉' => {
                                t.bangs += 1;
                                t.questions += 1;
                            }
                            _ => {}
                        }
                    }
                    out.push(t);
                    prev = run.chars().next_back();
                    i += len;
                }
                ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–' | '，' | '；' => {
                    let len = c.len_utf8();
                    out.push(Token::simple(TokenKind::Clause, i, i + len, &rest[..len]));
                    prev = Some(c);
                    i += len;
                }
                '-' if !prev_alnum => {
                    // A free-standing dash (" - ") separates clauses; in-word
                    // hyphens ("follow-up") just split the words.
                    out.push(Token::simple(TokenKind::Clause, i, i + 1, &rest[..1]));
                    prev = Some(c);
                    i += 1;
                }
                _ => {
                    prev = Some(c);
                    i += c.len_utf8();
                }
            }
        }
        out
    }

    /// Length in bytes of the emoticon at the start of `rest`, if any.
    fn match_emoticon(&self, rest: &str, prev_alnum: bool) -> Option<usize> {
        for p in &self.emoticons {
            if !rest.starts_with(p) {
                continue;
            }
            let after = rest[p.len()..].chars().next();
            if after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            let letter_start = p.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric);
            if letter_start && prev_alnum {
                continue;
            }
            return Some(p.len());
        }
        None
    }
}

fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’' || c == 'ʼ'
}

/// Byte length of the longest prefix whose chars all satisfy `f`.
fn span_while(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices().find(|&(_, c)| !f(c)).map_or(s.len(), |(idx, _)| idx)
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Byte length of a word: alphanumerics with single internal apostrophes.
fn word_len(s: &str) -> usize {
    let mut end = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((idx, c)) = chars.next() {
        if c.is_alphanumeric() {
            end = idx + c.len_utf8();
        } else if is_apostrophe(c) && end == idx && end > 0 && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric()) {
            // internal apostrophe: keep going
        } else {
            break;
        }
    }
    end
}

/// Emoji code points (pictographs, dingbats, symbols) that we treat as tokens.
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF   // mahjong … symbols & pictographs ext-A (incl. flags, emoticons)
        | 0x2600..=0x27BF   // misc symbols, dingbats (☹ ☺ ❤ ✅ ❌ …)
        | 0x2300..=0x23FF   // misc technical (⌛ ⏰ ⏳)
        | 0x2B00..=0x2BFF   // arrows/stars (⭐ ⬛)
        | 0x2190..=0x21FF   // arrows
        | 0x3030 | 0x303D | 0x3297 | 0x3299
    )
}

fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32,
        0xFE0E | 0xFE0F          // variation selectors
        | 0x1F3FB..=0x1F3FF      // skin tones
        | 0x20E3                 // keycap
        | 0xE0020..=0xE007F      // tag characters
    )
}

/// Byte length of one emoji with its modifiers and ZWJ continuations.
fn emoji_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    let mut end = first.len_utf8();
    let mut after_zwj = false;
    for (idx, c) in chars {
        if is_emoji_modifier(c) || (after_zwj && is_emoji(c)) {
            end = idx + c.len_utf8();
            after_zwj = false;
        } else if c == '\u{200D}' {
            end = idx + c.len_utf8();
            after_zwj = true;
        } else {
            break;
        }
    }
    end
}

/// Splits a hashtag into camel-case / underscore segments and pushes them.
fn push_hashtag<'a>(out: &mut Vec<Token<'a>>, text: &'a str, start: usize, end: usize) {
    let body_start = start + 1; // '#' is one byte
    let body = &text[body_start..end];
    let mut seg_start = 0usize;
    let mut prev: Option<char> = None;
    let mut first = true;
    let emit = |from: usize, to: usize, first: &mut bool, out: &mut Vec<Token<'a>>| {
        if from >= to {
            return;
        }
        let raw = &body[from..to];
        let n = normalize_word(raw);
        let tok_start = if *first { start } else { body_start + from };
        *first = false;
        out.push(Token {
            kind: TokenKind::Hashtag,
            start: tok_start,
            end: body_start + to,
            norm: n.norm,
            alt: n.alt,
            caps: n.caps,
            has_lower: n.has_lower,
            elongated: n.elongated,
            bangs: 0,
            questions: 0,
        });
    };
    for (idx, c) in body.char_indices() {
        if c == '_' {
            emit(seg_start, idx, &mut first, out);
            seg_start = idx + 1;
            prev = None;
            continue;
        }
        let boundary = match prev {
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_alphabetic() && c.is_ascii_digit())
                    || (p.is_ascii_digit() && c.is_alphabetic())
            }
            None => false,
        };
        if boundary {
            emit(seg_start, idx, &mut first, out);
            seg_start = idx;
        }
        prev = Some(c);
    }
    emit(seg_start, body.len(), &mut first, out);
}

struct Normalized<'a> {
    norm: Cow<'a, str>,
    alt: Option<String>,
    caps: bool,
    has_lower: bool,
    elongated: bool,
}

/// Lower-cases a word, maps curly apostrophes to `'` and handles elongation.
fn normalize_word(raw: &str) -> Normalized<'_> {
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut lower = 0usize;
    let mut needs_copy = false;
    let mut elongated = false;
    let mut last: Option<char> = None;
    let mut run = 0usize;
    for c in raw.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            }
            if c.is_lowercase() {
                lower += 1;
            }
        }
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\'') {
            needs_copy = true;
        }
        let lc = c.to_lowercase().next().unwrap_or(c);
        if Some(lc) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(lc);
        }
        if run >= 3 && c.is_alphabetic() {
            elongated = true;
        }
    }
    let caps = letters >= 2 && upper == letters;
    let has_lower = lower > 0;
    if !needs_copy && !elongated {
        return Normalized { norm: Cow::Borrowed(raw), alt: None, caps, has_lower, elongated };
    }
    let mut lowered = String::with_capacity(raw.len());
    for c in raw.chars() {
        if is_apostrophe(c) {
            lowered.push('\'');
        } else {
            lowered.extend(c.to_lowercase());
        }
    }
    if !elongated {
        return Normalized { norm: Cow::Owned(lowered), alt: None, caps, has_lower, elongated };
    }
    let norm = collapse_runs(&lowered, 2);
    let alt = collapse_runs(&lowered, 1);
    let alt = (alt != norm).then_some(alt);
    Normalized { norm: Cow::Owned(norm), alt, caps, has_lower, elongated }
}

/// Cuts runs of 3+ identical letters down to `keep` letters.
/// Runs of one or two letters are kept as they are.
fn collapse_runs(s: &str, keep: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i + 1;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let run = j - i;
        let n = if run >= 3 && c.is_alphabetic() { keep } else { run };
        for _ in 0..n {
            out.push(c);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tk() -> Tokenizer {
        Tokenizer::new([":)", ":-)", ":(", ":-(", ":D", "XD", "<3", ":/", ":'("])
    }

    fn kinds_norms(text: &str) -> Vec<(TokenKind, String)> {
        tk().tokenize(text).into_iter().map(|t| (t.kind, t.norm.into_owned())).collect()
    }

    #[test]
    fn contractions_stay_one_word_and_curly_apostrophes_are_normalised() {
        let toks = kinds_norms("I don’t know, can't WON'T");
        let words: Vec<_> = toks.iter().filter(|(k, _)| *k == TokenKind::Word).map(|(_, n)| n.as_str()).collect();
        assert_eq!(words, ["i", "don't", "know", "can't", "won't"]);
    }

    #[test]
    fn urls_mentions_and_hashtags_are_recognised() {
        let toks = tk().tokenize("@Acme_help see https://x.co/a?b=1 #EpicFail #fail");
        assert_eq!(toks[0].kind, TokenKind::Mention);
        assert_eq!(toks[2].kind, TokenKind::Url);
        assert_eq!(toks[2].norm, "https://x.co/a?b=1");
        let tags: Vec<_> = toks.iter().filter(|t| t.kind == TokenKind::Hashtag).map(|t| t.norm.as_ref()).collect();
        assert_eq!(tags, ["epic", "fail", "fail"]);
    }

    #[test]
    fn emoticons_and_emoji_are_tokens() {
        let text = "great :) bad:( ok XD ❤️ 👍🏽 10:30";
        let toks = tk().tokenize(text);
        let emo: Vec<_> = toks
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Emoticon | TokenKind::Emoji))
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(emo, [":)", ":(", "XD", "❤️", "👍🏽"]);
    }

    #[test]
    fn elongation_is_cut_and_remembered() {
        let toks = tk().tokenize("sooo goooood");
        assert_eq!(toks[0].norm, "soo");
        assert_eq!(toks[0].alt.as_deref(), Some("so"));
        assert!(toks[0].elongated);
        assert_eq!(toks[1].norm, "good");
        assert_eq!(toks[1].alt.as_deref(), Some("god"));
    }

    #[test]
    fn caps_and_punctuation_runs() {
        let toks = tk().tokenize("NEVER again!!! Really?!");
        assert!(toks[0].caps);
        assert!(!toks[1].caps);
        assert_eq!(toks[2].kind, TokenKind::Terminal);
        assert_eq!(toks[2].bangs, 3);
        assert_eq!(toks[4].bangs, 1);
        assert_eq!(toks[4].questions, 1);
    }

    #[test]
    fn offsets_are_char_boundaries_on_odd_unicode() {
        let text = "ẞtraße 👩‍👩‍👧‍👦 é\u{301} 🇫🇷 a\u{200D}b ‼ 😡😡";
        for t in tk().tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.start < t.end);
        }
    }
}
