//! rapport-jobs
