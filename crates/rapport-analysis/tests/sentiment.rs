//! Behaviour of the first-cut lexicon sentiment scorer.

use rapport_analysis::{Engine, Evidence, MessageAnalysis, SentimentLabel};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

fn analyze(text: &str) -> MessageAnalysis {
    engine().analyze_customer(text)
}

fn label(text: &str) -> SentimentLabel {
    analyze(text).sentiment.label
}

fn score(text: &str) -> f64 {
    analyze(text).sentiment.score
}

/// Every invariant the API promises, for any input.
fn assert_well_formed(text: &str, a: &MessageAnalysis) {
    let s = a.sentiment;
    assert!((-1.0..=1.0).contains(&s.score), "score {} out of range for {text:?}", s.score);
    assert!((0.0..=1.0).contains(&s.confidence), "confidence {} out of range", s.confidence);
    match s.label {
        SentimentLabel::Positive => assert!(s.score > 0.0),
        SentimentLabel::Negative => assert!(s.score < 0.0),
        SentimentLabel::Neutral => {}
    }
    for e in &a.evidence {
        assert!(e.start < e.end && e.end <= text.len(), "bad span {e:?}");
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end), "{e:?}");
        assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()));
        assert!(e.weight.is_finite() && e.weight != 0.0, "{e:?}");
        assert!(!e.note.is_empty());
    }
    for w in a.evidence.windows(2) {
        assert!(w[0].weight.abs() >= w[1].weight.abs(), "evidence not ordered: {:?}", a.evidence);
    }
}

fn find<'a>(a: &'a MessageAnalysis, text: &str) -> &'a Evidence {
    a.evidence.iter().find(|e| e.text == text).unwrap_or_else(|| panic!("no evidence {text:?} in {:?}", a.evidence))
}

#[test]
fn clearly_negative_complaints_are_negative() {
    for text in [
        "I've been on hold for 2 hours and still no answer. This is ridiculous.",
        "Worst customer service ever. Never again.",
        "My order was delayed twice and now it's lost. Unacceptable!",
        "Still waiting for my refund after 3 weeks",
        "The agent was rude and completely useless",
        "The app is broken and the login doesn't work",
        "You cancelled my booking without telling me",
        "No response to my emails for days. I want a refund.",
        "Charged twice for the same order, nobody helps",
        "very disappointed, the product arrived damaged",
        "I'm so frustrated 😡",
        "This is a joke :(",
        "#fail as usual @acme",
        "I will NEVER order from you again",
    ] {
        let a = analyze(text);
        assert_well_formed(text, &a);
        assert_eq!(a.sentiment.label, SentimentLabel::Negative, "{text:?}: {a:?}");
    }
}

#[test]
fn clearly_positive_praise_is_positive() {
    for text in [
        "Thank you so much, great service!",
        "The support team was incredibly helpful and resolved my issue quickly",
        "Love it, works perfectly 😊",
        "Excellent, quick response and very friendly staff",
        "Problem solved, you guys rock 👍",
        "Amazing experience, highly recommend",
        "Got my refund today, thanks for the help",
        "I'm really happy with how this was handled :)",
        "Best support I've ever had ❤️",
    ] {
        let a = analyze(text);
        assert_well_formed(text, &a);
        assert_eq!(a.sentiment.label, SentimentLabel::Positive, "{text:?}: {a:?}");
    }
}

#[test]
fn neutral_questions_and_statements_are_neutral() {
    for text in [
        "what time do you open on sunday?",
        "Do you ship to Canada?",
        "How do I change my password?",
        "Can you please help me change my address?",
        "Is the sale still good?",
        "My order number is 12345.",
        "I'd like to update my billing address",
    ] {
        let a = analyze(text);
        assert_well_formed(text, &a);
        assert_eq!(a.sentiment.label, SentimentLabel::Neutral, "{text:?}: {a:?}");
    }
}

