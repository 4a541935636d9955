//! Fresh databases for tests: a migrated SQLite file in a temporary directory, or a new PostgreSQL
//! database on the server named by `RAPPORT_TEST_PG_URL` (default: the local server, database `test`).

use crate::{Db, StorageError};

/// Keeps a test database alive; SQLite's directory is removed when dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub const DEFAULT_PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub async fn fresh_sqlite() -> Result<TestDb, StorageError> {
    let dir = tempfile::tempdir().map_err(|e| StorageError::Conflict(format!("tempdir: {e}")))?;
    let url = format!("sqlite://{}", dir.path().join("rapport.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(TestDb { db, url, _dir: Some(dir) })
}

/// Databases made here are named `rapport_t_<uuid>`; the test command drops leftovers before a run.
pub async fn fresh_postgres() -> Result<TestDb, StorageError> {
    let admin_url = std::env::var("RAPPORT_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_ADMIN_URL.to_owned());
    let name = format!("rapport_t_{}", uuid::Uuid::now_v7().simple());
    let admin = Db::connect_with(&admin_url, 1).await?;
    crate::backend::create_database(&admin, &name).await?;
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').ok_or_else(|| StorageError::UnsupportedUrl(admin_url.clone()))?;
    let url = format!("{base}/{name}");
    let db = Db::connect_with(&url, 8).await?;
    db.migrate().await?;
    Ok(TestDb { db, url, _dir: None })
}
