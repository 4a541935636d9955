//! Agent reply checks (PRODUCT.md §2 C8) on realistic replies.

use proptest::prelude::*;
use rapport_analysis::reply::{
    CHECKS, CannedIndex, ReplyChecker, ReplyContext, ReplyReport, check_reply, check_reply_with_canned, hamming,
    simhash,
};

const NEGATIVE: ReplyContext<'static> =
    ReplyContext { customer_name: None, customer_negative: true, customer_text: None };

fn ctx_named(name: &'static str) -> ReplyContext<'static> {
    ReplyContext { customer_name: Some(name), customer_negative: true, customer_text: None }
}

/// Checks the report is well formed, then returns it.
fn well_formed(text: &str, r: ReplyReport) -> ReplyReport {
    let names: Vec<&str> = r.checks.iter().map(|c| c.name).collect();
    let expected: Vec<&str> = CHECKS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, expected);
    for c in &r.checks {
        for e in &c.evidence {
            assert!(e.start < e.end && e.end <= text.len(), "{e:?}");
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            assert_eq!(&text[e.start..e.end], e.text);
            assert!(!e.note.is_empty());
        }
    }
    assert!((-1.0..=1.0).contains(&r.tone), "tone {}", r.tone);
    assert!((0.0..=100.0).contains(&r.score), "score {}", r.score);
    assert!(r.readability.flesch_reading_ease.is_finite() && r.readability.grade.is_finite());
    r
}

fn run(text: &str, ctx: &ReplyContext<'_>) -> ReplyReport {
    well_formed(text, check_reply(text, ctx))
}

fn passed(r: &ReplyReport, name: &str) -> bool {
    r.check(name).expect("every check is always reported").passed
}

fn evidence(r: &ReplyReport, name: &str) -> Vec<String> {
    r.check(name).expect("every check is always reported").evidence.iter().map(|e| e.text.clone()).collect()
}

// ---------------------------------------------------------------- acknowledges_problem

#[test]
fn acknowledgement_by_understanding_or_looking_into_it() {
    let r = run("I understand you were charged twice for the same order. Let me fix that.", &NEGATIVE);
    assert!(passed(&r, "acknowledges_problem"));
    assert_eq!(evidence(&r, "acknowledges_problem"), ["I understand"]);

    let text = "Thanks for flagging this, Maria. I've looked into your account and the second charge is only a hold.";
    let r = run(text, &NEGATIVE);
    assert!(passed(&r, "acknowledges_problem"));
    assert_eq!(evidence(&r, "acknowledges_problem"), ["Thanks for flagging", "I've looked into"]);
}

#[test]
fn acknowledgement_by_repeating_the_customers_problem() {
    let customer = "The invoice you sent has the wrong billing address on it";
    let ctx = ReplyContext { customer_text: Some(customer), ..NEGATIVE };
    let text = "The billing address on your invoice is now corrected.";
    let r = run(text, &ctx);
    assert!(passed(&r, "acknowledges_problem"));
    assert_eq!(evidence(&r, "acknowledges_problem"), ["billing", "address", "invoice"]);
    // Without the customer's text the same reply has nothing to show.
    assert!(!passed(&run(text, &NEGATIVE), "acknowledges_problem"));
}

/// Social replies start with handles and carry links: neither is a word of the reply. A handle the customer
/// also wrote is no sign of reading the problem, and the first word after the handles starts the sentence.
#[test]
fn handles_and_links_are_not_words_of_the_reply() {
    let customer = "@Tesco @Morrisons my order never came https://t.co/abc123";
    let ctx = ReplyContext { customer_text: Some(customer), ..NEGATIVE };
    let r = run("@117242 @Tesco @Morrisons Good morning! https://t.co/xyz", &ctx);
    assert!(!passed(&r, "acknowledges_problem"), "{:?}", r.check("acknowledges_problem"));

    let text = "@115716 Try restarting your router.";
    let r = run(text, &NEGATIVE);
    assert!(passed(&r, "gives_next_step"));
    assert_eq!(evidence(&r, "gives_next_step"), ["Try"]);
}

/// "1/2" ends the first of a reply split over two posts: it is not a date, so not a next step.
#[test]
fn a_thread_counter_is_not_a_date() {
    let r = run("Please accept our apologies, the flight was delayed by a late aircraft. 1/2", &NEGATIVE);
    assert!(!passed(&r, "gives_next_step"), "{:?}", r.check("gives_next_step"));
}

