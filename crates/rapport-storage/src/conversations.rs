use jiff::Timestamp;
use rapport_domain::{ConversationId, Status};
use sqlx::{Encode, QueryBuilder, Type};
use uuid::Uuid;

use crate::Db;
use crate::error::{Result, StorageError};
use crate::ports::{
    AssigneeFilter, ConversationFilter, ConversationStore, ConversationSummary, ConversationUpdate, Cursor, Page,
};
use crate::rows::SummaryRow;
use crate::time::to_db;

/// Largest page the inbox may ask for.
pub const MAX_PAGE: u32 = 200;

/// Append the filter, keyset position and order to an inbox query. Generic so both backends share it.
fn push_filters<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    f: &ConversationFilter,
    after: Option<Cursor>,
    limit: u32,
) where
    Uuid: for<'a> Encode<'a, DB> + Type<DB>,
    i64: for<'a> Encode<'a, DB> + Type<DB>,
    &'static str: for<'a> Encode<'a, DB> + Type<DB>,
{
    qb.push(" WHERE 1 = 1");
    if let Some(status) = f.status {
        qb.push(" AND c.status = ").push_bind(status.as_str());
    }
    if let Some(channel) = f.channel_id {
        qb.push(" AND c.channel_id = ").push_bind(channel.as_uuid());
    }
    match f.assignee {
        Some(AssigneeFilter::Agent(agent)) => {
            qb.push(" AND c.assignee_id = ").push_bind(agent.as_uuid());
        }
        Some(AssigneeFilter::Unassigned) => {
            qb.push(" AND c.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(team) = f.team_id {
        qb.push(" AND c.team_id = ").push_bind(team.as_uuid());
    }
    if let Some(site) = f.site_id {
        qb.push(" AND c.site_id = ").push_bind(site.as_uuid());
    }
    if let Some(mood) = f.mood {
        qb.push(" AND c.mood_label = ").push_bind(mood.as_str());
    }
    if let Some(contact) = f.contact_id {
        qb.push(" AND c.contact_id = ").push_bind(contact.as_uuid());
    }
    if let Some(cursor) = after {
        qb.push(" AND (c.updated_at < ")
            .push_bind(cursor.updated_at_ms)
            .push(" OR (c.updated_at = ")
            .push_bind(cursor.updated_at_ms)
            .push(" AND c.id < ")
            .push_bind(cursor.id.as_uuid())
            .push("))");
    }
    qb.push(" ORDER BY c.updated_at DESC, c.id DESC LIMIT ").push_bind(i64::from(limit) + 1);
}

impl ConversationStore for Db {
    #[tracing::instrument(skip_all)]
    async fn conversation(&self, id: ConversationId) -> Result<ConversationSummary> {
        let row: Option<SummaryRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!(summary_select!(), " WHERE c.id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StorageError::NotFound("conversation")).and_then(ConversationSummary::try_from)
    }

    #[tracing::instrument(skip_all)]
    async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<ConversationSummary>> {
        let limit = limit.clamp(1, MAX_PAGE);
        let rows: Vec<SummaryRow> = dispatch!(self, |pool| {
            let mut qb = QueryBuilder::new(summary_select!());
            push_filters(&mut qb, filter, after, limit);
            qb.build_query_as().fetch_all(pool).await?
        });
        let mut items = rows.into_iter().map(ConversationSummary::try_from).collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|s| Cursor { updated_at_ms: to_db(s.conversation.updated_at), id: s.conversation.id })
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    #[tracing::instrument(skip_all)]
    async fn change_status(&self, id: ConversationId, to: Status, at: Timestamp) -> Result<ConversationSummary> {
        let at_ms = to_db(at);
        write_tx!(self, |tx| {
            let current: Option<String> = sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1")
                .bind(id.as_uuid())
                .fetch_optional(&mut *tx)
                .await?;
            let current = Status::parse(&current.ok_or(StorageError::NotFound("conversation"))?)?;
            current.transition(to)?;
            sqlx::query(
                "UPDATE conversations SET status = $2, updated_at = $3, \
                 resolved_at = CASE WHEN $2 = 'resolved' THEN $3 WHEN $2 = 'open' THEN NULL ELSE resolved_at END \
                 WHERE id = $1",
            )
            .bind(id.as_uuid())
            .bind(to.as_str())
            .bind(at_ms)
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(StorageError::from)
        })?;
        self.conversation(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_conversation(
        &self,
        id: ConversationId,
        update: &ConversationUpdate,
        at: Timestamp,
    ) -> Result<ConversationSummary> {
        let at_ms = to_db(at);
        let (set_assignee, assignee) = split(update.assignee.map(|a| a.map(|id| id.as_uuid())));
        let (set_team, team) = split(update.team.map(|t| t.map(|id| id.as_uuid())));
        let (set_site, site) = split(update.site.map(|s| s.map(|id| id.as_uuid())));
        let priority = update.priority.map(|p| p.as_str());
        let affected = write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE conversations SET updated_at = $2, \
                 assignee_id = CASE WHEN $3 THEN $4 ELSE assignee_id END, \
                 team_id = CASE WHEN $5 THEN $6 ELSE team_id END, \
                 site_id = CASE WHEN $7 THEN $8 ELSE site_id END, \
                 priority = COALESCE($9, priority) \
                 WHERE id = $1",
            )
            .bind(id.as_uuid())
            .bind(at_ms)
            .bind(set_assignee)
            .bind(assignee)
            .bind(set_team)
            .bind(team)
            .bind(set_site)
            .bind(site)
            .bind(priority)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())
            .map_err(StorageError::from)
        })?;
        if affected == 0 {
            return Err(StorageError::NotFound("conversation"));
        }
        self.conversation(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn count_conversations(&self) -> Result<i64> {
        Ok(dispatch!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM conversations").fetch_one(pool).await?))
    }
}

/// `Some(x)` means "set to x" (x may be None, meaning clear); `None` means "leave as is".
fn split(change: Option<Option<Uuid>>) -> (bool, Option<Uuid>) {
    match change {
        Some(value) => (true, value),
        None => (false, None),
    }
}
