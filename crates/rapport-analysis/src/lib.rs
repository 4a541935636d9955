//! rapport-analysis — the text engine of Rapport (PRODUCT.md §2 C3/C8, §3, §4).
//!
//! A pure library: text in, scores and evidence out. No I/O, no clock, no global mutable state. An
//! [`Engine`] builds its tables once (lexicons, cue lists and the trained models compiled in from
//! `data/`) and is then shared (`Send + Sync`) by the server and `rapport assess`.
//!
//! How a customer message is read:
//! 1. [`email::current_text`] drops quoted history and signatures of email replies.
//! 2. [`tokenizer`] splits it into hashed tokens (mentions, hashtags, URLs, emoji, emoticons,
//!    elongation, caps, punctuation runs).
//! 3. [`features`] reads it with two lexicons under negation/intensity/contrast rules and turns it
//!    into sparse n-gram and dense lexicon features.
//! 4. Two linear models ([`model`], trained by `train/` from named data, see `data/MODEL_CARD.md`)
//!    give sentiment and complaint reason; cue tables ([`cues`]) give emotion and intents, and
//!    complaint-reason cues that any help desk knows (refunds, apps, rude staff) add to the reason
//!    model's logits: the data it learns from is airline tweets.
//! 5. Evidence is built on demand: each feature's contribution mapped back to its words.
//!
//! [`Engine::summarize`] is the allocation-free hot path (after its [`Scratch`] has grown);
//! [`Engine::analyze_customer`] adds the evidence.
//!
//! ```
//! use rapport_analysis::{Engine, SentimentLabel};
//!
//! let engine = Engine::new();
//! let a = engine.analyze_customer("Still waiting for my refund, this is unacceptable!");
//! assert_eq!(a.sentiment.label, SentimentLabel::Negative);
//! assert!(a.evidence.iter().any(|e| e.text.contains("unacceptable")));
//! ```

use serde::{Deserialize, Serialize};

pub mod conversation;
pub mod cues;
pub mod email;
pub mod features;
pub mod hash;
pub mod joint;
pub mod labels;
pub mod lexicon;
pub mod model;
pub mod order;
pub mod reply;
pub mod table;
pub mod tokenizer;
pub mod train;
pub mod vocab;

mod evidence;

pub use features::Scratch;
pub use labels::{ComplaintReason, Emotion, Intent, SentimentLabel};
pub use model::{LinearModel, ModelError};
pub use order::{OrderModel, OrderModelError};

use cues::CueTable;
use joint::Scorer;
use lexicon::Lexicon;
use tokenizer::Tokenizer;
use vocab::Vocabulary;

const SENTIMENT_MODEL: &str = include_str!("../data/sentiment.model.tsv");
const REASONS_MODEL: &str = include_str!("../data/reasons.model.tsv");
const EMOTION_CUES: &str = include_str!("../data/emotion.tsv");
const INTENT_CUES: &str = include_str!("../data/intents.tsv");
const REASON_CUES: &str = include_str!("../data/reason_cues.tsv");
const ORDER_MODEL: &str = include_str!("../data/order.model.tsv");

/// Number of emotions: the cue table's first categories.
const EMOTIONS: usize = 7;
/// The cue table's categories: emotions, then intents, then the built-in complaint reasons.
const INTENT_CUES_FROM: usize = EMOTIONS;
const REASON_CUES_FROM: usize = INTENT_CUES_FROM + Intent::ALL.len();
/// What one unit of reason-cue weight adds to that reason's logit, and the most cue weight of one
/// reason that counts. Chosen on the dev split of eval/data/twcs-labels, checked against airline CV.
pub(crate) const REASON_CUE_SCALE: f32 = 5.0;
const REASON_CUE_MAX: f32 = 1.5;

/// A reason is reported only when the reason model is at least this sure, or the message is negative.
const REASON_MIN_CONFIDENCE: f32 = 0.5;

