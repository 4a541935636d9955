//! The agent UI: server-rendered HTML that works with JavaScript off for reading; htmx (vendored,
//! same origin) refreshes the inbox and an open conversation without a reload.

mod pages;
mod view;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use rapport_app::{AppError, ErrorCode};

use crate::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/setup", get(pages::setup_form).post(pages::setup))
        .route("/inbox", get(pages::inbox))
        .route("/inbox/rows", get(pages::inbox_rows))
        .route("/conversations/{id}", get(pages::conversation))
        .route("/conversations/{id}/messages", get(pages::conversation_messages))
        .route("/conversations/{id}/reply", post(pages::reply))
        .route("/conversations/{id}/status", post(pages::set_status))
        .route("/conversations/{id}/assign", post(pages::assign))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

/// Render a failure as a page a person can read; internal details stay in the log.
pub fn error_page(e: AppError) -> Response {
    let status = crate::error::status_of(e.code());
    if e.code() == ErrorCode::Internal {
        tracing::error!(error = %e, "page failed");
    }
    render_with_status(status, &ErrorPage { status: status.as_u16(), message: e.public_message() })
}

pub fn render(template: &impl Template) -> Response {
    render_with_status(StatusCode::OK, template)
}

fn render_with_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
