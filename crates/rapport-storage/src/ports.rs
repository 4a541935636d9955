//! The storage ports: what the application may ask of the database, one narrow trait per aggregate.
//! `Db` implements all of them; tests and later backends implement what they need.

use std::future::Future;

use jiff::Timestamp;
use rapport_domain::{
    Agent, AgentId, ApiToken, Author, Channel, ChannelId, ChannelKind, Contact, ContactId, Conversation,
    ConversationId, Identity, Message, MessageId, MessageMood, MoodLabel, Priority, Role, Site, SiteId, Status, Team,
    TeamId,
};
use serde::{Deserialize, Serialize};

use crate::error::Result;

// ---------------------------------------------------------------------------------------------
// Inputs and outputs
// ---------------------------------------------------------------------------------------------

/// A customer message arriving on a channel, already parsed and analysed.
#[derive(Debug, Clone)]
pub struct InboundRecord {
    pub channel_id: ChannelId,
    pub contact_name: String,
    /// How the sender is recognised; the first one that matches an existing contact wins.
    pub identities: Vec<Identity>,
    pub text: String,
    pub html: Option<String>,
    pub metadata: serde_json::Value,
    pub external_id: Option<String>,
    pub subject: Option<String>,
    pub sent_at: Timestamp,
    pub received_at: Timestamp,
    pub mood: Option<MessageMood>,
    /// The engine's analysis, already serialised as JSON (it is stored as written).
    pub analysis: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngestOutcome {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub contact_id: ContactId,
    /// False when the message was already stored under the same external id.
    pub created: bool,
    /// True when this message opened a new conversation.
    pub new_conversation: bool,
}

/// A message written by the desk: a reply to the customer or an internal note.
#[derive(Debug, Clone)]
pub struct AgentMessage {
    pub conversation_id: ConversationId,
    pub author: Author,
    pub note: bool,
    pub text: String,
    pub metadata: serde_json::Value,
    pub at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Agent(AgentId),
    Unassigned,
}

#[derive(Debug, Clone, Default)]
pub struct ConversationFilter {
    pub status: Option<Status>,
    pub channel_id: Option<ChannelId>,
    pub assignee: Option<AssigneeFilter>,
    pub team_id: Option<TeamId>,
    pub site_id: Option<SiteId>,
    pub mood: Option<MoodLabel>,
    pub contact_id: Option<ContactId>,
}

/// Keyset position in the inbox order (most recently updated first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub updated_at_ms: i64,
    pub id: ConversationId,
}

impl Cursor {
    /// Opaque text form used in URLs: `<millis>_<uuid>`.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.updated_at_ms, self.id)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (ms, id) = s.split_once('_')?;
        Some(Cursor { updated_at_ms: ms.parse().ok()?, id: id.parse().ok()? })
    }
}

/// One inbox row: the conversation plus what a list needs to show without more queries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationSummary {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub contact_name: String,
    pub channel_name: String,
    pub channel_kind: ChannelKind,
    pub assignee_name: Option<String>,
    /// The start of the latest message.
    pub preview: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub team_id: Option<TeamId>,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub agent: Agent,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct ConversationUpdate {
    pub assignee: Option<Option<AgentId>>,
    pub team: Option<Option<TeamId>>,
    pub site: Option<Option<SiteId>>,
    pub priority: Option<Priority>,
}

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

pub trait ChannelStore {
    /// Find the channel by name, creating it with `kind` when absent.
    fn ensure_channel(&self, kind: ChannelKind, name: &str) -> impl Future<Output = Result<Channel>> + Send;
    fn channel_by_name(&self, name: &str) -> impl Future<Output = Result<Option<Channel>>> + Send;
    fn channel(&self, id: ChannelId) -> impl Future<Output = Result<Channel>> + Send;
    fn list_channels(&self) -> impl Future<Output = Result<Vec<Channel>>> + Send;
}

pub trait ContactStore {
    fn contact(&self, id: ContactId) -> impl Future<Output = Result<Contact>> + Send;
    /// Contacts whose name, email or phone contains `query` (case-insensitive).
    fn search_contacts(&self, query: &str, limit: u32) -> impl Future<Output = Result<Vec<Contact>>> + Send;
    fn contact_by_identity(&self, identity: &Identity) -> impl Future<Output = Result<Option<Contact>>> + Send;
}

pub trait ConversationStore {
    fn conversation(&self, id: ConversationId) -> impl Future<Output = Result<ConversationSummary>> + Send;
    fn list_conversations(
        &self,
        filter: &ConversationFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> impl Future<Output = Result<Page<ConversationSummary>>> + Send;
    /// Move the conversation to `to` if the domain's state machine allows it from its current status.
    fn change_status(
        &self,
        id: ConversationId,
        to: Status,
        at: Timestamp,
    ) -> impl Future<Output = Result<ConversationSummary>> + Send;
    fn update_conversation(
        &self,
        id: ConversationId,
        update: &ConversationUpdate,
        at: Timestamp,
    ) -> impl Future<Output = Result<ConversationSummary>> + Send;
    fn count_conversations(&self) -> impl Future<Output = Result<i64>> + Send;
}

pub trait MessageStore {
    fn messages(&self, conversation: ConversationId) -> impl Future<Output = Result<Vec<Message>>> + Send;
    fn message(&self, id: MessageId) -> impl Future<Output = Result<Message>> + Send;
    /// Store a reply or note from the desk and update the conversation's response times.
    fn add_agent_message(&self, message: &AgentMessage) -> impl Future<Output = Result<Message>> + Send;
}

pub trait IngestStore {
    /// Store a customer message: find or create the contact and its active conversation on the channel,
    /// append the message. Idempotent on (channel, external id). Durable when it returns.
    fn ingest(&self, record: InboundRecord) -> impl Future<Output = Result<IngestOutcome>> + Send;
}

pub trait AgentStore {
    fn create_agent(&self, agent: &NewAgent, at: Timestamp) -> impl Future<Output = Result<Agent>> + Send;
    fn agent(&self, id: AgentId) -> impl Future<Output = Result<Agent>> + Send;
    /// The agent and their password hash, for login.
    fn agent_credentials(&self, email: &str) -> impl Future<Output = Result<Option<(Agent, String)>>> + Send;
    fn list_agents(&self) -> impl Future<Output = Result<Vec<Agent>>> + Send;
    fn count_agents(&self) -> impl Future<Output = Result<i64>> + Send;
}

pub trait TokenStore {
    fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<ApiToken>> + Send;
    fn token_by_hash(&self, token_hash: &str) -> impl Future<Output = Result<Option<ApiToken>>> + Send;
}

pub trait SessionStore {
    fn create_session(
        &self,
        token_hash: &str,
        agent: AgentId,
        csrf_token: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The live session for this token hash (expired sessions are not returned).
    fn session(&self, token_hash: &str, now: Timestamp) -> impl Future<Output = Result<Option<Session>>> + Send;
    fn delete_session(&self, token_hash: &str) -> impl Future<Output = Result<()>> + Send;
}

pub trait OrgStore {
    fn ensure_team(&self, name: &str) -> impl Future<Output = Result<Team>> + Send;
    fn ensure_site(&self, name: &str, time_zone: &str) -> impl Future<Output = Result<Site>> + Send;
    fn list_teams(&self) -> impl Future<Output = Result<Vec<Team>>> + Send;
    fn list_sites(&self) -> impl Future<Output = Result<Vec<Site>>> + Send;
}