/// The analysis engine. Build it once and share it.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The lexicon, and both models' weights by feature.
    vocab: Vocabulary,
    tokenizer: Tokenizer,
    sentiment: LinearModel,
    /// Class index of negative / neutral / positive in the sentiment model.
    sentiment_classes: [usize; 3],
    reasons: ReasonModel,
    /// Emotion cues (categories 0..7, [`Emotion::ALL`]), intent cues (7.., [`Intent::ALL`]) and
    /// reason cues (12.., [`ComplaintReason::ALL`]).
    cues: CueTable,
    /// For each built-in reason, the reason model's class of that name (none in a custom taxonomy
    /// that does not use the name: its cues are then left out).
    reason_cue_class: [Option<u8>; ComplaintReason::ALL.len()],
    /// The word-order reader blended into the sentiment (the built-in engine has it; engines under
    /// training have not, so that cross-validation measures the n-gram model alone).
    order: Option<OrderModel>,
}

/// The sentiment model's logits (blended with the word-order reader's, where there is one) for
/// negative, neutral and positive.
type SentimentLogits = [f32; 3];

/// What the cue table found in a message.
struct CueScores {
    emotion: [f32; EMOTIONS],
    intent: [f32; Intent::ALL.len()],
    /// By reason-model class: what the reason cues add to its logit.
    reason: [f32; model::MAX_CLASSES],
}

/// A complaint-reason classifier: the built-in one (classes of [`ComplaintReason`]) or a business's
/// own (`rapport train-reasons`), whose classes are free names.
#[derive(Debug, Clone)]
pub struct ReasonModel {
    model: LinearModel,
}

impl ReasonModel {
    pub fn new(model: LinearModel) -> Self {
        ReasonModel { model }
    }

    pub fn model(&self) -> &LinearModel {
        &self.model
    }
}

impl Engine {
    /// The engine with the built-in data and models.
    pub fn new() -> Engine {
        // The built-in files are tested to parse (tests in this crate); a broken build-time file
        // must not take the server down, so fall back to an empty model instead of panicking.
        let sentiment = LinearModel::parse(SENTIMENT_MODEL)
            .unwrap_or_else(|_| fallback_model(&["negative", "neutral", "positive"]));
        let reasons = LinearModel::parse(REASONS_MODEL)
            .unwrap_or_else(|_| fallback_model(&ComplaintReason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()));
        let mut engine = Engine::with_models(sentiment, ReasonModel::new(reasons));
        engine.order = OrderModel::parse(ORDER_MODEL).ok();
        engine
    }

    /// The engine with other models (a custom reason taxonomy, or models under training).
    pub fn with_models(sentiment: LinearModel, reasons: ReasonModel) -> Engine {
        let lexicon = Lexicon::builtin();
        let tokenizer = Tokenizer::new(lexicon.emoticon_patterns());
        let class = |name: &str, default: usize| sentiment.classes().iter().position(|c| c == name).unwrap_or(default);
        let sentiment_classes = [class("negative", 0), class("neutral", 1), class("positive", 2)];
        let vocab = Vocabulary::new(lexicon, &sentiment, &reasons.model);
        Engine {
            vocab,
            tokenizer,
            sentiment,
            sentiment_classes,
            reason_cue_class: reason_cue_classes(&reasons.model),
            reasons,
            cues: builtin_cues().0,
            order: None,
        }
    }

    /// Blends a word-order reader into the sentiment, or stops blending (`None`).
    pub fn set_order(&mut self, order: Option<OrderModel>) {
        self.order = order;
    }

    /// The weight of the n-gram model in the sentiment blend (1 without a word-order reader).
    pub(crate) fn ngram_share(&self) -> f32 {
        self.order.as_ref().map_or(1.0, OrderModel::ngram_weight)
    }

    /// Replaces the reason model (a custom taxonomy).
    pub fn set_reasons(&mut self, reasons: ReasonModel) {
        self.vocab = Vocabulary::new(self.vocab.lexicon().clone(), &self.sentiment, &reasons.model);
        self.reason_cue_class = reason_cue_classes(&reasons.model);
        self.reasons = reasons;
    }

    /// The reason-model class a cue category adds to (none for emotion and intent cues).
    pub(crate) fn reason_cue_target(&self, category: usize) -> Option<usize> {
        let r = category.checked_sub(REASON_CUES_FROM)?;
        self.reason_cue_class.get(r).copied().flatten().map(usize::from)
    }

