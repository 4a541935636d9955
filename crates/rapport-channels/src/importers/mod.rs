//! Readers of help-desk exports (PRODUCT.md C9, `rapport assess`): each turns a file into a stream of
//! [`ImportedMessage`]s, one per customer or agent message, in file order. A row that cannot be read
//! becomes a [`RowError`] with file and line — counted and reported by the caller, never fatal unless
//! it asks to be strict.

use jiff::Timestamp;
use thiserror::Error;

pub mod twcs;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Customer,
    Agent,
    Bot,
}

/// One message of an exported history.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedMessage {
    /// The conversation (ticket, thread) it belongs to, as the export names it.
    pub conversation: String,
    /// The message's own id in the export, when it has one.
    pub id: Option<String>,
    pub at: Timestamp,
    pub side: Side,
    /// The author's id or name in the export.
    pub author: String,
    /// The agent-side account the conversation is with (a brand's handle, a mailbox, a help-desk
    /// instance): what `first_response.by_account` groups by.
    pub account: Option<String>,
    pub channel: Option<String>,
    pub text: String,
    pub rating: Option<f64>,
    pub agent: Option<String>,
    pub team: Option<String>,
    pub site: Option<String>,
    pub status: Option<String>,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}:{line}: {message}")]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// What reading a whole file can fail with (a bad row is a [`RowError`] item instead).
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
}