#[test]
fn question_only_message_leans_neutral_compared_with_a_statement() {
    assert!(score("Is the service good?") < score("The service is good."));
    assert!(score("Is the service good?").abs() < score("The service is good.").abs());
    // A complaint phrased as a question is still a complaint.
    assert_eq!(label("Why is my order delayed again?"), SentimentLabel::Negative);
    assert_eq!(label("Why is your service so terrible?"), SentimentLabel::Negative);
}

#[test]
fn not_happy_is_negative() {
    let a = analyze("I am not happy with this");
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);
    let e = find(&a, "not happy");
    assert!(e.weight < 0.0);
    assert!(e.note.contains("negated"), "{e:?}");
}

#[test]
fn not_bad_is_not_negative_but_only_mildly_positive() {
    let a = analyze("not bad");
    assert_ne!(a.sentiment.label, SentimentLabel::Negative);
    assert!(a.sentiment.score > 0.0 && a.sentiment.score < score("good"), "{a:?}");
}

#[test]
fn negation_reaches_a_few_words_and_stops_at_the_clause() {
    assert_eq!(label("I don't really feel satisfied"), SentimentLabel::Negative);
    assert_eq!(label("it doesn't work"), SentimentLabel::Negative);
    assert_eq!(label("never arrived"), SentimentLabel::Negative);
    assert_eq!(label("haven't received my package"), SentimentLabel::Negative);
    // "no" inside a phrase is not a negator.
    assert_eq!(label("no problem, great job"), SentimentLabel::Positive);
    assert_eq!(label("can't wait to try it"), SentimentLabel::Positive);
    // The comma ends the scope: "great" is not negated.
    assert_eq!(label("not sure why, but great job"), SentimentLabel::Positive);
}

#[test]
fn thanks_in_a_complaint_does_not_make_it_positive() {
    for text in [
        "thanks for nothing",
        "please help, my order never arrived",
        "Thanks for the quick reply, but my problem is still not resolved",
        "thank you so much for wasting my time",
        "Thanks. Still waiting for a response after 5 days",
        "Please help!! I was charged twice and nobody answers, thanks",
    ] {
        let a = analyze(text);
        assert_well_formed(text, &a);
        assert_eq!(a.sentiment.label, SentimentLabel::Negative, "{text:?}: {a:?}");
    }
}

#[test]
fn bare_thanks_is_mildly_positive() {
    let a = analyze("thanks");
    assert_eq!(a.sentiment.label, SentimentLabel::Positive);
    assert!(a.sentiment.score < 0.5, "{a:?}");
    assert!(a.sentiment.score < score("thank you so much, this was excellent"));
}

#[test]
fn caps_and_exclamation_boost_the_magnitude() {
    let plain = score("I am not happy with this");
    let caps = score("I am NOT HAPPY with this");
    let bangs = score("I am not happy with this!!!");
    assert!(caps < plain, "caps {caps} vs {plain}");
    assert!(bangs < plain, "bangs {bangs} vs {plain}");
    assert!(score("Great service!!") > score("Great service"));

    let a = analyze("The delivery was LATE again!!!");
    assert!(find(&a, "LATE").note.contains("all caps"));
    let bang = find(&a, "!!!");
    assert_eq!(bang.note, "exclamation");
    assert!(bang.weight < 0.0, "exclamation follows the sentence's direction");
}

#[test]
fn an_all_caps_message_is_not_boosted_word_by_word() {
    let a = analyze("MY ORDER IS LATE");
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);
    assert!(a.evidence.iter().all(|e| !e.note.contains("all caps")), "{a:?}");
}

#[test]
fn intensifiers_and_diminishers_scale_the_next_term() {
    assert!(score("very happy") > score("happy"));
    assert!(score("extremely rude") < score("rude"));
    assert!(score("slightly disappointed") > score("disappointed"));
    assert!(score("kind of disappointed") > score("disappointed"));
    let a = analyze("the agent was very helpful");
    let e = find(&a, "very helpful");
    assert!(e.note.contains("intensified by 'very'"), "{e:?}");
    // "kind of" is a diminisher here, not the positive word "kind".
    assert_eq!(label("kind of disappointed"), SentimentLabel::Negative);
}