    pub fn sentiment_model(&self) -> &LinearModel {
        &self.sentiment
    }

    pub fn reason_model(&self) -> &ReasonModel {
        &self.reasons
    }

    /// The keys the word-order reader looks up for what the customer wrote now in `text` (what its
    /// trainer reads: `rapport-train tokens`).
    pub fn order_keys(&self, text: &str, scratch: &mut Scratch) -> Vec<u64> {
        self.tokenizer.tokenize_into(email::current_text(text), &mut scratch.tokens);
        scratch.tokens.iter().take(order::MAX_TOKENS).map(order::token_key).collect()
    }

    /// Tokenizes `text` and extracts its features into `scratch` (training and evaluation use this).
    pub fn features_into(&self, text: &str, scratch: &mut Scratch) {
        self.tokenizer.tokenize_into(text, &mut scratch.tokens);
        features::extract(&self.vocab, scratch);
    }

    /// Sentiment, emotion, reason and intents of a customer message, without evidence.
    /// Allocation-free once `scratch` has grown to the size of the messages seen.
    pub fn summarize(&self, text: &str, scratch: &mut Scratch) -> Summary {
        let mut reasons = model::Scores::default();
        let sentiment = self.scores_of_text(text, scratch, &mut reasons);
        self.summary_from(scratch, sentiment, &mut reasons)
    }

    /// Both models' scores of what the customer wrote now in `text` (tokens left in `scratch`); the
    /// reason model's go to `reasons`.
    fn scores_of_text(&self, text: &str, scratch: &mut Scratch, reasons: &mut model::Scores) -> SentimentLogits {
        self.tokenizer.tokenize_into(email::current_text(text), &mut scratch.tokens);
        scratch.features.clear();
        self.scores_of(scratch, &mut features::Discard, reasons)
    }

    /// The summary of the tokens in `scratch`. Their features go straight into the scorer and to
    /// `list` (which may keep them or not); `scratch.features` is left as it is.
    fn summary_of(&self, scratch: &mut Scratch, list: &mut impl features::FeatureSink) -> Summary {
        let mut reasons = model::Scores::default();
        let sentiment = self.scores_of(scratch, list, &mut reasons);
        self.summary_from(scratch, sentiment, &mut reasons)
    }

    /// Both models' scores of the tokens in `scratch`, by the scorer for the joint table's row width.
    /// The reason model's go to `reasons` (written in place: a 32-class array returned by value is
    /// copied at every call level).
    fn scores_of(
        &self,
        scratch: &mut Scratch,
        list: &mut impl features::FeatureSink,
        reasons: &mut model::Scores,
    ) -> SentimentLogits {
        let mut sentiment = match self.vocab.joint().blocks() {
            1 => self.extract_scored::<1>(scratch, list, reasons),
            2 => self.extract_scored::<2>(scratch, list, reasons),
            _ => self.extract_scored::<{ joint::SLOT_BLOCKS[joint::SLOT_BLOCKS.len() - 1] }>(scratch, list, reasons),
        };
        if let Some(order) = &self.order {
            sentiment = order.blend(sentiment, order.logits(&scratch.tokens));
        }
        sentiment
    }

    /// Both models' scores, summing each feature's joint row (of `B` blocks, known at compile time)
    /// as extraction finds it.
    fn extract_scored<const B: usize>(
        &self,
        scratch: &mut Scratch,
        list: &mut impl features::FeatureSink,
        reasons: &mut model::Scores,
    ) -> SentimentLogits {
        let mut sink = (Scorer::<B>::new(self.vocab.joint()), list);
        features::extract_into(&self.vocab, scratch, &mut sink);
        self.logits(sink.0.sums().as_flattened(), reasons)
    }

