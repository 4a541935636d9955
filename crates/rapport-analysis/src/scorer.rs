//! The lexicon scorer: tokens + lexicon → signed score with evidence.
//!
//! Steps:
//! 1. **Units.** Words are matched against the lexicon, longest phrase first
//!    (up to [`MAX_PHRASE_WORDS`] words), so "thanks for nothing" is one unit and
//!    never the courtesy word "thanks". Elongated words are looked up as written
//!    (`goood` → `good`) and with their runs cut to one letter (`sooo` → `so`).
//! 2. **Rules, left to right.** A negator ("not", "never", any `…n't`) flips the
//!    next [`NEGATION_SCOPE`] words of its clause: positive terms by
//!    [`NEGATE_POSITIVE`], negative ones by [`NEGATE_NEGATIVE`] ("not bad" is
//!    mildly positive), unless the lexicon gives an explicit negated weight
//!    ("doesn't work"). Intensifiers/diminishers directly before a term multiply
//!    it. ALL-CAPS (in a mixed-case message) and elongation boost it.
//! 3. **Sentence rules.** "X but Y": X counts half, Y one and a half. Terms in a
//!    question count less, positive ones much less (an inquiry that mentions
//!    "good" is not praise; "why is my order delayed?" is still a complaint).
//!    Courtesy words ("thanks") are dropped when the rest of the message is
//!    negative. A run of `!` adds weight in the direction of its sentence.
//! 4. **Normalisation.** `score = sum / sqrt(sum² + ALPHA)`, labels at
//!    ±[`LABEL_THRESHOLD`] (±[`QUESTION_ONLY_THRESHOLD`] when every sentence is a
//!    question), confidence from the magnitude, the number of pieces of
//!    evidence and how much they disagree.

use crate::lexicon::{Entry, Lexicon, MAX_PHRASE_WORDS, Role};
use crate::tokenizer::{Token, TokenKind};
use crate::{Evidence, MessageAnalysis, Sentiment, SentimentLabel};

/// Normalisation constant: a single term of weight 2 scores about 0.46.
pub const ALPHA: f64 = 15.0;
/// `score >= LABEL_THRESHOLD` is positive, `<= -LABEL_THRESHOLD` negative.
pub const LABEL_THRESHOLD: f64 = 0.05;
/// Label threshold for a message whose every sentence is a question: such
/// messages lean neutral unless clearly signed ("why is my order delayed?").
pub const QUESTION_ONLY_THRESHOLD: f64 = 0.2;
/// Number of following words a negator reaches (within its clause).
pub const NEGATION_SCOPE: usize = 3;
/// Multiplier for a negated positive term ("not happy").
pub const NEGATE_POSITIVE: f64 = -0.75;
/// Multiplier for a negated negative term ("not bad").
pub const NEGATE_NEGATIVE: f64 = -0.5;
/// Boost for an ALL-CAPS term in a message that is not all caps.
pub const CAPS_BOOST: f64 = 1.3;
/// Boost for an elongated term or modifier ("sooo good").
pub const ELONGATION_BOOST: f64 = 1.2;
/// Weight of the clause before / after "but".
pub const BEFORE_BUT: f64 = 0.5;
pub const AFTER_BUT: f64 = 1.5;
/// Weight of positive / negative terms inside a question.
pub const QUESTION_POSITIVE: f64 = 0.3;
pub const QUESTION_NEGATIVE: f64 = 0.7;
/// Weight added per `!` (at most [`MAX_BANGS`] counted) in the direction of the sentence.
pub const BANG_WEIGHT: f64 = 0.3;
pub const MAX_BANGS: u32 = 3;
/// Courtesy words count fully while the rest of the message sums above
/// `POLITE_KEEP`, fade out linearly and are dropped at `POLITE_DROP` and below.
pub const POLITE_KEEP: f64 = -1.0;
pub const POLITE_DROP: f64 = -2.0;
/// Bounds of a chain of intensifiers ("so very very …").
const MULT_MIN: f64 = 0.2;
const MULT_MAX: f64 = 2.5;
/// At most this many pieces of evidence are returned (the strongest); all count in the score.
pub const MAX_EVIDENCE: usize = 64;

