//! The export readers on small hand-made fixtures (`tests/fixtures/`), checked field by field.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rapport_channels::importers::{
    self, Field, Format, ImportError, ImportedMessage, Mapping, Side, freshdesk, generic, parse_role, parse_timestamp,
    sniff, zendesk,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// (conversation, side, at, author, account, text)
fn key(m: &ImportedMessage) -> (&str, Side, Timestamp, &str, Option<&str>, &str) {
    (m.conversation.as_str(), m.side, m.at, m.author.as_str(), m.account.as_deref(), m.text.as_str())
}

fn lines(errors: &[importers::RowError]) -> Vec<u64> {
    errors.iter().map(|e| e.line).collect()
}

fn csv_mapping() -> Mapping {
    Mapping::parse([
        "conversation=ticket_id",
        "timestamp=sent_at",
        "role=who",
        "author=name",
        "text=body",
        "rating=csat",
        "account=brand",
    ])
    .unwrap()
}

#[test]
fn generic_csv_reads_each_row_and_reports_bad_rows_with_their_lines() {
    let import = generic::read_csv(&fixture("generic.csv"), &csv_mapping()).unwrap();
    let got: Vec<_> = import.messages.iter().map(key).collect();
    assert_eq!(
        got,
        [
            (
                "T1",
                Side::Customer,
                ts("2024-03-01T09:00:00Z"),
                "alice",
                Some("acme"),
                "My parcel is late, where is it?"
            ),
            ("T1", Side::Agent, ts("2024-03-01T09:30:00Z"), "bob", Some("acme"), "Sorry —\nchecking now."),
            ("T1", Side::Customer, ts("2024-03-01T10:00:00Z"), "alice", Some("acme"), "thanks"),
            ("T2", Side::Bot, ts("2024-03-01T11:00:00Z"), "helpbot", Some("acme"), "Hello! How can I help?"),
        ]
    );
    assert_eq!(import.messages[2].rating, Some(4.5));
    assert_eq!(import.messages[0].rating, None);
    // No agent column mapped: an agent message's author is its agent.
    assert_eq!(import.messages[1].agent.as_deref(), Some("bob"));
    assert_eq!(import.messages[0].agent, None);
    assert_eq!(import.messages[0].channel, None);
    // The agent's text spans lines 3–4, so the bad rows are on lines 7 and 8.
    assert_eq!(lines(&import.errors), [7, 8]);
    assert!(import.errors[0].message.contains("\"yesterday\" is not a timestamp"), "{}", import.errors[0]);
    assert!(import.errors[1].message.contains("\"wizard\" is not a role"), "{}", import.errors[1]);
    assert!(import.errors[0].file.ends_with("generic.csv"));
    assert!(import.errors[0].to_string().contains("generic.csv:7:"));
}

#[test]
fn generic_csv_mapping_errors_name_the_problem_and_list_the_columns() {
    let mut mapping = csv_mapping();
    mapping.set(Field::Text, "content");
    let err = generic::read_csv(&fixture("generic.csv"), &mapping).unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }));
    let msg = err.to_string();
    assert!(msg.contains("column \"content\" (mapped to text) is not in the file"), "{msg}");
    assert!(msg.contains("the file's columns: ticket_id, sent_at, who, name, body, csat, brand"), "{msg}");

    let without_role = Mapping::parse(["conversation=ticket_id", "timestamp=sent_at", "text=body"]).unwrap();
    let msg = generic::read_csv(&fixture("generic.csv"), &without_role).unwrap_err().to_string();
    assert!(msg.contains("no mapping for required field role"), "{msg}");
    assert!(msg.contains("ticket_id, sent_at"), "{msg}");
}

#[test]
fn mapping_strings_are_checked() {
    assert!(Mapping::parse(["conversation"]).unwrap_err().to_string().contains("expected field=column"));
    assert!(Mapping::parse(["mood=x"]).unwrap_err().to_string().contains("unknown field \"mood\""));
    assert!(Mapping::parse(["text=a", "TEXT=b"]).unwrap_err().to_string().contains("mapped twice"));
    assert!(Mapping::parse(["text= "]).is_err());
    let m = Mapping::parse([" Conversation = ticket id "]).unwrap();
    assert_eq!(m.column(Field::Conversation), Some("ticket id"));
    assert_eq!(m.column(Field::Text), None);
}