    /// The summary of the scored tokens in `scratch`; the reason cues are added to `rs` in place.
    fn summary_from(&self, scratch: &Scratch, sentiment: SentimentLogits, rs: &mut model::Scores) -> Summary {
        // Nothing to read (blank, punctuation, a bare link or handle): neutral, and sure of it,
        // rather than the model's prior.
        if !readable(scratch) {
            return Summary {
                sentiment: Sentiment { label: SentimentLabel::Neutral, score: 0.0, confidence: 1.0 },
                emotion: Emotion::Neutral,
                reason: None,
                reason_confidence: 0.0,
                intents: IntentSet::default(),
            };
        }
        let mut p = sentiment;
        model::softmax_in_place(&mut p);
        let [pn, pu, pp] = p;
        let label = if pn >= pu && pn >= pp {
            SentimentLabel::Negative
        } else if pp > pu {
            SentimentLabel::Positive
        } else {
            SentimentLabel::Neutral
        };
        let sentiment = Sentiment {
            label,
            score: f64::from((pp - pn).clamp(-1.0, 1.0)),
            confidence: f64::from(pn.max(pu).max(pp)),
        };

        let cues = self.read_cues(&scratch.tokens);
        add_reason_cues(rs, &cues.reason);
        let (best, reason_confidence) = rs.best_with_probability();
        let reason = (label == SentimentLabel::Negative || reason_confidence >= REASON_MIN_CONFIDENCE)
            .then_some(ReasonIndex(best as u8));
        let emotion = pick_emotion(label, &cues.emotion, scratch);

        let mut intents = IntentSet::default();
        for (i, s) in cues.intent.iter().enumerate() {
            if *s >= 1.0 {
                intents.0 |= 1 << i;
            }
        }
        Summary { sentiment, emotion, reason, reason_confidence: f64::from(reason_confidence), intents }
    }

    /// The emotion, intent and reason cues of a message, summed by category.
    fn read_cues(&self, tokens: &[tokenizer::Token]) -> CueScores {
        let mut c =
            CueScores { emotion: [0.0; EMOTIONS], intent: [0.0; Intent::ALL.len()], reason: [0.0; model::MAX_CLASSES] };
        self.cues.scan(tokens, |cat, w, _, _| {
            if let Some(e) = c.emotion.get_mut(cat) {
                *e += w;
            } else if let Some(i) = cat.checked_sub(INTENT_CUES_FROM).and_then(|i| c.intent.get_mut(i)) {
                *i += w;
            } else if let Some(r) = self.reason_cue_target(cat).and_then(|r| c.reason.get_mut(r)) {
                *r += w;
            }
        });
        c
    }

    /// How much of each built-in reason's cues (`data/reason_cues.tsv`, in [`ComplaintReason::ALL`]
    /// order) `text` holds, capped as they are when added to the logits, whatever reason model the engine
    /// has: what `rapport train-reasons` reads to tie a business's own reasons to the built-in cues.
    pub fn builtin_reason_cues(&self, text: &str, scratch: &mut Scratch) -> [f32; ComplaintReason::ALL.len()] {
        self.tokenizer.tokenize_into(email::current_text(text), &mut scratch.tokens);
        let mut sums = [0f32; ComplaintReason::ALL.len()];
        self.cues.scan(&scratch.tokens, |cat, w, _, _| {
            if let Some(s) = cat.checked_sub(REASON_CUES_FROM).and_then(|r| sums.get_mut(r)) {
                *s += w;
            }
        });
        sums.map(|s| s.min(REASON_CUE_MAX))
    }

    /// The likeliest complaint reason of a message, whether or not [`Engine::summarize`] would report
    /// it (for evaluation on messages known to be complaints).
    pub fn likeliest_reason(&self, text: &str, scratch: &mut Scratch) -> ReasonIndex {
        let mut reasons = model::Scores::default();
        self.scores_of_text(text, scratch, &mut reasons);
        let cues = self.read_cues(&scratch.tokens);
        add_reason_cues(&mut reasons, &cues.reason);
        ReasonIndex(reasons.best() as u8)
    }

