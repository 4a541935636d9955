//! Storing customer messages: the hot path of the desk.
//!
//! One body (`ingest_in_tx!`) runs inside a transaction on either backend. On SQLite a single writer
//! task takes queued messages and commits up to `INGEST_BATCH` of them per fsync (group commit), each in
//! its own savepoint so one bad message cannot take the others down. On PostgreSQL every request runs
//! its own transaction on the pool and the server's WAL does the grouping.

use rapport_domain::{ContactId, ConversationId, IdentityKind, MessageId};
use sqlx::Connection;
use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::backend::{Backend, IngestJob, retry};
use crate::error::{Result, StorageError};
use crate::messages::preview_of;
use crate::ports::{InboundRecord, IngestOutcome, IngestStore};
use crate::time::to_db;
use crate::{Db, backend};

/// The body of an ingest, for a `&mut Connection` of either backend.
macro_rules! ingest_in_tx {
    ($conn:expr, $rec:expr) => {{
        let conn = $conn;
        let rec: &InboundRecord = $rec;
        if let Some(external_id) = &rec.external_id {
            let existing: Option<(Uuid, Uuid, Option<Uuid>)> = sqlx::query_as(
                "SELECT m.id, m.conversation_id, m.author_id FROM messages m \
                 WHERE m.channel_id = $1 AND m.external_id = $2",
            )
            .bind(rec.channel_id.as_uuid())
            .bind(external_id)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some((message_id, conversation_id, author_id)) = existing {
                let contact_id = author_id.ok_or_else(|| StorageError::corrupt("inbound message without author"))?;
                return Ok(IngestOutcome {
                    conversation_id: ConversationId::from_uuid(conversation_id),
                    message_id: MessageId::from_uuid(message_id),
                    contact_id: ContactId::from_uuid(contact_id),
                    created: false,
                    new_conversation: false,
                });
            }
        }

        let mut contact_id: Option<Uuid> = None;
        for identity in &rec.identities {
            contact_id = sqlx::query_scalar("SELECT contact_id FROM contact_identities WHERE kind = $1 AND value = $2")
                .bind(identity.kind.as_str())
                .bind(&identity.value)
                .fetch_optional(&mut *conn)
                .await?;
            if contact_id.is_some() {
                break;
            }
        }
        let received = to_db(rec.received_at);
        let contact_id = match contact_id {
            Some(id) => {
                // A known contact writing from a new address keeps one identity across channels; an
                // address already taken by someone else stays theirs.
                for identity in &rec.identities {
                    sqlx::query(
                        "INSERT INTO contact_identities (kind, value, contact_id, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (kind, value) DO NOTHING",
                    )
                    .bind(identity.kind.as_str())
                    .bind(&identity.value)
                    .bind(id)
                    .bind(received)
                    .execute(&mut *conn)
                    .await?;
                }
                id
            }
            None => {
                let id = ContactId::new().as_uuid();
                let first = |kind: IdentityKind| rec.identities.iter().find(|i| i.kind == kind).map(|i| i.value.as_str());
                sqlx::query("INSERT INTO contacts (id, name, email, phone, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(&rec.contact_name)
                    .bind(first(IdentityKind::Email))
                    .bind(first(IdentityKind::Phone))
                    .bind(received)
                    .execute(&mut *conn)
                    .await?;
                // No ON CONFLICT: if a concurrent request just claimed this identity, the unique
                // violation aborts this attempt and the retry finds that contact instead.
                for identity in &rec.identities {
                    sqlx::query("INSERT INTO contact_identities (kind, value, contact_id, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(identity.kind.as_str())
                        .bind(&identity.value)
                        .bind(id)
                        .bind(received)
                        .execute(&mut *conn)
                        .await?;
                }
                id
            }
        };

        let active: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE contact_id = $1 AND channel_id = $2 \
             AND status IN ('open', 'pending', 'resolved') ORDER BY updated_at DESC, id DESC LIMIT 1",
        )
        .bind(contact_id)
        .bind(rec.channel_id.as_uuid())
        .fetch_optional(&mut *conn)
        .await?;
        let sent = to_db(rec.sent_at);
        let preview = preview_of(&rec.text);
        let mood_score = rec.mood.map(|m| m.score);
        let mood_label = rec.mood.map(|m| m.label.as_str());
        let (conversation_id, new_conversation) = match active {
            Some(id) => (id, false),
            None => {
                let id = ConversationId::new().as_uuid();
                let subject = rec.subject.clone().unwrap_or_else(|| rapport_domain::conversation::subject_from_text(&rec.text));
                sqlx::query(
                    "INSERT INTO conversations (id, contact_id, channel_id, status, priority, subject, preview, \
                     created_at, updated_at, message_count) VALUES ($1, $2, $3, 'open', 'normal', $4, $5, $6, $6, 0)",
                )
                .bind(id)
                .bind(contact_id)
                .bind(rec.channel_id.as_uuid())
                .bind(&subject)
                .bind(&preview)
                .bind(sent.min(received))
                .execute(&mut *conn)
                .await?;
                (id, true)
            }
        };

        let message_id = MessageId::new().as_uuid();
        let analysis = rec.analysis.as_ref().map(|a| a.to_string());
        sqlx::query(
            "INSERT INTO messages (id, conversation_id, channel_id, direction, author_kind, author_id, text, html, \
             metadata, external_id, sent_at, received_at, mood_score, mood_label, analysis) \
             VALUES ($1, $2, $3, 'inbound', 'contact', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(message_id)
        .bind(conversation_id)
        .bind(rec.channel_id.as_uuid())
        .bind(contact_id)
        .bind(&rec.text)
        .bind(rec.html.as_deref())
        .bind(rec.metadata.to_string())
        .bind(rec.external_id.as_deref())
        .bind(sent)
        .bind(received)
        .bind(mood_score)
        .bind(mood_label)
        .bind(analysis)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE conversations SET status = 'open', updated_at = $2, last_customer_message_at = $3, \
             mood = COALESCE($4, mood), mood_label = COALESCE($5, mood_label), preview = $6, \
             message_count = message_count + 1 WHERE id = $1",
        )
        .bind(conversation_id)
        .bind(received)
        .bind(sent.min(received))
        .bind(mood_score)
        .bind(mood_label)
        .bind(&preview)
        .execute(&mut *conn)
        .await?;

        Ok(IngestOutcome {
            conversation_id: ConversationId::from_uuid(conversation_id),
            message_id: MessageId::from_uuid(message_id),
            contact_id: ContactId::from_uuid(contact_id),
            created: true,
            new_conversation,
        })
    }};
}

async fn ingest_sqlite(conn: &mut sqlx::SqliteConnection, rec: &InboundRecord) -> Result<IngestOutcome> {
    ingest_in_tx!(conn, rec)
}

async fn ingest_postgres(conn: &mut sqlx::PgConnection, rec: &InboundRecord) -> Result<IngestOutcome> {
    ingest_in_tx!(conn, rec)
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
                    let outcome = ingest_postgres(&mut tx, &record).await?;
                    tx.commit().await?;
                    Ok(outcome)
                })
                .await
            }
        }
    }
}

