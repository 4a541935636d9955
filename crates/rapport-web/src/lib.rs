//! Rapport's HTTP face: the JSON API under `/api/v1` (documented by an OpenAPI document generated from
//! the routes), the server-rendered agent UI, embedded assets and the middleware that guards them.

mod api;
mod assets;
mod auth;
mod error;
mod middleware;
mod ui;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use rapport_app::App;

pub use api::openapi_document;

/// What every handler receives.
pub struct WebState {
    pub app: Arc<App>,
    /// Mark cookies `Secure` (on when served behind HTTPS).
    pub secure_cookies: bool,
}

pub type SharedState = Arc<WebState>;

/// Build the whole router. Cheap: tests build one per test.
pub fn router(app: Arc<App>, secure_cookies: bool) -> Router {
    let state = Arc::new(WebState { app, secure_cookies });
    Router::new()
        .route("/healthz", get(api::health::healthz))
        .nest("/api/v1", api::router())
        .merge(ui::router())
        .merge(assets::router())
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
