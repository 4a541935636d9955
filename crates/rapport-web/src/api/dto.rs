//! The JSON shapes of the API. Kept apart from the domain types so the wire format is a decision,
//! not a side effect of a refactoring.

use jiff::Timestamp;
use rapport_domain::{Agent, Author, Contact, Message, MoodLabel};
use rapport_storage::ConversationSummary;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct MoodDto {
    /// `negative`, `neutral` or `positive`.
    pub label: &'static str,
    /// Sentiment in [-1, 1]; the sign is the polarity.
    pub score: f64,
}

impl MoodDto {
    pub fn of_score(score: f64) -> MoodDto {
        MoodDto { label: MoodLabel::of_score(score).as_str(), score }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationDto {
    pub id: Uuid,
    pub status: &'static str,
    pub priority: &'static str,
    pub subject: String,
    /// The start of the latest message.
    pub preview: String,
    pub channel: String,
    pub channel_kind: &'static str,
    pub contact: NamedRef,
    pub assignee: Option<NamedRef>,
    pub team_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    pub message_count: i64,
    /// The customer's latest mood.
    pub mood: Option<MoodDto>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_response_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_customer_message_at: Option<Timestamp>,
    /// Set while the customer waits for an answer: since when.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub waiting_since: Option<Timestamp>,
}

impl From<ConversationSummary> for ConversationDto {
    fn from(s: ConversationSummary) -> Self {
        let c = &s.conversation;
        ConversationDto {
            id: c.id.as_uuid(),
            status: c.status.as_str(),
            priority: c.priority.as_str(),
            subject: c.subject.clone(),
            preview: s.preview.clone(),
            channel: s.channel_name.clone(),
            channel_kind: s.channel_kind.as_str(),
            contact: NamedRef { id: c.contact_id.as_uuid(), name: s.contact_name.clone() },
            assignee: c
                .assignee_id
                .map(|id| NamedRef { id: id.as_uuid(), name: s.assignee_name.clone().unwrap_or_default() }),
            team_id: c.team_id.map(|t| t.as_uuid()),
            site_id: c.site_id.map(|t| t.as_uuid()),
            message_count: c.message_count,
            mood: c.mood.map(MoodDto::of_score),
            created_at: c.created_at,
            updated_at: c.updated_at,
            first_response_at: c.first_response_at,
            resolved_at: c.resolved_at,
            last_customer_message_at: c.last_customer_message_at,
            waiting_since: c.waiting_since(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuthorDto {
    /// `contact`, `agent` or `system`.
    pub kind: &'static str,
    pub id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageDto {
    pub id: Uuid,
    /// `inbound` (customer), `outbound` (desk) or `note` (internal).
    pub direction: &'static str,
    pub author: AuthorDto,
    pub text: String,
    pub external_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub sent_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    pub mood: Option<MoodDto>,
    /// The analysis engine's result with its evidence (customer messages).
    #[schema(value_type = Option<Object>)]
    pub analysis: Option<serde_json::Value>,
}

impl From<Message> for MessageDto {
    fn from(m: Message) -> Self {
        let author = match m.author {
            Author::Contact(id) => AuthorDto { kind: "contact", id: Some(id.as_uuid()) },
            Author::Agent(id) => AuthorDto { kind: "agent", id: Some(id.as_uuid()) },
            Author::System => AuthorDto { kind: "system", id: None },
        };
        MessageDto {
            id: m.id.as_uuid(),
            direction: m.direction.as_str(),
            author,
            text: m.text,
            external_id: m.external_id,
            sent_at: m.sent_at,
            received_at: m.received_at,
            mood: m.mood.map(|mood| MoodDto { label: mood.label.as_str(), score: mood.score }),
            analysis: m.analysis,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ConversationWithMessages {
    #[serde(flatten)]
    pub conversation: ConversationDto,
    pub messages: Vec<MessageDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationPage {
    pub items: Vec<ConversationDto>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentityDto {
    /// `email`, `phone`, `handle` or `chat_visitor`.
    pub kind: &'static str,
    pub value: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub identities: Vec<IdentityDto>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<Contact> for ContactDto {
    fn from(c: Contact) -> Self {
        ContactDto {
            id: c.id.as_uuid(),
            name: c.name,
            email: c.email,
            phone: c.phone,
            identities: c
                .identities
                .into_iter()
                .map(|i| IdentityDto { kind: i.kind.as_str(), value: i.value })
                .collect(),
            created_at: c.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgentDto {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// `agent`, `lead` or `admin`.
    pub role: &'static str,
    pub team_id: Option<Uuid>,
    pub active: bool,
}

impl From<Agent> for AgentDto {
    fn from(a: Agent) -> Self {
        AgentDto {
            id: a.id.as_uuid(),
            name: a.name,
            email: a.email,
            role: a.role.as_str(),
            team_id: a.team_id.map(|t| t.as_uuid()),
            active: a.active,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TextBody {
    pub text: String,
}
