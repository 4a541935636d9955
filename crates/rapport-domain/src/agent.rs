//! People who work in the desk, and the machine credentials integrations use.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AgentId, ParseError, TeamId, TokenId};

/// What a person or token may do. Ordered: every role may do what the roles below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Lead,
    Admin,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "agent" => Ok(Role::Agent),
            "lead" => Ok(Role::Lead),
            "admin" => Ok(Role::Admin),
            other => Err(ParseError::invalid("role", format!("unknown role {other:?} (agent, lead, admin)"))),
        }
    }

    /// True when this role includes everything `required` may do.
    pub fn allows(&self, required: Role) -> bool {
        *self >= required
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub team_id: Option<TeamId>,
    pub active: bool,
    pub created_at: Timestamp,
}

/// An API token as stored: only a hash of the secret is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// Normalise and check an email address enough to use it as an identity key.
pub fn parse_email(raw: &str) -> Result<String, ParseError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid { Ok(email) } else { Err(ParseError::invalid("email", format!("not an email address: {raw:.80}"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_so_admin_allows_lead_work() {
        assert!(Role::Admin.allows(Role::Lead));
        assert!(Role::Lead.allows(Role::Agent));
        assert!(!Role::Agent.allows(Role::Lead));
    }

    #[test]
    fn email_is_lowercased_and_checked() {
        assert_eq!(parse_email(" Ann@Example.COM ").as_deref(), Ok("ann@example.com"));
        assert!(parse_email("ann@localhost").is_err());
        assert!(parse_email("no at sign").is_err());
        assert!(parse_email("@example.com").is_err());
    }
}
