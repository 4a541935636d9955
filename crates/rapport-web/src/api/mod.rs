//! The JSON API, mounted at `/api/v1`. Routes and the OpenAPI document come from the same
//! declarations (utoipa-axum), so the documentation cannot drift from what is served.

mod admin;
mod contacts;
pub(crate) mod conversations;
pub(crate) mod dto;
pub(crate) mod health;
mod inbound;

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts};
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::SharedState;
use crate::error::ApiError;

/// Largest JSON body the API accepts (a message is at most 64 KiB of text plus its envelope).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// `Json` whose rejections answer in the API's `{code, message}` shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Query` whose rejections answer in the API's `{code, message}` shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

#[derive(OpenApi)]
#[openapi(
    info(title = "Rapport API", description = "Customer-service desk: ingest, inbox, contacts, administration."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags(
        (name = "ingest", description = "Customer messages arriving from integrations"),
        (name = "conversations", description = "The inbox"),
        (name = "contacts", description = "Customers across channels"),
        (name = "admin", description = "Agents and API tokens"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn api_routes() -> OpenApiRouter<SharedState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(inbound::inbound))
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::get_one))
        .routes(routes!(conversations::reply))
        .routes(routes!(conversations::note))
        .routes(routes!(conversations::assign))
        .routes(routes!(conversations::set_status))
        .routes(routes!(contacts::search))
        .routes(routes!(contacts::get_one))
        .routes(routes!(contacts::conversations))
        .routes(routes!(admin::list_agents, admin::create_agent))
        .routes(routes!(admin::create_token))
}

/// The OpenAPI document of `/api/v1`, generated from the routes.
pub fn openapi_document() -> Arc<OpenApiDoc> {
    static DOC: OnceLock<Arc<OpenApiDoc>> = OnceLock::new();
    DOC.get_or_init(|| Arc::new(api_routes().split_for_parts().1)).clone()
}

async fn openapi_json() -> impl IntoResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    let body = JSON.get_or_init(|| openapi_document().to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    ([(axum::http::header::CONTENT_TYPE, "application/json")], body.as_str())
}

async fn not_found() -> ApiError {
    ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such API route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}

pub fn router() -> Router<SharedState> {
    let (router, _) = api_routes().split_for_parts();
    router
        .route("/openapi.json", get(openapi_json))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
