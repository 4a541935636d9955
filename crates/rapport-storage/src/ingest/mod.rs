//! Storing customer messages: the hot path of the desk.
//!
//! The decision logic (`ingest_with`) is written once against [`IngestOps`], the handful of
//! statements it needs. PostgreSQL runs it in one transaction per request on the pool (the server's
//! WAL groups the commits). SQLite runs it on a dedicated writer thread that commits up to
//! `INGEST_BATCH` queued messages per fsync (group commit); a batch that fails is retried message by
//! message, so one bad message cannot take the others down. That thread drives SQLite directly (rusqlite) because a
//! per-statement hop to sqlx's worker thread cost more than the statements themselves.

mod postgres;
mod sqlite;

use std::future::Future;

use rapport_domain::{ContactId, ConversationId, IdentityKind, MessageId};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::Db;
use crate::backend::{Backend, IngestJob, retry};
use crate::error::{Result, StorageError};
use crate::messages::preview_of;
use crate::ports::{InboundRecord, IngestOutcome, IngestStore};
use crate::time::to_db;

pub(crate) use sqlite::spawn_sqlite_writer;

/// The statements, in portable SQL shared by both backends.
mod sql {
    pub const MESSAGE_BY_EXTERNAL_ID: &str =
        "SELECT id, conversation_id, author_id FROM messages WHERE channel_id = $1 AND external_id = $2";
    pub const CONTACT_BY_IDENTITY: &str = "SELECT contact_id FROM contact_identities WHERE kind = $1 AND value = $2";
    pub const INSERT_CONTACT: &str =
        "INSERT INTO contacts (id, name, email, phone, created_at) VALUES ($1, $2, $3, $4, $5)";
    pub const INSERT_IDENTITY: &str =
        "INSERT INTO contact_identities (kind, value, contact_id, created_at) VALUES ($1, $2, $3, $4)";
    pub const ADD_IDENTITY: &str = "INSERT INTO contact_identities (kind, value, contact_id, created_at) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (kind, value) DO NOTHING";
    pub const ACTIVE_CONVERSATION: &str = "SELECT id, status = 'open' FROM conversations WHERE contact_id = $1 AND channel_id = $2 \
        AND status IN ('open', 'pending', 'resolved') ORDER BY updated_at DESC, id DESC LIMIT 1";
    /// A new conversation is written complete with its first message's figures: no second update.
    pub const INSERT_CONVERSATION: &str = "INSERT INTO conversations (id, contact_id, channel_id, status, priority, \
        subject, preview, created_at, updated_at, last_customer_message_at, mood, mood_label, message_count) \
        VALUES ($1, $2, $3, 'open', 'normal', $4, $5, $6, $7, $6, $8, $9, 1)";
    pub const INSERT_MESSAGE: &str = "INSERT INTO messages (id, conversation_id, channel_id, direction, author_kind, \
        author_id, text, html, metadata, external_id, sent_at, received_at, mood_score, mood_label, analysis) \
        VALUES ($1, $2, $3, 'inbound', 'contact', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    /// Status is left out: naming a column in SET rewrites every index on it, even when unchanged.
    pub const REOPEN_CONVERSATION: &str = "UPDATE conversations SET status = 'open' WHERE id = $1";
    pub const TOUCH_CONVERSATION: &str = "UPDATE conversations SET updated_at = $2, \
        last_customer_message_at = $3, mood = COALESCE($4, mood), mood_label = COALESCE($5, mood_label), \
        preview = $6, message_count = message_count + 1 WHERE id = $1";
}

/// A message already stored under the same external id.
pub(crate) struct Existing {
    pub message_id: Uuid,
    pub conversation_id: Uuid,
    pub author_id: Option<Uuid>,
}

/// One inbound message row, bound to `sql::INSERT_MESSAGE` in parameter order.
pub(crate) struct MessageRow<'a> {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub metadata: String,
    pub external_id: Option<&'a str>,
    pub sent_at: i64,
    pub received_at: i64,
    pub mood_score: Option<f64>,
    pub mood_label: Option<&'static str>,
    pub analysis: Option<String>,
}

/// A new conversation row, bound to `sql::INSERT_CONVERSATION` in parameter order.
pub(crate) struct ConversationRow<'a> {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub channel_id: Uuid,
    pub subject: &'a str,
    pub preview: &'a str,
    pub customer_at: i64,
    pub updated_at: i64,
    pub mood_score: Option<f64>,
    pub mood_label: Option<&'static str>,
}

