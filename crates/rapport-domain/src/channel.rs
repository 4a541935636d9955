//! Channels: the ways a customer reaches the desk.

use serde::{Deserialize, Serialize};

use crate::{ChannelId, ParseError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// The generic JSON API channel integrations post to.
    Api,
    Email,
    Chat,
    Whatsapp,
    Sms,
    Telegram,
    Messenger,
    Twitter,
    Review,
    Phone,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 10] = [
        ChannelKind::Api,
        ChannelKind::Email,
        ChannelKind::Chat,
        ChannelKind::Whatsapp,
        ChannelKind::Sms,
        ChannelKind::Telegram,
        ChannelKind::Messenger,
        ChannelKind::Twitter,
        ChannelKind::Review,
        ChannelKind::Phone,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ChannelKind::Api => "api",
            ChannelKind::Email => "email",
            ChannelKind::Chat => "chat",
            ChannelKind::Whatsapp => "whatsapp",
            ChannelKind::Sms => "sms",
            ChannelKind::Telegram => "telegram",
            ChannelKind::Messenger => "messenger",
            ChannelKind::Twitter => "twitter",
            ChannelKind::Review => "review",
            ChannelKind::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        ChannelKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseError::invalid("channel kind", format!("unknown channel kind {s:?}")))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    pub kind: ChannelKind,
    /// Unique, human-chosen name that integrations address the channel by (`api`, `support-mail`).
    pub name: String,
    pub settings: serde_json::Value,
}

/// The channel every installation has, so integrations can post without setup.
pub const DEFAULT_API_CHANNEL: &str = "api";

/// Check a channel name: short, lowercase letters, digits, `-` and `_`.
pub fn parse_channel_name(raw: &str) -> Result<String, ParseError> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(name.to_owned())
    } else {
        Err(ParseError::invalid("channel", format!("invalid channel name {raw:.80}")))
    }
}
