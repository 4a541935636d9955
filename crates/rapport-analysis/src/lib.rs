//! rapport-analysis — the text engine of Rapport (PRODUCT.md §2 C3, §4).
//!
//! A pure library: text in, scores and evidence out. No I/O, no clock, no
//! global mutable state. An [`Engine`] builds its lookup tables once and is then
//! shared (it is `Send + Sync`) by the server and `rapport assess`.
//!
//! This is the first cut: an honest lexicon scorer with rules for negation,
//! intensifiers, "but", questions, caps, elongation, exclamation marks,
//! emoticons and emoji, and courtesy words inside complaints. The seams
//! ([`tokenizer`], [`lexicon`], [`scorer`]) are where a learned model can later
//! replace or complement the lexicon.
//!
//! ```
//! use rapport_analysis::{Engine, SentimentLabel};
//!
//! let engine = Engine::new();
//! let a = engine.analyze_customer("Still waiting for my refund, this is unacceptable!");
//! assert_eq!(a.sentiment.label, SentimentLabel::Negative);
//! assert!(a.evidence.iter().any(|e| e.text == "unacceptable"));
//! ```

use serde::{Deserialize, Serialize};

pub mod lexicon;
pub mod scorer;
pub mod tokenizer;

use lexicon::Lexicon;
use tokenizer::Tokenizer;

/// The analysis engine. Build it once (it parses the built-in lexicon) and share it.
#[derive(Debug, Clone)]
pub struct Engine {
    lexicon: Lexicon,
    tokenizer: Tokenizer,
}

impl Engine {
    /// An engine with the built-in lexicon (compiled in from `data/`).
    pub fn new() -> Engine {
        let lexicon = Lexicon::builtin();
        let tokenizer = Tokenizer::new(lexicon.emoticon_patterns());
        Engine { lexicon, tokenizer }
    }

    /// Scores one customer message. Never panics; evidence offsets are byte
    /// offsets into `text` on char boundaries.
    pub fn analyze_customer(&self, text: &str) -> MessageAnalysis {
        let tokens = self.tokenizer.tokenize(text);
        scorer::score(&self.lexicon, text, &tokens)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// The analysis of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageAnalysis {
    pub sentiment: Sentiment,
    /// What caused the score, strongest (by |weight|) first.
    pub evidence: Vec<Evidence>,
}

/// A sentiment score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// In [-1, 1]; the sign is the polarity.
    pub score: f64,
    /// In [0, 1].
    pub confidence: f64,
}

/// Polarity label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentimentLabel {
    Negative,
    Neutral,
    Positive,
}

impl SentimentLabel {
    /// `"negative"`, `"neutral"` or `"positive"` (the serde form).
    pub fn as_str(&self) -> &'static str {
        match self {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        }
    }

    /// Parses the [`as_str`](Self::as_str) form, ignoring ASCII case and surrounding whitespace.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        [SentimentLabel::Negative, SentimentLabel::Neutral, SentimentLabel::Positive]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for SentimentLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence: a span of the message and what it contributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The span as written, e.g. "not happy" or "NEVER".
    pub text: String,
    /// Byte offsets into the analysed text (char boundaries).
    pub start: usize,
    pub end: usize,
    /// Signed contribution to the (un-normalised) score.
    pub weight: f64,
    /// Why: "lexicon", "negated", "intensified by 'very'", "all caps", "exclamation",
    /// "emoticon", "emoji", "in a question", "after 'but'" … (comma separated).
    pub note: String,
}