/// The statements an ingest runs, each backend executing the SQL of [`sql`].
pub(crate) trait IngestOps {
    fn message_by_external_id(
        &mut self,
        channel: Uuid,
        external_id: &str,
    ) -> impl Future<Output = Result<Option<Existing>>>;
    fn contact_by_identity(&mut self, kind: &'static str, value: &str) -> impl Future<Output = Result<Option<Uuid>>>;
    fn insert_contact(
        &mut self,
        id: Uuid,
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        at: i64,
    ) -> impl Future<Output = Result<()>>;
    /// `if_absent`: an identity already owned by someone else is left alone instead of failing.
    fn insert_identity(
        &mut self,
        kind: &'static str,
        value: &str,
        contact: Uuid,
        at: i64,
        if_absent: bool,
    ) -> impl Future<Output = Result<()>>;
    /// The contact's active conversation on the channel, and whether it is open already.
    fn active_conversation(
        &mut self,
        contact: Uuid,
        channel: Uuid,
    ) -> impl Future<Output = Result<Option<(Uuid, bool)>>>;
    fn reopen_conversation(&mut self, id: Uuid) -> impl Future<Output = Result<()>>;
    fn insert_conversation(&mut self, row: &ConversationRow<'_>) -> impl Future<Output = Result<()>>;
    fn insert_message(&mut self, row: &MessageRow<'_>) -> impl Future<Output = Result<()>>;
    #[allow(clippy::too_many_arguments)]
    fn touch_conversation(
        &mut self,
        id: Uuid,
        updated_at: i64,
        customer_at: i64,
        mood_score: Option<f64>,
        mood_label: Option<&'static str>,
        preview: &str,
    ) -> impl Future<Output = Result<()>>;
}

/// Find or create the contact and its active conversation on the channel, then append the message.
pub(crate) async fn ingest_with<O: IngestOps>(ops: &mut O, rec: &InboundRecord) -> Result<IngestOutcome> {
    if let Some(external_id) = &rec.external_id
        && let Some(existing) = ops.message_by_external_id(rec.channel_id.as_uuid(), external_id).await?
    {
        let contact = existing.author_id.ok_or_else(|| StorageError::corrupt("inbound message without author"))?;
        return Ok(IngestOutcome {
            conversation_id: ConversationId::from_uuid(existing.conversation_id),
            message_id: MessageId::from_uuid(existing.message_id),
            contact_id: ContactId::from_uuid(contact),
            created: false,
            new_conversation: false,
        });
    }

    let received = to_db(rec.received_at);
    // The first identity that names a known contact wins; the ones before it were looked up and are new.
    let mut known = None;
    for (position, identity) in rec.identities.iter().enumerate() {
        if let Some(id) = ops.contact_by_identity(identity.kind.as_str(), &identity.value).await? {
            known = Some((id, position));
            break;
        }
    }
    let contact_id = match known {
        // A known contact writing from a new address keeps one identity across channels; an address
        // already taken by someone else stays theirs.
        Some((id, matched)) => {
            for (position, identity) in rec.identities.iter().enumerate() {
                if position != matched {
                    ops.insert_identity(identity.kind.as_str(), &identity.value, id, received, true).await?;
                }
            }
            id
        }
        // No ON CONFLICT here: if a concurrent request just claimed one of these identities, the unique
        // violation aborts this attempt and the retry finds that contact instead.
        None => {
            let id = ContactId::new().as_uuid();
            let first = |kind: IdentityKind| rec.identities.iter().find(|i| i.kind == kind).map(|i| i.value.as_str());
            ops.insert_contact(id, &rec.contact_name, first(IdentityKind::Email), first(IdentityKind::Phone), received)
                .await?;
            for identity in &rec.identities {
                ops.insert_identity(identity.kind.as_str(), &identity.value, id, received, false).await?;
            }
            id
        }
    };

    let sent = to_db(rec.sent_at);
    let customer_at = sent.min(received);
    let preview = preview_of(&rec.text);
    let mood_score = rec.mood.map(|m| m.score);
    let mood_label = rec.mood.map(|m| m.label.as_str());
    let channel = rec.channel_id.as_uuid();
    let (conversation_id, new_conversation) = match ops.active_conversation(contact_id, channel).await? {
        Some((id, open)) => {
            if !open {
                ops.reopen_conversation(id).await?;
            }
            (id, false)
        }
        None => {
            let id = ConversationId::new().as_uuid();
            let subject =
                rec.subject.clone().unwrap_or_else(|| rapport_domain::conversation::subject_from_text(&rec.text));
            ops.insert_conversation(&ConversationRow {
                id,
                contact_id,
                channel_id: channel,
                subject: &subject,
                preview: &preview,
                customer_at,
                updated_at: received,
                mood_score,
                mood_label,
            })
            .await?;
            (id, true)
        }
    };

    let message_id = MessageId::new().as_uuid();
    ops.insert_message(&MessageRow {
        id: message_id,
        conversation_id,
        channel_id: channel,
        contact_id,
        text: &rec.text,
        html: rec.html.as_deref(),
        metadata: rec.metadata.to_string(),
        external_id: rec.external_id.as_deref(),
        sent_at: sent,
        received_at: received,
        mood_score,
        mood_label,
        analysis: rec.analysis.clone(),
    })
    .await?;
    if !new_conversation {
        ops.touch_conversation(conversation_id, received, customer_at, mood_score, mood_label, &preview).await?;
    }

    Ok(IngestOutcome {
        conversation_id: ConversationId::from_uuid(conversation_id),
        message_id: MessageId::from_uuid(message_id),
        contact_id: ContactId::from_uuid(contact_id),
        created: true,
        new_conversation,
    })
}

impl IngestStore for Db {
    #[tracing::instrument(skip_all)]
    async fn ingest(&self, record: InboundRecord) -> Result<IngestOutcome> {
        match &*self.backend {
            Backend::Sqlite(s) => {
                let (reply, answer) = oneshot::channel();
                s.ingest_queue.send(IngestJob { record, reply }).await.map_err(|_| StorageError::WriterGone)?;
                answer.await.map_err(|_| StorageError::WriterGone)?
            }
            Backend::Postgres(pool) => {
                retry(|| async {
                    let mut tx = pool.begin().await?;
                    let outcome = ingest_with(&mut postgres::PgOps(&mut tx), &record).await?;
                    tx.commit().await?;
                    Ok(outcome)
                })
                .await
            }
        }
    }
}