fn ndjson_mapping() -> Mapping {
    Mapping::parse([
        "conversation=conv",
        "timestamp=ts",
        "role=from.role",
        "author=from.id",
        "text=message",
        "account=brand",
        "rating=rating",
    ])
    .unwrap()
}

#[test]
fn generic_ndjson_reads_nested_columns_and_reports_bad_lines() {
    let import = generic::read_ndjson(&fixture("generic.ndjson"), &ndjson_mapping()).unwrap();
    let got: Vec<_> = import.messages.iter().map(key).collect();
    assert_eq!(
        got,
        [
            ("101", Side::Customer, ts("2024-03-02T08:00:00Z"), "u1", Some("shop"), "Hi, I was charged twice"),
            ("101", Side::Agent, ts("2024-03-02T08:30:00Z"), "a7", Some("shop"), "Refund issued."),
            ("101", Side::Customer, ts("2024-03-02T08:45:00Z"), "u1", Some("shop"), "Thank you"),
            ("102", Side::Customer, ts("2024-03-02T09:00:00Z"), "u2", Some("shop"), "Hello?"),
        ]
    );
    assert_eq!(import.messages[1].rating, Some(1.0));
    assert_eq!(import.messages[2].rating, None);
    assert_eq!(lines(&import.errors), [3]);
    assert!(import.errors[0].message.starts_with("not JSON"), "{}", import.errors[0]);
}

#[test]
fn generic_ndjson_mapping_errors() {
    let mut mapping = ndjson_mapping();
    mapping.set(Field::Text, "body");
    let msg = generic::read_ndjson(&fixture("generic.ndjson"), &mapping).unwrap_err().to_string();
    assert!(msg.contains("column \"body\" (mapped to text) is not in the file"), "{msg}");
    assert!(msg.contains("the file's columns: brand, conv, from, message, ts"), "{msg}");

    // An optional column that no object has is found at the end.
    let mut mapping = ndjson_mapping();
    mapping.set(Field::Site, "store");
    let msg = generic::read_ndjson(&fixture("generic.ndjson"), &mapping).unwrap_err().to_string();
    assert!(msg.contains("column \"store\" (mapped to site) is not in the file"), "{msg}");
    assert!(msg.contains("brand, conv, from, message, rating, ts"), "{msg}");
}

fn json_mapping() -> Mapping {
    Mapping::parse([
        "id=id",
        "conversation=thread",
        "timestamp=created",
        "role=role",
        "author=author",
        "text=text",
        "channel=channel",
    ])
    .unwrap()
}

#[test]
fn generic_json_array_numbers_bad_elements_by_index() {
    let import = generic::read_json(&fixture("generic.json"), &json_mapping()).unwrap();
    let got: Vec<_> = import.messages.iter().map(key).collect();
    assert_eq!(
        got,
        [
            ("c-9", Side::Customer, ts("2024-03-03T12:00:00Z"), "zoe", None, "Is the shop open on Sunday?"),
            ("c-9", Side::Agent, ts("2024-03-03T12:02:30Z"), "max", None, "Yes, 10 to 16."),
            ("c-10", Side::Bot, ts("2024-03-03T11:00:00.5Z"), "autobot", None, "Your ticket was received."),
        ]
    );
    assert_eq!(import.messages[0].id.as_deref(), Some("m1"));
    assert_eq!(import.messages[2].channel.as_deref(), Some("email"));
    assert_eq!(lines(&import.errors), [3, 4]);
    assert!(import.errors[0].message.contains("no text"), "{}", import.errors[0]);
    assert!(import.errors[1].message.contains("not a JSON object"), "{}", import.errors[1]);
}

