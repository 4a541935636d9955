//! UI handlers. Every page needs a session (the `UiSession` extractor sends others to the login
//! form); every form carries the session's CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine as _;
use jiff::Timestamp;
use rand::RngCore;
use rapport_app::AppError;
use rapport_domain::{AgentId, Author, ConversationId, Status};
use serde::Deserialize;
use uuid::Uuid;

use super::view::{MessageView, MoodPanel, Row, ago};
use super::{error_page, render};
use crate::SharedState;
use crate::api::conversations::{ListQuery, parse_cursor, parse_filter};
use crate::auth::{UiSession, session_cookie_for, tokens_match};

/// Before a session exists, login and setup forms use a double-submit cookie against CSRF.
const FORM_CSRF_COOKIE: &str = "rapport_form_csrf";

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn form_csrf(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(existing) = jar.get(FORM_CSRF_COOKIE).map(|c| c.value().to_owned()) {
        return (jar, existing);
    }
    let token = random_token();
    let cookie = Cookie::build((FORM_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .path("/")
        .build();
    (jar.add(cookie), token)
}

fn form_csrf_ok(jar: &CookieJar, given: &str) -> bool {
    jar.get(FORM_CSRF_COOKIE).is_some_and(|c| tokens_match(c.value(), given))
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub async fn home(_session: UiSession) -> Response {
    see_other("/inbox")
}

// ----- login, logout, setup ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    error: Option<String>,
}

pub async fn login_form(State(state): State<SharedState>, jar: CookieJar) -> Response {
    match state.app.needs_setup().await {
        Ok(true) => return see_other("/setup"),
        Ok(false) => {}
        Err(e) => return error_page(e),
    }
    let (jar, csrf) = form_csrf(jar, state.secure_cookies);
    (jar, render(&LoginPage { csrf, email: String::new(), error: None })).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
}

pub async fn login(State(state): State<SharedState>, jar: CookieJar, Form(form): Form<LoginForm>) -> Response {
    if !form_csrf_ok(&jar, &form.csrf) {
        return error_page(AppError::Forbidden("the form has expired; reload the page and try again".into()));
    }
    match state.app.login(&form.email, &form.password).await {
        Ok(session) => {
            let jar = jar.add(session_cookie_for(session.token, state.secure_cookies));
            (jar, see_other("/inbox")).into_response()
        }
        Err(e @ (AppError::Unauthorized | AppError::RateLimited(_))) => {
            let (status, message) = match e {
                AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
                _ => (StatusCode::UNAUTHORIZED, "Wrong email or password.".to_owned()),
            };
            let page = LoginPage { csrf: form.csrf, email: form.email, error: Some(message) };
            let mut response = render(&page);
            *response.status_mut() = status;
            response
        }
        Err(e) => error_page(e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<SharedState>,
    session: UiSession,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(e) = session.check_csrf(&form.csrf) {
        return error_page(e);
    }
    if let Err(e) = state.app.logout(&session.token).await {
        return error_page(e);
    }
    let jar = jar.remove(Cookie::build(crate::auth::SESSION_COOKIE).path("/").build());
    (jar, see_other("/login")).into_response()
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    csrf: String,
    name: String,
    email: String,
    error: Option<String>,
}

pub async fn setup_form(State(state): State<SharedState>, jar: CookieJar) -> Response {
    match state.app.needs_setup().await {
        Ok(false) => return see_other("/login"),
        Ok(true) => {}
        Err(e) => return error_page(e),
    }
    let (jar, csrf) = form_csrf(jar, state.secure_cookies);
    (jar, render(&SetupPage { csrf, name: String::new(), email: String::new(), error: None })).into_response()
}

#[derive(Deserialize)]
pub struct SetupForm {
    name: String,
    email: String,
    password: String,
    csrf: String,
}

pub async fn setup(State(state): State<SharedState>, jar: CookieJar, Form(form): Form<SetupForm>) -> Response {
    if !form_csrf_ok(&jar, &form.csrf) {
        return error_page(AppError::Forbidden("the form has expired; reload the page and try again".into()));
    }
    match state.app.setup_first_admin(&form.name, &form.email, &form.password).await {
        Ok(_) => {}
        Err(AppError::Validation(message)) => {
            let page = SetupPage { csrf: form.csrf, name: form.name, email: form.email, error: Some(message) };
            let mut response = render(&page);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return response;
        }
        Err(e) => return error_page(e),
    }
    match state.app.login(&form.email, &form.password).await {
        Ok(session) => {
            (jar.add(session_cookie_for(session.token, state.secure_cookies)), see_other("/inbox")).into_response()
        }
        Err(e) => error_page(e),
    }
}

// ----- inbox -----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    me: String,
    csrf: String,
    rows: Vec<Row>,
    channels: Vec<String>,
    agents: Vec<(String, String)>,
    status: String,
    channel: String,
    mood: String,
    assignee: String,
    /// The query string of this view, for the live refresh and the next page.
    query: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox_rows_partial.html")]
struct InboxRows {
    rows: Vec<Row>,
}

fn query_string(q: &ListQuery) -> String {
    let mut parts = Vec::new();
    for (key, value) in [("status", &q.status), ("channel", &q.channel), ("mood", &q.mood), ("assignee", &q.assignee)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{key}={}", urlencode(v)));
        }
    }
    parts.join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn inbox_data(
    state: &SharedState,
    session: &UiSession,
    q: &ListQuery,
) -> Result<(Vec<Row>, Option<String>), Response> {
    let filter = parse_filter(state, session.actor.agent_id(), q).await.map_err(|e| e.into_response())?;
    let cursor = parse_cursor(q.cursor.as_deref()).map_err(|e| e.into_response())?;
    let page = state
        .app
        .list_conversations(&session.actor, &filter, cursor, q.limit.unwrap_or(50))
        .await
        .map_err(error_page)?;
    let now = Timestamp::now();
    Ok((page.items.iter().map(|s| Row::of(s, now)).collect(), page.next_cursor.map(|c| c.encode())))
}

pub async fn inbox(State(state): State<SharedState>, session: UiSession, Query(q): Query<ListQuery>) -> Response {
    let (rows, next) = match inbox_data(&state, &session, &q).await {
        Ok(data) => data,
        Err(response) => return response,
    };
    let channels = match rapport_storage::ChannelStore::list_channels(&state.app.db).await {
        Ok(channels) => channels.into_iter().map(|c| c.name).collect(),
        Err(e) => return error_page(e.into()),
    };
    let agents = match state.app.agents(&session.actor).await {
        Ok(agents) => agents.into_iter().map(|a| (a.id.to_string(), a.name)).collect(),
        Err(e) => return error_page(e),
    };
    render(&InboxPage {
        me: session.agent_name().to_owned(),
        csrf: session.csrf.clone(),
        rows,
        channels,
        agents,
        status: q.status.clone().unwrap_or_default(),
        channel: q.channel.clone().unwrap_or_default(),
        mood: q.mood.clone().unwrap_or_default(),
        assignee: q.assignee.clone().unwrap_or_default(),
        query: query_string(&q),
        next,
    })
}

pub async fn inbox_rows(State(state): State<SharedState>, session: UiSession, Query(q): Query<ListQuery>) -> Response {
    match inbox_data(&state, &session, &q).await {
        Ok((rows, _)) => render(&InboxRows { rows }),
        Err(response) => response,
    }
}

// ----- conversation ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "conversation.html")]
struct ConversationPage {
    me: String,
    csrf: String,
    id: String,
    subject: String,
    status: &'static str,
    channel: String,
    assignee_id: String,
    messages: Vec<MessageView>,
    contact_name: String,
    identities: Vec<(String, String)>,
    others: Vec<Row>,
    agents: Vec<(String, String)>,
    transitions: Vec<&'static str>,
    waiting: Option<String>,
    mood: Option<MoodPanel>,
}

#[derive(Template)]
#[template(path = "messages_partial.html")]
struct MessagesPartial {
    messages: Vec<MessageView>,
}

async fn message_views(
    state: &SharedState,
    session: &UiSession,
    id: ConversationId,
) -> Result<(Vec<MessageView>, rapport_app::inbox::ConversationDetail, Vec<rapport_domain::Agent>), AppError> {
    let detail = state.app.conversation_detail(&session.actor, id).await?;
    let agents = state.app.agents(&session.actor).await?;
    let agent_name = |m: &rapport_domain::Message| match m.author {
        Author::Agent(id) => agents.iter().find(|a| a.id == id).map_or_else(|| "Agent".to_owned(), |a| a.name.clone()),
        _ => "Rapport".to_owned(),
    };
    let views = detail.messages.iter().map(|m| MessageView::of(m, &detail.contact.name, agent_name)).collect();
    Ok((views, detail, agents))
}

pub async fn conversation(State(state): State<SharedState>, session: UiSession, Path(id): Path<Uuid>) -> Response {
    let id = ConversationId::from_uuid(id);
    let (messages, detail, agents) = match message_views(&state, &session, id).await {
        Ok(data) => data,
        Err(e) => return error_page(e),
    };
    let agents = agents.into_iter().filter(|a| a.active).map(|a| (a.id.to_string(), a.name)).collect();
    let now = Timestamp::now();
    let c = &detail.summary.conversation;
    let transitions =
        Status::ALL.into_iter().filter(|to| c.status.transition(*to).is_ok()).map(|s| s.as_str()).collect();
    render(&ConversationPage {
        me: session.agent_name().to_owned(),
        csrf: session.csrf.clone(),
        id: c.id.to_string(),
        subject: c.subject.clone(),
        status: c.status.as_str(),
        channel: detail.summary.channel_name.clone(),
        assignee_id: c.assignee_id.map(|a| a.to_string()).unwrap_or_default(),
        messages,
        contact_name: detail.contact.name.clone(),
        identities: detail.contact.identities.iter().map(|i| (i.kind.as_str().to_owned(), i.value.clone())).collect(),
        others: detail.contact_conversations.iter().map(|s| Row::of(s, now)).collect(),
        agents,
        transitions,
        waiting: c.waiting_since().map(|t| ago(t, now)),
        mood: MoodPanel::of(&rapport_app::mood::conversation_mood(
            &detail.messages,
            detail.contact.name.split_whitespace().next(),
        )),
    })
}

pub async fn conversation_messages(
    State(state): State<SharedState>,
    session: UiSession,
    Path(id): Path<Uuid>,
) -> Response {
    match message_views(&state, &session, ConversationId::from_uuid(id)).await {
        Ok((messages, _, _)) => render(&MessagesPartial { messages }),
        Err(e) => error_page(e),
    }
}

#[derive(Deserialize)]
pub struct ReplyForm {
    csrf: String,
    text: String,
    /// `reply` (default) or `note`.
    kind: Option<String>,
}

pub async fn reply(
    State(state): State<SharedState>,
    session: UiSession,
    Path(id): Path<Uuid>,
    Form(form): Form<ReplyForm>,
) -> Response {
    if let Err(e) = session.check_csrf(&form.csrf) {
        return error_page(e);
    }
    let note = form.kind.as_deref() == Some("note");
    match state.app.reply(&session.actor, ConversationId::from_uuid(id), &form.text, note).await {
        Ok(_) => see_other(&format!("/conversations/{id}")),
        Err(e) => error_page(e),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    status: String,
}

pub async fn set_status(
    State(state): State<SharedState>,
    session: UiSession,
    Path(id): Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> Response {
    if let Err(e) = session.check_csrf(&form.csrf) {
        return error_page(e);
    }
    let to = match Status::parse(&form.status) {
        Ok(s) => s,
        Err(e) => return error_page(e.into()),
    };
    match state.app.change_status(&session.actor, ConversationId::from_uuid(id), to).await {
        Ok(_) => see_other(&format!("/conversations/{id}")),
        Err(e) => error_page(e),
    }
}

#[derive(Deserialize)]
pub struct AssignForm {
    csrf: String,
    /// An agent id, or empty to unassign.
    agent: String,
}

pub async fn assign(
    State(state): State<SharedState>,
    session: UiSession,
    Path(id): Path<Uuid>,
    Form(form): Form<AssignForm>,
) -> Response {
    if let Err(e) = session.check_csrf(&form.csrf) {
        return error_page(e);
    }
    let agent = match form.agent.trim() {
        "" => None,
        raw => match raw.parse::<AgentId>() {
            Ok(a) => Some(a),
            Err(e) => return error_page(e.into()),
        },
    };
    match state.app.assign(&session.actor, ConversationId::from_uuid(id), agent, None).await {
        Ok(_) => see_other(&format!("/conversations/{id}")),
        Err(e) => error_page(e),
    }
}