#[derive(Debug, Clone, Copy)]
enum UnitKind<'l> {
    /// A word or phrase found in the lexicon.
    Term(&'l Entry),
    /// A word not in the lexicon that ends in n't: a negator.
    NegatorWord,
    /// Any other word.
    Word,
    /// An emoticon or emoji with a weight; the note says which.
    Emo(f32, &'static str),
    Clause,
    Terminal {
        bangs: u32,
        questions: u32,
    },
    /// URL, mention, unknown emoji.
    Skip,
}

#[derive(Debug, Clone, Copy)]
struct Unit<'l> {
    kind: UnitKind<'l>,
    start: usize,
    end: usize,
    caps: bool,
    elongated: bool,
    hashtag: bool,
}

#[derive(Debug, Clone)]
struct Contrib {
    start: usize,
    end: usize,
    weight: f64,
    notes: Vec<String>,
    sentence: usize,
    polite: bool,
}

#[derive(Debug, Clone, Default)]
struct Sentence {
    /// Index of the first contribution of this sentence.
    first: usize,
    words: usize,
    bangs: u32,
    questions: u32,
    terminal: Option<(usize, usize)>,
    /// Last contrast word: (index of the first contribution after it, at sentence start, span).
    but: Option<(usize, bool, usize, usize)>,
}

#[derive(Debug, Clone, Copy)]
struct Negation {
    left: usize,
    start: usize,
    caps: bool,
}

/// The normalised key to look a token up by: as written, or its de-elongated form.
fn resolve<'t>(lex: &Lexicon, t: &'t Token<'_>) -> &'t str {
    let norm: &str = &t.norm;
    if lex.knows(norm) {
        return norm;
    }
    match t.alt.as_deref() {
        Some(alt) if lex.knows(alt) => alt,
        _ => norm,
    }
}

fn is_wordish(k: TokenKind) -> bool {
    matches!(k, TokenKind::Word | TokenKind::Hashtag)
}

