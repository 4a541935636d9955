//! Tokens → model features, and the lexicon reading that feeds some of them.
//!
//! Two kinds of features go into the linear models ([`crate::model`]):
//!
//! * **Sparse** — word unigrams (marked when inside a negation's scope: "not happy" gives
//!   `n:happy`, never `u:happy`), light stems (`s:delay` for "delayed"), the word's cluster
//!   (`c:17`, words of similar use; `m:17` when negated), word bigrams within a sentence, emoticons
//!   and emoji. Numbers are one word (`<num>`): order numbers carry no mood.
//! * **Dense** ([`Dense`]) — the lexicon reading of the whole message, VADER-style, done twice: with
//!   our lexicon (service language: "still waiting", "no response") and with VADER's human-rated
//!   lexicon (general language). Both apply negation (three words, within the clause), intensifiers,
//!   ALL CAPS and elongation boosts, and the "X but Y" shift. Their sums and compound scores, plus
//!   punctuation, length and courtesy signals, let the model keep general reading where its learned
//!   n-grams know nothing — reviews, other industries — and learn when service text breaks the
//!   lexicon ("thanks for nothing", "please help").
//!
//! Everything is written into caller-owned vectors ([`Scratch`]) so the hot path allocates nothing
//! once they have grown.

use crate::hash;
use crate::lexicon::{MAX_PHRASE_WORDS, Role};
use crate::tokenizer::{Token, TokenKind};
use crate::vocab::{Vocabulary, Word};

const SALT_UNI: u64 = 0x0075_6e69;
const SALT_NEG: u64 = 0x006e_6567;
const SALT_BI: u64 = 0x0062_6967;
const SALT_EMO: u64 = 0x0065_6d6f;
const SALT_DENSE: u64 = 0x0064_656e;
const SALT_STEM: u64 = 0x0073_7465;
const SALT_CLUSTER: u64 = 0x0063_6c75;
const SALT_NEG_CLUSTER: u64 = 0x006d_636c;

/// How many following words a negator reaches.
pub const NEGATION_SCOPE: u32 = 3;
/// VADER's factor for a negated term.
const VADER_NEGATE: f32 = -0.74;
/// Our factors for negated positive / negative terms ("not bad" is only mildly positive).
const NEGATE_POSITIVE: f32 = -0.75;
const NEGATE_NEGATIVE: f32 = -0.5;
const CAPS_BOOST: f32 = 1.3;
const ELONGATION_BOOST: f32 = 1.2;
const BEFORE_BUT: f32 = 0.5;
const AFTER_BUT: f32 = 1.5;
/// Positive terms inside a question are mostly not praise ("is it good?").
const QUESTION_POSITIVE: f32 = 0.4;
/// VADER's normalisation constant.
const ALPHA: f32 = 15.0;

/// The dense features, by name. The order is the feature id; names appear in model files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dense {
    OursCompound,
    OursPositive,
    OursNegative,
    VaderCompound,
    VaderPositive,
    VaderNegative,
    /// One of five bins of each compound score (strong/weak negative, neutral, weak/strong positive).
    OursBin(u8),
    VaderBin(u8),
    Courtesy,
    Exclamation,
    Question,
    QuestionOnly,
    Caps,
    Elongated,
    Url,
    Mentions,
    /// Word-count bins: ≤ 5, ≤ 12, ≤ 25, more.
    Length(u8),
}

impl Dense {
    /// The feature id (below 64).
    pub(crate) fn id(self) -> u64 {
        match self {
            Dense::OursCompound => 0,
            Dense::OursPositive => 1,
            Dense::OursNegative => 2,
            Dense::VaderCompound => 3,
            Dense::VaderPositive => 4,
            Dense::VaderNegative => 5,
            Dense::OursBin(b) => 10 + u64::from(b),
            Dense::VaderBin(b) => 20 + u64::from(b),
            Dense::Courtesy => 30,
            Dense::Exclamation => 31,
            Dense::Question => 32,
            Dense::QuestionOnly => 33,
            Dense::Caps => 34,
            Dense::Elongated => 35,
            Dense::Url => 36,
            Dense::Mentions => 37,
            Dense::Length(b) => 40 + u64::from(b),
        }
    }

