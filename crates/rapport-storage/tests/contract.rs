//! The storage contract: every behaviour the application relies on, run against SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use jiff::{SignedDuration, Timestamp};
use rapport_domain::{Author, Channel, ChannelKind, Identity, MessageMood, MoodLabel, Role, Status};
use rapport_storage::testing::{fresh_postgres, fresh_sqlite};
use rapport_storage::*;

fn inbound(channel: &Channel, name: &str, email: &str, text: &str, at: Timestamp) -> InboundRecord {
    InboundRecord {
        channel_id: channel.id,
        contact_name: name.to_owned(),
        identities: vec![Identity::email(email).expect("test email")],
        text: text.to_owned(),
        html: None,
        metadata: serde_json::json!({}),
        external_id: None,
        subject: None,
        sent_at: at,
        received_at: at,
        mood: None,
        analysis: None,
    }
}

fn t(minutes: i64) -> Timestamp {
    Timestamp::from_second(1_760_000_000).expect("ts") + SignedDuration::from_mins(minutes)
}

async fn customer_messages_thread_into_one_conversation_per_channel(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let mail = db.ensure_channel(ChannelKind::Email, "mail").await.unwrap();
    let first = db.ingest(inbound(&api, "Ann", "ann@example.com", "Where is my parcel?", t(0))).await.unwrap();
    let second = db.ingest(inbound(&api, "Ann", "ANN@example.com", "Hello??", t(5))).await.unwrap();
    let other = db.ingest(inbound(&mail, "Ann B.", "ann@example.com", "Also by mail", t(6))).await.unwrap();
    assert!(first.created && first.new_conversation);
    assert_eq!(first.conversation_id, second.conversation_id);
    assert!(!second.new_conversation);
    assert_ne!(first.conversation_id, other.conversation_id, "another channel opens another conversation");
    assert_eq!(first.contact_id, other.contact_id, "one customer identity across channels");

    let conv = db.conversation(first.conversation_id).await.unwrap();
    assert_eq!(conv.conversation.message_count, 2);
    assert_eq!(conv.contact_name, "Ann");
    assert_eq!(conv.channel_name, "api");
    assert_eq!(conv.conversation.subject, "Where is my parcel?");
    assert_eq!(conv.conversation.last_customer_message_at, Some(t(5)));
    let messages = db.messages(first.conversation_id).await.unwrap();
    assert_eq!(messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["Where is my parcel?", "Hello??"]);

    let across = db
        .list_conversations(&ConversationFilter { contact_id: Some(first.contact_id), ..Default::default() }, None, 10)
        .await
        .unwrap();
    assert_eq!(across.items.len(), 2);
}

async fn same_external_id_is_stored_once(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let mut rec = inbound(&api, "Bo", "bo@example.com", "Refund please", t(0));
    rec.external_id = Some("ext-1".into());
    let a = db.ingest(rec.clone()).await.unwrap();
    let b = db.ingest(rec).await.unwrap();
    assert!(a.created);
    assert!(!b.created);
    assert_eq!(a.message_id, b.message_id);
    assert_eq!(db.messages(a.conversation_id).await.unwrap().len(), 1);
}

async fn concurrent_first_messages_from_one_customer_make_one_contact(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let db = db.clone();
        let rec = inbound(&api, "Cy", "cy@example.com", &format!("message {i}"), t(i));
        tasks.push(tokio::spawn(async move { db.ingest(rec).await }));
    }
    let mut contacts = std::collections::HashSet::new();
    for task in tasks {
        contacts.insert(task.await.unwrap().unwrap().contact_id);
    }
    assert_eq!(contacts.len(), 1);
    let page = db.list_conversations(&ConversationFilter::default(), None, 50).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].conversation.message_count, 12);
}

