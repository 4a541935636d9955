//! `no_blame_or_dismissal` on a written fixture (`fixtures/dismissive_replies.tsv`): blaming, curt,
//! policy-hiding, deflecting, defensive and rude agent replies across industries, and polite ones, many of
//! them firm refusals with a next step or an alternative. The labelled twcs replies hold only a handful of
//! dismissive ones, too few to tell a rule from a lucky phrase; this fixture is the second opinion.
//!
//! Each reply is checked as the server checks it: with the customer message as context and that message's
//! sentiment (read by the engine) as `customer_negative`.

use rapport_analysis::reply::{ReplyContext, check_reply};
use rapport_analysis::{Engine, Scratch, SentimentLabel};

const FIXTURE: &str = include_str!("fixtures/dismissive_replies.tsv");

/// Share of the dismissive replies the check must fail.
const MIN_RECALL: f64 = 0.9;
/// Share of the failed replies that must be dismissive: a false alarm on a good agent costs more than a miss.
const MIN_PRECISION: f64 = 0.97;

struct Case<'a> {
    dismissive: bool,
    industry: &'a str,
    customer: &'a str,
    reply: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    FIXTURE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "fixture line {l:?}");
            assert!(matches!(cols[0], "dismissive" | "polite"), "label {:?}", cols[0]);
            Case { dismissive: cols[0] == "dismissive", industry: cols[1], customer: cols[2], reply: cols[3] }
        })
        .collect()
}

#[test]
fn dismissal_check_meets_recall_and_precision_on_the_fixture() {
    let cases = cases();
    let engine = Engine::new();
    let mut scratch = Scratch::default();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for c in &cases {
        let negative = engine.summarize(c.customer, &mut scratch).sentiment.label == SentimentLabel::Negative;
        let ctx = ReplyContext { customer_name: None, customer_negative: negative, customer_text: Some(c.customer) };
        let report = check_reply(c.reply, &ctx);
        let check = report.check("no_blame_or_dismissal").expect("every check is reported");
        let flagged = !check.passed;
        if flagged {
            // A failed check names the words that failed it, and they are the reply's.
            assert!(!check.evidence.is_empty(), "{:?}", c.reply);
            for e in &check.evidence {
                assert_eq!(c.reply.get(e.start..e.end), Some(e.text.as_str()), "{e:?}");
                assert!(!e.note.is_empty());
            }
            assert!(report.score <= 40.0, "{:?}: {}", c.reply, report.score);
        }
        match (c.dismissive, flagged) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => {}
        }
        if c.dismissive != flagged {
            let ev: Vec<&str> = check.evidence.iter().map(|e| e.text.as_str()).collect();
            wrong.push(format!(
                "{} {} [{}] {:?} {ev:?}",
                if flagged { "false alarm" } else { "miss" },
                c.industry,
                c.customer,
                c.reply
            ));
        }
    }
    let dismissive = cases.iter().filter(|c| c.dismissive).count();
    assert!(dismissive >= 40 && cases.len() - dismissive >= 40, "the fixture needs ~40 of each");
    let recall = tp as f64 / (tp + fn_) as f64;
    let precision = if tp + fp == 0 { 0.0 } else { tp as f64 / (tp + fp) as f64 };
    eprintln!(
        "dismissal fixture: {} dismissive, {} polite; recall {recall:.3} ({tp}/{}), precision {precision:.3} ({tp}/{})",
        dismissive,
        cases.len() - dismissive,
        tp + fn_,
        tp + fp
    );
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(recall >= MIN_RECALL && precision >= MIN_PRECISION, "recall {recall:.3}, precision {precision:.3}");
}

fn dismissal(reply: &str, customer: &str, negative: bool) -> (bool, Vec<String>) {
    let ctx = ReplyContext { customer_name: None, customer_negative: negative, customer_text: Some(customer) };
    let r = check_reply(reply, &ctx);
    let c = r.check("no_blame_or_dismissal").expect("every check is reported");
    (!c.passed, c.evidence.iter().map(|e| e.text.clone()).collect())
}

