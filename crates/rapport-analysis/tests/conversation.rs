//! Conversation mood: trajectory, drops, recovery, empathy gaps, questions.
//! Expected numbers are worked out by hand in the comments.

use proptest::prelude::*;
use rapport_analysis::conversation::{
    ConversationConfig, ConversationReport, EmpathyGap, Side, Turn, analyze_conversation,
};

fn c(at_ms: i64, score: f64) -> Turn {
    Turn { side: Side::Customer, at_ms, score, is_question: false, agent_acknowledges: false }
}

fn cq(at_ms: i64, score: f64) -> Turn {
    Turn { is_question: true, ..c(at_ms, score) }
}

fn a(at_ms: i64, acknowledges: bool) -> Turn {
    Turn { side: Side::Agent, at_ms, score: 0.0, is_question: false, agent_acknowledges: acknowledges }
}

fn run(turns: &[Turn]) -> ConversationReport {
    analyze_conversation(turns, &ConversationConfig::default())
}

fn close(x: f64, y: f64) -> bool {
    (x - y).abs() < 1e-9
}

/// 0: C +0.2 @0 · 1: A ack @1s · 2: C -0.6 @2s · 3: A cold @3s · 4: C -0.1 @4s · 5: A ack @5s · 6: C +0.3 @7s
fn support_chat() -> Vec<Turn> {
    vec![c(0, 0.2), a(1_000, true), c(2_000, -0.6), a(3_000, false), c(4_000, -0.1), a(5_000, true), c(7_000, 0.3)]
}

#[test]
fn trajectory_and_summary_follow_customer_messages() {
    let r = run(&support_chat());
    let idx: Vec<usize> = r.trajectory.iter().map(|p| p.index).collect();
    assert_eq!(idx, [0, 2, 4, 6]);
    let scores: Vec<f64> = r.trajectory.iter().map(|p| p.score).collect();
    assert_eq!(scores, [0.2, -0.6, -0.1, 0.3]);
    assert_eq!((r.start, r.end, r.min), (Some(0.2), Some(0.3), Some(-0.6)));
}

#[test]
fn a_fall_of_at_least_the_threshold_is_a_drop() {
    let r = run(&support_chat());
    // 0.2 → -0.6 falls 0.8; -0.6 → -0.1 and -0.1 → 0.3 are rises.
    assert_eq!(r.drops.len(), 1);
    let d = r.drops[0];
    assert_eq!((d.from_index, d.to_index, d.from_score, d.to_score), (0, 2, 0.2, -0.6));
    assert!(close(d.fall, 0.8));

    // Exactly the threshold counts despite float noise: 0.3 - (-0.2) = 0.5.
    let r = run(&[c(0, 0.3), c(10, -0.2)]);
    assert_eq!(r.drops.len(), 1);
    // 0.3 → -0.15 falls 0.45: no drop.
    assert!(run(&[c(0, 0.3), c(10, -0.15)]).drops.is_empty());
    // A custom threshold.
    let cfg = ConversationConfig { drop_threshold: 0.4, ..ConversationConfig::default() };
    assert_eq!(analyze_conversation(&[c(0, 0.3), c(10, -0.15)], &cfg).drops.len(), 1);
}

#[test]
fn recovery_is_timed_from_the_first_negative_message() {
    let r = run(&support_chat());
    // Onset: turn 2 (-0.6 at 2s). -0.1 at 4s is still below -0.05; +0.3 at 7s is back: 5 s.
    assert_eq!(r.onset_index, Some(2));
    assert_eq!(r.recovery_ms, Some(5_000));
    assert!(r.recovered);
}

#[test]
fn a_drop_that_stays_above_neutral_starts_the_clock_at_its_landing() {
    // 0.9 → 0.3 at 1 min falls 0.6 (a drop, not negative); the next message, 0.4 at 4 min, is neutral.
    let r = run(&[c(0, 0.9), c(60_000, 0.3), c(240_000, 0.4)]);
    assert_eq!(r.onset_index, Some(1));
    assert_eq!(r.recovery_ms, Some(180_000));
    assert!(r.recovered);
}

