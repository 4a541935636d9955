//! The SQLite ingest writer: one OS thread, one connection, group commit.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, Statement, ToSql};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{ConversationRow, Existing, IngestOps, MessageRow, ingest_with, sql};
use crate::backend::{INGEST_BATCH, IngestJob};
use crate::error::{Result, StorageError};
use crate::ports::{InboundRecord, IngestOutcome};

/// How often the checkpointer copies committed WAL pages into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
const WRITER_CHECKPOINT_PAGES: i64 = 4000;

/// Start the writer thread for the database file at `path`, and beside it a checkpointer so the
/// writer never pays for copying the WAL back into the database. Both end when every sender is dropped.
pub(crate) fn spawn_sqlite_writer(path: PathBuf) -> Result<mpsc::Sender<IngestJob>> {
    let connection = open(&path)?;
    // The writer still checkpoints, as a backstop, once the WAL passes this many pages; by then the
    // checkpointer has copied most of it, and the writer's checkpoint lets the WAL start over.
    connection.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)?;
    let checkpointer = open(&path)?;
    let running = Arc::new(AtomicBool::new(true));
    let (tx, rx) = mpsc::channel(INGEST_BATCH * 4);
    let writer_running = running.clone();
    spawn("rapport-sqlite-ingest", move || {
        writer_loop(connection, rx);
        writer_running.store(false, Ordering::Release);
    })?;
    spawn("rapport-sqlite-checkpoint", move || checkpoint_loop(checkpointer, &running))?;
    Ok(tx)
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map(|_| ())
        .map_err(|e| StorageError::Conflict(format!("cannot start thread {name}: {e}")))
}

/// PASSIVE checkpoints never block the writer or readers; what they cannot copy yet waits for the next.
fn checkpoint_loop(connection: Connection, running: &AtomicBool) {
    while running.load(Ordering::Acquire) {
        std::thread::sleep(CHECKPOINT_EVERY);
        let result = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
        });
        match result {
            Ok((busy, wal_pages, copied)) => tracing::debug!(busy, wal_pages, copied, "WAL checkpoint"),
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
        }
    }
}

fn open(path: &PathBuf) -> Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals stay in memory instead of becoming a temp file per batch.
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    connection.pragma_update(None, "cache_size", "-16000")?;
    connection.set_prepared_statement_cache_capacity(32);
    Ok(connection)
}

fn writer_loop(mut connection: Connection, mut queue: mpsc::Receiver<IngestJob>) {
    let mut jobs = Vec::with_capacity(INGEST_BATCH);
    while queue.blocking_recv_many(&mut jobs, INGEST_BATCH) > 0 {
        let batch: Vec<IngestJob> = std::mem::take(&mut jobs);
        let records: Vec<&InboundRecord> = batch.iter().map(|j| &j.record).collect();
        match commit_batch(&mut connection, &records) {
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

/// Commit the whole batch in one transaction. Failures are rare (the writer is alone, so no races),
/// so instead of a savepoint per message, which copies every touched page, a failing batch is rolled
/// back and its messages are retried one transaction each: only the bad one fails.
fn commit_batch(connection: &mut Connection, records: &[&InboundRecord]) -> Result<Vec<Result<IngestOutcome>>> {
    match commit_all(connection, records) {
        Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
        Err(e) if records.len() > 1 => {
            tracing::warn!(error = %e, messages = records.len(), "ingest batch failed; storing its messages one by one");
            Ok(records.iter().map(|record| commit_all(connection, &[*record]).and_then(single)).collect())
        }
        Err(e) => Ok(vec![Err(e)]),
    }
}

fn single(mut outcomes: Vec<IngestOutcome>) -> Result<IngestOutcome> {
    outcomes.pop().ok_or_else(|| StorageError::corrupt("empty ingest batch"))
}

fn commit_all(connection: &mut Connection, records: &[&InboundRecord]) -> Result<Vec<IngestOutcome>> {
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(records.len());
    for record in records {
        // The ops do no real async work: every statement completes synchronously on this thread.
        outcomes.push(futures::executor::block_on(ingest_with(&mut SqliteOps(&tx), record))?);
    }
    tx.commit()?;
    Ok(outcomes)
}

struct SqliteOps<'c>(&'c Connection);

/// The SQL uses PostgreSQL-style `$n` placeholders; SQLite treats them as named parameters.
const NAMES: [&str; 13] = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12", "$13"];

fn prepare<'c>(connection: &'c Connection, sql: &str, params: &[&dyn ToSql]) -> Result<rusqlite::CachedStatement<'c>> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, params)?;
    Ok(statement)
}