    /// The name used in model files.
    pub fn name(self) -> String {
        match self {
            Dense::OursCompound => "ours_compound".into(),
            Dense::OursPositive => "ours_positive".into(),
            Dense::OursNegative => "ours_negative".into(),
            Dense::VaderCompound => "vader_compound".into(),
            Dense::VaderPositive => "vader_positive".into(),
            Dense::VaderNegative => "vader_negative".into(),
            Dense::OursBin(b) => format!("ours_bin{b}"),
            Dense::VaderBin(b) => format!("vader_bin{b}"),
            Dense::Courtesy => "courtesy".into(),
            Dense::Exclamation => "exclamation".into(),
            Dense::Question => "question".into(),
            Dense::QuestionOnly => "question_only".into(),
            Dense::Caps => "caps".into(),
            Dense::Elongated => "elongated".into(),
            Dense::Url => "url".into(),
            Dense::Mentions => "mentions".into(),
            Dense::Length(b) => format!("length{b}"),
        }
    }

    /// Every dense feature, for parsing model files.
    pub fn all() -> Vec<Dense> {
        let mut v = vec![
            Dense::OursCompound,
            Dense::OursPositive,
            Dense::OursNegative,
            Dense::VaderCompound,
            Dense::VaderPositive,
            Dense::VaderNegative,
        ];
        v.extend((0..5).map(Dense::OursBin));
        v.extend((0..5).map(Dense::VaderBin));
        v.extend([
            Dense::Courtesy,
            Dense::Exclamation,
            Dense::Question,
            Dense::QuestionOnly,
            Dense::Caps,
            Dense::Elongated,
            Dense::Url,
            Dense::Mentions,
        ]);
        v.extend((0..4).map(Dense::Length));
        v
    }

    pub fn key(self) -> u64 {
        hash::finish(hash::mix(SALT_DENSE, self.id()))
    }
}


/// What a feature is made of (to name it in model files and in evidence).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FeatureKind {
    Unigram,
    NegatedUnigram,
    Stem,
    /// The word's cluster ([`crate::lexicon`]): words of similar use share it.
    Cluster(u16),
    NegatedCluster(u16),
    Bigram,
    Emo,
    Dense(Dense),
}

/// One feature occurrence: its key, value and the tokens it came from (`from..to`, token indices;
/// empty for message-level features).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feature {
    pub key: u64,
    /// Its row in the engine's joint model ([`crate::vocab`]), [`crate::vocab::NO_ROW`] when neither
    /// model knows it.
    pub row: u32,
    pub value: f32,
    pub kind: FeatureKind,
    pub from: u32,
    pub to: u32,
}

/// A lexicon term found in the message, with its contribution after the rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexHit {
    /// Token range `from..to`.
    pub from: u32,
    pub to: u32,
    pub ours: f32,
    pub vader: f32,
    /// Courtesy words are counted apart (the model decides what "thanks" means in a complaint).
    pub courtesy: bool,
    pub negated: bool,
    pub intensified: bool,
    sentence: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Sentence {
    /// Token index of the sentence's last "but", if it has one.
    but: Option<u32>,
    question: bool,
    words: u32,
}

/// Reusable buffers for one thread's analyses.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    pub tokens: Vec<Token>,
    pub features: Vec<Feature>,
    pub hits: Vec<LexHit>,
    sentences: Vec<Sentence>,
}

pub fn unigram_key(word_hash: u64) -> u64 {
    hash::finish(hash::mix(SALT_UNI, word_hash))
}
pub fn negated_key(word_hash: u64) -> u64 {
    hash::finish(hash::mix(SALT_NEG, word_hash))
}
pub fn stem_key(stem_hash: u64) -> u64 {
    hash::finish(hash::mix(SALT_STEM, stem_hash))
}
pub fn cluster_key(c: u16, negated: bool) -> u64 {
    hash::finish(hash::mix(if negated { SALT_NEG_CLUSTER } else { SALT_CLUSTER }, u64::from(c)))
}
pub fn bigram_key(a: u64, b: u64) -> u64 {
    hash::finish(hash::mix(hash::mix(SALT_BI, a), b))
}
pub fn emo_key(h: u64) -> u64 {
    hash::finish(hash::mix(SALT_EMO, h))
}