#[test]
fn no_recovery_and_relapse() {
    // Negative from the start and never back.
    let r = run(&[c(0, -0.5), a(10, true), c(20, -0.3)]);
    assert_eq!((r.onset_index, r.recovery_ms, r.recovered), (Some(0), None, false));
    // Back to neutral at 30 ms, then worse again at the end: timed, but not recovered.
    let r = run(&[c(0, -0.5), c(30, 0.1), c(50, -0.6)]);
    assert_eq!(r.recovery_ms, Some(30));
    assert!(!r.recovered);
    assert_eq!(r.drops.len(), 1, "0.1 → -0.6 falls 0.7");
    // Never negative, never dropped: nothing to recover from.
    let r = run(&[c(0, 0.2), c(10, 0.0), c(20, -0.04)]);
    assert_eq!((r.onset_index, r.recovery_ms, r.recovered), (None, None, false));
}

#[test]
fn empathy_gap_is_a_negative_message_answered_coldly() {
    let r = run(&support_chat());
    // Turn 2 (-0.6) is answered by turn 3 (cold); turn 4 (-0.1) by turn 5 (acknowledges).
    assert_eq!(r.empathy_gaps, [EmpathyGap { customer_index: 2, reply_index: 3 }]);

    // Two negative messages before one cold reply: two gaps, same reply.
    let r = run(&[c(0, -0.4), c(5, -0.7), a(10, false), c(20, -0.2)]);
    assert_eq!(
        r.empathy_gaps,
        [EmpathyGap { customer_index: 0, reply_index: 2 }, EmpathyGap { customer_index: 1, reply_index: 2 }]
    );
    // Turn 3 has no agent reply after it: not a gap (that is an unanswered message, not a cold one).
}

#[test]
fn unanswered_and_repeated_questions() {
    // 0: Q · 1: Q · 2: A · 3: Q · 4: statement · 5: Q (last)
    let turns = [cq(0, 0.0), cq(10, -0.2), a(20, true), cq(30, 0.0), c(40, -0.3), cq(50, -0.4)];
    let r = run(&turns);
    // 0 is followed by a customer turn; 1 by the agent; 3 by a customer turn; 5 by nothing.
    assert_eq!(r.unanswered_questions, [0, 3, 5]);
    // 1 repeats 0 (no agent in between); the agent resets; 5 repeats 3 across the statement.
    assert_eq!(r.repeated_questions, 2);
    // Agent questions are not customer questions.
    let agent_q = Turn { is_question: true, ..a(0, true) };
    let r = run(&[agent_q, c(10, 0.0)]);
    assert!(r.unanswered_questions.is_empty() && r.repeated_questions == 0);
}

#[test]
fn unsorted_input_is_read_in_time_order_with_original_indices() {
    let chat = support_chat();
    // Reverse the slice: index k now holds original turn 6 - k.
    let reversed: Vec<Turn> = chat.iter().rev().copied().collect();
    let r = run(&reversed);
    let idx: Vec<usize> = r.trajectory.iter().map(|p| p.index).collect();
    assert_eq!(idx, [6, 4, 2, 0]);
    let times: Vec<i64> = r.trajectory.iter().map(|p| p.at_ms).collect();
    assert_eq!(times, [0, 2_000, 4_000, 7_000]);
    assert_eq!((r.drops[0].from_index, r.drops[0].to_index), (6, 4));
    assert_eq!(r.empathy_gaps, [EmpathyGap { customer_index: 4, reply_index: 3 }]);
    assert_eq!((r.onset_index, r.recovery_ms), (Some(4), Some(5_000)));
}

#[test]
fn equal_timestamps_keep_the_callers_order() {
    // The question and the reply share a timestamp; the reply comes second in the slice, so it answers.
    let r = run(&[cq(100, -0.3), a(100, false)]);
    assert!(r.unanswered_questions.is_empty());
    assert_eq!(r.empathy_gaps, [EmpathyGap { customer_index: 0, reply_index: 1 }]);
    // Given the other way round, the reply came first and the question waits.
    let r = run(&[a(100, false), cq(100, -0.3)]);
    assert_eq!(r.unanswered_questions, [1]);
    assert!(r.empathy_gaps.is_empty());
}

