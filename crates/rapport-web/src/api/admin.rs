use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rapport_app::{AppError, Permission};
use rapport_domain::{Role, TeamId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ApiJson;
use super::dto::AgentDto;
use crate::SharedState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};

/// The desk's agents.
#[utoipa::path(
    get, path = "/agents", tag = "admin",
    responses((status = 200, body = Vec<AgentDto>), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_agents(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
) -> ApiResult<Json<Vec<AgentDto>>> {
    Ok(Json(state.app.agents(&actor).await?.into_iter().map(AgentDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgentBody {
    pub name: String,
    pub email: String,
    /// `agent`, `lead` or `admin`.
    pub role: String,
    pub team_id: Option<Uuid>,
    /// At least 10 characters.
    pub password: String,
}

/// Create an agent (admins only).
#[utoipa::path(
    post, path = "/agents", tag = "admin", request_body = NewAgentBody,
    responses((status = 201, body = AgentDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn create_agent(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    ApiJson(body): ApiJson<NewAgentBody>,
) -> ApiResult<(StatusCode, Json<AgentDto>)> {
    actor.require(Permission::Administer)?;
    let role = Role::parse(&body.role).map_err(AppError::from)?;
    let agent = state
        .app
        .create_agent(&body.name, &body.email, role, body.team_id.map(TeamId::from_uuid), &body.password)
        .await?;
    Ok((StatusCode::CREATED, Json(agent.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    pub name: String,
    /// `agent`, `lead` or `admin`.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenResponse {
    pub id: Uuid,
    pub name: String,
    pub role: &'static str,
    /// Shown once; only its hash is stored.
    pub token: String,
}

/// Create an API token for an integration (admins only).
#[utoipa::path(
    post, path = "/tokens", tag = "admin", request_body = NewTokenBody,
    responses((status = 201, body = NewTokenResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn create_token(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<NewTokenResponse>)> {
    let role = Role::parse(&body.role).map_err(AppError::from)?;
    let (token, secret) = state.app.create_token_as(&actor, &body.name, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenResponse { id: token.id.as_uuid(), name: token.name, role: token.role.as_str(), token: secret }),
    ))
}
