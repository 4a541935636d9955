//! Rapport's use cases: the one place that orchestrates storage, channels and the analysis engine.
//! The web layer and the CLI call these; they never reach into storage for a business decision.

pub mod access;
pub mod assess;
pub mod assess_html;
pub mod auth;
pub mod business_hours;
pub mod cache;
pub mod demo;
pub mod error;
pub mod inbox;
pub mod ingest;
pub mod mood;
pub mod stats;

use std::sync::Arc;
use std::time::Duration;

use rapport_analysis::Engine;
use rapport_domain::channel::DEFAULT_API_CHANNEL;
use rapport_domain::{ApiToken, Channel, ChannelKind};
use rapport_storage::{ChannelStore, Db};

pub use access::{Actor, Permission};
pub use error::{AppError, ErrorCode};

/// Everything a request needs, shared behind an `Arc`; never a global, so tests can build many.
pub struct App {
    pub db: Db,
    pub engine: Arc<Engine>,
    /// Token hash → token, so an integration's every request does not cost a database read.
    pub(crate) tokens: cache::TtlCache<String, ApiToken>,
    /// Channel name → channel, for the same reason on ingest.
    pub(crate) channels: cache::TtlCache<String, Channel>,
    /// Failed logins per email, to slow down password guessing.
    pub(crate) login_failures: cache::TtlCache<String, u32>,
}

/// How long a cached token or channel is trusted; a token revoked on another node stops working
/// within this time.
const LOOKUP_TTL: Duration = Duration::from_secs(30);

impl App {
    /// Open the app over a migrated database and make sure the built-in channels exist.
    pub async fn new(db: Db) -> Result<Arc<App>, AppError> {
        App::with_engine(db, Engine::new()).await
    }

    /// [`App::new`] with another analysis engine (a business's own complaint reasons).
    pub async fn with_engine(db: Db, engine: Engine) -> Result<Arc<App>, AppError> {
        db.ensure_channel(ChannelKind::Api, DEFAULT_API_CHANNEL).await?;
        Ok(Arc::new(App {
            db,
            engine: Arc::new(engine),
            tokens: cache::TtlCache::new(LOOKUP_TTL, 10_000),
            channels: cache::TtlCache::new(LOOKUP_TTL, 1_000),
            login_failures: cache::TtlCache::new(auth::LOCKOUT, 100_000),
        }))
    }
}
