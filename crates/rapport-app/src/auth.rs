//! Passwords, API tokens and sessions. Secrets are never stored or logged: only their hashes are.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use rapport_domain::agent::parse_email;
use rapport_domain::contact::parse_person_name;
use rapport_domain::{Agent, ApiToken, Role, TeamId};
use rapport_storage::{AgentStore, NewAgent, SessionStore, TokenStore};
use sha2::{Digest, Sha256};

use crate::{Actor, App, AppError, Permission};

/// How long a UI login lasts.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);
pub const MIN_PASSWORD_LEN: usize = 10;
/// After this many wrong passwords for one email, logins for it are refused for `LOCKOUT`.
pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOCKOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);
const TOKEN_PREFIX: &str = "rpt_";

/// A new session's secrets, handed to the browser once.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub agent: Agent,
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are high-entropy random strings, so a fast hash is enough to keep the stored form useless.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::Validation(format!("password must have at least {MIN_PASSWORD_LEN} characters")));
    }
    if password.len() > 1024 {
        return Err(AppError::Validation("password is too long".into()));
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash to verify against when the email is unknown, so a login takes as long either way.
fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5u0c8jWTvwBd1PlcmDIlHuAA0F4uXXAE1y0Fg4OK0bs"
}

impl App {
    /// True until the first agent exists; the UI then shows only the setup page.
    pub async fn needs_setup(&self) -> Result<bool, AppError> {
        Ok(self.db.count_agents().await? == 0)
    }

    pub async fn create_agent(
        &self,
        name: &str,
        email: &str,
        role: Role,
        team_id: Option<TeamId>,
        password: &str,
    ) -> Result<Agent, AppError> {
        let agent = NewAgent {
            name: parse_person_name(name)?,
            email: parse_email(email)?,
            role,
            team_id,
            password_hash: hash_password(password)?,
        };
        Ok(self.db.create_agent(&agent, Timestamp::now()).await?)
    }

    /// Create the first administrator. Refused once any agent exists, so the setup page cannot be replayed.
    pub async fn setup_first_admin(&self, name: &str, email: &str, password: &str) -> Result<Agent, AppError> {
        if !self.needs_setup().await? {
            return Err(AppError::Conflict("setup is already done".into()));
        }
        self.create_agent(name, email, Role::Admin, None, password).await
    }

    /// Create an API token; the secret is returned once and only its hash is kept.
    pub async fn create_token(&self, name: &str, role: Role) -> Result<(ApiToken, String), AppError> {
        let name = parse_person_name(name)?;
        let secret = format!("{TOKEN_PREFIX}{}", random_secret());
        let token = self.db.create_token(&name, role, &hash_secret(&secret), Timestamp::now()).await?;
        Ok((token, secret))
    }

    pub async fn create_token_as(&self, actor: &Actor, name: &str, role: Role) -> Result<(ApiToken, String), AppError> {
        actor.require(Permission::Administer)?;
        self.create_token(name, role).await
    }

    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthorized);
        }
        let hash = hash_secret(secret);
        if let Some(token) = self.tokens.get(&hash) {
            return Ok(Actor::Token(token));
        }
        let token = self.db.token_by_hash(&hash).await?.ok_or(AppError::Unauthorized)?;
        self.tokens.insert(hash, token.clone());
        Ok(Actor::Token(token))
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<NewSession, AppError> {
        let email = email.trim().to_lowercase();
        let failures = self.login_failures.get(&email).unwrap_or(0);
        if failures >= MAX_FAILED_LOGINS {
            tracing::warn!("login refused: too many failed attempts");
            return Err(AppError::RateLimited(LOCKOUT.as_secs() / 60));
        }
        let found = self.db.agent_credentials(&email).await?;
        let (agent, hash) = match found {
            Some((agent, hash)) if agent.active => (Some(agent), hash),
            _ => (None, decoy_hash().to_owned()),
        };
        let valid = verify_password(password, &hash);
        let Some(agent) = agent.filter(|_| valid) else {
            // The window restarts with each failure: a guesser stays locked out while they keep trying.
            self.login_failures.insert(email, failures + 1);
            return Err(AppError::Unauthorized);
        };
        self.login_failures.remove(&email);
        let token = random_secret();
        let csrf_token = random_secret();
        let now = Timestamp::now();
        self.db.create_session(&hash_secret(&token), agent.id, &csrf_token, now, now + SESSION_LIFETIME).await?;
        tracing::info!(agent = %agent.id, "login");
        Ok(NewSession { token, csrf_token, agent })
    }

    /// The logged-in agent and the session's CSRF token.
    pub async fn session(&self, token: &str) -> Result<(Actor, String), AppError> {
        if token.is_empty() || token.len() > 200 {
            return Err(AppError::Unauthorized);
        }
        let session = self.db.session(&hash_secret(token), Timestamp::now()).await?.ok_or(AppError::Unauthorized)?;
        Ok((Actor::Agent(session.agent), session.csrf_token))
    }

    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        Ok(self.db.delete_session(&hash_secret(token)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", decoy_hash()));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(hash_password("short"), Err(AppError::Validation(_))));
    }
}