#[test]
fn elongated_words_are_recognised_and_boosted() {
    assert_eq!(label("sooo goooood"), SentimentLabel::Positive);
    assert!(score("sooo good") > score("so good"));
    let a = analyze("this is sooo bad");
    assert!(find(&a, "sooo bad").note.contains("elongated"));
}

#[test]
fn but_shifts_weight_to_the_clause_after_it() {
    assert_eq!(label("The staff were lovely but the delivery was late"), SentimentLabel::Negative);
    assert_eq!(label("The delivery was late but the staff were lovely"), SentimentLabel::Positive);
    let a = analyze("The delivery was late. But the staff were lovely!");
    assert_eq!(a.sentiment.label, SentimentLabel::Positive);
    assert!(find(&a, "lovely").note.contains("after 'But'"));
}

#[test]
fn emoticons_and_emoji_carry_sentiment() {
    assert_eq!(label(":)"), SentimentLabel::Positive);
    assert_eq!(label(":-("), SentimentLabel::Negative);
    assert_eq!(label("😊"), SentimentLabel::Positive);
    assert_eq!(label("👍🏽"), SentimentLabel::Positive);
    assert_eq!(label("❤️"), SentimentLabel::Positive);
    assert_eq!(label("🙁"), SentimentLabel::Negative);
    assert_eq!(label("😡😡😡"), SentimentLabel::Negative);
    let a = analyze("ok :D");
    assert_eq!(find(&a, ":D").note, "emoticon");
    // A time is not an emoticon.
    assert!(analyze("see you at 10:30").evidence.is_empty());
}

#[test]
fn hashtags_count_and_mentions_and_urls_are_ignored() {
    assert_eq!(label("#fail"), SentimentLabel::Negative);
    let a = analyze("@acme #NeverAgain");
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);
    assert_eq!(find(&a, "#NeverAgain").note, "hashtag");
    let a = analyze("@terrible_support see https://example.com/worst-ever-awful");
    assert_eq!(a.sentiment.label, SentimentLabel::Neutral, "{a:?}");
    assert!(a.evidence.is_empty());
}

#[test]
fn evidence_points_at_the_right_words_with_byte_offsets() {
    // Multi-byte characters before the spans make byte and char offsets differ.
    let text = "Café ☕ — I'm NOT happy, the refund is still missing 😡";
    let a = analyze(text);
    assert_well_formed(text, &a);
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);

    let e = find(&a, "NOT happy");
    let start = text.find("NOT happy").unwrap_or(usize::MAX);
    assert_eq!((e.start, e.end), (start, start + "NOT happy".len()));
    assert!(e.note.contains("negated") && e.note.contains("all caps"), "{e:?}");

    let e = find(&a, "😡");
    assert_eq!(e.start, text.find('😡').unwrap_or(usize::MAX));
    assert_eq!(e.end, text.len());
    assert_eq!(e.note, "emoji");

    let e = find(&a, "still missing");
    assert!(e.note.contains("intensified by 'still'"), "{e:?}");
    assert!(a.evidence.iter().any(|e| e.text == "refund"));
}

#[test]
fn evidence_is_ordered_by_absolute_weight() {
    let text = "ok, slightly late, but the agent was rude and the product is broken. Worst ever!!!";
    let a = analyze(text);
    assert_well_formed(text, &a);
    assert!(a.evidence.len() >= 4);
    // "rude" comes after "but", which makes it weigh more than "Worst".
    assert_eq!(a.evidence[0].text, "rude");
    assert!(a.evidence[0].note.contains("after 'but'"));
}

#[test]
fn empty_and_blank_input_is_neutral_with_no_evidence() {
    for text in ["", " ", "\n\n\t", "...", "!!!", "???", "@someone", "https://example.com"] {
        let a = analyze(text);
        assert_well_formed(text, &a);
        assert_eq!(a.sentiment.label, SentimentLabel::Neutral, "{text:?}");
        assert_eq!(a.sentiment.score, 0.0);
        assert!(a.evidence.is_empty(), "{text:?}: {a:?}");
    }
}