    /// Both models' logits: their biases plus the summed joint rows `sums` ([`Scorer::sums`]); the
    /// reason model's go to `reasons`.
    fn logits(&self, sums: &[f32], reasons: &mut model::Scores) -> SentimentLogits {
        let (s_sums, r_sums) = self.vocab.joint().split(sums);
        let bias = self.sentiment.bias();
        let at = |v: &[f32], c: usize| v.get(c).copied().unwrap_or(0.0);
        let sentiment = self.sentiment_classes.map(|c| at(bias, c) + at(s_sums, c));
        let m = &self.reasons.model;
        *reasons = model::Scores { n: m.classes().len(), logits: [0f32; model::MAX_CLASSES] };
        // Element by element: a slice copy of a length known only at run time is a call to memcpy.
        for ((l, b), a) in reasons.logits.iter_mut().zip(m.bias()).zip(r_sums) {
            *l = b + a;
        }
        sentiment
    }

    /// The name of a reason index from [`Summary::reason`] (a built-in id or a custom reason name).
    pub fn reason_name(&self, r: ReasonIndex) -> &str {
        self.reasons.model.classes().get(usize::from(r.0)).map_or("other", String::as_str)
    }

    /// Full analysis of a customer message, with evidence for every output.
    pub fn analyze_customer(&self, text: &str) -> MessageAnalysis {
        let mut scratch = Scratch::default();
        let current = email::current_text(text);
        self.tokenizer.tokenize_into(current, &mut scratch.tokens);
        // One extraction, scored and listed (the evidence reads the list).
        let mut list = std::mem::take(&mut scratch.features);
        let summary = self.summary_of(&mut scratch, &mut list);
        scratch.features = list;
        if !readable(&scratch) {
            return MessageAnalysis {
                sentiment: summary.sentiment,
                emotion: summary.emotion,
                reason: None,
                reason_confidence: 0.0,
                intents: Vec::new(),
                evidence: Vec::new(),
            };
        }
        evidence::build(self, current, &scratch, &summary)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// Whether a message has anything to read: a word, an emoticon or an emoji.
fn readable(scratch: &Scratch) -> bool {
    scratch
        .tokens
        .iter()
        .any(|t| t.is_word() || matches!(t.kind, tokenizer::TokenKind::Emoticon | tokenizer::TokenKind::Emoji))
}

/// The emotion, intent and reason cue files in one table, and what in them did not parse.
fn builtin_cues() -> (CueTable, Vec<String>) {
    let categories: Vec<&str> = Emotion::ALL
        .iter()
        .map(|e| e.as_str())
        .chain(Intent::ALL.iter().map(|i| i.as_str()))
        .chain(ComplaintReason::ALL.iter().map(|r| r.as_str()))
        .collect();
    let files = [(EMOTION_CUES, "emotion.tsv"), (INTENT_CUES, "intents.tsv"), (REASON_CUES, "reason_cues.tsv")];
    CueTable::parse_files(&files, &categories)
}

/// Header line of a custom reason model that says which of its reasons each built-in reason's cues add to:
/// `reason cues:<TAB>billing_refund=payment<TAB>delivery_delay=late delivery` (tabs, since a reason's name
/// may hold spaces; written by `rapport train-reasons`).
pub const REASON_CUES_HEADER: &str = "reason cues:";

/// For each built-in reason, the class of `model` its cues add to: the class of that name, else the one
/// the model's [`REASON_CUES_HEADER`] line names.
fn reason_cue_classes(model: &LinearModel) -> [Option<u8>; ComplaintReason::ALL.len()] {
    let class = |name: &str| model.classes().iter().position(|c| c == name).map(|i| i as u8);
    let aliases: Vec<(&str, &str)> = model
        .header()
        .iter()
        .filter_map(|h| h.strip_prefix(REASON_CUES_HEADER))
        .flat_map(|pairs| pairs.split('\t'))
        .filter_map(|pair| pair.trim().split_once('='))
        .collect();
    std::array::from_fn(|k| {
        let name = ComplaintReason::ALL.get(k).map(|r| r.as_str())?;
        class(name).or_else(|| aliases.iter().find(|(b, _)| *b == name).and_then(|(_, c)| class(c)))
    })
}

/// Adds to the reason logits what the cues add: [`REASON_CUE_SCALE`] per unit of cue weight, up to
/// [`REASON_CUE_MAX`] units per reason.
fn add_reason_cues(rs: &mut model::Scores, cues: &[f32; model::MAX_CLASSES]) {
    for (l, c) in rs.logits.iter_mut().zip(cues) {
        *l += c.min(REASON_CUE_MAX) * REASON_CUE_SCALE;
    }
}

fn fallback_model(classes: &[&str]) -> LinearModel {
    LinearModel::empty(classes.iter().map(|c| c.to_string()).collect())
}

/// The emotion that agrees with the polarity and has the strongest cues.
fn pick_emotion(label: SentimentLabel, scores: &[f32; EMOTIONS], scratch: &Scratch) -> Emotion {
    let best_of = |cands: &[Emotion]| -> Option<Emotion> {
        cands
            .iter()
            .copied()
            .map(|e| (e, scores[Emotion::ALL.iter().position(|x| *x == e).unwrap_or(6)]))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(e, _)| e)
    };
    match label {
        SentimentLabel::Negative => {
            best_of(&[Emotion::Anger, Emotion::Frustration, Emotion::Anxiety, Emotion::Disappointment]).unwrap_or_else(
                || {
                    // No cue: shouting reads as anger, anything else as frustration.
                    let shouting = scratch.tokens.iter().any(|t| t.caps && t.is_word())
                        || scratch.tokens.iter().any(|t| t.bangs >= 2);
                    if shouting { Emotion::Anger } else { Emotion::Frustration }
                },
            )
        }
        SentimentLabel::Positive => {
            best_of(&[Emotion::Gratitude, Emotion::Satisfaction]).unwrap_or(Emotion::Satisfaction)
        }
        SentimentLabel::Neutral => {
            if scores[2] >= 2.0 {
                Emotion::Anxiety
            } else {
                Emotion::Neutral
            }
        }
    }
}

/// Index of a class of the engine's reason model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonIndex(pub u8);

/// A set of [`Intent`]s, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntentSet(pub u8);

impl IntentSet {
    pub fn contains(&self, i: Intent) -> bool {
        let bit = Intent::ALL.iter().position(|x| *x == i).unwrap_or(7);
        self.0 & (1 << bit) != 0
    }