#[test]
fn generic_json_syntax_errors_and_a_top_level_object_is_refused() {
    // An element that is not JSON is one bad row, at its line; the elements after it are read.
    let text = "[\n{\"c\": 1, \"t\": 0, \"r\": \"agent\", \"x\": \"a\"},\n{\"c\": 1, \"t\": 1,, \"r\": \"agent\"},\n\
                {\"c\": 2, \"t\": 2, \"r\": \"agent\", \"x\": \"b\"}\n]";
    let mapping = Mapping::parse(["conversation=c", "timestamp=t", "role=r", "text=x"]).unwrap();
    let import = generic::read_json_from(text.as_bytes(), "broken.json", &mapping).unwrap();
    assert_eq!(import.messages.len(), 2);
    assert_eq!(import.messages[0].at, ts("1970-01-01T00:00:00Z"));
    assert_eq!(import.messages[1].conversation, "2");
    assert_eq!(lines(&import.errors), [3]);
    assert!(import.errors[0].message.contains("array element 2 is not JSON"), "{}", import.errors[0]);
    // A broken array (here a string never closed) stops the reading where it broke.
    let text = "[\n{\"c\": 1, \"t\": 0, \"r\": \"agent\", \"x\": \"a\"},\n{\"c\": 1, \"x\": \"open\n]";
    let import = generic::read_json_from(text.as_bytes(), "broken.json", &mapping).unwrap();
    assert_eq!(import.messages.len(), 1);
    assert_eq!(lines(&import.errors), [4]);
    assert!(import.errors[0].message.contains("the rest of the file was not read"), "{}", import.errors[0]);

    let err = generic::read_json_from("{\"c\": 1}".as_bytes(), "obj.json", &mapping).unwrap_err();
    assert!(err.to_string().contains("not a JSON array"), "{err}");

    let mut mapping = json_mapping();
    mapping.set(Field::Conversation, "conversation_id");
    let msg = generic::read_json(&fixture("generic.json"), &mapping).unwrap_err().to_string();
    assert!(msg.contains("column \"conversation_id\" (mapped to conversation)"), "{msg}");
    assert!(msg.contains("author, channel, created, id, role, text, thread"), "{msg}");
}

#[test]
fn zendesk_public_comments_become_messages_sided_by_the_requester() {
    let import = zendesk::read(&fixture("zendesk.jsonl")).unwrap();
    let got: Vec<_> = import.messages.iter().map(key).collect();
    assert_eq!(
        got,
        [
            (
                "35436",
                Side::Customer,
                ts("2024-03-04T10:00:00Z"),
                "20978392",
                Some("360000123"),
                "My printer is on fire!"
            ),
            // Comment 1002 is an internal note (public: false): skipped.
            (
                "35436",
                Side::Agent,
                ts("2024-03-04T10:20:00Z"),
                "235323",
                Some("360000123"),
                "Please unplug it right away."
            ),
            ("35438", Side::Customer, ts("2024-03-05T14:00:00Z"), "555", Some("zendesk"), "Where is my refund?"),
            ("35438", Side::Agent, ts("2024-03-05T14:03:00Z"), "777", Some("zendesk"), "Let me check."),
        ]
    );
    let m = &import.messages;
    assert_eq!(m[0].id.as_deref(), Some("1001"));
    assert_eq!(m[0].channel.as_deref(), Some("email"));
    assert_eq!(m[1].channel.as_deref(), Some("email"), "the ticket's channel, not the comment's");
    assert_eq!(m[0].agent.as_deref(), Some("235323"), "the customer's messages carry the assignee");
    assert_eq!(m[3].agent.as_deref(), Some("777"));
    assert_eq!(m[2].agent, None);
    assert_eq!(m[0].team.as_deref(), Some("98738"));
    assert_eq!(m[2].team, None);
    assert_eq!(m[0].status.as_deref(), Some("solved"));
    assert_eq!((m[0].rating, m[2].rating), (Some(1.0), Some(0.0)));
    assert_eq!(m[2].channel.as_deref(), Some("chat"));

    assert_eq!(lines(&import.errors), [2, 3, 4]);
    assert!(import.errors[0].message.starts_with("not JSON"), "{}", import.errors[0]);
    assert!(import.errors[1].message.contains("ticket 35438, comment 2003: created_at \"last Tuesday\""));
    assert!(import.errors[2].message.contains("ticket 35439: no comments array"));
}