/// The SQLite writer: drains the queue and commits what it holds as one transaction.
pub(crate) async fn sqlite_ingest_writer(pool: SqlitePool, mut queue: mpsc::Receiver<IngestJob>) {
    let mut jobs = Vec::with_capacity(backend::INGEST_BATCH);
    while queue.recv_many(&mut jobs, backend::INGEST_BATCH).await > 0 {
        let batch: Vec<IngestJob> = std::mem::take(&mut jobs);
        let records: Vec<&InboundRecord> = batch.iter().map(|j| &j.record).collect();
        match commit_batch(&pool, &records).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    // A caller that went away (client disconnected) still had its message stored.
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, messages = batch.len(), "ingest batch failed; nothing of it was stored");
                let reason = e.to_string();
                for job in batch {
                    let _ = job.reply.send(Err(StorageError::Conflict(format!("not stored: {reason}"))));
                }
            }
        }
    }
}

async fn commit_batch(pool: &SqlitePool, records: &[&InboundRecord]) -> Result<Vec<Result<IngestOutcome>>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(records.len());
    for record in records {
        let mut savepoint = Connection::begin(&mut *tx).await?;
        match ingest_sqlite(&mut savepoint, record).await {
            Ok(outcome) => {
                savepoint.commit().await?;
                outcomes.push(Ok(outcome));
            }
            Err(e) => {
                savepoint.rollback().await?;
                outcomes.push(Err(e));
            }
        }
    }
    tx.commit().await?;
    Ok(outcomes)
}