/// How support accounts on social media say the next step and show feeling (twcs replies).
#[test]
fn social_care_phrasing_counts() {
    let r = run("Send us a DM with the email on your account.", &NEGATIVE);
    assert_eq!(evidence(&r, "gives_next_step"), ["Send us a DM"]);
    let r = run("Have you tried signing out and back in?", &NEGATIVE);
    assert_eq!(evidence(&r, "gives_next_step"), ["Have you tried"]);
    let r = run("Oh no! That's not what we want to hear.", &NEGATIVE);
    assert!(passed(&r, "expresses_empathy"));
    assert_eq!(evidence(&r, "expresses_empathy"), ["Oh no"]);
}

#[test]
fn no_acknowledgement_in_a_generic_or_confused_reply() {
    let r = run("Our opening hours are 9 to 5, Monday to Friday.", &NEGATIVE);
    assert!(!passed(&r, "acknowledges_problem"));
    let r = run("I don't understand what you mean.", &NEGATIVE);
    assert!(!passed(&r, "acknowledges_problem"));
}

// ---------------------------------------------------------------- expresses_empathy

#[test]
fn empathy_passes_on_imagining_and_validating() {
    let text = "I can imagine how stressful it is to wait this long for a refund.";
    let r = run(text, &NEGATIVE);
    assert!(passed(&r, "expresses_empathy"));
    assert_eq!(evidence(&r, "expresses_empathy"), ["I can imagine", "how stressful"]);

    let r = run("That sounds really frustrating, and it is not your fault.", &NEGATIVE);
    assert!(passed(&r, "expresses_empathy"));
    assert_eq!(evidence(&r, "expresses_empathy"), ["That sounds really frustrating", "not your fault"]);
}

#[test]
fn empathy_fails_on_facts_only_and_on_sorry_you_feel_that_way() {
    assert!(!passed(&run("Refunds take 5-7 business days to appear.", &NEGATIVE), "expresses_empathy"));
    let r = run("I'm sorry you feel that way, but the fee stands.", &NEGATIVE);
    assert!(!passed(&r, "expresses_empathy"));
    assert!(!passed(&r, "apologises"), "a non-apology is not an apology");
}

// ---------------------------------------------------------------- apologises

#[test]
fn apology_found_with_span() {
    let text = "Hello, I apologise for the delay with your order.";
    let r = run(text, &NEGATIVE);
    assert!(passed(&r, "apologises"));
    let e = &r.check("apologises").unwrap().evidence[0];
    assert_eq!((e.text.as_str(), e.start, e.end), ("apologise", 9, 18));

    let r = run("We messed up here and I'm truly sorry.", &NEGATIVE);
    assert_eq!(evidence(&r, "apologises"), ["We messed up", "truly sorry"]);
}

#[test]
fn negated_apology_is_not_an_apology() {
    let r = run("I'm not sorry for enforcing the rules.", &NEGATIVE);
    let c = r.check("apologises").unwrap();
    assert!(!c.passed);
    assert_eq!(c.evidence.len(), 1);
    assert_eq!(c.evidence[0].text, "sorry");
    assert!(c.evidence[0].note.starts_with("negated"));

    let r = run("No need to apologise, Anna!", &NEGATIVE);
    assert!(!passed(&r, "apologises"));
}

#[test]
fn apology_only_applies_to_a_negative_customer() {
    let calm = ReplyContext { customer_negative: false, ..NEGATIVE };
    let r = run("Your order ships tomorrow.", &calm);
    let c = r.check("apologises").unwrap();
    assert!(!c.applicable && !c.passed);
    assert!(r.failed().all(|c| c.name != "apologises"));
    assert!(run("Your order ships tomorrow.", &NEGATIVE).check("apologises").unwrap().applicable);
}

#[test]
fn sorry_but_nothing_we_can_do_is_apology_and_dismissal() {
    let text = "Sorry but there is nothing we can do.";
    let r = run(text, &NEGATIVE);
    assert!(passed(&r, "apologises"));
    assert!(!passed(&r, "no_blame_or_dismissal"));
    assert_eq!(evidence(&r, "no_blame_or_dismissal"), ["nothing we can do"]);
    assert!(r.score <= 40.0);
}

// ---------------------------------------------------------------- uses_customer_name

