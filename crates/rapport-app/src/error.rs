use rapport_storage::StorageError;
use serde::Serialize;

/// Stable, machine-readable error codes: integrations match on these, so never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    Validation,
    UnknownChannel,
    InvalidTransition,
    Conflict,
    SetupRequired,
    RateLimited,
    Internal,
}

impl ErrorCode {
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Validation => "validation",
            ErrorCode::UnknownChannel => "unknown_channel",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::Conflict => "conflict",
            ErrorCode::SetupRequired => "setup_required",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Validation(String),
    #[error("unknown channel {0:?}")]
    UnknownChannel(String),
    #[error(transparent)]
    InvalidTransition(#[from] rapport_domain::TransitionError),
    #[error("{0}")]
    Conflict(String),
    #[error("the first administrator has not been created yet")]
    SetupRequired,
    #[error("too many failed attempts; try again in {0} minutes")]
    RateLimited(u64),
    #[error("storage: {0}")]
    Storage(StorageError),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthorized => ErrorCode::Unauthorized,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::UnknownChannel(_) => ErrorCode::UnknownChannel,
            AppError::InvalidTransition(_) => ErrorCode::InvalidTransition,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::SetupRequired => ErrorCode::SetupRequired,
            AppError::RateLimited(_) => ErrorCode::RateLimited,
            AppError::Storage(_) | AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The text shown to the caller: internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Storage(_) | AppError::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        }
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(what) => AppError::NotFound(what),
            StorageError::Transition(t) => AppError::InvalidTransition(t),
            StorageError::Conflict(msg) => AppError::Conflict(msg),
            other => AppError::Storage(other),
        }
    }
}

impl From<rapport_domain::ParseError> for AppError {
    fn from(e: rapport_domain::ParseError) -> Self {
        AppError::Validation(e.to_string())
    }
}
