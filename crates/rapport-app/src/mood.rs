//! The customer's mood across a conversation (PRODUCT.md C3): the trajectory of message moods, sharp
//! drops, recovery time, replies that ignored an upset customer, and questions left unanswered.
//!
//! One code path for the conversation page now and the failure radar later: stored messages in, the
//! engine's [`ConversationReport`] out.

use rapport_analysis::conversation::{ConversationConfig, ConversationReport, Side, Turn, analyze_conversation};
use rapport_analysis::reply::{ReplyContext, check_reply};
use rapport_domain::{Direction, Message};

/// The mood report of a conversation's messages (internal notes are not part of it).
pub fn conversation_mood(messages: &[Message], customer_first_name: Option<&str>) -> ConversationReport {
    let mut turns = Vec::with_capacity(messages.len());
    let mut last_customer_negative = false;
    let mut last_customer_text: Option<&str> = None;
    for m in messages {
        let at_ms = m.sent_at.as_millisecond();
        match m.direction {
            Direction::Inbound => {
                let score = m.mood.map_or(0.0, |mood| mood.score);
                last_customer_negative = score < ConversationConfig::default().negative_below;
                last_customer_text = Some(&m.text);
                turns.push(Turn {
                    side: Side::Customer,
                    at_ms,
                    score,
                    is_question: m.text.contains('?'),
                    agent_acknowledges: false,
                });
            }
            Direction::Outbound => {
                let ctx = ReplyContext {
                    customer_name: customer_first_name,
                    customer_negative: last_customer_negative,
                    customer_text: last_customer_text,
                };
                let report = check_reply(&m.text, &ctx);
                let passed = |name: &str| report.check(name).is_some_and(|c| c.passed);
                turns.push(Turn {
                    side: Side::Agent,
                    at_ms,
                    score: 0.0,
                    is_question: false,
                    agent_acknowledges: passed("acknowledges_problem") || passed("expresses_empathy"),
                });
            }
            Direction::Note => {}
        }
    }
    analyze_conversation(&turns, &ConversationConfig::default())
}