#[test]
fn name_is_matched_case_insensitively_as_a_whole_word() {
    let text = "Hi maría, your parcel is on its way.";
    let r = run(text, &ctx_named("María López"));
    assert!(passed(&r, "uses_customer_name"));
    let e = &r.check("uses_customer_name").unwrap().evidence[0];
    assert_eq!((e.text.as_str(), e.start, e.end), ("maría", 3, 9));

    let r = run("Hi Mariana, your parcel is on its way.", &ctx_named("Maria"));
    assert!(!passed(&r, "uses_customer_name"));
    let r = run("Dear John, thanks for waiting.", &ctx_named("Mr. John Smith"));
    assert!(passed(&r, "uses_customer_name"));
}

#[test]
fn name_check_needs_a_name() {
    let r = run("Hi there, your parcel is on its way.", &NEGATIVE);
    let c = r.check("uses_customer_name").unwrap();
    assert!(!c.applicable);
    let r = run("Hi there, your parcel is on its way.", &ctx_named("  "));
    assert!(!r.check("uses_customer_name").unwrap().applicable);
}

// ---------------------------------------------------------------- gives_next_step

#[test]
fn next_step_actions_taken_and_promised() {
    for (text, ev) in [
        ("I've escalated this to our billing team.", vec!["I've escalated"]),
        ("We will ship the replacement by Friday.", vec!["We will ship", "by Friday"]),
        ("Your tracking number is AB123456.", vec!["tracking number"]),
        ("You will receive a confirmation email shortly.", vec!["You will receive"]),
        ("The technician will visit on 12/03 at 10:30.", vec!["technician will", "on 12/03", "at 10:30"]),
        ("The refund should appear within 5 to 7 business days.", vec!["within 5 to 7 business days"]),
        ("Could you please send me a photo of the damaged box?", vec!["Could you please send"]),
    ] {
        let r = run(text, &NEGATIVE);
        assert!(passed(&r, "gives_next_step"), "{text}");
        assert_eq!(evidence(&r, "gives_next_step"), ev, "{text}");
    }
}

#[test]
fn no_next_step_in_vague_negated_or_questioning_replies() {
    assert!(!passed(&run("We are looking at options.", &NEGATIVE), "gives_next_step"));
    assert!(!passed(&run("Have you been refunded yet?", &NEGATIVE), "gives_next_step"));
    let r = run("We will not refund opened items.", &NEGATIVE);
    let c = r.check("gives_next_step").unwrap();
    assert!(!c.passed);
    assert!(c.evidence.iter().all(|e| e.note.starts_with("negated")) && !c.evidence.is_empty());
    assert!(!passed(&run("We won't be able to refund you by Friday.", &NEGATIVE), "gives_next_step"));
}

// ---------------------------------------------------------------- no_blame_or_dismissal

#[test]
fn blame_and_dismissal_fail_with_evidence() {
    for (text, ev) in [
        ("You should have read the terms before ordering.", &["You should have", "read the terms"][..]),
        ("As I already said, we do not ship to PO boxes.", &["As I already said"]),
        ("That's not our problem, please contact the courier.", &["not our problem"]),
        ("Calm down, sir, it's only a delay.", &["Calm down"]),
        ("Per our policy, we cannot accept returns after 30 days.", &["Per our policy, we cannot"]),
        ("Obviously the app needs an internet connection.", &["Obviously"]),
        ("You failed to enter the correct postcode.", &["You failed to"]),
        ("This damn system keeps crashing.", &["damn"]),
    ] {
        let r = run(text, &NEGATIVE);
        assert!(!passed(&r, "no_blame_or_dismissal"), "{text}");
        assert_eq!(evidence(&r, "no_blame_or_dismissal"), ev, "{text}");
        assert!(r.score <= 40.0, "{text}: {}", r.score);
    }
}

#[test]
fn lookalikes_of_blame_pass() {
    for text in [
        "You should have received an email with your receipt.",
        "Per our policy, refunds go back to the original card within 5 days.",
        "This isn't your fault at all.",
        "I don't think this is your fault.",
        "You shouldn't have had to chase us for this.",
        "Relax while we sort this out for you.",
    ] {
        let r = run(text, &NEGATIVE);
        assert!(passed(&r, "no_blame_or_dismissal"), "{text}: {:?}", r.check("no_blame_or_dismissal"));
        assert!(evidence(&r, "no_blame_or_dismissal").is_empty());
    }
}

// ---------------------------------------------------------------- readable