async fn one_bad_message_does_not_take_down_the_others_sent_with_it(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = db.clone();
        let mut rec = inbound(&api, "Q", &format!("q{i}@example.com"), "hello", t(i));
        if i == 7 {
            rec.channel_id = rapport_domain::ChannelId::new(); // no such channel: violates a foreign key
        }
        tasks.push(tokio::spawn(async move { db.ingest(rec).await }));
    }
    let mut failed = 0;
    for task in tasks {
        if task.await.unwrap().is_err() {
            failed += 1;
        }
    }
    assert_eq!(failed, 1);
    let page = db.list_conversations(&ConversationFilter::default(), None, 50).await.unwrap();
    assert_eq!(page.items.len(), 15, "every good message is stored");
}

async fn inbox_pages_by_cursor_without_gaps_or_repeats(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    for i in 0..7 {
        db.ingest(inbound(&api, "P", &format!("p{i}@example.com"), "hi", t(i % 3))).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = db.list_conversations(&ConversationFilter::default(), cursor, 3).await.unwrap();
        seen.extend(page.items.iter().map(|s| s.conversation.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 7);
}

async fn filters_by_status_mood_channel_and_assignee(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let chat = db.ensure_channel(ChannelKind::Chat, "chat").await.unwrap();
    let agent = db
        .create_agent(
            &NewAgent {
                name: "Dee".into(),
                email: "dee@desk.test".into(),
                role: Role::Agent,
                team_id: None,
                password_hash: "x".into(),
            },
            t(0),
        )
        .await
        .unwrap();
    let mut angry = inbound(&api, "A", "a@example.com", "This is awful", t(1));
    angry.mood = Some(MessageMood { label: MoodLabel::Negative, score: -0.8 });
    let angry = db.ingest(angry).await.unwrap();
    let calm = db.ingest(inbound(&chat, "B", "b@example.com", "ok", t(2))).await.unwrap();
    db.update_conversation(
        calm.conversation_id,
        &ConversationUpdate { assignee: Some(Some(agent.id)), ..Default::default() },
        t(3),
    )
    .await
    .unwrap();
    db.change_status(calm.conversation_id, Status::Pending, t(4)).await.unwrap();

    let ids = |page: Page<ConversationSummary>| page.items.into_iter().map(|s| s.conversation.id).collect::<Vec<_>>();
    let f = |f: ConversationFilter| f;
    assert_eq!(
        ids(db
            .list_conversations(
                &f(ConversationFilter { mood: Some(MoodLabel::Negative), ..Default::default() }),
                None,
                10
            )
            .await
            .unwrap()),
        [angry.conversation_id]
    );
    assert_eq!(
        ids(db
            .list_conversations(&ConversationFilter { status: Some(Status::Pending), ..Default::default() }, None, 10)
            .await
            .unwrap()),
        [calm.conversation_id]
    );
    assert_eq!(
        ids(db
            .list_conversations(&ConversationFilter { channel_id: Some(api.id), ..Default::default() }, None, 10)
            .await
            .unwrap()),
        [angry.conversation_id]
    );
    assert_eq!(
        ids(db
            .list_conversations(
                &ConversationFilter { assignee: Some(AssigneeFilter::Agent(agent.id)), ..Default::default() },
                None,
                10
            )
            .await
            .unwrap()),
        [calm.conversation_id]
    );
    assert_eq!(
        ids(db
            .list_conversations(
                &ConversationFilter { assignee: Some(AssigneeFilter::Unassigned), ..Default::default() },
                None,
                10
            )
            .await
            .unwrap()),
        [angry.conversation_id]
    );
    let summary = db.conversation(calm.conversation_id).await.unwrap();
    assert_eq!(summary.assignee_name.as_deref(), Some("Dee"));
}

async fn illegal_status_change_is_refused_and_changes_nothing(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let c = db.ingest(inbound(&api, "E", "e@example.com", "help", t(0))).await.unwrap();
    db.change_status(c.conversation_id, Status::Resolved, t(1)).await.unwrap();
    db.change_status(c.conversation_id, Status::Closed, t(2)).await.unwrap();
    let err = db.change_status(c.conversation_id, Status::Pending, t(3)).await.unwrap_err();
    assert!(matches!(err, StorageError::Transition(_)), "{err:?}");
    assert_eq!(db.conversation(c.conversation_id).await.unwrap().conversation.status, Status::Closed);
    // A closed conversation stays closed: the customer's next message opens a new one.
    let next = db.ingest(inbound(&api, "E", "e@example.com", "again", t(4))).await.unwrap();
    assert_ne!(next.conversation_id, c.conversation_id);
}

async fn customer_reply_reopens_a_resolved_conversation(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let c = db.ingest(inbound(&api, "F", "f@example.com", "broken", t(0))).await.unwrap();
    let resolved = db.change_status(c.conversation_id, Status::Resolved, t(1)).await.unwrap();
    assert_eq!(resolved.conversation.resolved_at, Some(t(1)));
    let again = db.ingest(inbound(&api, "F", "f@example.com", "still broken", t(2))).await.unwrap();
    assert_eq!(again.conversation_id, c.conversation_id);
    assert_eq!(db.conversation(c.conversation_id).await.unwrap().conversation.status, Status::Open);
}

async fn first_reply_sets_first_response_and_notes_do_not(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let agent = db
        .create_agent(
            &NewAgent {
                name: "Gil".into(),
                email: "gil@desk.test".into(),
                role: Role::Lead,
                team_id: None,
                password_hash: "h".into(),
            },
            t(0),
        )
        .await
        .unwrap();
    let c = db.ingest(inbound(&api, "G", "g@example.com", "question", t(0))).await.unwrap();
    let note = AgentMessage {
        conversation_id: c.conversation_id,
        author: Author::Agent(agent.id),
        note: true,
        text: "checking with billing".into(),
        metadata: serde_json::json!({}),
        at: t(3),
    };
    db.add_agent_message(&note).await.unwrap();
    let conv = db.conversation(c.conversation_id).await.unwrap().conversation;
    assert_eq!(conv.first_response_at, None);
    assert_eq!(conv.waiting_since(), Some(t(0)));
    let reply = AgentMessage { note: false, text: "Here is the answer".into(), at: t(10), ..note.clone() };
    db.add_agent_message(&reply).await.unwrap();
    db.add_agent_message(&AgentMessage { at: t(20), ..reply }).await.unwrap();
    let conv = db.conversation(c.conversation_id).await.unwrap().conversation;
    assert_eq!(conv.first_response_at, Some(t(10)));
    assert_eq!(conv.last_agent_message_at, Some(t(20)));
    assert_eq!(conv.waiting_since(), None);
    let messages = db.messages(c.conversation_id).await.unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[1].direction, rapport_domain::Direction::Note);
    assert_eq!(messages[2].author, Author::Agent(agent.id));
}

async fn agents_tokens_and_sessions(db: Db) {
    let new = NewAgent {
        name: "Hal".into(),
        email: "hal@desk.test".into(),
        role: Role::Admin,
        team_id: None,
        password_hash: "hash".into(),
    };
    let hal = db.create_agent(&new, t(0)).await.unwrap();
    assert!(matches!(db.create_agent(&new, t(0)).await, Err(StorageError::Conflict(_))));
    assert_eq!(db.count_agents().await.unwrap(), 1);
    let (agent, hash) = db.agent_credentials("hal@desk.test").await.unwrap().unwrap();
    assert_eq!((agent.id, hash.as_str()), (hal.id, "hash"));
    assert!(db.agent_credentials("nobody@desk.test").await.unwrap().is_none());

    db.create_token("ci", Role::Agent, "tokhash", t(0)).await.unwrap();
    assert_eq!(db.token_by_hash("tokhash").await.unwrap().map(|t| t.role), Some(Role::Agent));
    assert!(db.token_by_hash("other").await.unwrap().is_none());

    db.create_session("sess", hal.id, "csrf", t(0), t(60)).await.unwrap();
    let session = db.session("sess", t(30)).await.unwrap().unwrap();
    assert_eq!((session.agent.id, session.csrf_token.as_str()), (hal.id, "csrf"));
    assert!(db.session("sess", t(61)).await.unwrap().is_none(), "expired sessions are not returned");
    db.delete_session("sess").await.unwrap();
    assert!(db.session("sess", t(30)).await.unwrap().is_none());
}

async fn contacts_are_found_by_search_and_identity(db: Db) {
    let api = db.ensure_channel(ChannelKind::Api, "api").await.unwrap();
    let mut rec = inbound(&api, "Ingrid Olsen", "ingrid@example.com", "hi", t(0));
    rec.identities.push(Identity::handle("@ingrid_o").unwrap());
    let c = db.ingest(rec).await.unwrap();
    db.ingest(inbound(&api, "Other", "other@example.com", "hi", t(0))).await.unwrap();
    let found = db.search_contacts("olsen", 10).await.unwrap();
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [c.contact_id]);
    assert_eq!(found[0].identities.len(), 2);
    assert!(db.search_contacts("100%", 10).await.unwrap().is_empty(), "LIKE wildcards are escaped");
    let by_handle = db.contact_by_identity(&Identity::handle("INGRID_O").unwrap()).await.unwrap().unwrap();
    assert_eq!(by_handle.id, c.contact_id);
    assert_eq!(by_handle.email.as_deref(), Some("ingrid@example.com"));
}

