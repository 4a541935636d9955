//! Row shapes as both backends return them, and their conversion into domain types.
//! Decoding is strict: a row that does not parse is reported as corrupt, never guessed at.

use rapport_domain::{
    Agent, AgentId, ApiToken, Author, Channel, ChannelId, ChannelKind, Contact, ContactId, Conversation,
    ConversationId, Direction, Identity, IdentityKind, Message, MessageId, MessageMood, MoodLabel, Priority, Role,
    SiteId, Status, TeamId, TokenId,
};
use uuid::Uuid;

use crate::error::{Result, StorageError};
use crate::ports::ConversationSummary;
use crate::time::{from_db, opt_from_db};

#[derive(sqlx::FromRow)]
pub(crate) struct ChannelRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub settings: String,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = StorageError;
    fn try_from(r: ChannelRow) -> Result<Channel> {
        Ok(Channel {
            id: ChannelId::from_uuid(r.id),
            kind: ChannelKind::parse(&r.kind)?,
            name: r.name,
            settings: serde_json::from_str(&r.settings).map_err(StorageError::corrupt)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ContactRow {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: i64,
}

impl ContactRow {
    pub fn into_contact(self, identities: Vec<IdentityRow>) -> Result<Contact> {
        Ok(Contact {
            id: ContactId::from_uuid(self.id),
            name: self.name,
            email: self.email,
            phone: self.phone,
            created_at: from_db(self.created_at)?,
            identities: identities.into_iter().map(Identity::try_from).collect::<Result<_>>()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IdentityRow {
    pub kind: String,
    pub value: String,
}

impl TryFrom<IdentityRow> for Identity {
    type Error = StorageError;
    fn try_from(r: IdentityRow) -> Result<Identity> {
        Ok(Identity { kind: IdentityKind::parse(&r.kind)?, value: r.value })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub channel_id: Uuid,
    pub status: String,
    pub priority: String,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    pub subject: String,
    pub preview: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub last_customer_message_at: Option<i64>,
    pub last_agent_message_at: Option<i64>,
    pub mood: Option<f64>,
    pub message_count: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    #[sqlx(flatten)]
    pub conversation: ConversationRow,
    pub contact_name: String,
    pub channel_name: String,
    pub channel_kind: String,
    pub assignee_name: Option<String>,
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = StorageError;
    fn try_from(r: ConversationRow) -> Result<Conversation> {
        Ok(Conversation {
            id: ConversationId::from_uuid(r.id),
            contact_id: ContactId::from_uuid(r.contact_id),
            channel_id: ChannelId::from_uuid(r.channel_id),
            status: Status::parse(&r.status)?,
            priority: Priority::parse(&r.priority)?,
            assignee_id: r.assignee_id.map(AgentId::from_uuid),
            team_id: r.team_id.map(TeamId::from_uuid),
            site_id: r.site_id.map(SiteId::from_uuid),
            subject: r.subject,
            created_at: from_db(r.created_at)?,
            updated_at: from_db(r.updated_at)?,
            first_response_at: opt_from_db(r.first_response_at)?,
            resolved_at: opt_from_db(r.resolved_at)?,
            last_customer_message_at: opt_from_db(r.last_customer_message_at)?,
            last_agent_message_at: opt_from_db(r.last_agent_message_at)?,
            mood: r.mood,
            message_count: r.message_count,
        })
    }
}

impl TryFrom<SummaryRow> for ConversationSummary {
    type Error = StorageError;
    fn try_from(r: SummaryRow) -> Result<ConversationSummary> {
        let preview = r.conversation.preview.clone();
        Ok(ConversationSummary {
            conversation: Conversation::try_from(r.conversation)?,
            contact_name: r.contact_name,
            channel_name: r.channel_name,
            channel_kind: ChannelKind::parse(&r.channel_kind)?,
            assignee_name: r.assignee_name,
            preview,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub direction: String,
    pub author_kind: String,
    pub author_id: Option<Uuid>,
    pub text: String,
    pub html: Option<String>,
    pub metadata: String,
    pub external_id: Option<String>,
    pub sent_at: i64,
    pub received_at: i64,
    pub mood_score: Option<f64>,
    pub mood_label: Option<String>,
    pub analysis: Option<String>,
}

impl TryFrom<MessageRow> for Message {
    type Error = StorageError;
    fn try_from(r: MessageRow) -> Result<Message> {
        let author = match (r.author_kind.as_str(), r.author_id) {
            ("contact", Some(id)) => Author::Contact(ContactId::from_uuid(id)),
            ("agent", Some(id)) => Author::Agent(AgentId::from_uuid(id)),
            ("system", _) => Author::System,
            (kind, _) => return Err(StorageError::corrupt(format!("message author {kind}"))),
        };
        let mood = match (r.mood_label, r.mood_score) {
            (Some(label), Some(score)) => Some(MessageMood { label: MoodLabel::parse(&label)?, score }),
            _ => None,
        };
        Ok(Message {
            id: MessageId::from_uuid(r.id),
            conversation_id: ConversationId::from_uuid(r.conversation_id),
            direction: Direction::parse(&r.direction)?,
            author,
            text: r.text,
            html: r.html,
            metadata: serde_json::from_str(&r.metadata).map_err(StorageError::corrupt)?,
            external_id: r.external_id,
            sent_at: from_db(r.sent_at)?,
            received_at: from_db(r.received_at)?,
            mood,
            analysis: r.analysis.as_deref().map(serde_json::from_str).transpose().map_err(StorageError::corrupt)?,
        })
    }
}

pub(crate) fn author_columns(author: &Author) -> (&'static str, Option<Uuid>) {
    match author {
        Author::Contact(id) => ("contact", Some(id.as_uuid())),
        Author::Agent(id) => ("agent", Some(id.as_uuid())),
        Author::System => ("system", None),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AgentRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team_id: Option<Uuid>,
    pub active: bool,
    pub created_at: i64,
}

impl TryFrom<AgentRow> for Agent {
    type Error = StorageError;
    fn try_from(r: AgentRow) -> Result<Agent> {
        Ok(Agent {
            id: AgentId::from_uuid(r.id),
            name: r.name,
            email: r.email,
            role: Role::parse(&r.role)?,
            team_id: r.team_id.map(TeamId::from_uuid),
            active: r.active,
            created_at: from_db(r.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub created_at: i64,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StorageError;
    fn try_from(r: TokenRow) -> Result<ApiToken> {
        Ok(ApiToken {
            id: TokenId::from_uuid(r.id),
            name: r.name,
            role: Role::parse(&r.role)?,
            created_at: from_db(r.created_at)?,
        })
    }
}
