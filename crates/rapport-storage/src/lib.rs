//! Rapport's storage: narrow ports (one trait per aggregate) implemented once over an
//! `enum`-dispatched pair of backends, SQLite (embedded, one instance) and PostgreSQL (many instances).
//!
//! Both backends run the same SQL text where the dialects agree; the [`dispatch`] macros expand one
//! body per backend so the two implementations cannot drift, and one contract test suite
//! (`tests/contract.rs`) runs against both.

#[macro_use]
mod macros;
mod backend;
mod error;
mod ports;
mod rows;
mod time;

mod agents;
mod channels;
mod contacts;
mod conversations;
mod ingest;
mod messages;
mod org;
#[cfg(feature = "testing")]
pub mod testing;

pub use backend::{Db, DbKind};
pub use error::StorageError;
pub use ports::*;
