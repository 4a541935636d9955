//! rapport-channels