#[test]
fn freshdesk_description_then_public_conversations() {
    let import = freshdesk::read(&fixture("freshdesk.jsonl")).unwrap();
    let got: Vec<_> = import.messages.iter().map(key).collect();
    assert_eq!(
        got,
        [
            ("20", Side::Customer, ts("2024-03-05T08:00:00Z"), "129", Some("freshdesk"), "My order #42 never arrived."),
            // Conversation 3 is a private note: skipped.
            (
                "20",
                Side::Agent,
                ts("2024-03-05T09:15:00Z"),
                "7",
                Some("freshdesk"),
                "We are sorry, a replacement ships today."
            ),
            ("20", Side::Customer, ts("2024-03-05T10:00:00Z"), "129", Some("freshdesk"), "Great, thanks!"),
            // An outbound email: the agent wrote the description.
            ("21", Side::Agent, ts("2024-03-06T07:00:00Z"), "8", Some("11000"), "Your subscription renews next week."),
            ("21", Side::Customer, ts("2024-03-06T07:30:00Z"), "130", Some("11000"), "Please cancel it."),
        ]
    );
    let m = &import.messages;
    assert_eq!((m[0].id.as_deref(), m[1].id.as_deref()), (None, Some("4")));
    assert_eq!(m[0].channel.as_deref(), Some("email"));
    assert_eq!(m[3].channel.as_deref(), Some("outbound_email"));
    assert_eq!((m[0].status.as_deref(), m[3].status.as_deref()), (Some("resolved"), Some("closed")));
    assert_eq!(m[0].agent.as_deref(), Some("7"));
    assert_eq!(m[1].agent.as_deref(), Some("7"));
    assert_eq!(m[0].team.as_deref(), Some("3"));
    assert_eq!(m[3].team, None);
    assert_eq!(m[0].rating, None);

    assert_eq!(lines(&import.errors), [2, 3]);
    assert!(import.errors[0].message.contains("ticket 21, conversation 7: created_at \"soon\""));
    assert!(import.errors[1].message.contains("ticket 22: no conversations array"));
}

#[test]
fn vendor_readers_accept_a_json_array_too() {
    let text = std::fs::read_to_string(fixture("zendesk.jsonl")).unwrap();
    let first = text.lines().next().unwrap();
    let array = format!("[\n{first},\n{first}\n]");
    let import = zendesk::read_from(array.as_bytes(), "tickets.json").unwrap();
    assert_eq!(import.messages.len(), 4);
    assert!(import.errors.is_empty());
}

#[test]
fn sniff_recognises_each_fixture() {
    let cases = [
        ("twcs.csv", Format::Twcs),
        ("generic.csv", Format::Csv),
        ("generic.ndjson", Format::Ndjson),
        ("generic.json", Format::Json),
        ("zendesk.jsonl", Format::Zendesk),
        ("freshdesk.jsonl", Format::Freshdesk),
    ];
    for (name, format) in cases {
        let bytes = std::fs::read(fixture(name)).unwrap();
        assert_eq!(sniff(&bytes[..bytes.len().min(4096)]), Some(format), "{name}");
        assert_eq!(importers::sniff_file(&fixture(name)).unwrap(), Some(format), "{name}");
    }
    // A first object cut short is still recognised by its keys.
    assert_eq!(sniff(b"{\"id\": 1, \"requester_id\": 2, \"comments\": [{\"id\": 3, \"bo"), Some(Format::Zendesk));
    assert_eq!(sniff(b"\xEF\xBB\xBF  {\"conversations\": [], \"requester_id\": 2"), Some(Format::Freshdesk));
    assert_eq!(sniff(b"{\"comments\": [\"requester_id\"]}\n"), Some(Format::Ndjson));
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(b"   \n"), None);
    assert_eq!(sniff(b"\x00\x01\x02binary"), None);
    assert_eq!(sniff(b"just one column\n"), None);
}

