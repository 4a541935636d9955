//! Contacts: one person, however many channels they write from.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{ContactId, ParseError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: Timestamp,
    pub identities: Vec<Identity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Email,
    Phone,
    /// A social or messaging handle (`@ann` on a social network, a Telegram user id…).
    Handle,
    /// The anonymous id a chat widget gives a visitor.
    ChatVisitor,
}

impl IdentityKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "phone",
            IdentityKind::Handle => "handle",
            IdentityKind::ChatVisitor => "chat_visitor",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s {
            "email" => Ok(IdentityKind::Email),
            "phone" => Ok(IdentityKind::Phone),
            "handle" => Ok(IdentityKind::Handle),
            "chat_visitor" => Ok(IdentityKind::ChatVisitor),
            other => Err(ParseError::invalid("identity kind", format!("unknown identity kind {other:?}"))),
        }
    }
}

/// A normalised key by which a contact is recognised again on any channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

impl Identity {
    pub fn email(raw: &str) -> Result<Self, ParseError> {
        Ok(Identity { kind: IdentityKind::Email, value: crate::agent::parse_email(raw)? })
    }

    /// Phone numbers keep their digits and a leading `+`, so `+49 30 1234` and `+49301234` match.
    pub fn phone(raw: &str) -> Result<Self, ParseError> {
        let trimmed = raw.trim();
        let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
        if !(5..=20).contains(&digits.len()) || trimmed.chars().any(|c| !(c.is_ascii_digit() || " +-().".contains(c))) {
            return Err(ParseError::invalid("phone", format!("not a phone number: {raw:.40}")));
        }
        let value = if trimmed.starts_with('+') { format!("+{digits}") } else { digits };
        Ok(Identity { kind: IdentityKind::Phone, value })
    }

    /// Handles compare case-insensitively and without a leading `@`.
    pub fn handle(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().trim_start_matches('@').to_lowercase();
        if value.is_empty() || value.len() > 128 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ParseError::invalid("handle", format!("invalid handle: {raw:.40}")));
        }
        Ok(Identity { kind: IdentityKind::Handle, value })
    }

    pub fn chat_visitor(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_owned();
        if value.is_empty() || value.len() > 128 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ParseError::invalid("visitor", format!("invalid visitor id: {raw:.40}")));
        }
        Ok(Identity { kind: IdentityKind::ChatVisitor, value })
    }
}

/// Check a display name: non-empty after trimming, bounded, no control characters.
pub fn parse_person_name(raw: &str) -> Result<String, ParseError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(ParseError::invalid("name", "must not be empty"));
    }
    if name.chars().count() > 200 || name.chars().any(|c| c.is_control()) {
        return Err(ParseError::invalid("name", "too long or contains control characters"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_identities_match_across_formatting() {
        assert_eq!(Identity::phone("+49 30 1234-56").map(|i| i.value), Ok("+4930123456".to_owned()));
        assert_eq!(Identity::phone("+4930123456").map(|i| i.value), Ok("+4930123456".to_owned()));
        assert!(Identity::phone("call me").is_err());
    }

    #[test]
    fn handles_ignore_at_sign_and_case() {
        assert_eq!(Identity::handle("@Ann_B").map(|i| i.value), Ok("ann_b".to_owned()));
        assert!(Identity::handle("@").is_err());
    }
}