#[test]
fn readability_flags_dense_prose_and_points_at_the_longest_sentence() {
    let text = "Thanks. The reconciliation of the aforementioned transactional discrepancies necessitates \
                comprehensive verification of documentation originating from multiple institutional counterparties.";
    let r = run(text, &NEGATIVE);
    assert!(r.readability.flesch_reading_ease < 50.0);
    assert_eq!(r.readability.sentences, 2);
    assert!(!passed(&r, "readable"));
    let ev = evidence(&r, "readable");
    assert_eq!(ev.len(), 1);
    assert!(ev[0].starts_with("The reconciliation") && ev[0].ends_with("counterparties"));

    // Short replies pass whatever their words.
    assert!(passed(&run("Reimbursement authorisation documentation verified.", &NEGATIVE), "readable"));
    let r = run("Your parcel is on its way. It will be with you on Monday.", &NEGATIVE);
    assert!(passed(&r, "readable") && r.readability.flesch_reading_ease > 80.0);
}

#[test]
fn flesch_figures_match_a_hand_count() {
    // 8 words, 1 sentence, 10 syllables (your·par·cel·is·on·its·way·to·day… counted below).
    let r = run("We sent your parcel to the new address.", &NEGATIVE);
    // we(1) sent(1) your(1) parcel(2) to(1) the(1) new(1) address(2) = 10 syllables, 8 words.
    assert_eq!((r.readability.words, r.readability.sentences), (8, 1));
    let expected = 206.835 - 1.015 * 8.0 - 84.6 * (10.0 / 8.0);
    assert!((r.readability.flesch_reading_ease - expected).abs() < 0.01);
    let grade = 0.39 * 8.0 + 11.8 * (10.0 / 8.0) - 15.59;
    assert!((r.readability.grade - grade).abs() < 0.01);
}

// ---------------------------------------------------------------- tone and score

#[test]
fn tone_orders_warm_neutral_and_rude_replies() {
    let warm = run(
        "Hi Sam, thank you so much for your patience. I'm really sorry about the mix-up; I would be happy to help.",
        &NEGATIVE,
    );
    let neutral = run("The order was shipped on Monday.", &NEGATIVE);
    let rude = run("Why didn't you read the manual? Obviously it's your own fault.", &NEGATIVE);
    assert!(warm.tone > 0.5, "{}", warm.tone);
    assert!(rude.tone < -0.5, "{}", rude.tone);
    assert!(warm.tone > neutral.tone && neutral.tone > rude.tone);
}

#[test]
fn a_complete_reply_scores_high_and_a_cold_one_low() {
    let good = "Hi Anna, I'm so sorry your parcel hasn't arrived yet. I've checked with the courier and it is on \
                its way; you will receive a tracking number by email within 24 hours.";
    let r = run(good, &ctx_named("Anna Berg"));
    assert!(r.failed().count() == 0, "{:?}", r.failed().collect::<Vec<_>>());
    assert_eq!(r.score, 100.0);

    let cold = run("Noted.", &ctx_named("Anna Berg"));
    assert!(cold.score < 30.0, "{}", cold.score);
    assert_eq!(run("", &NEGATIVE).score, 0.0);
}

// ---------------------------------------------------------------- not_canned

const CANNED: [&str; 4] = [
    "Hi Sarah, thank you for reaching out to us. I'm sorry to hear that your order has not arrived yet. I have checked \
     with our warehouse and your parcel is on its way. You will receive a tracking number by email within 24 hours.",
    "Hello John, thanks for getting in touch. We have processed your refund and it should appear on your statement \
     within 5 to 7 business days. Let us know if there is anything else we can help with.",
    "Hi Maria, I understand how frustrating it is when the app keeps crashing. Please try uninstalling and \
     reinstalling the latest version from the store, then restart your phone.",
    "Dear Tom, we apologise for the inconvenience. Your account has been unlocked and you can now log in with your \
     usual password.",
];

/// Name changed and one word swapped.
const EDITED: [&str; 4] = [
    "Hi Emma, thank you for reaching out to us. I'm sorry to hear that your order has not arrived yet. I have checked \
     with our warehouse and your package is on its way. You will receive a tracking number by email within 24 hours.",
    "Hello Peter, thanks for getting in touch. We have processed your refund and it should appear on your account \
     within 5 to 7 business days. Let us know if there is anything else we can help with.",
    "Hi Ahmed, I understand how annoying it is when the app keeps crashing. Please try uninstalling and \
     reinstalling the latest version from the store, then restart your phone.",
    "Dear Lucy, we apologise for the trouble. Your account has been unlocked and you can now log in with your \
     usual password.",
];

