use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("database URL {0:?} is not supported: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Transition(#[from] rapport_domain::TransitionError),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the SQLite writer has stopped")]
    WriterGone,
}

impl StorageError {
    /// Errors a retry may cure: serialization failures and deadlocks (PostgreSQL and distributed engines
    /// report these under load), SQLite's busy/locked, and unique violations raced by a concurrent insert
    /// of the same natural key (the retry then finds the row).
    pub(crate) fn is_retryable(&self) -> bool {
        let StorageError::Database(sqlx::Error::Database(db)) = self else { return false };
        matches!(db.code().as_deref(), Some("40001" | "40P01" | "23505" | "5" | "6" | "517" | "2067" | "1555"))
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StorageError::Corrupt(what.to_string())
    }
}

impl From<rapport_domain::ParseError> for StorageError {
    fn from(e: rapport_domain::ParseError) -> Self {
        StorageError::corrupt(e)
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
