//! Who is calling, and what they may do. Every use case asks here before it touches an object.

use rapport_domain::{Agent, AgentId, ApiToken, Role};

use crate::AppError;

/// The authenticated caller: a person logged in to the UI, or an integration's API token.
#[derive(Debug, Clone)]
pub enum Actor {
    Agent(Agent),
    Token(ApiToken),
}

/// Things a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Post customer messages on a channel (integrations).
    Ingest,
    /// See conversations, messages and contacts.
    ReadConversations,
    /// Reply, add notes, change status.
    WorkConversations,
    /// Assign a conversation to someone else than oneself.
    AssignOthers,
    /// See the list of agents and teams.
    ReadTeam,
    /// Create agents, tokens and channels.
    Administer,
}

impl Permission {
    fn required_role(self) -> Role {
        match self {
            Permission::Ingest
            | Permission::ReadConversations
            | Permission::WorkConversations
            | Permission::ReadTeam => Role::Agent,
            Permission::AssignOthers => Role::Lead,
            Permission::Administer => Role::Admin,
        }
    }
}

impl Actor {
    pub fn role(&self) -> Role {
        match self {
            Actor::Agent(a) => a.role,
            Actor::Token(t) => t.role,
        }
    }

    pub fn agent_id(&self) -> Option<AgentId> {
        match self {
            Actor::Agent(a) => Some(a.id),
            Actor::Token(_) => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Actor::Agent(a) => &a.name,
            Actor::Token(t) => &t.name,
        }
    }

    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role().allows(permission.required_role()) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "role {} may not do this (needs {})",
                self.role().as_str(),
                permission.required_role().as_str()
            )))
        }
    }

    /// Agents may take or drop a conversation themselves; giving it to someone else needs a lead.
    pub fn require_assign(&self, to: Option<AgentId>) -> Result<(), AppError> {
        self.require(Permission::WorkConversations)?;
        match (to, self.agent_id()) {
            (Some(target), Some(me)) if target == me => Ok(()),
            (None, Some(_)) => Ok(()),
            _ => self.require(Permission::AssignOthers),
        }
    }
}
