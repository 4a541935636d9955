use rapport_domain::{ConversationId, Direction, Message, MessageId};

use crate::Db;
use crate::error::{Result, StorageError};
use crate::ports::{AgentMessage, MessageStore};
use crate::rows::{MessageRow, author_columns};
use crate::time::to_db;

/// How much of the latest message the inbox shows.
pub(crate) fn preview_of(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut preview: String = flat.chars().take(140).collect();
    if flat.chars().count() > 140 {
        preview.push('…');
    }
    preview
}

impl MessageStore for Db {
    #[tracing::instrument(skip_all)]
    async fn messages(&self, conversation: ConversationId) -> Result<Vec<Message>> {
        let rows: Vec<MessageRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                message_columns!(),
                " FROM messages WHERE conversation_id = $1 ORDER BY sent_at, id"
            ))
            .bind(conversation.as_uuid())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(Message::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn add_agent_message(&self, m: &AgentMessage) -> Result<Message> {
        let id = MessageId::new();
        let direction = if m.note { Direction::Note } else { Direction::Outbound };
        let (author_kind, author_id) = author_columns(&m.author);
        let at = to_db(m.at);
        let metadata = m.metadata.to_string();
        let preview = preview_of(&m.text);
        write_tx!(self, |tx| {
            let channel: Option<uuid::Uuid> = sqlx::query_scalar("SELECT channel_id FROM conversations WHERE id = $1")
                .bind(m.conversation_id.as_uuid())
                .fetch_optional(&mut *tx)
                .await?;
            let channel = channel.ok_or(StorageError::NotFound("conversation"))?;
            sqlx::query(
                "INSERT INTO messages (id, conversation_id, channel_id, direction, author_kind, author_id, text, \
                 metadata, sent_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(id.as_uuid())
            .bind(m.conversation_id.as_uuid())
            .bind(channel)
            .bind(direction.as_str())
            .bind(author_kind)
            .bind(author_id)
            .bind(&m.text)
            .bind(&metadata)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            // Notes are internal: they neither answer the customer nor change what the inbox previews.
            if !m.note {
                sqlx::query(
                    "UPDATE conversations SET updated_at = $2, last_agent_message_at = $2, \
                     first_response_at = COALESCE(first_response_at, $2), preview = $3, \
                     message_count = message_count + 1 WHERE id = $1",
                )
                .bind(m.conversation_id.as_uuid())
                .bind(at)
                .bind(&preview)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "UPDATE conversations SET updated_at = $2, message_count = message_count + 1 WHERE id = $1",
                )
                .bind(m.conversation_id.as_uuid())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            Ok::<_, StorageError>(())
        })?;
        self.message(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn message(&self, id: MessageId) -> Result<Message> {
        let row: Option<MessageRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", message_columns!(), " FROM messages WHERE id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StorageError::NotFound("message")).and_then(Message::try_from)
    }
}
