//! The ingest statements on a PostgreSQL transaction.

use sqlx::PgConnection;
use uuid::Uuid;

use super::{ConversationRow, Existing, IngestOps, MessageRow, sql};
use crate::error::Result;

pub(crate) struct PgOps<'c>(pub &'c mut PgConnection);

impl IngestOps for PgOps<'_> {
    async fn message_by_external_id(&mut self, channel: Uuid, external_id: &str) -> Result<Option<Existing>> {
        let row: Option<(Uuid, Uuid, Option<Uuid>)> = sqlx::query_as(sql::MESSAGE_BY_EXTERNAL_ID)
            .bind(channel)
            .bind(external_id)
            .fetch_optional(&mut *self.0)
            .await?;
        Ok(row.map(|(message_id, conversation_id, author_id)| Existing { message_id, conversation_id, author_id }))
    }

    async fn contact_by_identity(&mut self, kind: &'static str, value: &str) -> Result<Option<Uuid>> {
        Ok(sqlx::query_scalar(sql::CONTACT_BY_IDENTITY).bind(kind).bind(value).fetch_optional(&mut *self.0).await?)
    }

    async fn insert_contact(
        &mut self,
        id: Uuid,
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        at: i64,
    ) -> Result<()> {
        sqlx::query(sql::INSERT_CONTACT)
            .bind(id)
            .bind(name)
            .bind(email)
            .bind(phone)
            .bind(at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn insert_identity(
        &mut self,
        kind: &'static str,
        value: &str,
        contact: Uuid,
        at: i64,
        if_absent: bool,
    ) -> Result<()> {
        let statement = if if_absent { sql::ADD_IDENTITY } else { sql::INSERT_IDENTITY };
        sqlx::query(statement).bind(kind).bind(value).bind(contact).bind(at).execute(&mut *self.0).await?;
        Ok(())
    }

    async fn active_conversation(&mut self, contact: Uuid, channel: Uuid) -> Result<Option<(Uuid, bool)>> {
        Ok(sqlx::query_as(sql::ACTIVE_CONVERSATION).bind(contact).bind(channel).fetch_optional(&mut *self.0).await?)
    }

    async fn reopen_conversation(&mut self, id: Uuid) -> Result<()> {
        sqlx::query(sql::REOPEN_CONVERSATION).bind(id).execute(&mut *self.0).await?;
        Ok(())
    }

    async fn insert_conversation(&mut self, c: &ConversationRow<'_>) -> Result<()> {
        sqlx::query(sql::INSERT_CONVERSATION)
            .bind(c.id)
            .bind(c.contact_id)
            .bind(c.channel_id)
            .bind(c.subject)
            .bind(c.preview)
            .bind(c.customer_at)
            .bind(c.updated_at)
            .bind(c.mood_score)
            .bind(c.mood_label)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn insert_message(&mut self, m: &MessageRow<'_>) -> Result<()> {
        sqlx::query(sql::INSERT_MESSAGE)
            .bind(m.id)
            .bind(m.conversation_id)
            .bind(m.channel_id)
            .bind(m.contact_id)
            .bind(m.text)
            .bind(m.html)
            .bind(&m.metadata)
            .bind(m.external_id)
            .bind(m.sent_at)
            .bind(m.received_at)
            .bind(m.mood_score)
            .bind(m.mood_label)
            .bind(m.analysis.as_deref())
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn touch_conversation(
        &mut self,
        id: Uuid,
        updated_at: i64,
        customer_at: i64,
        mood_score: Option<f64>,
        mood_label: Option<&'static str>,
        preview: &str,
    ) -> Result<()> {
        sqlx::query(sql::TOUCH_CONVERSATION)
            .bind(id)
            .bind(updated_at)
            .bind(customer_at)
            .bind(mood_score)
            .bind(mood_label)
            .bind(preview)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
