//! Messages inside a conversation.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AgentId, ContactId, ConversationId, MessageId, ParseError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the customer.
    Inbound,
    /// From the desk to the customer.
    Outbound,
    /// Internal note, never sent to the customer.
    Note,
}

impl Direction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s {
            "inbound" => Ok(Direction::Inbound),
            "outbound" => Ok(Direction::Outbound),
            "note" => Ok(Direction::Note),
            other => Err(ParseError::invalid("direction", format!("unknown direction {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Author {
    Contact(ContactId),
    Agent(AgentId),
    /// Automatic messages (acknowledgements, surveys).
    System,
}

/// The sentiment the analysis engine gave a customer message, kept with it so lists can show moods
/// without re-running the engine. The full evidence is stored as JSON beside it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MessageMood {
    pub label: MoodLabel,
    pub score: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MoodLabel {
    Negative,
    Neutral,
    Positive,
}

impl MoodLabel {
    pub fn as_str(&self) -> &'static str {
        match self {
            MoodLabel::Negative => "negative",
            MoodLabel::Neutral => "neutral",
            MoodLabel::Positive => "positive",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s {
            "negative" => Ok(MoodLabel::Negative),
            "neutral" => Ok(MoodLabel::Neutral),
            "positive" => Ok(MoodLabel::Positive),
            other => Err(ParseError::invalid("mood", format!("unknown mood {other:?} (negative, neutral, positive)"))),
        }
    }

    /// Thresholds on a stored conversation mood score, matching the engine's labels.
    pub fn of_score(score: f64) -> MoodLabel {
        if score <= -0.05 {
            MoodLabel::Negative
        } else if score >= 0.05 {
            MoodLabel::Positive
        } else {
            MoodLabel::Neutral
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub direction: Direction,
    pub author: Author,
    pub text: String,
    /// Sanitised HTML (emails); never raw HTML from outside.
    pub html: Option<String>,
    /// Channel-specific metadata (email headers, provider ids).
    pub metadata: serde_json::Value,
    /// The sender's id for this message, used to store a re-delivered message once.
    pub external_id: Option<String>,
    /// When the sender says it was written.
    pub sent_at: Timestamp,
    /// When the desk received it.
    pub received_at: Timestamp,
    pub mood: Option<MessageMood>,
    /// The engine's full analysis (evidence included), as JSON.
    pub analysis: Option<serde_json::Value>,
}

/// Upper bound on a message's text; longer input is refused, not truncated silently.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Check a message text: not blank, bounded.
pub fn parse_message_text(raw: &str) -> Result<String, ParseError> {
    if raw.trim().is_empty() {
        return Err(ParseError::invalid("text", "must not be empty"));
    }
    if raw.len() > MAX_TEXT_BYTES {
        return Err(ParseError::invalid("text", format!("longer than {MAX_TEXT_BYTES} bytes")));
    }
    Ok(raw.to_owned())
}