#[test]
fn stream_dispatches_by_format() {
    let messages = |s: importers::ConversationStream| -> Vec<ImportedMessage> {
        let mut convs: Vec<importers::Conversation> = s.collect::<Result<_, _>>().unwrap();
        convs.sort_by_key(|c| c.seq);
        convs.into_iter().flat_map(|c| c.messages).collect()
    };
    let twcs = importers::stream(&fixture("twcs.csv"), Format::Twcs, None, false).unwrap();
    assert_eq!(twcs.counts(), Some((3, 1)));
    let twcs = messages(twcs);
    assert_eq!(twcs.len(), 3);
    assert_eq!(twcs[0].account.as_deref(), Some("sprintcare"));
    let csv = importers::stream(&fixture("generic.csv"), Format::Csv, Some(&csv_mapping()), false).unwrap();
    assert_eq!(csv.errors().len(), 2);
    assert_eq!(messages(csv), generic::read_csv(&fixture("generic.csv"), &csv_mapping()).unwrap().messages);
    let zendesk = importers::stream(&fixture("zendesk.jsonl"), Format::Zendesk, None, false).unwrap();
    assert_eq!(zendesk.counts(), None, "read once: known at the end");
    assert_eq!(messages(zendesk), zendesk::read(&fixture("zendesk.jsonl")).unwrap().messages);
    let err = importers::stream(&fixture("generic.csv"), Format::Csv, None, false).err().unwrap();
    assert!(err.to_string().contains("needs a column mapping"), "{err}");
    let err = importers::stream(&fixture("missing.csv"), Format::Zendesk, None, false).err().unwrap();
    assert!(matches!(err, ImportError::Io { .. }));
    // Strict: the first bad row is the error, when opening (read twice) or when reached (read once).
    let err = importers::stream(&fixture("generic.csv"), Format::Csv, Some(&csv_mapping()), true).err().unwrap();
    assert!(matches!(&err, ImportError::Row(e) if e.line == 7), "{err}");
    let mut zendesk = importers::stream(&fixture("zendesk.jsonl"), Format::Zendesk, None, true).unwrap();
    assert!(zendesk.next().unwrap().is_ok(), "the ticket on line 1 is fine");
    let err = zendesk.next().unwrap().unwrap_err();
    assert!(matches!(&err, ImportError::Row(e) if e.line == 2), "{err}");
    assert!(zendesk.next().is_none(), "nothing after the error");
    assert_eq!("Zendesk".parse::<Format>().unwrap(), Format::Zendesk);
    assert!("xlsx".parse::<Format>().unwrap_err().to_string().contains("unknown format \"xlsx\""));
}

#[test]
fn timestamps_and_roles() {
    let t = ts("2024-03-01T09:00:00Z");
    for s in ["2024-03-01T09:00:00Z", "2024-03-01T10:00:00+01:00", "2024-03-01 09:00:00", "2024-03-01T09:00:00"] {
        assert_eq!(parse_timestamp(s), Some(t), "{s}");
    }
    assert_eq!(parse_timestamp("1709283600"), Some(t));
    assert_eq!(parse_timestamp("1709283600000"), Some(t));
    assert_eq!(parse_timestamp(" 1709283600.5 "), Some(ts("2024-03-01T09:00:00.5Z")));
    for s in ["2024-03-01", "yesterday", "", "01/03/2024 09:00", "2024-03-01T09:00:00 Europe/Berlin", "12abc"] {
        assert_eq!(parse_timestamp(s), None, "{s}");
    }
    for (s, side) in [
        ("Customer", Side::Customer),
        ("END-USER", Side::Customer),
        ("requester", Side::Customer),
        ("True", Side::Customer),
        ("staff", Side::Agent),
        ("outbound", Side::Agent),
        ("false", Side::Agent),
        ("Admin", Side::Agent),
        ("automation", Side::Bot),
        (" system ", Side::Bot),
    ] {
        assert_eq!(parse_role(s), Some(side), "{s}");
    }
    assert_eq!(parse_role("manager"), None);
}
