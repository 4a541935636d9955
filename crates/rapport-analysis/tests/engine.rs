//! What a user of the engine notices: labels on plain service text, evidence that points at the
//! words, emotions, reasons and intents, and well-formed output for any input.

use rapport_analysis::{ComplaintReason, Emotion, Engine, Intent, MessageAnalysis, Scratch, SentimentLabel};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

fn analyze(text: &str) -> MessageAnalysis {
    let a = engine().analyze_customer(text);
    assert_well_formed(text, &a);
    a
}

fn label(text: &str) -> SentimentLabel {
    analyze(text).sentiment.label
}

/// Every invariant the API promises, for any input.
fn assert_well_formed(text: &str, a: &MessageAnalysis) {
    let s = a.sentiment;
    assert!((-1.0..=1.0).contains(&s.score), "score {} out of range for {text:?}", s.score);
    assert!((0.0..=1.0).contains(&s.confidence), "confidence {} out of range", s.confidence);
    match s.label {
        SentimentLabel::Positive => assert!(s.score > 0.0),
        SentimentLabel::Negative => assert!(s.score <= 0.0),
        SentimentLabel::Neutral => {}
    }
    for e in &a.evidence {
        assert!(e.start < e.end && e.end <= text.len(), "bad span {e:?}");
        assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()), "{e:?}");
        assert!(e.weight.is_finite() && e.weight != 0.0, "{e:?}");
        assert!(!e.note.is_empty());
        assert!(["sentiment", "emotion", "reason", "intent"].contains(&e.signal.as_str()));
    }
    let sentiment: Vec<_> = a.evidence.iter().filter(|e| e.signal == "sentiment").collect();
    for w in sentiment.windows(2) {
        assert!(w[0].weight.abs() >= w[1].weight.abs(), "not ordered: {w:?}");
    }
}

#[test]
fn plain_complaints_are_negative_and_praise_is_positive() {
    for text in [
        "Still waiting for my refund, this is unacceptable!",
        "I am not happy with this service",
        "Thanks for nothing, still waiting for my refund!!!",
        "My order was cancelled and nobody told me",
        "The package arrived damaged and the box was crushed",
        "Worst customer service ever, 2 hours on hold",
        "#NeverAgain worst experience",
    ] {
        assert_eq!(label(text), SentimentLabel::Negative, "{text}");
    }
    for text in [
        "Thank you so much, the agent fixed it in minutes",
        "I love it :)",
        "Great service, very friendly staff!",
        "The service was awful but the food was great",
    ] {
        assert_eq!(label(text), SentimentLabel::Positive, "{text}");
    }
}

#[test]
fn negation_flips_what_follows() {
    let happy = analyze("I am happy with the service").sentiment.score;
    let not_happy = analyze("I am not happy with the service").sentiment.score;
    assert!(happy > 0.0 && not_happy < 0.0, "{happy} vs {not_happy}");
    let e = analyze("I am not happy with the service");
    assert!(e.evidence.iter().any(|x| x.text == "happy" && x.note.contains("negated") && x.weight < 0.0), "{e:?}");
}

#[test]
fn evidence_points_at_the_words_with_byte_offsets() {
    // Multi-byte characters before the spans make byte and char offsets differ.
    let text = "Café ☕ — the refund is still missing and the agent was rude 😡";
    let a = analyze(text);
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);
    let rude = a.evidence.iter().find(|e| e.text == "rude" && e.signal == "sentiment").expect("rude is evidence");
    assert_eq!(rude.start, text.find("rude").unwrap_or(usize::MAX));
    assert!(rude.weight < 0.0);
    assert!(a.evidence.iter().any(|e| e.text == "😡" && e.end == text.len()), "{:?}", a.evidence);
}

#[test]
fn quoted_email_history_is_not_read_as_the_customer() {
    let reply = "Still broken.\n\nOn Mon, 3 Mar 2025, Acme Support <help@acme.test> wrote:\n> We are so sorry! Great news, it is fixed, thank you for your patience!\n";
    let a = analyze(reply);
    assert_ne!(a.sentiment.label, SentimentLabel::Positive, "{a:?}");
    assert!(a.evidence.iter().all(|e| e.end <= "Still broken.".len()), "{:?}", a.evidence);
}