/// Groups tokens into lexicon units (longest phrase match first).
fn build_units<'l>(lex: &'l Lexicon, tokens: &[Token<'_>]) -> Vec<Unit<'l>> {
    let mut units = Vec::with_capacity(tokens.len());
    let mut buf = String::new();
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        let mut unit = Unit {
            kind: UnitKind::Skip,
            start: t.start,
            end: t.end,
            caps: t.caps,
            elongated: t.elongated,
            hashtag: t.kind == TokenKind::Hashtag,
        };
        let mut consumed = 1;
        match t.kind {
            TokenKind::Word | TokenKind::Hashtag => {
                let key = resolve(lex, t);
                let max = lex.longest_phrase_from(key).min(MAX_PHRASE_WORDS);
                let avail = tokens[i..].iter().take(max).take_while(|x| is_wordish(x.kind)).count();
                let mut found: Option<(usize, &'l Entry)> = None;
                for n in (2..=avail).rev() {
                    buf.clear();
                    buf.push_str(key);
                    for x in &tokens[i + 1..i + n] {
                        buf.push(' ');
                        buf.push_str(resolve(lex, x));
                    }
                    if let Some(e) = lex.get(&buf) {
                        found = Some((n, e));
                        break;
                    }
                }
                if found.is_none() {
                    found = lex.get(key).map(|e| (1, e));
                }
                unit.kind = match found {
                    Some((n, e)) => {
                        consumed = n;
                        let span = &tokens[i..i + n];
                        unit.end = span.last().map_or(t.end, |x| x.end);
                        unit.caps = span.iter().any(|x| x.caps);
                        unit.elongated = span.iter().any(|x| x.elongated);
                        UnitKind::Term(e)
                    }
                    None if key.ends_with("n't") => UnitKind::NegatorWord,
                    None => UnitKind::Word,
                };
            }
            TokenKind::Emoticon => {
                if let Some(w) = lex.emo(&t.norm) {
                    unit.kind = UnitKind::Emo(w, "emoticon");
                }
            }
            TokenKind::Emoji => {
                if let Some(w) = lex.emo(&t.norm) {
                    unit.kind = UnitKind::Emo(w, "emoji");
                }
            }
            TokenKind::Clause => unit.kind = UnitKind::Clause,
            TokenKind::Terminal => unit.kind = UnitKind::Terminal { bangs: t.bangs, questions: t.questions },
            TokenKind::Url | TokenKind::Mention => {}
        }
        units.push(unit);
        i += consumed;
    }
    units
}

/// Scores `text` (already tokenized into `tokens`).
pub fn score(lex: &Lexicon, text: &str, tokens: &[Token<'_>]) -> MessageAnalysis {
    let units = build_units(lex, tokens);
    // Caps only signal emphasis when the rest of the message is not shouting too
    // (some systems upper-case everything).
    let mixed_case = tokens.iter().any(|t| is_wordish(t.kind) && t.has_lower);

    let mut contribs: Vec<Contrib> = Vec::new();
    let mut sentences: Vec<Sentence> = vec![Sentence::default()];
    let mut negation: Option<Negation> = None;
    let mut mods: Vec<usize> = Vec::new(); // pending intensifier units
    let mut mult = 1.0f64;

    for (ui, u) in units.iter().enumerate() {
        let sentence = sentences.len() - 1;
        let mut word_like = false;
        match u.kind {
            UnitKind::Skip => {}
            UnitKind::Clause => {
                negation = None;
                flush_mods(&units, &mut mods, &mut mult, &mut contribs, sentence, mixed_case);
            }
            UnitKind::Terminal { bangs, questions } => {
                negation = None;
                flush_mods(&units, &mut mods, &mut mult, &mut contribs, sentence, mixed_case);
                if let Some(s) = sentences.last_mut() {
                    s.bangs += bangs;
                    s.questions += questions;
                    s.terminal = Some((u.start, u.end));
                }
                sentences.push(Sentence { first: contribs.len(), ..Sentence::default() });
            }
            UnitKind::Emo(w, note) => {
                flush_mods(&units, &mut mods, &mut mult, &mut contribs, sentence, mixed_case);
                contribs.push(Contrib {
                    start: u.start,
                    end: u.end,
                    weight: f64::from(w),
                    notes: vec![note.to_string()],
                    sentence,
                    polite: false,
                });
            }
            UnitKind::Word => {
                word_like = true;
                flush_mods(&units, &mut mods, &mut mult, &mut contribs, sentence, mixed_case);
            }
            UnitKind::NegatorWord => {
                word_like = true;
                negation = Some(Negation { left: NEGATION_SCOPE + 1, start: u.start, caps: u.caps });
            }
            UnitKind::Term(e) => {
                word_like = true;
                match e.role {
                    Role::Negator => {
                        if e.weight != 0.0 {
                            contribs.push(plain_contrib(u, e.weight, sentence, mixed_case, e.polite));
                        }
                        negation = Some(Negation { left: NEGATION_SCOPE + 1, start: u.start, caps: u.caps });
                    }
                    Role::Intensifier(m) => {
                        mods.push(ui);
                        mult *= f64::from(m);
                    }
                    Role::Contrast => {
                        flush_mods(&units, &mut mods, &mut mult, &mut contribs, sentence, mixed_case);
                        negation = None;
                        if let Some(s) = sentences.last_mut() {
                            s.but = Some((contribs.len(), s.words == 0, u.start, u.end));
                        }
                    }
                    Role::Plain => {
                        let c = term_contrib(text, &units, u, e, negation, &mods, mult, sentence, mixed_case);
                        mods.clear();
                        mult = 1.0;
                        if let Some(c) = c {
                            contribs.push(c);
                        }
                    }
                }
            }
        }
        if word_like {
            if let Some(s) = sentences.last_mut() {
                s.words += 1;
            }
            if let Some(n) = negation.as_mut() {
                n.left -= 1;
                if n.left == 0 {
                    negation = None;
                }
            }
        }
    }
    let last = sentences.len() - 1;
    flush_mods(&units, &mut mods, &mut mult, &mut contribs, last, mixed_case);

    apply_sentence_rules(text, &mut contribs, &sentences);
    let mut worded = sentences.iter().filter(|s| s.words > 0).peekable();
    let question_only = worded.peek().is_some() && worded.all(|s| s.questions > 0);
    let threshold = if question_only { QUESTION_ONLY_THRESHOLD } else { LABEL_THRESHOLD };
    finish(text, contribs, threshold)
}

/// Emits the own weight of pending modifiers that found no term to modify
/// ("seriously?"), then clears them.
fn flush_mods(
    units: &[Unit<'_>],
    mods: &mut Vec<usize>,
    mult: &mut f64,
    contribs: &mut Vec<Contrib>,
    sentence: usize,
    mixed_case: bool,
) {
    for &mi in mods.iter() {
        if let Some(u) = units.get(mi)
            && let UnitKind::Term(e) = u.kind
            && e.weight != 0.0
        {
            contribs.push(plain_contrib(u, e.weight, sentence, mixed_case, e.polite));
        }
    }
    mods.clear();
    *mult = 1.0;
}

/// A contribution of a term on its own (no negation or modifiers).
fn plain_contrib(u: &Unit<'_>, weight: f32, sentence: usize, mixed_case: bool, polite: bool) -> Contrib {
    let mut w = f64::from(weight);
    let mut notes = Vec::new();
    if u.caps && mixed_case {
        w *= CAPS_BOOST;
        notes.push("all caps".to_string());
    }
    if u.elongated {
        w *= ELONGATION_BOOST;
        notes.push("elongated".to_string());
    }
    if u.hashtag {
        notes.push("hashtag".to_string());
    }
    if notes.is_empty() {
        notes.push("lexicon".to_string());
    }
    Contrib { start: u.start, end: u.end, weight: w, notes, sentence, polite }
}

/// The contribution of a sentiment term with its negation and modifiers, if non-zero.
#[allow(clippy::too_many_arguments)]
fn term_contrib(
    text: &str,
    units: &[Unit<'_>],
    u: &Unit<'_>,
    e: &Entry,
    negation: Option<Negation>,
    mods: &[usize],
    mult: f64,
    sentence: usize,
    mixed_case: bool,
) -> Option<Contrib> {
    let base = f64::from(e.weight);
    let mut w = match negation {
        None => base,
        Some(_) => match e.negated {
            Some(nw) => f64::from(nw),
            None if base > 0.0 => base * NEGATE_POSITIVE,
            None => base * NEGATE_NEGATIVE,
        },
    };
    if w == 0.0 {
        return None;
    }
    let mut notes = Vec::new();
    let mut start = u.start;
    let mut caps = u.caps;
    let mut elongated = u.elongated;
    if let Some(n) = negation {
        notes.push("negated".to_string());
        start = start.min(n.start);
        caps |= n.caps;
    }
    let first_mod = mods.first().and_then(|&i| units.get(i));
    let last_mod = mods.last().and_then(|&i| units.get(i));
    if let (Some(f), Some(l)) = (first_mod, last_mod) {
        let m = mult.clamp(MULT_MIN, MULT_MAX);
        let words = text.get(f.start..l.end).unwrap_or("");
        if m >= 1.0 {
            notes.push(format!("intensified by '{words}'"));
        } else {
            notes.push(format!("dampened by '{words}'"));
        }
        w *= m;
        start = start.min(f.start);
        for &i in mods {
            if let Some(mu) = units.get(i) {
                caps |= mu.caps;
                elongated |= mu.elongated;
            }
        }
    }
    if caps && mixed_case {
        w *= CAPS_BOOST;
        notes.push("all caps".to_string());
    }
    if elongated {
        w *= ELONGATION_BOOST;
        notes.push("elongated".to_string());
    }
    if u.hashtag {
        notes.push("hashtag".to_string());
    }
    if notes.is_empty() {
        notes.push("lexicon".to_string());
    }
    Some(Contrib { start, end: u.end, weight: w, notes, sentence, polite: e.polite && negation.is_none() })
}

/// "but", questions, courtesy words in complaints, exclamation marks.
fn apply_sentence_rules(text: &str, contribs: &mut Vec<Contrib>, sentences: &[Sentence]) {
    // "X but Y": the clause after the contrast word dominates.
    for (si, s) in sentences.iter().enumerate() {
        let Some((at, at_start, bs, be)) = s.but else {
            continue;
        };
        let end = sentences.get(si + 1).map_or(contribs.len(), |n| n.first);
        let region = if at_start && si > 0 { sentences[si - 1].first } else { s.first };
        let word = text.get(bs..be).unwrap_or("but");
        for c in contribs.iter_mut().take(at).skip(region) {
            c.weight *= BEFORE_BUT;
            c.notes.push(format!("before '{word}'"));
        }
        for c in contribs.iter_mut().take(end).skip(at) {
            c.weight *= AFTER_BUT;
            c.notes.push(format!("after '{word}'"));
        }
    }

    // Questions lean neutral; complaints phrased as questions stay negative.
    for c in contribs.iter_mut() {
        if sentences.get(c.sentence).is_some_and(|s| s.questions > 0) {
            c.weight *= if c.weight > 0.0 { QUESTION_POSITIVE } else { QUESTION_NEGATIVE };
            c.notes.push("in a question".to_string());
        }
    }

    // Courtesy words do not make a complaint positive ("thanks, still waiting"):
    // they fade out as the rest of the message gets clearly negative.
    let rest: f64 = contribs.iter().filter(|c| !c.polite).map(|c| c.weight).sum();
    let keep = ((rest - POLITE_DROP) / (POLITE_KEEP - POLITE_DROP)).clamp(0.0, 1.0);
    if keep <= 0.0 {
        contribs.retain(|c| !c.polite);
    } else if keep < 1.0 {
        for c in contribs.iter_mut().filter(|c| c.polite) {
            c.weight *= keep;
            c.notes.push("courtesy in a complaint".to_string());
        }
    }

    // Exclamation marks push their sentence further in its direction.
    let mut sums = vec![0.0f64; sentences.len()];
    for c in contribs.iter() {
        if let Some(x) = sums.get_mut(c.sentence) {
            *x += c.weight;
        }
    }
    for (si, s) in sentences.iter().enumerate() {
        let Some((ts, te)) = s.terminal else { continue };
        if s.bangs == 0 {
            continue;
        }
        let sum = sums.get(si).copied().unwrap_or(0.0);
        if sum.abs() < 1e-9 {
            continue;
        }
        let boost = sum.signum() * BANG_WEIGHT * f64::from(s.bangs.min(MAX_BANGS));
        contribs.push(Contrib {
            start: ts,
            end: te,
            weight: boost,
            notes: vec!["exclamation".to_string()],
            sentence: si,
            polite: false,
        });
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Normalises the sum, picks the label, computes confidence, builds the evidence list.
fn finish(text: &str, contribs: Vec<Contrib>, threshold: f64) -> MessageAnalysis {
    let contribs: Vec<Contrib> = contribs.into_iter().filter(|c| c.weight.abs() >= 5e-4).collect();
    let total: f64 = contribs.iter().map(|c| c.weight).sum();
    let pos: f64 = contribs.iter().filter(|c| c.weight > 0.0).map(|c| c.weight).sum();
    let neg: f64 = -contribs.iter().filter(|c| c.weight < 0.0).map(|c| c.weight).sum::<f64>();
    let score = if total == 0.0 || !total.is_finite() {
        0.0
    } else {
        (total / (total * total + ALPHA).sqrt()).clamp(-1.0, 1.0)
    };
    let label = if score >= threshold {
        SentimentLabel::Positive
    } else if score <= -threshold {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    };
    let confidence = confidence(label, score, threshold, contribs.len(), pos, neg);

    let mut evidence: Vec<Evidence> = contribs
        .into_iter()
        .filter_map(|c| {
            let span = text.get(c.start..c.end)?;
            Some(Evidence {
                text: span.to_string(),
                start: c.start,
                end: c.end,
                weight: round3(c.weight),
                note: c.notes.join(", "),
            })
        })
        .collect();
    evidence.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()).then(a.start.cmp(&b.start)));
    evidence.truncate(MAX_EVIDENCE);

    MessageAnalysis { sentiment: Sentiment { label, score, confidence }, evidence }
}

/// Confidence in [0, 1]: strong, well-supported, one-sided scores are trusted more.
/// A lexicon scorer never claims more than 0.95.
fn confidence(label: SentimentLabel, score: f64, threshold: f64, n: usize, pos: f64, neg: f64) -> f64 {
    let big = pos.max(neg);
    let conflict = if big > 0.0 { pos.min(neg) / big } else { 0.0 };
    let support = 1.0 - 0.6f64.powi(i32::try_from(n.min(16)).unwrap_or(16));
    let c = match label {
        SentimentLabel::Neutral if n == 0 => 0.5,
        SentimentLabel::Neutral => 0.5 * (1.0 - score.abs() / threshold) * (1.0 - 0.5 * conflict) + 0.1,
        _ => 0.3 + 0.45 * score.abs() + 0.25 * support - 0.35 * conflict,
    };
    c.clamp(0.05, 0.95)
}