/// Same length and greeting, different content.
const UNRELATED: [&str; 4] = [
    "Hi Sarah, I looked into the charge you mentioned and it was a duplicate authorisation from the bank, not a real \
     payment. It will drop off automatically, but I have also asked our billing team to confirm that nothing was \
     taken twice from your card.",
    "Hello John, the size chart on the product page runs small, so I would go one size up. If the jacket does not \
     fit you can swap it for free at any of our stores, just bring the receipt along with you.",
    "Hi Maria, the delivery slot for Thursday is fully booked, but I can offer you Friday morning between 8 and 10. \
     Would that work for you, or would you prefer we leave it with a neighbour?",
    "Dear Tom, your subscription renews on the first of each month and you can cancel it any time under settings.",
];

fn canned_index() -> CannedIndex {
    let mut idx = CannedIndex::new();
    for (i, t) in CANNED.iter().enumerate() {
        idx.add(100 + i as u32, t);
    }
    idx
}

#[test]
fn lightly_edited_canned_text_is_detected() {
    let idx = canned_index();
    for (i, text) in EDITED.iter().enumerate() {
        let (id, sim) = idx.nearest(text).unwrap();
        assert_eq!(id, 100 + i as u32);
        assert!(sim >= 0.8, "{i}: {sim}");
        let r = well_formed(text, check_reply_with_canned(text, &NEGATIVE, &idx));
        let c = r.check("not_canned").unwrap();
        assert!(c.applicable && !c.passed);
        assert!(c.evidence[0].note.contains(&format!("canned text {}", 100 + i)), "{:?}", c.evidence);
        assert_eq!(c.evidence[0].start, 0);
        assert_eq!(c.evidence[0].end, text.len() - 1, "span ends at the last word, before the full stop");
    }
}

#[test]
fn canned_text_with_a_sentence_moved_is_still_a_copy_but_a_personalised_one_is_not() {
    let idx = canned_index();
    let moved = "Hi Sarah, thank you for reaching out to us. I have checked with our warehouse and your parcel is on \
                 its way. You will receive a tracking number by email within 24 hours. I'm sorry to hear that your \
                 order has not arrived yet.";
    let (id, sim) = idx.nearest(moved).unwrap();
    assert_eq!(id, 100);
    assert!(sim >= 0.8, "shingles survive reordering: {sim}");
    let personalised = format!("{} Also, I have added a 10% discount code to your account for the trouble.", CANNED[0]);
    let (_, sim) = idx.nearest(&personalised).unwrap();
    assert!(sim < 0.8, "an agent who adds their own sentence is not copy-pasting: {sim}");
}

#[test]
fn unrelated_reply_of_the_same_length_is_not_canned() {
    let idx = canned_index();
    for text in UNRELATED {
        let sim = idx.nearest(text).map_or(0.0, |(_, s)| s);
        assert!(sim < 0.5, "{sim}: {text}");
        let r = well_formed(text, check_reply_with_canned(text, &NEGATIVE, &idx));
        assert!(passed(&r, "not_canned"));
        assert!(r.check("not_canned").unwrap().applicable);
    }
    // With no canned texts the check does not apply.
    let r = check_reply_with_canned(UNRELATED[0], &NEGATIVE, &CannedIndex::new());
    assert!(!r.check("not_canned").unwrap().applicable);
    assert!(!check_reply(UNRELATED[0], &NEGATIVE).check("not_canned").unwrap().applicable);
}

#[test]
fn simhash_ranks_edits_above_unrelated_but_is_not_the_verdict() {
    for i in 0..4 {
        let c = simhash(CANNED[i]);
        assert_eq!(hamming(c, simhash(&CANNED[i].to_uppercase())), 0, "case-insensitive");
        let edited = hamming(c, simhash(EDITED[i]));
        let unrelated = hamming(c, simhash(UNRELATED[i]));
        assert!(edited < unrelated, "{i}: {edited} vs {unrelated}");
        assert!(unrelated >= 20, "{i}: unrelated texts differ in about half the bits, got {unrelated}");
    }
    assert_eq!(simhash(""), 0);
    assert_eq!(hamming(0, u64::MAX), 64);
}