#[test]
fn emotions_follow_the_words() {
    let a = analyze("I am furious, this is outrageous!!!");
    assert_eq!(a.emotion, Emotion::Anger);
    assert!(a.evidence.iter().any(|e| e.signal == "emotion" && e.text == "furious"));
    assert_eq!(analyze("Still waiting, third time I ask, so frustrating").emotion, Emotion::Frustration);
    assert_eq!(analyze("Really disappointed, I expected better from you").emotion, Emotion::Disappointment);
    assert_eq!(analyze("Thank you so much for your help!").emotion, Emotion::Gratitude);
    assert_eq!(analyze("What time do you open tomorrow?").emotion, Emotion::Neutral);
    // Every emotion other than neutral has evidence, with or without a cue word.
    for text in ["THIS IS NOT OK!!", "the parcel is still not here", "lovely, works now", "I am furious"] {
        let a = analyze(text);
        if a.emotion != Emotion::Neutral {
            assert!(a.evidence.iter().any(|e| e.signal == "emotion"), "{text}: {a:?}");
        }
    }
}

#[test]
fn service_intents_are_recognised_with_evidence() {
    let a = analyze(
        "Any update on my case? I will switch to your competitor and leave a bad review. Let me speak to a real person!",
    );
    for i in [Intent::AsksUpdate, Intent::ThreatensLeave, Intent::ThreatensPublic, Intent::AsksHuman] {
        assert!(a.intents.contains(&i), "{i:?} missing: {:?}", a.intents);
    }
    assert!(a.evidence.iter().any(|e| e.signal == "intent" && e.text == "real person"));
    assert!(
        analyze("I already told you this twice, how many times do I have to ask")
            .intents
            .contains(&Intent::RepeatsRequest)
    );
    assert!(analyze("The blue one please").intents.is_empty());
}

#[test]
fn complaint_reasons_come_from_the_stable_set() {
    let cases = [
        ("My flight was cancelled and nobody rebooked me", ComplaintReason::Cancellation),
        ("My bag is lost, it never arrived at the airport", ComplaintReason::LostOrDamaged),
        ("Delayed again, 3 hours late and still waiting at the gate", ComplaintReason::DeliveryDelay),
        ("On hold for 2 hours, nobody answers the phone", ComplaintReason::Communication),
    ];
    for (text, want) in cases {
        let a = analyze(text);
        assert_eq!(a.reason.as_deref(), Some(want.as_str()), "{text}: {a:?}");
        assert!(a.evidence.iter().any(|e| e.signal == "reason"), "{text}: {a:?}");
    }
    assert_eq!(analyze("Thanks, have a lovely day!").reason, None);
}

#[test]
fn blank_and_unreadable_input_is_neutral_with_no_evidence() {
    for text in ["", " ", "\n\n\t", "...", "!!!", "???", "@someone", "https://example.com"] {
        let a = analyze(text);
        assert_eq!(a.sentiment.label, SentimentLabel::Neutral, "{text:?}");
        assert_eq!(a.sentiment.score, 0.0);
        assert!(a.evidence.is_empty(), "{text:?}: {a:?}");
    }
}

#[test]
fn odd_unicode_and_huge_input_are_handled() {
    for text in ["🙂", "👩‍👩‍👧‍👦👩‍👩‍👧‍👦", "🇫🇷🇩🇪", "é\u{301}", "\u{200D}\u{FE0F}", "ẞ", "a\u{0}b", "\u{FEFF}hello"]
    {
        analyze(text);
    }
    let big = "the refund is still missing and nobody answers. ".repeat(20_000);
    let a = analyze(&big);
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);
}

#[test]
fn summarize_agrees_with_analyze_and_reuses_its_buffers() {
    let mut scratch = Scratch::default();
    for text in ["Still waiting!!", "Thanks, all good", "Where is my parcel?", ""] {
        let s = engine().summarize(text, &mut scratch);
        let a = analyze(text);
        assert_eq!(s.sentiment, a.sentiment, "{text}");
        assert_eq!(s.emotion, a.emotion);
        assert_eq!(s.reason.map(|r| engine().reason_name(r).to_string()), a.reason);
        assert_eq!(s.intents.iter().collect::<Vec<_>>(), a.intents);
    }
}

