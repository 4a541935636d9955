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
//! A token carries the hash of its normalised form ([`crate::hash`]), never a
//! string: tokenizing into a reused vector allocates nothing. Every offset is a
//! char boundary of the input: the scanner only ever advances by whole chars.

use crate::hash;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters/digits with internal apostrophes (`don't`, `it’s`, `2nd`).
    Word,
    /// A `#hashtag`, or one camel-case segment of it. The first segment's span includes the `#`.
    Hashtag,
    /// An `@handle`. Carries no sentiment.
    Mention,
    /// `http://…`, `https://…`, `www.…`.
    Url,
    /// An ASCII emoticon such as `:)` or `:-(`; `hash` is of the pattern as written.
    Emoticon,
    /// One emoji (possibly with modifiers); `hash` is of the base character.
    Emoji,
    /// End of a sentence: a run of `.`, `!`, `?`, `…`, or a blank line.
    /// `bangs` and `questions` count the `!` and `?` in the run.
    Terminal,
    /// A clause break: `,` `;` `:` brackets, a dash, a single newline.
    Clause,
}

/// One token. `start..end` are byte offsets into the tokenized text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// Hash of the normalised form (lower case, `’` → `'`, letter runs of 3+ cut to 2); 0 for breaks.
    pub hash: u64,
    /// For elongated words: hash of the form with those runs cut to 1 (`sooo` → `so`), else `hash`.
    pub alt: u64,
    /// Hash of the word's stem ([`hash::stem`]); `hash` when nothing is stripped.
    pub stem: u64,
    /// At least two letters and all letters upper case.
    pub caps: bool,
    /// Contains a lower-case letter.
    pub has_lower: bool,
    /// Had a run of 3+ identical letters.
    pub elongated: bool,
    /// A word ending in `n't` (a negator whatever the lexicon says).
    pub nt: bool,
    /// A word made of digits only (order and flight numbers are one feature, not thousands).
    pub number: bool,
    /// Number of `!` in a `Terminal` run.
    pub bangs: u32,
    /// Number of `?` in a `Terminal` run.
    pub questions: u32,
}

/// The hash every URL token carries (URLs are one feature, whatever they point at).
pub const URL_HASH: u64 = 0x0075_726c_5f74_6f6b;
/// The hash every mention token carries.
pub const MENTION_HASH: u64 = 0x6d_65_6e_74_69_6f_6e;

impl Token {
    fn simple(kind: TokenKind, start: usize, end: usize, hash: u64) -> Self {
        Token {
            kind,
            start,
            end,
            hash,
            alt: hash,
            stem: hash,
            caps: false,
            has_lower: false,
            elongated: false,
            nt: false,
            number: false,
            bangs: 0,
            questions: 0,
        }
    }

    /// Whether this token reads as a word (words and hashtag segments).
    #[inline]
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Hashtag)
    }

    /// The normalised form as a string (for feature names and evidence; allocates).
    pub fn norm(&self, text: &str) -> String {
        let raw = text.get(self.start..self.end).unwrap_or("");
        match self.kind {
            TokenKind::Word | TokenKind::Hashtag => hash::normalised(raw.trim_start_matches('#')),
            TokenKind::Emoji => raw.chars().next().map(String::from).unwrap_or_default(),
            TokenKind::Url => "<url>".to_string(),
            TokenKind::Emoticon if raw.starts_with('&') => "<3".to_string(),
            TokenKind::Mention => "<mention>".to_string(),
            _ => raw.to_string(),
        }
    }
}

/// A tokenizer with a fixed set of ASCII emoticon patterns.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    /// Patterns by their first (ASCII) byte, longest first, so `:-((` wins over `:-(` and a
    /// position is compared only with the patterns that can start there.
    emoticons: Vec<Vec<Emoticon>>,
    /// By first byte, the set of second bytes some pattern starting with it has (all bytes for a
    /// one-byte pattern): most words start with a letter some emoticon starts with ("T" of `T_T`),
    /// and this answers them without trying the patterns.
    seconds: Vec<u128>,
}

