use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rapport_domain::{AgentId, ConversationId, MoodLabel, Status, TeamId};
use rapport_storage::{AssigneeFilter, ChannelStore, ConversationFilter, Cursor};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::dto::{ConversationDto, ConversationPage, ConversationWithMessages, MessageDto, TextBody};
use super::{ApiJson, ApiQuery};
use crate::SharedState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiResult, Problem};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `open`, `pending`, `resolved` or `closed`.
    pub status: Option<String>,
    /// Channel name.
    pub channel: Option<String>,
    /// An agent id, `me`, or `none` for unassigned.
    pub assignee: Option<String>,
    pub team: Option<Uuid>,
    pub site: Option<Uuid>,
    /// The customer's latest mood: `negative`, `neutral` or `positive`.
    pub mood: Option<String>,
    pub contact: Option<Uuid>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", message)
}

/// Turn query parameters into a storage filter; shared by the API and the UI inbox.
pub async fn parse_filter(state: &SharedState, me: Option<AgentId>, q: &ListQuery) -> ApiResult<ConversationFilter> {
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut filter = ConversationFilter::default();
    if let Some(s) = nonempty(&q.status) {
        filter.status = Some(Status::parse(&s).map_err(|e| invalid(e.to_string()))?);
    }
    if let Some(name) = nonempty(&q.channel) {
        let channel = state.app.db.channel_by_name(&name).await.map_err(rapport_app::AppError::from)?;
        filter.channel_id =
            Some(channel.ok_or_else(|| ApiError::from(rapport_app::AppError::UnknownChannel(name)))?.id);
    }
    if let Some(a) = nonempty(&q.assignee) {
        filter.assignee = Some(match a.as_str() {
            "none" => AssigneeFilter::Unassigned,
            "me" => AssigneeFilter::Agent(me.ok_or_else(|| invalid("assignee=me needs a logged-in agent"))?),
            id => AssigneeFilter::Agent(id.parse().map_err(|_| invalid("assignee must be an agent id, me or none"))?),
        });
    }
    filter.team_id = q.team.map(TeamId::from_uuid);
    filter.site_id = q.site.map(rapport_domain::SiteId::from_uuid);
    if let Some(m) = nonempty(&q.mood) {
        filter.mood = Some(MoodLabel::parse(&m).map_err(|e| invalid(e.to_string()))?);
    }
    filter.contact_id = q.contact.map(rapport_domain::ContactId::from_uuid);
    Ok(filter)
}

pub fn parse_cursor(cursor: Option<&str>) -> ApiResult<Option<Cursor>> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => Cursor::decode(c).map(Some).ok_or_else(|| invalid("cursor is not valid")),
    }
}

/// List conversations, most recently active first, with filters and cursor pagination.
#[utoipa::path(
    get, path = "/conversations", tag = "conversations", params(ListQuery),
    responses((status = 200, body = ConversationPage), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ConversationPage>> {
    let filter = parse_filter(&state, actor.agent_id(), &q).await?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page = state.app.list_conversations(&actor, &filter, cursor, q.limit.unwrap_or(50)).await?;
    Ok(Json(ConversationPage {
        items: page.items.into_iter().map(ConversationDto::from).collect(),
        next_cursor: page.next_cursor.map(|c| c.encode()),
    }))
}

/// One conversation with all its messages in order.
#[utoipa::path(
    get, path = "/conversations/{id}", tag = "conversations",
    params(("id" = Uuid, Path, description = "conversation id")),
    responses((status = 200, body = ConversationWithMessages), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ConversationWithMessages>> {
    let detail = state.app.conversation_detail(&actor, ConversationId::from_uuid(id)).await?;
    Ok(Json(ConversationWithMessages {
        conversation: detail.summary.into(),
        messages: detail.messages.into_iter().map(MessageDto::from).collect(),
    }))
}

/// Reply to the customer as the calling agent.
#[utoipa::path(
    post, path = "/conversations/{id}/reply", tag = "conversations", request_body = TextBody,
    params(("id" = Uuid, Path, description = "conversation id")),
    responses((status = 201, body = MessageDto), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn reply(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<TextBody>,
) -> ApiResult<(StatusCode, Json<MessageDto>)> {
    let message = state.app.reply(&actor, ConversationId::from_uuid(id), &body.text, false).await?;
    Ok((StatusCode::CREATED, Json(message.into())))
}

/// Add an internal note (never sent to the customer).
#[utoipa::path(
    post, path = "/conversations/{id}/notes", tag = "conversations", request_body = TextBody,
    params(("id" = Uuid, Path, description = "conversation id")),
    responses((status = 201, body = MessageDto), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn note(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<TextBody>,
) -> ApiResult<(StatusCode, Json<MessageDto>)> {
    let message = state.app.reply(&actor, ConversationId::from_uuid(id), &body.text, true).await?;
    Ok((StatusCode::CREATED, Json(message.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The agent to assign, or null to unassign.
    pub agent_id: Option<Uuid>,
    /// Set the team too (null clears it); leave out to keep it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub team_id: Option<Option<Uuid>>,
}

/// Distinguish a field that is absent (keep) from one that is null (clear).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Assign the conversation to an agent (agents may take it themselves; leads assign anyone).
#[utoipa::path(
    post, path = "/conversations/{id}/assign", tag = "conversations", request_body = AssignBody,
    params(("id" = Uuid, Path, description = "conversation id")),
    responses((status = 200, body = ConversationDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn assign(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<Json<ConversationDto>> {
    let team = body.team_id.map(|t| t.map(TeamId::from_uuid));
    let summary =
        state.app.assign(&actor, ConversationId::from_uuid(id), body.agent_id.map(AgentId::from_uuid), team).await?;
    Ok(Json(summary.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// `open`, `pending`, `resolved` or `closed`.
    pub status: String,
}

/// Change the status; illegal transitions (e.g. closed → pending) answer 409 `invalid_transition`.
#[utoipa::path(
    post, path = "/conversations/{id}/status", tag = "conversations", request_body = StatusBody,
    params(("id" = Uuid, Path, description = "conversation id")),
    responses((status = 200, body = ConversationDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn set_status(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Json<ConversationDto>> {
    let to = Status::parse(&body.status).map_err(|e| invalid(e.to_string()))?;
    let summary = state.app.change_status(&actor, ConversationId::from_uuid(id), to).await?;
    Ok(Json(summary.into()))
}