#[test]
fn bad_scores_are_clamped_or_skipped() {
    let r = run(&[c(0, 5.0), cq(10, f64::NAN), c(20, f64::NEG_INFINITY), c(30, -3.0)]);
    let scores: Vec<f64> = r.trajectory.iter().map(|p| p.score).collect();
    assert_eq!(scores, [1.0, -1.0], "NaN and -inf are left out, the rest clamped");
    assert_eq!(r.drops.len(), 1);
    assert!(close(r.drops[0].fall, 2.0));
    assert_eq!(r.unanswered_questions, [1], "a question still counts without a score");
}

#[test]
fn empty_and_one_sided_conversations() {
    let r = run(&[]);
    assert!(r.trajectory.is_empty() && r.drops.is_empty() && r.empathy_gaps.is_empty());
    assert_eq!((r.start, r.end, r.min, r.recovery_ms, r.recovered), (None, None, None, None, false));
    let r = run(&[a(0, false), a(10, true)]);
    assert!(r.trajectory.is_empty() && r.unanswered_questions.is_empty());
    let r = run(&[c(i64::MIN, -0.9), c(i64::MAX, 0.9)]);
    assert_eq!(r.recovery_ms, Some(i64::MAX), "saturates instead of overflowing");
}

#[test]
fn report_serialises_with_stable_field_names() {
    let json = serde_json::to_value(run(&support_chat())).unwrap();
    for key in [
        "trajectory",
        "start",
        "end",
        "min",
        "drops",
        "onset_index",
        "recovered",
        "recovery_ms",
        "empathy_gaps",
        "unanswered_questions",
        "repeated_questions",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["drops"][0]["from_index"], 0);
    assert_eq!(json["empathy_gaps"][0]["reply_index"], 3);
    let side = serde_json::to_value(Side::Customer).unwrap();
    assert_eq!(side, "customer");
}

fn any_turn() -> impl Strategy<Value = Turn> {
    (any::<bool>(), -1_000_000i64..1_000_000, prop_oneof![-1.5f64..1.5, Just(f64::NAN)], any::<bool>(), any::<bool>())
        .prop_map(|(agent, at_ms, score, is_question, agent_acknowledges)| Turn {
            side: if agent { Side::Agent } else { Side::Customer },
            at_ms,
            score,
            is_question,
            agent_acknowledges,
        })
}

proptest! {
    #[test]
    fn invariants_hold_on_any_input(turns in prop::collection::vec(any_turn(), 0..40)) {
        let cfg = ConversationConfig::default();
        let r = analyze_conversation(&turns, &cfg);
        for w in r.trajectory.windows(2) {
            prop_assert!(w[0].at_ms <= w[1].at_ms);
        }
        for p in &r.trajectory {
            prop_assert!(p.index < turns.len() && turns[p.index].side == Side::Customer);
            prop_assert!((-1.0..=1.0).contains(&p.score));
        }
        for d in &r.drops {
            prop_assert!(d.fall + 1e-9 >= cfg.drop_threshold);
        }
        for g in &r.empathy_gaps {
            prop_assert!(turns[g.customer_index].side == Side::Customer);
            prop_assert!(turns[g.reply_index].side == Side::Agent && !turns[g.reply_index].agent_acknowledges);
        }
        for &q in &r.unanswered_questions {
            prop_assert!(turns[q].is_question && turns[q].side == Side::Customer);
        }
        if let Some(ms) = r.recovery_ms {
            prop_assert!(ms >= 0 && r.onset_index.is_some());
        }
        prop_assert!(!r.recovered || r.recovery_ms.is_some());
        let customer_questions = turns.iter().filter(|t| t.side == Side::Customer && t.is_question).count();
        prop_assert!((r.repeated_questions as usize) < customer_questions.max(1));
    }
}