/// An ASCII emoticon of at most 8 bytes, as a little-endian byte group: a position matches it when
/// the 8 bytes loaded there agree under `mask` (one compare instead of a string comparison).
#[derive(Debug, Clone, Copy)]
struct Emoticon {
    bytes: u64,
    mask: u64,
    len: usize,
    /// Starts with a letter or digit (`XD`), so it must not continue a word.
    letter_start: bool,
}

impl Emoticon {
    fn new(p: &str) -> Option<Emoticon> {
        let len = p.len();
        ((1..=8).contains(&len) && !p.bytes().any(|b| b == 0)).then(|| Emoticon {
            bytes: hash::load_le(p.as_bytes(), 0, len),
            mask: if len == 8 { u64::MAX } else { (1u64 << (8 * len)) - 1 },
            len,
            letter_start: p.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric),
        })
    }
}

const URL_PREFIXES: [&str; 3] = ["http://", "https://", "www."];

impl Tokenizer {
    /// Builds a tokenizer that recognises the given ASCII emoticons.
    /// Non-ASCII or empty patterns are ignored (emoji are recognised by range).
    pub fn new<I: IntoIterator<Item = &'static str>>(patterns: I) -> Self {
        let mut emoticons: Vec<&'static str> = patterns.into_iter().filter(|p| !p.is_empty() && p.is_ascii()).collect();
        emoticons.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        emoticons.dedup();
        let mut by_byte: Vec<Vec<Emoticon>> = vec![Vec::new(); 128];
        let mut seconds = vec![0u128; 128];
        for p in emoticons {
            if let (Some(&b), Some(e)) = (p.as_bytes().first(), Emoticon::new(p)) {
                by_byte[usize::from(b & 0x7f)].push(e);
                seconds[usize::from(b & 0x7f)] |= p.as_bytes().get(1).map_or(u128::MAX, |&c| 1u128 << (c & 0x7f));
            }
        }
        Tokenizer { emoticons: by_byte, seconds }
    }

    /// Splits `text` into a new vector of tokens.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        self.tokenize_into(text, &mut out);
        out
    }

    /// Splits `text` into tokens, replacing the contents of `out` (whose capacity is reused).
    /// Never panics; all offsets are char boundaries.
    pub fn tokenize_into(&self, text: &str, out: &mut Vec<Token>) {
        self.tokenize_marks::<true>(text, out);
    }

    /// [`tokenize_into`](Self::tokenize_into), with the ASCII marks read by [`ascii_mark`] or (for
    /// the tests that check it against the general path) not.
    #[inline(always)]
    fn tokenize_marks<const FAST_MARKS: bool>(&self, text: &str, out: &mut Vec<Token>) {
        out.clear();
        let mut i = 0usize;
        // Whether the char before `i` is a letter or digit (a mention, hashtag or URL must not
        // continue a word; a letter-led emoticon like `XD` neither).
        let mut prev_alnum = false;
        let bytes = text.as_bytes();
        while let Some(&b) = bytes.get(i) {
            // Fast paths for the common ASCII cases: a single space, and a plain ASCII word (not a
            // URL or an emoticon start, not running on into non-ASCII letters like "café" or "don’t").
            if b == b' ' {
                prev_alnum = false;
                i += 1;
                continue;
            }
            if b.is_ascii_alphanumeric()
                && !(matches!(b, b'h' | b'H' | b'w' | b'W')
                    && bytes.get(i + 1).is_some_and(|c| matches!(c | 0x20, b't' | b'w'))
                    && URL_PREFIXES.iter().any(|p| starts_with_ignore_ascii_case(&text[i..], p)))
                && (self.emoticons[usize::from(b)].is_empty()
                    || self.match_emoticon(&text[i..], prev_alnum).is_none())
            {
                if let Some(t) = short_ascii_word(bytes, i) {
                    prev_alnum = true;
                    i = t.end;
                    out.push(t);
                    continue;
                }
                let mut j = i + 1;
                while let Some(&c) = bytes.get(j) {
                    if c.is_ascii_alphanumeric()
                        || (c == b'\'' && bytes.get(j + 1).is_some_and(u8::is_ascii_alphanumeric))
                    {
                        j += 1;
                    } else {
                        break;
                    }
                }
                if bytes.get(j).is_none_or(|&c| c < 0x80) {
                    if !push_ascii_word(out, bytes, i, j) {
                        out.push(word_token(TokenKind::Word, &text[i..j], i, j));
                    }
                    prev_alnum = true;
                    i = j;
                    continue;
                }
            }
            if FAST_MARKS && let Some((end, alnum)) = self.ascii_mark(text, i, prev_alnum, out) {
                prev_alnum = alnum;
                i = end;
                continue;
            }
            let Some(c) = text[i..].chars().next() else { break };
            let rest = &text[i..];
            let next = rest[c.len_utf8()..].chars().next();

            // Whitespace: a blank line ends a sentence, a single newline a clause.
            if c.is_whitespace() {
                let len = span_while(rest, char::is_whitespace);
                let newlines = rest.as_bytes()[..len].iter().filter(|&&b| b == b'\n').count();
                if newlines >= 2 {
                    out.push(Token::simple(TokenKind::Terminal, i, i + len, 0));
                } else if newlines == 1 {
                    out.push(Token::simple(TokenKind::Clause, i, i + len, 0));
                }
                prev_alnum = false;
                i += len;
                continue;
            }

            // URLs run to the next whitespace.
            if matches!(c, 'h' | 'H' | 'w' | 'W')
                && !prev_alnum
                && URL_PREFIXES.iter().any(|p| starts_with_ignore_ascii_case(rest, p))
            {
                let len = span_while(rest, |ch| !ch.is_whitespace());
                out.push(Token::simple(TokenKind::Url, i, i + len, URL_HASH));
                prev_alnum = rest[..len].chars().next_back().is_some_and(char::is_alphanumeric);
                i += len;
                continue;
            }

            // ASCII emoticons (checked before words: `XD` starts with a letter).
            if c.is_ascii()
                && !self.emoticons[usize::from(c as u8 & 0x7f)].is_empty()
                && let Some(len) = self.match_emoticon(rest, prev_alnum)
            {
                out.push(Token::simple(TokenKind::Emoticon, i, i + len, hash::bytes(&rest.as_bytes()[..len])));
                prev_alnum = rest[..len].chars().next_back().is_some_and(char::is_alphanumeric);
                i += len;
                continue;
            }

            if c == '@' && !prev_alnum && next.is_some_and(is_handle_char) {
                let len = 1 + span_while(&rest[1..], is_handle_char);
                out.push(Token::simple(TokenKind::Mention, i, i + len, MENTION_HASH));
                prev_alnum = rest[..len].chars().next_back().is_some_and(char::is_alphanumeric);
                i += len;
                continue;
            }

            if c == '#' && !prev_alnum && next.is_some_and(char::is_alphanumeric) {
                let len = 1 + span_while(&rest[1..], |ch| ch.is_alphanumeric() || ch == '_');
                push_hashtag(out, text, i, i + len);
                prev_alnum = rest[..len].chars().next_back().is_some_and(char::is_alphanumeric);
                i += len;
                continue;
            }

            if c.is_alphanumeric() {
                let len = word_len(rest);
                let raw = &rest[..len];
                out.push(word_token(TokenKind::Word, raw, i, i + len));
                prev_alnum = raw.chars().next_back().is_some_and(char::is_alphanumeric);
                i += len;
                continue;
            }

            if is_emoji(c) {
                let len = emoji_len(rest);
                let mut h = hash::WordHasher::default();
                h.push(c);
                out.push(Token::simple(TokenKind::Emoji, i, i + len, h.finish()));
                prev_alnum = false;
                i += len;
                continue;
            }

            // HTML-escaped text from social exports: "&amp;" and "&" read as "and",
            // "&lt;3" as the heart emoticon.
            if c == '&' {
                let (len, kind, h) = if starts_with_ignore_ascii_case(rest, "&lt;3") {
                    (5, TokenKind::Emoticon, hash::bytes(b"<3"))
                } else if starts_with_ignore_ascii_case(rest, "&amp;") {
                    (5, TokenKind::Word, hash::word("and"))
                } else {
                    (1, TokenKind::Word, hash::word("and"))
                };
                let mut t = Token::simple(kind, i, i + len, h);
                t.has_lower = kind == TokenKind::Word;
                out.push(t);
                prev_alnum = false;
                i += len;
                continue;
            }

            match c {
                '!' | '?' | '‼' | '⁉' | '！' | '？' | '.' | '…' | '。' => {
                    // A '.' inside "3.5", "e.g" or "example.com" is not a sentence end.
                    if c == '.' && prev_alnum && next.is_some_and(char::is_alphanumeric) {
                        prev_alnum = false;
                        i += 1;
                        continue;
                    }
                    let len =
                        span_while(rest, |ch| matches!(ch, '!' | '?' | '‼' | '⁉' | '！' | '？' | '.' | '…' | '。'));
                    let run = &rest[..len];
                    let mut t = Token::simple(TokenKind::Terminal, i, i + len, 0);
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
                    prev_alnum = false;
                    i += len;
                }
                ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–' | '，' | '；' => {
                    let len = c.len_utf8();
                    out.push(Token::simple(TokenKind::Clause, i, i + len, 0));
                    prev_alnum = false;
                    i += len;
                }
                '-' if !prev_alnum => {
                    // A free-standing dash (" - ") separates clauses; in-word
                    // hyphens ("follow-up") just split the words.
                    out.push(Token::simple(TokenKind::Clause, i, i + 1, 0));
                    prev_alnum = false;
                    i += 1;
                }
                _ => {
                    // Letters and digits were words above: this char is neither.
                    prev_alnum = false;
                    i += c.len_utf8();
                }
            }
        }
    }

    /// The common ASCII marks of chat text (clause breaks, runs of `.` `!` `?`, and `@handles`),
    /// read byte by byte, pushing what the general path would push; returns where the next token
    /// starts and whether the mark ends in a letter or digit. `None` leaves the position to the
    /// general path: an emoticon (`:)`, `(:`), or a mark next to a non-ASCII char (a run that goes on
    /// with `…`, a `.` before `é`).
    #[inline]
    fn ascii_mark(&self, text: &str, i: usize, prev_alnum: bool, out: &mut Vec<Token>) -> Option<(usize, bool)> {
        let bytes = text.as_bytes();
        let b = *bytes.get(i).filter(|b| b.is_ascii())?;
        let emoticon_start = self.emoticons.get(usize::from(b)).is_some_and(|e| !e.is_empty());
        if emoticon_start && text.get(i..).is_none_or(|rest| self.match_emoticon(rest, prev_alnum).is_some()) {
            return None;
        }
        let next = bytes.get(i + 1).copied();
        match b {
            b',' | b';' | b':' | b'(' | b')' | b'[' | b']' => {
                out.push(Token::simple(TokenKind::Clause, i, i + 1, 0));
                Some((i + 1, false))
            }
            b'-' if !prev_alnum => {
                out.push(Token::simple(TokenKind::Clause, i, i + 1, 0));
                Some((i + 1, false))
            }
            b'.' | b'!' | b'?' => {
                if next.is_some_and(|n| n >= 0x80) {
                    return None;
                }
                // A '.' inside "3.5", "e.g" or "example.com" is not a sentence end.
                if b == b'.' && prev_alnum && next.is_some_and(|n| n.is_ascii_alphanumeric()) {
                    return Some((i + 1, false));
                }
                let len = bytes[i..].iter().take_while(|&&c| matches!(c, b'.' | b'!' | b'?')).count();
                if bytes.get(i + len).is_some_and(|&n| n >= 0x80) {
                    return None;
                }
                let run = &bytes[i..i + len];
                let mut t = Token::simple(TokenKind::Terminal, i, i + len, 0);
                t.bangs = run.iter().filter(|&&c| c == b'!').count() as u32;
                t.questions = run.iter().filter(|&&c| c == b'?').count() as u32;
                out.push(t);
                Some((i + len, false))
            }
            b'@' if !prev_alnum && next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'_') => {
                // Handles are ASCII: a non-ASCII char ends one on the general path too.
                let len = 1 + bytes[i + 1..].iter().take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_').count();
                out.push(Token::simple(TokenKind::Mention, i, i + len, MENTION_HASH));
                Some((i + len, bytes[i + len - 1].is_ascii_alphanumeric()))
            }
            _ => None,
        }
    }

    /// Length in bytes of the emoticon at the start of `rest`, if any.
    fn match_emoticon(&self, rest: &str, prev_alnum: bool) -> Option<usize> {
        let bytes = rest.as_bytes();
        let first = bytes.first().map_or(0, |b| usize::from(b & 0x7f));
        let second = bytes.get(1).map_or(0, |&c| 1u128 << (c & 0x7f));
        if self.seconds.get(first).is_none_or(|s| s & second == 0) && bytes.len() > 1 {
            return None;
        }
        let here = hash::load_le(bytes, 0, 8);
        for p in &self.emoticons[first] {
            // Zero padding past the end of `rest` never equals a pattern byte (patterns have no NUL).
            if here & p.mask != p.bytes || (p.letter_start && prev_alnum) {
                continue;
            }
            let after = rest.get(p.len..).and_then(|r| r.chars().next());
            if after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            return Some(p.len);
        }
        None
    }
}

fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
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
        } else if hash::is_apostrophe(c)
            && end == idx
            && end > 0
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric())
        {
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
fn push_hashtag(out: &mut Vec<Token>, text: &str, start: usize, end: usize) {
    let body_start = start + 1; // '#' is one byte
    let body = &text[body_start..end];
    let mut seg_start = 0usize;
    let mut prev: Option<char> = None;
    let mut first = true;
    let mut emit = |from: usize, to: usize, out: &mut Vec<Token>| {
        if from >= to {
            return;
        }
        let tok_start = if first { start } else { body_start + from };
        first = false;
        let mut t = word_token(TokenKind::Hashtag, &body[from..to], tok_start, body_start + to);
        t.start = tok_start;
        out.push(t);
    };
    for (idx, c) in body.char_indices() {
        if c == '_' {
            emit(seg_start, idx, out);
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
            emit(seg_start, idx, out);
            seg_start = idx;
        }
        prev = Some(c);
    }
    emit(seg_start, body.len(), out);
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Per byte of `v`, the top bit set where the byte is zero (exact: no borrow between bytes).
#[inline]
fn zero_bytes(v: u64) -> u64 {
    !(((v & !HIGH).wrapping_add(!HIGH)) | v) & HIGH
}

/// Per byte of `v` (ASCII bytes; others may answer anything), the top bit set where the byte is in
/// `lo..=hi`.
#[inline]
fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = (v | HIGH).wrapping_sub(u64::from(lo) * ONES);
    let at_most_hi = ((u64::from(hi) * ONES) | HIGH).wrapping_sub(v & !HIGH);
    at_least_lo & at_most_hi & HIGH
}

/// The token of a plain ASCII word shorter than eight bytes at `bytes[start..]` (starting with a
/// letter or digit), read from one eight-byte load: the same token [`push_ascii_word`] makes.
/// `None` when the word is longer, runs on into a non-ASCII byte, or is elongated: the longer paths
/// decide those.
#[inline]
fn short_ascii_word(bytes: &[u8], start: usize) -> Option<Token> {
    let x = hash::load_le(bytes, start, 8); // zero bytes past the end of the text end the word
    let ascii = !x & HIGH;
    // Bit 5 set is the lower case of a letter and leaves digits and `'` as they are.
    let folded = x | (0x20 * ONES);
    let letters = in_range(folded, b'a', b'z') & ascii;
    let alnum = letters | (in_range(x, b'0', b'9') & ascii);
    let apostrophes = zero_bytes(x ^ (u64::from(b'\'') * ONES));
    // A word goes on over letters, digits and an apostrophe followed by one of them.
    let stops = !(alnum | (apostrophes & (alnum >> 8))) & HIGH;
    if stops == 0 {
        return None;
    }
    let n = (stops.trailing_zeros() / 8) as usize;
    let stop = (x >> (8 * n)) as u8;
    // A non-ASCII byte may continue the word ("café", "don’t"); an apostrophe in the last byte may
    // be followed by a letter in the next group.
    if n == 0 || stop >= 0x80 || (n == 7 && stop == b'\'') {
        return None;
    }
    let valid = (1u64 << (8 * n)) - 1;
    let lc = folded & valid;
    let letters = letters & valid;
    let same_as_next = zero_bytes(lc ^ (lc >> 8));
    if same_as_next & (same_as_next >> 8) & letters != 0 {
        return None;
    }
    let hash = hash::group_word(lc, n);
    let cut = hash::ascii_suffix_len(lc, n);
    let stem = if cut == 0 { hash } else { hash::group_word(lc & ((1u64 << (8 * (n - cut))) - 1), n - cut) };
    let any_lower = letters & (x << 2) != 0;
    let any_apostrophe = apostrophes & valid & HIGH != 0;
    Some(Token {
        kind: TokenKind::Word,
        start,
        end: start + n,
        hash,
        alt: hash,
        stem,
        caps: letters & letters.wrapping_sub(1) != 0 && !any_lower,
        has_lower: any_lower,
        elongated: false,
        nt: any_apostrophe && ends_in_nt(lc, n),
        number: letters == 0 && !any_apostrophe,
        bangs: 0,
        questions: 0,
    })
}

/// [`word_token`] for the word `bytes[start..end]` of ASCII letters, digits and apostrophes, a
/// machine word at a time, pushed onto `out` (the words [`short_ascii_word`] leaves: eight bytes or
/// more). Returns false (and pushes nothing) for an elongated word (a run of three identical
/// letters), which takes the general path.
#[inline]
fn push_ascii_word(out: &mut Vec<Token>, bytes: &[u8], start: usize, end: usize) -> bool {
    if elongated_ascii(&bytes[start..end]) {
        return false;
    }
    let n = end - start;
    // Letters seen (0, 1, or 2 meaning "two or more"), and whether any was lower case.
    let (mut letters_seen, mut any_lower, mut any_apostrophe) = (0u32, false, false);
    let mut h = hash::WORD_SEED;
    let mut last_group = 0u64;
    let mut k = 0;
    while k < n {
        let m = (n - k).min(8);
        let raw = hash::load_le(bytes, start + k, m);
        // Letters are the bytes from 'A' up (digits and `'` are below): adding 0x3f sets their top bit.
        let letters = raw.wrapping_add(0x3f * ONES) & HIGH;
        if letters != 0 {
            letters_seen = (letters_seen + 1 + u32::from(letters & (letters - 1) != 0)).min(2);
        }
        any_lower |= letters & (raw << 2) != 0;
        any_apostrophe |= zero_bytes(raw ^ (u64::from(b'\'') * ONES)) & (HIGH >> (8 * (8 - m))) != 0;
        let lc = hash::ascii_lower(raw, m);
        if m == 8 {
            h = hash::mix(h, lc);
        } else {
            last_group = lc;
        }
        k += 8;
    }
    let hash = hash::finish_word(hash::mix(h, last_group), n);
    // The last (up to) eight bytes, for the stemmer and the `n't` ending.
    let tail_len = n.min(8);
    let tail = hash::ascii_lower(hash::load_le(bytes, end - tail_len, tail_len), tail_len);
    let nt = ends_in_nt(tail, n);
    let cut = hash::ascii_suffix_len(tail, n);
    let stem = if cut == 0 { hash } else { hash::ascii_word(bytes, start, n - cut) };
    out.push(Token {
        kind: TokenKind::Word,
        start,
        end,
        hash,
        alt: hash,
        stem,
        caps: letters_seen >= 2 && !any_lower,
        has_lower: any_lower,
        elongated: false,
        nt,
        number: letters_seen == 0 && !any_apostrophe,
        bangs: 0,
        questions: 0,
    });
    true
}

/// Whether a lower-case ASCII word of `len` bytes whose last `min(len, 8)` bytes are `tail` ends in `n't`.
#[inline]
fn ends_in_nt(tail: u64, len: usize) -> bool {
    len >= 3 && (tail >> (8 * (len.min(8) - 3))) & 0xff_ffff == u64::from_le_bytes([b'n', b'\'', b't', 0, 0, 0, 0, 0])
}

/// Whether a plain ASCII word has a run of three identical letters (any case).
fn elongated_ascii(word: &[u8]) -> bool {
    word.windows(3).any(|w| {
        let a = w[0].to_ascii_lowercase();
        a.is_ascii_alphabetic() && a == w[1].to_ascii_lowercase() && a == w[2].to_ascii_lowercase()
    })
}

/// A word token: hashes of the normalised and de-elongated forms, case flags.
fn word_token(kind: TokenKind, raw: &str, start: usize, end: usize) -> Token {
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut lower = 0usize;
    if raw.is_ascii() {
        for b in raw.bytes().filter(u8::is_ascii_alphabetic) {
            letters += 1;
            upper += usize::from(b.is_ascii_uppercase());
            lower += usize::from(b.is_ascii_lowercase());
        }
    } else {
        for c in raw.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            upper += usize::from(c.is_uppercase());
            lower += usize::from(c.is_lowercase());
        }
    }
    let mut h = hash::WordHasher::default();
    // The last six normalised chars and the hasher states before each of them give the `n't`
    // ending and the stem's hash without building the string.
    let mut tail = ['\0'; 6];
    let mut states = [h; 6];
    let elongated = hash::normalise(raw, 2, |c| {
        // Ring buffers indexed by char position: slot `i % 6` holds char i and the state before it.
        let slot = h.len() as usize % 6;
        tail[slot] = c;
        states[slot] = h;
        h.push(c);
    });
    let n = h.len() as usize;
    let live = n.min(6);
    // The last `live` chars in order, oldest first.
    let mut last = ['\0'; 6];
    for (k, slot) in last[6 - live..].iter_mut().enumerate() {
        *slot = tail[(n - live + k) % 6];
    }
    let nt = n >= 3 && last[3..] == ['n', '\'', 't'];
    let cut = hash::suffix_len(&last[6 - live..], n);
    let stem = if cut == 0 { h.finish() } else { states[(n - cut) % 6].finish() };
    let hash = h.finish();
    let alt = if elongated {
        let mut a = hash::WordHasher::default();
        hash::normalise(raw, 1, |c| a.push(c));
        a.finish()
    } else {
        hash
    };
    Token {
        kind,
        start,
        end,
        hash,
        alt,
        stem,
        caps: letters >= 2 && upper == letters,
        has_lower: lower > 0,
        elongated,
        nt,
        number: !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()),
        bangs: 0,
        questions: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tk() -> Tokenizer {
        Tokenizer::new([":)", ":-)", ":(", ":-(", ":D", "XD", "<3", ":/", ":'("])
    }

    fn kinds_norms(text: &str) -> Vec<(TokenKind, String)> {
        tk().tokenize(text).into_iter().map(|t| (t.kind, t.norm(text))).collect()
    }

    #[test]
    fn contractions_stay_one_word_and_curly_apostrophes_are_normalised() {
        let toks = kinds_norms("I don’t know, can't WON'T");
        let words: Vec<_> = toks.iter().filter(|(k, _)| *k == TokenKind::Word).map(|(_, n)| n.as_str()).collect();
        assert_eq!(words, ["i", "don't", "know", "can't", "won't"]);
        let t = tk().tokenize("don’t");
        assert_eq!(t[0].hash, hash::word("don't"));
    }

    #[test]
    fn urls_mentions_and_hashtags_are_recognised() {
        let text = "@Acme_help see https://x.co/a?b=1 #EpicFail #fail";
        let toks = tk().tokenize(text);
        assert_eq!(toks[0].kind, TokenKind::Mention);
        assert_eq!(toks[2].kind, TokenKind::Url);
        assert_eq!(&text[toks[2].start..toks[2].end], "https://x.co/a?b=1");
        let tags: Vec<_> = toks.iter().filter(|t| t.kind == TokenKind::Hashtag).map(|t| t.norm(text)).collect();
        assert_eq!(tags, ["epic", "fail", "fail"]);
        assert_eq!(&text[toks[3].start..toks[3].end], "#Epic");
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
        // Longest pattern first, none read past the end of the text, none inside a word.
        for (text, want) in [
            ("so sad :((", vec![":(("]),
            (":-))", vec![":-)"]),
            (":-", vec![]),
            ("ok :-(", vec![]),
            ("XDD", vec![]),
            ("maXD", vec![]),
            ("end XD", vec!["XD"]),
            ("<33 ok", vec!["<33"]),
        ] {
            let toks = Tokenizer::new([":(", ":((", ":-)", "XD", "<3", "<33"]).tokenize(text);
            let got: Vec<&str> =
                toks.iter().filter(|t| t.kind == TokenKind::Emoticon).map(|t| &text[t.start..t.end]).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn elongation_is_cut_and_remembered() {
        let text = "sooo goooood";
        let toks = tk().tokenize(text);
        assert_eq!(toks[0].norm(text), "soo");
        assert_eq!(toks[0].alt, hash::word("so"));
        assert!(toks[0].elongated);
        assert_eq!(toks[1].norm(text), "good");
        assert_eq!(toks[1].hash, hash::word("good"));
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

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    fn ascii_word_token(bytes: &[u8], start: usize, end: usize) -> Option<Token> {
        let mut out = Vec::new();
        push_ascii_word(&mut out, bytes, start, end).then(|| out[0])
    }

    /// The ASCII fast path must give exactly the tokens of the general path.
    #[test]
    fn ascii_words_match_the_general_path() {
        for w in [
            "hello", "Don't", "CANCELLED", "delayed", "2nd", "12345", "it's", "a", "ok", "Flights", "WON'T", "abcdefgh",
            "recommendations", "Unbelievable", "AAb", "xx", "I", "ordering", "x1",
        ] {
            let fast = ascii_word_token(w.as_bytes(), 0, w.len());
            let slow = word_token(TokenKind::Word, w, 0, w.len());
            assert_eq!(fast, Some(slow), "{w}");
        }
        for w in ["sooo", "Nooo", "abcdefgHHH", "abcdeffff", "aaabcdefghij", "abcdefghijkkk"] {
            assert_eq!(ascii_word_token(w.as_bytes(), 0, w.len()), None, "{w}");
        }
        // The one-load path for short words gives the same tokens, and declines what it must.
        let text = "a ok it's Don't X1 2000 flights WON'T don't, abc'd sooo Nooo\u{e9} caf\u{e9} ab' ab'\u{e9} x'y 1234567 abcdefg' abcdefgh";
        for (at, _) in text.char_indices().filter(|&(k, c)| c.is_ascii_alphanumeric() && (k == 0 || text.as_bytes()[k - 1] == b' ')) {
            let short = short_ascii_word(text.as_bytes(), at);
            let end = at + text[at..].find(' ').unwrap_or(text.len() - at);
            let word = &text[at..end];
            let plain = word.is_ascii() && word.len() < 8 && !word.ends_with('\'') && !word.ends_with(',');
            if plain && !["sooo"].contains(&word) {
                assert_eq!(short, ascii_word_token(text.as_bytes(), at, end), "{word}");
                assert!(short.is_some(), "{word}");
            } else if let Some(t) = short {
                // Declined or cut where the general scan cuts too ("don't," ends before the comma).
                assert_eq!(Some(t), ascii_word_token(text.as_bytes(), at, t.end), "{word}");
            }
        }
        // Digits may repeat; a word inside a longer text reads only its own bytes.
        let text = "x 2000 abc";
        assert_eq!(ascii_word_token(text.as_bytes(), 2, 6), Some(word_token(TokenKind::Word, "2000", 2, 6)));
        assert_eq!(ascii_word_token(text.as_bytes(), 7, 10), Some(word_token(TokenKind::Word, "abc", 7, 10)));
    }
}

#[cfg(test)]
mod fast_path_properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever path made a word token, it is the token the general path makes of the same span.
        #[test]
        fn every_word_token_is_the_general_paths(text in "[A-Za-z0-9' ,.!é’]{0,48}") {
            for t in Tokenizer::new([":)", "XD", "T_T"]).tokenize(&text) {
                if t.kind == TokenKind::Word {
                    prop_assert_eq!(t, word_token(TokenKind::Word, &text[t.start..t.end], t.start, t.end), "{:?}", text);
                }
            }
        }

        /// The ASCII marks read byte by byte give the tokens the general path gives, next to words,
        /// emoticons and non-ASCII chars.
        #[test]
        fn marks_read_fast_are_the_general_paths(text in "[a-z0-9_@.!?,;:()\\[\\]\\- é…’😀]{0,40}") {
            // With emoticons starting with some of the marks (those take the general path) and without.
            for tk in [Tokenizer::new([":)", ":-(", "XD", "-_-", ";)", "(:", "@:"]), Tokenizer::new(["XD"])] {
                let (mut fast, mut general) = (Vec::new(), Vec::new());
                tk.tokenize_marks::<true>(&text, &mut fast);
                tk.tokenize_marks::<false>(&text, &mut general);
                prop_assert_eq!(fast, general, "{:?}", text);
            }
        }
    }
}
