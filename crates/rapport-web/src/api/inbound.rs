use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use rapport_app::ingest::{InboundContact, InboundMessage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ApiJson;
use crate::SharedState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiResult, Problem};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundContactBody {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A social or messaging handle.
    pub handle: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundBody {
    /// Name of the channel the message arrived on (`api` always exists).
    pub channel: String,
    pub contact: InboundContactBody,
    pub text: String,
    pub subject: Option<String>,
    /// The sender's id for the message; the same id twice is stored once.
    pub external_id: Option<String>,
    /// When the customer wrote it (RFC 3339); defaults to now.
    pub sent_at: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct InboundResponse {
    pub conversation_id: Uuid,
    pub message_id: Uuid,
    pub contact_id: Uuid,
    /// False when this external id was already stored; the ids are those of the first message.
    pub created: bool,
    /// Sentiment (`label`, `score`, `confidence`) and the evidence behind it.
    #[schema(value_type = Object)]
    pub analysis: rapport_analysis::MessageAnalysis,
}

/// A customer message arrives on a channel.
///
/// Finds or creates the contact by identity, appends to the contact's active conversation on that
/// channel or opens one, analyses the text and stores it durably before answering.
#[utoipa::path(
    post, path = "/inbound", tag = "ingest",
    request_body = InboundBody,
    responses(
        (status = 201, description = "stored; a repeated external_id answers with the first message and `created: false`", body = InboundResponse),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 413, body = Problem),
        (status = 422, description = "invalid field or unknown channel", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn inbound(
    State(state): State<SharedState>,
    ApiCaller(actor): ApiCaller,
    ApiJson(body): ApiJson<InboundBody>,
) -> ApiResult<(StatusCode, Json<InboundResponse>)> {
    let sent_at = body
        .sent_at
        .as_deref()
        .map(|s| {
            s.parse::<Timestamp>()
                .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", format!("sent_at: {e}")))
        })
        .transpose()?;
    let message = InboundMessage {
        channel: body.channel,
        contact: InboundContact {
            name: body.contact.name,
            email: body.contact.email,
            phone: body.contact.phone,
            handle: body.contact.handle,
        },
        text: body.text,
        subject: body.subject,
        external_id: body.external_id,
        sent_at,
        metadata: body.metadata,
    };
    let done = state.app.ingest(&actor, message).await?;
    // A repeated external_id replays the first answer (same status, same ids), like an idempotency key.
    Ok((
        StatusCode::CREATED,
        Json(InboundResponse {
            conversation_id: done.conversation_id.as_uuid(),
            message_id: done.message_id.as_uuid(),
            contact_id: done.contact_id.as_uuid(),
            created: done.created,
            analysis: done.analysis,
        }),
    ))
}