    pub fn iter(&self) -> impl Iterator<Item = Intent> + '_ {
        Intent::ALL.iter().copied().filter(|i| self.contains(*i))
    }
}

/// What [`Engine::summarize`] returns: everything but the evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub sentiment: Sentiment,
    pub emotion: Emotion,
    pub reason: Option<ReasonIndex>,
    pub reason_confidence: f64,
    pub intents: IntentSet,
}

/// The analysis of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageAnalysis {
    pub sentiment: Sentiment,
    #[serde(default = "neutral_emotion")]
    pub emotion: Emotion,
    /// The complaint reason (a [`ComplaintReason`] id, or a custom reason's name); `None` when the
    /// message is not a complaint and no reason is likely.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub reason_confidence: f64,
    #[serde(default)]
    pub intents: Vec<Intent>,
    /// What caused the results, strongest (by |weight|) first.
    pub evidence: Vec<Evidence>,
}

fn neutral_emotion() -> Emotion {
    Emotion::Neutral
}

/// A sentiment score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// In [-1, 1]: P(positive) − P(negative). The sign is the polarity, also for neutral text.
    pub score: f64,
    /// In [0, 1]: the probability of the label.
    pub confidence: f64,
}

/// One piece of evidence: a span of the message and what it contributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The span as written, e.g. "not happy" or "NEVER".
    pub text: String,
    /// Byte offsets into the analysed text (char boundaries).
    pub start: usize,
    pub end: usize,
    /// Signed contribution: for sentiment, to the log-odds of positive over negative; for emotion,
    /// reason and intent evidence, the cue's or feature's weight for that output.
    pub weight: f64,
    /// Which output it supports: "sentiment", "emotion", "reason" or "intent".
    #[serde(default = "sentiment_signal")]
    pub signal: String,
    /// Why: "lexicon", "negated", "learned phrase", "cue for anger" … (comma separated).
    pub note: String,
}

fn sentiment_signal() -> String {
    "sentiment".into()
}

#[cfg(test)]
mod tests {
    /// A typo in a cue file would silently drop its line: the built-in files must parse cleanly.
    #[test]
    fn builtin_cue_files_parse_without_errors() {
        let (_, errors) = super::builtin_cues();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
