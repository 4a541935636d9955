//! The agent UI without a browser: redirects, setup, login, CSRF. (The browser test drives Chromium.)

use rapport_domain::Role;
use reqwest::StatusCode;

use crate::{TestApp, spawn_app};

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

/// Signs in through the login form, as a browser would.
async fn log_in(app: &TestApp, email: &str, password: &str) {
    let page = app.http.get(app.url("/login")).send().await.expect("req").text().await.expect("html");
    let csrf = hidden_csrf(&page);
    app.http
        .post(app.url("/login"))
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .expect("req");
}

fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("csrf field") + marker.len();
    html[start..].split('"').next().expect("value").to_owned()
}

#[tokio::test]
async fn a_fresh_install_sends_everyone_to_setup_until_an_admin_exists() {
    let app = spawn_app().await;
    let response = app.http.get(app.url("/")).send().await.expect("req");
    assert_eq!(location(&response), "/setup");
    let response = app.http.get(app.url("/login")).send().await.expect("req");
    assert_eq!(location(&response), "/setup");
    let page = app.http.get(app.url("/setup")).send().await.expect("req").text().await.expect("html");
    let csrf = hidden_csrf(&page);
    let response = app
        .http
        .post(app.url("/setup"))
        .form(&[("name", "Ada Admin"), ("email", "ada@desk.test"), ("password", "a long password"), ("csrf", &csrf)])
        .send()
        .await
        .expect("req");
    assert_eq!(location(&response), "/inbox");
    let inbox = app.http.get(app.url("/inbox")).send().await.expect("req");
    assert_eq!(inbox.status(), StatusCode::OK);
    assert!(inbox.text().await.expect("html").contains("Ada Admin"));
    let again = app.http.get(app.url("/setup")).send().await.expect("req");
    assert_eq!(location(&again), "/login", "setup is one-time");
}

#[tokio::test]
async fn visitors_are_sent_to_login_and_wrong_passwords_are_refused() {
    let app = spawn_app().await;
    app.app.create_agent("Ann Agent", "ann@desk.test", Role::Agent, None, "correct password").await.expect("agent");
    let response = app.http.get(app.url("/")).send().await.expect("req");
    assert_eq!(location(&response), "/login");
    let response = app.http.get(app.url("/inbox")).send().await.expect("req");
    assert_eq!(location(&response), "/login");

    let page = app.http.get(app.url("/login")).send().await.expect("req").text().await.expect("html");
    let csrf = hidden_csrf(&page);
    let wrong = app
        .http
        .post(app.url("/login"))
        .form(&[("email", "ann@desk.test"), ("password", "wrong password"), ("csrf", &csrf)])
        .send()
        .await
        .expect("req");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = app
        .http
        .post(app.url("/login"))
        .form(&[("email", "ann@desk.test"), ("password", "correct password"), ("csrf", &csrf)])
        .send()
        .await
        .expect("req");
    assert_eq!(location(&right), "/inbox");
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let app = spawn_app().await;
    app.app.create_agent("Ann Agent", "ann@desk.test", Role::Agent, None, "correct password").await.expect("agent");
    let page = app.http.get(app.url("/login")).send().await.expect("req").text().await.expect("html");
    let csrf = hidden_csrf(&page);
    let forged = app
        .http
        .post(app.url("/login"))
        .form(&[("email", "ann@desk.test"), ("password", "correct password"), ("csrf", "forged")])
        .send()
        .await
        .expect("req");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    app.http
        .post(app.url("/login"))
        .form(&[("email", "ann@desk.test"), ("password", "correct password"), ("csrf", &csrf)])
        .send()
        .await
        .expect("req");
    let token = app.token(Role::Agent).await;
    let created: serde_json::Value = app
        .http
        .post(app.url("/api/v1/inbound"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"channel": "api", "contact": {"name": "Bo", "email": "bo@example.com"}, "text": "hello"}))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    let id = created["conversation_id"].as_str().expect("id");
    let response = app
        .http
        .post(app.url(&format!("/conversations/{id}/reply")))
        .form(&[("text", "hi"), ("csrf", "forged")])
        .send()
        .await
        .expect("req");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The API refuses a cookie-authenticated write without the CSRF header too.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/conversations/{id}/reply")))
        .json(&serde_json::json!({"text": "hi"}))
        .send()
        .await
        .expect("req");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page =
        app.http.get(app.url(&format!("/conversations/{id}"))).send().await.expect("req").text().await.expect("html");
    let session_csrf = hidden_csrf(&page);
    let response = app
        .http
        .post(app.url(&format!("/conversations/{id}/reply")))
        .form(&[("text", "Hello Bo, how can I help?"), ("csrf", &session_csrf)])
        .send()
        .await
        .expect("req");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page =
        app.http.get(app.url(&format!("/conversations/{id}"))).send().await.expect("req").text().await.expect("html");
    assert!(page.contains("Hello Bo, how can I help?"));
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.app.create_agent("Ann Agent", "ann@desk.test", Role::Agent, None, "correct password").await.expect("agent");
    let page = app.http.get(app.url("/login")).send().await.expect("req").text().await.expect("html");
    let csrf = hidden_csrf(&page);
    let attempt = |password: &'static str| {
        app.http
            .post(app.url("/login"))
            .form(&[("email", "ann@desk.test"), ("password", password), ("csrf", &csrf)])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess").await.expect("req").status(), StatusCode::UNAUTHORIZED);
    }
    let locked = attempt("correct password").await.expect("req");
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits out the lockout");
    assert!(locked.text().await.expect("html").contains("too many failed attempts"));
}