#[test]
fn odd_unicode_does_not_panic_and_offsets_stay_on_char_boundaries() {
    for text in [
        "🙂",
        "👩‍👩‍👧‍👦👩‍👩‍👧‍👦",
        "🇫🇷🇩🇪",
        "e\u{301}\u{301}\u{301} bad",
        "\u{200D}\u{FE0F}\u{20E3}",
        "ǅungla İstanbul ß ΣΑΣ terrible",
        "日本語のテキスト！？",
        "’’’ n’t ’s don’’t",
        "#️⃣ *️⃣ 1️⃣",
        "\u{0}\u{1}\u{7f} not\u{0}good",
        "x:)y :)) :-))) <3<3<3 </3",
        "&amp;&lt;&gt;&&&lt;3",
        "#_ #__ #a_ #_a @_ @ # ## @@",
        "ŁÓDŹ IS BAD, lódź is fine",
    ] {
        let a = analyze(text);
        assert_well_formed(text, &a);
    }
}

#[test]
fn a_megabyte_of_text_is_handled() {
    let chunk = "The agent was rude and my order is still not here. Thanks for nothing! 😡 ";
    let text = chunk.repeat(1_000_000 / chunk.len() + 1);
    assert!(text.len() >= 1_000_000);
    let a = analyze(&text);
    assert_well_formed(&text, &a);
    assert_eq!(a.sentiment.label, SentimentLabel::Negative);
    assert!(!a.evidence.is_empty() && a.evidence.len() <= rapport_analysis::scorer::MAX_EVIDENCE);

    // One megabyte with no whitespace or punctuation at all.
    let word = "a".repeat(1 << 20);
    assert_well_formed(&word, &analyze(&word));
    let bangs = "!".repeat(1 << 20);
    assert_well_formed(&bangs, &analyze(&bangs));
}

#[test]
fn analysis_is_deterministic() {
    let text = "Thanks, but the refund is STILL missing!!! :(";
    assert_eq!(analyze(text), analyze(text));
    assert_eq!(Engine::new().analyze_customer(text), Engine::default().analyze_customer(text));
}

#[test]
fn engine_is_send_and_sync_and_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();

    let engine = std::sync::Arc::new(Engine::new());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let engine = std::sync::Arc::clone(&engine);
            std::thread::spawn(move || {
                engine.analyze_customer(if i % 2 == 0 { "great" } else { "awful" }).sentiment.label
            })
        })
        .collect();
    let labels: Vec<_> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
    assert_eq!(labels.len(), 4);
}

#[test]
fn confidence_grows_with_magnitude_and_agreeing_evidence() {
    let weak = analyze("a bit slow").sentiment.confidence;
    let strong = analyze("rude, useless and the worst service ever, unacceptable").sentiment.confidence;
    assert!(strong > weak, "{strong} vs {weak}");
    let mixed = analyze("the food was great and the staff were rude").sentiment.confidence;
    assert!(mixed < strong);
}

#[test]
fn sentiment_label_strings_round_trip() {
    for l in [SentimentLabel::Negative, SentimentLabel::Neutral, SentimentLabel::Positive] {
        assert_eq!(SentimentLabel::parse(l.as_str()), Some(l));
        assert_eq!(SentimentLabel::parse(&l.as_str().to_uppercase()), Some(l));
        assert_eq!(l.to_string(), l.as_str());
        let json = serde_json::to_string(&l).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", l.as_str()));
    }
    assert_eq!(SentimentLabel::parse("mixed"), None);
    assert_eq!(SentimentLabel::parse(""), None);
}

#[test]
fn message_analysis_serializes_and_deserializes() {
    let a = analyze("I'm NOT happy, the order is late!!");
    let json = serde_json::to_string(&a).unwrap_or_default();
    assert!(json.contains("\"label\":\"negative\""), "{json}");
    let back: Option<MessageAnalysis> = serde_json::from_str(&json).ok();
    assert_eq!(back, Some(a));
}