/// The hash a word token contributes to features: numbers are all one word.
#[inline]
fn feature_hash(t: &Token) -> u64 {
    if t.number { NUMBER_HASH } else { t.hash }
}

/// The hash of the pseudo-word `<num>`.
pub const NUMBER_HASH: u64 = 0x0000_6e75_6d62_6572;

/// Key of a feature from its name in a model file (`u:word`, `n:word`, `b:two words`, `e::)`,
/// `d:name`). `None` for a malformed name.
pub fn key_from_name(name: &str) -> Option<u64> {
    let (kind, body) = name.split_once(':')?;
    let word_hash = |w: &str| if w == "<num>" { NUMBER_HASH } else { hash::word(w) };
    match kind {
        "u" if !body.is_empty() => Some(unigram_key(word_hash(body))),
        "n" if !body.is_empty() => Some(negated_key(word_hash(body))),
        "s" if !body.is_empty() => Some(stem_key(hash::word(body))),
        "c" => body.parse().ok().map(|c| cluster_key(c, false)),
        "m" => body.parse().ok().map(|c| cluster_key(c, true)),
        "b" => {
            let (a, b) = body.split_once(' ')?;
            Some(bigram_key(word_hash(a), word_hash(b)))
        }
        "e" if !body.is_empty() => {
            Some(emo_key(if body.is_ascii() { hash::bytes(body.as_bytes()) } else { hash::word(body) }))
        }
        "d" => Dense::all().into_iter().find(|d| d.name() == body).map(Dense::key),
        _ => None,
    }
}

/// The name of a feature occurrence (training and evidence; allocates).
pub fn name_of(f: &Feature, text: &str, tokens: &[Token]) -> String {
    let norm = |i: u32| {
        tokens.get(i as usize).map_or_else(String::new, |t| if t.number { "<num>".into() } else { t.norm(text) })
    };
    match f.kind {
        FeatureKind::Unigram => format!("u:{}", norm(f.from)),
        FeatureKind::NegatedUnigram => format!("n:{}", norm(f.from)),
        FeatureKind::Stem => format!("s:{}", hash::stem(&norm(f.from))),
        FeatureKind::Cluster(c) => format!("c:{c}"),
        FeatureKind::NegatedCluster(c) => format!("m:{c}"),
        FeatureKind::Bigram => format!("b:{} {}", norm(f.from), norm(f.to.saturating_sub(1))),
        FeatureKind::Emo => format!("e:{}", norm(f.from)),
        FeatureKind::Dense(d) => format!("d:{}", d.name()),
    }
}

/// A sparse feature (value 1) of the tokens `from..to`.
#[inline]
fn sparse(key: u64, row: u32, kind: FeatureKind, from: u32, to: u32) -> Feature {
    Feature { key, row, value: 1.0, kind, from, to }
}

/// A word's unigram (negation-marked), stem and the bigram it ends; `w` is the word's entry in the
/// vocabulary, `prev_word` the previous word of the sentence (token index, feature hash), and this
/// word becomes it.
#[inline(always)]
fn push_word(
    vocab: &Vocabulary,
    features: &mut impl FeatureSink,
    prev_word: &mut Option<(u32, u64)>,
    (t, w): (&Token, Word),
    idx: u32,
    negated: bool,
) {
    let fh = feature_hash(t);
    // Numbers share one feature word, which is not the token's own.
    let w = if t.number { vocab.word(NUMBER_HASH) } else { w };
    features.push(if negated {
        let key = negated_key(fh);
        sparse(key, vocab.row(key), FeatureKind::NegatedUnigram, idx, idx + 1)
    } else {
        sparse(unigram_key(fh), w.unigram, FeatureKind::Unigram, idx, idx + 1)
    });
    if t.stem != t.hash && !negated && !t.number {
        let key = stem_key(t.stem);
        features.push(sparse(key, vocab.row(key), FeatureKind::Stem, idx, idx + 1));
    }
    if let Some((from, ph)) = *prev_word {
        let key = bigram_key(ph, fh);
        features.push(sparse(key, vocab.row(key), FeatureKind::Bigram, from, idx + 1));
    }
    *prev_word = Some((idx, fh));
}