#[test]
fn canned_index_edge_cases() {
    let mut idx = CannedIndex::new();
    assert_eq!(idx.nearest("anything"), None);
    idx.add(1, "");
    idx.add(2, "Thanks, your refund is on its way.");
    assert_eq!(idx.nearest("😀"), None);
    assert_eq!(idx.nearest("thanks your refund is on its way"), Some((2, 1.0)));
    // Re-adding an id replaces its text.
    idx.add(2, "Completely different words here.");
    assert_eq!(idx.len(), 2);
    assert!(idx.nearest("thanks your refund is on its way").unwrap().1 < 0.5);
    // Ties go to the smaller id.
    idx.add(7, "Same text.");
    idx.add(3, "Same text.");
    assert_eq!(idx.nearest("same text"), Some((3, 1.0)));
}

// ---------------------------------------------------------------- cue table

#[test]
fn a_custom_cue_table_is_validated_and_used() {
    let err = ReplyChecker::from_tsv("apologises\tsorry\tlots\tapology\n").unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.to_string().contains("bad weight"));
    let checker = ReplyChecker::from_tsv("apologises\tmy bad\t1\tapology\n").unwrap();
    let r = checker.check("Oops, my bad.", &NEGATIVE);
    assert_eq!(evidence(&r, "apologises"), ["my bad"]);
    assert!(!passed(&checker.check("I'm sorry.", &NEGATIVE), "apologises"));
}

#[test]
fn cue_hits_explain_tone() {
    let hits = ReplyChecker::new().cue_hits("Thanks! Why did you not read it?");
    assert!(hits.iter().any(|h| h.check == "tone" && h.text == "Thanks" && h.weight > 0.0));
    assert!(hits.iter().any(|h| h.check == "tone" && h.text == "Why" && h.weight < 0.0));
}

// ---------------------------------------------------------------- odd input

#[test]
fn odd_inputs_do_not_panic() {
    let long_reply = "Hi Anna, I'm so sorry about the delay, we will refund you by Friday. ".repeat(15_000);
    assert!(long_reply.len() > 1_000_000);
    let lossy = String::from_utf8_lossy(&[0xff, 0xfe, b'h', b'i', 0xc3, 0x28, 0xe2, 0x82]).into_owned();
    let inputs = [
        "",
        "   \n\t ",
        "😀😀😀",
        "👩‍👩‍👧‍👦🏳️‍🌈",
        "\u{0}\u{feff}\u{fffe}\u{ffff}\u{200b}",
        "\u{301}\u{301}e\u{301}",
        "مرحبا، نحن آسفون",
        "....!!!???,,,;;;",
        "'''’’’",
        "n't 's 'll",
        "İİİ ß ǅ",
        "1/2/3/4/5 12:34:56 99pm",
        lossy.as_str(),
        long_reply.as_str(),
    ];
    let idx = canned_index();
    for text in inputs {
        for ctx in
            [NEGATIVE, ctx_named("İlhan"), ctx_named("😀"), ReplyContext { customer_text: Some(text), ..NEGATIVE }]
        {
            well_formed(text, check_reply_with_canned(text, &ctx, &idx));
        }
    }
    let r = run(&long_reply, &ctx_named("Anna"));
    assert!(r.check("uses_customer_name").unwrap().evidence.len() <= 20, "evidence is capped");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_and_is_well_formed(text in ".{0,300}", name in ".{0,12}", neg: bool) {
        let ctx = ReplyContext { customer_name: Some(&name), customer_negative: neg, customer_text: Some(&text) };
        well_formed(&text, check_reply(&text, &ctx));
    }

    #[test]
    fn wordy_text_never_panics(words in prop::collection::vec(
        prop::sample::select(vec!["sorry", "not", "I", "we'll", "you", "by", "Friday", "3pm", "12/03", ",", ".",
            "?", "nothing", "can", "do", "as", "said", "per", "our", "policy", "within", "24", "hours", "…", "^",
            "😀", "don't", "Anna", "\n"]), 0..60)) {
        let text = words.join(" ");
        well_formed(&text, check_reply(&text, &ctx_named("Anna")));
    }

    #[test]
    fn near_duplicate_measures_stay_in_range(a in ".{0,200}", b in ".{0,200}") {
        let mut idx = CannedIndex::new();
        idx.add(1, &a);
        if let Some((id, sim)) = idx.nearest(&b) {
            prop_assert_eq!(id, 1);
            prop_assert!((0.0..=1.0).contains(&sim));
        }
        prop_assert_eq!(hamming(simhash(&a), simhash(&a)), 0);
    }
}
