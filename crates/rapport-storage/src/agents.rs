use jiff::Timestamp;
use rapport_domain::{Agent, AgentId, ApiToken, Role, TokenId};

use crate::Db;
use crate::error::{Result, StorageError};
use crate::ports::{AgentStore, NewAgent, Session, SessionStore, TokenStore};
use crate::rows::{AgentRow, TokenRow};
use crate::time::{from_db, to_db};

#[derive(sqlx::FromRow)]
struct CredentialRow {
    #[sqlx(flatten)]
    agent: AgentRow,
    password_hash: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    agent: AgentRow,
    csrf_token: String,
    expires_at: i64,
}

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl AgentStore for Db {
    #[tracing::instrument(skip_all)]
    async fn create_agent(&self, a: &NewAgent, at: Timestamp) -> Result<Agent> {
        let id = AgentId::new();
        let inserted = write_tx!(self, |tx| {
            let result = sqlx::query(
                "INSERT INTO agents (id, name, email, role, team_id, password_hash, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)",
            )
            .bind(id.as_uuid())
            .bind(&a.name)
            .bind(&a.email)
            .bind(a.role.as_str())
            .bind(a.team_id.map(|t| t.as_uuid()))
            .bind(&a.password_hash)
            .bind(to_db(at))
            .execute(&mut *tx)
            .await;
            match result {
                Ok(_) => Ok(true),
                Err(e) if unique_violation(&e) => Ok(false),
                Err(e) => Err(StorageError::from(e)),
            }
        })?;
        if !inserted {
            return Err(StorageError::Conflict(format!("an agent with email {} exists", a.email)));
        }
        self.agent(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn agent(&self, id: AgentId) -> Result<Agent> {
        let row: Option<AgentRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", agent_columns!(), " FROM agents WHERE id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StorageError::NotFound("agent")).and_then(Agent::try_from)
    }

    #[tracing::instrument(skip_all)]
    async fn agent_credentials(&self, email: &str) -> Result<Option<(Agent, String)>> {
        let row: Option<CredentialRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", agent_columns!(), ", password_hash FROM agents WHERE email = $1"))
                .bind(email)
                .fetch_optional(pool)
                .await?
        });
        row.map(|r| Ok((Agent::try_from(r.agent)?, r.password_hash))).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn list_agents(&self) -> Result<Vec<Agent>> {
        let rows: Vec<AgentRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", agent_columns!(), " FROM agents ORDER BY name, id"))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(Agent::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn count_agents(&self) -> Result<i64> {
        Ok(dispatch!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM agents").fetch_one(pool).await?))
    }
}

impl TokenStore for Db {
    #[tracing::instrument(skip_all)]
    async fn create_token(&self, name: &str, role: Role, token_hash: &str, at: Timestamp) -> Result<ApiToken> {
        let id = TokenId::new();
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO api_tokens (id, name, role, token_hash, created_at, revoked) \
                 VALUES ($1, $2, $3, $4, $5, FALSE)",
            )
            .bind(id.as_uuid())
            .bind(name)
            .bind(role.as_str())
            .bind(token_hash)
            .bind(to_db(at))
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(StorageError::from)
        })?;
        Ok(ApiToken { id, name: name.to_owned(), role, created_at: from_db(to_db(at))? })
    }

    #[tracing::instrument(skip_all)]
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let row: Option<TokenRow> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, role, created_at FROM api_tokens WHERE token_hash = $1 AND revoked = FALSE",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        row.map(ApiToken::try_from).transpose()
    }
}

impl SessionStore for Db {
    #[tracing::instrument(skip_all)]
    async fn create_session(
        &self,
        token_hash: &str,
        agent: AgentId,
        csrf_token: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let now = to_db(at);
        write_tx!(self, |tx| {
            // Sweep expired sessions as new ones are made, so the table cannot grow without bound.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, agent_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(agent.as_uuid())
            .bind(csrf_token)
            .bind(now)
            .bind(to_db(expires_at))
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(StorageError::from)
        })
    }

    #[tracing::instrument(skip_all)]
    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let row: Option<SessionRow> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.name, a.email, a.role, a.team_id, a.active, a.created_at, s.csrf_token, s.expires_at \
                 FROM sessions s JOIN agents a ON a.id = s.agent_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active = TRUE",
            )
            .bind(token_hash)
            .bind(to_db(now))
            .fetch_optional(pool)
            .await?
        });
        row.map(|r| {
            Ok(Session {
                agent: Agent::try_from(r.agent)?,
                csrf_token: r.csrf_token,
                expires_at: from_db(r.expires_at)?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await
                .map(|_| ())
                .map_err(StorageError::from)
        })
    }
}