/// The cluster feature of a word, when it has one.
#[inline]
fn push_cluster(vocab: &Vocabulary, features: &mut impl FeatureSink, cluster: u16, idx: u32, negated: bool) {
    if cluster != crate::lexicon::NO_CLUSTER {
        features.push(Feature {
            key: cluster_key(cluster, negated),
            row: vocab.cluster_row(cluster, negated),
            value: 1.0,
            kind: if negated { FeatureKind::NegatedCluster(cluster) } else { FeatureKind::Cluster(cluster) },
            from: idx,
            to: idx + 1,
        });
    }
}

/// A dense feature, when it is not zero. (A function, not a closure, so that it is inlined: the 14
/// calls per message were a tenth of extraction's instructions outside the scorer.)
#[inline(always)]
fn push_dense(vocab: &Vocabulary, features: &mut impl FeatureSink, d: Dense, value: f32) {
    if value != 0.0 {
        let (key, row) = (d.key(), vocab.dense_row(d));
        features.push(Feature { key, row, value, kind: FeatureKind::Dense(d), from: 0, to: 0 });
    }
}

fn bin(compound: f32) -> u8 {
    match compound {
        c if c <= -0.5 => 0,
        c if c < -0.05 => 1,
        c if c <= 0.05 => 2,
        c if c < 0.5 => 3,
        _ => 4,
    }
}

fn compound(sum: f32) -> f32 {
    sum / (sum * sum + ALPHA).sqrt()
}

/// Extracts the features of an already tokenized message into `s.features` (and the lexicon
/// hits into `s.hits`).
pub fn extract(vocab: &Vocabulary, s: &mut Scratch) {
    let mut features = std::mem::take(&mut s.features);
    features.clear();
    extract_into(vocab, s, &mut features);
    s.features = features;
}

/// Where [`extract_into`] puts the features it finds: a list (training, evidence) or a consumer that
/// needs only their rows and values and never stores them (the engine's scorer on the hot path).
pub trait FeatureSink {
    fn push(&mut self, f: Feature);
}

impl FeatureSink for Vec<Feature> {
    #[inline]
    fn push(&mut self, f: Feature) {
        Vec::push(self, f);
    }
}

/// A sink that keeps nothing (the hot path, which only scores).
pub struct Discard;

impl FeatureSink for Discard {
    #[inline(always)]
    fn push(&mut self, _: Feature) {}
}

/// Both sinks get every feature: scored and listed in one extraction.
impl<A: FeatureSink, B: FeatureSink> FeatureSink for (A, &mut B) {
    #[inline(always)]
    fn push(&mut self, f: Feature) {
        self.0.push(f);
        self.1.push(f);
    }
}