/// The hot path sums features as it extracts them; training and evidence read the list. Both must
/// be the same features: the list scored by the sentiment model gives the hot path's scores (to the
/// 8-bit rounding of the joint rows: a step below 0.005 per weight here, while a feature missing from
/// either side moves the score by tenths). Read without the word-order reader, which the list does not
/// hold.
#[test]
fn the_hot_path_scores_the_features_the_list_holds() {
    let mut engine = Engine::new();
    engine.set_order(None);
    let mut scratch = Scratch::default();
    for text in [
        "Still waiting for my refund!!! NOT ok :( #NeverAgain",
        "not happy, order 1234 delayed 3 days... thanks for nothing",
        "I loooove the new app 😍 but checkout doesn't work",
        "Thanks, all good",
    ] {
        let s = engine.summarize(text, &mut scratch);
        engine.features_into(text, &mut scratch);
        let p = engine.sentiment_model().score(&scratch.features).probabilities();
        let classes = engine.sentiment_model().classes();
        let prob = |name: &str| classes.iter().position(|c| c == name).map_or(0.0, |i| p[i]);
        let score = f64::from(prob("positive") - prob("negative"));
        assert!((score - s.sentiment.score).abs() < 0.02, "{text}: {score} vs {}", s.sentiment.score);
    }
}

/// The word-order reader is part of the built-in sentiment: it moves the score, and the evidence shows the
/// windows it read, at their share of the blend.
#[test]
fn the_word_order_reader_is_blended_and_explained() {
    let mut ngram_only = Engine::new();
    ngram_only.set_order(None);
    let mut scratch = Scratch::default();
    let text = "Great, another 3 hour delay. Thanks for nothing";
    let blended = engine().summarize(text, &mut scratch).sentiment;
    let alone = ngram_only.summarize(text, &mut scratch).sentiment;
    assert_eq!(blended.label, SentimentLabel::Negative);
    assert!((blended.score - alone.score).abs() > 1e-3, "{blended:?} vs {alone:?}");
    let a = analyze(text);
    let order: Vec<_> = a.evidence.iter().filter(|e| e.note.contains("word order")).collect();
    assert!(!order.is_empty(), "{:#?}", a.evidence);
    assert!(order.iter().any(|e| e.weight < 0.0), "{order:#?}");
    assert!(order.iter().all(|e| e.text.split_whitespace().count() <= 3), "windows are at most three tokens");
}

#[test]
fn analysis_is_deterministic_and_shareable() {
    let text = "Thanks, but the refund is STILL missing!!! :(";
    assert_eq!(analyze(text), analyze(text));
    assert_eq!(Engine::new().analyze_customer(text), Engine::default().analyze_customer(text));
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
}

#[test]
fn labels_round_trip_and_old_stored_analyses_still_parse() {
    for l in SentimentLabel::ALL {
        assert_eq!(SentimentLabel::parse(l.as_str()), Some(*l));
    }
    for r in ComplaintReason::ALL {
        assert_eq!(ComplaintReason::parse(&r.as_str().to_uppercase()), Some(*r));
    }
    // An analysis stored by the first engine (no emotion/reason/intents/signal) still reads.
    let old = r#"{"sentiment":{"label":"negative","score":-0.5,"confidence":0.7},"evidence":[{"text":"late","start":0,"end":4,"weight":-1.0,"note":"lexicon"}]}"#;
    let a: Result<MessageAnalysis, _> = serde_json::from_str(old);
    assert!(a.is_ok_and(|a| a.emotion == Emotion::Neutral && a.evidence[0].signal == "sentiment"));
}

/// Complaints outside airlines get the reason any help desk would give, with the cue as evidence
/// ("Still waiting for my refund" read as lost luggage before the reason cues).
#[test]
fn reasons_of_other_industries_come_from_their_topic_words() {
    let cases = [
        ("Still waiting for my refund, this is ridiculous", ComplaintReason::BillingRefund, "refund"),
        ("the app keeps crashing every time I open it", ComplaintReason::Technical, "app"),
        ("the driver was so rude to me", ComplaintReason::AgentAttitude, "rude"),
        // "my order" is a delivery cue; being charged twice is what the complaint is about.
        ("I was charged twice for my order", ComplaintReason::BillingRefund, "charged twice"),
    ];
    for (text, reason, cue) in cases {
        let a = analyze(text);
        assert_eq!(a.reason.as_deref(), Some(reason.as_str()), "{text}");
        assert!(
            a.evidence.iter().any(|e| e.signal == "reason" && e.text == cue && e.note.contains("complaint-reason cue")),
            "{text}: {:?}",
            a.evidence
        );
    }
}
