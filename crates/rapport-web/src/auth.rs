//! Who is calling: an API token (`Authorization: Bearer …`) or a UI session cookie.
//! Cookie-authenticated requests that change state must also prove they come from our own pages (CSRF).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rapport_app::{Actor, AppError};
use subtle::ConstantTimeEq;

use crate::SharedState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "rapport_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Constant-time comparison, so a token cannot be guessed byte by byte from timing.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

fn session_cookie(parts: &Parts) -> Option<String> {
    CookieJar::from_headers(&parts.headers).get(SESSION_COOKIE).map(|c| c.value().to_owned())
}

pub fn session_cookie_for(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token)).http_only(true).secure(secure).same_site(SameSite::Strict).path("/").build()
}

/// The authenticated caller of an API route.
pub struct ApiCaller(pub Actor);

impl FromRequestParts<SharedState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(parts) {
            return Ok(ApiCaller(state.app.authenticate_token(token).await?));
        }
        let Some(cookie) = session_cookie(parts) else {
            return Err(AppError::Unauthorized.into());
        };
        let (actor, csrf) = state.app.session(&cookie).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !tokens_match(&csrf, given) {
                return Err(AppError::Forbidden("missing or wrong CSRF token".into()).into());
            }
        }
        Ok(ApiCaller(actor))
    }
}

/// A logged-in agent on a UI page. Without a session the browser is sent to the login form,
/// or to the one-time setup page while no administrator exists.
pub struct UiSession {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
}

impl UiSession {
    /// Check the CSRF token a form posted.
    pub fn check_csrf(&self, given: &str) -> Result<(), AppError> {
        if tokens_match(&self.csrf, given) {
            Ok(())
        } else {
            Err(AppError::Forbidden("the form has expired; reload the page and try again".into()))
        }
    }

    pub fn agent_name(&self) -> &str {
        self.actor.name()
    }
}

impl FromRequestParts<SharedState> for UiSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        if let Some(token) = session_cookie(parts) {
            match state.app.session(&token).await {
                Ok((actor, csrf)) => return Ok(UiSession { actor, csrf, token }),
                Err(AppError::Unauthorized) => {}
                Err(e) => return Err(crate::ui::error_page(e)),
            }
        }
        match state.app.needs_setup().await {
            Ok(true) => Err(Redirect::to("/setup").into_response()),
            Ok(false) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(crate::ui::error_page(e)),
        }
    }
}