/// [`extract`], with the features going to `features` instead of `s.features` (left as it is);
/// the lexicon hits still go to `s.hits`.
pub fn extract_into(vocab: &Vocabulary, s: &mut Scratch, features: &mut impl FeatureSink) {
    let lex = vocab.lexicon();
    let Scratch { tokens, hits, sentences, .. } = s;
    hits.clear();
    sentences.clear();
    sentences.push(Sentence::default());

    let mixed_case = tokens.iter().any(|t| t.is_word() && t.has_lower);
    let mut negation_left = 0u32;
    let mut mult = 1.0f32;
    let mut mult_left = 0u32;
    let mut prev_word: Option<(u32, u64)> = None;
    let (mut words, mut mentions, mut urls, mut caps, mut elongated, mut bangs) = (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);

    let mut i = 0usize;
    while i < tokens.len() {
        let t = &tokens[i];
        let idx = i as u32;
        let sentence = (sentences.len() - 1) as u32;
        match t.kind {
            TokenKind::Terminal => {
                negation_left = 0;
                mult = 1.0;
                prev_word = None;
                bangs += t.bangs;
                if let Some(cur) = sentences.last_mut() {
                    cur.question |= t.questions > 0;
                }
                sentences.push(Sentence::default());
                i += 1;
                continue;
            }
            TokenKind::Clause => {
                negation_left = 0;
                i += 1;
                continue;
            }
            TokenKind::Mention => {
                mentions += 1;
                i += 1;
                continue;
            }
            TokenKind::Url => {
                urls += 1;
                i += 1;
                continue;
            }
            TokenKind::Emoticon | TokenKind::Emoji => {
                let key = emo_key(t.hash);
                features.push(sparse(key, vocab.row(key), FeatureKind::Emo, idx, idx + 1));
                if let Some((ours, vader)) = lex.emo(t.hash) {
                    hits.push(LexHit {
                        from: idx,
                        to: idx + 1,
                        ours,
                        vader,
                        courtesy: false,
                        negated: false,
                        intensified: false,
                        sentence,
                    });
                }
                i += 1;
                continue;
            }
            TokenKind::Word | TokenKind::Hashtag => {}
        }

        // A word: sparse features first, then the lexicon.
        words += 1;
        if let Some(cur) = sentences.last_mut() {
            cur.words += 1;
        }
        caps += u32::from(t.caps && mixed_case);
        elongated += u32::from(t.elongated);
        let negated = negation_left > 0;
        let w = vocab.word(t.hash);
        push_word(vocab, features, &mut prev_word, (t, w), idx, negated);

        // Longest lexicon phrase starting here (words only; mentions and URLs end a phrase).
        let (mut entry, mut prefix, cluster) = vocab.slot(w);
        push_cluster(vocab, features, cluster, idx, negated);
        if entry.is_none() && !prefix && t.alt != t.hash {
            (entry, prefix) = vocab.lookup(t.alt);
        }
        let mut key = if entry.is_some() || prefix || t.alt == t.hash { t.hash } else { t.alt };
        let mut matched = entry.map(|e| (1usize, e));
        let mut n = 1usize;
        while n < MAX_PHRASE_WORDS && prefix {
            let Some(next) = tokens.get(i + n).filter(|x| x.is_word()) else { break };
            key = hash::phrase_step(key, next.hash);
            n += 1;
            (entry, prefix) = vocab.lookup(key);
            if let Some(e) = entry {
                matched = Some((n, e));
            }
        }
        let consumed = matched.map_or(1, |(n, _)| n);
        // Words inside a matched phrase still give unigrams and bigrams.
        for j in 1..consumed {
            let next = &tokens[i + j];
            push_word(vocab, features, &mut prev_word, (next, vocab.word(next.hash)), (i + j) as u32, negated);
            words += 1;
        }

        let mut starts_negation = t.nt;
        if let Some((n, e)) = matched {
            match e.role {
                Role::Negator => starts_negation = true,
                Role::Intensifier(m) => {
                    mult *= m;
                    mult_left = 2;
                }
                Role::Contrast => {
                    negation_left = 0;
                    if let Some(cur) = sentences.last_mut() {
                        cur.but = Some(idx);
                    }
                }
                Role::Plain => {}
            }
            let plain = matches!(e.role, Role::Plain) || (e.role == Role::Negator && e.weight != 0.0);
            if plain && (e.weight != 0.0 || e.vader != 0.0) {
                let span = &tokens[i..i + n];
                let is_caps = mixed_case && span.iter().any(|x| x.caps);
                let is_long = span.iter().any(|x| x.elongated);
                let boost =
                    mult * if is_caps { CAPS_BOOST } else { 1.0 } * if is_long { ELONGATION_BOOST } else { 1.0 };
                let (mut ours, mut vader) = (e.weight * boost, e.vader * boost);
                if negated {
                    ours = match e.negated {
                        Some(w) => w,
                        None if ours > 0.0 => ours * NEGATE_POSITIVE,
                        None => ours * NEGATE_NEGATIVE,
                    };
                    vader *= VADER_NEGATE;
                }
                hits.push(LexHit {
                    from: idx,
                    to: (i + n) as u32,
                    ours,
                    vader,
                    courtesy: e.polite,
                    negated,
                    intensified: mult != 1.0,
                    sentence,
                });
                mult = 1.0;
                mult_left = 0;
            }
        }
        if mult_left > 0 {
            mult_left -= 1;
            if mult_left == 0 {
                mult = 1.0;
            }
        }
        negation_left = negation_left.saturating_sub(consumed as u32);
        if starts_negation {
            negation_left = NEGATION_SCOPE;
        }
        i += consumed;
    }

    // Sentence rules: "X but Y" and positive words inside questions.
    let mut question_sentences = 0u32;
    let mut worded_sentences = 0u32;
    for (si, sent) in sentences.iter().enumerate() {
        if sent.words == 0 {
            continue;
        }
        worded_sentences += 1;
        question_sentences += u32::from(sent.question);
        for h in hits.iter_mut().filter(|h| h.sentence as usize == si) {
            let factor = match sent.but {
                Some(b) if h.from < b => BEFORE_BUT,
                Some(_) => AFTER_BUT,
                None => 1.0,
            };
            h.ours *= factor;
            h.vader *= factor;
            if sent.question {
                if h.ours > 0.0 {
                    h.ours *= QUESTION_POSITIVE;
                }
                if h.vader > 0.0 {
                    h.vader *= QUESTION_POSITIVE;
                }
            }
        }
    }

    let (mut op, mut on, mut vp, mut vn, mut courtesy) = (0f32, 0f32, 0f32, 0f32, 0f32);
    for h in hits.iter() {
        if h.courtesy {
            courtesy += 1.0;
        } else if h.ours > 0.0 {
            op += h.ours;
        } else {
            on += h.ours;
        }
        if h.vader > 0.0 {
            vp += h.vader;
        } else {
            vn += h.vader;
        }
    }
    let oc = compound(op + on);
    let vc = compound(vp + vn);
    push_dense(vocab, features, Dense::OursCompound, oc);
    push_dense(vocab, features, Dense::OursPositive, (op / 4.0).min(3.0));
    push_dense(vocab, features, Dense::OursNegative, (on / 4.0).max(-3.0));
    push_dense(vocab, features, Dense::VaderCompound, vc);
    push_dense(vocab, features, Dense::VaderPositive, (vp / 4.0).min(3.0));
    push_dense(vocab, features, Dense::VaderNegative, (vn / 4.0).max(-3.0));
    push_dense(vocab, features, Dense::OursBin(bin(oc)), 1.0);
    push_dense(vocab, features, Dense::VaderBin(bin(vc)), 1.0);
    push_dense(vocab, features, Dense::Courtesy, courtesy.min(3.0));
    push_dense(vocab, features, Dense::Exclamation, (bangs.min(3)) as f32 / 3.0);
    push_dense(vocab, features, Dense::Question, f32::from(u8::from(question_sentences > 0)));
    let question_only = worded_sentences > 0 && question_sentences == worded_sentences;
    push_dense(vocab, features, Dense::QuestionOnly, f32::from(u8::from(question_only)));
    push_dense(vocab, features, Dense::Caps, (caps.min(3)) as f32 / 3.0);
    push_dense(vocab, features, Dense::Elongated, f32::from(u8::from(elongated > 0)));
    push_dense(vocab, features, Dense::Url, f32::from(u8::from(urls > 0)));
    push_dense(vocab, features, Dense::Mentions, f32::from(u8::from(mentions > 1)));
    let length_bin = match words {
        0..=5 => 0,
        6..=12 => 1,
        13..=25 => 2,
        _ => 3,
    };
    push_dense(vocab, features, Dense::Length(length_bin), 1.0);
}