#[test]
fn a_brush_off_fails_alone_and_passes_with_help_besides() {
    let ask = "Can I get a refund after 40 days?";
    assert_eq!(dismissal("That's our policy.", ask, false), (true, vec!["That's our policy".to_string()]));
    // An alternative or a next step of its own makes it a polite refusal.
    for polite in [
        "That's our policy, but I can offer you store credit instead.",
        "Unfortunately our policy doesn't allow it, but here is what I can do: I've sent you a voucher.",
        "That's our policy after 30 days. DM us your order number and we'll see if the warranty covers it.",
    ] {
        assert_eq!(dismissal(polite, ask, false), (false, Vec::new()), "{polite}");
    }
    // An apology softens a refusal (a `brush_off`), not a policy (a `justification`, tested below).
    let unlock = "Can you unlock my phone?";
    assert!(dismissal("We can't unlock devices.", unlock, false).0);
    assert!(!dismissal("Sorry, we can't unlock devices.", unlock, false).0);
    // A next step made of the brush-off's own words is not help.
    let (failed, ev) = dismissal("You'll have to contact someone else.", "My card was stolen!", true);
    assert!(failed && ev == ["You'll have to contact"], "{ev:?}");
    assert!(dismissal("Please check the FAQ.", "Where is my parcel?", false).0);
}

#[test]
fn a_justification_fails_even_with_an_apology_and_passes_with_help_besides() {
    let ask = "Can I get a refund after 40 days?";
    let mess = "The engineer left a mess in my kitchen.";
    let rude = "Your driver was rude to me!";
    for (reply, customer, evidence) in [
        ("Sorry, that's our policy.", ask, "that's our policy"),
        ("Sorry, that's our policy after 30 days.", ask, "that's our policy"),
        ("I understand how annoying that is. Rules are rules.", ask, "Rules are rules"),
        ("He did his job.", mess, "He did his job"),
        ("Apologies, but she was only doing her job.", rude, "she was only doing her job"),
    ] {
        let (failed, ev) = dismissal(reply, customer, true);
        assert!(failed && ev == [evidence], "{reply}: {ev:?}");
    }
    for polite in [
        "Sorry about that, our policy allows a full refund — I've started it.",
        "Sorry, that's our policy after 30 days, but I can offer you store credit instead.",
    ] {
        assert_eq!(dismissal(polite, ask, true), (false, Vec::new()), "{polite}");
    }
    let thanks = "The engineer was brilliant today, please thank him!";
    assert!(!dismissal("He did his job well and I've passed your thanks on!", thanks, false).0);
    // Praise passed back is not a defence: the colleague row needs the clause to end at "job".
    assert!(!dismissal("She did her job well, didn't she!", thanks, false).0);
}

#[test]
fn a_bare_no_is_a_refusal_not_a_no_problem() {
    let ask = "Can you waive the early termination fee? I'm moving abroad.";
    let (failed, ev) = dismissal("No. Fees apply.", ask, false);
    assert!(failed && ev == ["No", "Fees apply"], "{ev:?}");
    assert!(dismissal("No, fees apply.", ask, false).0);
    assert!(dismissal("Nope.", ask, false).0);
    for polite in [
        "No problem, we'll refund the fees today.",
        "No, there's no fee for that: it's free.",
        "No, you're all set! Your contract ends on Friday.",
        "No worries, I've waived the fee.",
    ] {
        assert_eq!(dismissal(polite, ask, false), (false, Vec::new()), "{polite}");
    }
}

#[test]
fn blaming_fails_even_with_an_apology() {
    let (failed, ev) = dismissal("Sorry, but you should have read the terms.", "Why was I charged?", true);
    assert!(failed && ev == ["you should have"], "{ev:?}");
}

#[test]
fn a_curt_reply_fails_only_when_it_answers_a_complaint_or_a_question() {
    let (failed, ev) = dismissal("Thank you. ^bc", "Another promise! Still waiting...", true);
    assert!(failed && ev == ["Thank you"], "{ev:?}");
    assert!(dismissal("Noted.", "Can you refund the fee?", false).0);
    // Thanks returned for thanks, a reply to a happy customer, and a reply with content are not curt.
    assert!(!dismissal("Thanks! *HCK", "Not great, but I'll retweet your reply! Thanks", true).0);
    assert!(!dismissal("Thank you!", "Great service today", false).0);
    assert!(!dismissal("Thank you, we're on it.", "Still waiting!", true).0);
    // Without a customer message the draft checker cannot tell, and does not guess.
    let ctx = ReplyContext::default();
    assert!(check_reply("Thanks.", &ctx).check("no_blame_or_dismissal").is_some_and(|c| c.passed));
}
