//! Rapport's domain: pure types and rules. No I/O, no async, no database.
//!
//! Everything that crosses a boundary is parsed into these types first ("parse, don't validate"),
//! so the rest of the system can trust them.

pub mod agent;
pub mod channel;
pub mod contact;
pub mod conversation;
pub mod ids;
pub mod message;
pub mod org;

pub use agent::{Agent, ApiToken, Role};
pub use channel::{Channel, ChannelKind};
pub use contact::{Contact, Identity, IdentityKind};
pub use conversation::{Conversation, Priority, Status, TransitionError};
pub use ids::{AgentId, ChannelId, ContactId, ConversationId, MessageId, SiteId, TeamId, TokenId};
pub use message::{Author, Direction, Message, MessageMood, MoodLabel};
pub use org::{Site, Team};

/// Errors raised when outside text does not parse into a domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

impl ParseError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        ParseError::Invalid { field, reason: reason.into() }
    }
}