async fn channels_teams_and_sites_are_created_once(db: Db) {
    let a = db.ensure_channel(ChannelKind::Email, "support").await.unwrap();
    let b = db.ensure_channel(ChannelKind::Email, "support").await.unwrap();
    assert_eq!(a.id, b.id);
    assert_eq!(db.channel(a.id).await.unwrap().kind, ChannelKind::Email);
    assert!(db.channel_by_name("nope").await.unwrap().is_none());
    let t1 = db.ensure_team("Billing").await.unwrap();
    assert_eq!(db.ensure_team("Billing").await.unwrap().id, t1.id);
    db.ensure_site("Berlin", "Europe/Berlin").await.unwrap();
    assert_eq!(db.list_sites().await.unwrap().len(), 1);
    assert_eq!(db.list_teams().await.unwrap().len(), 1);
}

macro_rules! contract {
    ($backend:ident, $fresh:ident: $($name:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test_db = super::$fresh().await.expect("fresh database");
                    super::$name(test_db.db.clone()).await;
                    test_db.db.close().await;
                }
            )*
        }
    };
}

macro_rules! contract_on_both {
    ($($name:ident),* $(,)?) => {
        contract!(sqlite, fresh_sqlite: $($name),*);
        contract!(postgres, fresh_postgres: $($name),*);
    };
}

contract_on_both!(
    customer_messages_thread_into_one_conversation_per_channel,
    same_external_id_is_stored_once,
    concurrent_first_messages_from_one_customer_make_one_contact,
    inbox_pages_by_cursor_without_gaps_or_repeats,
    filters_by_status_mood_channel_and_assignee,
    illegal_status_change_is_refused_and_changes_nothing,
    customer_reply_reopens_a_resolved_conversation,
    first_reply_sets_first_response_and_notes_do_not,
    agents_tokens_and_sessions,
    contacts_are_found_by_search_and_identity,
    channels_teams_and_sites_are_created_once,
    one_bad_message_does_not_take_down_the_others_sent_with_it,
);

#[tokio::test]
async fn unknown_database_scheme_fails_loudly() {
    let err = Db::connect("mysql://localhost/x").await.err().expect("must fail");
    assert!(matches!(err, StorageError::UnsupportedUrl(_)), "{err}");
    assert!(Db::connect("sqlit:///tmp/x.db").await.is_err());
}