fn bind(statement: &mut Statement<'_>, params: &[&dyn ToSql]) -> Result<()> {
    for (name, value) in NAMES.iter().zip(params) {
        if let Some(index) = statement.parameter_index(name)? {
            statement.raw_bind_parameter(index, value)?;
        }
    }
    Ok(())
}

fn execute(connection: &Connection, sql: &str, params: &[&dyn ToSql]) -> Result<()> {
    prepare(connection, sql, params)?.raw_execute()?;
    Ok(())
}

fn uuid_at(row: &rusqlite::Row<'_>, index: usize) -> Result<Uuid> {
    let bytes: Vec<u8> = row.get(index)?;
    Uuid::from_slice(&bytes).map_err(StorageError::corrupt)
}

fn optional_uuid(connection: &Connection, sql: &str, params: &[&dyn ToSql]) -> Result<Option<Uuid>> {
    let mut statement = prepare(connection, sql, params)?;
    let mut rows = statement.raw_query();
    match rows.next()? {
        Some(row) => Ok(Some(uuid_at(row, 0)?)),
        None => Ok(None),
    }
}

impl IngestOps for SqliteOps<'_> {
    async fn message_by_external_id(&mut self, channel: Uuid, external_id: &str) -> Result<Option<Existing>> {
        let mut statement = prepare(self.0, sql::MESSAGE_BY_EXTERNAL_ID, &[&channel, &external_id])?;
        let mut rows = statement.raw_query();
        let Some(row) = rows.next()? else { return Ok(None) };
        let author: Option<Vec<u8>> = row.get(2)?;
        Ok(Some(Existing {
            message_id: uuid_at(row, 0)?,
            conversation_id: uuid_at(row, 1)?,
            author_id: author.map(|b| Uuid::from_slice(&b)).transpose().map_err(StorageError::corrupt)?,
        }))
    }

    async fn contact_by_identity(&mut self, kind: &'static str, value: &str) -> Result<Option<Uuid>> {
        optional_uuid(self.0, sql::CONTACT_BY_IDENTITY, &[&kind, &value])
    }

    async fn insert_contact(
        &mut self,
        id: Uuid,
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        at: i64,
    ) -> Result<()> {
        execute(self.0, sql::INSERT_CONTACT, &[&id, &name, &email, &phone, &at])
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
        execute(self.0, statement, &[&kind, &value, &contact, &at])
    }

    async fn active_conversation(&mut self, contact: Uuid, channel: Uuid) -> Result<Option<(Uuid, bool)>> {
        let mut statement = prepare(self.0, sql::ACTIVE_CONVERSATION, &[&contact, &channel])?;
        let mut rows = statement.raw_query();
        let Some(row) = rows.next()? else { return Ok(None) };
        Ok(Some((uuid_at(row, 0)?, row.get::<_, bool>(1)?)))
    }

    async fn reopen_conversation(&mut self, id: Uuid) -> Result<()> {
        execute(self.0, sql::REOPEN_CONVERSATION, &[&id])
    }

    async fn insert_conversation(&mut self, c: &ConversationRow<'_>) -> Result<()> {
        execute(
            self.0,
            sql::INSERT_CONVERSATION,
            &[
                &c.id,
                &c.contact_id,
                &c.channel_id,
                &c.subject,
                &c.preview,
                &c.customer_at,
                &c.updated_at,
                &c.mood_score,
                &c.mood_label,
            ],
        )
    }

    async fn insert_message(&mut self, m: &MessageRow<'_>) -> Result<()> {
        execute(
            self.0,
            sql::INSERT_MESSAGE,
            &[
                &m.id,
                &m.conversation_id,
                &m.channel_id,
                &m.contact_id,
                &m.text,
                &m.html,
                &m.metadata,
                &m.external_id,
                &m.sent_at,
                &m.received_at,
                &m.mood_score,
                &m.mood_label,
                &m.analysis,
            ],
        )
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
        execute(self.0, sql::TOUCH_CONVERSATION, &[&id, &updated_at, &customer_at, &mood_score, &mood_label, &preview])
    }
}
