//! Conversations and their status state machine.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AgentId, ChannelId, ContactId, ConversationId, ParseError, SiteId, TeamId};

/// Where a conversation stands.
///
/// ```text
///   open ──► pending ──► resolved ──► closed
///    ▲  ◄──     │            │           │
///    │          └──────► resolved        │
///    └──────── reopen ◄──────┴───────────┘
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for the desk.
    Open,
    /// Waiting for the customer or a third party.
    Pending,
    /// The desk believes the issue is fixed; the customer may still answer.
    Resolved,
    /// Finished; only a new customer message or an explicit reopen brings it back.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a conversation cannot go from {from} to {to}")]
pub struct TransitionError {
    pub from: Status,
    pub to: Status,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Open, Status::Pending, Status::Resolved, Status::Closed];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            ParseError::invalid("status", format!("unknown status {s:?} (open, pending, resolved, closed)"))
        })
    }

    /// The one place that says which status changes are legal.
    pub fn transition(self, to: Status) -> Result<Status, TransitionError> {
        use Status::*;
        let legal = matches!(
            (self, to),
            (Open, Pending)
                | (Open, Resolved)
                | (Pending, Open)
                | (Pending, Resolved)
                | (Resolved, Closed)
                | (Resolved, Open)
                | (Closed, Open)
        );
        if legal { Ok(to) } else { Err(TransitionError { from: self, to }) }
    }

    /// The status a conversation takes when the customer writes again.
    pub fn on_customer_message(self) -> Status {
        Status::Open
    }

    /// Open and pending conversations still need the desk.
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Open | Status::Pending)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    pub fn as_str(&self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ParseError::invalid("priority", format!("unknown priority {s:?}")))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub contact_id: ContactId,
    pub channel_id: ChannelId,
    pub status: Status,
    pub priority: Priority,
    pub assignee_id: Option<AgentId>,
    pub team_id: Option<TeamId>,
    pub site_id: Option<SiteId>,
    pub subject: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub first_response_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    /// When the customer last wrote; with no later agent reply it is how long they have waited.
    pub last_customer_message_at: Option<Timestamp>,
    pub last_agent_message_at: Option<Timestamp>,
    /// Sentiment score in [-1, 1] of the customer's latest message.
    pub mood: Option<f64>,
    pub message_count: i64,
}

impl Conversation {
    /// Since when the customer has been waiting for an answer, if they are.
    pub fn waiting_since(&self) -> Option<Timestamp> {
        let customer = self.last_customer_message_at?;
        match self.last_agent_message_at {
            Some(agent) if agent >= customer => None,
            _ if !self.status.is_active() => None,
            _ => Some(customer),
        }
    }
}

/// The subject a conversation gets from its first message when none is given: the first sentence
/// of the first line, cut at a word boundary near 60 characters.
pub fn subject_from_text(text: &str) -> String {
    const MAX: usize = 60;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let sentence = line
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && i >= 12 && line[i + c.len_utf8()..].starts_with(' '))
        .map_or(line, |(i, c)| &line[..i + c.len_utf8()]);
    if sentence.chars().count() <= MAX {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(MAX).collect();
    let at_word = cut.rfind(' ').filter(|&i| i >= MAX / 2).map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_conversation_cannot_become_pending() {
        assert_eq!(
            Status::Closed.transition(Status::Pending),
            Err(TransitionError { from: Status::Closed, to: Status::Pending })
        );
    }

    #[test]
    fn resolved_and_closed_conversations_can_be_reopened() {
        assert_eq!(Status::Resolved.transition(Status::Open), Ok(Status::Open));
        assert_eq!(Status::Closed.transition(Status::Open), Ok(Status::Open));
    }

    #[test]
    fn same_status_is_not_a_transition() {
        for s in Status::ALL {
            assert!(s.transition(s).is_err(), "{s} -> {s} must be rejected");
        }
    }

    #[test]
    fn every_status_reaches_closed_only_through_resolved() {
        for s in Status::ALL {
            if s != Status::Resolved {
                assert!(s.transition(Status::Closed).is_err());
            }
        }
    }

    #[test]
    fn subject_is_the_first_sentence_cut_at_a_word() {
        assert_eq!(subject_from_text("\n  Where is my parcel?\nmore"), "Where is my parcel?");
        assert_eq!(
            subject_from_text("Where is my order #955867?! The tracking hasn't moved."),
            "Where is my order #955867?!"
        );
        let long = "word ".repeat(30);
        let subject = subject_from_text(&long);
        assert!(subject.ends_with("word…"), "{subject}");
        assert!(subject.chars().count() <= 61);
        assert_eq!(subject_from_text(&"x".repeat(100)).chars().count(), 61);
    }
}
