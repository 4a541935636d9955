//! Working the inbox: list, read, reply, note, assign, change status; contacts across channels.

use jiff::Timestamp;
use rapport_domain::message::parse_message_text;
use rapport_domain::{Agent, AgentId, Author, Contact, ContactId, ConversationId, Message, Status, TeamId};
use rapport_storage::{
    AgentMessage, AgentStore, ContactStore, ConversationFilter, ConversationStore, ConversationSummary,
    ConversationUpdate, Cursor, MessageStore, OrgStore, Page,
};

use crate::{Actor, App, AppError, Permission};

/// A conversation with everything the conversation view shows.
#[derive(Debug, Clone)]
pub struct ConversationDetail {
    pub summary: ConversationSummary,
    pub messages: Vec<Message>,
    pub contact: Contact,
    /// The contact's conversations on every channel, this one included, newest first.
    pub contact_conversations: Vec<ConversationSummary>,
}

fn author_of(actor: &Actor) -> Author {
    match actor.agent_id() {
        Some(id) => Author::Agent(id),
        None => Author::System,
    }
}

impl App {
    pub async fn list_conversations(
        &self,
        actor: &Actor,
        filter: &ConversationFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<ConversationSummary>, AppError> {
        actor.require(Permission::ReadConversations)?;
        Ok(self.db.list_conversations(filter, after, limit).await?)
    }

    pub async fn conversation_detail(&self, actor: &Actor, id: ConversationId) -> Result<ConversationDetail, AppError> {
        actor.require(Permission::ReadConversations)?;
        let summary = self.db.conversation(id).await?;
        let messages = self.db.messages(id).await?;
        let contact = self.db.contact(summary.conversation.contact_id).await?;
        let filter = ConversationFilter { contact_id: Some(contact.id), ..Default::default() };
        let contact_conversations = self.db.list_conversations(&filter, None, 50).await?.items;
        Ok(ConversationDetail { summary, messages, contact, contact_conversations })
    }

    /// Messages after a given one, for live updates of an open conversation view.
    pub async fn messages(&self, actor: &Actor, id: ConversationId) -> Result<Vec<Message>, AppError> {
        actor.require(Permission::ReadConversations)?;
        self.db.conversation(id).await?;
        Ok(self.db.messages(id).await?)
    }

    #[tracing::instrument(skip_all, fields(conversation = %id))]
    pub async fn reply(&self, actor: &Actor, id: ConversationId, text: &str, note: bool) -> Result<Message, AppError> {
        actor.require(Permission::WorkConversations)?;
        let text = parse_message_text(text)?;
        let message = AgentMessage {
            conversation_id: id,
            author: author_of(actor),
            note,
            text,
            metadata: serde_json::json!({ "by": actor.name() }),
            at: Timestamp::now(),
        };
        Ok(self.db.add_agent_message(&message).await?)
    }

    #[tracing::instrument(skip_all, fields(conversation = %id))]
    pub async fn change_status(
        &self,
        actor: &Actor,
        id: ConversationId,
        to: Status,
    ) -> Result<ConversationSummary, AppError> {
        actor.require(Permission::WorkConversations)?;
        Ok(self.db.change_status(id, to, Timestamp::now()).await?)
    }

    #[tracing::instrument(skip_all, fields(conversation = %id))]
    pub async fn assign(
        &self,
        actor: &Actor,
        id: ConversationId,
        agent: Option<AgentId>,
        team: Option<Option<TeamId>>,
    ) -> Result<ConversationSummary, AppError> {
        actor.require_assign(agent)?;
        if let Some(agent) = agent {
            let target = self.db.agent(agent).await?;
            if !target.active {
                return Err(AppError::Validation("cannot assign to an inactive agent".into()));
            }
        }
        if let Some(Some(team)) = team
            && !self.db.list_teams().await?.iter().any(|t| t.id == team)
        {
            return Err(AppError::NotFound("team"));
        }
        let update = ConversationUpdate { assignee: Some(agent), team, ..Default::default() };
        Ok(self.db.update_conversation(id, &update, Timestamp::now()).await?)
    }

    pub async fn contact(&self, actor: &Actor, id: ContactId) -> Result<Contact, AppError> {
        actor.require(Permission::ReadConversations)?;
        Ok(self.db.contact(id).await?)
    }

    pub async fn search_contacts(&self, actor: &Actor, query: &str, limit: u32) -> Result<Vec<Contact>, AppError> {
        actor.require(Permission::ReadConversations)?;
        if query.len() > 200 {
            return Err(AppError::Validation("query is too long".into()));
        }
        Ok(self.db.search_contacts(query, limit.clamp(1, 100)).await?)
    }

    pub async fn contact_conversations(
        &self,
        actor: &Actor,
        id: ContactId,
    ) -> Result<Vec<ConversationSummary>, AppError> {
        actor.require(Permission::ReadConversations)?;
        self.db.contact(id).await?;
        let filter = ConversationFilter { contact_id: Some(id), ..Default::default() };
        Ok(self.db.list_conversations(&filter, None, 200).await?.items)
    }

    pub async fn agents(&self, actor: &Actor) -> Result<Vec<Agent>, AppError> {
        actor.require(Permission::ReadTeam)?;
        Ok(self.db.list_agents().await?)
    }
}
