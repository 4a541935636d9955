//! Times are stored as BIGINT milliseconds since the Unix epoch: one portable representation on both
//! backends, cheap to index and compare.

use jiff::Timestamp;

use crate::error::{Result, StorageError};

pub(crate) fn to_db(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub(crate) fn from_db(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|e| StorageError::corrupt(format!("timestamp {ms}: {e}")))
}

pub(crate) fn opt_from_db(ms: Option<i64>) -> Result<Option<Timestamp>> {
    ms.map(from_db).transpose()
}
