//! The JSON API through the real router: ingest, idempotency, roles, bad input.

use rapport_domain::Role;
use rapport_storage::ConversationStore;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Backend, TestApp, spawn_app, spawn_app_on};

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    let response = app.http.post(app.url(path)).bearer_auth(token).json(body).send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let response = app.http.get(app.url(path)).bearer_auth(token).send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn complaint(external_id: Option<&str>) -> Value {
    let mut body = json!({
        "channel": "api",
        "contact": {"name": "Maria Lopez", "email": "maria@example.com"},
        "text": "My order still hasn't arrived and nobody answers my emails. This is unacceptable!",
    });
    if let Some(id) = external_id {
        body["external_id"] = json!(id);
    }
    body
}

async fn ingest_shows_up_as_a_conversation_with_its_analysis(app: TestApp) {
    let token = app.token(Role::Agent).await;
    let (status, body) = post(&app, &token, "/api/v1/inbound", &complaint(None)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["analysis"]["sentiment"]["label"], "negative", "{body}");
    let score = body["analysis"]["sentiment"]["score"].as_f64().expect("score");
    assert!((-1.0..0.0).contains(&score), "{score}");
    assert!(!body["analysis"]["evidence"].as_array().expect("evidence").is_empty());

    let id = body["conversation_id"].as_str().expect("id");
    let (status, conv) = get(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(conv["status"], "open");
    assert_eq!(conv["contact"]["name"], "Maria Lopez");
    assert_eq!(conv["mood"]["label"], "negative");
    assert_eq!(conv["messages"][0]["direction"], "inbound");
    assert_eq!(conv["messages"][0]["mood"]["label"], "negative");
    assert!(conv["waiting_since"].is_string(), "the customer is waiting for an answer");

    let (_, list) = get(&app, &token, "/api/v1/conversations?status=open&mood=negative").await;
    assert_eq!(list["items"][0]["id"], id);
    let (_, none) = get(&app, &token, "/api/v1/conversations?mood=positive").await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn ingest_shows_up_as_a_conversation_with_its_analysis_on_sqlite() {
    ingest_shows_up_as_a_conversation_with_its_analysis(spawn_app().await).await;
}

#[tokio::test]
async fn ingest_shows_up_as_a_conversation_with_its_analysis_on_postgres() {
    ingest_shows_up_as_a_conversation_with_its_analysis(spawn_app_on(Backend::Postgres).await).await;
}

#[tokio::test]
async fn same_external_id_twice_is_stored_once_and_answers_with_the_first_message() {
    let app = spawn_app().await;
    let token = app.token(Role::Agent).await;
    let (s1, first) = post(&app, &token, "/api/v1/inbound", &complaint(Some("tw-1"))).await;
    let mut again = complaint(Some("tw-1"));
    again["text"] = json!("a different text with the same id");
    let (s2, second) = post(&app, &token, "/api/v1/inbound", &again).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first["message_id"], second["message_id"]);
    assert_eq!(second["created"], false);
    assert_eq!(second["analysis"], first["analysis"], "the first message's analysis is returned");
    let id = first["conversation_id"].as_str().expect("id");
    let (_, conv) = get(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(conv["messages"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn requests_without_a_valid_token_get_401() {
    let app = spawn_app().await;
    let response = app.http.get(app.url("/api/v1/conversations")).send().await.expect("request");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "unauthorized");
    let (status, body) = post(&app, "rpt_not-a-real-token", "/api/v1/inbound", &complaint(None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    assert_eq!(app.app.db.count_conversations().await.expect("count"), 0);
}

#[tokio::test]
async fn agents_cannot_reach_admin_routes_and_admins_can() {
    let app = spawn_app().await;
    let agent = app.token(Role::Agent).await;
    let admin = app.token(Role::Admin).await;
    let new_agent =
        json!({"name": "Nia", "email": "nia@desk.test", "role": "agent", "password": "long enough password"});
    let (status, body) = post(&app, &agent, "/api/v1/agents", &new_agent).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, _) = post(&app, &agent, "/api/v1/tokens", &json!({"name": "x", "role": "admin"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an agent cannot mint an admin token");

    let (status, created) = post(&app, &admin, "/api/v1/agents", &new_agent).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, _) = post(&app, &admin, "/api/v1/agents", &new_agent).await;
    assert_eq!(status, StatusCode::CONFLICT, "same email twice");
    let (status, token) = post(&app, &admin, "/api/v1/tokens", &json!({"name": "crm", "role": "agent"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let minted = token["token"].as_str().expect("token");
    let (status, _) = get(&app, minted, "/api/v1/conversations").await;
    assert_eq!(status, StatusCode::OK, "the new token works");
}

#[tokio::test]
async fn bad_bodies_get_a_coded_4xx_and_store_nothing() {
    let app = spawn_app().await;
    let token = app.token(Role::Agent).await;
    let send_raw = |body: String| {
        app.http
            .post(app.url("/api/v1/inbound"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let response = send_raw("{\"channel\": \"api\", ".to_owned()).await.expect("request");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.json::<Value>().await.expect("json")["code"], "malformed_json");

    let mut missing_text = complaint(None);
    missing_text.as_object_mut().expect("object").remove("text");
    let (status, body) = post(&app, &token, "/api/v1/inbound", &missing_text).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")), "{body}");

    let mut blank = complaint(None);
    blank["text"] = json!("   ");
    let (status, body) = post(&app, &token, "/api/v1/inbound", &blank).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")), "{body}");

    let mut unknown = complaint(None);
    unknown["channel"] = json!("carrier-pigeon");
    let (status, body) = post(&app, &token, "/api/v1/inbound", &unknown).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_channel")), "{body}");

    let mut bad_email = complaint(None);
    bad_email["contact"]["email"] = json!("not-an-address");
    let (status, body) = post(&app, &token, "/api/v1/inbound", &bad_email).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")), "{body}");

    let mut huge = complaint(None);
    huge["text"] = json!("a".repeat(400 * 1024));
    let (status, body) = post(&app, &token, "/api/v1/inbound", &huge).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")), "{body}");

    let mut too_long_text = complaint(None);
    too_long_text["text"] = json!("b".repeat(100 * 1024));
    let (status, body) = post(&app, &token, "/api/v1/inbound", &too_long_text).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")), "{body}");

    assert_eq!(app.app.db.count_conversations().await.expect("count"), 0, "nothing was stored");
}

#[tokio::test]
async fn illegal_status_change_answers_409_and_legal_ones_apply() {
    let app = spawn_app().await;
    let token = app.token(Role::Agent).await;
    let (_, created) = post(&app, &token, "/api/v1/inbound", &complaint(None)).await;
    let id = created["conversation_id"].as_str().expect("id");
    let status_path = format!("/api/v1/conversations/{id}/status");
    let (status, _) = post(&app, &token, &status_path, &json!({"status": "resolved"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&app, &token, &status_path, &json!({"status": "closed"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = post(&app, &token, &status_path, &json!({"status": "pending"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
    let (status, body) = post(&app, &token, &status_path, &json!({"status": "sleeping"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")));
}

#[tokio::test]
async fn reply_note_and_contact_views_work_through_the_api() {
    let app = spawn_app().await;
    let admin_agent = app
        .app
        .create_agent("Lee Lead", "lee@desk.test", Role::Lead, None, "long enough password")
        .await
        .expect("agent");
    let token = app.token(Role::Lead).await;
    let (_, first) = post(&app, &token, "/api/v1/inbound", &complaint(None)).await;
    let mut by_chat = complaint(None);
    by_chat["text"] = json!("Thanks, all sorted now!");
    by_chat["contact"]["handle"] = json!("@maria");
    let (_, second) = post(&app, &token, "/api/v1/inbound", &by_chat).await;
    assert_eq!(first["contact_id"], second["contact_id"]);
    let id = first["conversation_id"].as_str().expect("id");

    let (status, reply) =
        post(&app, &token, &format!("/api/v1/conversations/{id}/reply"), &json!({"text": "Sorry Maria, I am on it."}))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert_eq!(reply["direction"], "outbound");
    let (status, note) =
        post(&app, &token, &format!("/api/v1/conversations/{id}/notes"), &json!({"text": "carrier says Friday"})).await;
    assert_eq!((status, note["direction"].as_str()), (StatusCode::CREATED, Some("note")));
    let (status, assigned) = post(
        &app,
        &token,
        &format!("/api/v1/conversations/{id}/assign"),
        &json!({"agent_id": admin_agent.id.to_string()}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{assigned}");
    assert_eq!(assigned["assignee"]["name"], "Lee Lead");
    let (_, conv) = get(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    assert!(conv["first_response_at"].is_string());
    assert!(conv["waiting_since"].is_null());

    let contact = first["contact_id"].as_str().expect("contact");
    let (status, c) = get(&app, &token, &format!("/api/v1/contacts/{contact}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["identities"].as_array().map(Vec::len), Some(2));
    let (_, found) = get(&app, &token, "/api/v1/contacts?q=lopez").await;
    assert_eq!(found[0]["id"], contact);
    let (_, convs) = get(&app, &token, &format!("/api/v1/contacts/{contact}/conversations")).await;
    assert_eq!(convs.as_array().map(Vec::len), Some(1), "same channel, same conversation");
}

#[tokio::test]
async fn agents_may_take_a_conversation_but_not_give_it_to_others() {
    let app = spawn_app().await;
    let lead =
        app.app.create_agent("Lou", "lou@desk.test", Role::Lead, None, "long enough password").await.expect("lead");
    let token = app.token(Role::Agent).await;
    let (_, created) = post(&app, &token, "/api/v1/inbound", &complaint(None)).await;
    let id = created["conversation_id"].as_str().expect("id");
    let (status, body) =
        post(&app, &token, &format!("/api/v1/conversations/{id}/assign"), &json!({"agent_id": lead.id.to_string()}))
            .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
}

#[tokio::test]
async fn conversations_page_with_a_cursor() {
    let app = spawn_app().await;
    let token = app.token(Role::Agent).await;
    for i in 0..5 {
        let mut body = complaint(None);
        body["contact"]["email"] = json!(format!("c{i}@example.com"));
        post(&app, &token, "/api/v1/inbound", &body).await;
    }
    let (_, page1) = get(&app, &token, "/api/v1/conversations?limit=3").await;
    assert_eq!(page1["items"].as_array().map(Vec::len), Some(3));
    let cursor = page1["next_cursor"].as_str().expect("cursor");
    let (_, page2) = get(&app, &token, &format!("/api/v1/conversations?limit=3&cursor={cursor}")).await;
    assert_eq!(page2["items"].as_array().map(Vec::len), Some(2));
    assert!(page2["next_cursor"].is_null());
    let (status, body) = get(&app, &token, "/api/v1/conversations?cursor=garbage").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")));
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_api_error_shape() {
    let app = spawn_app().await;
    let token = app.token(Role::Agent).await;
    let (status, body) = get(&app, &token, "/api/v1/no-such-thing").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, body) = get(&app, &token, "/api/v1/inbound").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    let app = spawn_app().await;
    let health: Value = app.http.get(app.url("/healthz")).send().await.expect("req").json().await.expect("json");
    assert_eq!(health, json!({"status": "ok"}));
    let doc: Value =
        app.http.get(app.url("/api/v1/openapi.json")).send().await.expect("req").json().await.expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/inbound",
        "/conversations",
        "/conversations/{id}",
        "/conversations/{id}/reply",
        "/contacts/{id}/conversations",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}

/// Mangled bodies of every shape: the answer is a coded 4xx or a stored message, never a 5xx.
#[tokio::test]
async fn mangled_inbound_bodies_never_cause_a_server_error() {
    use rand::{Rng, SeedableRng};
    let app = spawn_app().await;
    let token = app.token(Role::Agent).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let odd_values = [
        json!(null),
        json!(0),
        json!(-1.5e308),
        json!(true),
        json!([]),
        json!({}),
        json!(""),
        json!("   "),
        json!("\u{0}\u{7}"),
        json!("😡😡😡 sooo BAD!!!"),
        json!("x".repeat(70_000)),
        json!("not-a-date"),
        json!("2026-13-45T99:99:99Z"),
        json!("@"),
        json!("+++"),
    ];
    let fields = ["channel", "text", "external_id", "sent_at", "subject", "metadata", "contact", "extra"];
    let contact_fields = ["name", "email", "phone", "handle", "nickname"];
    for round in 0..300 {
        let mut body = complaint(Some(&format!("fuzz-{round}")));
        for _ in 0..rng.gen_range(1..4) {
            let value = odd_values[rng.gen_range(0..odd_values.len())].clone();
            if rng.gen_bool(0.3) && body["contact"].is_object() {
                body["contact"][contact_fields[rng.gen_range(0..contact_fields.len())]] = value;
            } else {
                body[fields[rng.gen_range(0..fields.len())]] = value;
            }
        }
        let (status, answer) = post(&app, &token, "/api/v1/inbound", &body).await;
        assert!(status.is_client_error() || status == StatusCode::CREATED, "{status} for {body:.300}");
        if status.is_client_error() {
            assert!(answer["code"].is_string(), "a 4xx carries a code: {answer}");
        }
    }
}
