use axum::Json;
use axum::extract::{Path, State};
use rapport_domain::ContactId;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::ApiQuery;
use super::dto::{ContactDto, ConversationDto};
use crate::SharedState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a name, email or phone number.
    pub q: Option<String>,
    pub limit: Option<u32>,
}

/// Search contacts by name, email or phone.
#[utoipa::path(
    get, path = "/contacts", tag = "contacts", params(SearchQuery),
    responses((status = 200, body = Vec<ContactDto>), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn search(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<Vec<ContactDto>>> {
    let contacts = state.app.search_contacts(&actor, q.q.as_deref().unwrap_or(""), q.limit.unwrap_or(20)).await?;
    Ok(Json(contacts.into_iter().map(ContactDto::from).collect()))
}

/// One contact with all the identities they are known by.
#[utoipa::path(
    get, path = "/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "contact id")),
    responses((status = 200, body = ContactDto), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ContactDto>> {
    Ok(Json(state.app.contact(&actor, ContactId::from_uuid(id)).await?.into()))
}

/// The contact's conversations on every channel, newest first.
#[utoipa::path(
    get, path = "/contacts/{id}/conversations", tag = "contacts",
    params(("id" = Uuid, Path, description = "contact id")),
    responses((status = 200, body = Vec<ConversationDto>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn conversations(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<ConversationDto>>> {
    let items = state.app.contact_conversations(&actor, ContactId::from_uuid(id)).await?;
    Ok(Json(items.into_iter().map(ConversationDto::from).collect()))
}
