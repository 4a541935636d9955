//! The customer's mood across a conversation (PRODUCT.md C3): the trajectory of message moods, sharp
//! drops, recovery time, replies that ignored an upset customer, and questions left unanswered.
//!
//! One code path for the conversation page, `rapport assess` and the failure radar later: messages in
//! order become [`Turn`]s through [`Turns`], and the engine's [`ConversationReport`] comes out.

use rapport_analysis::conversation::{ConversationConfig, ConversationReport, Side, Turn, analyze_conversation};
use rapport_analysis::reply::{ReplyContext, acknowledges_or_empathises};
use rapport_domain::{Direction, Message};

/// Builds the turns of a conversation, remembering the last customer message so each agent reply is
/// checked for acknowledgement against it.
#[derive(Debug, Default)]
pub struct Turns<'a> {
    turns: Vec<Turn>,
    customer_name: Option<&'a str>,
    last_customer_negative: bool,
    last_customer_text: Option<&'a str>,
}

impl<'a> Turns<'a> {
    pub fn new(customer_first_name: Option<&'a str>) -> Self {
        Turns { customer_name: customer_first_name, ..Turns::default() }
    }

    /// A customer message with its sentiment score.
    pub fn customer(&mut self, at_ms: i64, score: f64, text: &'a str) {
        self.last_customer_negative = score < ConversationConfig::default().negative_below;
        self.last_customer_text = Some(text);
        self.turns.push(Turn {
            side: Side::Customer,
            at_ms,
            score,
            is_question: text.contains('?'),
            agent_acknowledges: false,
        });
    }

    /// An agent reply: does it acknowledge the problem or show empathy?
    pub fn agent(&mut self, at_ms: i64, text: &str) {
        let ctx = ReplyContext {
            customer_name: self.customer_name,
            customer_negative: self.last_customer_negative,
            customer_text: self.last_customer_text,
        };
        // Only these two checks matter here; the fast path decides them as the full report would.
        self.turns.push(Turn {
            side: Side::Agent,
            at_ms,
            score: 0.0,
            is_question: false,
            agent_acknowledges: acknowledges_or_empathises(text, &ctx),
        });
    }

    pub fn report(&self) -> ConversationReport {
        analyze_conversation(&self.turns, &ConversationConfig::default())
    }
}

/// The mood report of a conversation's stored messages (internal notes are not part of it).
pub fn conversation_mood(messages: &[Message], customer_first_name: Option<&str>) -> ConversationReport {
    let mut turns = Turns::new(customer_first_name);
    for m in messages {
        let at_ms = m.sent_at.as_millisecond();
        match m.direction {
            Direction::Inbound => turns.customer(at_ms, m.mood.map_or(0.0, |mood| mood.score), &m.text),
            Direction::Outbound => turns.agent(at_ms, &m.text),
            Direction::Note => {}
        }
    }
    turns.report()
}
