//! Property tests: the engine never panics and its output is always well formed.

use proptest::prelude::*;
use rapport_analysis::{Engine, MessageAnalysis, SentimentLabel};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

fn check(text: &str, a: &MessageAnalysis) -> Result<(), TestCaseError> {
    let s = a.sentiment;
    prop_assert!((-1.0..=1.0).contains(&s.score));
    prop_assert!((0.0..=1.0).contains(&s.confidence));
    if s.label == SentimentLabel::Positive {
        prop_assert!(s.score > 0.0);
    }
    if s.label == SentimentLabel::Negative {
        prop_assert!(s.score < 0.0);
    }
    for e in &a.evidence {
        prop_assert!(e.start < e.end && e.end <= text.len());
        prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        prop_assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()));
        prop_assert!(e.weight.is_finite());
    }
    for w in a.evidence.iter().filter(|e| e.signal == "sentiment").collect::<Vec<_>>().windows(2) {
        prop_assert!(w[0].weight.abs() >= w[1].weight.abs());
    }
    Ok(())
}

/// Pieces that exercise the rules: lexicon words, modifiers, emoticons, emoji, punctuation.
const PIECES: &[&str] = &[
    "not",
    "no",
    "never",
    "don't",
    "can’t",
    "very",
    "SO",
    "sooo",
    "slightly",
    "kind of",
    "but",
    "BUT",
    "thanks",
    "thank you so much",
    "please help",
    "for nothing",
    "good",
    "GREAT",
    "bad",
    "rude",
    "still waiting",
    "hours on hold",
    "refund",
    "doesn't work",
    "love",
    "helpful",
    "#fail",
    "#NeverAgain",
    "@acme",
    "https://x.co/y",
    ":)",
    ":-(",
    ":D",
    "<3",
    "&amp;",
    "&lt;3",
    "😡",
    "👍🏽",
    "❤️",
    "👩‍👩‍👧",
    "!",
    "!!!",
    "?",
    "?!",
    ".",
    ",",
    "...",
    "\n",
    "\n\n",
    " ",
    "-",
    "’",
    "é",
    "ß",
    "İ",
    "\u{301}",
    "\u{200D}",
    "\u{FE0F}",
];

fn pieces() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.join(" "))
}

fn glued_pieces() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_is_analyzed_without_panic(text in any::<String>()) {
        let a = engine().analyze_customer(&text);
        check(&text, &a)?;
    }

    #[test]
    fn rule_heavy_text_is_analyzed_without_panic(text in pieces()) {
        let a = engine().analyze_customer(&text);
        check(&text, &a)?;
    }

    #[test]
    fn glued_rule_heavy_text_is_analyzed_without_panic(text in glued_pieces()) {
        let a = engine().analyze_customer(&text);
        check(&text, &a)?;
    }

    #[test]
    fn ascii_punctuation_soup_is_analyzed_without_panic(text in "[ -~\n]{0,200}") {
        let a = engine().analyze_customer(&text);
        check(&text, &a)?;
    }
}
