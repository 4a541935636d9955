//! Connecting, migrating and dispatching to the two backends.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Result, StorageError};
use crate::ports::{InboundRecord, IngestOutcome};

/// A handle on the database; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    pub(crate) backend: Arc<Backend>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

pub(crate) enum Backend {
    Sqlite(SqliteBackend),
    Postgres(PgPool),
}

/// SQLite allows one writer at a time: one writer connection serialises writes without lock
/// contention, readers run in parallel in WAL mode. Customer messages go through a group-commit
/// queue so many arrive durably (fsync'd) under one commit.
pub(crate) struct SqliteBackend {
    pub(crate) writer: SqlitePool,
    pub(crate) readers: SqlitePool,
    pub(crate) ingest_queue: mpsc::Sender<IngestJob>,
}

pub(crate) struct IngestJob {
    pub(crate) record: InboundRecord,
    pub(crate) reply: oneshot::Sender<Result<IngestOutcome>>,
}

/// Largest number of customer messages committed together.
pub(crate) const INGEST_BATCH: usize = 256;

impl Db {
    /// Open the database the URL names: `sqlite://PATH` (created when missing) or `postgres://…`.
    /// Any other scheme is an error, so a typo never silently creates an empty database elsewhere.
    pub async fn connect(url: &str) -> Result<Db> {
        Self::connect_with(url, 16).await
    }

    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Db> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite(open_sqlite(url, max_connections).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(StorageError::UnsupportedUrl(url.chars().take(60).collect()));
        };
        Ok(Db { backend: Arc::new(backend) })
    }

    pub fn kind(&self) -> DbKind {
        match &*self.backend {
            Backend::Sqlite(_) => DbKind::Sqlite,
            Backend::Postgres(_) => DbKind::Postgres,
        }
    }

    /// Bring the schema up to date. Runs without advisory locks (distributed engines lack them):
    /// run `rapport migrate` once before starting several nodes.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<()> {
        match &*self.backend {
            Backend::Sqlite(s) => {
                let mut migrator = sqlx::migrate!("./migrations/sqlite");
                migrator.set_locking(false);
                migrator.run(&s.writer).await?;
            }
            Backend::Postgres(pool) => {
                let mut migrator = sqlx::migrate!("./migrations/postgres");
                migrator.set_locking(false);
                migrator.run(pool).await?;
            }
        }
        Ok(())
    }

    /// True once the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let result = dispatch!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()));
        result.is_ok()
    }

    pub async fn close(&self) {
        match &*self.backend {
            Backend::Sqlite(s) => {
                s.readers.close().await;
                s.writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

async fn open_sqlite(url: &str, max_readers: u32) -> Result<SqliteBackend> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-16000");
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options.clone())
        .await?;
    let readers = SqlitePoolOptions::new()
        .max_connections(max_readers.clamp(1, 8))
        .connect_with(options.clone().read_only(true))
        .await?;
    let ingest_queue = crate::ingest::spawn_sqlite_writer(options.get_filename().to_path_buf())?;
    Ok(SqliteBackend { writer, readers, ingest_queue })
}

/// Run a write transaction, retrying transient failures a bounded number of times with jitter.
pub(crate) async fn retry<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    const ATTEMPTS: u32 = 5;
    let mut n = 0;
    loop {
        n += 1;
        match attempt().await {
            Err(e) if n < ATTEMPTS && e.is_retryable() => {
                let base = 5u64 << n;
                let jitter = u64::from(uuid::Uuid::now_v7().as_bytes()[15]) % base.max(1);
                tracing::debug!(attempt = n, error = %e, "retrying write transaction");
                tokio::time::sleep(Duration::from_millis(base + jitter)).await;
            }
            other => return other,
        }
    }
}

/// Create a PostgreSQL database (tests and benchmarks make one per run). `name` must be a plain identifier.
#[cfg(feature = "testing")]
pub(crate) async fn create_database(admin: &Db, name: &str) -> Result<()> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StorageError::Conflict(format!("bad database name {name}")));
    }
    let Backend::Postgres(pool) = &*admin.backend else {
        return Err(StorageError::Conflict("create_database needs a PostgreSQL URL".into()));
    };
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(pool).await?;
    Ok(())
}