#[tokio::test]
async fn the_conversation_page_shows_the_mood_trajectory_drops_and_cold_replies() {
    let app = spawn_app().await;
    app.app.create_agent("Ann Agent", "ann@desk.test", Role::Agent, None, "correct password").await.expect("agent");
    log_in(&app, "ann@desk.test", "correct password").await;
    let token = app.token(Role::Agent).await;
    let inbound = |text: &'static str| {
        let http = app.http.clone();
        let url = app.url("/api/v1/inbound");
        let token = token.clone();
        async move {
            let body = serde_json::json!({"channel": "api", "contact": {"name": "Bo Berg", "email": "bo@example.com"}, "text": text});
            let v: serde_json::Value =
                http.post(url).bearer_auth(&token).json(&body).send().await.expect("req").json().await.expect("json");
            v["conversation_id"].as_str().expect("id").to_owned()
        }
    };
    let id = inbound("Hi, thanks for the quick delivery last time, great service!").await;
    inbound("Now my order is three weeks late, nobody answers and I am furious. Where is it?").await;
    let page =
        app.http.get(app.url(&format!("/conversations/{id}"))).send().await.expect("req").text().await.expect("html");
    let session_csrf = hidden_csrf(&page);
    // A cold reply that neither acknowledges nor shows empathy.
    app.http
        .post(app.url(&format!("/conversations/{id}/reply")))
        .form(&[("text", "Orders ship in the order received."), ("csrf", &session_csrf)])
        .send()
        .await
        .expect("req");
    let page =
        app.http.get(app.url(&format!("/conversations/{id}"))).send().await.expect("req").text().await.expect("html");
    assert!(page.contains("<h2>Mood</h2>"), "{page}");
    assert!(page.contains("Sharp drop"), "the fall from praise to fury is a drop: {page}");
    assert!(page.contains("answered without acknowledgement"), "{page}");
    assert!(page.contains("not back to neutral"), "{page}");
    // The message header names the emotion and the complaint reason the engine found.
    assert!(page.contains(r#"<span class="signal">anger</span>"#), "{page}");
    assert!(page.contains("reason: delivery delay") || page.contains("reason: communication"), "{page}");
}
