use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::SharedState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` once the database answers.
    pub status: &'static str,
}

/// Liveness and readiness: 200 once the database answers, 503 otherwise.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<SharedState>) -> (StatusCode, Json<Health>) {
    if state.app.db.ping().await {
        (StatusCode::OK, Json(Health { status: "ok" }))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable" }))
    }
}
